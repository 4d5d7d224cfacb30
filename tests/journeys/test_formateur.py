"""The trainer's journey: their sessions, the session's community, attendance per half-day,
the evaluations, and a report handled from the notification to the hidden post."""

import datetime
import re
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.utils import timezone

from communautes.models import Notification, Publication, Signalement
from formations import services as formations_services
from formations.models import Emargement, Evaluation, Inscription, Session
from maillage.demo.comptes import DEMO_PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

FORMATRICE = "isabelle.fournier@maillage.localhost"
PARTICIPANTE = "claire.martin@maillage.localhost"
COLLEGUE = "mehdi.bouzid@maillage.localhost"
# Isabelle Fournier's three-day session in Lyon (site/demo/formations.py).
SESSION = "DEMO-84-02-1"
FORMATION = "Conseil en évolution professionnelle : les fondamentaux"
SIGNALEE = "Grille d'entretien exploratoire"  # Mehdi Bouzid's post in « cep » (demo)


def hors_navigateur(fonction):
    """Run a setup write off the test thread, where Playwright's event loop runs (services
    may broadcast after commit through async_to_sync)."""
    erreurs = []

    def lancer() -> None:
        try:
            fonction()
        except BaseException as erreur:  # noqa: BLE001 - re-raised in the test thread
            erreurs.append(erreur)
        finally:
            connections.close_all()

    fil = threading.Thread(target=lancer)
    fil.start()
    fil.join()
    if erreurs:
        raise erreurs[0]


def deplacer_session(session: Session, premier_jour: datetime.date) -> None:
    """Move a session and its half-days so that it starts on `premier_jour`."""
    session.refresh_from_db()
    ecart = premier_jour - session.date_debut
    Session.objects.filter(pk=session.pk).update(
        date_debut=session.date_debut + ecart, date_fin=session.date_fin + ecart
    )
    # Earliest first: moving back never lands a slot on one not yet moved.
    for creneau in session.dates.order_by("date", "heure_debut"):
        creneau.date += ecart
        creneau.save(update_fields=["date"])


