"""Reads of the tenant registry for the agency console."""

from django.db.models import F, Prefetch, Q, QuerySet

from tenants.models import Agency, AgencyMembership, Domain, PortalTemplate, Tenant, TenantAuditEntry

STAFF_ACTIONS = (
    TenantAuditEntry.Action.STAFF_ADDED,
    TenantAuditEntry.Action.STAFF_CHANGED,
    TenantAuditEntry.Action.STAFF_REMOVED,
)


def agencies_of(user) -> QuerySet[Agency]:
    if user.is_superuser:
        return Agency.objects.all()
    return Agency.objects.filter(staff=user)


def agencies_owned_by(user) -> QuerySet[Agency]:
    """The agencies whose staff `user` manages: where they are an owner (all for platform superusers)."""
    if user.is_superuser:
        return Agency.objects.all()
    return Agency.objects.filter(
        agencymembership__user=user, agencymembership__role=AgencyMembership.Role.OWNER
    )


def tenants_for(user, *, changing: bool = False) -> QuerySet[Tenant]:
    """The tenants a console user may see (with `changing`, may change): platform superusers all of
    them; agency staff their agencies' tenants, or only the ones chosen for them
    (`AgencyMembership.tenants`; none chosen means all). Changing also needs an owner or operator."""
    tenants = Tenant.objects.select_related("agency", "portal_template").prefetch_related(
        Prefetch("domains", queryset=Domain.objects.order_by("-is_primary", "domain"))
    )
    if user.is_superuser:
        return tenants
    return tenants.filter(_reachable_by(user, changing=changing))


def _reachable_by(user, *, changing: bool) -> Q:
    """Tenants of agencies where `user` is an unlimited member, or chosen for their limited one.
    Subqueries, not joins: a tenant is listed once however many rows match."""
    memberships = AgencyMembership.objects.filter(user=user)
    if changing:
        memberships = memberships.filter(role__in=AgencyMembership.CHANGING_ROLES)
    unlimited = memberships.filter(tenants__isnull=True).values("agency_id")
    # A chosen tenant counts only while it belongs to the member's agency.
    chosen = AgencyMembership.tenants.through.objects.filter(
        agencymembership__in=memberships, tenant__agency_id=F("agencymembership__agency_id")
    ).values("tenant_id")
    return Q(agency_id__in=unlimited) | Q(pk__in=chosen)


def may_change(user, tenant: Tenant) -> bool:
    """Whether `user` may change `tenant`: a platform superuser, or an owner or operator of its
    agency to whom the tenant is not out of scope. Read-only members only look."""
    return tenants_for(user, changing=True).filter(pk=tenant.pk).exists()


def audit_entries_for(user) -> QuerySet[TenantAuditEntry]:
    """The audit entries `user` may read: those of the tenants they may see; the agency's staff
    changes for its owners; and the history of purged tenants (tenant gone, name kept) for members
    who saw every tenant of the agency. Platform superusers read everything."""
    entries = TenantAuditEntry.objects.select_related("tenant", "agency")
    if user.is_superuser:
        return entries
    unlimited = AgencyMembership.objects.filter(user=user, tenants__isnull=True)
    return entries.filter(
        Q(tenant__in=tenants_for(user).values("pk"))
        | Q(tenant__isnull=True, action__in=STAFF_ACTIONS, agency__in=agencies_owned_by(user).values("pk"))
        | (Q(tenant__isnull=True, agency_id__in=unlimited.values("agency_id")) & ~Q(action__in=STAFF_ACTIONS))
    )


def agency_members(agency: Agency) -> list[AgencyMembership]:
    """The agency's staff for its staff page: owners first, then by user name, with their tenants."""
    role_order = {AgencyMembership.Role.OWNER: 0, AgencyMembership.Role.OPERATOR: 1}
    members = list(
        AgencyMembership.objects.filter(agency=agency)
        .select_related("user")
        .prefetch_related(Prefetch("tenants", queryset=Tenant.objects.order_by("name")))
        .order_by("user__username")
    )
    return sorted(members, key=lambda member: role_order.get(member.role, 2))


def active_portal_templates() -> QuerySet[PortalTemplate]:
    return PortalTemplate.objects.filter(is_active=True)


def tenant_history(tenant, *, limit: int = 50):
    """The tenant's audit entries, newest first: created, suspended, resumed, archived, by whom."""
    return list(tenant.audit_entries.order_by("-at", "-pk")[:limit])
