from config.settings.base import *  # noqa: F401,F403
from config.settings.env import env_bool, env_int, env_list

DEBUG = env_bool("DEBUG", True)

# A new database connection per request while developing, unless CONN_MAX_AGE is set. runserver
# serves each browser connection in a new thread, and with base.py's persistent connections every
# such thread left its database connection open for up to 600 s: the development server reached
# ~100 open connections and ran out. Production's fixed worker threads reuse theirs, so keep 600 there.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 0)

# Serve static files straight from the source folders while developing.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# The sandbox payment page lets a developer pay or fail an order by hand.
MALL_PAYMENT_PROVIDERS = env_list("MALL_PAYMENT_PROVIDERS", ["sandbox", "in_store"])
