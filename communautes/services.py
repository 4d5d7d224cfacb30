"""Writes of the communities: check (authorise, validate) → write → broadcast after commit."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.francais import de
from maillage.models import Territoire, Thematique

from . import selectors
from .live import Annonces, flux_append, stream_close_for
from .models import (
    Adhesion,
    Communaute,
    FluxEvenement,
    MessageSalon,
    ModerationAction,
    Publication,
    Reaction,
    Reponse,
    Signalement,
)
from .notifications import services as notifications
from .richtext import plain_text, sanitize

# Posting rate limits: (how many, over how long), per author across all communities.
PUBLICATION_RATE = (10, datetime.timedelta(minutes=10))
REPONSE_RATE = (30, datetime.timedelta(minutes=10))
SALON_RATE = (20, datetime.timedelta(minutes=1))
MAX_TAGS = 8


# --- checks ------------------------------------------------------------------------------


def check_active_member(*, user, communaute: Communaute) -> Adhesion:
    adhesion = selectors.adhesion_for(user=user, communaute=communaute)
    if adhesion is None or adhesion.etat != Adhesion.Etat.ACTIVE:
        raise PermissionDenied(_("Vous devez être membre de cette communauté pour y participer."))
    return adhesion


def check_open(*, communaute: Communaute) -> None:
    if communaute.fermee:
        raise PermissionDenied(
            _("Cette communauté est fermée : elle reste consultable en archive.")
        )


def check_moderator(*, user, communaute: Communaute) -> None:
    if not selectors.can_moderate(user=user, communaute=communaute):
        raise PermissionDenied(_("Seuls les animateurs de cette communauté peuvent faire cela."))


def check_rate(*, model, user, rate: tuple[int, datetime.timedelta]) -> None:
    count, period = rate
    recent = model.objects.filter(auteur=user, cree_le__gte=timezone.now() - period).count()
    if recent >= count:
        raise ValidationError(
            _(
                "Vous avez publié beaucoup en peu de temps (%(count)d messages en "
                "%(minutes)d min) : merci de patienter quelques minutes avant de publier à "
                "nouveau."
            )
            % {"count": count, "minutes": int(period.total_seconds() // 60)},
            code="rate_limited",
        )


def _clean_body(corps: str) -> str:
    corps = sanitize(corps or "")
    if not plain_text(corps):
        raise ValidationError({"corps": _("Le message ne peut pas être vide.")}, code="required")
    return corps


def _auteur(user) -> dict:
    return {"id": user.pk, "nom": selectors.display_name(user)}


# --- communities and memberships ---------------------------------------------------------


@transaction.atomic
def communaute_create(
    *,
    createur,
    nom: str,
    slug: str,
    nature: str,
    visibilite: str = Communaute.Visibilite.PUBLIQUE,
    mode_adhesion: str = Communaute.ModeAdhesion.OUVERTE,
    description: str = "",
    charte: str = "",
    territoire: Territoire | None = None,
    thematiques: list[Thematique] = (),
) -> Communaute:
    """Create a community; its creator becomes its first manager."""
    communaute = Communaute(
        nom=nom,
        slug=slug,
        nature=nature,
        visibilite=visibilite,
        mode_adhesion=mode_adhesion,
        description=description,
        charte=charte,
        territoire=territoire,
    )
    communaute.full_clean()
    communaute.save()
    communaute.thematiques.set(thematiques)
    Adhesion.objects.create(
        user=createur,
        communaute=communaute,
        role=Adhesion.Role.ANIMATEUR,
        etat=Adhesion.Etat.ACTIVE,
        charte_acceptee_version=communaute.charte_version,
    )
    return communaute


@transaction.atomic
def communaute_join(*, user, communaute: Communaute, charte_acceptee: bool = False) -> Adhesion:
    """Join (open), ask to join (on request) or accept an invitation; idempotent."""
    adhesion = Adhesion.objects.select_for_update().filter(user=user, communaute=communaute).first()
    etat = adhesion.etat if adhesion else None
    if etat == Adhesion.Etat.ACTIVE:
        return adhesion
    if etat == Adhesion.Etat.BANNIE and (
        adhesion.bannie_jusqu_au is None or adhesion.bannie_jusqu_au > timezone.now()
    ):
        raise PermissionDenied(_("Vous avez été exclu·e de cette communauté."))
    if not selectors.can_see_about(user=user, communaute=communaute):
        raise PermissionDenied(_("Cette communauté est accessible sur invitation uniquement."))
    check_open(communaute=communaute)
    if communaute.charte and not charte_acceptee:
        raise ValidationError(
            {"charte_acceptee": _("Vous devez accepter la charte de la communauté.")},
            code="charte",
        )
    mode = communaute.mode_adhesion
    if etat == Adhesion.Etat.INVITEE or mode == Communaute.ModeAdhesion.OUVERTE:
        nouvel_etat = Adhesion.Etat.ACTIVE
    elif mode == Communaute.ModeAdhesion.SUR_DEMANDE:
        nouvel_etat = Adhesion.Etat.DEMANDEE
    else:
        raise PermissionDenied(_("Cette communauté est accessible sur invitation uniquement."))
    if adhesion is None:
        adhesion = Adhesion(user=user, communaute=communaute, role=Adhesion.Role.MEMBRE)
    adhesion.etat = nouvel_etat
    adhesion.bannie_jusqu_au = None
    adhesion.charte_acceptee_version = communaute.charte_version if communaute.charte else None
    adhesion.save()
    return adhesion


@transaction.atomic
def communaute_invite(*, by, communaute: Communaute, user) -> Adhesion:
    check_moderator(user=by, communaute=communaute)
    adhesion, created = Adhesion.objects.select_for_update().get_or_create(
        user=user, communaute=communaute, defaults={"etat": Adhesion.Etat.INVITEE}
    )
    if not created and adhesion.etat in (Adhesion.Etat.PARTIE, Adhesion.Etat.DEMANDEE):
        adhesion.etat = Adhesion.Etat.INVITEE
        adhesion.save(update_fields=["etat", "modifie_le"])
        created = True
    if created:
        notifications.adhesion_notify(by=by, adhesion=adhesion)
    return adhesion


@transaction.atomic
def adhesion_approve(*, by, adhesion: Adhesion) -> Adhesion:
    check_moderator(user=by, communaute=adhesion.communaute)
    adhesion = Adhesion.objects.select_for_update().select_related("communaute").get(pk=adhesion.pk)
    if adhesion.etat != Adhesion.Etat.DEMANDEE:
        raise ValidationError(_("Cette demande d'adhésion n'est plus en attente."))
    adhesion.etat = Adhesion.Etat.ACTIVE
    adhesion.save(update_fields=["etat", "modifie_le"])
    ModerationAction.objects.create(
        communaute=adhesion.communaute,
        moderateur=by,
        action=ModerationAction.Action.APPROUVER,
        membre=adhesion.user,
        cible=selectors.display_name(adhesion.user),
    )
    notifications.adhesion_notify(by=by, adhesion=adhesion)
    return adhesion


@transaction.atomic
def communaute_leave(*, user, communaute: Communaute) -> None:
    """Leave the community; the member's open live pages are closed after commit."""
    updated = Adhesion.objects.filter(
        user=user,
        communaute=communaute,
        etat__in=[Adhesion.Etat.ACTIVE, Adhesion.Etat.DEMANDEE, Adhesion.Etat.INVITEE],
    ).update(etat=Adhesion.Etat.PARTIE, role=Adhesion.Role.MEMBRE, modifie_le=timezone.now())
    if updated:
        stream_close_for(communaute=communaute, user_id=user.pk)


