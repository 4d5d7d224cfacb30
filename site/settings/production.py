"""Production: every secret and service comes from the environment; none has a default."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env.string("DJANGO_SECRET_KEY", required=True)
DEBUG = False
ALLOWED_HOSTS = env.strings("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    env.string("DJANGO_ALLOWED_HOSTS", required=True)
DATABASES = {"default": env.database(env.string("DATABASE_URL", required=True))}
# Several ASGI workers share one channel layer and cache: Redis is required.
env.string("REDIS_URL", required=True)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.boolean("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.integer("DJANGO_SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
