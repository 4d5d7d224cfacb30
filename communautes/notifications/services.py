"""Writes of notifications: create (for one user or all members), mark read, levels, mentions.

Every notification is checked against what its recipient may see at that moment, written
in the caller's transaction, then pushed live (and e-mailed if asked) after commit.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from maillage.cache_pages import contenus_changed

from .. import permissions
from .. import selectors as communautes_selectors
from ..models import Adhesion, Communaute, Notification, Publication, Reponse
from . import mentions, selectors
from .live import notify_after_commit
from .tasks import envoyer_notification_email

# Kinds that trigger an immediate e-mail for members at the "tout" level.
NATURES_EMAIL = (Notification.Nature.MENTION, Notification.Nature.REPONSE)


def _texte(value: str) -> str:
    return value if len(value) <= 300 else value[:299] + "…"


def notification_create_for_members(
    *,
    communaute: Communaute,
    nature: str,
    texte: str,
    lien: str,
    publication: Publication | None = None,
    acteur=None,
    cle: str = "",
) -> int:
    """Notify every active member of `communaute` (but `acteur`); returns how many."""
    member_ids = Adhesion.objects.filter(
        communaute=communaute, etat=Adhesion.Etat.ACTIVE
    ).values_list("user_id", flat=True)
    return len(
        notification_create_many(
            destinataire_ids=[pk for pk in member_ids if acteur is None or pk != acteur.pk],
            nature=nature,
            texte=texte,
            lien=lien,
            communaute=communaute,
            publication=publication,
            acteur=acteur,
            cle=cle,
        )
    )


@transaction.atomic
def notification_create_many(
    *,
    destinataire_ids,
    nature: str,
    texte: str,
    lien: str,
    communaute: Communaute | None = None,
    publication: Publication | None = None,
    acteur=None,
    cle: str = "",
) -> list[Notification]:
    """The common path: filter recipients, skip those who already have `cle`, write, push."""
    if nature not in Notification.Nature.values:
        raise ValidationError(_("Type de notification inconnu."))
    if publication is not None and publication.masquee:
        return []
    ids = selectors.recipients_allowed(
        user_ids=destinataire_ids,
        communaute_id=communaute.pk if communaute else None,
        invitation=nature == Notification.Nature.INVITATION,
    )
    if cle and ids:
        ids -= set(
            Notification.objects.filter(destinataire_id__in=ids, cle=cle).values_list(
                "destinataire_id", flat=True
            )
        )
    if not ids:
        return []
    rows = [
        Notification(
            destinataire_id=user_id,
            nature=nature,
            acteur=acteur,
            communaute=communaute,
            publication=publication,
            lien=lien[:500],
            texte=_texte(texte),
            cle=cle,
        )
        for user_id in sorted(ids)
    ]
    # A concurrent writer of the same key loses quietly: the recipient has it already.
    created = Notification.objects.bulk_create(rows, ignore_conflicts=bool(cle))
    contenus_changed()  # bulk_create sends no signal: the cached unread counts must go
    notify_after_commit(ids)
    if nature in NATURES_EMAIL and communaute is not None:
        _email_after_commit(
            communaute=communaute, user_ids=ids, nature=nature, cle=cle, texte=texte, lien=lien
        )
    return created


def _email_after_commit(*, communaute, user_ids, nature, cle, texte, lien) -> None:
    """Members at the "tout" level who accept e-mails get one, sent by a task after commit."""
    destinataires = list(
        Adhesion.objects.filter(
            communaute=communaute,
            user_id__in=user_ids,
            niveau_notification=Adhesion.Notification.TOUT,
        )
        .exclude(user__profil__notifier_par_email=False)
        .exclude(user__email="")
        .values_list("user_id", flat=True)
    )
    for user_id in destinataires:
        transaction.on_commit(
            lambda user_id=user_id: envoyer_notification_email.enqueue(
                user_id, communaute.pk, texte, lien
            ),
            robust=True,
        )


@transaction.atomic
def notification_mark_read(*, user, notification_id: int) -> bool:
    """Mark one of the user's own notifications read; False when it is not theirs."""
    updated = Notification.objects.filter(pk=notification_id, destinataire=user).update(lue=True)
    if updated:
        # A bulk update sends no signal: the cached unread count must still go.
        contenus_changed()
        notify_after_commit([user.pk])
    return bool(updated)


