import zoneinfo

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tenants import services
from tenants.models import Agency, AgencyMembership, TenantAuditEntry
from tenants.selectors import active_portal_templates, agencies_of


class ConsoleLoginForm(AuthenticationForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not (user.is_superuser or user.agencies.exists()):
            raise forms.ValidationError(
                gettext("This account is not a member of any agency."), code="no_agency"
            )


class NewTenantForm(forms.Form):
    name = forms.CharField(label=_("Brand name"), max_length=120)
    domain = forms.CharField(
        label=_("Domain"), max_length=253, help_text=_("The host customers will visit, e.g. help.brand.com")
    )
    template = forms.ChoiceField(label=_("Portal template"))
    admin_email = forms.EmailField(
        label=_("Brand admin's email"), help_text=_("They get a link to choose a password.")
    )
    default_language = forms.ChoiceField(
        label=_("Default language"), choices=settings.LANGUAGES, initial="zh-hans"
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), initial="Asia/Shanghai")
    # The brand's customer service, shown on the starter portal's pages. Optional: left blank, the
    # portal shows a placeholder in square brackets for the brand admin to replace (no website link).
    # Checked by tenants.services, so the console, the command and the tests refuse the same input.
    contact_email = forms.CharField(
        label=_("Customer-service e-mail"),
        max_length=254,
        required=False,
        help_text=_("Optional. Shown on the portal; left blank, a placeholder the brand admin replaces."),
    )
    contact_phone = forms.CharField(
        label=_("Customer-service phone"),
        max_length=40,
        required=False,
        help_text=_("Optional. Digits, spaces and dashes, with an optional +, e.g. 400-820-1234."),
    )
    website = forms.CharField(
        label=_("Brand website"),
        max_length=300,
        required=False,
        help_text=_("Optional. The brand's public site, e.g. https://www.brand.com; left blank, no link."),
    )
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=None, empty_label=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(t.key, t.name) for t in active_portal_templates()]
        self.fields["time_zone"].choices = [(tz, tz) for tz in sorted(zoneinfo.available_timezones())]
        self.fields["agency"].queryset = agencies_changeable_by(user)
        if self.fields["agency"].queryset.count() == 1:
            self.fields["agency"].initial = self.fields["agency"].queryset.first()
            self.fields["agency"].widget = forms.HiddenInput()

    def clean_contact_email(self):
        return _checked(services.clean_contact_email, self.cleaned_data["contact_email"])

    def clean_contact_phone(self):
        return _checked(services.clean_contact_phone, self.cleaned_data["contact_phone"])

    def clean_website(self):
        return _checked(services.clean_website, self.cleaned_data["website"])


def agencies_changeable_by(user):
    """The agencies for which `user` may create portals: where they are an owner or operator not
    limited to chosen portals (every agency for a platform superuser). Read-only members only look;
    a member limited to some portals would not see the new one."""
    if user.is_superuser:
        return agencies_of(user)
    return Agency.objects.filter(
        pk__in=AgencyMembership.objects.filter(
            user=user, role__in=AgencyMembership.CHANGING_ROLES, tenants__isnull=True
        ).values("agency_id")
    )


class AddDomainForm(forms.Form):
    domain = forms.CharField(
        label=_("Add a domain"),
        max_length=253,
        help_text=_("The brand's own host, e.g. shop.brand.com. It serves once its ownership is verified."),
    )


def _checked(clean, value):
    """The service's own check, so every bad field shows its message at once, before provisioning."""
    try:
        return clean(value)
    except services.ProvisioningError as error:
        raise forms.ValidationError(error.message) from None


class AddBrandAdminForm(forms.Form):
    email = forms.EmailField(
        label=_("Add a brand admin"),
        max_length=254,
        help_text=_("They get a link to choose a password, and the same access as the first brand admin."),
    )


class AuditFilterForm(forms.Form):
    """The audit page's filters (GET). Every choice is limited to what the user may see."""

    tenant = forms.ModelChoiceField(
        label=_("Portal"), queryset=None, required=False, empty_label=_("All portals")
    )
    action = forms.ChoiceField(label=_("Action"), required=False)
    user = forms.ChoiceField(label=_("By"), required=False)

    def __init__(self, *args, tenants, usernames, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tenant"].queryset = tenants
        self.fields["action"].choices = [("", _("All actions")), *TenantAuditEntry.Action.choices]
        self.fields["user"].choices = [("", _("Anyone")), *((name, name) for name in usernames)]


class PurgeTenantForm(forms.Form):
    """Purging asks for the schema name, typed: nothing else deletes a portal for good."""

    confirm_schema_name = forms.CharField(label=_("Type the portal's schema name to confirm"), max_length=63)


class AgencyMemberForm(forms.Form):
    """A member's role and the portals they are limited to (none ticked: all of the agency's)."""

    role = forms.ChoiceField(label=_("Role"), choices=AgencyMembership.Role.choices)
    tenants = forms.ModelMultipleChoiceField(
        label=_("Portals"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick none for all the agency's portals. Owners always have all of them."),
    )

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tenants"].queryset = agency.tenants.order_by("name")


class AddAgencyMemberForm(AgencyMemberForm):
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("A console user with this e-mail joins; anyone else gets a link to choose a password."),
    )
    field_order = ["email", "role", "tenants"]