@transaction.atomic
def adhesion_ban(
    *, by, adhesion: Adhesion, motif: str, jusqu_au: datetime.datetime | None = None
) -> Adhesion:
    """Exclude a member, for good or until a date; their live pages are closed after commit."""
    check_moderator(user=by, communaute=adhesion.communaute)
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


@transaction.atomic
def communaute_session_ensure(*, session) -> Communaute:
    """The community of a training session, created on first call; its trainers manage it.

    It stays open after the session ends, for follow-up questions and documents.
    """
    departement = session.commune.departement if session.commune_id else None
    communaute, _created = Communaute.objects.get_or_create(
        session=session,
        defaults={
            "nom": str(session)[:150],
            "slug": f"session-{session.pk}",
            "nature": Communaute.Nature.SESSION,
            "visibilite": Communaute.Visibilite.MEMBRES,
            "mode_adhesion": Communaute.ModeAdhesion.SUR_INVITATION,
            "territoire": departement,
        },
    )
    for formateur in session.formateurs.all():
        Adhesion.objects.update_or_create(
            user=formateur,
            communaute=communaute,
            defaults={"role": Adhesion.Role.ANIMATEUR, "etat": Adhesion.Etat.ACTIVE},
        )
    return communaute


@transaction.atomic
def communaute_session_participant_add(*, session, user) -> Adhesion:
    """A confirmed participant joins the community of their session (not if excluded)."""
    communaute = communaute_session_ensure(session=session)
    adhesion, created = Adhesion.objects.select_for_update().get_or_create(
        user=user, communaute=communaute, defaults={"etat": Adhesion.Etat.ACTIVE}
    )
    if not created and adhesion.etat != Adhesion.Etat.BANNIE:
        adhesion.etat = Adhesion.Etat.ACTIVE
        adhesion.save(update_fields=["etat", "modifie_le"])
    return adhesion


