import zoneinfo

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm

from tenants.selectors import active_portal_templates, agencies_of


class ConsoleLoginForm(AuthenticationForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not (user.is_superuser or user.agencies.exists()):
            raise forms.ValidationError("This account is not a member of any agency.", code="no_agency")


class NewTenantForm(forms.Form):
    name = forms.CharField(label="Brand name", max_length=120)
    domain = forms.CharField(
        label="Domain", max_length=253, help_text="The host customers will visit, e.g. help.brand.com"
    )
    template = forms.ChoiceField(label="Portal template")
    admin_email = forms.EmailField(
        label="Brand admin's email", help_text="They get a link to choose a password."
    )
    default_language = forms.ChoiceField(
        label="Default language", choices=settings.LANGUAGES, initial="zh-hans"
    )
    time_zone = forms.ChoiceField(label="Time zone", initial="Asia/Shanghai")
    agency = forms.ModelChoiceField(label="Agency", queryset=None, empty_label=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(t.key, t.name) for t in active_portal_templates()]
        self.fields["time_zone"].choices = [(tz, tz) for tz in sorted(zoneinfo.available_timezones())]
        self.fields["agency"].queryset = agencies_of(user)
        if self.fields["agency"].queryset.count() == 1:
            self.fields["agency"].initial = self.fields["agency"].queryset.first()
            self.fields["agency"].widget = forms.HiddenInput()
