"""Settings: production refuses to start without its secrets; the env helper parses and explains."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from maillage.settings import env

REPO = Path(__file__).resolve().parents[2]
STRONG_SECRET = "k3P9vQ-m2Zx7Lr_T8wYb4Nc6Hd1Fj5Gs0Ae_Uo2Ri9Xy7Wq3Vt6Mn8Bp1Cl4Dk"
PRODUCTION_REQUIRED = ("DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOWED_HOSTS")


def production_env(**overrides: str | None) -> dict[str, str]:
    """A clean environment for the production settings; None removes a variable."""
    variables = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),  # noqa: S108
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "maillage.settings.production",
        "DJANGO_SECRET_KEY": STRONG_SECRET,
        "DATABASE_URL": "postgres://maillage:maillage@127.0.0.1:5432/maillage",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "DJANGO_ALLOWED_HOSTS": "maillage.example.org",
        "SITE_URL": "https://maillage.example.org",
    }
    for name, value in overrides.items():
        if value is None:
            variables.pop(name, None)
        else:
            variables[name] = value
    return variables


def run_python(code: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def run_manage(*args: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


# Loading the settings module is enough to exercise its checks, and much faster than setup().
LOAD_SETTINGS = "import django; from django.conf import settings; settings.SECRET_KEY"
SETUP = "import django; django.setup()"


class TestProductionSettings:
    @pytest.mark.parametrize("missing", PRODUCTION_REQUIRED)
    def test_refuses_to_start_without_a_required_variable(self, missing):
        result = run_python(LOAD_SETTINGS, production_env(**{missing: None}))

        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr
        assert f"La variable d'environnement {missing} est obligatoire" in result.stderr

    @pytest.mark.parametrize("missing", PRODUCTION_REQUIRED)
    def test_an_empty_value_counts_as_missing(self, missing):
        result = run_python(LOAD_SETTINGS, production_env(**{missing: ""}))

        assert result.returncode != 0
        assert missing in result.stderr

    def test_starts_with_a_full_environment(self):
        code = (
            f"{SETUP}; from django.conf import settings as s; "
            "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.ALLOWED_HOSTS, "
            "s.CACHES['default']['BACKEND'], s.CHANNEL_LAYERS['default']['BACKEND'], "
            "s.SESSION_COOKIE_SECURE)"
        )
        result = run_python(code, production_env(DJANGO_DEBUG="true"))

        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == [
            "False",
            "django.db.backends.postgresql",
            "['maillage.example.org']",
            "django.core.cache.backends.redis.RedisCache",
            "channels_redis.pubsub.RedisPubSubChannelLayer",
            "True",
        ]

    def test_a_malformed_number_names_the_variable(self):
        result = run_python(LOAD_SETTINGS, production_env(DJANGO_SECURE_HSTS_SECONDS="un an"))

        assert result.returncode != 0
        assert "DJANGO_SECURE_HSTS_SECONDS doit être un entier, pas 'un an'" in result.stderr

    def test_an_unsupported_database_scheme_is_named(self):
        result = run_python(LOAD_SETTINGS, production_env(DATABASE_URL="mysql://u:p@db/maillage"))

        assert result.returncode != 0
        assert "DATABASE_URL : schéma non pris en charge 'mysql'" in result.stderr

    def test_deployment_checks_pass_with_a_full_environment(self):
        result = run_manage(
            "check", "--deploy", "--fail-level", "WARNING", environment=production_env()
        )

        assert result.returncode == 0, result.stdout + result.stderr
        assert "no issues" in result.stdout

    def test_deployment_checks_catch_a_weak_secret_key(self):
        result = run_manage(
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            environment=production_env(DJANGO_SECRET_KEY="trop-court"),
        )

        assert result.returncode != 0
        assert "security.W009" in result.stdout + result.stderr


class TestEnvString:
    def test_returns_the_value(self, monkeypatch):
        monkeypatch.setenv("MAILLAGE_T_STR", "valeur")

        assert env.string("MAILLAGE_T_STR") == "valeur"

    def test_missing_or_empty_gives_the_default(self, monkeypatch):
        monkeypatch.delenv("MAILLAGE_T_STR", raising=False)
        assert env.string("MAILLAGE_T_STR", "défaut") == "défaut"
        monkeypatch.setenv("MAILLAGE_T_STR", "")
        assert env.string("MAILLAGE_T_STR", "défaut") == "défaut"

    def test_required_and_missing_names_the_variable(self, monkeypatch):
        monkeypatch.delenv("MAILLAGE_T_STR", raising=False)

        with pytest.raises(ImproperlyConfigured, match="MAILLAGE_T_STR est obligatoire"):
            env.string("MAILLAGE_T_STR", required=True)


class TestEnvBoolean:
    @pytest.mark.parametrize("raw", ["1", "true", "TRUE", "yes", "on", " True "])
    def test_true_values(self, monkeypatch, raw):
        monkeypatch.setenv("MAILLAGE_T_BOOL", raw)

        assert env.boolean("MAILLAGE_T_BOOL") is True

    @pytest.mark.parametrize("raw", ["0", "false", "False", "no", "off", ""])
    def test_false_values(self, monkeypatch, raw):
        monkeypatch.setenv("MAILLAGE_T_BOOL", raw)

        assert env.boolean("MAILLAGE_T_BOOL", True) is False

    def test_missing_gives_the_default(self, monkeypatch):
        monkeypatch.delenv("MAILLAGE_T_BOOL", raising=False)

        assert env.boolean("MAILLAGE_T_BOOL", True) is True
        assert env.boolean("MAILLAGE_T_BOOL") is False

    def test_anything_else_is_refused_with_the_name_and_value(self, monkeypatch):
        monkeypatch.setenv("MAILLAGE_T_BOOL", "peut-être")

        with pytest.raises(ImproperlyConfigured) as excinfo:
            env.boolean("MAILLAGE_T_BOOL")
        assert str(excinfo.value) == "MAILLAGE_T_BOOL doit valoir true ou false, pas 'peut-être'."


class TestEnvInteger:
    def test_parses(self, monkeypatch):
        monkeypatch.setenv("MAILLAGE_T_INT", "587")

        assert env.integer("MAILLAGE_T_INT", 25) == 587

    def test_missing_or_empty_gives_the_default(self, monkeypatch):
        monkeypatch.delenv("MAILLAGE_T_INT", raising=False)
        assert env.integer("MAILLAGE_T_INT", 25) == 25
        monkeypatch.setenv("MAILLAGE_T_INT", "")
        assert env.integer("MAILLAGE_T_INT", 25) == 25

    @pytest.mark.parametrize("raw", ["vingt", "2.5", "12a"])
    def test_not_a_number_is_refused_with_the_name_and_value(self, monkeypatch, raw):
        monkeypatch.setenv("MAILLAGE_T_INT", raw)

        with pytest.raises(ImproperlyConfigured) as excinfo:
            env.integer("MAILLAGE_T_INT", 25)
        assert str(excinfo.value) == f"MAILLAGE_T_INT doit être un entier, pas {raw!r}."


class TestEnvStrings:
    def test_splits_on_commas_and_drops_blanks(self, monkeypatch):
        monkeypatch.setenv("MAILLAGE_T_LIST", " a.example.org, ,b.example.org ,")

        assert env.strings("MAILLAGE_T_LIST") == ["a.example.org", "b.example.org"]

    def test_missing_gives_a_copy_of_the_default(self, monkeypatch):
        monkeypatch.delenv("MAILLAGE_T_LIST", raising=False)
        default = ["localhost"]

        value = env.strings("MAILLAGE_T_LIST", default)

        assert value == ["localhost"]
        assert value is not default
        assert env.strings("MAILLAGE_T_LIST") == []


class TestEnvDatabase:
    def test_postgres_url(self, monkeypatch):
        monkeypatch.delenv("DATABASE_POOL_SIZE", raising=False)

        assert env.database("postgres://maillage:s%40cr%C3%A9t@db.internal:6432/maillage_prod") == {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "maillage_prod",
            "USER": "maillage",
            "PASSWORD": "s@crét",
            "HOST": "db.internal",
            "PORT": "6432",
            "CONN_MAX_AGE": 0,
            "OPTIONS": {"pool": {"min_size": 2, "max_size": 10}},
        }

    def test_pool_size_comes_from_the_environment(self, monkeypatch):
        monkeypatch.setenv("DATABASE_POOL_SIZE", "40")

        assert env.database("postgres://u:p@h/db")["OPTIONS"]["pool"]["max_size"] == 40

    def test_a_bad_pool_size_is_named(self, monkeypatch):
        monkeypatch.setenv("DATABASE_POOL_SIZE", "beaucoup")

        with pytest.raises(ImproperlyConfigured, match="DATABASE_POOL_SIZE doit être un entier"):
            env.database("postgres://u:p@h/db")

    def test_postgresql_scheme_without_port(self):
        config = env.database("postgresql://u:p@localhost/base")

        assert config["ENGINE"] == "django.db.backends.postgresql"
        assert config["HOST"] == "localhost"
        assert config["PORT"] == ""
        assert config["NAME"] == "base"

    def test_sqlite_file_and_memory(self):
        assert env.database("sqlite:////var/lib/maillage/db.sqlite3") == {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": "/var/lib/maillage/db.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL;",
            },
        }
        assert env.database("sqlite://")["NAME"] == ":memory:"

    @pytest.mark.parametrize("url", ["mysql://u:p@h/db", "oracle://h/db", "db.sqlite3"])
    def test_unsupported_scheme_is_refused_clearly(self, url):
        with pytest.raises(ImproperlyConfigured, match="DATABASE_URL : schéma non pris en charge"):
            env.database(url)
