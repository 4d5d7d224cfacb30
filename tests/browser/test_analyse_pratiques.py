"""A facilitator creates a practice-analysis group by clicking from the main menu."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from analyse_pratiques.models import Groupe
from maillage import roles
from maillage.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parent / "shots"


def _login(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_facilitator_creates_a_group_from_the_menu(
    live_server, browser_context, page, home_page, assert_no_serious_a11y_violation
):
    anne = UserFactory(first_name="Anne", last_name="Lefebvre")
    roles.role_assign(user=anne, role=roles.ANIMATEUR)
    _login(browser_context, live_server, anne)

    page.goto(f"{live_server.url}/")
    page.locator("#navigation-principale").get_by_role("link", name="Analyse de pratiques").click()
    page.get_by_role("link", name="Créer un groupe").click()
    page.get_by_label("Nom du groupe").fill("Codev Marseille")
    page.get_by_label("Méthode").select_option("gease")
    page.get_by_label("Nombre maximal de membres").fill("12")
    page.get_by_label("Description").fill("Conseillers des Bouches-du-Rhône")
    assert "Confidentialité" in page.get_by_label("Charte du groupe").input_value()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "analyse-pratiques-creer-groupe.png"), full_page=True)
    assert_no_serious_a11y_violation(page, "créer un groupe")
    page.get_by_role("button", name="Créer le groupe").click()

    page.wait_for_url("**/animation/")
    assert "Le groupe est créé" in page.locator("main").inner_text()
    page.screenshot(path=str(SHOTS / "analyse-pratiques-groupe-cree.png"), full_page=True)
    groupe = Groupe.objects.get()
    assert (groupe.nom, groupe.methode, groupe.taille_max, groupe.animateur_id) == (
        "Codev Marseille",
        "gease",
        12,
        anne.pk,
    )
