"""Every write to the tenant registry: provisioning, suspending, resuming, archiving tenants, their
domains (add, check ownership, make primary, remove) and their brand admins' invitations (invite
another, resend, revoke). Each one writes its audit row (`record_audit`) in the same transaction,
with the acting console user and, from the console, their IP address."""

import logging
import posixpath
import re
import shutil
import urllib.request
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.mail import send_mail
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext, pgettext_lazy
from django_tenants.utils import get_public_schema_name, schema_context

from core import registry
from core.signing import tenant_password_reset_token_generator
from tenants import dns, hosts, schemas, tasks
from tenants.models import Agency, AgencyMembership, Domain, PortalTemplate, Tenant, TenantAuditEntry

logger = logging.getLogger(__name__)

DOMAIN_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
SCHEMA_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
RESERVED_SCHEMA_NAMES = {"public", "information_schema"}
RESERVED_SCHEMA_PREFIXES = ("pg_", "spare_")
CONTACT_PHONE = re.compile(r"^\+?[0-9][0-9 -]*[0-9]$")
validate_website = URLValidator(schemes=["http", "https"])


class ProvisioningError(Exception):
    """Bad input for a tenant operation. `field` names the form field it belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class ProvisionedTenant:
    tenant: Tenant
    domain: Domain
    admin_username: str
    invite_url: str
    schema_source: str  # "spare pool" or "clone"


@dataclass(frozen=True)
class TenantRequest:
    """Validated provisioning input."""

    name: str
    domain: str
    schema_name: str
    template: PortalTemplate
    admin_email: str
    default_language: str
    time_zone: str
    # The brand's customer service, shown by the starter portal; blank ones show a placeholder.
    contact_email: str = ""
    contact_phone: str = ""
    website: str = ""


def provision_tenant(
    name: str,
    domain: str,
    template: str,
    admin_email: str,
    *,
    agency: Agency,
    schema_name: str | None = None,
    default_language: str = "zh-hans",
    time_zone: str = "Asia/Shanghai",
    contact_email: str = "",
    contact_phone: str = "",
    website: str = "",
    acting_user=None,
    ip_address: str | None = None,
) -> ProvisionedTenant:
    """Create a working tenant: schema, tenant row, domain, Wagtail Site, starter portal, invited admin.

    All or nothing: every step runs in one transaction (PostgreSQL DDL is transactional), so on
    any failure no schema, row, domain or user is left behind. Runs no migrations.
    """
    request = validate_tenant_request(
        name=name,
        domain=domain,
        template=template,
        admin_email=admin_email,
        schema_name=schema_name,
        default_language=default_language,
        time_zone=time_zone,
        contact_email=contact_email,
        contact_phone=contact_phone,
        website=website,
    )
    with transaction.atomic():
        schema_source = create_schema(request.schema_name)
        tenant = create_tenant_row(request, agency=agency)
        domain_row = create_domain(tenant, request.domain)
        record_audit(
            tenant,
            TenantAuditEntry.Action.CREATED,
            acting_user,
            ip_address=ip_address,
            template=request.template.key,
            domain=request.domain,
            schema_source=schema_source,
        )
        with schema_context(tenant.schema_name):
            build_starter_portal(request)
            admin = invite_brand_admin(request)
            invite_url = set_password_url(admin, request.domain)
        transaction.on_commit(lambda: send_invitation(tenant, admin.email, invite_url))
        transaction.on_commit(tasks.request_pool_refill)
    hosts.forget(request.domain)
    logger.info(
        "Provisioned tenant %s (%s) on %s from %s by %s",
        tenant.schema_name,
        schema_source,
        request.domain,
        request.template.key,
        acting_user,
    )
    return ProvisionedTenant(tenant, domain_row, admin.get_username(), invite_url, schema_source)


# --- provisioning steps (module-level so tests can inject a failure into each) ----------------


def create_schema(schema_name: str) -> str:
    return schemas.create_tenant_schema(schema_name)


def create_tenant_row(request: TenantRequest, *, agency: Agency) -> Tenant:
    return Tenant.objects.create(
        schema_name=request.schema_name,
        name=request.name,
        agency=agency,
        portal_template=request.template,
        admin_email=request.admin_email,
        default_language=request.default_language,
        time_zone=request.time_zone,
    )


def create_domain(tenant: Tenant, domain: str) -> Domain:
    return Domain.objects.create(domain=domain, tenant=tenant, is_primary=True)


def build_starter_portal(request: TenantRequest) -> None:
    """The template's pages, theme and menus, and the Wagtail Site that serves them on the tenant's
    domain: built by the starter portal registered under the template's key (core.registry), with
    the brand's own name, language and customer-service contacts ("" where none was given)."""
    registry.starter_portals()[request.template.key](
        brand_name=request.name,
        domain=request.domain,
        language=request.default_language,
        contact_email=request.contact_email,
        contact_phone=request.contact_phone,
        website=request.website,
    )


def invite_brand_admin(request: TenantRequest):
    """The brand's first admin, with no password yet: they set one from the invitation link.

    An unusable password means no hashing here (hashing is deliberately slow).
    """
    return _new_brand_admin(request.admin_email)


def _new_brand_admin(email: str):
    """A brand admin in the current schema with no password yet (see invite_brand_admin)."""
    user = get_user_model()(username=email, email=email, is_staff=True, is_superuser=True)
    user.set_unusable_password()
    user.save()
    return user


