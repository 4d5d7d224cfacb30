# ruff: noqa  (django-machina's peer harness, kept as its authors wrote it)
"""Minimal Django project that serves django-machina, for the peer benchmark only.

Written from django-machina's "Getting started" guide (INSTALLED_APPS, TEMPLATES, the
permission middleware, STATICFILES_DIRS, the attachments cache, haystack's simple engine),
with production-like choices where the guide is silent: DEBUG off, Django's cached template
loader (the default when no loader list is given), no debug toolbar, no access logs.

Environment:
  DATABASE_URL        optional, e.g. postgres://user:pw@127.0.0.1:5432/db (dj-database-url)
  PEER_MACHINA_TMP    scratch folder (SQLite file, attachment cache); /tmp/peer-machina
"""

import os

import dj_database_url
from machina import MACHINA_MAIN_STATIC_DIR, MACHINA_MAIN_TEMPLATE_DIR

TMP_DIR = os.environ.get("PEER_MACHINA_TMP", "/tmp/peer-machina")

SECRET_KEY = "peer-machina-benchmark-only-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.sites",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    # machina's dependencies
    "mptt",
    "haystack",
    "widget_tweaks",
    # machina's applications
    "machina",
    "machina.apps.forum",
    "machina.apps.forum_conversation",
    "machina.apps.forum_conversation.forum_attachments",
    "machina.apps.forum_conversation.forum_polls",
    "machina.apps.forum_feeds",
    "machina.apps.forum_moderation",
    "machina.apps.forum_search",
    "machina.apps.forum_tracking",
    "machina.apps.forum_member",
    "machina.apps.forum_permission",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "machina.apps.forum_permission.middleware.ForumPermissionMiddleware",
]

ROOT_URLCONF = "urls"
ASGI_APPLICATION = "asgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [MACHINA_MAIN_TEMPLATE_DIR],
        # No "loaders" key: with APP_DIRS, Django wraps the filesystem and app loaders in its
        # cached loader, as a production site would have it.
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "machina.core.context_processors.metadata",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default="sqlite:///" + os.path.join(TMP_DIR, "machina.sqlite3"),
    ),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Under ASGI, Django's own psycopg pool is the documented alternative to persistent
    # connections (needs psycopg[pool], installed by run.sh when DATABASE_URL is PostgreSQL).
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = True
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Every topic view writes (machina counts views), so let readers and that writer overlap,
    # as any SQLite deployment with more than one worker process would.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "machina_attachments": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.path.join(TMP_DIR, "attachments-cache"),
    },
}

HAYSTACK_CONNECTIONS = {
    "default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"},
}

LANGUAGE_CODE = "fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = os.path.join(TMP_DIR, "static")
STATICFILES_DIRS = [MACHINA_MAIN_STATIC_DIR]
MEDIA_URL = "/media/"
MEDIA_ROOT = os.path.join(TMP_DIR, "media")

# Only the HTML page is measured; keep the server quiet so logging costs nothing.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
