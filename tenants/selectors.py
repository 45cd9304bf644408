"""Reads of the tenant registry for the agency console."""

from django.db.models import Prefetch, QuerySet

from tenants.models import Agency, Domain, PortalTemplate, Tenant


def agencies_of(user) -> QuerySet[Agency]:
    if user.is_superuser:
        return Agency.objects.all()
    return Agency.objects.filter(staff=user)


def tenants_for(user) -> QuerySet[Tenant]:
    """The tenants a console user may see: their agencies' (all of them for platform superusers)."""
    tenants = Tenant.objects.select_related("agency", "portal_template").prefetch_related(
        Prefetch("domains", queryset=Domain.objects.order_by("-is_primary", "domain"))
    )
    if user.is_superuser:
        return tenants
    return tenants.filter(agency__staff=user)


def active_portal_templates() -> QuerySet[PortalTemplate]:
    return PortalTemplate.objects.filter(is_active=True)


def tenant_history(tenant, *, limit: int = 50):
    """The tenant's audit entries, newest first: created, suspended, resumed, archived, by whom."""
    return list(tenant.audit_entries.order_by("-at", "-pk")[:limit])
