"""How a domain plugs into the platform, without the platform importing it.

Two kinds of contribution (docs/architecture.md, "Adding a domain"):

- **Page blocks** are needed while models are defined (a page body's StreamField needs its block
  list when `builder.models` is imported, before any Wagtail hook runs). Each installed app may
  have a `blocks.py` with `PORTAL_BLOCKS = [("name", SomeBlock()), ...]`; `app_blocks()` collects
  them in INSTALLED_APPS order.
- **Everything else** through Wagtail hooks with the project's own names, registered in the
  domain's `wagtail_hooks.py`:

  | hook | returns | used by |
  |---|---|---|
  | `portal_event_kinds` | `{"points.changed": _("Points changed"), ...}` | the outbox (only registered kinds are recorded) |
  | `portal_event_subscribers` | `{"points.changed": [handler, ...], ...}`; `handler(event)` is idempotent | outbox delivery |
  | `portal_scheduled_jobs` | `[ScheduledJob(...), ...]` | the schedule, per tenant in its time zone |
  | `portal_viewer_fields` | `{"memberCard": (graphene.Field(...), resolve(user, info, **args)), ...}` | GraphQL `viewer` |
  | `portal_starter_portals` | `{"member-mall": install(*, brand_name, domain, language, contact_email, contact_phone, website), ...}` | provisioning: builds the pages, Site, theme and menus |
  | `portal_account_sections` | `[AccountSection(...), ...]` | My account |
  | `portal_customer_data` | `[CustomerData(name, export(user), erase(user)), ...]` | a customer's data export and erasure |
  | `portal_every_tick` | `{"name": work(), ...}` | the schedule tick (every few minutes) in each active tenant: retries due |
  | `portal_notification_kinds` | `[NotificationKind(...), ...]` | notifications: what customers and staff are told, and which event tells them |
  | `portal_campaign_audiences` | `[CampaignAudience(...), ...]` | notifications: who a campaign can go to |
  | `portal_search_types` | `[SearchType(...), ...]` | the portal's search box (knowledge.search): what it finds, grouped by type |
  | `portal_private_page_paths` | `[path, ...]`: tree paths of live pages only some visitors may read (a members-only article) | GraphQL leaves them out for everyone, like view-restricted pages |
  | `portal_page_extras` | `[PageExtra(name, template, context(request)), ...]` | the end of every portal page (templates/base.html): a floating button, a banner |

  Admin menus and viewsets use Wagtail's own `register_admin_viewset` / `register_admin_menu_item`,
  root GraphQL queries grapple's `register_schema_query`; a searchable type's model declares
  Wagtail search's `search_fields` (indexed with Chinese segmented, core.search).
"""

import sysconfig
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from wagtail import hooks

LIBRARIES = Path(sysconfig.get_paths()["purelib"]).resolve()

EVENT_KINDS = "portal_event_kinds"
EVENT_SUBSCRIBERS = "portal_event_subscribers"
SCHEDULED_JOBS = "portal_scheduled_jobs"
VIEWER_FIELDS = "portal_viewer_fields"
STARTER_PORTALS = "portal_starter_portals"
ACCOUNT_SECTIONS = "portal_account_sections"
CUSTOMER_DATA = "portal_customer_data"
NOTIFICATION_KINDS = "portal_notification_kinds"
EVERY_TICK = "portal_every_tick"
PRIVATE_PAGE_PATHS = "portal_private_page_paths"
PAGE_EXTRAS = "portal_page_extras"


def app_blocks() -> list[tuple]:
    """(name, block) pairs that installed apps contribute to page bodies, in INSTALLED_APPS order."""
    collected, owners = [], {}
    for app in apps.get_app_configs():
        module_name = f"{app.name}.blocks"
        if _is_installed_package(app) or find_spec(module_name) is None:
            continue
        for name, block in getattr(import_module(module_name), "PORTAL_BLOCKS", []):
            if name in owners:
                raise ImproperlyConfigured(
                    f"Page block {name!r} is registered by {owners[name]} and {app.name}."
                )
            owners[name] = app.name
            collected.append((name, block))
    return collected


def _is_installed_package(app) -> bool:
    """Django, Wagtail and other pip-installed apps contribute no portal blocks (and some of their
    `blocks` modules warn when imported)."""
    return Path(app.path).resolve().is_relative_to(LIBRARIES)


