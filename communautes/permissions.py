"""Who may do what in the communities: each rule once, for services, views, consumers, templates.

A predicate that depends on the user's membership reads it (one query) unless the caller
passes the one it already holds as `adhesion=` (None for "not a member"): a page reads it
once and asks every question of it.
"""

from .models import (
    Adhesion,
    Communaute,
    Evenement,
    ParticipationEvenement,
    Publication,
    Reponse,
)

# Memberships that let a user see that a private (unlisted) community exists.
ETATS_CONNAISSANT_PRIVEE = (Adhesion.Etat.ACTIVE, Adhesion.Etat.INVITEE)


class _NotRead:
    """The default of `adhesion=`: the predicate reads the membership itself."""

    def __repr__(self) -> str:
        return "NOT_READ"


NOT_READ = _NotRead()


def adhesion_for(user, communaute: Communaute) -> Adhesion | None:
    """The user's membership of the community, whatever its state (None for visitors)."""
    if not user.is_authenticated:
        return None
    return Adhesion.objects.filter(user=user, communaute=communaute).first()


def _membership(user, communaute: Communaute, adhesion) -> Adhesion | None:
    return adhesion_for(user, communaute) if adhesion is NOT_READ else adhesion


def is_administrator(user) -> bool:
    """Platform administrators see and manage every community."""
    return user.is_authenticated and user.is_superuser


def is_active_member(user, communaute: Communaute, *, adhesion=NOT_READ) -> bool:
    if not user.is_authenticated:
        return False
    adhesion = _membership(user, communaute, adhesion)
    return adhesion is not None and adhesion.etat == Adhesion.Etat.ACTIVE


def can_moderate(user, communaute: Communaute, *, adhesion=NOT_READ) -> bool:
    """Managers (animateurs) of the community and platform administrators."""
    if not user.is_authenticated:
        return False
    if is_administrator(user):
        return True
    adhesion = _membership(user, communaute, adhesion)
    return adhesion is not None and adhesion.est_animateur


def can_see_community(user, communaute: Communaute, *, adhesion=NOT_READ) -> bool:
    """Whether the user may know the community exists (its name, about and charter)."""
    if communaute.visibilite != Communaute.Visibilite.PRIVEE:
        return True
    if not user.is_authenticated:
        return False
    if is_administrator(user):
        return True
    adhesion = _membership(user, communaute, adhesion)
    return adhesion is not None and adhesion.etat in ETATS_CONNAISSANT_PRIVEE


def can_read_community(user, communaute: Communaute, *, adhesion=NOT_READ) -> bool:
    """Whether the user may read the publications of the community."""
    if communaute.visibilite == Communaute.Visibilite.PUBLIQUE or is_administrator(user):
        return True
    return is_active_member(user, communaute, adhesion=adhesion)


def can_see_members(user, communaute: Communaute, *, adhesion=NOT_READ) -> bool:
    """The member list is for the community's members and the platform's staff only."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return is_active_member(user, communaute, adhesion=adhesion)


def can_report(user, communaute: Communaute, *, adhesion=NOT_READ) -> bool:
    """Signed-in readers report a publication or a reply to the managers."""
    return user.is_authenticated and can_read_community(user, communaute, adhesion=adhesion)


def can_post(user, communaute: Communaute, *, adhesion=NOT_READ) -> bool:
    """Publish and chat: active members, while the community is open."""
    return not communaute.fermee and is_active_member(user, communaute, adhesion=adhesion)


def can_reply(user, publication: Publication, *, adhesion=NOT_READ) -> bool:
    """Who may post in the community, to a publication moderation has not hidden; once it is
    locked, its managers only."""
    if publication.masquee:
        return False
    communaute = publication.communaute
    adhesion = _membership(user, communaute, adhesion)
    return can_post(user, communaute, adhesion=adhesion) and (
        not publication.verrouillee or adhesion.est_animateur
    )


def _can_edit(user, auteur_id: int, communaute: Communaute, adhesion) -> bool:
    if is_administrator(user):
        return True
    adhesion = _membership(user, communaute, adhesion)
    if can_moderate(user, communaute, adhesion=adhesion):
        return True
    return auteur_id == user.pk and is_active_member(user, communaute, adhesion=adhesion)


def can_edit_publication(user, publication: Publication, *, adhesion=NOT_READ) -> bool:
    """Its author while an active member of the community, its managers, administrators."""
    return _can_edit(user, publication.auteur_id, publication.communaute, adhesion)


def can_edit_reponse(user, reponse: Reponse, *, adhesion=NOT_READ) -> bool:
    """As a publication: its author while an active member, the managers, administrators."""
    return _can_edit(user, reponse.auteur_id, reponse.publication.communaute, adhesion)


def can_announce(user, communaute: Communaute, *, adhesion=NOT_READ) -> bool:
    """Announcements (publications of the kind "annonce") are for the managers who post."""
    adhesion = _membership(user, communaute, adhesion)
    return can_post(user, communaute, adhesion=adhesion) and adhesion.est_animateur


def can_accept_reponse(user, publication: Publication, *, adhesion=NOT_READ) -> bool:
    """The author of the question marks the answer that solved it, or a manager does."""
    if user.is_authenticated and publication.auteur_id == user.pk:
        return True
    return can_moderate(user, publication.communaute, adhesion=adhesion)


# --- events --------------------------------------------------------------------------------


def can_see_evenement(user, evenement: Evenement, *, adhesion=NOT_READ) -> bool:
    """Whoever may read the community's publications, unless moderation hid the event."""
    communaute = evenement.publication.communaute
    if not can_read_community(user, communaute, adhesion=adhesion):
        return False
    return not evenement.publication.masquee or can_moderate(user, communaute, adhesion=adhesion)


def can_propose_evenement(user, communaute: Communaute, *, adhesion=NOT_READ) -> bool:
    """Those who may post, if they manage the community or it lets every member organise."""
    adhesion = _membership(user, communaute, adhesion)
    return can_post(user, communaute, adhesion=adhesion) and (
        adhesion.est_animateur or communaute.evenements_par_membres
    )


def can_see_visio_link(user, evenement: Evenement, *, adhesion=NOT_READ) -> bool:
    """The video link goes to registered participants and to those who may edit the event;
    the page and the .ics both ask this, so a calendar never reveals more than the page.

    The user's registration is read unless the event carries it (`ma_participation`).
    """
    if not user.is_authenticated:
        return False
    if can_edit_publication(user, evenement.publication, adhesion=adhesion):
        return True
    if hasattr(evenement, "ma_participation"):
        participation = evenement.ma_participation
        return (
            participation is not None and participation.etat == ParticipationEvenement.Etat.INSCRIT
        )
    return evenement.participations.filter(
        user=user, etat=ParticipationEvenement.Etat.INSCRIT
    ).exists()
