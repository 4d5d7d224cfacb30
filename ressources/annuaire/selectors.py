"""Reads of the member directory: professionals and structures, as each member chose to be seen."""

from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from communautes.models import Adhesion
from maillage.models import Profil, Reseau, Structure, Territoire, Thematique

# A search takes at most this many words: each one adds a condition to the query.
MAX_MOTS = 6


@dataclass(frozen=True)
class Filtres:
    """What the directory is narrowed to; every field is optional."""

    region: Territoire | None = None
    departement: Territoire | None = None
    reseau: Reseau | None = None
    thematique: Thematique | None = None
    fonction: str = ""
    texte: str = ""


def profils_visibles(*, user) -> QuerySet:
    """The profiles `user` may see in the directory, and only those.

    "membres": every signed-in member; "communautes": members who share an active
    community with them; "masque" (or any other value): nobody, not even administrators.
    """
    if not user.is_authenticated:
        return Profil.objects.none()
    mes_communautes = Adhesion.objects.filter(user_id=user.pk, etat=Adhesion.Etat.ACTIVE).values(
        "communaute_id"
    )
    communaute_partagee = Adhesion.objects.filter(
        user_id=OuterRef("user_id"),
        etat=Adhesion.Etat.ACTIVE,
        communaute_id__in=mes_communautes,
    )
    return Profil.objects.filter(user__is_active=True).filter(
        Q(visibilite=Profil.Visibilite.MEMBRES)
        | Q(Exists(communaute_partagee), visibilite=Profil.Visibilite.COMMUNAUTES)
    )


def _intervient(**lookup) -> Exists:
    """The profile names, among its territories of action, one matching `lookup`."""
    liens = Profil.territoires.through.objects.filter(profil_id=OuterRef("pk"))
    return Exists(liens.filter(**{f"territoire__{key}": value for key, value in lookup.items()}))


def _territoire_condition(filtres: Filtres) -> Q:
    """Where a professional works: the structure's place or a territory of action.

    A territory of action covers the levels above and below it: someone acting for the
    whole région is found in each of its départements, a bassin d'emploi in its département.
    """
    condition = Q()
    if filtres.region is not None:
        region = filtres.region.pk
        condition &= (
            Q(structure__commune__departement__parent_id=region)
            | _intervient(pk=region)
            | _intervient(parent_id=region)
            | _intervient(parent__parent_id=region)
        )
    if filtres.departement is not None:
        departement = filtres.departement
        englobants = [departement.pk] + ([departement.parent_id] if departement.parent_id else [])
        condition &= (
            Q(structure__commune__departement_id=departement.pk)
            | _intervient(pk__in=englobants)
            | _intervient(parent_id=departement.pk)
        )
    return condition


def _mots(texte: str) -> list[str]:
    return texte.split()[:MAX_MOTS]


def _profil_filtres(queryset: QuerySet, filtres: Filtres) -> QuerySet:
    queryset = queryset.filter(_territoire_condition(filtres))
    if filtres.reseau is not None:
        queryset = queryset.filter(structure__reseau=filtres.reseau)
    if filtres.thematique is not None:
        queryset = queryset.filter(
            Exists(
                Profil.thematiques.through.objects.filter(
                    profil_id=OuterRef("pk"), thematique_id=filtres.thematique.pk
                )
            )
        )
    if filtres.fonction.strip():
        queryset = queryset.filter(fonction__icontains=filtres.fonction.strip())
    for mot in _mots(filtres.texte):
        queryset = queryset.filter(
            Q(user__first_name__icontains=mot)
            | Q(user__last_name__icontains=mot)
            | Q(structure__nom__icontains=mot)
        )
    return queryset


def _with_details(queryset: QuerySet) -> QuerySet:
    """Everything a directory entry shows, in three queries whatever the number of entries."""
    return queryset.select_related(
        "user", "structure__reseau", "structure__commune__departement"
    ).prefetch_related(
        Prefetch("thematiques", queryset=Thematique.objects.order_by("nom")),
        Prefetch("territoires", queryset=Territoire.objects.order_by("niveau", "nom")),
    )


def profil_list(*, user, filtres: Filtres) -> QuerySet:
    """Visible professionals matching the filters, by name."""
    return _with_details(_profil_filtres(profils_visibles(user=user), filtres)).order_by(
        "user__last_name", "user__first_name", "pk"
    )


def structure_list(*, user, filtres: Filtres) -> QuerySet:
    """Structures matching the filters, each with its number of members visible to `user`.

    Filters on a person (thématique, fonction) keep the structures where a visible member
    matches them, so a hidden member can never be inferred from the list.
    """
    visibles = profils_visibles(user=user)
    nb_visibles = (
        visibles.filter(structure_id=OuterRef("pk"))
        .order_by()
        .values("structure_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    queryset = Structure.objects.select_related("reseau", "commune__departement").annotate(
        nb_membres_visibles=Coalesce(Subquery(nb_visibles, output_field=IntegerField()), 0)
    )
    if filtres.region is not None:
        queryset = queryset.filter(commune__departement__parent=filtres.region)
    if filtres.departement is not None:
        queryset = queryset.filter(commune__departement=filtres.departement)
    if filtres.reseau is not None:
        queryset = queryset.filter(reseau=filtres.reseau)
    if filtres.thematique is not None or filtres.fonction.strip():
        personnes = _profil_filtres(
            visibles, Filtres(thematique=filtres.thematique, fonction=filtres.fonction)
        )
        queryset = queryset.filter(Exists(personnes.filter(structure_id=OuterRef("pk"))))
    for mot in _mots(filtres.texte):
        queryset = queryset.filter(
            Q(nom__icontains=mot)
            | Q(commune__nom__icontains=mot)
            | Q(reseau__nom__icontains=mot)
            | Q(reseau__sigle__icontains=mot)
        )
    return queryset.order_by("nom", "pk")


def structure_get(*, pk: int) -> Structure:
    """A structure with its réseau and place; Structure.DoesNotExist otherwise (a 404)."""
    return Structure.objects.select_related("reseau", "commune__departement__parent").get(pk=pk)


def structure_membres(*, user, structure: Structure) -> QuerySet:
    """The members of a structure that `user` may see, by name."""
    return _with_details(profils_visibles(user=user).filter(structure=structure)).order_by(
        "user__last_name", "user__first_name", "pk"
    )


DIRECTORY_PREVIEW = 5


@dataclass
class DirectoryPreview:
    """People and structures of the member directory matching a search, as `user` may see
    them (the directory's own rules: nothing for visitors, hidden profiles never)."""

    q: str
    personnes: list
    nb_personnes: int
    structures: list
    nb_structures: int


def directory_preview(*, q: str, user) -> DirectoryPreview | None:
    """The first people and structures matching the search words; None for visitors. The
    unified search page shows it beside its results."""
    q = q.strip()
    if not q or not user.is_authenticated:
        return None
    filtres = Filtres(texte=q)
    personnes = profil_list(user=user, filtres=filtres)
    structures = structure_list(user=user, filtres=filtres)
    return DirectoryPreview(
        q=q,
        personnes=list(personnes[:DIRECTORY_PREVIEW]),
        nb_personnes=personnes.count(),
        structures=list(structures[:DIRECTORY_PREVIEW]),
        nb_structures=structures.count(),
    )
