"""The agency console: agency staff create and run their brands' portals."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from tenants import services
from tenants.console.forms import ConsoleLoginForm, NewTenantForm
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
    invite_url = request.session.pop("last_invite_url", None)
    return render(
        request,
        "console/tenant_detail.html",
        {
            "tenant": tenant,
            "invite_url": invite_url,
            "portal_url": services.tenant_url(_primary(tenant)),
            "history": tenant_history(tenant),
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


def _either(labels: list) -> str:
    """The contact details left blank, named in a sentence: `a`, or `a or b` (at most two)."""
    if len(labels) == 1:
        return str(labels[0])
    return gettext("%(first)s or %(second)s") % {"first": labels[0], "second": labels[1]}


def _primary(tenant: Tenant) -> str:
    domains = list(tenant.domains.all())
    return domains[0].domain if domains else ""
