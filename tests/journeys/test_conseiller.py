"""The counsellor's journeys on a fresh demo install, walked in Chromium by clicking only."""

import datetime
import io
import json
import re
import zipfile

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "ines.garnier@exemple.fr"
PASSWORD = "Ve1lleurbanne-2026!"  # noqa: S105 - an account made by the test
STRUCTURE = "Mission locale de Villeurbanne"
COLLEGUE = "claire.martin@maillage.localhost"
DEMO_PASSWORD = "maillage-demo"  # noqa: S105 - the demo's published password
# The demo's session in Lyon, three weeks ahead, about 5 km from Villeurbanne.
FORMATION = "Accueillir et analyser la demande des publics éloignés de l'emploi"


def _session_card(page):
    return page.locator("article.session").filter(has_text=FORMATION).first


def _find_the_session_near_me(journey) -> None:
    """From the main menu to the catalogue, filtered to sessions near the member's structure."""
    page = journey.page
    journey.follow("Formations", "catalogue", within="#navigation-principale", exact=True)
    page.get_by_label("Près de chez moi").select_option(label="à moins de 30 km")
    page.get_by_label("Trier par").select_option(label="distance")
    journey.submit("catalogue, sessions près de chez moi", name="Filtrer")
    expect(_session_card(page)).to_be_visible()


