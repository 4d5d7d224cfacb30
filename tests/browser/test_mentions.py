"""@mentions in a real browser: suggestions while typing, chosen from the keyboard, then posted."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from communautes.factories import (
    AdhesionFactory,
    AnimateurFactory,
    CommunauteFactory,
    PublicationFactory,
)
from communautes.models import Notification
from maillage.factories import ProfilFactory, StructureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parent / "shots"
CSP_VIOLATION_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def _member(communaute, prenom, nom, structure=None, factory=AdhesionFactory):
    user = factory(communaute=communaute).user
    user.first_name, user.last_name = prenom, nom
    user.save()
    if structure:
        ProfilFactory(user=user, structure=StructureFactory(nom=structure))
    return user


def _session_cookie(live_server, user) -> dict:
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }


def test_pick_a_suggested_member_with_the_keyboard_then_reply(
    live_server, browser_context, assert_no_serious_a11y_violation
):
    communaute = CommunauteFactory(nom="Accueil des jeunes", slug="accueil-des-jeunes")
    auteur = _member(communaute, "Paul", "Animateur", factory=AnimateurFactory)
    _member(communaute, "Clarisse", "Bernard", "CIO de Pessac")
    claire = _member(communaute, "Claire", "Martin", "Mission locale de Bègles")
    lecteur = _member(communaute, "Yves", "Durand")
    publication = PublicationFactory(communaute=communaute, auteur=auteur, titre="Premier accueil")
    browser_context.add_init_script(CSP_VIOLATION_RECORDER)
    browser_context.add_cookies([_session_cookie(live_server, lecteur)])
    page = browser_context.new_page()
    page.goto(live_server.url + publication.get_absolute_url())

    corps = page.get_by_label("Votre réponse")
    corps.click()
    corps.press_sequentially("Merci @Cla")
    listbox = page.get_by_role("listbox", name="Membres à mentionner")
    listbox.wait_for()
    options = listbox.get_by_role("option")
    assert options.count() == 2
    assert options.nth(0).inner_text().split() == [
        "Claire",
        "Martin",
        "Mission",
        "locale",
        "de",
        "Bègles",
    ]
    assert options.nth(1).get_attribute("aria-selected") == "false"
    assert corps.get_attribute("aria-activedescendant") == options.nth(0).get_attribute("id")
    corps.press("ArrowDown")
    assert corps.get_attribute("aria-activedescendant") == options.nth(1).get_attribute("id")
    corps.press("ArrowUp")
    assert options.nth(0).get_attribute("aria-selected") == "true"
    assert (
        "Membres suggérés : 2."
        in page.get_by_role("status").filter(has_text="suggérés").inner_text()
    )
    SHOTS.mkdir(exist_ok=True)
    page.locator("form[data-mentions]").screenshot(path=str(SHOTS / "mentions-suggestions.png"))
    assert_no_serious_a11y_violation(page, "réponse, suggestions de mention")
    corps.press("Enter")
    assert listbox.is_hidden()
    assert corps.input_value() == "Merci @Claire Martin "
    corps.press_sequentially("pour la fiche.")
    # Escape closes a list without touching the text.
    corps.press_sequentially(" @Pa")
    listbox.wait_for()
    corps.press("Escape")
    assert listbox.is_hidden()
    assert corps.input_value() == "Merci @Claire Martin pour la fiche. @Pa"
    corps.fill("Merci @Claire Martin pour la fiche.")
    page.get_by_role("button", name="Publier ma réponse").click()

    lien = page.locator(".reponse__corps a", has_text="@Claire Martin")
    lien.wait_for()
    assert lien.get_attribute("href") == (
        f"/communautes/{communaute.slug}/membres/#membre-{claire.pk}"
    )
    assert page.evaluate("window.__cspViolations") == []
    notification = Notification.objects.get(destinataire=claire)
    assert notification.nature == Notification.Nature.MENTION
    assert notification.acteur_id == lecteur.pk
    assert notification.lien.startswith(publication.get_absolute_url() + "reponses/")


def test_on_a_phone_a_suggestion_is_chosen_with_a_tap(live_server, chromium):
    communaute = CommunauteFactory()
    _member(communaute, "Émilie", "Lefèvre", "Cap emploi Gironde")
    lecteur = _member(communaute, "Yves", "Durand")
    context = chromium.new_context(
        locale="fr-FR", viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    context.add_cookies([_session_cookie(live_server, lecteur)])
    page = context.new_page()
    page.goto(live_server.url + reverse("communautes:publication_create", args=[communaute.slug]))
    corps = page.get_by_label("Message")
    corps.tap()
    corps.press_sequentially("Bonjour @emi")
    option = page.get_by_role("option", name="Émilie Lefèvre Cap emploi Gironde")
    option.wait_for()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "mentions-telephone.png"))
    option.tap()
    assert corps.input_value() == "Bonjour @Émilie Lefèvre "
    assert page.get_by_role("listbox").is_hidden()
    context.close()
