"""The embedded default: SQLite, in-memory channel layer, immediate tasks, database search."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.boolean("DJANGO_DEBUG", True)
SECRET_KEY = env.string("DJANGO_SECRET_KEY", "dev-only-insecure-key-never-used-in-production")  # noqa: S105
ALLOWED_HOSTS = env.strings("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
