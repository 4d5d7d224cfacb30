"""Reads of the practice-analysis groups; every one takes the user and hides what is not theirs."""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Avg, Count, Max, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from maillage.mixite import Mix, mix_par
from maillage.models import JetonCalendrier
from maillage.selectors import calendar_token_owner
from ressources.annuaire.selectors import Filtres, profil_list, profils_visibles

from . import permissions
from .models import (
    AcceptationCharte,
    Adhesion,
    Apprentissage,
    CasPropose,
    Charte,
    EvaluationSeance,
    Groupe,
    NoteTravail,
    PlanAction,
    QuestionConsultation,
    Seance,
)
from .permissions import Acces, acces_for

# The fewest ratings for which the facilitator sees their mean.
AVIS_MIN = 3


class CharteNonAcceptee(Exception):
    """The user is a member but has not accepted the group's current charter."""

    def __init__(self, groupe: Groupe):
        super().__init__(groupe.slug)
        self.groupe = groupe


def charte_courante(*, groupe: Groupe) -> Charte | None:
    return groupe.charte_courante()


def _groupe_or_404(slug: str) -> Groupe:
    groupe = Groupe.objects.select_related("animateur").filter(slug=slug).first()
    if groupe is None:
        raise Http404
    return groupe


def groupe_for_user(*, user, slug: str) -> tuple[Groupe, Acces]:
    """A group its member (charter accepted) or facilitator may see; 404 for anyone else.

    A member who has not accepted the current charter gets `CharteNonAcceptee`.
    """
    return _groupe_acces(user=user, slug=slug, ouverts=permissions.PARTICIPANTS)


def groupe_ou_invitation_for_user(*, user, slug: str) -> tuple[Groupe, Acces]:
    """As `groupe_for_user`, and an invited person gets the group to answer the invitation
    (`Acces.INVITE`): its name, description and charter, nothing of its content."""
    return _groupe_acces(user=user, slug=slug, ouverts={Acces.INVITE, *permissions.PARTICIPANTS})


def _groupe_acces(*, user, slug: str, ouverts: Collection[Acces]) -> tuple[Groupe, Acces]:
    groupe = _groupe_or_404(slug)
    acces = acces_for(user=user, groupe=groupe)
    if acces == Acces.CHARTE_A_ACCEPTER:
        raise CharteNonAcceptee(groupe)
    if acces not in ouverts:
        raise Http404
    return groupe, acces


def groupe_for_animateur(*, user, slug: str) -> Groupe:
    """A group whose facilitator is the user; 404 for anyone else, members included."""
    groupe = _groupe_or_404(slug)
    if not permissions.can_lead_groupe(user, groupe):
        raise Http404
    return groupe


def charte_for_user(*, user, slug: str) -> tuple[Groupe, Charte | None, Acces, bool]:
    """The current charter for those who may accept it: invited and active members, facilitator.

    Returns the group, the charter, the access level and whether the user accepted it.
    """
    groupe = _groupe_or_404(slug)
    acces = acces_for(user=user, groupe=groupe)
    if not permissions.can_accept_charte(user, groupe, acces=acces):
        raise Http404
    charte = charte_courante(groupe=groupe)
    acceptee = (
        charte is not None and AcceptationCharte.objects.filter(user=user, charte=charte).exists()
    )
    return groupe, charte, acces, acceptee


def groupe_candidature_for_user(*, user, slug: str) -> Groupe:
    """A listed group a person may apply to; unlisted groups do not exist for outsiders."""
    groupe = _groupe_or_404(slug)
    if not permissions.can_find_groupe(user, groupe):
        raise Http404
    return groupe


