"""Journey: a regional editor sets a session to « mixité », a counsellor is told why they wait."""

import datetime
import re
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.utils import timezone

from formations import selectors, services
from formations.models import Inscription, Session
from maillage.demo.comptes import DEMO_PASSWORD
from maillage.models import Profil, Structure

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

EDITEUR = "julien.moreau@maillage.localhost"
CONSEILLERE = "claire.martin@maillage.localhost"


def off_the_test_thread(work):
    """Run ORM work beside Playwright's event loop, which owns the test thread."""
    result, errors = [], []

    def run():
        try:
            result.append(work())
        except BaseException as error:  # noqa: BLE001 - re-raised below
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]


def a_session_of_the_editors_region() -> Session:
    """An open session Julien may edit, moved to be the catalogue's first (soonest) one."""
    editeur = get_user_model().objects.get(email=EDITEUR)
    session = (
        selectors.session_list_editable(user=editeur)
        .filter(etat=Session.Etat.OUVERTE, formation__live=True)
        .order_by("pk")
        .first()
    )
    demain = timezone.localdate() + datetime.timedelta(days=1)
    Session.objects.filter(pk=session.pk).update(
        date_debut=demain,
        date_fin=demain,
        capacite=10,
        inscriptions_ouverture=None,
        inscriptions_cloture=None,
    )
    session.inscriptions.all().delete()
    return Session.objects.select_related("formation").get(pk=session.pk)


def fill_the_cap_of_claires_network(session: Session) -> int:
    """Setup, through the services: counsellors of Claire's network (France Travail) take the
    four places (40 % of 10) that network may hold."""
    claire = get_user_model().objects.get(email=CONSEILLERE)
    structure = Structure.objects.get(membres__user=claire)
    session.refresh_from_db()
    for numero in range(session.places_par_reseau):
        collegue = get_user_model().objects.create_user(
            username=f"collegue-ft-{numero}", email=f"collegue-ft-{numero}@exemple.fr"
        )
        Profil.objects.create(user=collegue, structure=structure)
        services.inscription_create(session=session, user=collegue)
    return session.places_par_reseau


def test_an_editor_sets_mixite_and_a_counsellor_learns_why_she_waits(journey, totp_code):
    session = off_the_test_thread(a_session_of_the_editors_region)

    # The regional editor opens the admin from the dashboard; the first time, the admin asks
    # for two-factor authentication, set up with the secret the page shows.
    editeur = journey("editeur_mixite")
    editeur.start()
    editeur.log_in(EDITEUR, DEMO_PASSWORD)
    editeur.follow("Ouvrir l'administration", "confirmer l'accès")
    if editeur.page.locator("[name=password]").count():
        editeur.page.fill("[name=password]", DEMO_PASSWORD)
        editeur.submit("activation double authentification", name="Confirmer")
    secret = editeur.page.locator("#authenticator_secret").input_value()
    editeur.page.get_by_label(re.compile("code", re.IGNORECASE)).fill(totp_code(secret))
    editeur.submit("double authentification activée")
    editeur.follow("Mon tableau de bord", "tableau de bord")
    editeur.follow("Ouvrir l'administration", "administration ou code")
    if "/admin/" not in editeur.page.url:
        # The admin asks for a code once more; allauth refuses the one just used, so wait
        # for the authenticator's next one.
        utilise = totp_code(secret)
        while totp_code(secret) == utilise:
            time.sleep(1)
        editeur.page.get_by_label(re.compile("code", re.IGNORECASE)).fill(totp_code(secret))
        editeur.submit("administration")
    editeur.follow(re.compile("^Sessions$"), "sessions de la région", within="nav")
    editeur.page.locator(f'a[href$="/edit/{session.pk}/"]').first.click()
    editeur.step("session à modifier")
    editeur.page.get_by_label("Mixité des réseaux").check()
    editeur.page.get_by_role(
        "spinbutton", name=re.compile("part maximale des places", re.IGNORECASE)
    ).fill("40")
    editeur.page.get_by_role("button", name=re.compile("^Enregistrer")).first.click()
    # Back on the list; not put through axe: Wagtail's own success banner (white on
    # #489e84) fails the colour contrast rule, which is Wagtail's styling, not this form's.
    editeur.page.wait_for_url(re.compile(r"/admin/sessions_formation/$"))

    enregistree = off_the_test_thread(lambda: Session.objects.get(pk=session.pk))
    assert (enregistree.politique, enregistree.part_max_reseau) == (Session.Politique.MIXITE, 40)

    # Setup (not a browser step): four France Travail colleagues already hold their share.
    assert off_the_test_thread(lambda: fill_the_cap_of_claires_network(session)) == 4

    conseillere = journey("conseillere_mixite")
    conseillere.start()
    conseillere.log_in(CONSEILLERE, DEMO_PASSWORD)
    conseillere.follow("Formations", "catalogue", within="header")
    carte = conseillere.page.locator("article.session").filter(
        has=conseillere.page.get_by_role("link", name=session.formation.title, exact=True)
    )
    carte.first.get_by_role("button", name="M'inscrire").click()
    conseillere.step("inscription sur liste d'attente")

    texte = conseillere.page.locator("main").inner_text()
    assert "Sur liste d'attente" in texte
    assert "pour garantir la diversité des réseaux" in texte
    inscription = off_the_test_thread(
        lambda: Inscription.objects.get(session=session, user__email=CONSEILLERE)
    )
    assert (inscription.etat, inscription.motif_attente) == (
        Inscription.Etat.LISTE_ATTENTE,
        Inscription.MotifAttente.MIXITE,
    )
    courriel = conseillere.email_text(conseillere.latest_email(CONSEILLERE))
    assert "pour garantir la diversité des réseaux" in courriel
    assert "40 % des places (4 sur 10)" in courriel
