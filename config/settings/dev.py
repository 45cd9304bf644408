from config.settings.base import *  # noqa: F401,F403
from config.settings.env import env_bool

DEBUG = env_bool("DEBUG", True)

# Serve static files straight from the source folders while developing.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
