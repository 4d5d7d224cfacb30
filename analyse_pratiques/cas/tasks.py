"""E-mails of the case pipeline: they carry a link and, once published, the published title only."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape, linebreaks
from django_tasks import task

from maillage.emails import email_build


def _envoyer(*, user_ids: list[int], sujet: str, modele: str, contexte: dict) -> int:
    users = get_user_model().objects.filter(pk__in=user_ids, is_active=True).exclude(email="")
    envoyes = 0
    with translation.override("fr"):
        for user in users:
            texte = render_to_string(modele, {**contexte, "user": user})
            message = email_build(
                to=user.email, subject=sujet, text=texte, html=linebreaks(escape(texte))
            )
            envoyes += message.send()
    return envoyes


@task()
def envoyer_cas_a_relire(user_ids: list[int], cas_id: int) -> int:
    """ "Un cas est à relire": a link behind the login, never the group or the situation."""
    lien = settings.SITE_URL + reverse("analyse_pratiques:cas", args=[cas_id])
    return _envoyer(
        user_ids=user_ids,
        sujet="Un cas proposé attend votre relecture",
        modele="analyse_pratiques/emails/cas_a_relire.txt",
        contexte={"lien": lien},
    )


@task()
def envoyer_cas_renvoye(user_id: int, cas_id: int) -> int:
    """The client's draft came back from review: a link, nothing else."""
    lien = settings.SITE_URL + reverse("analyse_pratiques:cas", args=[cas_id])
    return _envoyer(
        user_ids=[user_id],
        sujet="Votre cas vous est renvoyé",
        modele="analyse_pratiques/emails/cas_renvoye.txt",
        contexte={"lien": lien},
    )


@task()
def envoyer_cas_publie(user_id: int, page_id: int) -> int:
    """The client's case is in the library: its published (pseudonymised) title and address."""
    from ressources.models import CasPage

    page = CasPage.objects.live().filter(pk=page_id).first()
    if page is None:
        return 0
    return _envoyer(
        user_ids=[user_id],
        sujet="Votre cas est publié dans la bibliothèque",
        modele="analyse_pratiques/emails/cas_publie.txt",
        contexte={"titre": page.title, "lien": page.get_full_url() or ""},
    )
