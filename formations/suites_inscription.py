"""What follows an enrolment's commit, the work of the formations tasks: the e-mails about
enrolments (a session's notices sent together), a confirmed participant's community join."""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from maillage.emails import email_build

from . import events
from .models import Inscription, Session

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
# How long the "notice task queued" mark of a session lives, and how old a pending notice
# must be before the sweep sends it (a failed queueing, a worker that crashed or lags).
AVIS_DELAI = datetime.timedelta(minutes=10)


def avis_cle(session_id: int) -> str:
    return f"formations:avis-inscription:{session_id}"


def _avis_envoyer(inscriptions, *, skip_locked: bool) -> int:
    """Send the pending notice of each of `inscriptions` (a queryset), one transaction per row.

    Each row is locked (FOR NO KEY UPDATE of the enrolment row alone, never the session's),
    its flag cleared and its e-mail sent in that transaction: a crash or an SMTP error before
    the commit leaves the flag set, so the notice goes again later (at least once) rather
    than never; once committed, no other path sends it again. Two tasks of one session wait
    for each other on the row, and the second finds the flag cleared. Returns e-mails sent."""
    envoyes = 0
    for pk in list(inscriptions.values_list("pk", flat=True).order_by("pk")):
        with transaction.atomic():
            inscription = (
                Inscription.objects.select_for_update(
                    no_key=True, of=("self",), skip_locked=skip_locked
                )
                .select_related("user", "session__formation")
                .exclude(avis_a_envoyer="")
                .filter(pk=pk)
                .first()
            )
            if inscription is None:
                continue
            modele = inscription.avis_a_envoyer
            Inscription.objects.filter(pk=pk).update(avis_a_envoyer="")
            envoyes += notification_inscription_send(inscription, modele)
    return envoyes


def inscription_notices_send(*, session_id: int) -> int:
    """Send the enrolment notices still pending in a session (the task queued after the
    enrolments of a burst, `services._avis_mettre_en_file`); returns the e-mails sent.

    The mark is deleted before the pending rows are read, and an enrolment sets its mark
    only after its commit: an enrolment committed before the read is sent here; one
    committed after it finds the mark gone and queues a new task. So nothing is lost, and a
    burst of enrolments queues about one task."""
    cache.delete(avis_cle(session_id))
    pending = Inscription.objects.filter(session_id=session_id).exclude(avis_a_envoyer="")
    return _avis_envoyer(pending, skip_locked=False)


def inscription_notices_sweep(*, now: datetime.datetime | None = None) -> int:
    """Send the enrolment notices pending for longer than `AVIS_DELAI` (the queueing failed,
    a worker crashed); rows another worker holds are skipped. Returns the e-mails sent."""
    avant = (now or timezone.now()) - AVIS_DELAI
    pending = Inscription.objects.exclude(avis_a_envoyer="").filter(modifie_le__lt=avant)
    return _avis_envoyer(pending, skip_locked=True)


def participants_joined(session: Session, inscriptions: list[Inscription]) -> None:
    """Announce the confirmed participants (their session's community takes them in)."""
    for inscription in inscriptions:
        if inscription.etat == Inscription.Etat.CONFIRMEE:
            events.participant_confirmed.send(Session, session=session, user=inscription.user)


def participants_left(session: Session, inscriptions: list[Inscription]) -> None:
    """Announce the participants who no longer hold a place."""
    for inscription in inscriptions:
        events.participant_left.send(Session, session=session, user=inscription.user)


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


PARTAGE_SQL = (
    "SELECT 1 FROM {session} session JOIN {inscription} inscription"
    " ON inscription.session_id = session.id"
    " WHERE inscription.id = %(inscription)s FOR KEY SHARE OF session"
)
# Only the models' table names go into the text.
PARTAGE_SQL = PARTAGE_SQL.format(
    session=Session._meta.db_table, inscription=Inscription._meta.db_table
)


def inscription_community_join(*, inscription_id: int) -> bool:
    """A confirmed participant joins their session's community, once the enrolment has
    committed (queued by `services.inscription_create`); False when the place was given up
    meanwhile.

    On PostgreSQL under FOR KEY SHARE on the session row: a cancellation or a promotion
    (FOR UPDATE) waits for the join to commit, or the join waits for it and then finds the
    place given up; enrolments (FOR NO KEY UPDATE) go on meanwhile."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(PARTAGE_SQL, {"inscription": inscription_id})
        inscription = (
            Inscription.objects.select_related("session__formation", "user")
            .filter(pk=inscription_id, etat=Inscription.Etat.CONFIRMEE)
            .first()
        )
        if inscription is None:
            return False
        participants_joined(inscription.session, [inscription])
    return True
