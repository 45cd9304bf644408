"""The tenant registry in the public schema: agencies, their brands (tenants), domains, starter portals."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_tenants.models import DomainMixin, TenantMixin


class Agency(models.Model):
    """An agency that sets up and runs portals for brands. Its staff log in to the console."""

    name = models.CharField(max_length=120, unique=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="agencies", blank=True, through="AgencyMembership"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name"]

    def __str__(self):
        return self.name


class AgencyMembership(models.Model):
    """A console user's place in an agency, with their role there.

    Owners and operators change their agency's tenants (lifecycle, domains, brand admins); read-only
    members see them and the audit log but every change is refused (tenants.console.views).
    """

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        OPERATOR = "operator", _("Operator")
        READ_ONLY = "read_only", _("Read-only")

    CHANGING_ROLES = (Role.OWNER, Role.OPERATOR)

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    # Members added before roles existed (and by `agency.staff.add(user)`) are owners.
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.OWNER)
    # The agency's tenants this member may see and touch; none chosen means all of them.
    tenants = models.ManyToManyField("Tenant", blank=True, related_name="+")

    class Meta:
        # The table Django made for the plain many-to-many: the rows stay where they were.
        db_table = "tenants_agency_staff"
        constraints = [models.UniqueConstraint(fields=["agency", "user"], name="agency_membership_once")]

    def __str__(self):
        return f"{self.user_id} in {self.agency_id} ({self.role})"


class PortalTemplate(models.Model):
    """A starter portal agencies pick when they create a tenant.

    `key` names the builder in `builder.starter_portals` that fills the new tenant with pages.
    """

    key = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class Tenant(TenantMixin):
    """A brand: its own PostgreSQL schema, domains and portal."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        ARCHIVED = "archived", "Archived"

    name = models.CharField(max_length=120)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="tenants")
    portal_template = models.ForeignKey(PortalTemplate, on_delete=models.PROTECT, null=True, related_name="+")
    admin_email = models.EmailField()
    default_language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="zh-hans")
    time_zone = models.CharField(max_length=64, default="Asia/Shanghai")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Provisioning creates the schema itself (clone or spare pool), never on save().
    auto_create_schema = False
    # Archiving keeps the data; only an explicit drop removes a schema.
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["active", "suspended", "archived"]), name="tenant_status_valid"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class Domain(DomainMixin):
    """A host name of one tenant. The primary one serves the portal; the others redirect to it.

    A domain an agency adds in the console (`tenants.services.add_domain`) is unverified
    (`verified_at` empty) and serves nothing until its ownership is checked. Rows made in code
    (provisioning, the demo, benchmarks) are verified when created.
    """

    verified_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_primary", "domain"]
        constraints = [
            # Exactly one primary per tenant: the redirect target is never ambiguous.
            models.UniqueConstraint(
                fields=["tenant"], condition=models.Q(is_primary=True), name="domain_one_primary_per_tenant"
            ),
            # A host whose ownership was never checked cannot become the one that serves.
            models.CheckConstraint(
                condition=models.Q(is_primary=False) | models.Q(verified_at__isnull=False),
                name="domain_primary_is_verified",
            ),
        ]

    def __str__(self):
        return self.domain

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class TenantAuditEntry(models.Model):
    """Who changed a tenant, when, and from which address: created, suspended, resumed, archived,
    its domains added, verified, made primary or removed, and its brand admins invited, re-invited
    or revoked. Written by tenants.services in the same transaction as the change; never edited.
    Listed in the console's history of each tenant and at /console/audit/."""

    class Action(models.TextChoices):
        CREATED = "created", pgettext_lazy("tenant history", "Created")
        SUSPENDED = "suspended", pgettext_lazy("tenant history", "Suspended")
        RESUMED = "resumed", pgettext_lazy("tenant history", "Resumed")
        ARCHIVED = "archived", pgettext_lazy("tenant history", "Archived")
        DOMAIN_ADDED = "domain_added", pgettext_lazy("tenant history", "Domain added")
        DOMAIN_VERIFIED = "domain_verified", pgettext_lazy("tenant history", "Domain verified")
        DOMAIN_MADE_PRIMARY = "domain_made_primary", pgettext_lazy("tenant history", "Domain made primary")
        DOMAIN_REMOVED = "domain_removed", pgettext_lazy("tenant history", "Domain removed")
        ADMIN_INVITED = "admin_invited", pgettext_lazy("tenant history", "Brand admin invited")
        INVITATION_RESENT = "invitation_resent", pgettext_lazy("tenant history", "Invitation resent")
        INVITATION_REVOKED = "invitation_revoked", pgettext_lazy("tenant history", "Invitation revoked")
        RESTORED = "restored", pgettext_lazy("tenant history", "Restored")
        PURGED = "purged", pgettext_lazy("tenant history", "Purged")
        EXPORTED = "exported", pgettext_lazy("tenant history", "Exported")
        IMPORTED = "imported", pgettext_lazy("tenant history", "Imported")
        STAFF_ADDED = "staff_added", pgettext_lazy("tenant history", "Agency staff added")
        STAFF_CHANGED = "staff_changed", pgettext_lazy("tenant history", "Agency staff role changed")
        STAFF_REMOVED = "staff_removed", pgettext_lazy("tenant history", "Agency staff removed")

    # Empty for agency-wide actions (its staff) and once the tenant is purged: the entry stays,
    # with the tenant's name and agency kept beside it.
    tenant = models.ForeignKey(
        Tenant, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    tenant_name = models.CharField(max_length=120, blank=True)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too: the entry still says who after the user is deleted ("" for the command line).
    acting_username = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(default=timezone.now)
    # The console user's address (tenants.console.views.client_ip); empty from the command line.
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # What was changed, e.g. {"domain": "shop.brand.com"} or {"email": "ops@brand.com"}.
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["tenant", "-at"], name="tenant_audit_tenant_at"),
            models.Index(fields=["agency", "-at"], name="tenant_audit_agency_at"),
        ]

    def __str__(self):
        return f"{self.tenant_name or self.tenant_id} {self.action} by {self.acting_username or 'system'}"


