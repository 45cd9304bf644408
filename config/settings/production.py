"""Production: everything comes from the environment; no secret or host is invented."""

from config.settings.base import *  # noqa: F401,F403
from config.settings.env import env_bool, env_list, env_required, env_str

DEBUG = False
SECRET_KEY = env_required("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    from django.core.exceptions import ImproperlyConfigured

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

OPENSEARCH_URL = env_str("OPENSEARCH_URL")
if OPENSEARCH_URL:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "wagtail.search.backends.opensearch2",
            "URLS": [OPENSEARCH_URL],
            # One index prefix per deployment; documents carry their tenant schema (see docs/deploy.md).
            "INDEX": env_str("OPENSEARCH_INDEX", "portal"),
        }
    }