def set_password_url(user, domain: str) -> str:
    """The brand admin's invitation link: Wagtail's set-password page on the tenant's domain.

    Call in the tenant's schema: the token is salted with it (core.signing), so the link is refused
    on every other tenant, where a user with the same id exists too. Wagtail's reset views check it
    with the same generator (accounts.apps)."""
    path = reverse(
        "wagtailadmin_password_reset_confirm",
        urlconf=settings.ROOT_URLCONF,
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": tenant_password_reset_token_generator.make_token(user),
        },
    )
    return tenant_url(domain) + path


def tenant_url(domain: str) -> str:
    return settings.TENANT_BASE_URL_FORMAT.format(domain=domain)


def send_invitation(tenant: Tenant, email: str, invite_url: str) -> None:
    send_mail(
        subject=f"Your {tenant.name} portal is ready",
        message=(
            f"The customer portal for {tenant.name} is ready.\n\n"
            f"Choose your password to sign in to its admin:\n{invite_url}\n\n"
            f"The link works once and expires in {settings.PASSWORD_RESET_TIMEOUT // 86400} days."
        ),
        from_email=None,
        recipient_list=[email],
    )


# --- validation --------------------------------------------------------------------------------


def validate_tenant_request(
    *,
    name: str,
    domain: str,
    template: str,
    admin_email: str,
    schema_name: str | None,
    default_language: str,
    time_zone: str,
    contact_email: str = "",
    contact_phone: str = "",
    website: str = "",
) -> TenantRequest:
    """Check every input before anything is written; raise ProvisioningError naming the field."""
    name = (name or "").strip()
    if not name:
        raise ProvisioningError("name", gettext("Enter the brand's name."))
    if len(name) > 120:
        raise ProvisioningError("name", gettext("The brand's name can be at most 120 characters."))

    domain = clean_domain(domain)
    if Domain.objects.filter(domain=domain).exists():
        raise ProvisioningError(
            "domain", gettext("The domain %(domain)s is already used by another portal.") % {"domain": domain}
        )

    if schema_name is None:
        schema_name = free_schema_name_for(domain)
    else:
        check_schema_name(schema_name)

    portal_template = PortalTemplate.objects.filter(key=template, is_active=True).first()
    if portal_template is None or portal_template.key not in registry.starter_portals():
        raise ProvisioningError(
            "template",
            gettext("There is no portal template called %(template)s.") % {"template": repr(template)},
        )

    admin_email = checked_email(admin_email, field="admin_email")

    if default_language not in dict(settings.LANGUAGES):
        raise ProvisioningError(
            "default_language",
            gettext("Unsupported language %(language)s.") % {"language": repr(default_language)},
        )
    if time_zone not in zoneinfo.available_timezones():
        raise ProvisioningError(
            "time_zone", gettext("Unknown time zone %(time_zone)s.") % {"time_zone": repr(time_zone)}
        )

    return TenantRequest(
        name,
        domain,
        schema_name,
        portal_template,
        admin_email,
        default_language,
        time_zone,
        contact_email=clean_contact_email(contact_email),
        contact_phone=clean_contact_phone(contact_phone),
        website=clean_website(website),
    )


def checked_email(email: str, *, field: str) -> str:
    """A person's e-mail address (a brand admin's, a console user's), stripped and lowercased;
    ProvisioningError on `field` when it is not an address."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ProvisioningError(
            field, gettext("%(email)s is not a valid email address.") % {"email": repr(email)}
        ) from None
    return email


def clean_contact_email(email: str) -> str:
    """The brand's customer-service e-mail (optional): "" or a valid address."""
    email = (email or "").strip()
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        raise ProvisioningError(
            "contact_email", gettext("%(email)s is not a valid email address.") % {"email": repr(email)}
        ) from None
    return email


def clean_contact_phone(phone: str) -> str:
    """The brand's customer-service phone (optional): digits, "+", spaces and dashes, 6 to 20 of them."""
    phone = " ".join((phone or "").split())
    if not phone:
        return ""
    if not (6 <= len(phone) <= 20 and CONTACT_PHONE.match(phone)):
        raise ProvisioningError(
            "contact_phone",
            gettext(
                "%(phone)s is not a valid phone number: use 6 to 20 digits, spaces or dashes, "
                "with an optional + in front, like 400-820-1234 or +86 21 5888 1234."
            )
            % {"phone": repr(phone)},
        )
    return phone


def clean_website(url: str) -> str:
    """The brand's public website (optional): "" or an http(s) URL."""
    url = (url or "").strip()
    if not url:
        return ""
    try:
        validate_website(url)
        valid = len(url) <= 200
    except ValidationError:
        valid = False
    if not valid:
        raise ProvisioningError(
            "website",
            gettext("%(url)s is not a valid website address: use a full http:// or https:// URL.")
            % {"url": repr(url)},
        )
    return url


def clean_domain(domain: str) -> str:
    domain = (domain or "").strip().lower().rstrip(".")
    if not domain:
        raise ProvisioningError("domain", gettext("Enter the portal's domain, for example help.example.com."))
    labels = domain.split(".")
    if len(domain) > 253 or len(labels) < 2 or not all(DOMAIN_LABEL.match(label) for label in labels):
        raise ProvisioningError(
            "domain",
            gettext(
                "%(domain)s is not a valid domain: use letters, digits, hyphens and dots, "
                "like help.example.com (no scheme, port or path)."
            )
            % {"domain": repr(domain)},
        )
    if domain in settings.PUBLIC_HOSTS:
        raise ProvisioningError(
            "domain", gettext("%(domain)s is the agency console's own domain.") % {"domain": domain}
        )
    return domain


