from config.settings.base import *  # noqa: F401,F403

DEBUG = False
# Tests fill the spare-schema pool themselves when they test it.
SPARE_SCHEMA_POOL_SIZE = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CACHES["default"]["BACKEND"] = "django.core.cache.backends.locmem.LocMemCache"  # noqa: F405
CACHES["default"].pop("LOCATION", None)  # noqa: F405
WAGTAILADMIN_BASE_URL = "http://testserver"
# A throwaway domain that plugs into every part of the registry (tests/test_toy_domain.py). It has
# no tables, so schemas are the same with and without it.
TENANT_APPS = [*TENANT_APPS, "tests.toy_domain"]  # noqa: F405
INSTALLED_APPS = [*INSTALLED_APPS, "tests.toy_domain"]  # noqa: F405
MEDIA_ROOT = str(BASE_DIR / "test-artifacts" / "media")  # noqa: F405
MALL_PAYMENT_PROVIDERS = ["sandbox", "in_store"]
# Requests are counted but added to the database only when a test asks (tests/test_request_counts.py):
# never in the middle of a test that pins its queries, nor at exit, when the connection names the
# development database again.
REQUEST_COUNT_FLUSH_SECONDS = None
# Tests never ask the internet's DNS: a test that reads TXT records starts its own server on
# 127.0.0.1 (tests/dns_server.py); anything else would wait for the discard port in vain.
DOMAIN_VERIFICATION_NAMESERVERS = ["127.0.0.1:9"]
