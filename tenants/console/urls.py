from django.contrib.auth import views as auth_views
from django.urls import path

from tenants.console import views

app_name = "console"

urlpatterns = [
    path("", views.tenant_list, name="tenant_list"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="console:login"), name="logout"),
    path("tenants/new/", views.tenant_new, name="tenant_new"),
    path("tenants/<int:pk>/", views.tenant_detail, name="tenant_detail"),
    path("tenants/<int:pk>/purge/", views.tenant_purge, name="tenant_purge"),
    path("tenants/<int:pk>/export/", views.tenant_export, name="tenant_export"),
    path("tenants/<int:pk>/<slug:action>/", views.tenant_action, name="tenant_action"),
    path("tenants/<int:pk>/domains/add/", views.domain_add, name="domain_add"),
    path(
        "tenants/<int:pk>/domains/<int:domain_pk>/<slug:action>/", views.domain_action, name="domain_action"
    ),
    path("tenants/<int:pk>/admins/add/", views.admin_add, name="admin_add"),
    path("tenants/<int:pk>/admins/<int:user_pk>/<slug:action>/", views.admin_action, name="admin_action"),
    path("audit/", views.audit_list, name="audit_list"),
    # The agency's staff (owners only) and a new console user's set-password link.
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/<int:agency_pk>/add/", views.staff_add, name="staff_add"),
    path(
        "staff/<int:agency_pk>/members/<int:membership_pk>/change/", views.staff_change, name="staff_change"
    ),
    path(
        "staff/<int:agency_pk>/members/<int:membership_pk>/remove/", views.staff_remove, name="staff_remove"
    ),
    path("password/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set_password"),
]

# Usage per tenant (tenants.console.usage): the list, its JSON, one tenant's chart and refresh.
from tenants.console import usage as usage_views  # noqa: E402

urlpatterns += [
    path("usage/", usage_views.usage_list, name="usage_list"),
    path("usage.json", usage_views.usage_json, name="usage_json"),
    path("usage/<int:pk>/", usage_views.usage_detail, name="usage_detail"),
    path("usage/<int:pk>/refresh/", usage_views.usage_refresh, name="usage_refresh"),
]
