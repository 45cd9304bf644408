"""Where a notification goes: the inbox (nothing to send), e-mail through Django's e-mail framework,
and text messages, WeChat template messages and a webhook through providers the brand chooses
under Settings → Notification settings.

A channel's `address(user)` says where it would go ("" = this person cannot get it there, so no
delivery is made); `send(delivery)` sends it or raises, and is retried by the caller.
"""

import json
import logging
import urllib.request

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from wagtail.models import Site

from notifications.models import Delivery, NotificationSettings
from notifications.recipients import language_of
from tenants.services import tenant_url
from themes.models import BrandTheme

logger = logging.getLogger(__name__)


class ProviderError(Exception):
    """A provider refused or could not be reached: the delivery is retried, then shown as failed."""


class LoggingProvider:
    """For development: writes the message to the log instead of sending it."""

    def send(self, *, address: str, title: str, body: str, url: str) -> None:
        logger.info("Message to %s: %s | %s %s", address, title, body, url)


PROVIDERS = {"log": LoggingProvider()}


def _settings() -> NotificationSettings:
    site = Site.objects.filter(is_default_site=True).first()
    return NotificationSettings.for_site(site) if site else NotificationSettings()


def portal_url(path: str) -> str:
    """An absolute address on the tenant's portal for `path` (e-mails need one)."""
    site = Site.objects.filter(is_default_site=True).only("hostname").first()
    if not path or site is None or path.startswith(("http://", "https://")):
        return path
    return tenant_url(site.hostname) + path


class Inbox:
    name = "inbox"

    def address(self, user, profile=None) -> str:
        return str(user.pk)

    def send(self, delivery: Delivery) -> None:
        """Nothing to send: the notification is in the inbox as soon as it exists."""


class Email:
    name = "email"

    def address(self, user, profile=None) -> str:
        return user.email or ""

    def send(self, delivery: Delivery) -> None:
        notification = delivery.notification
        send_email(
            delivery.address, notification.title, notification.body, notification.url, _language(delivery)
        )


def send_email(address: str, title: str, body: str, url: str, language: str) -> None:
    """One e-mail in the brand's colours, with its name as the sender: the e-mail channel's, and
    for people the brand writes to without an account (a visitor's service request)."""
    settings = _settings()
    site = Site.objects.filter(is_default_site=True).first()
    brand = settings.sender_name or (site.site_name if site else "")
    theme = BrandTheme.for_site(site) if site else None
    context = {
        "notification": {"title": title, "body": body, "url": url},
        "link": portal_url(url),
        "brand": brand,
        "primary": theme.colours["primary"] if theme else "#1f4e8c",
        "on_primary": theme.colours["on-primary"] if theme else "#ffffff",
        "logo_url": portal_url(_logo_url(theme)),
    }
    with translation.override(language):
        text = render_to_string("notifications/email.txt", context)
        html = render_to_string("notifications/email.html", context)
    from django.conf import settings as django_settings

    sender = django_settings.DEFAULT_FROM_EMAIL
    message = EmailMultiAlternatives(
        subject=title,
        body=text,
        from_email=f"{brand} <{sender}>" if brand else sender,
        to=[address],
        reply_to=[settings.reply_to] if settings.reply_to else None,
    )
    message.attach_alternative(html, "text/html")
    message.send()


def _logo_url(theme) -> str:
    if theme is None or not theme.logo_id:
        return ""
    return theme.logo.get_rendition("height-80").url


def _language(delivery: Delivery) -> str:
    """The customer's language now (the e-mail's own words, around the message's title and body,
    which were written in their language when it was sent)."""
    return language_of(delivery.notification.recipient)


class ProviderChannel:
    """Text messages and WeChat: through the provider chosen in the brand's settings."""

    def __init__(self, name: str, setting: str, address):
        self.name = name
        self.setting = setting
        self._address = address

    def address(self, user, profile=None) -> str:
        if not getattr(_settings(), self.setting):
            return ""
        return self._address(user, profile)

    def send(self, delivery: Delivery) -> None:
        provider = PROVIDERS.get(getattr(_settings(), self.setting))
        if provider is None:
            raise ProviderError(f"No {self.name} provider is chosen in the notification settings.")
        notification = delivery.notification
        provider.send(
            address=delivery.address, title=notification.title, body=notification.body, url=notification.url
        )


class Webhook:
    name = "webhook"

    def address(self, user, profile=None) -> str:
        return _settings().webhook_url

    def send(self, delivery: Delivery) -> None:
        notification = delivery.notification
        payload = json.dumps(
            {
                "kind": notification.kind,
                "recipient": notification.recipient_id,
                "title": notification.title,
                "body": notification.body,
                "url": portal_url(notification.url),
                "sent_at": notification.created_at.isoformat(),
            }
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - the brand's own https/http address
            delivery.address, data=payload, headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                if response.status >= 300:
                    raise ProviderError(f"The webhook answered {response.status}.")
        except OSError as error:
            raise ProviderError(f"The webhook could not be reached: {error}") from error


def _phone(user, profile) -> str:
    return getattr(profile, "phone", "") or ""


CHANNELS = {
    "inbox": Inbox(),
    "email": Email(),
    "sms": ProviderChannel("sms", "sms_provider", _phone),
    # WeChat needs the customer's OpenID, which a WeChat log-in would record; none is kept yet.
    "wechat": ProviderChannel("wechat", "wechat_provider", lambda user, profile: ""),
    "webhook": Webhook(),
}
