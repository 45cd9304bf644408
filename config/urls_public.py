"""URLs on the public hosts: the agency console and the TLS proxy's question. No portal pages and no
GraphQL here."""

from django.urls import include, path

from core.language import switch_language
from tenants.console import views as console_views

urlpatterns = [
    path("", console_views.home),
    # settings.LOGIN_URL is the URL name "login": the console's log-in here, the customers' on tenant hosts.
    path("console/login/", console_views.LoginView.as_view(), name="login"),
    path("console/", include("tenants.console.urls")),
    # Asked by the TLS proxy before it gets a certificate for a host (docs/deploy.md).
    path("tls/ask", console_views.tls_ask, name="tls_ask"),
    # The console's language links (the agency user's choice, kept in the language cookie).
    path("language/<str:language>/", switch_language, name="switch_language"),
]
