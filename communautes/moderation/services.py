"""Writes of moderation: hide, restore, delete, move, pin and lock; close a community; exclude a
member; report content and dismiss a report. Managers only, but for reporting."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from communautes import permissions, selectors, services
from communautes.live import Annonces, flux_append, stream_close_for
from communautes.models import (
    Adhesion,
    Communaute,
    FluxEvenement,
    ModerationAction,
    Publication,
    Reponse,
    Signalement,
)
from communautes.notifications import services as notifications
from communautes.richtext import plain_text
from maillage.francais import de


@transaction.atomic
def adhesion_ban(
    *, by, adhesion: Adhesion, motif: str, jusqu_au: datetime.datetime | None = None
) -> Adhesion:
    """Exclude a member, for good or until a date; their live pages are closed after commit."""
    services.check_moderator(user=by, communaute=adhesion.communaute)
    if not motif.strip():
        raise ValidationError({"motif": _("Indiquez le motif de l'exclusion.")})
    if adhesion.user_id == by.pk:
        raise ValidationError(_("Vous ne pouvez pas vous exclure vous-même."))
    adhesion.etat = Adhesion.Etat.BANNIE
    adhesion.role = Adhesion.Role.MEMBRE
    adhesion.bannie_jusqu_au = jusqu_au
    adhesion.save(update_fields=["etat", "role", "bannie_jusqu_au", "modifie_le"])
    ModerationAction.objects.create(
        communaute=adhesion.communaute,
        moderateur=by,
        action=ModerationAction.Action.BANNIR,
        membre=adhesion.user,
        cible=selectors.display_name(adhesion.user),
        motif=motif.strip(),
    )
    stream_close_for(communaute=adhesion.communaute, user_id=adhesion.user_id)
    return adhesion


class Moderation:
    MASQUER = ModerationAction.Action.MASQUER
    RESTAURER = ModerationAction.Action.RESTAURER
    SUPPRIMER = ModerationAction.Action.SUPPRIMER
    CHOICES = (MASQUER, RESTAURER, SUPPRIMER)


@transaction.atomic
def publication_moderate(
    *,
    by,
    action: str,
    motif: str = "",
    publication: Publication | None = None,
    reponse: Reponse | None = None,
) -> None:
    """Hide, restore or delete a publication or a reply, with a reason, in the audit log.

    The open pages hear of it first after commit, before the search sync.
    """
    if (publication is None) == (reponse is None):
        raise ValueError("moderate exactly one publication or reply")
    annonces = Annonces()
    if action not in Moderation.CHOICES:
        raise ValidationError(_("Action de modération inconnue."))
    cible = publication or reponse
    communaute = (publication or reponse.publication).communaute
    services.check_moderator(user=by, communaute=communaute)
    motif = (motif or "").strip()
    if action != Moderation.RESTAURER and not motif:
        raise ValidationError({"motif": _("Indiquez le motif de cette action de modération.")})
    description = (
        publication.titre
        if publication
        else _("Réponse %(de_auteur)s à « %(titre)s »")
        % {
            "de_auteur": de(selectors.display_name(reponse.auteur)),
            "titre": reponse.publication.titre,
        }
    )
    ModerationAction.objects.create(
        communaute=communaute,
        moderateur=by,
        action=action,
        publication=publication,
        reponse=reponse,
        membre=cible.auteur,
        cible=description[:300],
        motif=motif[:500],
    )
    Signalement.objects.filter(
        etat=Signalement.Etat.OUVERT,
        **({"publication": publication} if publication else {"reponse": reponse}),
    ).update(etat=Signalement.Etat.TRAITE)
    payload = {
        "action": action,
        "publication_id": publication.pk if publication else reponse.publication_id,
        "reponse_id": reponse.pk if reponse else None,
    }
    if action != Moderation.RESTAURER:
        # Clients replaying the log must not get back what moderation took away.
        cle = "publication" if publication else "reponse"
        FluxEvenement.objects.filter(
            communaute=communaute, **{f"payload__{cle}__id": cible.pk}
        ).update(payload={"retire": True})
    if action != Moderation.RESTAURER and cible.auteur_id != by.pk:
        notifications.moderation_notify(
            by=by,
            auteur=cible.auteur,
            publication=publication or reponse.publication,
            reponse=reponse,
            motif=motif,
        )
    if action == Moderation.SUPPRIMER:
        cible.delete()
    else:
        cible.masquee = action == Moderation.MASQUER
        cible.motif_masquage = motif if cible.masquee else ""
        cible.save(update_fields=["masquee", "motif_masquage", "modifie_le"])
    flux_append(
        communaute=communaute,
        nature=FluxEvenement.Nature.MODERATION,
        payload=payload,
        annonces=annonces,
    )


@transaction.atomic
def communaute_close(*, by, communaute: Communaute, fermee: bool = True) -> Communaute:
    """Close a community (read-only archive) or reopen it."""
    services.check_moderator(user=by, communaute=communaute)
    communaute.fermee = fermee
    communaute.save(update_fields=["fermee"])
    ModerationAction.objects.create(
        communaute=communaute,
        moderateur=by,
        action=ModerationAction.Action.FERMER if fermee else ModerationAction.Action.ROUVRIR,
        cible=communaute.nom[:300],
    )
    return communaute


@transaction.atomic
def publication_move(*, by, publication: Publication, vers: Communaute, motif: str = "") -> None:
    """Move a publication (and its replies) to another community both managed by `by`."""
    annonces = Annonces()
    source = publication.communaute
    if vers.pk == source.pk:
        raise ValidationError(_("La publication est déjà dans cette communauté."))
    services.check_moderator(user=by, communaute=source)
    services.check_moderator(user=by, communaute=vers)
    services.check_open(communaute=vers)
    ModerationAction.objects.create(
        communaute=source,
        moderateur=by,
        action=ModerationAction.Action.DEPLACER,
        publication=publication,
        membre=publication.auteur,
        cible=_("%(titre)s → %(vers)s") % {"titre": publication.titre, "vers": vers.nom},
        motif=(motif or "").strip()[:500],
    )
    FluxEvenement.objects.filter(communaute=source, payload__publication__id=publication.pk).update(
        payload={"retire": True}
    )
    publication.communaute = vers
    publication.save(update_fields=["communaute", "modifie_le"])
    publication.signalements.update(communaute=vers)
    flux_append(
        communaute=source,
        nature=FluxEvenement.Nature.MODERATION,
        payload={"action": "deplacer", "publication_id": publication.pk, "reponse_id": None},
        annonces=annonces,
    )
    if not publication.masquee:
        flux_append(
            communaute=vers,
            nature=FluxEvenement.Nature.PUBLICATION,
            payload={"publication": services.publication_payload(publication)},
            annonces=annonces,
        )


@transaction.atomic
def publication_set_flags(
    *, by, publication: Publication, epinglee: bool | None = None, verrouillee: bool | None = None
) -> Publication:
    """Pin or unpin, lock or unlock a publication (managers)."""
    services.check_moderator(user=by, communaute=publication.communaute)
    if epinglee is not None:
        publication.epinglee = epinglee
    if verrouillee is not None:
        publication.verrouillee = verrouillee
    publication.save(update_fields=["epinglee", "verrouillee", "modifie_le"])
    return publication


@transaction.atomic
def signalement_create(
    *,
    auteur,
    motif: str,
    commentaire: str = "",
    publication: Publication | None = None,
    reponse: Reponse | None = None,
) -> Signalement:
    """Report a publication or a reply; a second report of the same content is not duplicated."""
    if (publication is None) == (reponse is None):
        raise ValueError("report exactly one publication or reply")
    communaute = (publication or reponse.publication).communaute
    if not permissions.can_report(auteur, communaute):
        raise PermissionDenied(_("Vous ne pouvez pas signaler ce contenu."))
    target = {"publication": publication} if publication else {"reponse": reponse}
    existing = Signalement.objects.filter(
        auteur=auteur, etat=Signalement.Etat.OUVERT, **target
    ).first()
    if existing:
        return existing
    signalement = Signalement(
        communaute=communaute,
        auteur=auteur,
        motif=motif,
        commentaire=plain_text(commentaire or "")[:2000],
        **target,
    )
    signalement.full_clean()
    signalement.save()
    notifications.signalement_notify(signalement=signalement)
    return signalement


@transaction.atomic
def signalement_reject(*, by, signalement: Signalement, motif: str = "") -> Signalement:
    services.check_moderator(user=by, communaute=signalement.communaute)
    signalement.etat = Signalement.Etat.REJETE
    signalement.save(update_fields=["etat"])
    ModerationAction.objects.create(
        communaute=signalement.communaute,
        moderateur=by,
        action=ModerationAction.Action.REJETER_SIGNALEMENT,
        publication=signalement.publication,
        reponse=signalement.reponse,
        cible=str(signalement)[:300],
        motif=(motif or "").strip()[:500],
    )
    return signalement