@transaction.atomic
def notification_mark_all_read(*, user) -> int:
    updated = Notification.objects.filter(destinataire=user, lue=False).update(lue=True)
    if updated:
        # A bulk update sends no signal: the cached unread count must still go.
        contenus_changed()
        notify_after_commit([user.pk])
    return updated


@transaction.atomic
def adhesion_niveau_set(*, user, communaute: Communaute, niveau: str) -> Adhesion:
    """A member chooses how much this community tells them: everything, digest, nothing."""
    if niveau not in Adhesion.Notification.values:
        raise ValidationError({"niveau": _("Choisissez un niveau de notification proposé.")})
    adhesion = permissions.adhesion_for(user, communaute)
    if not permissions.is_active_member(user, communaute, adhesion=adhesion):
        raise PermissionDenied(_("Vous devez être membre de cette communauté."))
    adhesion.niveau_notification = niveau
    adhesion.save(update_fields=["niveau_notification", "modifie_le"])
    return adhesion


# --- hooks called by the community services, inside their transaction -------------------


def mentions_prepare(*, communaute: Communaute, corps: str) -> tuple[str, dict]:
    """The sanitized body with mentions of members turned into links, and who was mentioned."""
    return mentions.mentions_link(html=corps, communaute=communaute)


def mentions_notify(
    *, auteur, member_ids, publication: Publication, reponse: Reponse | None = None
) -> set[int]:
    """Notify the members mentioned (once per target); returns the ids notified or known."""
    ids = set(member_ids) - {auteur.pk}
    if not ids:
        return set()
    cible = f"reponse:{reponse.pk}" if reponse else f"publication:{publication.pk}"
    lien = reponse.get_absolute_url() if reponse else publication.get_absolute_url()
    notification_create_many(
        destinataire_ids=ids,
        nature=Notification.Nature.MENTION,
        texte=_("%(acteur)s vous a mentionné·e dans « %(titre)s »")
        % {"acteur": communautes_selectors.display_name(auteur), "titre": publication.titre},
        lien=lien,
        communaute=publication.communaute,
        publication=publication,
        acteur=auteur,
        cle=f"mention:{cible}",
    )
    return ids


def reponse_notify(*, reponse: Reponse, deja_notifies: set[int]) -> None:
    """Tell the publication's author someone replied (unless the reply mentions them)."""
    publication = reponse.publication
    if publication.auteur_id in deja_notifies | {reponse.auteur_id}:
        return
    notification_create_many(
        destinataire_ids=[publication.auteur_id],
        nature=Notification.Nature.REPONSE,
        texte=_("%(acteur)s a répondu à votre publication « %(titre)s »")
        % {
            "acteur": communautes_selectors.display_name(reponse.auteur),
            "titre": publication.titre,
        },
        lien=reponse.get_absolute_url(),
        communaute=publication.communaute,
        publication=publication,
        acteur=reponse.auteur,
        cle=f"reponse:{reponse.pk}",
    )


def contribution_notify_later(
    *, publication: Publication, mentionnes: dict, reponse: Reponse | None = None
) -> None:
    """Once the caller's transaction commits, have a task notify whom a publication or a
    reply concerns: the members it mentions and, for a reply, the publication's author.

    The request that wrote it does not wait for the notifications, their live badges and
    their e-mails; with the immediate tasks backend the task runs at commit.
    """
    from .tasks import notifier_contribution

    publication_id, reponse_id = publication.pk, reponse.pk if reponse else None
    member_ids = sorted({user.pk for user in mentionnes.values()})
    if reponse is None and not member_ids:
        return
    transaction.on_commit(
        lambda: notifier_contribution.enqueue(publication_id, reponse_id, member_ids),
        robust=True,
    )


