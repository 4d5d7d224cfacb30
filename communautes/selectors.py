"""Reads of the communities; every read of restricted content takes the user it reads for."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from . import permissions
from .models import (
    Adhesion,
    Communaute,
    FluxEvenement,
    MessageSalon,
    PieceJointe,
    Publication,
    Reaction,
    Reponse,
)


def _with_member_count(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(
        nb_membres=Count("adhesions", filter=Q(adhesions__etat=Adhesion.Etat.ACTIVE))
    )


def communaute_list_visible(*, user) -> QuerySet:
    """Listed communities: public and members-only ones, private ones only for their members."""
    queryset = Communaute.objects.select_related("territoire")
    if not permissions.is_administrator(user):
        condition = ~Q(visibilite=Communaute.Visibilite.PRIVEE)
        if user.is_authenticated:
            condition |= Q(
                Exists(
                    Adhesion.objects.filter(
                        communaute=OuterRef("pk"),
                        user=user,
                        etat__in=permissions.ETATS_CONNAISSANT_PRIVEE,
                    )
                )
            )
        queryset = queryset.filter(condition)
    return _with_member_count(queryset).order_by("nom")


def communaute_get_for(*, user, slug: str, with_member_count: bool = True) -> Communaute:
    """The community the user may know of; Communaute.DoesNotExist otherwise (a 404)."""
    queryset = Communaute.objects.select_related("territoire")
    if with_member_count:
        queryset = _with_member_count(queryset)
    communaute = queryset.get(slug=slug)
    if not permissions.can_see_community(user, communaute):
        raise Communaute.DoesNotExist
    return communaute


def communautes_of(*, user) -> QuerySet:
    """The communities the user is an active member of."""
    if not user.is_authenticated:
        return Communaute.objects.none()
    # Filter through a subquery: a join on the user's own membership would also narrow the
    # members counted to that one row.
    mes_adhesions = Adhesion.objects.filter(user=user, etat=Adhesion.Etat.ACTIVE)
    return _with_member_count(
        Communaute.objects.filter(pk__in=mes_adhesions.values("communaute_id"))
    ).order_by("nom")


def communautes_suggerees(*, user, limit: int = 6) -> list[Communaute]:
    """Territorial communities of the member's structure, thematic ones of the profile."""
    from maillage.models import Profil

    profil = (
        Profil.objects.select_related("structure__commune__departement").filter(user=user).first()
    )
    if profil is None:
        return []
    condition = Q()
    if profil.structure_id:
        departement = profil.structure.commune.departement
        territoires = [departement.pk] + ([departement.parent_id] if departement.parent_id else [])
        condition |= Q(nature=Communaute.Nature.TERRITORIALE, territoire__in=territoires)
    condition |= Q(nature=Communaute.Nature.THEMATIQUE, thematiques__in=profil.thematiques.all())
    deja = Adhesion.objects.filter(
        user=user, etat__in=[Adhesion.Etat.ACTIVE, Adhesion.Etat.BANNIE]
    ).values("communaute_id")
    # The themes join repeats rows: count members over the matching ids only.
    ids = Communaute.objects.filter(condition).values("pk")
    return list(
        _with_member_count(
            Communaute.objects.filter(pk__in=ids)
            .exclude(visibilite=Communaute.Visibilite.PRIVEE)
            .exclude(pk__in=deja)
        ).order_by("-nb_membres", "nom")[:limit]
    )


class Tri:
    RECENTES = "recentes"
    SANS_REPONSE = "sans-reponse"
    EPINGLEES = "epinglees"
    CHOICES = (RECENTES, SANS_REPONSE, EPINGLEES)


def publication_list(
    *, communaute: Communaute, user, tri: str = Tri.RECENTES, limit: int = 50
) -> list[Publication]:
    """A page of publications in three queries whatever its length; empty if not allowed."""
    adhesion = permissions.adhesion_for(user, communaute)
    if not permissions.can_read_community(user, communaute, adhesion=adhesion):
        return []
    queryset = (
        Publication.objects.filter(communaute=communaute)
        .select_related("auteur", "communaute")
        .prefetch_related("tags")
        .annotate(nb_reponses=Count("reponses", filter=Q(reponses__masquee=False)))
    )
    if not permissions.can_moderate(user, communaute, adhesion=adhesion):
        queryset = queryset.filter(masquee=False)
    if tri == Tri.SANS_REPONSE:
        queryset = queryset.filter(
            nature=Publication.Nature.QUESTION, reponse_acceptee__isnull=True, nb_reponses=0
        ).order_by("cree_le", "pk")
    elif tri == Tri.EPINGLEES:
        queryset = queryset.filter(epinglee=True).order_by("-cree_le", "-pk")
    else:
        queryset = queryset.order_by("-epinglee", "-cree_le", "-pk")
    return list(queryset[:limit])


