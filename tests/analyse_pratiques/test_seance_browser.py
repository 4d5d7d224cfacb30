"""A séance page in a real browser, served by uvicorn over Redis: badge and question follow live."""

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from analyse_pratiques import services
from analyse_pratiques.factories import SeanceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = Path(os.environ.get("MAILLAGE_CHROMIUM", "/usr/bin/chromium"))
SHOTS = Path(__file__).resolve().parents[1] / "browser" / "shots"


def _ailleurs(service, **kwargs):
    """Run a service in another thread: Playwright's event loop holds this one, and the
    broadcast after commit cannot run inside a running loop."""

    def run():
        try:
            return service(**kwargs)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def test_badge_and_question_follow_the_seance_without_reload(
    live_url, session_id, gens, groupe, monkeypatch
):
    from playwright.sync_api import expect, sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made around it
    # are ordinary synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    seance = SeanceFactory(groupe=groupe)
    services.seance_roles(user=gens.animateur, seance=seance, client=gens.membre)
    seance = services.seance_open(user=gens.animateur, seance=seance)
    url = live_url + reverse("analyse_pratiques:seance", args=[seance.pk])

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": session_id(gens.autre_membre),
                        "url": live_url,
                    }
                ]
            )
            page = context.new_page()
            page.goto(url)
            badge = page.locator("#statut")
            page.evaluate("() => { window.__memePage = true; }")
            expect(badge).to_have_text("En cours")
            # A change made before the stream opens still shows: it starts with the state.
            _ailleurs(services.seance_pause, user=gens.animateur, seance=seance)
            expect(badge).to_have_text("En pause", timeout=10_000)
            _ailleurs(
                services.question_save,
                user=gens.membre,
                seance=seance,
                texte="Comment garder le lien ?\nEt avec qui ?",
            )
            question = page.locator("#question-live")
            expect(question).to_have_text("Comment garder le lien ?Et avec qui ?", timeout=10_000)
            _ailleurs(services.seance_resume, user=gens.animateur, seance=seance)
            expect(badge).to_have_text("En cours", timeout=10_000)
            # Shown without a reload: the page's own state is still there.
            assert page.evaluate("() => window.__memePage === true")
            SHOTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SHOTS / "analyse-pratiques-seance-live.png"), full_page=True)
            _ailleurs(services.seance_end, user=gens.animateur, seance=seance)
            # A change of stage reloads the page, rendered by the server.
            expect(page.locator("#statut")).to_have_text("Terminée", timeout=10_000)
        finally:
            browser.close()
