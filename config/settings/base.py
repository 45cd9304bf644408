"""Settings shared by every environment. Environment variables are read here and in the
environment modules only, through the helpers in `config.settings.env`."""

from pathlib import Path

from config.database import database_settings, database_url
from config.settings.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-never-used-in-production")
DEBUG = env_bool("DEBUG", False)

# Hosts that serve the agency console (public schema). Every other host is looked up as a tenant domain.
PUBLIC_HOSTS = env_list("PUBLIC_HOSTS", ["localhost", "127.0.0.1", "testserver"])
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["*"])

# --- Tenancy --------------------------------------------------------------------------------
SHARED_APPS = [
    # First, so its `migrate`/`migrate_schemas` commands (which also keep the template schema and
    # the spare pool current) take precedence over django-tenants' own.
    "tenants",  # Agency, Tenant, Domain, PortalTemplate, spare-schema pool, agency console
    "django_tenants",  # schema routing, tenant and domain models' base classes
    "django.contrib.contenttypes",  # both lists: public and tenant schemas each have their models
    "django.contrib.auth",  # both lists: agency staff live in public, brand admins in their tenant
    "django.contrib.sessions",  # both lists: a session row never crosses a schema boundary
    "django.contrib.messages",  # no tables; console flash messages
    "django.contrib.staticfiles",  # no tables; one stylesheet for every tenant
    "django.contrib.humanize",  # no tables; number formatting in templates
    "axes",  # both lists: console log-in lockouts in public, customers' and staff's in each tenant
]

TENANT_APPS = [
    "django.contrib.contenttypes",  # per-tenant ids, identical in every tenant (all cloned from one template)
    "django.contrib.auth",  # a brand's admins and staff exist only in its schema
    "django.contrib.sessions",  # a tenant's sessions live in its own schema
    "core",  # the registry, the event outbox and scheduled job runs (their tables are per tenant)
    "wagtail.contrib.settings",  # per-tenant site settings (theme, navigation)
    "wagtail.contrib.redirects",  # per-tenant redirects (grapple's schema needs its table)
    "wagtail.contrib.simple_translation",  # "Translate" a page tree or snippet into another language
    "wagtail.locales",  # the brand chooses its languages (Settings → Locales); no tables
    "wagtail.embeds",  # video embeds in pages
    "wagtail.sites",  # the tenant's Wagtail Site for its domain
    "wagtail.users",  # brand admin user management
    "wagtail.snippets",  # navigation menus and reusable content
    "wagtail.documents",  # downloadable files
    "wagtail.images",  # images and renditions
    "wagtail.search",  # per-tenant search index in the tenant schema
    "wagtail.admin",  # the brand admin at /admin/
    "wagtail",  # pages, revisions, workflows
    "modelcluster",  # inline child models in pages
    "taggit",  # tags on images and documents
    "django_filters",  # admin listing filters
    "graphene_django",  # GraphQL views (GraphiQL when DEBUG)
    "grapple",  # GraphQL types for pages, blocks, images and settings
    "themes",  # the brand theme setting
    "builder",  # portal page types, navigation and footer
    # Domain apps in their layer order (pyproject.toml's import contracts): each imports only
    # earlier ones, and hooks (viewer fields, account sections) are listed in this order.
    "allauth",  # customer sign-up and log-in, per tenant
    "allauth.account",  # e-mail addresses and verification live in the tenant's schema
    "axes",  # log-in lockouts per tenant, account and IP
    "accounts",  # customer profiles, account deletion
    "notifications",  # inbox, e-mail and provider messages to customers and staff, per tenant
    "members",  # loyalty: levels, points and stored-value ledgers
    "coupons",  # coupon templates, issued coupons, redemption
    "knowledge",  # help centre articles, the portal's search box, search analytics
    "mall",  # the brand's shop: products, SKUs, carts, orders, payments, group-buys, bargains
    "events",  # events and sessions, sign-ups and tickets, daily check-in, invite campaigns
    "service",  # the service desk: request forms, tickets, SLA, ratings, appointments, the service entry
    "referrals",  # promoters, referral links and attribution, commission ledger, withdrawals
    "portals",  # no tables: the starter portals new tenants are built from, and the demo
]

INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
# One `SET search_path` per request and connection, not one per cursor.
TENANT_LIMIT_SET_CALLS = True
# The schema every new tenant is cloned from; `migrate_schemas` keeps it at migration head.
TENANT_TEMPLATE_SCHEMA = "portal_template"
# pg_dump used to snapshot the template schema; default: the one shipped with the embedded server (16).
PG_DUMP = env_str("PG_DUMP")
# How many pre-built spare schemas to keep ready; provisioning renames one instead of cloning.
SPARE_SCHEMA_POOL_SIZE = env_int("SPARE_SCHEMA_POOL_SIZE", 3)
# How long a host -> tenant lookup is cached (seconds). Services delete the entry on every change,
# but without Redis only in their own process: there a found tenant is kept for the LOCAL time, so
# a suspension reaches every process within seconds (tenants/hosts.py).
TENANT_HOST_CACHE_SECONDS = env_int("TENANT_HOST_CACHE_SECONDS", 300)
# A brand's own domain serves once its ownership is checked (tenants.services.check_domain); in
# development the console may also mark it verified by hand (always allowed when DEBUG is on).
ALLOW_MANUAL_DOMAIN_VERIFICATION = env_bool("ALLOW_MANUAL_DOMAIN_VERIFICATION", False)
# Whether a domain may prove itself by serving its token over HTTP. Turn off behind a wildcard DNS
# entry pointing here: the deployment serves an unverified domain's token itself, so every name
# under the wildcard would pass; then only the TXT record proves a domain (docs/deploy.md).
DOMAIN_VERIFICATION_BY_HTTP = env_bool("DOMAIN_VERIFICATION_BY_HTTP", True)
# DNS servers asked for a domain's TXT record ("1.1.1.1", "10.0.0.2:53"); empty: the machine's own.
DOMAIN_VERIFICATION_NAMESERVERS = env_list("DOMAIN_VERIFICATION_NAMESERVERS", [])
TENANT_HOST_LOCAL_CACHE_SECONDS = env_int("TENANT_HOST_LOCAL_CACHE_SECONDS", 5)
# An unknown host, briefly: a host scan cannot flood the database, and a new domain works at once.
TENANT_UNKNOWN_HOST_CACHE_SECONDS = env_int("TENANT_UNKNOWN_HOST_CACHE_SECONDS", 5)
# Each web process adds its in-memory request counts to the database at most this often (seconds):
# no write per request, and a killed process loses at most this long's counts (tenants.usage).
REQUEST_COUNT_FLUSH_SECONDS = env_int("REQUEST_COUNT_FLUSH_SECONDS", 60)
# A POST to these URLs (log-ins, sign-up, API tokens) re-reads the tenant's status from the database.
TENANT_STATUS_CHECKED_URL_NAMES = [
    "login",
    "account_login",
    "account_signup",
    "api_token",
    "wagtailadmin_login",
]

ROOT_URLCONF = "config.urls_tenants"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"

MIDDLEWARE = [
    "tenants.middleware.TenantByHostMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Once the tenant is known: a cached anonymous page skips everything below (but gets the
    # security headers above, and is stored with those added below, e.g. X-Frame-Options).
    "builder.page_cache.AnonymousPageCacheMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.language.TenantLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Apps calling /graphql/ with `Authorization: Bearer <token>` act as that customer.
    "accounts.tokens.BearerTokenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # /admin/.../edit/abc/ for an integer key is a 404 before the view runs, not a 500.
    "tenants.middleware.MalformedObjectIdMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "builder.context_processors.portal",
                "notifications.context_processors.inbox",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# --- Database -------------------------------------------------------------------------------
# Persistent connections: a new connection per request costs more than the request itself.
DATABASES = {"default": database_settings(database_url(), conn_max_age=env_int("CONN_MAX_AGE", 600))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Every key carries the schema of the request that wrote it.
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        }
    }
else:
    # Sized for a fleet: Django's default of 300 entries is a few tenants' pages, and once many
    # tenants' keys compete every page is evicted before its next visit (a cached home page went from
    # about 1 ms to 31 ms at 60 tenants). A fleet's page cache is a few keys per tenant and page.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
            "OPTIONS": {"MAX_ENTRIES": env_int("LOCAL_CACHE_MAX_ENTRIES", 10_000), "CULL_FREQUENCY": 10},
        }
    }

# --- Auth and sessions ----------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A URL name in both URL confs: the console's log-in on public hosts, customers' on tenant hosts.
LOGIN_URL = "login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out accounts and IPs
    "allauth.account.auth_backends.AuthenticationBackend",  # customers, by e-mail
    "django.contrib.auth.backends.ModelBackend",  # console, Wagtail admin, by username
]
# Five wrong passwords for one account from one IP lock that account on that IP for 15 minutes;
# other accounts on the same IP (an office, a mobile carrier's NAT) still log in. One IP is locked
# out as a whole only after AXES_IP_FAILURE_LIMIT failures across accounts (accounts/lockout.py
# applies the two limits). Per tenant: the counts live in each tenant's schema.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_IP_FAILURE_LIMIT = env_int("AXES_IP_FAILURE_LIMIT", 50)  # read by accounts.lockout, not by axes
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
# The client's IP as allauth reads it (ALLAUTH_TRUSTED_PROXY_COUNT), so both count the same address.
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_RESET_ON_SUCCESS = True
SESSION_COOKIE_HTTPONLY = True
# Django's messages cookie, signed with a per-tenant salt (core.signing).
MESSAGE_STORAGE = "core.signing.TenantMessageStorage"
# How long a brand admin's set-password invitation stays valid.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 7 * 24 * 3600)

