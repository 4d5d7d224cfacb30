"""Territories of action: boxes grouped by région, filtered as one types, no Ctrl-click."""

from pathlib import Path

import pytest

from maillage.factories import TerritoireFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parent / "shots"


@pytest.fixture
def territoires(referentiel):
    aquitaine = TerritoireFactory(code="75", nom="Nouvelle-Aquitaine")
    gironde = TerritoireFactory(departement=True, code="33", nom="Gironde", parent=aquitaine)
    TerritoireFactory(departement=True, code="40", nom="Landes", parent=aquitaine)
    return referentiel, gironde


def test_filter_then_tick_two_territories(
    live_server, page, home_page, territoires, assert_no_serious_a11y_violation
):
    referentiel, gironde = territoires
    user = UserFactory()
    page.context.add_cookies([_session_cookie(live_server, user)])
    page.goto(f"{live_server.url}/profil/")
    filtre = page.get_by_label("Filtrer la liste")
    filtre.fill("gir")
    assert page.get_by_label("Gironde (33)").is_visible()
    assert not page.get_by_label("Landes (40)").is_visible()
    assert not page.get_by_label("Rhône (69)").is_visible()
    page.get_by_label("Gironde (33)").check()
    filtre.fill("rhone")
    page.get_by_label("Rhône (69)").check()
    assert page.get_by_label("Gironde (33)").is_visible()  # ticked boxes stay in sight
    SHOTS.mkdir(exist_ok=True)
    page.locator("div.choix-longs").screenshot(path=str(SHOTS / "profil-territoires-filtre.png"))
    filtre.fill("")
    assert page.get_by_label("Landes (40)").is_visible()
    assert_no_serious_a11y_violation(page, "profil, territoires")
    page.fill("[name=first_name]", "Nadia")
    page.fill("[name=last_name]", "Benali")
    page.get_by_role("button", name="Enregistrer mon profil").click()
    page.wait_for_url("**/tableau-de-bord/")
    assert set(user.profil.territoires.values_list("pk", flat=True)) == {
        gironde.pk,
        referentiel.departement.pk,
    }


def _session_cookie(live_server, user) -> dict:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }
