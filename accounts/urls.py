"""Mounted at /account/profile/ on tenant hosts (config/urls_tenants.py)."""

from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("my-data/", views.export_my_data, name="export"),
    path("delete/", views.delete_account, name="delete"),
]