def check_schema_name(schema_name: str, *, purged_tenant_name: str | None = None) -> None:
    """A valid, unreserved schema name no tenant or schema has, and no purged tenant had (unless
    it is that tenant coming back: `purged_tenant_name` is its name, tenants.portable)."""
    if not SCHEMA_NAME.match(schema_name or ""):
        raise ProvisioningError(
            "schema_name",
            gettext(
                "%(schema)s is not a valid schema name: start with a lowercase letter, then use "
                "lowercase letters, digits and underscores, at most 63 characters."
            )
            % {"schema": repr(schema_name)},
        )
    if (
        schema_name in RESERVED_SCHEMA_NAMES
        or schema_name == settings.TENANT_TEMPLATE_SCHEMA
        or schema_name.startswith(RESERVED_SCHEMA_PREFIXES)
    ):
        raise ProvisioningError(
            "schema_name", gettext("The schema name %(schema)s is reserved.") % {"schema": repr(schema_name)}
        )
    if Tenant.objects.filter(schema_name__iexact=schema_name).exists() or schemas.schema_exists(schema_name):
        raise ProvisioningError(
            "schema_name",
            gettext("The schema name %(schema)s is already taken.") % {"schema": repr(schema_name)},
        )
    purged_as = purged_tenant_names(schema_name)
    if purged_as and purged_as != {purged_tenant_name}:
        raise ProvisioningError(
            "schema_name",
            gettext("The schema name %(schema)s belonged to a purged portal; choose another.")
            % {"schema": repr(schema_name)},
        )


def purged_tenant_names(schema_name: str) -> set[str]:
    """The names of the purged tenants that had this schema name. Such a name is never given to a
    new tenant: values the old one handed out are keyed with it (signed links, tokens, QR codes;
    core.signing), and other processes may still cache its pages under it."""
    return set(
        TenantAuditEntry.objects.filter(
            action=TenantAuditEntry.Action.PURGED, detail__schema_name=schema_name
        ).values_list("tenant_name", flat=True)
    )


def free_schema_name_for(domain: str) -> str:
    """A schema name from the domain's first label: `acme-shop.example.com` -> `acme_shop`."""
    base = re.sub(r"[^a-z0-9_]", "_", domain.split(".")[0])[:50]
    if not base[0].isalpha():
        base = f"t_{base}"
    if (
        base in RESERVED_SCHEMA_NAMES
        or base == settings.TENANT_TEMPLATE_SCHEMA
        or base.startswith(RESERVED_SCHEMA_PREFIXES)
    ):
        base = f"t_{base}"
    taken = set(Tenant.objects.filter(schema_name__startswith=base).values_list("schema_name", flat=True))
    candidate, number = base, 1
    while candidate in taken or schemas.schema_exists(candidate) or purged_tenant_names(candidate):
        number += 1
        candidate = f"{base}_{number}"
    return candidate


# --- lifecycle ---------------------------------------------------------------------------------


def suspend_tenant(tenant: Tenant, *, acting_user=None, ip_address: str | None = None) -> Tenant:
    """The portal answers 503 naming the brand; data, admin and domains stay."""
    return _set_status(
        tenant,
        Tenant.Status.SUSPENDED,
        allowed_from={Tenant.Status.ACTIVE},
        action=TenantAuditEntry.Action.SUSPENDED,
        acting_user=acting_user,
        ip_address=ip_address,
    )


def resume_tenant(tenant: Tenant, *, acting_user=None, ip_address: str | None = None) -> Tenant:
    return _set_status(
        tenant,
        Tenant.Status.ACTIVE,
        allowed_from={Tenant.Status.SUSPENDED},
        action=TenantAuditEntry.Action.RESUMED,
        acting_user=acting_user,
        ip_address=ip_address,
    )


def archive_tenant(tenant: Tenant, *, acting_user=None, ip_address: str | None = None) -> Tenant:
    """The portal is gone from the web (404); its schema and data are kept."""
    return _set_status(
        tenant,
        Tenant.Status.ARCHIVED,
        allowed_from={Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED},
        action=TenantAuditEntry.Action.ARCHIVED,
        acting_user=acting_user,
        ip_address=ip_address,
    )


def restore_tenant(tenant: Tenant, *, acting_user=None, ip_address: str | None = None) -> Tenant:
    """An archived tenant back on the web: its domains serve its portal again, as before archiving."""
    return _set_status(
        tenant,
        Tenant.Status.ACTIVE,
        allowed_from={Tenant.Status.ARCHIVED},
        action=TenantAuditEntry.Action.RESTORED,
        acting_user=acting_user,
        ip_address=ip_address,
    )


