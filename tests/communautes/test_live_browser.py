"""The live page in a real browser, served by Daphne over the Redis channel layer."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = Path(os.environ.get("MAILLAGE_CHROMIUM", "/usr/bin/chromium"))
SITE = Path(__file__).resolve().parent / "live_site"
CSP_VIOLATION_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def live_url(settings):
    """Daphne serving the test database; the test's writes are committed, so it sees them."""
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql" or not settings.REDIS_URL:
        pytest.skip("ce test a besoin de PostgreSQL et de Redis partagés avec le serveur")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} est introuvable (paquet Debian chromium)")
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SITE), os.environ.get("PYTHONPATH", "")]),
        "DJANGO_SETTINGS_MODULE": "live_settings",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
    }
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "live_asgi:application",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 90
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("Daphne n'a pas démarré")
            time.sleep(0.5)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=20)


def _session(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def test_a_publication_posted_without_javascript_appears_live_on_another_page(
    live_url, communaute, gens
):
    from playwright.sync_api import sync_playwright

    lecteur, auteur = gens.membre, gens.autre_membre
    cookies = {user.pk: _session(user) for user in (lecteur, auteur)}
    page_url = live_url + communaute.get_absolute_url()
    publish_url = live_url + reverse("communautes:publication_create", args=[communaute.slug])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        pages = {}
        csp_messages = []
        for user in (lecteur, auteur):
            context = browser.new_context(locale="fr-FR")
            context.set_default_timeout(20_000)
            context.add_cookies([{"name": "sessionid", "value": cookies[user.pk], "url": live_url}])
            # A script the CSP blocks fails silently: the browser only says so here.
            context.add_init_script(CSP_VIOLATION_RECORDER)
            pages[user.pk] = context.new_page()
            pages[user.pk].on(
                "console",
                lambda message: (
                    csp_messages.append(message.text)
                    if "Content Security Policy" in message.text
                    else None
                ),
            )
        lecture = pages[lecteur.pk]
        lecture.goto(page_url)
        # The presence list fills once the socket is open and subscribed.
        lecture.wait_for_function(
            "name => document.querySelector('[data-live-presence]').textContent.includes(name)",
            arg=lecteur.get_full_name(),
        )
        ecriture = pages[auteur.pk]
        ecriture.goto(publish_url)
        ecriture.fill("input[name=titre]", "Arrivée en direct")
        ecriture.fill("textarea[name=corps]", "<p>Sans <b>rechargement</b></p>")
        ecriture.click("form.form button[type=submit]")
        item = lecture.wait_for_selector("[data-live-insert] li.publication-item--new")
        assert "Arrivée en direct" in item.inner_text()
        assert lecture.url == page_url
        announce = lecture.inner_text("[data-live-status]")
        violations = [page.evaluate("window.__cspViolations") for page in pages.values()]
        browser.close()
    assert announce == "Nouvelle publication : Arrivée en direct"
    assert violations == [[], []]
    assert csp_messages == []
