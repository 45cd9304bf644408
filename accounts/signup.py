"""The fields allauth adds to its sign-up form (ACCOUNT_SIGNUP_FORM_CLASS).

A module of its own: allauth's forms module imports this class while it is being imported, so it
must not import allauth's forms itself."""

from allauth.core import context
from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext as _

from accounts.selectors import privacy_policy_url


class PrivacyConsentSignupForm(forms.Form):
    """Added to allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS): when the brand has chosen a
    privacy policy page, the customer must accept it; accounts.adapter records when."""

    privacy_policy = forms.BooleanField(required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = context.request
        url = privacy_policy_url(request) if request is not None else ""
        if not url:
            del self.fields["privacy_policy"]
            return
        self.policy_url = url
        self.fields["privacy_policy"].label = format_html(
            _("I have read and accept the {}"), format_html('<a href="{}">{}</a>', url, _("privacy policy"))
        )
        self.fields["privacy_policy"].error_messages["required"] = _(
            "Accept the privacy policy to create your account."
        )

    def signup(self, request, user):
        """allauth calls this after saving the user; the consent is recorded with the profile."""
