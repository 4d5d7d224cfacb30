"""Settings of the ASGI server the live browser test starts: the test settings, these URLs."""

from maillage.settings.test import *  # noqa: F403

ROOT_URLCONF = "live_urls"
