"""How django-allauth behaves for a brand's customers."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.db import transaction
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.invitations import invitation_from
from accounts.models import CustomerProfile
from core.language import remember_language


def _brand_name() -> str:
    """The name of the tenant whose host the current request came to ("" on the public host)."""
    tenant = getattr(context.request, "tenant", None)
    return tenant.name if tenant is not None else ""


def customer_display(user) -> str:
    """ACCOUNT_USER_DISPLAY: how allauth names the customer on pages and in mails. Customers never
    chose their username (allauth derives it from the e-mail), so show what they know."""
    return user.email or user.get_username()


class CustomerAccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # The log-in box takes an e-mail address or a phone number (accounts.forms.CustomerLoginForm).
        "email_password_mismatch": _("The e-mail address or phone number and password do not match."),
    }

    def save_user(self, request, user, form, commit=True):
        """A new customer: the user, then their profile and loyalty membership, all or nothing."""
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=commit)
            if commit:
                services.register_customer(
                    user,
                    preferred_language=translation.get_language() or "",
                    privacy_policy_url=getattr(form, "policy_url", "")
                    if form.cleaned_data.get("privacy_policy")
                    else "",
                    invited=invitation_from(request),
                    acting_user=None,
                )
        return user

    def post_login(self, request, user, **kwargs):
        """After log-in the portal speaks the language on the customer's profile."""
        response = super().post_login(request, user, **kwargs)
        language = (
            CustomerProfile.objects.filter(user=user).values_list("preferred_language", flat=True).first()
        )
        if language and response is not None:
            remember_language(response, language)
        return response

    def is_safe_url(self, url) -> bool:
        """Where `next=` may send a customer after log-in, log-out, sign-up...: a path, or a URL on
        the host the request came to. allauth also accepts every host in ALLOWED_HOSTS, which with
        `.example.com` is every other brand's portal."""
        request = context.request
        return url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )

    # Mails speak for the brand, not for the host name allauth would use
    # (templates/account/email/base_message.txt uses `brand_name`).
    def send_mail(self, template_prefix, email, context):
        super().send_mail(template_prefix, email, {"brand_name": _brand_name(), **context})

    def format_email_subject(self, subject):
        brand = _brand_name()
        return f"[{brand}] {subject}" if brand else super().format_email_subject(subject)