def test_sign_up_enrol_and_talk_with_the_session_community(journey):
    conseiller = journey("conseiller")
    page = conseiller.page
    conseiller.start()
    conseiller.on_phone("accueil")

    # Sign up: the structure's commune is found by its postcode among the COG communes.
    conseiller.follow("Créer un compte", "inscription", within="header")
    page.get_by_label("E-mail").fill(EMAIL)
    page.get_by_label("Prénom").fill("Inès")
    page.get_by_role("textbox", name="Nom", exact=True).fill("Garnier")
    page.get_by_label("Fonction").fill("Conseillère en insertion professionnelle")
    page.get_by_label("Structure employeuse").fill(STRUCTURE)
    page.get_by_label("Réseau").select_option(label="Mission locale")
    commune = page.get_by_label("Commune de la structure")
    commune.press_sequentially("69100")
    suggestion = page.get_by_role("option", name="Villeurbanne (69100)")
    expect(suggestion).to_be_visible()
    conseiller.step("inscription, communes suggérées")
    suggestion.click()
    expect(commune).to_have_value("Villeurbanne (69100)")
    page.locator("[name=password1]").fill(PASSWORD)
    page.locator("[name=password2]").fill(PASSWORD)
    conseiller.submit("inscription envoyée")
    expect(page.locator("main")).to_contain_text(EMAIL)

    from maillage.models import Profil

    profil = Profil.objects.select_related("structure__commune").get(user__email=EMAIL)
    assert profil.structure.nom == STRUCTURE
    assert profil.structure.commune.nom == "Villeurbanne"

    # The address is confirmed from the link of the e-mail the site sent.
    conseiller.open_link_from_email(EMAIL, r"/comptes/confirm-email/", "confirmation d'adresse")
    conseiller.submit("adresse confirmée", name="Confirmer")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour Inès")

    # The profile: territories and themes, so that the site can suggest what is near.
    conseiller.follow("Mon profil", "profil", within="header")
    page.get_by_label("Filtrer la liste").fill("Rhône")
    page.get_by_role("checkbox", name="Rhône (69)").check()
    page.get_by_role("checkbox", name="Accueil et premier niveau d'information").check()
    conseiller.submit("profil enregistré", name="Enregistrer mon profil")
    expect(page.locator(".messages")).to_contain_text("Votre profil a été enregistré.")

    # A session near Villeurbanne, from the catalogue, then enrolment.
    _find_the_session_near_me(conseiller)
    conseiller.on_phone("catalogue")
    carte = _session_card(page)
    expect(carte).to_contain_text("Lyon")
    carte.get_by_role("button", name="M'inscrire").click()
    expect(page.locator(".messages")).to_contain_text("Inscription : Confirmée.")
    conseiller.step("inscription à la session")
    expect(_session_card(page)).to_contain_text("Mon inscription : Confirmée")

    # The dashboard lists the enrolment with its status.
    conseiller.follow("Mon tableau de bord", "tableau de bord", within="#navigation-principale")
    inscriptions = page.locator("section", has=page.get_by_role("heading", name="Mes inscriptions"))
    ligne = inscriptions.locator(".dashboard-row").filter(has_text=FORMATION)
    expect(ligne.locator(".badge")).to_have_text("Confirmée")
    conseiller.on_phone("tableau de bord")

    # The calendar file: one event for the session, pointing back at the served site.
    with page.expect_download() as telechargement:
        ligne.get_by_role("link", name="Ajouter à mon agenda (.ics)").click()
    ics = telechargement.value.path().read_bytes()
    calendrier = Calendar.from_ical(ics)
    evenements = calendrier.walk("VEVENT")
    assert ics.startswith(b"BEGIN:VCALENDAR")
    # One event per half-day of the session, each pointing back at the served site.
    assert evenements
    for evenement in evenements:
        assert FORMATION in str(evenement["SUMMARY"])
        assert str(evenement["URL"]).startswith(conseiller.base_url + "/formations/")

    # A private feed of all my sessions, to subscribe my calendar to, from the same block.
    conseiller.follow("Créer mon lien d'agenda", "lien d'agenda créé", role="button")
    expect(page.locator(".messages")).to_contain_text(conseiller.base_url + "/catalogue/agenda/")
    inscriptions = page.locator("section", has=page.get_by_role("heading", name="Mes inscriptions"))
    expect(inscriptions.get_by_role("button", name="Désactiver mon lien")).to_be_visible()

    # The session's community, which confirmed participants join.
    conseiller.follow(
        re.compile("^" + re.escape(FORMATION) + " — "), "communauté de la session", within="main"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text(FORMATION)
    expect(page.locator("main")).to_contain_text("Session de formation")

    # A colleague, Claire Martin, enrols in the same session from her own browser.
    collegue = journey("conseiller-collegue")
    collegue.start()
    collegue.log_in(COLLEGUE, DEMO_PASSWORD)
    _find_the_session_near_me(collegue)
    _session_card(collegue.page).get_by_role("button", name="M'inscrire").click()
    expect(collegue.page.locator(".messages")).to_contain_text("Inscription : Confirmée.")
    collegue.step("inscription à la session")

    # The counsellor posts a question and mentions Claire Martin, picked among suggestions.
    conseiller.follow("Publier", "publier dans la communauté", within="main", exact=True)
    page.get_by_label("Type de publication").select_option(label="Question")
    page.get_by_label("Titre").fill("Premier entretien : vos questions d'ouverture ?")
    message = page.get_by_label("Message")
    message.click()
    message.press_sequentially("Bonjour à tous, quelle question posez-vous en premier ? @Claire")
    claire = page.get_by_role("option", name=re.compile(r"^Claire Martin"))
    expect(claire).to_be_visible()
    conseiller.step("mention, suggestions")
    claire.click()
    expect(message).to_have_value(re.compile(r"@Claire Martin $"))
    message.press_sequentially("tu en parlais à la dernière réunion.")
    conseiller.submit("question publiée", name="Publier")
    expect(page.locator("main a", has_text="@Claire Martin")).to_be_visible()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Premier entretien")

    # Claire is told she was mentioned and answers; the counsellor's open page shows the
    # reply as it arrives, without reloading.
    page.evaluate("() => { window.pasRechargee = true; }")
    collegue.follow(re.compile(r"^Notifications"), "notifications", within="header")
    collegue.follow(re.compile("Inès Garnier vous a mentionné"), "mention reçue", within="main")
    collegue.page.get_by_label("Votre réponse").fill(
        "Je commence par « qu'est-ce qui vous amène aujourd'hui ? »"
    )
    collegue.submit("réponse publiée", name="Publier ma réponse")
    expect(page.locator(".reponse").filter(has_text="qu'est-ce qui vous amène")).to_be_visible()
    assert page.evaluate("() => window.pasRechargee === true"), "la page a été rechargée"
    conseiller.step("réponse reçue en direct")


def test_after_the_session_attestation_evaluations_and_data_export(journey):
    conseiller = journey("conseiller/apres-la-session")
    page = conseiller.page
    conseiller.start()
    conseiller.log_in("mehdi.bouzid@maillage.localhost", DEMO_PASSWORD)
    _find_the_session_near_me(conseiller)
    _session_card(page).get_by_role("button", name="M'inscrire").click()
    expect(page.locator(".messages")).to_contain_text("Inscription : Confirmée.")
    conseiller.step("inscription à la session")

    # --- Time cannot pass in a test. ------------------------------------------------------
    # The session is moved 50 days into the past (past the follow-up questionnaire's opening,
    # 42 days after the end), then its trainer records the attendance of each half-day
    # through the service the émargement screen calls. Everything else is clicked.
    from formations import services
    from formations.models import Inscription

    inscription = Inscription.objects.select_related("session").get(
        user__email="mehdi.bouzid@maillage.localhost", session__formation__title=FORMATION
    )
    session = inscription.session
    recul = datetime.timedelta(days=(session.date_fin - datetime.date.today()).days + 50)
    session.date_debut -= recul
    session.date_fin -= recul
    session.save(update_fields=["date_debut", "date_fin"])
    for creneau in session.dates.all():
        creneau.date -= recul
        creneau.save(update_fields=["date"])
    formateur = session.formateurs.first()
    for creneau in session.dates.all():
        services.emargement_record(creneau=creneau, presents={inscription.pk}, user=formateur)
    # ----------------------------------------------------------------------------------------

    conseiller.follow("Mon tableau de bord", "tableau de bord", within="#navigation-principale")
    ligne = page.locator(".dashboard-row").filter(has_text=FORMATION)
    expect(ligne.locator(".badge")).to_have_text("Présent")

    with page.expect_download() as telechargement:
        ligne.get_by_role("link", name="Télécharger mon attestation").click()
    attestation = telechargement.value.path().read_bytes()
    assert attestation.startswith(b"%PDF")

    conseiller.follow("Donner mon avis sur la session", "évaluation de satisfaction", within="main")
    page.get_by_role("group", name=re.compile("Appréciation générale")).get_by_label("4").check()
    page.get_by_role("group", name=re.compile("Utilité")).get_by_label("5").check()
    conseiller.submit("évaluation de satisfaction envoyée")
    conseiller.follow("Dire ce que la formation m'a apporté", "évaluation de suivi", within="main")
    page.get_by_role("group", name=re.compile("Appréciation générale")).get_by_label("5").check()
    page.get_by_role("group", name=re.compile("Utilité")).get_by_label("4").check()
    conseiller.submit("évaluation de suivi envoyée")
    assert inscription.evaluations.exclude(repondu_le=None).count() == 2

    # The member's data, from their profile.
    conseiller.follow("Mon profil", "profil", within="header")
    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Télécharger mes données (ZIP)").click()
    archive = zipfile.ZipFile(io.BytesIO(telechargement.value.path().read_bytes()))
    donnees = json.loads(archive.read("donnees.json"))
    assert "mehdi.bouzid@maillage.localhost" in json.dumps(donnees)
    assert FORMATION in json.dumps(donnees, ensure_ascii=False)
