"""URLs on the public hosts: the agency console. No portal pages and no GraphQL here."""

from django.urls import include, path

from tenants.console import views as console_views

urlpatterns = [
    path("", console_views.home),
    path("console/", include("tenants.console.urls")),
]
