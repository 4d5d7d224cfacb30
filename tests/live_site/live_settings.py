"""Settings of the ASGI server the live séance browser test starts: the test settings."""

from maillage.settings.test import *  # noqa: F403
