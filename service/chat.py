"""Live-chat providers for the service entry: a third-party chat widget, set up by brand staff with an
account id only.

Brand staff are not trusted with scripts on customers' pages, so they never type one: each provider
here builds its own embed from an id it checks first (a page's https address, Crisp's website id,
tawk.to's property/widget). Adding a provider is adding a `ChatProvider` to PROVIDERS.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ChatProvider:
    key: str
    pattern: str  # what a valid account id looks like
    error: str
    script: str = ""  # the widget's script address, `{id}` replaced by the account id
    config: str = ""  # a global the script reads before it loads, as `name = value` JavaScript

    def is_valid(self, account: str) -> bool:
        return bool(re.fullmatch(self.pattern, account or ""))


PROVIDERS = {
    "link": ChatProvider(
        "link", r"https://[^\s\"'<>]{4,290}", _("Give the chat page's address, starting with https://.")
    ),
    "crisp": ChatProvider(
        "crisp",
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        _("A Crisp website ID looks like 1a2b3c4d-1a2b-1a2b-1a2b-1a2b3c4d5e6f."),
        script="https://client.crisp.chat/l.js",
        config='window.$crisp = []; window.CRISP_WEBSITE_ID = "{id}";',
    ),
    "tawk": ChatProvider(
        "tawk",
        r"[0-9a-f]{24}/[0-9a-z]{6,12}",
        _("A tawk.to chat looks like 5f1a2b3c4d5e6f7a8b9c0d1e/1abcdefgh (property/widget)."),
        script="https://embed.tawk.to/{id}",
    ),
}


def check_chat_settings(provider: str, account: str) -> None:
    """Refuse an account id its provider would not accept (raises ValidationError on `chat_id`)."""
    if not provider:
        return
    chosen = PROVIDERS.get(provider)
    if chosen is None:
        raise ValidationError({"chat_provider": _("Choose a chat provider from the list.")})
    if not chosen.is_valid(account):
        raise ValidationError({"chat_id": chosen.error})


def chat_embed(provider: str, account: str) -> dict | None:
    """What the service entry needs to offer chat: {"link": url} for a chat page, {"script": url,
    "config": js} for a widget; None when there is no (valid) chat."""
    chosen = PROVIDERS.get(provider or "")
    if chosen is None or not chosen.is_valid(account):
        return None
    if not chosen.script:
        return {"link": account}
    return {"script": chosen.script.format(id=account), "config": chosen.config.format(id=account)}
