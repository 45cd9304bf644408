"""Event URLs on tenant hosts (included at the root by config/urls_tenants.py)."""

from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("events/", views.event_list, name="event_list"),
    path("events/check-in/", views.daily_check_in, name="daily_check_in"),
    path("events/campaigns/<str:slug>/", views.campaign, name="campaign"),
    path("events/campaigns/<str:slug>/draw/", views.draw, name="draw"),
    path("events/<str:slug>/", views.event, name="event"),
    path("events/<str:slug>/sign-up/", views.sign_up, name="sign_up"),
    path("account/events/", views.my_events, name="my_events"),
    path("account/events/<str:code>/", views.ticket, name="ticket"),
    path("account/events/<str:code>/cancel/", views.cancel, name="cancel"),
]
