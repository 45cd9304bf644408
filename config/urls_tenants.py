"""URLs on a tenant's domains: the brand admin, and the portal pages (Wagtail serves the rest)."""

from allauth.account import views as allauth_views
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts import views as account_views
from builder import views as page_views
from builder.graphql.views import LimitedGraphQLView
from core.language import switch_language
from tenants.media import serve_tenant_media

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Read-only API; no cookie-authenticated writes, so no CSRF token is needed.
    path("graphql/", csrf_exempt(LimitedGraphQLView.as_view(graphiql=settings.DEBUG)), name="graphql"),
    path(f"{settings.MEDIA_URL.strip('/')}/<str:schema_name>/<path:path>", serve_tenant_media),
    path("language/<str:language>/", switch_language, name="switch_language"),
    path("account/api-token/", account_views.issue_api_token, name="api_token"),
    path("account/", include("members.urls")),
    path("account/coupons/", include("coupons.urls")),
    path("account/notifications/", include("notifications.urls")),
    path("", include("mall.urls")),  # /shop/ and /account/orders/
    path("", include("events.urls")),  # /events/ and /account/events/
    path("", include("service.urls")),  # /service/, /book/, /account/requests/ and /account/appointments/
    path("", include("referrals.urls")),  # /r/<code>/ (referral links) and /account/referral/
    path("", include("knowledge.urls")),  # /search/ and the help centre's small forms
    # Customers: sign-up, log-in, e-mail verification, password reset (django-allauth), profile.
    # settings.LOGIN_URL is the URL name "login": customers' log-in here, the console's on public hosts.
    path("accounts/login/", allauth_views.LoginView.as_view(), name="login"),
    path("accounts/", include("allauth.urls")),
    path("account/profile/", include("accounts.urls")),
    # Wagtail's helpers for private pages (its own URL conf minus the page route, which is below).
    *wagtail_urls.urlpatterns[:-1],
]

# Pages: /en/help/ in a language other than the tenant's default (Wagtail reverses "wagtail_serve"
# in the page's language, builder.models strips the default language's prefix), /help/ in the
# default language.
urlpatterns += i18n_patterns(
    re_path(wagtail_urls.serve_pattern, page_views.serve_page, name="wagtail_serve"),
    prefix_default_language=True,
)
urlpatterns += [
    re_path(wagtail_urls.serve_pattern, page_views.serve_default_language_page, name="default_language_page"),
]
