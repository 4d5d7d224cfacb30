"""Shared fixtures: real-service checks, isolated cache and index names, users, reference data."""

import contextlib
import copy
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.data import home_page_ensure, reference_data

SERVICE_VARIABLES = ("DATABASE_URL", "REDIS_URL", "OPENSEARCH_URL")
RUN_ID = uuid.uuid4().hex[:8]


def services_required() -> bool:
    """In CI (and in `make test`) a missing service is an error, never a silent skip."""
    ci = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
    return ci or os.environ.get("MAILLAGE_REQUIRE_SERVICES", "").strip() == "1"


def _probe_database(url: str) -> None:
    import psycopg

    with psycopg.connect(url, connect_timeout=3) as connection:
        connection.execute("SELECT 1")


def _probe_redis(url: str) -> None:
    import redis

    with redis.Redis.from_url(url, socket_timeout=3, socket_connect_timeout=3) as client:
        client.ping()


def _probe_opensearch(url: str) -> None:
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"URL non HTTP : {url!r}")
    with urllib.request.urlopen(url.rstrip("/") + "/_cluster/health", timeout=5) as response:  # noqa: S310
        body = response.read().decode()
    if '"status":"red"' in body.replace(" ", ""):
        raise RuntimeError(f"cluster rouge : {body}")


_PROBES = {
    "DATABASE_URL": _probe_database,
    "REDIS_URL": _probe_redis,
    "OPENSEARCH_URL": _probe_opensearch,
}


def pytest_report_header(config):
    state = {name: ("défini" if os.environ.get(name) else "absent") for name in SERVICE_VARIABLES}
    mode = "obligatoires" if services_required() else "facultatifs"
    return f"maillage services ({mode}): " + ", ".join(f"{k}={v}" for k, v in state.items())


def pytest_sessionstart(session):
    """Every configured service must answer; in CI mode every service must be configured."""
    problems = []
    for name in SERVICE_VARIABLES:
        url = os.environ.get(name, "")
        if not url:
            if services_required():
                problems.append(f"{name} n'est pas défini (CI=true ou MAILLAGE_REQUIRE_SERVICES=1)")
            continue
        try:
            _PROBES[name](url)
        except Exception as exc:  # whatever the failure, the service is unusable
            problems.append(f"{name}={url} ne répond pas : {type(exc).__name__}: {exc}")
    if problems:
        pytest.exit(
            "Services requis indisponibles :\n  - " + "\n  - ".join(problems),
            returncode=pytest.ExitCode.USAGE_ERROR,
        )


def pytest_collection_modifyitems(config, items):
    if os.environ.get("OPENSEARCH_URL"):
        return
    skip = pytest.mark.skip(reason="OPENSEARCH_URL n'est pas défini : pas de nœud OpenSearch")
    for item in items:
        if item.get_closest_marker("opensearch"):
            item.add_marker(skip)


def _require(name: str) -> str:
    url = os.environ.get(name, "")
    if not url:
        pytest.skip(f"{name} n'est pas défini : ce test a besoin du vrai service")
    return url


@pytest.fixture(scope="session")
def strict_services() -> bool:
    """True in CI mode, where a missing service or tool fails instead of skipping."""
    return services_required()


@pytest.fixture
def postgres_url() -> str:
    """The PostgreSQL URL, or a skip (local runs only: CI mode refuses to start without it)."""
    return _require("DATABASE_URL")


@pytest.fixture
def redis_url() -> str:
    """The Redis URL, or a skip (local runs only: CI mode refuses to start without it)."""
    return _require("REDIS_URL")


@pytest.fixture
def opensearch_url() -> str:
    """The OpenSearch URL, or a skip (local runs only: CI mode refuses to start without it)."""
    return _require("OPENSEARCH_URL")


@pytest.fixture(scope="session", autouse=True)
def _search_index_prefix():
    """This run writes to indices of its own, deleted at the end of the session."""
    from django.conf import settings
    from django.test import override_settings

    if not settings.OPENSEARCH_URL:
        yield None
        return
    prefix = f"{settings.SEARCH_INDEX_PREFIX}_{RUN_ID}"
    backends = copy.deepcopy(settings.WAGTAILSEARCH_BACKENDS)
    backends["default"]["INDEX_PREFIX"] = f"{prefix}_"
    with override_settings(SEARCH_INDEX_PREFIX=prefix, WAGTAILSEARCH_BACKENDS=backends):
        yield prefix
    from opensearchpy import OpenSearch

    client = OpenSearch([settings.OPENSEARCH_URL], timeout=10)
    for index in client.indices.get(index=f"{prefix}*", ignore_unavailable=True):
        client.indices.delete(index=index, ignore_unavailable=True)
    client.close()


