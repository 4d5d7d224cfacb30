"""Settings of the ASGI server the live browser tests start: the test settings."""

from maillage.settings.test import *  # noqa: F403
