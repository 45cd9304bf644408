"""The agency console: agency staff create and run their brands' portals."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from tenants import hosts, services
from tenants.console.forms import AddDomainForm, ConsoleLoginForm, NewTenantForm
from tenants.models import Tenant
from tenants.selectors import agencies_of, tenant_history, tenants_for


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
    return _tenant_page(request, tenant, AddDomainForm())


def _tenant_page(request, tenant: Tenant, domain_form: AddDomainForm):
    invite_url = request.session.pop("last_invite_url", None)
    return render(
        request,
        "console/tenant_detail.html",
        {
            "tenant": tenant,
            "invite_url": invite_url,
            "portal_url": services.tenant_url(_primary(tenant)),
            "history": tenant_history(tenant),
            "domains": _domain_rows(tenant),
            "domain_form": domain_form,
            "manual_verification": services.manual_domain_verification_allowed(),
        },
    )


ACTIONS = {
    "suspend": services.suspend_tenant,
    "resume": services.resume_tenant,
    "archive": services.archive_tenant,
}


@require_POST
@agency_staff_required
def tenant_action(request, pk, action):
    tenant = get_object_or_404(tenants_for(request.user), pk=pk)
    if action not in ACTIONS:
        raise Http404("Unknown action")
    try:
        tenant = ACTIONS[action](tenant, acting_user=request.user)
    except services.ProvisioningError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            gettext("%(name)s is now %(status)s.")
            % {"name": tenant.name, "status": services.status_word(tenant.status)},
        )
    return redirect("console:tenant_detail", pk=tenant.pk)


# --- domains: the same door as the lifecycle actions (agency staff, their agencies' tenants) ---


@require_POST
@agency_staff_required
def domain_add(request, pk):
    tenant = get_object_or_404(tenants_for(request.user), pk=pk)
    form = AddDomainForm(request.POST)
    if form.is_valid():
        try:
            domain = services.add_domain(tenant, form.cleaned_data["domain"], acting_user=request.user)
        except services.ProvisioningError as error:
            form.add_error("domain", error.message)
        else:
            messages.success(
                request,
                gettext("%(domain)s was added. It serves once its ownership is verified.")
                % {"domain": domain.domain},
            )
            return redirect("console:tenant_detail", pk=tenant.pk)
    return _tenant_page(request, tenant, form)


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
    tenant = get_object_or_404(tenants_for(request.user), pk=pk)
    domain = get_object_or_404(tenant.domains.select_related("tenant"), pk=domain_pk)
    if action not in DOMAIN_ACTIONS:
        raise Http404("Unknown action")
    service, done = DOMAIN_ACTIONS[action]
    try:
        service(domain, acting_user=request.user)
    except services.ProvisioningError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done % {"domain": domain.domain})
    return redirect("console:tenant_detail", pk=tenant.pk)


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