def _merged(hook_name: str) -> dict:
    merged = {}
    for contribute in hooks.get_hooks(hook_name):
        for key, value in contribute().items():
            if key in merged:
                raise ImproperlyConfigured(f"{key!r} is registered twice for {hook_name}.")
            merged[key] = value
    return merged


def _listed(hook_name: str) -> list:
    return [item for contribute in hooks.get_hooks(hook_name) for item in contribute()]


# Event kinds and subscribers are read on every recorded event (every points change): kept per
# process for as long as the registered hook functions are the same ones (a hook registered later,
# or temporarily in a test, is a new tuple and rebuilds them).
_events_cache: dict[str, tuple] = {}


def _cached(hook_name: str, build: Callable):
    contributors = tuple(hooks.get_hooks(hook_name))
    cached = _events_cache.get(hook_name)
    if cached is None or cached[0] != contributors:
        cached = _events_cache[hook_name] = (contributors, build())
    return cached[1]


def event_kinds() -> dict[str, str]:
    return _cached(EVENT_KINDS, lambda: _merged(EVENT_KINDS))


def event_subscribers(kind: str) -> list[Callable]:
    """Every handler registered for `kind`, in hook order."""
    return _cached(EVENT_SUBSCRIBERS, _subscribers_by_kind).get(kind, [])


def _subscribers_by_kind() -> dict[str, list[Callable]]:
    by_kind: dict[str, list[Callable]] = {}
    for contribute in hooks.get_hooks(EVENT_SUBSCRIBERS):
        for kind, registered in contribute().items():
            by_kind.setdefault(kind, []).extend(
                registered if isinstance(registered, list | tuple) else [registered]
            )
    return by_kind


def scheduled_jobs() -> list:
    jobs = _listed(SCHEDULED_JOBS)
    names = [job.name for job in jobs]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        raise ImproperlyConfigured(f"Scheduled jobs registered twice: {', '.join(sorted(duplicates))}.")
    return jobs


def viewer_fields() -> dict[str, tuple]:
    return _merged(VIEWER_FIELDS)


def starter_portals() -> dict[str, Callable]:
    return _merged(STARTER_PORTALS)


def account_sections() -> list:
    return sorted(_listed(ACCOUNT_SECTIONS), key=lambda section: section.order)


def customer_data() -> list:
    return _listed(CUSTOMER_DATA)


def private_page_paths() -> list[str]:
    """Tree paths of pages the domains say only some visitors may read (each hook: one query)."""
    return [path for contribute in hooks.get_hooks(PRIVATE_PAGE_PATHS) for path in contribute()]


def every_tick() -> dict[str, Callable]:
    return _merged(EVERY_TICK)


def page_extras() -> list["PageExtra"]:
    """What the domains add to the end of every portal page, in `order`."""
    extras = sorted(_listed(PAGE_EXTRAS), key=lambda extra: extra.order)
    names = [extra.name for extra in extras]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        raise ImproperlyConfigured(f"Page extras registered twice: {', '.join(sorted(duplicates))}.")
    return extras


def notification_kinds() -> dict[str, "NotificationKind"]:
    """Every registered notification kind by key."""

    def build():
        kinds = {}
        for kind in _listed(NOTIFICATION_KINDS):
            if kind.key in kinds:
                raise ImproperlyConfigured(f"Notification kind {kind.key!r} is registered twice.")
            kinds[kind.key] = kind
        return kinds

    return _cached(NOTIFICATION_KINDS, build)


@dataclass(frozen=True)
class NotificationKind:
    """Something a domain tells customers (or brand staff) about.

    - `title` and `body`: the built-in wording per language, as Django templates over the context
      (`{{ points }}`); staff may replace them per language in the admin.
    - `event`: the outbox event that sends it; `recipients(event)` then returns
      `[(user, context), ...]` (an empty list when nobody is to be told). Kinds without an event are
      sent by calling `notifications.services.notify`.
    - `channels`: where it goes by default ("inbox", "email", "sms", "wechat", "webhook").
    - `marketing`: customers may switch it off, and it goes only to those who consented to news
      and offers; otherwise it is transactional and always sent.
    - `audience`: "customer" or "staff".
    - `url`: where the message leads (a site-relative path template, optional).
    - `sample`: a context like the one `recipients` gives, with the same keys: the admin previews
      and checks staff's own wording with it.
    """

    key: str
    label: str
    title: dict
    body: dict
    event: str | None = None
    recipients: Callable | None = None
    channels: tuple = ("inbox", "email")
    marketing: bool = False
    audience: str = "customer"
    url: str = ""
    sample: dict = field(default_factory=dict)


