"""Background work of the formations app: e-mails sent after an enrolment changes (the
notices of a session's new enrolments together), and the session community join that
follows a confirmed enrolment."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from maillage.emails import email_build

SUJETS = {
    "confirmation": "Votre inscription est confirmée : {titre}",
    "en_attente_validation": "Votre demande d'inscription est enregistrée : {titre}",
    "liste_attente": "Vous êtes sur la liste d'attente : {titre}",
    "promotion": "Une place s'est libérée, votre inscription est confirmée : {titre}",
    "annulation_inscription": "Votre inscription est annulée : {titre}",
    "session_annulee": "Session annulée : {titre}",
    "session_fermee": "Inscriptions closes : {titre}",
    "rappel": "Rappel : votre session commence dans deux jours : {titre}",
    "evaluation_satisfaction": "Votre avis sur la session : {titre}",
    "evaluation_suivi": "Quelques semaines après : que retenez-vous de {titre} ?",
}


@task()
def envoyer_notification_inscription(inscription_id: int, modele: str) -> bool:
    """Send the French e-mail `modele` (plain text and HTML) about one enrolment."""
    from .models import Inscription

    inscription = (
        Inscription.objects.select_related("user", "session__formation")
        .filter(pk=inscription_id)
        .first()
    )
    if inscription is None:
        return False
    return notification_inscription_send(inscription, modele)


@task()
def envoyer_avis_inscription(session_id: int) -> int:
    """Send the notices of the session's enrolments that are still pending."""
    from .services import inscription_notices_send

    return inscription_notices_send(session_id=session_id)


def notification_inscription_send(inscription, modele: str) -> bool:
    """Send the e-mail `modele` about `inscription` (its user and session's formation
    loaded); False when the person has no address."""
    if not inscription.user.email:
        return False
    with translation.override("fr"):
        contexte = {
            "inscription": inscription,
            "session": inscription.session,
            "formation": inscription.session.formation,
            "user": inscription.user,
            "site_url": settings.SITE_URL,
        }
        if modele.startswith("evaluation_"):
            contexte["lien"] = _lien_evaluation(inscription, modele.removeprefix("evaluation_"))
        sujet = SUJETS[modele].format(titre=inscription.session.formation.title)
        texte = render_to_string(f"formations/emails/{modele}.txt", contexte)
        html = render_to_string("formations/emails/base.html", {**contexte, "texte": texte})
    email_build(to=inscription.user.email, subject=sujet, text=texte, html=html).send()
    return True


def _lien_evaluation(inscription, type_: str) -> str:
    route = reverse("formations:evaluation", args=[inscription.session_id, type_])
    return f"{settings.SITE_URL}{route}"


@task()
def rejoindre_communaute_session(inscription_id: int) -> bool:
    """A confirmed participant joins their session's community, after the enrolment."""
    from .services import inscription_community_join

    return inscription_community_join(inscription_id=inscription_id)