def purge_tenant(
    tenant: Tenant, *, confirm_schema_name: str, acting_user=None, ip_address: str | None = None
) -> None:
    """An archived tenant deleted for good: its schema, its Tenant row with its domains, usage and
    request counts. Only with its schema name typed as confirmation.

    One transaction (DROP SCHEMA is transactional in PostgreSQL): on any failure nothing is gone.
    Its audit entries stay, with its name and agency, plus a `purged` one. Staff limited to this
    tenant alone lose their membership (none chosen would mean all the agency's tenants). After
    commit its hosts are forgotten, so they answer 404 at once and may be given to a new tenant,
    and its media are deleted (only then: files cannot be rolled back)."""
    with transaction.atomic():
        # The agency first, as the staff services lock it: the memberships below cannot change meanwhile.
        agency = Agency.objects.select_for_update().get(pk=tenant.agency_id)
        locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
        if locked.status != Tenant.Status.ARCHIVED:
            raise ProvisioningError(
                "status",
                gettext("%(name)s is %(current)s; only an archived portal can be purged.")
                % {"name": locked.name, "current": status_word(locked.status)},
            )
        if (confirm_schema_name or "").strip() != locked.schema_name:
            raise ProvisioningError(
                "confirm_schema_name",
                gettext("Type the schema name %(schema)s exactly to confirm.")
                % {"schema": locked.schema_name},
            )
        schema = locked.schema_name
        domains = list(locked.domains.values_list("domain", flat=True))
        _remove_staff_limited_to(locked, agency, acting_user=acting_user, ip_address=ip_address)
        # Entries written before their name and agency were kept beside them (migration 0009).
        locked.audit_entries.filter(tenant_name="").update(tenant_name=locked.name)
        locked.audit_entries.filter(agency__isnull=True).update(agency=agency)
        _audit_row(
            tenant=None,
            tenant_name=locked.name,
            agency_id=agency.pk,
            action=TenantAuditEntry.Action.PURGED,
            acting_user=acting_user,
            ip_address=ip_address,
            detail={"schema_name": schema, "domains": domains},
        )
        # Deferred foreign-key checks still pending in this transaction (rows written in the
        # schema earlier in it) would block the DROP: run them now, as commit would.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schemas.drop_schema(schema)
        # Domains, usage rows and request counts go with it (CASCADE); audit entries keep their
        # name and agency (SET_NULL). auto_drop_schema is False: the schema is already dropped above.
        locked.delete()
        transaction.on_commit(lambda: hosts.forget(*domains))
        transaction.on_commit(lambda: delete_tenant_media(schema))
    logger.info("Tenant %s purged (by %s)", schema, acting_user)


def delete_tenant_media(schema_name: str) -> None:
    """Every stored file of the schema: the folder MEDIA_ROOT/<schema> (tenants.storage), or with a
    bucket the keys under the <schema>/ prefix, through the storage's own bucket."""
    if not SCHEMA_NAME.match(schema_name or ""):  # never a path outside the schema's own folder
        raise ValueError(f"Not a schema name: {schema_name!r}")
    storage = storages["default"]
    bucket = getattr(storage, "bucket", None)
    if bucket is not None:  # tenants.storage.TenantS3Storage: keys are <location>/<schema>/...
        prefix = posixpath.join(getattr(storage, "location", "") or "", schema_name) + "/"
        bucket.objects.filter(Prefix=prefix.lstrip("/")).delete()
        return
    shutil.rmtree(Path(settings.MEDIA_ROOT) / schema_name, ignore_errors=True)


def _remove_staff_limited_to(tenant: Tenant, agency: Agency, *, acting_user, ip_address) -> None:
    """Members whose only chosen tenant is `tenant` are removed before it goes: with no tenant
    chosen, a membership would reach every tenant of the agency."""
    limited = (
        AgencyMembership.objects.select_for_update(of=("self",))
        .filter(agency=agency, tenants=tenant)
        .select_related("user")
    )
    for membership in limited:
        if membership.tenants.exclude(pk=tenant.pk).exists():
            continue
        membership.delete()
        record_agency_audit(
            agency,
            TenantAuditEntry.Action.STAFF_REMOVED,
            acting_user,
            ip_address=ip_address,
            email=_member_email(membership.user),
            role=membership.role,
            tenants=[tenant.schema_name],
        )


# A tenant's status as a word in a sentence ("Acme is suspended."); the lowercase labels in English.
STATUS_WORDS = {
    Tenant.Status.ACTIVE: pgettext_lazy("tenant status in a sentence", "active"),
    Tenant.Status.SUSPENDED: pgettext_lazy("tenant status in a sentence", "suspended"),
    Tenant.Status.ARCHIVED: pgettext_lazy("tenant status in a sentence", "archived"),
}


def status_word(status: str) -> str:
    return str(STATUS_WORDS.get(status, status))


def record_audit(
    tenant: Tenant, action: str, acting_user, *, ip_address: str | None = None, **detail
) -> TenantAuditEntry:
    """One line of the tenant's history (in the caller's transaction): who (None from the command
    line), from which address (None outside a request), and what (`detail`)."""
    return _audit_row(
        tenant=tenant,
        tenant_name=tenant.name,
        agency_id=tenant.agency_id,
        action=action,
        acting_user=acting_user,
        ip_address=ip_address,
        detail=detail,
    )


def record_agency_audit(
    agency: Agency, action: str, acting_user, *, ip_address: str | None = None, **detail
) -> TenantAuditEntry:
    """One line of an agency's own history, about no tenant (its staff): listed for its owners."""
    return _audit_row(
        tenant=None,
        tenant_name="",
        agency_id=agency.pk,
        action=action,
        acting_user=acting_user,
        ip_address=ip_address,
        detail=detail,
    )


def _audit_row(
    *, tenant, tenant_name, agency_id, action, acting_user, ip_address, detail
) -> TenantAuditEntry:
    return TenantAuditEntry.objects.create(
        tenant=tenant,
        tenant_name=tenant_name,
        agency_id=agency_id,
        action=action,
        acting_user=acting_user if getattr(acting_user, "pk", None) else None,
        acting_username=acting_user.get_username() if getattr(acting_user, "pk", None) else "",
        ip_address=ip_address or None,
        detail=detail,
    )


@transaction.atomic
def _set_status(
    tenant: Tenant, status: str, *, allowed_from: set, action: str, acting_user, ip_address: str | None
) -> Tenant:
    locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
    if locked.status not in allowed_from:
        raise ProvisioningError(
            "status",
            gettext("%(name)s is %(current)s; it cannot be %(status)s now.")
            % {"name": locked.name, "current": status_word(locked.status), "status": status_word(status)},
        )
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    record_audit(locked, action, acting_user, ip_address=ip_address)
    domains = list(locked.domains.values_list("domain", flat=True))
    transaction.on_commit(lambda: hosts.forget(*domains))
    logger.info("Tenant %s is now %s (by %s)", locked.schema_name, status, acting_user)
    tenant.status = locked.status
    return locked


