"""Production: everything comes from the environment; no secret or host is invented."""

import os

from django.core.exceptions import ImproperlyConfigured

# Production never starts the embedded PostgreSQL: a missing DATABASE_URL is a configuration error.
if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured(
        "DATABASE_URL must be set in production (postgresql://user:password@host:5432/db)"
    )

from config.settings.base import *  # noqa: E402,F401,F403
from config.settings.env import env_bool, env_list, env_required, env_str

DEBUG = False
SECRET_KEY = env_required("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production (comma-separated, '.example.com' ok)")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

if REDIS_URL:  # noqa: F405
    # Sessions in Redis: app servers stay stateless; keys carry the tenant schema.
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")

# S3-compatible media (django-storages) when a bucket is configured; per-tenant prefixes.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {"BACKEND": "tenants.storage.TenantS3Storage"}  # noqa: F405

# OpenSearch: not wired yet. Wagtail's OpenSearch backend keys documents by primary key in one
# index, so tenants would overwrite each other's entries; search stays on PostgreSQL per schema
# until a tenant-prefixed index is built (docs/deploy.md).
if "sandbox" in MALL_PAYMENT_PROVIDERS:  # noqa: F405
    raise ImproperlyConfigured("MALL_PAYMENT_PROVIDERS must not include the sandbox in production.")
