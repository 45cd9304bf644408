"""Production settings for bench/lighthouse.py's server, serving static files from the source
folders (WhiteNoise's finders) instead of a collectstatic copy in STATIC_ROOT, which may be stale:
the pages are scored with the CSS and scripts in the tree."""

from config.settings.production import *  # noqa: F401,F403

WHITENOISE_USE_FINDERS = True
