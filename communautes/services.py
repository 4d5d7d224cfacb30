"""Writes of the communities: check (authorise, validate) → write → broadcast after commit."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from maillage.models import Territoire, Thematique

from . import permissions, selectors
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
)
from .notifications import services as notifications
from .richtext import plain_text, sanitize

# Posting rate limits: (how many, over how long), per author across all communities.
PUBLICATION_RATE = (10, datetime.timedelta(minutes=10))
REPONSE_RATE = (30, datetime.timedelta(minutes=10))
SALON_RATE = (20, datetime.timedelta(minutes=1))
MAX_TAGS = 8


# --- checks ------------------------------------------------------------------------------


# Reasons of refusal that more than one check gives.
MEMBRES_SEULEMENT = gettext_lazy("Vous devez être membre de cette communauté pour y participer.")
ANIMATEURS_SEULEMENT = gettext_lazy("Seuls les animateurs de cette communauté peuvent faire cela.")


def check_active_member(*, user, communaute: Communaute) -> Adhesion:
    """The user's membership, read afresh; refused unless active."""
    adhesion = permissions.adhesion_for(user, communaute)
    if not permissions.is_active_member(user, communaute, adhesion=adhesion):
        raise PermissionDenied(MEMBRES_SEULEMENT)
    return adhesion


def check_open(*, communaute: Communaute) -> None:
    if communaute.fermee:
        raise PermissionDenied(
            _("Cette communauté est fermée : elle reste consultable en archive.")
        )


def check_can_post(*, user, communaute: Communaute) -> Adhesion:
    """`permissions.can_post`, refused with its reason: not a member, or a closed community."""
    adhesion = check_active_member(user=user, communaute=communaute)
    check_open(communaute=communaute)
    return adhesion


def check_moderator(*, user, communaute: Communaute) -> None:
    if not permissions.can_moderate(user, communaute):
        raise PermissionDenied(ANIMATEURS_SEULEMENT)


def check_can_edit(*, user, cible: Publication | Reponse) -> None:
    """`permissions.can_edit_publication` (or `can_edit_reponse`), refused with its reason."""
    if isinstance(cible, Publication):
        autorise = permissions.can_edit_publication(user, cible)
    else:
        autorise = permissions.can_edit_reponse(user, cible)
    if not autorise:
        raise PermissionDenied(
            MEMBRES_SEULEMENT if cible.auteur_id == user.pk else ANIMATEURS_SEULEMENT
        )


def check_can_reply(*, user, publication: Publication) -> Adhesion:
    """`permissions.can_reply`, refused with the reason of the first rule not met."""
    adhesion = check_can_post(user=user, communaute=publication.communaute)
    if publication.masquee:
        raise PermissionDenied(_("Cette publication a été masquée par la modération."))
    if not permissions.can_reply(user, publication, adhesion=adhesion):
        raise PermissionDenied(_("Cette discussion est verrouillée : on ne peut plus y répondre."))
    return adhesion


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
    if not permissions.can_see_community(user, communaute, adhesion=adhesion):
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


def publication_payload(publication: Publication) -> dict:
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
    adhesion = check_can_post(user=auteur, communaute=communaute)
    if nature == Publication.Nature.ANNONCE and not permissions.can_announce(
        auteur, communaute, adhesion=adhesion
    ):
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
        payload={"publication": publication_payload(publication)},
        annonces=annonces,
    )
    return publication


@transaction.atomic
def publication_update(*, user, publication: Publication, titre: str, corps: str) -> Publication:
    """Its author (or a manager) edits a publication; open pages show the new text live."""
    annonces = Annonces()
    communaute = publication.communaute
    check_can_edit(user=user, cible=publication)
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
    check_can_reply(user=auteur, publication=publication)
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
    if not permissions.can_accept_reponse(user, publication):
        raise PermissionDenied(ANIMATEURS_SEULEMENT)
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
    check_can_post(user=auteur, communaute=communaute)
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
