"""The administrator's journey: second factor, the admin reached from the header, a regional
editor named through the admin, a member's account deletion request processed, the search
index's pending changes."""

import re
import time

import pytest
from django.contrib.auth import get_user_model

from formations.models import RegionPage
from maillage.demo.comptes import ADMIN_EMAIL, DEMO_PASSWORD
from maillage.models import DemandeSuppression

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

MEMBRE = "mehdi.bouzid@maillage.localhost"
FUTURE_EDITRICE = "claire.martin@maillage.localhost"
REGION = "Auvergne-Rhône-Alpes"
GROUPE = f"Éditeurs — {REGION}"
TOTP_PERIOD = 30


def next_code(totp_code, secret: str, used: set[int]) -> str:
    """A code of a period not used yet: allauth refuses a code given twice."""
    while int(time.time()) // TOTP_PERIOD in used:
        time.sleep(1)
    used.add(int(time.time()) // TOTP_PERIOD)
    return totp_code(secret)


def settle(page) -> None:
    """Wagtail's messages fade in: contrast is judged once transitions are over."""
    page.evaluate("() => Promise.all(document.getAnimations().map(a => a.finished))")


def open_settings_item(j, name: str, label: str) -> None:
    """Wagtail's sidebar: « Paramètres », then the item."""
    j.click("Paramètres", role="button")
    j.follow(name, label)


def test_administrateur(journey, totp_code):
    User = get_user_model()
    codes_used: set[int] = set()

    # A member asks for their account to be deleted, from their profile.
    membre = journey("membre-rgpd")
    membre.start()
    membre.log_in(MEMBRE, DEMO_PASSWORD, "tableau de bord")
    # The admin's link is for staff only.
    assert membre.page.locator("header").get_by_role("link", name="Administration").count() == 0
    membre.follow("Mon profil", "profil", within="header")
    membre.follow("En savoir plus sur mes données", "mes données")
    membre.follow("Supprimer mon compte…", "supprimer mon compte")
    membre.page.get_by_label("Votre mot de passe, pour confirmer").fill(DEMO_PASSWORD)
    membre.submit("suppression programmée", name="Confirmer la suppression de mon compte")
    assert DemandeSuppression.objects.filter(user__email=MEMBRE).exists()

    j = journey("administrateur")
    page = j.page
    j.start()
    # Staff set up their second factor before anything else.
    j.log_in(ADMIN_EMAIL, DEMO_PASSWORD, "confirmer le mot de passe")
    assert "La double authentification est obligatoire" in page.content()
    page.fill("[name=password]", DEMO_PASSWORD)
    j.submit("activer la double authentification")
    secret = page.input_value("#authenticator_secret")
    page.fill("[name=code]", next_code(totp_code, secret, codes_used))
    j.submit("codes de récupération", name="Activer")
    j.follow("Administration", "code de l'administration", within="header")
    page.fill("[name=code]", next_code(totp_code, secret, codes_used))
    j.submit("administration")
    assert page.url.endswith("/admin/")

    # Roles: Claire Martin becomes a regional editor of Auvergne-Rhône-Alpes.
    open_settings_item(j, "Utilisateurs", "utilisateurs")
    j.follow(re.compile("Claire Martin"), "compte de Claire Martin", within="main")
    j.click("Rôles", role="tab")
    page.get_by_label(GROUPE, exact=True).check()
    j.click("Enregistrer", role="button")
    page.wait_for_load_state("load")
    settle(page)
    j.step("rôles enregistrés")
    claire = User.objects.get(email=FUTURE_EDITRICE)
    assert claire.groups.filter(name=GROUPE).exists()
    region = RegionPage.objects.get(title=REGION)
    assert region.permissions_for_user(claire).can_edit()
    assert region.permissions_for_user(claire).can_publish()
    autre = RegionPage.objects.exclude(pk=region.pk).first()
    assert not autre.permissions_for_user(claire).can_edit()

    # The deletion request: listed, opened, carried out now.
    open_settings_item(j, "Données personnelles", "données personnelles")
    assert MEMBRE in page.locator("main").inner_text()
    j.follow(MEMBRE, "compte à supprimer", within="main")
    page.once("dialog", lambda dialog: dialog.accept())
    j.click("Supprimer maintenant", role="button")
    page.wait_for_load_state("load")
    settle(page)
    j.step("données effacées")
    assert "Les données personnelles du compte sont effacées." in page.content()
    assert not User.objects.filter(email=MEMBRE).exists()

    # The search index: what is waiting to reach OpenSearch, and what failed.
    open_settings_item(j, "Index de recherche", "index de recherche")
    assert page.get_by_role("heading", name=re.compile("Index de recherche")).first.is_visible()
    outbox = page.locator("main").inner_text()
    assert "en attente" in outbox and "en échec" in outbox
