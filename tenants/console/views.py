"""The agency console: agency staff create and run their brands' portals."""

import tempfile
from functools import wraps

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from core.signing import tenant_password_reset_token_generator
from tenants import dns, hosts, portable, services
from tenants.console.forms import (
    AddAgencyMemberForm,
    AddBrandAdminForm,
    AddDomainForm,
    AgencyMemberForm,
    AuditFilterForm,
    ConsoleLoginForm,
    NewTenantForm,
    PurgeTenantForm,
    agencies_changeable_by,
)
from tenants.models import AgencyMembership, Tenant
from tenants.selectors import (
    agencies_of,
    agencies_owned_by,
    agency_members,
    audit_entries_for,
    may_change,
    tenant_history,
    tenants_for,
)


class LoginView(auth_views.LoginView):
    template_name = "console/login.html"
    authentication_form = ConsoleLoginForm
    redirect_authenticated_user = True
    next_page = reverse_lazy("console:tenant_list")


def agency_staff_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_superuser or request.user.agencies.exists()):
            raise Http404("Not an agency member")
        return view(request, *args, **kwargs)

    return wrapper


def client_ip(request) -> str | None:
    """The console user's address for the audit log, read as the portals read it for their
    lock-outs and rate limits (accounts.lockout.client_ip): REMOTE_ADDR, or with
    TRUSTED_PROXY_COUNT = n behind n proxies, the address the outermost trusted proxy appended to
    X-Forwarded-For (what the client itself sends there is not believed)."""
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:  # no address at all
        return None


def changeable_tenant(request, pk) -> Tenant:
    """The tenant of a POST that changes it: 404 outside the tenants the user may see (their
    agencies', or those chosen for them), 403 if read-only (selectors.may_change)."""
    tenant = get_object_or_404(tenants_for(request.user), pk=pk)
    if not may_change(request.user, tenant):
        raise PermissionDenied("Read-only access to this agency's portals")
    return tenant


def home(request):
    return redirect("console:tenant_list")


@agency_staff_required
def tenant_list(request):
    return render(
        request,
        "console/tenant_list.html",
        {"tenants": tenants_for(request.user), "agencies": agencies_of(request.user)},
    )


# Contact details the starter portal shows as a placeholder when left blank (a blank website
# simply gets no link).
PLACEHOLDER_FIELDS = [
    ("contact_email", _("customer-service e-mail")),
    ("contact_phone", _("customer-service phone")),
]


@agency_staff_required
def tenant_new(request):
    if not agencies_changeable_by(request.user).exists():
        raise PermissionDenied("Read-only access")
    form = NewTenantForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.provision_tenant(
                data["name"],
                data["domain"],
                data["template"],
                data["admin_email"],
                agency=data["agency"],
                default_language=data["default_language"],
                time_zone=data["time_zone"],
                contact_email=data["contact_email"],
                contact_phone=data["contact_phone"],
                website=data["website"],
                acting_user=request.user,
                ip_address=client_ip(request),
            )
        except services.ProvisioningError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                gettext("%(name)s is live. Invitation sent to %(email)s.")
                % {"name": result.tenant.name, "email": data["admin_email"]},
            )
            missing = [label for field, label in PLACEHOLDER_FIELDS if not data[field]]
            if missing:
                messages.warning(
                    request,
                    gettext(
                        "No %(missing)s was given, so the portal's pages show a placeholder in square "
                        "brackets where it belongs. Ask the brand admin to replace it in the portal's admin."
                    )
                    % {"missing": _either(missing)},
                )
            request.session["last_invite_url"] = result.invite_url
            return redirect("console:tenant_detail", pk=result.tenant.pk)
    return render(request, "console/tenant_new.html", {"form": form})


@agency_staff_required
def tenant_detail(request, pk):
    tenant = get_object_or_404(tenants_for(request.user), pk=pk)
    return _tenant_page(request, tenant)


def _tenant_page(request, tenant: Tenant, domain_form=None, admin_form=None, purge_form=None):
    invite_url = request.session.pop("last_invite_url", None)
    invite_email = request.session.pop("last_invite_email", None)
    return render(
        request,
        "console/tenant_detail.html",
        {
            "tenant": tenant,
            "invite_url": invite_url,
            "invite_email": invite_email or tenant.admin_email,
            "admins": services.brand_admins(tenant),
            "admin_form": admin_form or AddBrandAdminForm(),
            "portal_url": services.tenant_url(_primary(tenant)),
            "history": tenant_history(tenant),
            "domains": _domain_rows(tenant),
            "domain_form": domain_form or AddDomainForm(),
            "manual_verification": services.manual_domain_verification_allowed(),
            "http_verification": settings.DOMAIN_VERIFICATION_BY_HTTP,
            "can_change": may_change(request.user, tenant),
            "purge_form": purge_form or PurgeTenantForm(),
        },
    )


