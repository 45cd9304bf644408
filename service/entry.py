"""The service entry: the brand's channels in one place (phone, e-mail, WeChat, opening hours,
"Ask a question" and live chat), as the service entry block and the floating service button show
them.

Both are the same for every visitor and are cached (page bodies, the anonymous page cache, the page
extras of core.registry), so nothing here depends on the moment: whether the location is open now
is worked out in the visitor's browser (service/static/service/entry.js) from the week's hours, the
closed days and the location's time zone. Saving the settings in the admin bumps the tenant's cache
generation, so cached pages show the new channels (and the button) at once.

Importing this module registers its hooks (service.wagtail_hooks imports it).
"""

import datetime as dt
import json
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from wagtail import hooks

from core import registry
from core.cache import bump_generation
from service import selectors
from service.chat import chat_embed
from service.models import ClosedDay, Location, OpeningHours, ServiceEntrySettings

# Closed days the browser knows about (a cached page may be a few minutes old; a month is plenty),
# and those the hours list names.
CLOSED_DAYS_KNOWN = 62
CLOSED_DAYS_LISTED = 14
QR_SPEC = "max-240x240"  # a QR code is never cropped


@dataclass(frozen=True)
class DayHours:
    weekday: int  # 0: Monday, as OpeningHours
    label: str
    ranges: list[str]  # ["09:00–12:00", "13:00–18:00"]; empty: closed all day


@dataclass(frozen=True)
class ServiceEntry:
    """What the service entry shows, read in a fixed number of queries."""

    settings: ServiceEntrySettings
    question_url: str
    chat: dict | None  # service.chat.chat_embed: {"link": url} or {"script": url, "config": js}
    location: Location | None
    week: list[DayHours] = field(default_factory=list)
    closed_days: list[ClosedDay] = field(default_factory=list)  # the next CLOSED_DAYS_LISTED days'
    hours_json: str = ""  # for entry.js: {"zone", "week": [[["09:00", "17:00"]], ...], "closed": [...]}

    @property
    def has_hours(self) -> bool:
        return self.location is not None and any(day.ranges for day in self.week)

    @property
    def has_channels(self) -> bool:
        settings = self.settings
        return bool(
            settings.phone
            or settings.email
            or settings.wechat_id
            or settings.wechat_qr_id
            or self.question_url
            or self.chat
        )


def read_settings() -> ServiceEntrySettings:
    """The settings with the picture, location and request type they name, in one query (the
    selector creates the row on a brand's first read)."""
    found = ServiceEntrySettings.objects.select_related(
        "wechat_qr", "hours_location", "question_type"
    ).first()
    return found if found is not None else selectors.service_entry()


def _week(location: Location) -> tuple[list[DayHours], list[list[list[str]]]]:
    by_day: dict[int, list[OpeningHours]] = {}
    for row in OpeningHours.objects.filter(location=location).order_by("weekday", "opens"):
        by_day.setdefault(row.weekday, []).append(row)
    week, for_browser = [], []
    for weekday, label in OpeningHours.Weekday.choices:
        rows = by_day.get(weekday, [])
        week.append(DayHours(weekday, label, [f"{row.opens:%H:%M}–{row.closes:%H:%M}" for row in rows]))
        for_browser.append([[f"{row.opens:%H:%M}", f"{row.closes:%H:%M}"] for row in rows])
    return week, for_browser


def service_entry(settings: ServiceEntrySettings | None = None) -> ServiceEntry:
    """The brand's channels: one query for the settings, two more for the location's hours and
    closed days when it has a location (the QR code's picture costs its rendition's)."""
    settings = settings or read_settings()
    question = settings.question_type
    location = settings.hours_location if settings.hours_location_id else None
    entry = {
        "settings": settings,
        "question_url": question.url if question is not None and question.is_active else "",
        "chat": chat_embed(settings.chat_provider, settings.chat_id),
        "location": location,
    }
    if location is None:
        return ServiceEntry(**entry)
    zone = location.zone()
    today = timezone.localdate(timezone.now(), zone)
    week, for_browser = _week(location)
    closed = list(
        ClosedDay.objects.filter(
            location=location,
            date__gte=today - dt.timedelta(days=1),  # the browser may be a day behind the server
            date__lte=today + dt.timedelta(days=CLOSED_DAYS_KNOWN),
        ).order_by("date")
    )
    hours = {"zone": zone.key, "week": for_browser, "closed": [day.date.isoformat() for day in closed]}
    listed_until = today + dt.timedelta(days=CLOSED_DAYS_LISTED)
    return ServiceEntry(
        **entry,
        week=week,
        closed_days=[day for day in closed if today <= day.date <= listed_until],
        hours_json=json.dumps(hours, separators=(",", ":")),
    )


# --- The floating service button (core.registry's page extras) ----------------------------------


def floating_button(request) -> dict | None:
    """The button's context, or None when the brand has it off (one query) or nothing to offer."""
    settings = read_settings()
    if not settings.floating_button:
        return None
    entry = service_entry(settings)
    if not entry.has_channels:
        return None
    return {"entry": entry, "qr_spec": QR_SPEC}


@hooks.register(registry.PAGE_EXTRAS)
def page_extras():
    return [registry.PageExtra("service-entry", "service/entry_floating.html", floating_button)]


@hooks.register("after_edit_setting")
def refresh_pages_after_entry_saved(request, instance):
    """The channels are in cached page bodies, cached pages and the floating button: once the new
    settings are saved, every cached page of the brand is rebuilt (core.cache)."""
    if isinstance(instance, ServiceEntrySettings):
        transaction.on_commit(bump_generation)