@transaction.atomic
def contribution_notify(*, publication_id: int, reponse_id: int | None, member_ids) -> int:
    """What the task runs: the notifications of a publication or a reply, as they stand now.

    Content deleted or hidden by moderation since it was written notifies nobody, and each
    recipient is checked against what they may see at this moment. Returns the number of
    members mentioned (notified, or already notified of it).
    """
    publication = (
        Publication.objects.select_related("communaute", "auteur").filter(pk=publication_id).first()
    )
    reponse = None
    if reponse_id is not None:
        reponse = (
            Reponse.objects.select_related("auteur")
            .filter(pk=reponse_id, publication_id=publication_id)
            .first()
        )
        if reponse is None or reponse.masquee:
            return 0
    if publication is None or publication.masquee:
        return 0
    if reponse is not None:
        reponse.publication = publication
    auteur = reponse.auteur if reponse is not None else publication.auteur
    notifies = mentions_notify(
        auteur=auteur, member_ids=member_ids, publication=publication, reponse=reponse
    )
    if reponse is not None:
        reponse_notify(reponse=reponse, deja_notifies=notifies)
    return len(notifies)


def reponse_acceptee_notify(*, by, reponse: Reponse, publication: Publication) -> None:
    if reponse.auteur_id == by.pk:
        return
    notification_create_many(
        destinataire_ids=[reponse.auteur_id],
        nature=Notification.Nature.REPONSE_ACCEPTEE,
        texte=_("Votre réponse à « %(titre)s » a été acceptée") % {"titre": publication.titre},
        lien=reponse.get_absolute_url(),
        communaute=publication.communaute,
        publication=publication,
        acteur=by,
        cle=f"acceptee:{reponse.pk}",
    )


def adhesion_notify(*, by, adhesion: Adhesion) -> None:
    """Tell a user their request was approved, or that they were invited."""
    communaute = adhesion.communaute
    if adhesion.etat == Adhesion.Etat.INVITEE:
        nature = Notification.Nature.INVITATION
        texte = _("%(acteur)s vous invite à rejoindre « %(communaute)s »") % {
            "acteur": communautes_selectors.display_name(by),
            "communaute": communaute.nom,
        }
    else:
        nature = Notification.Nature.ADHESION
        texte = _("Votre adhésion à « %(communaute)s » a été acceptée") % {
            "communaute": communaute.nom
        }
    notification_create_many(
        destinataire_ids=[adhesion.user_id],
        nature=nature,
        texte=texte,
        lien=communaute.get_absolute_url(),
        communaute=communaute,
        acteur=by,
    )


def signalement_notify(*, signalement) -> int:
    """Tell the community's managers that content was reported; returns how many."""
    communaute = signalement.communaute
    animateurs = Adhesion.objects.filter(
        communaute=communaute, etat=Adhesion.Etat.ACTIVE, role=Adhesion.Role.ANIMATEUR
    ).values_list("user_id", flat=True)
    cible = signalement.publication or signalement.reponse.publication
    texte = _("Un contenu de « %(publication)s » a été signalé : %(motif)s") % {
        "publication": cible.titre,
        "motif": signalement.get_motif_display(),
    }
    return len(
        notification_create_many(
            destinataire_ids=[pk for pk in animateurs if pk != signalement.auteur_id],
            nature=Notification.Nature.SIGNALEMENT,
            texte=texte,
            lien=reverse("communautes:moderation", args=[communaute.slug]),
            communaute=communaute,
            cle=f"signalement:{signalement.pk}",
        )
    )


def moderation_notify(*, by, auteur, publication: Publication, reponse=None, motif: str) -> None:
    """Tell an author that moderation hid or removed their publication or reply, and why."""
    if reponse is not None:
        texte = _("Votre réponse dans « %(titre)s » a été retirée par la modération : %(motif)s")
    else:
        texte = _("Votre publication « %(titre)s » a été retirée par la modération : %(motif)s")
    communaute = publication.communaute
    notification_create_many(
        destinataire_ids=[auteur.pk],
        nature=Notification.Nature.MODERATION,
        texte=texte % {"titre": publication.titre, "motif": motif},
        # The reply's thread stays readable; a removed publication has no page left.
        lien=publication.get_absolute_url()
        if reponse is not None
        else communaute.get_absolute_url(),
        communaute=communaute,
        acteur=by,
    )
