"""Customer profiles: what a brand's customer tells it about themselves, beyond e-mail and password.

One row per customer, in the tenant's schema (like the user it belongs to), so a customer of one
brand does not exist on another. Written only by accounts.services.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Another gender")
    PREFER_NOT_TO_SAY = "prefer_not_to_say", _("Prefer not to say")


class CustomerProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(_("name"), max_length=80, blank=True)
    # Normalised by accounts.phones.normalise_phone: digits with an optional leading "+". A second
    # log-in identifier, so unique among the brand's customers when set ("" when not given).
    phone = models.CharField(_("phone number"), max_length=16, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    marketing_consent = models.BooleanField(_("news and offers by e-mail"), default=False)
    # When the customer last said yes; None while they have not (or have withdrawn). Kept as proof.
    marketing_consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    # When the customer agreed to the brand's privacy policy at sign-up, and the policy's address
    # then (None and "" when the brand had chosen no policy page).
    privacy_consent_at = models.DateTimeField(_("privacy policy accepted at"), null=True, blank=True)
    privacy_policy_url = models.CharField(_("privacy policy accepted"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["phone"], condition=~Q(phone=""), name="customer_profile_phone_unique_when_set"
            ),
            # Consent and its time go together; services.update_profile keeps them so.
            models.CheckConstraint(
                condition=Q(marketing_consent=False) | Q(marketing_consent_at__isnull=False),
                name="customer_profile_consent_has_time",
            ),
        ]

    def __str__(self):
        return self.display_name or str(self.user)


class CustomerToken(models.Model):
    """A bearer token for the GraphQL API, issued to one customer of this tenant (apps, mini-programs).

    Only a keyed hash is stored (accounts.tokens), salted with the tenant's schema name, and the row
    lives in this tenant's schema: the token means nothing to any other tenant."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="customer_tokens"
    )
    name = models.CharField(max_length=60, default="app")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.user} · {self.name}"


@register_setting(icon="lock")
class PrivacySettings(BaseSiteSetting):
    """The brand's privacy policy: when a page is chosen, sign-up asks customers to accept it."""

    policy_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("privacy policy page"),
        help_text=_("Customers accept this page when they sign up. Empty: sign-up asks nothing."),
    )

    panels = [FieldPanel("policy_page")]

    class Meta:
        verbose_name = _("privacy policy")