# --- domains -----------------------------------------------------------------------------------
#
# A tenant has one primary domain (it serves the portal) and any number of others (GET and HEAD
# are redirected to the primary, keeping path and query). A domain added here is unverified and
# serves nothing but its ownership token until `check_domain` finds the token on it, or
# `mark_domain_verified` vouches for it where that is allowed (development).

VERIFICATION_PATH = "/.well-known/portal-verification.txt"


def domain_verification_token(schema_name: str, domain: str) -> str:
    """The token that proves control of `domain` for this tenant. Keyed with the schema name, so
    the same domain added by another tenant has another token."""
    return salted_hmac("tenants.domain-verification", f"{schema_name}:{domain}").hexdigest()[:32]


def domain_verification_url(domain: str) -> str:
    return f"http://{domain}{VERIFICATION_PATH}"


def fetch_verification_file(url: str) -> str:
    """GET `url` (5 s timeout) and return at most the first kilobyte of its body as text."""
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - the URL is http://<validated host>/...
        return response.read(1024).decode("utf-8", "replace")


def token_is_served(domain: str, token: str, *, fetch: Callable[[str], str]) -> bool:
    """True when `fetch` finds `token` at the domain's verification URL (the body, stripped, is the
    token). Any error fetching it counts as not found."""
    try:
        body = fetch(domain_verification_url(domain))
    except (OSError, ValueError):  # URLError, HTTPError, timeouts, bad encodings
        return False
    return constant_time_compare(body.strip(), token)


def manual_domain_verification_allowed() -> bool:
    return bool(settings.DEBUG or settings.ALLOW_MANUAL_DOMAIN_VERIFICATION)


def add_domain(tenant: Tenant, domain: str, *, acting_user=None, ip_address: str | None = None) -> Domain:
    """Another host name for the tenant: unverified and not primary."""
    domain = clean_domain(domain)
    if hosts.normalise_host(domain) in {hosts.normalise_host(host) for host in settings.PUBLIC_HOSTS}:
        raise ProvisioningError(
            "domain", gettext("%(domain)s is the agency console's own domain.") % {"domain": domain}
        )
    if domain.startswith("www."):  # hosts.normalise_host: www.<x> is served as <x>
        raise ProvisioningError(
            "domain",
            gettext("%(domain)s is served with %(bare)s: add %(bare)s instead.")
            % {"domain": domain, "bare": domain.removeprefix("www.")},
        )
    with transaction.atomic():
        locked = _lock_for_domain_change(tenant)
        owner = Domain.objects.filter(domain=domain).values_list("tenant_id", flat=True).first()
        if owner == locked.pk:
            raise ProvisioningError(
                "domain", gettext("%(domain)s is already one of this portal's domains.") % {"domain": domain}
            )
        if owner is not None:
            raise _domain_taken(domain)
        try:
            with transaction.atomic():
                row = Domain.objects.create(domain=domain, tenant=locked, is_primary=False, verified_at=None)
        except IntegrityError:  # added by another tenant since the check above
            raise _domain_taken(domain) from None
        record_audit(
            locked, TenantAuditEntry.Action.DOMAIN_ADDED, acting_user, ip_address=ip_address, domain=domain
        )
        transaction.on_commit(lambda: hosts.forget(domain))
    logger.info("Domain %s added to %s (unverified) by %s", domain, locked.schema_name, acting_user)
    return row


def check_domain(
    domain: Domain,
    *,
    acting_user=None,
    ip_address: str | None = None,
    fetch: Callable[[str], str] = fetch_verification_file,
    resolve: Callable[[str], list[str]] = dns.txt_records,
) -> Domain:
    """Verify `domain` if its token is served at its verification URL (unless
    DOMAIN_VERIFICATION_BY_HTTP is off), or else published as a TXT record at
    `_portal-verification.<domain>`; ProvisioningError if neither. Both lookups happen before any
    transaction opens."""
    token = domain_verification_token(domain.tenant.schema_name, domain.domain)
    by_http = settings.DOMAIN_VERIFICATION_BY_HTTP
    record = dns.verification_record_name(domain.domain)
    if by_http and token_is_served(domain.domain, token, fetch=fetch):
        method = "http token"
    elif token_is_published(domain.domain, token, resolve=resolve):
        method = "dns txt"
    elif by_http:
        raise ProvisioningError(
            "domain",
            gettext(
                "The token was found neither at %(url)s nor in a TXT record at %(record)s. "
                "Publish it in one of them and check again."
            )
            % {"url": domain_verification_url(domain.domain), "record": record},
        )
    else:
        raise ProvisioningError(
            "domain",
            gettext(
                "The token was not found in a TXT record at %(record)s. Publish it there and check again."
            )
            % {"record": record},
        )
    return _set_verified(domain, method=method, acting_user=acting_user, ip_address=ip_address)


def token_is_published(domain: str, token: str, *, resolve: Callable[[str], list[str]]) -> bool:
    """True when one of the TXT records at `_portal-verification.<domain>` is the token."""
    return any(
        constant_time_compare(text.strip(), token) for text in resolve(dns.verification_record_name(domain))
    )


def mark_domain_verified(domain: Domain, *, acting_user=None, ip_address: str | None = None) -> Domain:
    """Verify `domain` without a check: only where settings.DEBUG or ALLOW_MANUAL_DOMAIN_VERIFICATION."""
    if not manual_domain_verification_allowed():
        raise ProvisioningError(
            "domain",
            gettext("Domains can only be verified by hand in development; use “Check now”."),
        )
    return _set_verified(domain, method="by hand", acting_user=acting_user, ip_address=ip_address)