@dataclass
class ReactionSummary:
    """Reaction counts of one publication or reply, and those of the reading user."""

    counts: dict = field(default_factory=dict)
    mine: set = field(default_factory=set)


def publication_get_for(*, user, communaute: Communaute, pk: int) -> Publication:
    """A publication the user may read, without its replies (the forms that post to it).

    Raises Publication.DoesNotExist when the user may not read it.
    """
    adhesion = permissions.adhesion_for(user, communaute)
    if not permissions.can_read_community(user, communaute, adhesion=adhesion):
        raise Publication.DoesNotExist
    moderateur = permissions.can_moderate(user, communaute, adhesion=adhesion)
    publications = Publication.objects.filter(communaute=communaute)
    if not moderateur:
        publications = publications.filter(masquee=False)
    publication = publications.select_related("auteur").get(pk=pk)
    publication.communaute = communaute
    publication.peut_moderer = moderateur
    publication.peut_modifier = permissions.can_edit_publication(
        user, publication, adhesion=adhesion
    )
    return publication


# Replies per page of a discussion: the first screen, and each chunk loaded after it.
REPONSES_PAR_PAGE = 20


@dataclass
class Discussion:
    """One page of a discussion as a given reader sees it."""

    publication: Publication
    reponses: list[Reponse]
    page: int
    pages: int
    nb_reponses: int
    adhesion: Adhesion | None
    membre: bool
    moderateur: bool
    # (reply id, nature) of the reader's own reactions to the replies of this page.
    mes_reactions: set = field(default_factory=set)

    @property
    def precedente(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    @property
    def suivante(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None


def _reponses_visibles(publication: Publication, moderateur: bool) -> QuerySet:
    reponses = Reponse.objects.filter(publication=publication)
    return reponses if moderateur else reponses.filter(masquee=False)


def discussion_page(*, user, communaute: Communaute, pk: int, page: int = 1) -> Discussion:
    """A page of a discussion in a fixed number of queries, whatever its length.

    The publication, then `REPONSES_PAR_PAGE` replies with their authors, attachments and
    reaction counts. A page number out of range gives the nearest page. Raises
    Publication.DoesNotExist when the user may not read it.
    """
    # One membership query answers read, moderate and member.
    adhesion = permissions.adhesion_for(user, communaute)
    if not permissions.can_read_community(user, communaute, adhesion=adhesion):
        raise Publication.DoesNotExist
    moderateur = permissions.can_moderate(user, communaute, adhesion=adhesion)
    publications = Publication.objects.filter(communaute=communaute)
    if not moderateur:
        publications = publications.filter(masquee=False)
    publication = (
        publications.select_related("auteur")
        .prefetch_related("tags")
        .annotate(
            nb_reponses_visibles=Coalesce(
                Subquery(
                    _reponses_visibles(OuterRef("pk"), moderateur)
                    .order_by()
                    .values("publication")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
            # Where the live stream of the community stands, for the page's script.
            dernier_evenement=Subquery(
                FluxEvenement.objects.filter(communaute_id=OuterRef("communaute_id"))
                .order_by("-id")
                .values("id")[:1]
            ),
        )
        .get(pk=pk)
    )
    publication.communaute = communaute
    publication.peut_moderer = moderateur
    nb_reponses = publication.nb_reponses_visibles
    pages = max(1, -(-nb_reponses // REPONSES_PAR_PAGE))
    page = min(max(1, page), pages)
    debut = (page - 1) * REPONSES_PAR_PAGE
    reponses = list(
        _reponses_visibles(publication, moderateur)
        .select_related("auteur")
        .order_by("cree_le", "pk")[debut : debut + REPONSES_PAR_PAGE]
    )
    ids = [reponse.pk for reponse in reponses]
    # The publication's attachments and those of the page's replies, in one query.
    pieces: dict[tuple[str, int], list] = defaultdict(list)
    for piece in PieceJointe.objects.filter(
        Q(publication=publication) | Q(reponse_id__in=ids)
    ).order_by("pk"):
        key = ("p", piece.publication_id) if piece.publication_id else ("r", piece.reponse_id)
        pieces[key].append(piece)
    summaries: dict[tuple[str, int], ReactionSummary] = defaultdict(ReactionSummary)
    rows = (
        Reaction.objects.filter(Q(publication=publication) | Q(reponse_id__in=ids))
        .values("publication_id", "reponse_id", "nature")
        .annotate(
            n=Count("pk"),
            mine=Count("pk", filter=Q(user_id=user.pk) if user.is_authenticated else Q(pk=None)),
        )
        .order_by()
    )
    mes_reactions = set()
    for row in rows:
        key = ("p", row["publication_id"]) if row["publication_id"] else ("r", row["reponse_id"])
        summaries[key].counts[row["nature"]] = row["n"]
        if row["mine"]:
            summaries[key].mine.add(row["nature"])
            if row["reponse_id"]:
                mes_reactions.add((row["reponse_id"], row["nature"]))
    publication.reaction_summary = summaries[("p", publication.pk)]
    publication.pieces = pieces[("p", publication.pk)]
    for reponse in reponses:
        reponse.reaction_summary = summaries[("r", reponse.pk)]
        reponse.pieces = pieces[("r", reponse.pk)]
    return Discussion(
        publication=publication,
        reponses=reponses,
        page=page,
        pages=pages,
        nb_reponses=nb_reponses,
        adhesion=adhesion,
        membre=permissions.is_active_member(user, communaute, adhesion=adhesion),
        moderateur=moderateur,
        mes_reactions=mes_reactions,
    )


def reponse_page(*, user, publication: Publication, reponse_id: int) -> int | None:
    """The page of the discussion that shows this reply to the user, or None if it does not."""
    reponses = _reponses_visibles(publication, publication.peut_moderer)
    cible = reponses.filter(pk=reponse_id).values("cree_le", "pk").first()
    if cible is None:
        return None
    avant = reponses.filter(
        Q(cree_le__lt=cible["cree_le"]) | Q(cree_le=cible["cree_le"], pk__lt=cible["pk"])
    ).count()
    return avant // REPONSES_PAR_PAGE + 1


def membres_list(*, user, communaute: Communaute, limit: int = 200) -> list[Adhesion]:
    """Active members; a profile "masqué" of the directory shows to the managers only."""
    from maillage.models import Profil

    adhesion = permissions.adhesion_for(user, communaute)
    if not permissions.can_see_members(user, communaute, adhesion=adhesion):
        return []
    queryset = Adhesion.objects.filter(communaute=communaute, etat=Adhesion.Etat.ACTIVE)
    if not permissions.can_moderate(user, communaute, adhesion=adhesion):
        queryset = queryset.exclude(
            Q(user__profil__visibilite=Profil.Visibilite.MASQUE) & ~Q(user=user)
        )
    return list(
        queryset.select_related("user").order_by("-role", "user__last_name", "user__first_name")[
            :limit
        ]
    )


def adhesions_en_attente(*, user, communaute: Communaute) -> list[Adhesion]:
    if not permissions.can_moderate(user, communaute):
        return []
    return list(
        Adhesion.objects.filter(communaute=communaute, etat=Adhesion.Etat.DEMANDEE)
        .select_related("user")
        .order_by("cree_le")
    )


def salon_historique(*, user, communaute: Communaute, limit: int = 50) -> list[MessageSalon]:
    """The latest chat messages, oldest first; the chat room is for active members only."""
    if not (permissions.is_administrator(user) or permissions.is_active_member(user, communaute)):
        return []
    latest = (
        MessageSalon.objects.filter(communaute=communaute)
        .select_related("auteur")
        .order_by("-cree_le", "-pk")[:limit]
    )
    return list(reversed(latest))


def flux_since(*, communaute_id: int, after_id: int, up_to_id: int | None = None, limit: int):
    """Logged events of a community after a cursor, oldest first."""
    queryset = FluxEvenement.objects.filter(communaute_id=communaute_id, id__gt=after_id)
    if up_to_id is not None:
        queryset = queryset.filter(id__lte=up_to_id)
    return [event.as_message() for event in queryset.order_by("id")[:limit]]


def flux_last_id(*, communaute_id: int) -> int:
    last = (
        FluxEvenement.objects.filter(communaute_id=communaute_id)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    return last or 0


def display_names(*, user_ids: list[int]) -> list[dict]:
    """Public names of members (never their e-mail address), for presence."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(pk__in=user_ids).order_by("first_name", "last_name")
    return [{"id": u.pk, "nom": display_name(u)} for u in users]


def display_name(user) -> str:
    return user.get_full_name() or gettext("Membre")


def dashboard_section(user):
    """The "my communities" block of the personal dashboard."""
    from django.urls import reverse

    from maillage.selectors import DashboardSection

    return DashboardSection(
        key="communautes",
        title=gettext("Mes communautés"),
        items=list(communautes_of(user=user)[:10]),
        empty_message=gettext(
            "Vous n'avez pas encore rejoint de communauté : découvrez celles de votre "
            "territoire et de vos thématiques."
        ),
        action_label=gettext("Toutes les communautés"),
        action_url=reverse("communautes:list"),
    )