ACTIONS = {
    "suspend": services.suspend_tenant,
    "resume": services.resume_tenant,
    "archive": services.archive_tenant,
    "restore": services.restore_tenant,
}


@require_POST
@agency_staff_required
def tenant_action(request, pk, action):
    tenant = changeable_tenant(request, pk)
    if action not in ACTIONS:
        raise Http404("Unknown action")
    try:
        tenant = ACTIONS[action](tenant, acting_user=request.user, ip_address=client_ip(request))
    except services.ProvisioningError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            gettext("%(name)s is now %(status)s.")
            % {"name": tenant.name, "status": services.status_word(tenant.status)},
        )
    return redirect("console:tenant_detail", pk=tenant.pk)


@require_POST
@agency_staff_required
def tenant_export(request, pk):
    """Download the tenant's archive (tenants.portable.export_tenant: rows, media, settings,
    domains), as `manage.py export_tenant` writes it. It holds every customer's data, so only staff
    who may change the tenant get it; the export is in its audit log. Written to a temporary file
    first, so a failure is a message on the tenant's page, not half a download."""
    tenant = changeable_tenant(request, pk)
    archive = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    try:
        portable.export_tenant(tenant, archive, acting_user=request.user, ip_address=client_ip(request))
    except portable.PortableError as error:
        archive.close()
        messages.error(request, str(error))
        return redirect("console:tenant_detail", pk=tenant.pk)
    archive.seek(0)
    name = f"{tenant.schema_name}-{timezone.localdate():%Y%m%d}.tar.gz"
    return FileResponse(archive, as_attachment=True, filename=name, content_type="application/gzip")


@require_POST
@agency_staff_required
def tenant_purge(request, pk):
    """Delete an archived portal for good, once its schema name is typed (services.purge_tenant)."""
    tenant = changeable_tenant(request, pk)
    form = PurgeTenantForm(request.POST)
    if form.is_valid():
        try:
            services.purge_tenant(
                tenant,
                confirm_schema_name=form.cleaned_data["confirm_schema_name"],
                acting_user=request.user,
                ip_address=client_ip(request),
            )
        except services.ProvisioningError as error:
            if error.field != "confirm_schema_name":  # not archived (any more): said on the page
                messages.error(request, error.message)
                return redirect("console:tenant_detail", pk=tenant.pk)
            form.add_error("confirm_schema_name", error.message)
        else:
            messages.success(
                request,
                gettext("%(name)s was purged: its data, domains and files are deleted.")
                % {"name": tenant.name},
            )
            return redirect("console:tenant_list")
    return _tenant_page(request, tenant, purge_form=form)


# --- domains: the same door as the lifecycle actions (agency staff, their agencies' tenants) ---


@require_POST
@agency_staff_required
def domain_add(request, pk):
    tenant = changeable_tenant(request, pk)
    form = AddDomainForm(request.POST)
    if form.is_valid():
        try:
            domain = services.add_domain(
                tenant, form.cleaned_data["domain"], acting_user=request.user, ip_address=client_ip(request)
            )
        except services.ProvisioningError as error:
            form.add_error("domain", error.message)
        else:
            messages.success(
                request,
                gettext("%(domain)s was added. It serves once its ownership is verified.")
                % {"domain": domain.domain},
            )
            return redirect("console:tenant_detail", pk=tenant.pk)
    return _tenant_page(request, tenant, domain_form=form)


DOMAIN_ACTIONS = {
    "check": (services.check_domain, _("%(domain)s is verified.")),
    "verify-by-hand": (services.mark_domain_verified, _("%(domain)s is verified.")),
    "make-primary": (
        services.make_domain_primary,
        _("%(domain)s is now the primary domain; the other domains redirect to it."),
    ),
    "remove": (services.remove_domain, _("%(domain)s was removed.")),
}


@require_POST
@agency_staff_required
def domain_action(request, pk, domain_pk, action):
    tenant = changeable_tenant(request, pk)
    domain = get_object_or_404(tenant.domains.select_related("tenant"), pk=domain_pk)
    if action not in DOMAIN_ACTIONS:
        raise Http404("Unknown action")
    service, done = DOMAIN_ACTIONS[action]
    try:
        service(domain, acting_user=request.user, ip_address=client_ip(request))
    except services.ProvisioningError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done % {"domain": domain.domain})
    return redirect("console:tenant_detail", pk=tenant.pk)


