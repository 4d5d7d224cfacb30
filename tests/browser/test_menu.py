"""The header on a phone: compact, with account tools and navigation behind « Menu »."""

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parent / "shots"


def test_phone_menu_folds_and_unfolds(
    live_server, chromium, home_page, assert_no_serious_a11y_violation
):
    context = chromium.new_context(locale="fr-FR", viewport={"width": 375, "height": 740})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/")
        bouton = page.get_by_role("button", name="Menu")
        nav = page.locator("#navigation-principale")
        assert bouton.is_visible()
        assert not nav.is_visible()
        assert not page.get_by_role("link", name="Se connecter").is_visible()
        hauteur = page.locator(".site-header").bounding_box()["height"]
        assert hauteur < 740 * 0.2, hauteur  # the first screen is for the page
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "menu-telephone-ferme.png"))

        bouton.click()
        assert bouton.get_attribute("aria-expanded") == "true"
        assert nav.is_visible()
        nav.get_by_role("link", name="Communautés", exact=True).click()
        page.wait_for_url("**/communautes/")
        page.get_by_role("button", name="Menu").click()
        page.screenshot(path=str(SHOTS / "menu-telephone-ouvert.png"))
        assert_no_serious_a11y_violation(page, "menu ouvert sur téléphone")
    finally:
        context.close()


def test_wide_screens_show_the_navigation_without_a_menu_button(live_server, page, home_page):
    page.goto(f"{live_server.url}/")
    assert not page.get_by_role("button", name="Menu").is_visible()
    assert page.locator("#navigation-principale").is_visible()