@dataclass(frozen=True)
class AccountSection:
    """A part of My account a domain contributes: `context(request, member_or_user)` returns the
    template's context, or None to leave the section out for this customer."""

    name: str
    template: str
    context: Callable
    order: int = 100


@dataclass(frozen=True)
class PageExtra:
    """Something a domain adds at the end of every portal page (a floating service button).
    `context(request)` returns the template's context, or None to leave it out.

    The result is cached with the page chrome for every visitor of the tenant, per language and
    cache generation (builder.fragments), and is part of pages in the anonymous page cache: it must
    be the same for everyone (no visitor's data, no CSRF token), and whatever changes it must bump
    the generation (core.cache.bump_generation) when saved."""

    name: str
    template: str
    context: Callable
    order: int = 100


@dataclass(frozen=True)
class CustomerData:
    """A domain's part of one customer's data: `export(user)` returns JSON-able data, `erase(user)`
    removes or anonymises what identifies the person (records the brand must keep stay)."""

    name: str
    export: Callable
    erase: Callable


# --- Campaign audiences ---------------------------------------------------------------------
# `portal_campaign_audiences` returns `[CampaignAudience(...), ...]`: who brand staff may send a
# campaign message to (notifications.campaigns), without notifications importing the domain.
CAMPAIGN_AUDIENCES = "portal_campaign_audiences"

from django.db.models import QuerySet  # noqa: E402 - kept with the section it serves


@dataclass(frozen=True)
class CampaignAudience:
    """A group of customers a campaign can go to. `choices()` lists the values staff pick from
    (`[(value, label), ...]`, e.g. one per member level), or is None when there is nothing to pick;
    `users(value)` returns the group as a User queryset in the current tenant's schema (an unknown
    value: an empty queryset)."""

    key: str
    label: str
    choices: Callable[[], list[tuple[str, str]]] | None
    users: Callable[[str], QuerySet]


def campaign_audiences() -> dict[str, CampaignAudience]:
    """Every registered campaign audience by key, in hook order."""
    audiences = {}
    for audience in _listed(CAMPAIGN_AUDIENCES):
        if audience.key in audiences:
            raise ImproperlyConfigured(f"Campaign audience {audience.key!r} is registered twice.")
        audiences[audience.key] = audience
    return audiences


# --- Searchable types -----------------------------------------------------------------------
# `portal_search_types` returns `[SearchType(...), ...]`: what the portal's one search box finds
# (knowledge.search), without the search knowing the domains.
SEARCH_TYPES = "portal_search_types"


@dataclass(frozen=True)
class SearchHit:
    """One search result as customers see it: `text` is plain text the snippet is cut from."""

    title: str
    url: str
    text: str = ""
    meta: str = ""


@dataclass(frozen=True)
class SearchType:
    """A kind of thing customers find with the portal's search box.

    - `searchable(user, locale)`: a queryset of a Wagtail-indexed model (`search_fields`) holding
      only what this visitor may see in this language (live, in their audience ...);
    - `hit(item)`: the item as a SearchHit;
    - `filters(locale)`: optional `[(value, label), ...]` to narrow this type by (categories), and
      `narrow(queryset, value)` applies one (an unknown value: an empty queryset);
    - `content_types()`: optional, the ids of the indexed models whose entries the search reads
      (default: the queryset's model and its subclasses; "pages" leaves out the types other
      search types own, so their matches are not ranked twice).
    """

    key: str
    label: str
    searchable: Callable
    hit: Callable
    order: int = 100
    filters: Callable | None = None
    narrow: Callable | None = None
    content_types: Callable | None = None


def search_types() -> dict[str, SearchType]:
    """Every registered searchable type by key, in `order`."""
    types = {}
    for search_type in sorted(_listed(SEARCH_TYPES), key=lambda search_type: search_type.order):
        if search_type.key in types:
            raise ImproperlyConfigured(f"Search type {search_type.key!r} is registered twice.")
        types[search_type.key] = search_type
    return types