@transaction.atomic
def make_domain_primary(domain: Domain, *, acting_user=None, ip_address: str | None = None) -> Domain:
    """`domain` serves the portal; the old primary stays and redirects to it."""
    locked = _lock_for_domain_change(domain.tenant)
    row = Domain.objects.filter(pk=domain.pk, tenant=locked).first()
    if row is None:
        raise ProvisioningError("domain", gettext("That domain is not one of this portal's."))
    if row.is_primary:
        return row
    if row.verified_at is None:
        raise ProvisioningError(
            "domain",
            gettext("%(domain)s is not verified yet; only a verified domain can be primary.")
            % {"domain": row.domain},
        )
    previous = list(locked.domains.filter(is_primary=True).values_list("domain", flat=True))
    # In this order: at most one primary per tenant at every statement (domain_one_primary_per_tenant).
    locked.domains.filter(is_primary=True).update(is_primary=False)
    Domain.objects.filter(pk=row.pk).update(is_primary=True)
    row.is_primary = True
    record_audit(
        locked,
        TenantAuditEntry.Action.DOMAIN_MADE_PRIMARY,
        acting_user,
        ip_address=ip_address,
        domain=row.domain,
        previous=previous[0] if previous else "",
    )
    _forget_all_domains_after_commit(locked)
    logger.info("Domain %s is now the primary of %s (by %s)", row.domain, locked.schema_name, acting_user)
    return row


@transaction.atomic
def remove_domain(domain: Domain, *, acting_user=None, ip_address: str | None = None) -> None:
    """Remove a domain that is not the primary: it stops serving and redirecting."""
    locked = _lock_for_domain_change(domain.tenant)
    row = Domain.objects.filter(pk=domain.pk, tenant=locked).first()
    if row is None:
        raise ProvisioningError("domain", gettext("That domain is not one of this portal's."))
    if row.is_primary:
        raise ProvisioningError(
            "domain",
            gettext("%(domain)s is the primary domain: make another domain primary first.")
            % {"domain": row.domain},
        )
    row.delete()
    record_audit(
        locked, TenantAuditEntry.Action.DOMAIN_REMOVED, acting_user, ip_address=ip_address, domain=row.domain
    )
    transaction.on_commit(lambda: hosts.forget(row.domain))
    logger.info("Domain %s removed from %s (by %s)", row.domain, locked.schema_name, acting_user)


@transaction.atomic
def _set_verified(domain: Domain, *, method: str, acting_user, ip_address: str | None = None) -> Domain:
    locked = _lock_for_domain_change(domain.tenant)
    row = Domain.objects.filter(pk=domain.pk, tenant=locked).first()
    if row is None:
        raise ProvisioningError("domain", gettext("That domain is not one of this portal's."))
    if row.verified_at is not None:
        return row
    row.verified_at = timezone.now()
    row.save(update_fields=["verified_at"])
    record_audit(
        locked,
        TenantAuditEntry.Action.DOMAIN_VERIFIED,
        acting_user,
        ip_address=ip_address,
        domain=row.domain,
        method=method,
    )
    transaction.on_commit(lambda: hosts.forget(row.domain))
    logger.info("Domain %s of %s verified (%s, by %s)", row.domain, locked.schema_name, method, acting_user)
    return row


def _lock_for_domain_change(tenant: Tenant) -> Tenant:
    """The tenant row, locked: its domain changes happen one at a time. Archived tenants keep
    their domains as they are (see archive_tenant)."""
    locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
    if locked.status == Tenant.Status.ARCHIVED:
        raise ProvisioningError(
            "domain", gettext("%(name)s is archived; its domains cannot change.") % {"name": locked.name}
        )
    return locked


def _domain_taken(domain: str) -> ProvisioningError:
    return ProvisioningError(
        "domain", gettext("The domain %(domain)s is already used by another portal.") % {"domain": domain}
    )


def _forget_all_domains_after_commit(tenant: Tenant) -> None:
    domains = list(tenant.domains.values_list("domain", flat=True))
    transaction.on_commit(lambda: hosts.forget(*domains))


# --- brand admins and their invitations --------------------------------------------------------
#
# A brand admin is a user with staff or superuser access in the tenant's own schema. Until they
# choose a password from their invitation link, their password is unusable: a pending invitation.
# The link's token (core.signing) is an HMAC over the user's password hash and last log-in, and
# every `set_unusable_password()` stores a new random hash: so re-inviting voids every link made
# before, and revoking (which also deactivates the user) voids the last one.


@dataclass(frozen=True)
class BrandAdmin:
    pk: int
    email: str
    invited_at: object  # the user's date_joined
    has_password: bool
    is_active: bool

    @property
    def state(self) -> str:
        """ "active" (has chosen a password), "pending" (invited, no password yet) or "revoked"."""
        if not self.is_active:
            return "revoked"
        return "active" if self.has_password else "pending"


def brand_admins(tenant: Tenant) -> list[BrandAdmin]:
    """The tenant's brand admins (read from its schema), oldest first."""
    with schema_context(tenant.schema_name):
        users = (
            get_user_model()
            .objects.filter(Q(is_staff=True) | Q(is_superuser=True))
            .order_by("date_joined", "pk")
        )
        return [
            BrandAdmin(
                user.pk,
                user.email or user.get_username(),
                user.date_joined,
                user.has_usable_password(),
                user.is_active,
            )
            for user in users
        ]


