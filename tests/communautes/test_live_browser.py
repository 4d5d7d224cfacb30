"""The live page in a real browser, served by uvicorn over the Redis channel layer."""

import os
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = Path(os.environ.get("MAILLAGE_CHROMIUM", "/usr/bin/chromium"))
CSP_VIOLATION_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def test_a_publication_posted_without_javascript_appears_live_on_another_page(
    live_url, session_id, communaute, gens
):
    from playwright.sync_api import sync_playwright

    lecteur, auteur = gens.membre, gens.autre_membre
    cookies = {user.pk: session_id(user) for user in (lecteur, auteur)}
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


def test_a_reply_arrives_live_with_its_date_reactions_and_report_link(
    live_url, session_id, communaute, gens
):
    from playwright.sync_api import sync_playwright

    from communautes.factories import PublicationFactory

    lecteur, auteur = gens.membre, gens.autre_membre
    publication = PublicationFactory(communaute=communaute, auteur=lecteur, titre="Une question")
    cookies = {user.pk: session_id(user) for user in (lecteur, auteur)}
    page_url = live_url + publication.get_absolute_url()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        pages = {}
        for user in (lecteur, auteur):
            context = browser.new_context(locale="fr-FR")
            context.set_default_timeout(20_000)
            context.add_cookies([{"name": "sessionid", "value": cookies[user.pk], "url": live_url}])
            context.add_init_script(CSP_VIOLATION_RECORDER)
            pages[user.pk] = context.new_page()
        lecture = pages[lecteur.pk]
        # The page resumes from the event it was rendered at: a reply posted before its
        # socket opens still arrives, replayed from the log.
        lecture.goto(page_url)
        ecriture = pages[auteur.pk]
        ecriture.goto(page_url)
        ecriture.fill("textarea[name=corps]", "Le livret de suivi.")
        ecriture.locator("textarea[name=corps]").locator("xpath=ancestor::form").locator(
            "button[type=submit]"
        ).click()
        item = lecture.wait_for_selector("ol.reponses li.reponse--new")
        reponse_id = item.get_attribute("id").removeprefix("reponse-")
        meta = item.query_selector(".reponse__meta").inner_text()
        date = item.query_selector("time").get_attribute("datetime")
        reactions = item.query_selector(f'[data-live-reactions="r{reponse_id}"]')
        bouton = item.query_selector("button[name=cible]").get_attribute("value")
        signaler = item.query_selector(".reponse__actions a").get_attribute("href")
        titre_reponses = lecture.locator("#reponses").inner_text()
        # Reacting from the inserted reply works like from a reloaded page.
        item.query_selector("button[name=cible]").click()
        lecture.wait_for_load_state()
        apres = lecture.locator(f"#reponse-{reponse_id} [data-live-reactions]").inner_text()
        violations = [page.evaluate("window.__cspViolations") for page in pages.values()]
        browser.close()
    assert auteur.get_full_name() in meta
    assert str(timezone.localdate().year) in meta
    assert date
    assert reactions is not None
    assert bouton == f"{reponse_id}:utile"
    assert signaler.endswith(f"?reponse={reponse_id}")
    assert "1" in apres
    # The heading counts the reply that arrived (it said « 0 réponse »).
    assert titre_reponses == "1 réponse"
    assert violations == [[], []]
