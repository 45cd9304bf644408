"""Customer-facing forms: log-in by e-mail or phone, the profile, changing the password and
deleting the account; and the brand staff's change-password form in the Wagtail admin."""

from allauth.account.adapter import get_adapter
from allauth.account.forms import ChangePasswordForm, LoginForm
from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import PasswordChangeForm as WagtailPasswordChangeForm

from accounts.models import CustomerProfile, Gender
from accounts.passwords import current_password_is_right
from accounts.phones import PHONE_FORMAT_HELP, normalise_phone


class CustomerLoginForm(LoginForm):
    """allauth's log-in form, with one box for an e-mail address or a phone number.

    With ACCOUNT_LOGIN_METHODS = {"email"} allauth's login field is an EmailField, which refuses a
    phone number before any backend sees it. (Adding "phone" to the login methods would switch on
    allauth's SMS verification flows, which the portal does not have.) Here a login with an "@" is
    passed on as `email` (allauth's backend), anything else as `phone` (accounts.backends.PhoneBackend).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"] = forms.CharField(
            label=_("E-mail or phone number"),
            max_length=254,
            widget=forms.TextInput(
                attrs={"placeholder": _("E-mail or phone number"), "autocomplete": "username"}
            ),
        )
        self.order_fields(["login", "password", "remember"])

    def user_credentials(self) -> dict:
        login = self.cleaned_data["login"]
        if "@" in login:
            credentials = {"email": login}
        else:
            credentials = {"phone": normalise_phone(login) or login}
        if self.cleaned_data.get("password"):
            credentials["password"] = self.cleaned_data["password"]
        return credentials


class ProfileForm(forms.Form):
    """What a customer may change about themselves. Only parses; accounts.services.update_profile
    decides what is acceptable (taken or malformed phone, future birthday)."""

    display_name = forms.CharField(label=_("Name"), max_length=80, required=False)
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=32,
        required=False,
        help_text=format_lazy("{} {}", _("You can log in with it too."), PHONE_FORMAT_HELP),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    birthday = forms.DateField(
        label=_("Birthday"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    gender = forms.ChoiceField(
        label=_("Gender"), choices=[("", _("Not given")), *Gender.choices], required=False
    )
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)
    marketing_consent = forms.BooleanField(label=_("Send me news and offers by e-mail"), required=False)

    @classmethod
    def for_profile(cls, profile: CustomerProfile, data=None):
        initial = {
            "display_name": profile.display_name,
            "phone": profile.phone,
            "birthday": profile.birthday,
            "gender": profile.gender,
            "preferred_language": profile.preferred_language,
            "marketing_consent": profile.marketing_consent,
        }
        return cls(data, initial=initial)


class DeleteAccountForm(forms.Form):
    """Deleting an account cannot be undone, so the customer confirms with their password.

    Checked through allauth's reauthentication, i.e. through `authenticate`, so wrong passwords
    here count towards the log-in lock-out like any other.
    """

    password = forms.CharField(
        label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not get_adapter().reauthenticate(self.user, password):
            raise forms.ValidationError(_("That is not your password."))
        return password


class CustomerChangePasswordForm(ChangePasswordForm):
    """allauth's change-password form (ACCOUNT_FORMS["change_password"]), with the current password
    checked like a log-in: wrong ones count towards the lock-out, and a locked-out account is
    refused even with the right one (accounts.passwords)."""

    def clean_oldpassword(self) -> str:
        password = self.cleaned_data.get("oldpassword", "")
        if not current_password_is_right(self.user, password):
            raise get_adapter().validation_error("enter_current_password")
        return password


class StaffPasswordChangeForm(WagtailPasswordChangeForm):
    """The password panel of the Wagtail admin's Account page (accounts.apps installs it), with the
    old password checked like a log-in, as for customers above."""

    def clean_old_password(self) -> str:
        password = self.cleaned_data.get("old_password", "")
        if not current_password_is_right(self.user, password):
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return password
