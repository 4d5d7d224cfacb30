"""Demo data: a registry of providers that `manage.py demo` runs in order.

A provider is a callable `provider(*, progress) -> dict[str, int]`: it creates or updates its
demo rows idempotently and returns counts for the command's JSON summary. Other apps append
theirs from `AppConfig.ready()`:

    from maillage.demo import DEMO_PROVIDERS
    DEMO_PROVIDERS.append(formations_provide)

Providers run after the reference data and the roles are loaded, in list order, so an app's
provider can rely on the structures and accounts created here.
"""

from .comptes import comptes_provide
from .pages import pages_provide
from .structures import structures_provide

DEMO_PROVIDERS: list = [structures_provide, comptes_provide, pages_provide]