@pytest.fixture
def opensearch_index(settings):
    """Fresh search indexes for this test, every one rebuilt as `search_index rebuild` does
    (the unified index's alias is returned), then deleted, so that no other test meets
    them: the catalogue reads its sessions index whenever one exists."""
    from opensearchpy import OpenSearch

    from recherche import opensearch, registry, sync

    if not settings.OPENSEARCH_URL:
        pytest.skip("OPENSEARCH_URL n'est pas défini")
    # Read now: a test may point OPENSEARCH_URL elsewhere to simulate an outage.
    url = settings.OPENSEARCH_URL
    patterns = [opensearch.index_pattern(name) for name in registry.index_names()]
    sync.rebuild()
    yield opensearch.alias_name()
    client = OpenSearch([url], timeout=30)
    for pattern in patterns:
        client.indices.delete(index=pattern, ignore_unavailable=True, allow_no_indices=True)
    client.close()


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """An empty cache per test (rate limits, used TOTP codes), without flushing shared Redis."""
    caches = copy.deepcopy(settings.CACHES)
    prefix = f"maillage_test_{RUN_ID}_{uuid.uuid4().hex[:8]}"
    caches["default"]["KEY_PREFIX"] = prefix
    settings.CACHES = caches
    # Read now: a test may point REDIS_URL elsewhere to simulate an outage.
    redis_url = settings.REDIS_URL
    yield
    if redis_url:
        import redis

        with redis.Redis.from_url(redis_url) as client:
            keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
            if keys:
                client.delete(*keys)
    else:
        from django.core.cache import cache

        cache.clear()


@pytest.fixture
def referentiel(db):
    """One region, one département, two real communes, two networks and a theme."""
    return reference_data()


@pytest.fixture
def password() -> str:
    """The password of every account made by the user factory."""
    from maillage.factories import TEST_PASSWORD

    return TEST_PASSWORD


@pytest.fixture
def verified_user(referentiel):
    """A member with a verified e-mail address and a profile attached to a structure."""
    from maillage.factories import ProfilFactory, StructureFactory, UserFactory

    user = UserFactory(
        username="camille.martin",
        email="camille.martin@exemple.fr",
        first_name="Camille",
        last_name="Martin",
    )
    ProfilFactory(
        user=user,
        structure=StructureFactory(
            nom="Mission locale de Lyon", reseau=referentiel.reseau, commune=referentiel.commune
        ),
    )
    return user


@pytest.fixture
def member_client(client, verified_user):
    client.force_login(verified_user)
    return client


def _staff(username: str):
    from django.contrib.auth.models import Permission

    from maillage.factories import UserFactory

    user = UserFactory(username=username, is_staff=True, first_name="Alex", last_name="Admin")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    return user


@pytest.fixture
def staff_user(db):
    """A staff account that has not set up two-factor authentication yet."""
    return _staff("staff.sans.totp")


@pytest.fixture
def staff_user_totp(db):
    """A staff account with an active TOTP authenticator; its secret is on `.totp_secret`."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = _staff("staff.totp")
    user.totp_secret = generate_totp_secret()
    TOTP.activate(user, user.totp_secret)
    return user


@pytest.fixture
def totp_code():
    """The code an authenticator app shows now for a secret."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    def code(secret: str) -> str:
        return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))

    return code


@pytest.fixture
def mfa_login():
    """Log a client in as allauth leaves a session after password and TOTP code.

    Admin screens require that the session passed the second factor; `force_login` alone
    records no authentication step. The user must have an active TOTP authenticator.
    """
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator
    from django.test import RequestFactory

    def login(client, user):
        authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
        client.force_login(user)
        request = RequestFactory().get("/")
        request.session = client.session
        record_authentication(request, user, "password", email=user.email)
        record_authentication(request, user, "mfa", id=authenticator.pk, type="totp")
        request.session.save()
        return client

    return login


@pytest.fixture
def home_page(db):
    """The site's home page (made by a data migration; rebuilt after a transactional flush)."""
    return home_page_ensure()