# --- brand admins: the same door as the lifecycle actions (agency staff, their agencies' tenants) ---


@require_POST
@agency_staff_required
def admin_add(request, pk):
    tenant = changeable_tenant(request, pk)
    form = AddBrandAdminForm(request.POST)
    if form.is_valid():
        email = form.cleaned_data["email"]
        try:
            invite_url = services.invite_another_brand_admin(
                tenant, email, acting_user=request.user, ip_address=client_ip(request)
            )
        except services.ProvisioningError as error:
            form.add_error("email", error.message)
        else:
            messages.success(request, gettext("%(email)s was invited.") % {"email": email.lower()})
            _show_invitation(request, invite_url, email.lower())
            return redirect("console:tenant_detail", pk=tenant.pk)
    return _tenant_page(request, tenant, admin_form=form)


ADMIN_ACTIONS = {
    "resend": (services.resend_invitation, _("A new invitation was sent; the earlier links no longer work.")),
    "revoke": (services.revoke_invitation, _("The invitation was revoked; its link no longer works.")),
}


@require_POST
@agency_staff_required
def admin_action(request, pk, user_pk, action):
    tenant = changeable_tenant(request, pk)
    if action not in ADMIN_ACTIONS:
        raise Http404("Unknown action")
    service, done = ADMIN_ACTIONS[action]
    try:
        invite_url = service(tenant, user_pk, acting_user=request.user, ip_address=client_ip(request))
    except services.ProvisioningError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
        if invite_url:
            email = next((admin.email for admin in services.brand_admins(tenant) if admin.pk == user_pk), "")
            _show_invitation(request, invite_url, email)
    return redirect("console:tenant_detail", pk=tenant.pk)


def _show_invitation(request, invite_url: str, email: str) -> None:
    """The tenant page shows the new link once (it is e-mailed too)."""
    request.session["last_invite_url"] = invite_url
    request.session["last_invite_email"] = email


# --- the audit log ---

AUDIT_PAGE_SIZE = 50


@require_GET
@agency_staff_required
def audit_list(request):
    """Every recorded change to the tenants the user may see, newest first, filterable by portal,
    action and user."""
    tenants = tenants_for(request.user)
    entries = audit_entries_for(request.user)
    usernames = (
        entries.exclude(acting_username="")
        .order_by("acting_username")
        .values_list("acting_username", flat=True)
        .distinct()
    )
    form = AuditFilterForm(request.GET or None, tenants=tenants, usernames=list(usernames))
    if form.is_bound:
        if form.is_valid():
            if form.cleaned_data["tenant"]:
                entries = entries.filter(tenant=form.cleaned_data["tenant"])
            if form.cleaned_data["action"]:
                entries = entries.filter(action=form.cleaned_data["action"])
            if form.cleaned_data["user"]:
                entries = entries.filter(acting_username=form.cleaned_data["user"])
        else:
            entries = entries.none()
    page = Paginator(entries.order_by("-at", "-pk"), AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "console/audit_list.html", {"form": form, "page": page})


# --- the agency's staff: owners manage them (operators and read-only members get 403) ---


def owned_agency(request, agency_pk):
    """The agency of a staff page request: 404 outside the user's agencies, 403 unless an owner."""
    agency = get_object_or_404(agencies_of(request.user), pk=agency_pk)
    if not agencies_owned_by(request.user).filter(pk=agency.pk).exists():
        raise PermissionDenied("Only the agency's owners manage its staff")
    return agency


@require_GET
@agency_staff_required
def staff_list(request):
    """Each agency the user owns, with its members, their roles and portals, and the forms to
    add, change and remove them. Owners only: the page is about who may do what."""
    if not agencies_owned_by(request.user).exists():
        raise PermissionDenied("Only the agency's owners manage its staff")
    return _staff_page(request)


def _staff_page(request, *, add_forms=None, status=200):
    add_forms = add_forms or {}
    agencies = []
    for agency in agencies_owned_by(request.user).order_by("name"):
        members = agency_members(agency)
        agencies.append(
            {
                "agency": agency,
                "members": [
                    {
                        "membership": member,
                        "form": AgencyMemberForm(
                            agency=agency,
                            initial={"role": member.role, "tenants": list(member.tenants.all())},
                            prefix=f"member-{member.pk}",
                        ),
                    }
                    for member in members
                ],
                "add_form": add_forms.get(agency.pk)
                or AddAgencyMemberForm(agency=agency, prefix=f"add-{agency.pk}"),
            }
        )
    set_password_url = request.session.pop("last_staff_link", None)
    set_password_email = request.session.pop("last_staff_email", None)
    return render(
        request,
        "console/staff_list.html",
        {
            "agencies": agencies,
            "set_password_url": set_password_url,
            "set_password_email": set_password_email,
        },
        status=status,
    )


