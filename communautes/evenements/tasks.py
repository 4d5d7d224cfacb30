"""Background e-mails about an RSVP: reminder, freed place, change of plans, cancellation."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from maillage.emails import email_build

SUJETS = {
    "rappel": "Rappel : {titre}, demain",
    "promotion": "Une place s'est libérée : vous êtes inscrit·e à {titre}",
    "modification": "Changement : {titre}",
    "annulation": "Annulé : {titre}",
}


@task()
def envoyer_courriel_participation(
    participation_id: int, modele: str, changements: list[str] | None = None
) -> bool:
    """Send the French e-mail `modele` (plain text and HTML) to a participant, unless they
    cancelled, may no longer see the event, or the event's cancellation makes it stale."""
    from communautes.models import ParticipationEvenement
    from communautes.permissions import can_see_evenement

    Etat = ParticipationEvenement.Etat
    # The waiting list hears of a cancellation too; every other e-mail is for the registered.
    etats = (Etat.INSCRIT, Etat.ATTENTE) if modele == "annulation" else (Etat.INSCRIT,)
    participation = (
        ParticipationEvenement.objects.select_related(
            "user", "evenement__publication__communaute", "evenement__commune"
        )
        .filter(pk=participation_id, etat__in=etats)
        .first()
    )
    if participation is None or not participation.user.email:
        return False
    evenement, user = participation.evenement, participation.user
    if evenement.annule != (modele == "annulation"):
        return False
    if evenement.publication.masquee or not can_see_evenement(user, evenement):
        return False
    with translation.override("fr"):
        contexte = {
            "evenement": evenement,
            "participation": participation,
            "publication": evenement.publication,
            "communaute": evenement.publication.communaute,
            "user": user,
            "changements": changements or [],
            "site_url": settings.SITE_URL,
        }
        sujet = SUJETS[modele].format(titre=evenement.publication.titre)
        texte = render_to_string(f"communautes/evenements/emails/{modele}.txt", contexte)
        html = render_to_string(
            "communautes/evenements/emails/base.html", {**contexte, "texte": texte}
        )
    email_build(to=user.email, subject=sujet, text=texte, html=html).send()
    return True