def groupes_for_user(*, user) -> list[dict]:
    """The user's own groups with their status (animateur, membre, charte, invite, candidat).

    Four queries whatever the number of groups.
    """
    if not user.is_authenticated:
        return []
    adhesions = list(
        Adhesion.objects.filter(
            user=user,
            etat__in=[Adhesion.Etat.ACTIF, Adhesion.Etat.INVITE, Adhesion.Etat.CANDIDAT],
        ).select_related("groupe")
    )
    groupes = {g.pk: (g, Acces.ANIMATEUR) for g in Groupe.objects.filter(animateur=user)}
    ids = [m.groupe_id for m in adhesions]
    courantes = dict(
        Charte.objects.filter(groupe_id__in=ids)
        .values("groupe_id")
        .annotate(version=Max("version"))
        .values_list("groupe_id", "version")
    )
    acceptees = set(
        AcceptationCharte.objects.filter(user=user, charte__groupe_id__in=ids).values_list(
            "charte__groupe_id", "charte__version"
        )
    )
    for m in adhesions:
        if m.groupe_id in groupes:
            continue
        if m.etat == Adhesion.Etat.INVITE:
            acces = Acces.INVITE
        elif m.etat == Adhesion.Etat.CANDIDAT:
            acces = Acces.CANDIDAT
        elif m.groupe_id in courantes and (m.groupe_id, courantes[m.groupe_id]) not in acceptees:
            acces = Acces.CHARTE_A_ACCEPTER
        else:
            acces = Acces.MEMBRE
        groupes[m.groupe_id] = (m.groupe, acces)
    return [
        {"groupe": groupe, "acces": acces.value}
        for groupe, acces in sorted(groupes.values(), key=lambda item: item[0].nom.lower())
    ]


# At most this many people of the directory are offered at once to the facilitator.
ANNUAIRE_MAX = 20


def invitables_annuaire(*, user, groupe: Groupe, texte: str) -> list:
    """People of the directory `user` may see, matching `texte`, not yet in the group.

    Reads the directory through its own selector, so whoever hides their profile from the
    directory is never offered here either; a fixed number of queries.
    """
    texte = (texte or "").strip()[:100]
    if len(texte) < 2:
        return []
    deja = Adhesion.objects.filter(
        groupe=groupe, etat__in=[Adhesion.Etat.ACTIF, Adhesion.Etat.INVITE]
    ).values("user_id")
    return list(
        profil_list(user=user, filtres=Filtres(texte=texte))
        .exclude(user_id=groupe.animateur_id)
        .exclude(user_id__in=deja)[:ANNUAIRE_MAX]
    )


def compte_annuaire(*, user, pk: int | None):
    """The account behind a directory entry `user` may see, for an invitation; else None."""
    if pk is None:
        return None
    profil = profils_visibles(user=user).filter(user_id=pk).select_related("user").first()
    return profil.user if profil else None


def groupes_listes(*, user) -> QuerySet[Groupe]:
    """Listed groups the user is not part of: only their name, method and description show."""
    return (
        Groupe.objects.filter(non_liste=False)
        .exclude(animateur=user)
        .exclude(
            pk__in=Adhesion.objects.filter(
                user=user,
                etat__in=[
                    Adhesion.Etat.ACTIF,
                    Adhesion.Etat.INVITE,
                    Adhesion.Etat.CANDIDAT,
                ],
            ).values("groupe_id")
        )
        .order_by("nom")
    )


def membres_actifs(*, groupe: Groupe) -> QuerySet[Adhesion]:
    return (
        Adhesion.objects.filter(groupe=groupe, etat=Adhesion.Etat.ACTIF)
        .select_related("user")
        .order_by("rejoint_le", "pk")
    )


def adhesions_en_attente(*, groupe: Groupe) -> QuerySet[Adhesion]:
    return (
        Adhesion.objects.filter(
            groupe=groupe, etat__in=[Adhesion.Etat.INVITE, Adhesion.Etat.CANDIDAT]
        )
        .select_related("user")
        .order_by("cree_le")
    )


def reseaux_mix(*, groupe: Groupe) -> Mix:
    """How many active members come from each réseau (through their structure), one query;
    the same figure as a session's."""
    membres = Adhesion.objects.filter(groupe=groupe, etat=Adhesion.Etat.ACTIF)
    return mix_par(membres, cle="groupe_id").get(groupe.pk) or Mix()


def seances_of(*, groupe: Groupe) -> QuerySet[Seance]:
    return Seance.objects.filter(groupe=groupe).select_related("client").order_by("date", "pk")


def seance_for_user(*, user, pk: int) -> tuple[Seance, Acces]:
    """A séance of a group the user may see (see `groupe_for_user`); 404 otherwise."""
    seance = Seance.objects.select_related("groupe", "client", "scribe").filter(pk=pk).first()
    if seance is None:
        raise Http404
    acces = acces_for(user=user, groupe=seance.groupe)
    if acces == Acces.CHARTE_A_ACCEPTER:
        raise CharteNonAcceptee(seance.groupe)
    if not permissions.can_take_part(user, seance.groupe, acces=acces):
        raise Http404
    return seance, acces