@transaction.atomic
def communaute_session_participant_remove(*, session, user) -> None:
    """A participant who no longer holds a place leaves their session's community; its
    trainers stay, and an exclusion stays an exclusion."""
    communaute = Communaute.objects.filter(session=session).first()
    if communaute is None or session.formateurs.filter(pk=user.pk).exists():
        return
    communaute_leave(user=user, communaute=communaute)


# --- publications, replies, reactions ----------------------------------------------------


def _publication_payload(publication: Publication) -> dict:
    return {
        "id": publication.pk,
        "titre": publication.titre,
        "nature": publication.nature,
        "nature_label": str(publication.get_nature_display()),
        "auteur": _auteur(publication.auteur),
        "url": publication.get_absolute_url(),
        "extrait": plain_text(publication.corps)[:280],
        "cree_le": publication.cree_le.isoformat(),
    }


@transaction.atomic
def publication_create(
    *,
    auteur,
    communaute: Communaute,
    titre: str,
    corps: str,
    nature: str = Publication.Nature.DISCUSSION,
    tags: list[str] = (),
    pieces_jointes: list = (),
) -> Publication:
    """Post in a community; a bad attachment refuses the whole publication.

    After commit the open pages hear of it first; its search document and the
    notifications of the members it mentions are left to tasks.
    """
    annonces = Annonces()
    adhesion = check_active_member(user=auteur, communaute=communaute)
    check_open(communaute=communaute)
    if nature == Publication.Nature.ANNONCE and not adhesion.est_animateur:
        raise PermissionDenied(_("Seuls les animateurs peuvent publier une annonce."))
    check_rate(model=Publication, user=auteur, rate=PUBLICATION_RATE)
    tags = sorted({t.strip().lower()[:100] for t in tags if t.strip()})
    if len(tags) > MAX_TAGS:
        raise ValidationError({"tags": _("%(max)d mots-clés au plus.") % {"max": MAX_TAGS}})
    corps, mentionnes = notifications.mentions_prepare(
        communaute=communaute, corps=_clean_body(corps)
    )
    publication = Publication(
        communaute=communaute,
        auteur=auteur,
        nature=nature,
        titre=(titre or "").strip(),
        corps=corps,
    )
    # The community and the author were just read and checked: no query to re-check them.
    publication.full_clean(exclude=["communaute", "auteur"])
    publication.save()
    if tags:
        publication.tags.set(tags)
    if pieces_jointes:
        from .pieces_jointes.services import pieces_jointes_add

        pieces_jointes_add(user=auteur, publication=publication, fichiers=list(pieces_jointes))
    notifications.contribution_notify_later(publication=publication, mentionnes=mentionnes)
    flux_append(
        communaute=communaute,
        nature=FluxEvenement.Nature.PUBLICATION,
        payload={"publication": _publication_payload(publication)},
        annonces=annonces,
    )
    return publication