LIVE_SITE = Path(__file__).resolve().parent / "live_site"
CHROMIUM = Path(os.environ.get("MAILLAGE_CHROMIUM", "/usr/bin/chromium"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def live_site_env() -> dict:
    """Extra environment of the live server (the journeys share files and e-mails with it)."""
    return {}


def _live_services_problem() -> str | None:
    from django.conf import settings
    from django.db import connection

    if connection.settings_dict["ENGINE"] != "django.db.backends.postgresql" or not (
        settings.REDIS_URL
    ):
        return "ce test a besoin de PostgreSQL et de Redis partagés avec le serveur"
    return None


@contextlib.contextmanager
def _asgi_server(extra_env: dict) -> Iterator[str]:
    """uvicorn, as the Dockerfile runs it, serving the site (pages and sockets) on the test's
    database, search indices, cache keys and channel layer, until the block ends; yields its
    base URL."""
    from django.conf import settings
    from django.db import connection

    db = connection.settings_dict
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(LIVE_SITE), os.environ.get("PYTHONPATH", "")]),
        "DJANGO_SETTINGS_MODULE": "live_settings",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "SEARCH_INDEX_PREFIX": settings.SEARCH_INDEX_PREFIX,
        "MAILLAGE_LIVE_CACHE_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", ""),
        # Links the server writes (e-mails, calendars) point at the site it serves.
        "SITE_URL": f"http://127.0.0.1:{port}",
        **extra_env,
    }
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port)]
        + ["--lifespan", "off", "--log-level", "warning", "--timeout-graceful-shutdown", "5"]
        + ["live_asgi:application"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("Le serveur ASGI n'a pas démarré")
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture
def live_site(strict_services):
    """Starts ASGI server processes on the test's services: `with live_site() as url:`; the test's
    writes must be committed (`transaction=True`) for the server to see them."""
    problem = _live_services_problem()
    if problem:
        if strict_services:
            pytest.fail(problem)
        pytest.skip(problem)
    return lambda extra_env=None: _asgi_server(extra_env or {})


@pytest.fixture
def live_url(strict_services, live_site, live_site_env):
    """The ASGI server serving the site for browser tests that need the live streams; the test's
    writes are committed, so it sees them. It uses the test's search indices and cache keys."""
    if not CHROMIUM.exists():
        problem = f"{CHROMIUM} est introuvable (paquet Debian chromium)"
        if strict_services:
            pytest.fail(problem)
        pytest.skip(problem)
    with live_site(live_site_env) as url:
        yield url


@pytest.fixture
def session_id():
    """The session cookie value of a user logged in by the test client."""
    from django.conf import settings
    from django.test import Client

    def value(user) -> str:
        client = Client()
        client.force_login(user)
        return client.cookies[settings.SESSION_COOKIE_NAME].value

    return value


@pytest.fixture
async def ws():
    """Websocket streams through the site's real ASGI stack (see tests/websocket.py):
    `stream, connected, code = await ws.open(path, user)`. Every stream opened is
    disconnected when the test ends, refused ones included."""
    from tests.websocket import Streams

    streams = Streams()
    yield streams
    await streams.close_all()


# Browser fixtures: the system Chromium driven by Playwright, and axe-core for accessibility.
AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BLOCKING_IMPACTS = ("serious", "critical")


def _require_file(path: Path, hint: str, strict: bool) -> None:
    """Fail in CI mode, skip locally; never download a browser or a package from here."""
    if path.exists():
        return
    message = f"{path} est introuvable ({hint})"
    if strict:
        pytest.fail(message)
    pytest.skip(message)


# Module scope: Playwright's sync API keeps an event loop running in this thread until it
# stops, and the asyncio tests that run after the browser tests need the thread free again.
@pytest.fixture(scope="module")
def chromium(strict_services):
    _require_file(CHROMIUM, "installez le paquet Debian chromium", strict_services)
    # Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
    # make around it are ordinary synchronous calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_context(chromium):
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(browser_context):
    return browser_context.new_page()


@pytest.fixture(scope="session")
def axe_source(strict_services) -> str:
    _require_file(AXE, "lancez `npm install` à la racine du dépôt", strict_services)
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def assert_no_serious_a11y_violation(axe_source):
    """Run axe-core on the current page; fail on any serious or critical violation."""

    def check(page, label: str) -> list:
        # Evaluated through the DevTools protocol: the site's CSP forbids an inline <script>.
        page.evaluate("() => {\n" + axe_source + "\n}")
        results = page.evaluate("async () => await axe.run(document)")
        assert results["passes"], f"axe-core n'a rien vérifié sur {page.url}"
        blocking = [v for v in results["violations"] if v.get("impact") in BLOCKING_IMPACTS]
        report = "\n".join(
            f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})\n"
            + "\n".join(f"    {node['target']}: {node['failureSummary']}" for node in v["nodes"])
            for v in blocking
        )
        assert not blocking, f"axe-core, page « {label} » ({page.url}) :\n{report}"
        return results["violations"]

    return check
