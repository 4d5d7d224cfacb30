"""Settings of the ASGI server the live browser tests start: the test settings, sharing with
the test process what both must see alike (search indices, cache keys, files, sent e-mails)."""

import os
from pathlib import Path

from maillage.settings.test import *  # noqa: F403
from maillage.settings.test import CACHES

# The test process's cache prefix: an edit it makes invalidates what the server cached.
if os.environ.get("MAILLAGE_LIVE_CACHE_PREFIX"):
    CACHES["default"]["KEY_PREFIX"] = os.environ["MAILLAGE_LIVE_CACHE_PREFIX"]

# Files on disk, in a folder the test process also writes to (the in-memory storage of the
# test settings would give each process its own).
if os.environ.get("MAILLAGE_LIVE_MEDIA_ROOT"):
    MEDIA_ROOT = os.environ["MAILLAGE_LIVE_MEDIA_ROOT"]
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

# E-mails the server sends are written as files the test reads, as a user reads their inbox.
if os.environ.get("MAILLAGE_LIVE_MAIL_DIR"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = Path(os.environ["MAILLAGE_LIVE_MAIL_DIR"])