@transaction.atomic
def publication_update(*, user, publication: Publication, titre: str, corps: str) -> Publication:
    """Its author (or a manager) edits a publication; open pages show the new text live."""
    annonces = Annonces()
    communaute = publication.communaute
    if publication.auteur_id != user.pk:
        check_moderator(user=user, communaute=communaute)
    else:
        check_active_member(user=user, communaute=communaute)
    check_open(communaute=communaute)
    publication.titre = (titre or "").strip()
    publication.corps, mentionnes = notifications.mentions_prepare(
        communaute=communaute, corps=_clean_body(corps)
    )
    publication.full_clean()
    publication.save(update_fields=["titre", "corps", "modifie_le"])
    notifications.contribution_notify_later(publication=publication, mentionnes=mentionnes)
    flux_append(
        communaute=communaute,
        nature=FluxEvenement.Nature.MODIFICATION,
        payload={
            "modification": {
                "publication_id": publication.pk,
                "titre": publication.titre,
                "corps": publication.corps,
            }
        },
        annonces=annonces,
    )
    return publication


@transaction.atomic
def reponse_create(
    *, auteur, publication: Publication, corps: str, pieces_jointes: list = ()
) -> Reponse:
    """Reply to a publication; a bad attachment refuses the whole reply.

    As for a publication, the open pages hear of it first and a task notifies afterwards.
    """
    annonces = Annonces()
    communaute = publication.communaute
    adhesion = check_active_member(user=auteur, communaute=communaute)
    check_open(communaute=communaute)
    if publication.masquee:
        raise PermissionDenied(_("Cette publication a été masquée par la modération."))
    if publication.verrouillee and not adhesion.est_animateur:
        raise PermissionDenied(_("Cette discussion est verrouillée : on ne peut plus y répondre."))
    check_rate(model=Reponse, user=auteur, rate=REPONSE_RATE)
    corps, mentionnes = notifications.mentions_prepare(
        communaute=communaute, corps=_clean_body(corps)
    )
    reponse = Reponse(publication=publication, auteur=auteur, corps=corps)
    reponse.full_clean(exclude=["publication", "auteur"])
    reponse.save()
    if pieces_jointes:
        from .pieces_jointes.services import pieces_jointes_add

        pieces_jointes_add(user=auteur, reponse=reponse, fichiers=list(pieces_jointes))
    notifications.contribution_notify_later(
        publication=publication, mentionnes=mentionnes, reponse=reponse
    )
    flux_append(
        communaute=communaute,
        nature=FluxEvenement.Nature.REPONSE,
        payload={
            "reponse": {
                "id": reponse.pk,
                "publication_id": publication.pk,
                "auteur": _auteur(auteur),
                "corps": reponse.corps,
                "cree_le": reponse.cree_le.isoformat(),
            }
        },
        annonces=annonces,
    )
    return reponse


@transaction.atomic
def reponse_accept(*, user, reponse: Reponse) -> Publication:
    """The author of a question (or a manager) marks the answer that solved it."""
    publication = Publication.objects.select_for_update().get(pk=reponse.publication_id)
    if publication.nature != Publication.Nature.QUESTION:
        raise ValidationError(_("Seule une question peut avoir une réponse acceptée."))
    if publication.auteur_id != user.pk:
        check_moderator(user=user, communaute=publication.communaute)
    publication.reponse_acceptee = reponse
    publication.save(update_fields=["reponse_acceptee", "modifie_le"])
    notifications.reponse_acceptee_notify(by=user, reponse=reponse, publication=publication)
    return publication


