"""Test settings: the real services when their URLs are set (make test sets them)."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-only-insecure-key"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests drive tasks explicitly; the immediate backend runs them at enqueue time.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SEARCH_INDEX_PREFIX = env.string("SEARCH_INDEX_PREFIX", "maillage_test")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Attachments written by tests never land in the checkout.
COMMUNAUTES_PIECES_JOINTES_ROOT = Path(tempfile.gettempdir()) / "maillage-test-pieces-jointes"
# Sign-up's constant answer time is tested on its own; other tests need not wait for it.
ACCOUNT_SIGNUP_MIN_SECONDS = 0
# Tests read each response's template context, which a page kept in memory no longer has;
# tests/site/test_cache_pages.py turns it on.
PAGE_CACHE_ANONYMOUS = False
PAGE_CACHE_SESSIONS = False
