"""The one place where the environment is read, typed, with clear errors."""

import os
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def string(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(
                f"La variable d'environnement {name} est obligatoire mais n'est pas définie "
                f"(voir .env.example)."
            )
        return default
    return value


def boolean(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} doit valoir true ou false, pas {value!r}.")


def integer(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} doit être un entier, pas {value!r}.") from None


def strings(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def database(url: str) -> dict:
    """Django DATABASES entry from postgres://user:pass@host:port/name or sqlite:///path."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": unquote(parsed.path[1:] or ":memory:"),
            # Overlapping writes queue up instead of failing with "database is locked": the
            # write lock is taken when a transaction begins (a deferred one upgrading from a
            # read cannot wait), a writer waits up to 20 s, and WAL lets reads run alongside.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL;",
            },
        }
    if parsed.scheme in {"postgres", "postgresql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            # Under ASGI each request may run in a new thread: persistent per-thread
            # connections pile up, so connections come from a psycopg pool instead.
            "CONN_MAX_AGE": 0,
            "OPTIONS": {"pool": {"min_size": 2, "max_size": integer("DATABASE_POOL_SIZE", 10)}},
        }
    raise ImproperlyConfigured(f"DATABASE_URL : schéma non pris en charge {parsed.scheme!r}.")