@require_POST
@agency_staff_required
def staff_add(request, agency_pk):
    agency = owned_agency(request, agency_pk)
    form = AddAgencyMemberForm(request.POST, agency=agency, prefix=f"add-{agency.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            added = services.add_agency_member(
                agency,
                data["email"],
                role=data["role"],
                tenants=data["tenants"],
                acting_user=request.user,
                ip_address=client_ip(request),
            )
        except services.ProvisioningError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            email = data["email"].lower()
            messages.success(
                request, gettext("%(email)s joined %(agency)s.") % {"email": email, "agency": agency}
            )
            if added.set_password_url:
                request.session["last_staff_link"] = added.set_password_url
                request.session["last_staff_email"] = email
            return redirect("console:staff_list")
    return _staff_page(request, add_forms={agency.pk: form})


@require_POST
@agency_staff_required
def staff_change(request, agency_pk, membership_pk):
    agency = owned_agency(request, agency_pk)
    membership = get_object_or_404(
        AgencyMembership.objects.select_related("user"), agency=agency, pk=membership_pk
    )
    form = AgencyMemberForm(request.POST, agency=agency, prefix=f"member-{membership.pk}")
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return redirect("console:staff_list")
    try:
        services.change_agency_member(
            membership,
            role=form.cleaned_data["role"],
            tenants=form.cleaned_data["tenants"],
            acting_user=request.user,
            ip_address=client_ip(request),
        )
    except services.ProvisioningError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, gettext("%(user)s's access was saved.") % {"user": _member_name(membership)}
        )
    return redirect("console:staff_list")


@require_POST
@agency_staff_required
def staff_remove(request, agency_pk, membership_pk):
    agency = owned_agency(request, agency_pk)
    membership = get_object_or_404(
        AgencyMembership.objects.select_related("user"), agency=agency, pk=membership_pk
    )
    try:
        services.remove_agency_member(membership, acting_user=request.user, ip_address=client_ip(request))
    except services.ProvisioningError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            gettext("%(user)s is no longer a member of %(agency)s.")
            % {"user": _member_name(membership), "agency": agency},
        )
    if not agencies_owned_by(request.user).exists():  # they removed themselves
        return redirect("console:tenant_list")
    return redirect("console:staff_list")


def _member_name(membership: AgencyMembership) -> str:
    return membership.user.email or membership.user.get_username()


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """A new console user chooses their password from the link shown when they were added to an
    agency (services.console_set_password_url). The token is salted with the public schema."""

    template_name = "console/set_password.html"
    token_generator = tenant_password_reset_token_generator
    success_url = reverse_lazy("console:login")

    def form_valid(self, form):
        messages.success(self.request, gettext("Your password is set. Log in with your e-mail and it."))
        return super().form_valid(form)


@require_GET
def tls_ask(request):
    """For an on-demand TLS proxy (Caddy's `on_demand_tls { ask ... }`): 200 when `?domain=` is a
    verified domain of an active or suspended tenant, so a certificate may be issued for it; 404
    otherwise. Public hosts only, no login: it answers yes or no and nothing else."""
    host = hosts.normalise_host(request.GET.get("domain", "").strip())
    entry = hosts.lookup(host) if host else None
    serves = (
        entry is not None
        and entry.verified
        and entry.tenant.status in (Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED)
    )
    return HttpResponse("yes" if serves else "no", content_type="text/plain", status=200 if serves else 404)


def _domain_rows(tenant: Tenant) -> list[dict]:
    """The tenant's domains for its page (primary first), with what an unverified one must serve."""
    return [
        {
            "domain": domain,
            "token": ""
            if domain.is_verified
            else services.domain_verification_token(tenant.schema_name, domain.domain),
            "token_url": "" if domain.is_verified else services.domain_verification_url(domain.domain),
            "token_record": "" if domain.is_verified else dns.verification_record_name(domain.domain),
        }
        for domain in tenant.domains.all()
    ]


def _either(labels: list) -> str:
    """The contact details left blank, named in a sentence: `a`, or `a or b` (at most two)."""
    if len(labels) == 1:
        return str(labels[0])
    return gettext("%(first)s or %(second)s") % {"first": labels[0], "second": labels[1]}


def _primary(tenant: Tenant) -> str:
    domains = list(tenant.domains.all())
    return domains[0].domain if domains else ""
