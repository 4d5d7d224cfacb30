"""Demo data: the providers that `manage.py demo` runs in order, one story across the apps.

A provider is a callable `provider(*, progress) -> dict[str, int]`: it creates or updates its
demo rows idempotently and returns counts for the command's JSON summary. They run after the
reference data and the roles are loaded, in list order: structures and accounts, the pages,
the offer of sessions, the communities that meet around it, then the case library. The demo
lives in one place because each part leans on the ones before it. Importing this package
needs the app registry (the apps' models), as a management command or a test has it.
"""

from .communautes import communautes_provide
from .comptes import comptes_provide
from .formations import formations_provide
from .pages import pages_provide
from .ressources import ressources_provide
from .structures import structures_provide

DEMO_PROVIDERS: list = [
    structures_provide,
    comptes_provide,
    pages_provide,
    formations_provide,
    communautes_provide,
    ressources_provide,
]
