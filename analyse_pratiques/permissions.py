"""Who may do what in a practice-analysis group: each rule written once, read by the selectors,
the services, the views, the live consumer (through the selectors) and the templates.

Most rules depend on the user's `Acces` to the group, which costs up to three queries: a
caller that already holds it passes it as `acces=`, a template through the tags of
`analyse_pratiques.templatetags.analyse_pratiques`.
"""

import enum

from maillage import roles

from .models import AcceptationCharte, Adhesion, CasPropose, Groupe, Seance


class Acces(enum.Enum):
    """What a user may do in a group."""

    AUCUN = "aucun"
    INVITE = "invite"
    CANDIDAT = "candidat"
    CHARTE_A_ACCEPTER = "charte"
    MEMBRE = "membre"
    ANIMATEUR = "animateur"


# Who takes part in the group's life (séances, notes, cases, live pages): the facilitator and
# the active members who accepted the current charter.
PARTICIPANTS = frozenset({Acces.MEMBRE, Acces.ANIMATEUR})
# Who reads the current charter and may accept it.
LECTEURS_CHARTE = frozenset({Acces.INVITE, Acces.CHARTE_A_ACCEPTER, *PARTICIPANTS})


def acces_for(*, user, groupe: Groupe) -> Acces:
    """The single place deciding what a user may see of a group."""
    if not user.is_authenticated:
        return Acces.AUCUN
    if groupe.animateur_id == user.pk:
        return Acces.ANIMATEUR
    etat = Adhesion.objects.filter(groupe=groupe, user=user).values_list("etat", flat=True).first()
    if etat == Adhesion.Etat.INVITE:
        return Acces.INVITE
    if etat == Adhesion.Etat.CANDIDAT:
        return Acces.CANDIDAT
    if etat != Adhesion.Etat.ACTIF:
        return Acces.AUCUN
    charte = groupe.charte_courante()
    if (
        charte is not None
        and not AcceptationCharte.objects.filter(user=user, charte=charte).exists()
    ):
        return Acces.CHARTE_A_ACCEPTER
    return Acces.MEMBRE


def participant_ids(*, groupe: Groupe) -> list[int]:
    """Who takes part in the group now (`PARTICIPANTS`, as `acces_for` decides it one user at
    a time): the facilitator and the active members who accepted the current charter (two
    queries). The live séance pages check every event against this list."""
    charte = groupe.charte_courante()
    membres = Adhesion.objects.filter(groupe=groupe, etat=Adhesion.Etat.ACTIF)
    if charte is not None:
        membres = membres.filter(user__acceptations_charte__charte=charte)
    return [groupe.animateur_id, *membres.values_list("user_id", flat=True)]


def _acces(user, groupe: Groupe, acces: Acces | None) -> Acces:
    return acces_for(user=user, groupe=groupe) if acces is None else acces


def _acces_cas(user, cas: CasPropose, acces: Acces | None) -> Acces:
    # `cas.seance` is read only when needed: a listed case may not have it loaded.
    return acces_for(user=user, groupe=cas.seance.groupe) if acces is None else acces


# --- groups ------------------------------------------------------------------------------


def can_create_groupe(user) -> bool:
    """Facilitators (role Animateur) and staff may create practice-analysis groups."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or roles.user_has_role(user, roles.ANIMATEUR)


def can_lead_groupe(user, groupe: Groupe) -> bool:
    """The group's facilitator alone invites, approves and removes members, publishes the
    charter, schedules the séances, names their roles, steers them and sees their ratings."""
    return user.is_authenticated and groupe.animateur_id == user.pk


def can_take_part(user, groupe: Groupe, *, acces: Acces | None = None) -> bool:
    """Sees the group's séances and cases, writes in them, follows them live."""
    return _acces(user, groupe, acces) in PARTICIPANTS


def can_accept_charte(user, groupe: Groupe, *, acces: Acces | None = None) -> bool:
    """Reads and accepts the current charter: invited people (accepting is how they join),
    members and the facilitator."""
    return _acces(user, groupe, acces) in LECTEURS_CHARTE


def can_find_groupe(user, groupe: Groupe, *, acces: Acces | None = None) -> bool:
    """A listed group is there for anyone; an unlisted one exists only for those it concerns."""
    return not groupe.non_liste or _acces(user, groupe, acces) != Acces.AUCUN


def can_apply_to_groupe(user, groupe: Groupe) -> bool:
    """A listed group takes applications, from anyone but its facilitator."""
    return not groupe.non_liste and user.pk != groupe.animateur_id


# --- séances -----------------------------------------------------------------------------


def can_write_as_client(user, seance: Seance, *, acces: Acces | None = None) -> bool:
    """The séance's client (or narrator) writes its consultation question and action plan."""
    return seance.client_id == user.pk and can_take_part(user, seance.groupe, acces=acces)


def can_rate_seance(user, seance: Seance, *, acces: Acces | None = None) -> bool:
    """Members rate a séance; the facilitator does not rate their own."""
    return _acces(user, seance.groupe, acces) == Acces.MEMBRE


# --- from a situation to the case library ------------------------------------------------


def can_propose_cas(user, seance: Seance, *, acces: Acces | None = None) -> bool:
    """The client of a séance, an active member, proposes their own situation as a case."""
    return seance.client_id == user.pk and _acces(user, seance.groupe, acces) == Acces.MEMBRE


def can_edit_cas(user, cas: CasPropose, *, acces: Acces | None = None) -> bool:
    """The client edits their proposal and sends it to review, while they take part in the
    group (the draft state is checked apart)."""
    return cas.client_id == user.pk and _acces_cas(user, cas, acces) in PARTICIPANTS


def can_review_cas(user, cas: CasPropose, *, acces: Acces | None = None) -> bool:
    """The facilitator and the members, never the client, review a proposal."""
    return cas.client_id != user.pk and _acces_cas(user, cas, acces) in PARTICIPANTS


def can_replace_signals(user, cas: CasPropose, *, acces: Acces | None = None) -> bool:
    """Flagged tokens are replaced by the client in the draft, by a reviewer in review."""
    if cas.etat == CasPropose.Etat.BROUILLON:
        return can_edit_cas(user, cas, acces=acces)
    if cas.etat == CasPropose.Etat.EN_RELECTURE:
        return can_review_cas(user, cas, acces=acces)
    return False


def can_dismiss_signals(user, cas: CasPropose, *, acces: Acces | None = None) -> bool:
    """Only a reviewer, during the review, keeps a flagged token as it is (with a reason)."""
    return cas.etat == CasPropose.Etat.EN_RELECTURE and can_review_cas(user, cas, acces=acces)


def can_withdraw_consentement(user, cas: CasPropose) -> bool:
    """The client withdraws their consent at any time, even after leaving the group."""
    return cas.client_id == user.pk