class SpareSchema(models.Model):
    """A pre-built tenant schema waiting to be renamed into a new tenant's schema.

    `fingerprint` is the migration state of the template it was cloned from; `migrate_schemas`
    drops spares whose fingerprint no longer matches.
    """

    schema_name = models.CharField(max_length=63, unique=True)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.schema_name


class TemplateSnapshot(models.Model):
    """The SQL that recreates the template schema under another name, made once per migration state.

    `sql` has `__SCHEMA__` where the schema name goes: table definitions (pg_dump, pre-data), a
    server-side copy of the template's rows, sequence positions, then indexes, constraints and
    triggers (pg_dump, post-data). Cloning replays it in one statement, inside the caller's transaction.
    """

    fingerprint = models.CharField(max_length=64, unique=True)
    sql = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"template at {self.fingerprint[:12]}"


class TenantUsage(models.Model):
    """One day's usage figures of one tenant (tenants.usage.record_usage), read by the console's
    usage list and chart. Written by the schedule or a "refresh now", never by a request to the
    portal: the figures are counted from the tenant's own tables and folder afterwards."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="usage")
    day = models.DateField()
    pages = models.PositiveIntegerField()
    members = models.PositiveIntegerField(null=True)  # null: the tenant has no such table
    orders = models.PositiveIntegerField(null=True)
    bookings = models.PositiveIntegerField(null=True)
    active_customers_30d = models.PositiveIntegerField()
    # Requests the portal answered over the 30 days up to `day` (TenantRequestCount); null before
    # counting began.
    requests_30d = models.PositiveBigIntegerField(null=True)
    media_bytes = models.BigIntegerField(null=True)  # null: media in a bucket, not counted
    database_bytes = models.BigIntegerField()
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["tenant", "-day"]
        constraints = [models.UniqueConstraint(fields=["tenant", "day"], name="tenant_usage_one_per_day")]

    def __str__(self):
        return f"{self.tenant_id} usage on {self.day}"


class TenantRequestCount(models.Model):
    """Requests one tenant's portal answered on one day. Each web process counts in memory and adds
    its counts here about once a minute (tenants.usage.RequestCounter): no write per request."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="request_counts")
    day = models.DateField()
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "day"], name="tenant_requests_one_per_day")]

    def __str__(self):
        return f"{self.tenant_id} answered {self.count} requests on {self.day}"
