"""Service desk URLs on tenant hosts (included at the root by config/urls_tenants.py)."""

from django.urls import path

from service.views import booking, requests

app_name = "service"

urlpatterns = [
    # Requests (tickets): the forms, a customer's requests, the follow link for visitors.
    path("service/", requests.service_home, name="home"),
    path("service/request/<str:slug>/", requests.request_form, name="request_form"),
    path("service/requests/<str:key>/", requests.follow, name="follow"),
    path("service/requests/<str:key>/reply/", requests.follow_reply, name="follow_reply"),
    path("service/requests/<str:key>/close/", requests.follow_close, name="follow_close"),
    path("service/requests/<str:key>/rate/", requests.follow_rate, name="follow_rate"),
    path("service/files/<int:pk>/", requests.attachment, name="attachment"),
    path("account/requests/", requests.my_requests, name="my_requests"),
    path("account/requests/<int:pk>/", requests.my_request, name="my_request"),
    path("account/requests/<int:pk>/reply/", requests.reply, name="reply"),
    path("account/requests/<int:pk>/close/", requests.close, name="close"),
    path("account/requests/<int:pk>/rate/", requests.rate, name="rate"),
    # Appointments: services to book, the slot picker, a customer's bookings.
    path("book/", booking.service_list, name="service_list"),
    path("book/<str:slug>/", booking.service, name="service"),
    path("account/appointments/", booking.my_appointments, name="my_appointments"),
    path("account/appointments/<str:code>/", booking.appointment, name="appointment"),
    path("account/appointments/<str:code>/cancel/", booking.cancel, name="cancel_appointment"),
    path("account/appointments/<str:code>/reschedule/", booking.reschedule, name="reschedule_appointment"),
    path("account/appointments/<str:code>/evaluate/", booking.evaluate, name="evaluate_appointment"),
]
