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
    path("tenants/<int:pk>/<slug:action>/", views.tenant_action, name="tenant_action"),
    path("tenants/<int:pk>/domains/add/", views.domain_add, name="domain_add"),
    path(
        "tenants/<int:pk>/domains/<int:domain_pk>/<slug:action>/", views.domain_action, name="domain_action"
    ),
    path("tenants/<int:pk>/admins/add/", views.admin_add, name="admin_add"),
    path("tenants/<int:pk>/admins/<int:user_pk>/<slug:action>/", views.admin_action, name="admin_action"),
    path("audit/", views.audit_list, name="audit_list"),
]

# Usage per tenant (tenants.console.usage): the list, its JSON, one tenant's chart and refresh.
from tenants.console import usage as usage_views  # noqa: E402

urlpatterns += [
    path("usage/", usage_views.usage_list, name="usage_list"),
    path("usage.json", usage_views.usage_json, name="usage_json"),
    path("usage/<int:pk>/", usage_views.usage_detail, name="usage_detail"),
    path("usage/<int:pk>/refresh/", usage_views.usage_refresh, name="usage_refresh"),
]