def invite_another_brand_admin(
    tenant: Tenant, email: str, *, acting_user=None, ip_address: str | None = None
) -> str:
    """Another brand admin for the tenant, invited by e-mail (after commit); returns the link.
    Refused for an invalid address or one that is already a user of the portal."""
    email = checked_email(email, field="email")
    with transaction.atomic():
        locked, domain = _lock_for_admin_change(tenant)
        with schema_context(locked.schema_name):
            users = get_user_model().objects
            if users.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists():
                raise ProvisioningError(
                    "email",
                    gettext("%(email)s is already a user of this portal.") % {"email": email},
                )
            user = _new_brand_admin(email)
            invite_url = set_password_url(user, domain)
        record_audit(
            locked, TenantAuditEntry.Action.ADMIN_INVITED, acting_user, ip_address=ip_address, email=email
        )
        transaction.on_commit(lambda: send_invitation(locked, email, invite_url))
    logger.info("Brand admin %s invited to %s by %s", email, locked.schema_name, acting_user)
    return invite_url


def resend_invitation(
    tenant: Tenant, user_pk: int, *, acting_user=None, ip_address: str | None = None
) -> str:
    """A fresh set-password link for a brand admin who has not chosen a password (a revoked one is
    invited again); the links sent before stop working. Returns the new link."""
    with transaction.atomic():
        locked, domain = _lock_for_admin_change(tenant)
        with schema_context(locked.schema_name):
            user = _invited_admin(user_pk)
            user.set_unusable_password()
            user.is_active = True
            user.save(update_fields=["password", "is_active"])
            invite_url = set_password_url(user, domain)
            email = user.email
        record_audit(
            locked, TenantAuditEntry.Action.INVITATION_RESENT, acting_user, ip_address=ip_address, email=email
        )
        transaction.on_commit(lambda: send_invitation(locked, email, invite_url))
    logger.info("Invitation of %s to %s resent by %s", email, locked.schema_name, acting_user)
    return invite_url


def revoke_invitation(
    tenant: Tenant, user_pk: int, *, acting_user=None, ip_address: str | None = None
) -> None:
    """A pending invitation withdrawn: its link stops working and the user is deactivated."""
    with transaction.atomic():
        locked, _domain = _lock_for_admin_change(tenant)
        with schema_context(locked.schema_name):
            user = _invited_admin(user_pk)
            if not user.is_active:
                raise ProvisioningError(
                    "invitation",
                    gettext("%(email)s's invitation is already revoked.") % {"email": user.email},
                )
            user.set_unusable_password()
            user.is_active = False
            user.save(update_fields=["password", "is_active"])
            email = user.email
        record_audit(
            locked,
            TenantAuditEntry.Action.INVITATION_REVOKED,
            acting_user,
            ip_address=ip_address,
            email=email,
        )
    logger.info("Invitation of %s to %s revoked by %s", email, locked.schema_name, acting_user)


def _lock_for_admin_change(tenant: Tenant) -> tuple[Tenant, str]:
    """The tenant row, locked, and its primary domain (where the links point). Archived tenants'
    admins stay as they are."""
    locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
    if locked.status == Tenant.Status.ARCHIVED:
        raise ProvisioningError(
            "invitation", gettext("%(name)s is archived; its admins cannot change.") % {"name": locked.name}
        )
    domain = locked.domains.filter(is_primary=True).values_list("domain", flat=True).first()
    return locked, domain or ""


def _invited_admin(user_pk: int):
    """The brand admin `user_pk` of the current schema, locked, who has not chosen a password."""
    user = (
        get_user_model()
        .objects.select_for_update()
        .filter(Q(is_staff=True) | Q(is_superuser=True), pk=user_pk)
        .first()
    )
    if user is None:
        raise ProvisioningError("invitation", gettext("That user is not one of this portal's admins."))
    if user.has_usable_password():
        raise ProvisioningError(
            "invitation",
            gettext("%(email)s has already chosen a password; they can use “Forgot password?” to change it.")
            % {"email": user.email},
        )
    return user


# --- agency staff --------------------------------------------------------------------------------
#
# A console user's place in an agency is an AgencyMembership with a role (owner, operator,
# read-only) and optionally the tenants they are limited to. Owners manage the staff from the
# console's staff page. Every change locks the agency row first, so two changes of one agency's
# staff run one after the other: two owners removing each other at once cannot leave it with none.


@dataclass(frozen=True)
class AddedAgencyMember:
    membership: AgencyMembership
    # A one-time link to choose a password, for a user who has none yet ("" for the others).
    set_password_url: str


def add_agency_member(
    agency: Agency,
    email: str,
    *,
    role: str,
    tenants=(),
    acting_user=None,
    ip_address: str | None = None,
) -> AddedAgencyMember:
    """A console user joins the agency with `role`, limited to `tenants` if any are given. An
    e-mail no console user has gets a new user with no password and a set-password link (e-mailed
    after commit, and returned so the console shows it once). Refused for an invalid address, a
    user already in the agency, an unknown role, or tenants of another agency."""
    email = checked_email(email, field="email")
    with transaction.atomic():
        locked = Agency.objects.select_for_update().get(pk=agency.pk)
        role, chosen = _checked_scope(locked, role, tenants)
        users = get_user_model().objects
        user = users.filter(Q(email__iexact=email) | Q(username__iexact=email)).order_by("pk").first()
        if user is not None and AgencyMembership.objects.filter(agency=locked, user=user).exists():
            raise ProvisioningError(
                "email",
                gettext("%(email)s is already a member of %(agency)s.") % {"email": email, "agency": locked},
            )
        if user is None:
            user = users.create(username=email, email=email)
            user.set_unusable_password()
            user.save(update_fields=["password"])
        membership = AgencyMembership.objects.create(agency=locked, user=user, role=role)
        membership.tenants.set(chosen)
        link = "" if user.has_usable_password() else console_set_password_url(user)
        record_agency_audit(
            locked,
            TenantAuditEntry.Action.STAFF_ADDED,
            acting_user,
            ip_address=ip_address,
            **_staff_detail(user, role, chosen),
        )
        if link:
            transaction.on_commit(lambda: send_console_invitation(locked, email, link))
    logger.info("%s joined agency %s as %s (by %s)", email, locked.pk, role, acting_user)
    return AddedAgencyMember(membership, link)