def clients_proposes(*, groupe: Groupe) -> list:
    """Active members who have not yet been client (or narrator), longest-standing first."""
    deja = Seance.objects.filter(groupe=groupe, client__isnull=False).values("client_id")
    return [
        m.user
        for m in membres_actifs(groupe=groupe)
        .exclude(user_id__in=deja)
        .exclude(user_id=groupe.animateur_id)
    ]


def plan_precedent(*, seance: Seance) -> PlanAction | None:
    """The action plan of the group's previous séance, for step 0 follow-up."""
    return (
        PlanAction.objects.filter(seance__groupe_id=seance.groupe_id)
        .exclude(seance=seance)
        .filter(seance__date__lte=seance.date)
        .select_related("auteur", "seance")
        .order_by("-seance__date", "-seance_id")
        .first()
    )


def seance_state(*, seance: Seance) -> dict:
    """The shared live state of a séance: phase, instructions, timer, roles."""
    phases = seance.phases
    phase = seance.phase
    return {
        "type": "etat",
        "seance": seance.pk,
        "version": seance.version,
        "etat": seance.etat,
        "phase": {
            "index": seance.phase_index,
            "code": phase.code,
            "titre": str(phase.titre),
            "consigne": str(phase.consigne),
            "duree": phase.duree_secondes + seance.extension,
        },
        "phases_total": len(phases),
        "paused": seance.paused,
        "remaining_seconds": seance.remaining_seconds(timezone.now()),
        "statut": _statut(seance),
        "client": _nom(seance.client),
        "scribe": _nom(seance.scribe),
        "question": QuestionConsultation.objects.filter(seance_id=seance.pk)
        .values_list("texte", flat=True)
        .first(),
    }


def _statut(seance: Seance) -> dict:
    """The badge of the séance: planned, running, paused or ended, with its French label."""
    if seance.etat == Seance.Etat.EN_COURS:
        if seance.paused:
            return {"code": "pause", "libelle": _("En pause")}
        return {"code": "en_cours", "libelle": _("En cours")}
    if seance.etat == Seance.Etat.TERMINEE:
        return {"code": "terminee", "libelle": _("Terminée")}
    return {"code": "planifiee", "libelle": _("Planifiée")}


def _nom(user) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.username


def seance_state_for_user(*, user, pk: int) -> dict | None:
    """The live state for a member (charter accepted) or the facilitator, else None."""
    try:
        seance, _acces = seance_for_user(user=user, pk=pk)
    except (Http404, CharteNonAcceptee):
        return None
    return seance_state(seance=seance)


def seance_contenu_for_user(*, user, seance: Seance) -> dict:
    """What a participant sees of a séance besides the live state."""
    return {
        "question": QuestionConsultation.objects.filter(seance=seance).first(),
        "plan": PlanAction.objects.filter(seance=seance).first(),
        "plan_precedent": plan_precedent(seance=seance),
        "mon_apprentissage": Apprentissage.objects.filter(seance=seance, auteur=user).first(),
        "apprentissages": Apprentissage.objects.filter(seance=seance)
        .select_related("auteur")
        .order_by("cree_le"),
        "notes": NoteTravail.objects.filter(seance=seance)
        .select_related("auteur")
        .order_by("cree_le"),
        "mon_evaluation": EvaluationSeance.objects.filter(seance=seance, user=user).first(),
    }


def evaluation_aggregate(*, user, seance: Seance) -> dict | None:
    """Count and mean usefulness, for the facilitator only; never individual ratings.

    Below `AVIS_MIN` ratings the mean would give away who rated what, so it is withheld.
    """
    if not permissions.can_lead_groupe(user, seance.groupe):
        return None
    result = EvaluationSeance.objects.filter(seance=seance).aggregate(
        total=Count("pk"), moyenne=Avg("utilite")
    )
    if result["total"] < AVIS_MIN:
        result["moyenne"] = None
    return result


def adhesions_of(*, groupe: Groupe) -> QuerySet[Adhesion]:
    return Adhesion.objects.filter(groupe=groupe).select_related("user")


def cas_for_user(*, user, pk: int) -> tuple[CasPropose, Acces]:
    """A proposed case, for its client (even after leaving) and the group's participants."""
    cas = CasPropose.objects.select_related("seance__groupe", "client").filter(pk=pk).first()
    if cas is None:
        raise Http404
    acces = acces_for(user=user, groupe=cas.seance.groupe)
    if cas.client_id == user.pk:
        return cas, acces
    if acces == Acces.CHARTE_A_ACCEPTER:
        raise CharteNonAcceptee(cas.seance.groupe)
    if not permissions.can_take_part(user, cas.seance.groupe, acces=acces):
        raise Http404
    return cas, acces


