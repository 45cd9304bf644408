"""URLs on the public hosts: the agency console. No portal pages and no GraphQL here."""

from django.urls import include, path

from tenants.console import views as console_views

urlpatterns = [
    path("", console_views.home),
    # settings.LOGIN_URL is the URL name "login": the console's log-in here, the customers' on tenant hosts.
    path("console/login/", console_views.LoginView.as_view(), name="login"),
    path("console/", include("tenants.console.urls")),
]
