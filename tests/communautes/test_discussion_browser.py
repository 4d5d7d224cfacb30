"""A long discussion in a real browser: later replies loaded in place, live replies kept for
the end, old « #reponse-… » links sent to the right page."""

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

from communautes import services
from communautes.factories import AdhesionFactory, PublicationFactory
from communautes.models import Reponse
from communautes.selectors import REPONSES_PAR_PAGE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = Path(os.environ.get("MAILLAGE_CHROMIUM", "/usr/bin/chromium"))


def _reply_live(communaute, publication):
    try:
        return services.reponse_create(
            auteur=AdhesionFactory(communaute=communaute).user,
            publication=publication,
            corps="<p>Arrivée en direct</p>",
        )
    finally:
        connection.close()


def test_later_replies_load_in_place_and_a_live_reply_waits_for_the_end(
    live_url, session_id, communaute, gens
):
    from playwright.sync_api import sync_playwright

    publication = PublicationFactory(communaute=communaute, auteur=gens.membre)
    Reponse.objects.bulk_create(
        Reponse(publication=publication, auteur=gens.autre_membre, corps=f"<p>Avis {n}</p>")
        for n in range(2 * REPONSES_PAR_PAGE + 5)
    )
    attendues = [
        f"reponse-{pk}"
        for pk in publication.reponses.order_by("cree_le", "pk").values_list("pk", flat=True)
    ]
    cookie = session_id(gens.membre)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(locale="fr-FR")
        context.set_default_timeout(20_000)
        context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_url}])
        page = context.new_page()
        page.goto(live_url + publication.get_absolute_url())
        # The page's socket replays what came after its rendering: this reply reaches it.
        # Playwright's loop runs in this thread: the ORM works from another one.
        with ThreadPoolExecutor(1) as thread:
            nouvelle = thread.submit(_reply_live, communaute, publication).result()
        page.wait_for_selector(f"#reponse-{nouvelle.pk}", state="attached")
        cachee = page.is_hidden(f"#reponse-{nouvelle.pk}")
        for derniere in (attendues[2 * REPONSES_PAR_PAGE - 1], attendues[-1]):
            page.click("[data-reponses-suivantes]")
            page.wait_for_selector(f"#{derniere}", state="attached")
        page.wait_for_selector(f"#reponse-{nouvelle.pk}", state="visible")
        ids = page.eval_on_selector_all("ol.reponses > li", "items => items.map(i => i.id)")
        focus = page.evaluate("document.activeElement.id")
        sans_suite = page.query_selector("[data-reponses-suivantes]") is None
        browser.close()
    assert cachee
    assert ids == [*attendues, f"reponse-{nouvelle.pk}"]
    assert focus == attendues[2 * REPONSES_PAR_PAGE]
    assert sans_suite


def test_an_old_reply_link_lands_on_its_page(live_url, session_id, communaute, gens):
    from playwright.sync_api import sync_playwright

    publication = PublicationFactory(communaute=communaute, auteur=gens.membre)
    Reponse.objects.bulk_create(
        Reponse(publication=publication, auteur=gens.autre_membre, corps=f"<p>Avis {n}</p>")
        for n in range(2 * REPONSES_PAR_PAGE)
    )
    derniere = publication.reponses.order_by("cree_le", "pk").last()
    cookie = session_id(gens.membre)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(locale="fr-FR")
        context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_url}])
        page = context.new_page()
        page.goto(f"{live_url}{publication.get_absolute_url()}#reponse-{derniere.pk}")
        page.wait_for_url(f"**?page=2#reponse-{derniere.pk}")
        visible = page.is_visible(f"#reponse-{derniere.pk}")
        browser.close()
    assert visible
