"""A newcomer's journey in a real browser, with axe-core run on every page it visits."""

import re

import pytest
from django.core import mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Parcours-navigateur-2025"
CONFIRM_LINK = re.compile(r"https?://\S+/comptes/confirm-email/\S+/")


def submit(page) -> None:
    """Submit the page's main form (the header also holds a logout form)."""
    page.locator("main form button[type=submit]").first.click()


def test_sign_up_verify_and_reach_the_dashboard(
    live_server, page, browser_context, home_page, referentiel, assert_no_serious_a11y_violation
):
    page.goto(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert_no_serious_a11y_violation(page, "accueil")

    page.locator('main a[href="/comptes/signup/"]').first.click()
    page.wait_for_url("**/comptes/signup/")
    assert_no_serious_a11y_violation(page, "inscription")

    page.fill("[name=email]", "dominique.durand@exemple.fr")
    page.fill("[name=first_name]", "Dominique")
    page.fill("[name=last_name]", "Durand")
    page.fill("[name=fonction]", "Conseiller en insertion")
    page.fill("[name=structure_nom]", "Mission locale de Lyon")
    page.select_option("[name=reseau]", str(referentiel.reseau.pk))
    page.fill("[name=siret]", "73282932000074")
    page.fill("[name=commune]", referentiel.commune.code_insee)
    page.fill("[name=password1]", PASSWORD)
    page.fill("[name=password2]", PASSWORD)
    submit(page)
    page.wait_for_url("**/comptes/confirm-email/")

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["dominique.durand@exemple.fr"]
    link = CONFIRM_LINK.search(mail.outbox[0].body)
    assert link, mail.outbox[0].body
    page.goto(link.group(0))
    submit(page)
    page.wait_for_url("**/tableau-de-bord/")
    assert "Dominique" in page.locator("main h1").inner_text()
    assert_no_serious_a11y_violation(page, "tableau de bord")

    # A second visit, in a fresh browser session, goes through the login page.
    other = browser_context.browser.new_context(locale="fr-FR")
    try:
        login_page = other.new_page()
        login_page.goto(f"{live_server.url}/comptes/login/")
        assert_no_serious_a11y_violation(login_page, "connexion")
        login_page.fill("[name=login]", "dominique.durand@exemple.fr")
        login_page.fill("[name=password]", PASSWORD)
        submit(login_page)
        login_page.wait_for_url("**/tableau-de-bord/")
        assert "Dominique" in login_page.locator("main h1").inner_text()
    finally:
        other.close()
