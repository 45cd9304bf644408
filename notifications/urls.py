"""Mounted at /account/notifications/ on tenant hosts (config/urls_tenants.py)."""

from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:notification_id>/open/", views.open_message, name="open"),
    path("read-all/", views.read_all, name="read_all"),
    path("settings/", views.settings_page, name="settings"),
]