def test_parcours_formateur(journey):
    users = {u.email: u for u in get_user_model().objects.filter(email__endswith=".localhost")}
    session = Session.objects.get(numero=SESSION)

    # A counsellor enrols in the trainer's session from the catalogue: the session's
    # community opens, with her in it.
    participante = journey("participant")
    participante.start()
    participante.log_in(PARTICIPANTE, DEMO_PASSWORD, "participante connectée")
    participante.follow("Formations", "catalogue", within="nav")
    carte = f'article.session:has-text("{FORMATION}"):has-text("Lyon")'
    participante.follow("M'inscrire", "participante inscrite", role="button", within=carte)
    assert Inscription.objects.get(session=session, user=users[PARTICIPANTE]).etat == "confirmed"

    # A colleague enrolled too, the same way (not this journey's subject).
    hors_navigateur(
        lambda: formations_services.inscription_create(session=session, user=users[COLLEGUE])
    )

    # The trainer: her sessions on the dashboard.
    formatrice = journey("formateur")
    page = formatrice.page
    formatrice.start()
    formatrice.log_in(FORMATRICE, DEMO_PASSWORD, "tableau de bord")
    animees = page.locator("section[aria-labelledby=section-sessions-animees]")
    assert animees.get_by_role("heading", name="Mes sessions à animer").is_visible()
    ligne = 'section[aria-labelledby=section-sessions-animees] li.dashboard-row:has-text("Lyon")'
    assert page.locator(ligne).get_by_text("2 / ").is_visible()
    formatrice.on_phone("tableau de bord")

    # The community she manages for that session; she posts before the session.
    formatrice.follow("Communauté de la session", "communauté de la session", within=ligne)
    assert page.get_by_role("link", name="Outils d'animation et de modération").is_visible()
    formatrice.follow(re.compile(r"^Publier$"), "nouvelle publication", within="main")
    page.select_option("[name=nature]", "annonce")
    page.fill("[name=titre]", "Bienvenue : programme des trois jours")
    page.fill(
        "[name=corps]",
        "Bonjour à toutes et à tous ! Pensez à apporter un cas d'accompagnement récent : "
        "nous l'analyserons ensemble le deuxième jour.",
    )
    formatrice.submit("publication de la formatrice", name="Publier")
    annonce = Publication.objects.get(titre="Bienvenue : programme des trois jours")
    assert annonce.auteur == users[FORMATRICE]
    assert annonce.communaute.session_id == session.pk

    # Another participant sees it in the session's community.
    participante.follow("Mon tableau de bord", "tableau de bord de la participante", within="nav")
    participante.follow(
        annonce.communaute.nom,
        "communauté de session vue par la participante",
        within="section[aria-labelledby=section-communautes]",
    )
    assert participante.page.get_by_role(
        "link", name="Bienvenue : programme des trois jours"
    ).is_visible()

    # The session is under way: it started two days ago (dates moved in the database, the
    # attendance sheets open at the start of each half-day).
    premier_jour = timezone.localdate() - datetime.timedelta(days=2)
    deplacer_session(session, premier_jour)

    formatrice.follow("Mon tableau de bord", "tableau de bord, session en cours", within="nav")
    jour = premier_jour.strftime("%d/%m")
    presences = {
        f"Émargement du {jour} matin": {PARTICIPANTE: True, COLLEGUE: False},
        f"Émargement du {jour} après-midi": {PARTICIPANTE: True, COLLEGUE: True},
    }
    for lien, attendu in presences.items():
        formatrice.follow(lien, lien.lower(), within=ligne)
        for email, present in attendu.items():
            case = page.get_by_label(users[email].get_full_name())
            case.set_checked(present)
        formatrice.submit(f"{lien.lower()} enregistré", name="Enregistrer l'émargement")
        assert page.get_by_text("La feuille d'émargement est enregistrée.").is_visible()
        creneau = session.dates.get(
            date=premier_jour,
            heure_debut=datetime.time(9) if "matin" in lien else datetime.time(13, 30),
        )
        for email, present in attendu.items():
            # The saved sheet is shown back, and it is what the database holds.
            assert page.get_by_label(users[email].get_full_name()).is_checked() is present
            assert (
                Emargement.objects.get(creneau=creneau, inscription__user=users[email]).present
                is present
            )
        if "matin" in lien:
            formatrice.on_phone("émargement du matin")
        formatrice.follow("Mon tableau de bord", "retour au tableau de bord", within="nav")
    assert set(Inscription.objects.filter(session=session).values_list("user__email", "etat")) == {
        (PARTICIPANTE, "attended"),
        (COLLEGUE, "attended"),
    }

    # The session is over (moved to last week) and both participants answered the
    # satisfaction questionnaire, through the service their questionnaire page calls.
    deplacer_session(session, timezone.localdate() - datetime.timedelta(days=8))
    reponses = {
        PARTICIPANTE: (5, 4, "Des mises en situation très concrètes."),
        COLLEGUE: (4, 3, "Un peu court sur le document de synthèse."),
    }

    def repondre() -> None:
        for email, (globale, utilite, commentaire) in reponses.items():
            formations_services.evaluation_submit(
                inscription=Inscription.objects.get(session=session, user=users[email]),
                user=users[email],
                type=Evaluation.Type.SATISFACTION,
                note_globale=globale,
                note_utilite=utilite,
                commentaire=commentaire,
            )

    hors_navigateur(repondre)
    formatrice.follow("Mon tableau de bord", "tableau de bord, session terminée", within="nav")
    premier_jour = timezone.localdate() - datetime.timedelta(days=8)
    emargement = f"Émargement du {premier_jour:%d/%m} matin"
    assert page.locator(ligne).get_by_role("link", name=emargement).is_visible()
    formatrice.follow("Résultats des évaluations", "évaluations de la session", within=ligne)
    satisfaction = page.locator("section[aria-labelledby=questionnaire-satisfaction]")
    assert satisfaction.get_by_text("2 réponses").is_visible()
    assert satisfaction.get_by_text("4,5 / 5").is_visible()
    assert satisfaction.get_by_text("3,5 / 5").is_visible()
    for _globale, _utilite, commentaire in reponses.values():
        assert page.get_by_text(commentaire).is_visible()

    # A participant reports a post in the trainer's thematic community.
    participante.follow("Communautés", "communautés", within="nav")
    participante.follow(
        "Conseil en évolution professionnelle", "communauté CEP", within="main", exact=True
    )
    participante.follow(SIGNALEE, "publication à signaler", within="main")
    participante.page.locator("main summary", has_text="Signaler").first.click()
    participante.page.select_option("[name=motif]", "donnees")
    participante.page.fill(
        "[name=commentaire]", "La grille jointe cite le nom d'une personne accompagnée."
    )
    participante.submit("signalement envoyé", name="Envoyer le signalement")
    assert participante.page.get_by_text("votre signalement a été transmis").is_visible()
    signalement = Signalement.objects.get(publication__titre=SIGNALEE)

    # The trainer is told, opens the moderation queue from the notification, hides the post.
    formatrice.follow(re.compile(r"^Notifications"), "notifications", within="header")
    formatrice.follow(re.compile(rf"« {SIGNALEE} » a été signalé"), "file de modération")
    formatrice.follow(
        SIGNALEE, "publication signalée", within="section[aria-labelledby=signalements]"
    )
    page.locator("main summary", has_text="Modérer").first.click()
    page.fill("#motif-p", "Données personnelles d'une personne accompagnée")
    formatrice.submit("publication masquée", name="Masquer")
    publication = Publication.objects.get(pk=signalement.publication_id)
    assert publication.masquee
    signalement.refresh_from_db()
    assert signalement.etat == Signalement.Etat.TRAITE

    # The author is told why; the other members no longer see the post.
    avis = Notification.objects.get(
        destinataire=publication.auteur, nature=Notification.Nature.MODERATION
    )
    assert SIGNALEE in avis.texte and "Données personnelles" in avis.texte
    participante.follow(
        "Conseil en évolution professionnelle",
        "communauté CEP après modération",
        within="nav.breadcrumb",
        exact=True,
    )
    assert participante.page.get_by_role("link", name="Formaliser le projet", exact=False).count()
    assert not participante.page.get_by_role("link", name=SIGNALEE).count()

    # Every page crossed went through axe-core (no serious or critical violation) and left
    # its screenshot.
    etapes = formatrice.steps + participante.steps
    assert all(etape["shot"].exists() for etape in etapes)
