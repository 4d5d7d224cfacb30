"""Background work: content-free e-mails to members, and the purge of old working notes."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task


def _envoyer(*, user_ids: list[int], sujet: str, modele: str, contexte: dict) -> int:
    users = get_user_model().objects.filter(pk__in=user_ids, is_active=True).exclude(email="")
    envoyes = 0
    with translation.override("fr"):
        for user in users:
            texte = render_to_string(modele, {**contexte, "user": user})
            envoyes += send_mail(
                f"[Maillage] {sujet}", texte, settings.DEFAULT_FROM_EMAIL, [user.email]
            )
    return envoyes


@task()
def envoyer_annonce_seance(user_ids: list[int], seance_id: int, date_iso: str) -> int:
    """ "Une séance est programmée": the date and a link, never the group or its content."""
    from django.utils.dateparse import parse_datetime

    lien = settings.SITE_URL + reverse("analyse_pratiques:seance", args=[seance_id])
    return _envoyer(
        user_ids=user_ids,
        sujet="Une séance est programmée",
        modele="analyse_pratiques/emails/seance_programmee.txt",
        contexte={"date": parse_datetime(date_iso), "lien": lien},
    )


@task()
def envoyer_invitation(user_ids: list[int]) -> int:
    """An invitation notice that names no group: the details are behind the login."""
    lien = settings.SITE_URL + reverse("analyse_pratiques:mes_groupes")
    return _envoyer(
        user_ids=user_ids,
        sujet="Invitation à un groupe d'analyse de pratiques",
        modele="analyse_pratiques/emails/invitation.txt",
        contexte={"lien": lien},
    )


@task()
def purge_notes() -> int:
    """Delete working notes older than their group's retention period."""
    from .services import notes_purge

    return notes_purge()
