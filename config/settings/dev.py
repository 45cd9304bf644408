from config.settings.base import *  # noqa: F401,F403
from config.settings.env import env_bool

DEBUG = env_bool("DEBUG", True)