@transaction.atomic
def reaction_toggle(
    *,
    user,
    nature: str,
    publication: Publication | None = None,
    reponse: Reponse | None = None,
) -> bool:
    """Add the user's reaction, or remove it if already there; True when it was added."""
    if (publication is None) == (reponse is None):
        raise ValueError("react to exactly one publication or reply")
    if nature not in Reaction.Nature.values:
        raise ValidationError(_("Réaction inconnue."))
    cible = publication or reponse.publication
    check_active_member(user=user, communaute=cible.communaute)
    target = {"publication": publication} if publication else {"reponse": reponse}
    deleted, _detail = Reaction.objects.filter(user=user, nature=nature, **target).delete()
    added = not deleted
    if added:
        try:
            with transaction.atomic():
                Reaction.objects.create(user=user, nature=nature, **target)
        except IntegrityError:
            added = True  # a concurrent toggle of the same user already added it
    counts = dict(
        Reaction.objects.filter(**target)
        .values_list("nature")
        .annotate(n=Count("pk"))
        .values_list("nature", "n")
    )
    flux_append(
        communaute=cible.communaute,
        nature=FluxEvenement.Nature.REACTION,
        payload={
            "reaction": {
                "publication_id": publication.pk if publication else None,
                "reponse_id": reponse.pk if reponse else None,
                "counts": counts,
            }
        },
    )
    return added


@transaction.atomic
def message_salon_create(*, auteur, communaute: Communaute, texte: str) -> MessageSalon:
    """Post to the community's chat room: stored first, broadcast after commit."""
    check_active_member(user=auteur, communaute=communaute)
    check_open(communaute=communaute)
    check_rate(model=MessageSalon, user=auteur, rate=SALON_RATE)
    texte = plain_text(texte or "")
    if not texte:
        raise ValidationError({"texte": _("Le message ne peut pas être vide.")}, code="required")
    # full_clean() does not enforce a TextField's max_length.
    limite = MessageSalon._meta.get_field("texte").max_length
    if len(texte) > limite:
        raise ValidationError(
            {
                "texte": ngettext(
                    "Le message ne peut pas dépasser %(limite)d caractère.",
                    "Le message ne peut pas dépasser %(limite)d caractères.",
                    limite,
                )
                % {"limite": limite}
            },
            code="max_length",
        )
    message = MessageSalon(communaute=communaute, auteur=auteur, texte=texte)
    message.full_clean()
    message.save()
    flux_append(
        communaute=communaute,
        nature=FluxEvenement.Nature.SALON,
        payload={
            "message": {
                "id": message.pk,
                "auteur": _auteur(auteur),
                "texte": message.texte,
                "cree_le": message.cree_le.isoformat(),
            }
        },
    )
    return message


# --- moderation --------------------------------------------------------------------------


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
    check_moderator(user=by, communaute=communaute)
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
    check_moderator(user=by, communaute=communaute)
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
    check_moderator(user=by, communaute=source)
    check_moderator(user=by, communaute=vers)
    check_open(communaute=vers)
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
            payload={"publication": _publication_payload(publication)},
            annonces=annonces,
        )


@transaction.atomic
def publication_set_flags(
    *, by, publication: Publication, epinglee: bool | None = None, verrouillee: bool | None = None
) -> Publication:
    """Pin or unpin, lock or unlock a publication (managers)."""
    check_moderator(user=by, communaute=publication.communaute)
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
    if not auteur.is_authenticated or not selectors.can_view(user=auteur, communaute=communaute):
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
    check_moderator(user=by, communaute=signalement.communaute)
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