def cas_of_seance(*, seance: Seance) -> QuerySet[CasPropose]:
    return CasPropose.objects.filter(seance=seance).order_by("-cree_le")


# --- agenda and dashboard ----------------------------------------------------------------

PARTICIPANTS = {acces.value for acces in permissions.PARTICIPANTS}
SEANCES_AU_TABLEAU = 3


def seances_for_jeton(*, jeton: str) -> list[Seance] | None:
    """The séances of the groups the feed's owner takes part in now; None for an unknown token.

    Access is read again at every request (six queries): leaving or being removed from a
    group, or a charter version not yet accepted, takes that group's séances out of the feed.
    """
    proprietaire = calendar_token_owner(jeton=jeton, flux=JetonCalendrier.Flux.SEANCES)
    if proprietaire is None:
        return None
    if not proprietaire.is_active:
        return []
    groupes = [
        item["groupe"].pk
        for item in groupes_for_user(user=proprietaire)
        if item["acces"] in PARTICIPANTS
    ]
    return list(
        Seance.objects.filter(groupe_id__in=groupes).select_related("groupe").order_by("date", "pk")
    )


@dataclass(frozen=True)
class LigneTableau:
    """One line of the dashboard block, rendered as a link."""

    texte: str
    url: str

    def __str__(self) -> str:
        return self.texte

    def get_absolute_url(self) -> str:
        return self.url


def _ligne_participant(groupe: Groupe, seances: list[Seance]) -> LigneTableau:
    en_cours = next((s for s in seances if s.etat == Seance.Etat.EN_COURS), None)
    if en_cours is not None:
        return LigneTableau(
            _("%(groupe)s — séance en cours : rejoignez-la") % {"groupe": groupe.nom},
            reverse("analyse_pratiques:seance", args=[en_cours.pk]),
        )
    url = reverse("analyse_pratiques:groupe", args=[groupe.slug])
    if not seances:
        return LigneTableau(
            _("%(groupe)s — aucune séance programmée") % {"groupe": groupe.nom}, url
        )
    dates = ", ".join(
        formats.date_format(timezone.localtime(s.date), "DATETIME_FORMAT")
        for s in seances[:SEANCES_AU_TABLEAU]
    )
    return LigneTableau(
        _("%(groupe)s — prochaines séances : %(dates)s") % {"groupe": groupe.nom, "dates": dates},
        url,
    )


def lignes_tableau(*, user) -> list[LigneTableau]:
    """The user's groups with their next séances (five queries whatever the number).

    Only a participant (member with the current charter accepted, or facilitator) sees
    séances; an invitation or a new charter shows as a link to the charter; nothing else.
    """
    groupes = groupes_for_user(user=user)
    participant = [item["groupe"].pk for item in groupes if item["acces"] in PARTICIPANTS]
    a_venir = defaultdict(list)
    for seance in (
        Seance.objects.filter(groupe_id__in=participant)
        .filter(
            Q(etat=Seance.Etat.EN_COURS) | Q(etat=Seance.Etat.PLANIFIEE, date__gte=timezone.now())
        )
        .order_by("date", "pk")
    ):
        a_venir[seance.groupe_id].append(seance)
    lignes = []
    for item in groupes:
        groupe, acces = item["groupe"], item["acces"]
        if acces in PARTICIPANTS:
            lignes.append(_ligne_participant(groupe, a_venir[groupe.pk]))
        elif acces in (Acces.INVITE.value, Acces.CHARTE_A_ACCEPTER.value):
            lignes.append(
                LigneTableau(
                    _("%(groupe)s — charte à accepter") % {"groupe": groupe.nom},
                    reverse("analyse_pratiques:charte", args=[groupe.slug]),
                )
            )
    return lignes


def dashboard_section(user):
    """The "my practice-analysis groups" block of the personal dashboard."""
    from maillage.selectors import DashboardSection

    return DashboardSection(
        key="analyse-pratiques",
        title=_("Mes groupes d'analyse de pratiques"),
        items=lignes_tableau(user=user),
        empty_message=_("Vous ne faites partie d'aucun groupe d'analyse de pratiques."),
        action_label=_("Mes groupes"),
        action_url=reverse("analyse_pratiques:mes_groupes"),
    )