def change_agency_member(
    membership: AgencyMembership,
    *,
    role: str,
    tenants=(),
    acting_user=None,
    ip_address: str | None = None,
) -> AgencyMembership:
    """A member's new role and tenants (none: all the agency's). Refused when it would leave the
    agency without an owner. Owners are never limited: they manage the whole agency."""
    with transaction.atomic():
        locked = Agency.objects.select_for_update().get(pk=membership.agency_id)
        row = _locked_membership(locked, membership.pk)
        role, chosen = _checked_scope(locked, role, tenants)
        if row.role == role and {t.pk for t in row.tenants.all()} == {t.pk for t in chosen}:
            return row
        if row.role == AgencyMembership.Role.OWNER and role != AgencyMembership.Role.OWNER:
            _refuse_last_owner(locked, row)
        row.role = role
        row.save(update_fields=["role"])
        row.tenants.set(chosen)
        record_agency_audit(
            locked,
            TenantAuditEntry.Action.STAFF_CHANGED,
            acting_user,
            ip_address=ip_address,
            **_staff_detail(row.user, role, chosen),
        )
    logger.info("Member %s of agency %s is now %s (by %s)", row.user_id, locked.pk, role, acting_user)
    return row


def remove_agency_member(
    membership: AgencyMembership, *, acting_user=None, ip_address: str | None = None
) -> None:
    """The member leaves the agency (their console user stays, for their other agencies). Refused
    for the agency's last owner."""
    with transaction.atomic():
        locked = Agency.objects.select_for_update().get(pk=membership.agency_id)
        row = _locked_membership(locked, membership.pk)
        if row.role == AgencyMembership.Role.OWNER:
            _refuse_last_owner(locked, row)
        detail = _staff_detail(row.user, row.role, list(row.tenants.all()))
        row.delete()
        record_agency_audit(
            locked, TenantAuditEntry.Action.STAFF_REMOVED, acting_user, ip_address=ip_address, **detail
        )
    logger.info("Member %s left agency %s (by %s)", row.user_id, locked.pk, acting_user)


def console_set_password_url(user) -> str:
    """A console user's one-time link to choose a password, on the console's own host (the first of
    PUBLIC_HOSTS). Its token is salted with the public schema (core.signing), so no tenant's
    set-password page accepts it, and the console refuses tenants' links."""
    with schema_context(get_public_schema_name()):
        token = tenant_password_reset_token_generator.make_token(user)
    path = reverse(
        "console:set_password",
        urlconf=settings.PUBLIC_SCHEMA_URLCONF,
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": token},
    )
    return tenant_url(settings.PUBLIC_HOSTS[0]) + path


def send_console_invitation(agency: Agency, email: str, url: str) -> None:
    send_mail(
        subject=f"You have been added to {agency.name}'s agency console",
        message=(
            f"You are now a member of {agency.name} in the agency console.\n\n"
            f"Choose your password to sign in:\n{url}\n\n"
            f"The link works once and expires in {settings.PASSWORD_RESET_TIMEOUT // 86400} days."
        ),
        from_email=None,
        recipient_list=[email],
    )


def _checked_scope(agency: Agency, role: str, tenants) -> tuple[str, list[Tenant]]:
    """The role, and the chosen tenants as rows of this agency (none for an owner)."""
    if role not in AgencyMembership.Role.values:
        raise ProvisioningError("role", gettext("There is no role called %(role)s.") % {"role": repr(role)})
    pks = {getattr(tenant, "pk", tenant) for tenant in tenants}
    if role == AgencyMembership.Role.OWNER and pks:
        raise ProvisioningError(
            "tenants", gettext("Owners manage the whole agency; they cannot be limited to some portals.")
        )
    chosen = list(Tenant.objects.filter(agency=agency, pk__in=pks).order_by("schema_name"))
    if len(chosen) != len(pks):
        raise ProvisioningError("tenants", gettext("Choose only portals of %(agency)s.") % {"agency": agency})
    return role, chosen


def _locked_membership(agency: Agency, pk: int) -> AgencyMembership:
    row = (
        AgencyMembership.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(agency=agency, pk=pk)
        .first()
    )
    if row is None:
        raise ProvisioningError(
            "member", gettext("That user is not a member of %(agency)s.") % {"agency": agency}
        )
    return row


def _refuse_last_owner(agency: Agency, owner: AgencyMembership) -> None:
    """Called with the agency row locked, so the count cannot change before the caller's write."""
    others = AgencyMembership.objects.filter(agency=agency, role=AgencyMembership.Role.OWNER).exclude(
        pk=owner.pk
    )
    if not others.exists():
        raise ProvisioningError(
            "member",
            gettext("%(email)s is the last owner of %(agency)s: make another member an owner first.")
            % {"email": _member_email(owner.user), "agency": agency},
        )


def _staff_detail(user, role: str, tenants) -> dict:
    return {"email": _member_email(user), "role": role, "tenants": [tenant.schema_name for tenant in tenants]}


def _member_email(user) -> str:
    return user.email or user.get_username()