# --- Customer accounts ----------------------------------------------------------------------
# A brand's customers sign up, log in, verify their e-mail and reset their password through
# django-allauth at /accounts/ on the brand's host. Its tables and the users are in the tenant's
# schema, so a customer of one brand does not exist on another. Profile, phone log-in and account
# deletion are the `accounts` app's.
ACCOUNT_LOGIN_METHODS = {"email"}
# The log-in box also takes the phone number on the customer's profile (second identifier). A wrong
# current password in the change-password form counts towards the log-in lock-out.
ACCOUNT_FORMS = {
    "login": "accounts.forms.CustomerLoginForm",
    "change_password": "accounts.forms.CustomerChangePasswordForm",
}
# Phone numbers typed without a country code are read as this region's (ISO 3166 code); every
# number is stored in E.164, "+8613800138000" (accounts/phones.py).
PHONE_DEFAULT_REGION = env_str("PHONE_DEFAULT_REGION", "CN")
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Sign-up asks customers to accept the brand's privacy policy page when it has chosen one.
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.signup.PrivacyConsentSignupForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"  # no log-in before the e-mail address is confirmed
# Confirmation keys are random and stored in the tenant's schema, so no other tenant knows them.
# allauth's default (HMAC) signs the address's row id with the one SECRET_KEY: a key one brand
# mailed would confirm the address with the same id at every other brand.
ACCOUNT_EMAIL_CONFIRMATION_HMAC = False
# Reset links are salted with the tenant's schema (accounts/passwords.py).
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = "accounts.passwords.CustomerPasswordResetTokenGenerator"  # noqa: S105
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True  # one address per customer; a new one replaces it once confirmed
# Creates the profile and the loyalty membership at sign-up; brand name in mails.
ACCOUNT_ADAPTER = "accounts.adapter.CustomerAccountAdapter"
ACCOUNT_USER_DISPLAY = "accounts.adapter.customer_display"  # the e-mail, not the derived username
# Customers land on My account (members app). The console's LoginView and the Wagtail admin name
# their own landing pages, so this only moves customers.
LOGIN_REDIRECT_URL = "/account/"
# allauth's default is LOGIN_URL, which is the console's log-in (public host only).
ACCOUNT_EMAIL_CONFIRMATION_ANONYMOUS_REDIRECT_URL = "/accounts/login/"
# django-axes is the one log-in lock (per tenant, account and IP, with the lock-out page).
# allauth's own failed-log-in limit would answer first, with a different message and no 429.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
# Proxies in front of the app that append the connecting address to X-Forwarded-For (1 behind the
# TLS proxy of docs/deploy.md). The client's IP is the entry this many places from the right; with
# 0, REMOTE_ADDR. allauth's rate limits and django-axes' lock-outs both read it.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out accounts and IPs
    # Customers by e-mail: allauth's backend, kept off the public schema (no allauth tables there).
    "accounts.backends.CustomerEmailBackend",
    "accounts.backends.PhoneBackend",  # customers by the phone number on their profile
    "django.contrib.auth.backends.ModelBackend",  # console, Wagtail admin, by username
]
# Counts an e-mail, phone or username of one account as that account (accounts/lockout.py).
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"
# A successful log-in clears that account's failures only, not its IP's (accounts/lockout.py).
AXES_HANDLER = "accounts.lockout.AccountLockoutHandler"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Money: amounts are integer cents; shown in this currency with this locale's CLDR rules (core.money).
PORTAL_CURRENCY = env_str("PORTAL_CURRENCY", "CNY")
MONEY_LOCALE = env_str("MONEY_LOCALE", "zh_Hans_CN")

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env_str("MEDIA_ROOT", str(BASE_DIR / "media"))
# Each tenant's uploads go to MEDIA_ROOT/<schema>/ (django-tenants' storage).
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
STORAGES = {
    # MEDIA_ROOT/<schema>/<folder>/<random>/<name>: nobody finds an upload by guessing its name.
    "default": {"BACKEND": "tenants.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "portal@localhost")

# --- Celery ---------------------------------------------------------------------------------
# With no broker configured, tasks run in-process (eagerly).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
# Tasks are acknowledged when they finish (acks_late), so a message a killed worker held goes back
# to the queue; with Redis that happens after this many seconds (its default is an hour). Longer
# than any task runs (a campaign run stops after about 20 s and queues the rest).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 300)}
# Beat: one tick every few minutes; each active tenant then runs its due scheduled jobs in its own
# time zone and retries due outbox deliveries (tenants.tasks.tick). The jobs themselves come from
# the registry (core.registry.scheduled_jobs), so a new domain's job needs no entry here.
CELERY_BEAT_SCHEDULE = {
    "tenant-schedules": {"task": "tenants.tasks.tick", "schedule": env_int("SCHEDULE_TICK_SECONDS", 300)}
}

# --- Wagtail --------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Portal"
# Private pages and documents send visitors to the customers' log-in, not Wagtail's own form.
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://localhost:8000")
# Wagtail search on PostgreSQL in each tenant's schema, with Chinese text segmented (core.search).
# English words are stemmed ("points" finds "point"); Chinese words pass through as they are.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "core.search", "SEARCH_CONFIG": "english"}}
# Pages exist per language (a tree per locale, linked by translation_key). A tenant's languages are
# its Locale rows, chosen from these; page URLs carry a language prefix except in the tenant's
# default language (core.language, builder.views).
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# No Gravatar: the admin shows its default avatar image and makes no request to gravatar.com.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Documents only through /documents/<id>/<name>, which applies the collection's privacy; never a
# link to the file itself (tenants.media refuses documents under /media/, and a bucket URL would
# skip the check too).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# A truncated or corrupt image upload is a form error, not a 500 (tenants.media.ImageForm).
WAGTAILIMAGES_IMAGE_FORM_BASE = "tenants.media.ImageForm"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Seconds an anonymous portal page stays cached (0 turns the page cache off). Purged on publish.
PORTAL_PAGE_CACHE_SECONDS = env_int("PORTAL_PAGE_CACHE_SECONDS", 300)

# Seconds the per-tenant fragments every view needs (Site, theme and menus, page bodies, anonymous
# GraphQL answers) stay cached; purged on publish like pages. 0 turns them off.
PORTAL_FRAGMENT_CACHE_SECONDS = env_int("PORTAL_FRAGMENT_CACHE_SECONDS", 300)

# --- GraphQL ------------------------------------------------------------------------------
GRAPHENE = {"SCHEMA": "config.graphql.schema"}
GRAPPLE = {
    "APPS": ["builder", "themes", "knowledge"],
    "PAGE_SIZE": 20,
    "MAX_PAGE_SIZE": 100,
    "EXPOSE_GRAPHIQL": False,  # config.urls_tenants mounts GraphiQL itself, only when DEBUG
    # The only renditions GraphQL makes, as Wagtail filter specs (builder.graphql.images): every
    # other filter or srcSet size is refused, so clients cannot fill the disk and the CPU with
    # renditions nobody designed. Widths for srcSet (plain or WebP), and the crops the portal's own
    # templates make, so API clients share their files.
    "ALLOWED_IMAGE_FILTERS": [
        *(f"width-{w}{fmt}" for w in (320, 640, 800, 1024, 1280, 1920) for fmt in ("", "|format-webp")),
        "fill-400x300",
        "fill-800x600",
        "fill-1200x630",
        "height-80",
    ],
}
# Request limits enforced by builder.graphql.views.LimitedGraphQLView
GRAPHQL_MAX_DEPTH = 10
GRAPHQL_MAX_ALIASES = 15
GRAPHQL_MAX_TOKENS = 3000
# Fields, each counted once per item of the lists around it (`limit:`), a srcSet once per size.
GRAPHQL_MAX_COST = 2000
# Image renditions one request may create; renditions that already exist do not count.
GRAPHQL_MAX_NEW_RENDITIONS = 10
GRAPHQL_MAX_BODY_BYTES = 100_000
GRAPHQL_MAX_ARGUMENT_LENGTH = 500  # characters in one string argument (searchQuery, urlPath, ...)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"tenant": {"()": "django_tenants.log.TenantContextFilter"}},
    "formatters": {
        "tenant": {
            "format": "%(asctime)s %(levelname)s [%(schema_name)s:%(domain_url)s] %(name)s %(message)s"
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["tenant"], "formatter": "tenant"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# How links to a tenant's portal are written (invitations, console links).
TENANT_BASE_URL_FORMAT = env_str("TENANT_BASE_URL_FORMAT", "http://{domain}:8000")

# Payment providers customers may choose at checkout (mall.payments.PROVIDERS): "in_store" (pay at
# the till) and "sandbox" (a test page that pays or fails: development and tests only, never in
# production, where anyone could use it to mark orders paid).
MALL_PAYMENT_PROVIDERS = env_list("MALL_PAYMENT_PROVIDERS", ["in_store"])
