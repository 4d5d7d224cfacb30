"""Background work of the notifications: those of a new post, and e-mails per mention or reply."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from maillage.emails import email_build

from . import desabonnement


def message_build(
    *, to: str, sujet: str, template: str, contexte: dict, headers: dict
) -> EmailMultiAlternatives:
    """A French e-mail with a plain-text part and an HTML part rendered from `template`."""
    with translation.override("fr"):
        contexte = {**contexte, "site_url": settings.SITE_URL}
        texte = render_to_string(f"communautes/emails/{template}.txt", contexte)
        html = render_to_string(f"communautes/emails/{template}.html", contexte)
    return email_build(to=to, subject=sujet, text=texte, html=html, headers=headers)


@task()
def notifier_contribution(
    publication_id: int, reponse_id: int | None, member_ids: list[int]
) -> int:
    """Notify whom a publication or a reply concerns, after the commit that wrote it."""
    from .services import contribution_notify

    return contribution_notify(
        publication_id=publication_id, reponse_id=reponse_id, member_ids=member_ids
    )


@task()
def envoyer_notification_email(user_id: int, communaute_id: int, texte: str, lien: str) -> bool:
    """E-mail one notification, if the user is still an active member at the "tout" level."""
    from ..models import Adhesion

    adhesion = (
        Adhesion.objects.select_related("communaute")
        .filter(
            user_id=user_id,
            communaute_id=communaute_id,
            etat=Adhesion.Etat.ACTIVE,
            niveau_notification=Adhesion.Notification.TOUT,
        )
        .first()
    )
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if adhesion is None or user is None or not user.email:
        return False
    desabonner = desabonnement.url_for(user_id=user_id, communaute_id=communaute_id)
    message_build(
        to=user.email,
        sujet=texte,
        template="notification",
        contexte={
            "texte": texte,
            "lien": settings.SITE_URL + lien,
            "communaute": adhesion.communaute,
            "desabonner": desabonner,
        },
        headers=desabonnement.headers_for(desabonner),
    ).send()
    return True
