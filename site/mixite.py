"""The inter-network mix: which réseaux meet in a room (a session, a group), counts only.

Every app that brings counsellors together measures its mix here: the sessions of the
catalogue, the practice-analysis groups, the digest's « rencontres ».
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, QuerySet

from .models import Profil

# A session meets the inter-network promise with at least this many réseaux...
RESEAUX_MIN = 3
# ...and no réseau above this share of the participants whose réseau is known.
PART_MAX = 0.5


@dataclass(frozen=True)
class PartReseau:
    reseau_id: int
    nom: str
    slug: str
    participants: int


@dataclass
class Mix:
    """The réseaux of a session's confirmed participants (or a group's active members).

    `par_reseau` is largest first; `non_renseigne` counts people whose structure (hence
    réseau) is unknown, left out of the shares."""

    participants: int = 0
    par_reseau: list[PartReseau] = field(default_factory=list)
    non_renseigne: int = 0

    @property
    def reseaux(self) -> int:
        return len(self.par_reseau)

    @property
    def identifies(self) -> int:
        return self.participants - self.non_renseigne

    @property
    def part_premier(self) -> float | None:
        """Share (0 to 1) of the largest réseau among the participants whose réseau is known."""
        if not self.par_reseau:
            return None
        return self.par_reseau[0].participants / self.identifies

    @property
    def part_premier_pct(self) -> int | None:
        part = self.part_premier
        return None if part is None else round(100 * part)

    @property
    def mixte(self) -> bool:
        """At least three réseaux and none above half: the inter-network promise is kept."""
        part = self.part_premier
        return self.reseaux >= RESEAUX_MIN and part is not None and part <= PART_MAX

    def participants_de(self, reseau_id: int | None) -> int:
        return next((p.participants for p in self.par_reseau if p.reseau_id == reseau_id), 0)

    def pourcentage(self, part: PartReseau) -> int:
        return round(100 * part.participants / self.identifies) if self.identifies else 0

    @property
    def lignes(self) -> list[tuple[PartReseau, int]]:
        """Each réseau with its share in percent, for the chart and its text."""
        return [(part, self.pourcentage(part)) for part in self.par_reseau]

    def sous_represente(self, reseau_id: int | None) -> bool:
        """Whether a newcomer of `reseau_id` would meet mostly other réseaux: their réseau's
        share is below an even split between the réseaux present and theirs."""
        if reseau_id is None or not self.identifies:
            return False
        presents = {p.reseau_id for p in self.par_reseau} | {reseau_id}
        return self.participants_de(reseau_id) / self.identifies < 1 / len(presents)

    def manquants(self, reseau_ids) -> list[int]:
        presents = {p.reseau_id for p in self.par_reseau}
        return [pk for pk in reseau_ids if pk not in presents]


def mix_par(queryset: QuerySet, *, cle: str, user: str = "user") -> dict[int, Mix]:
    """The mix of each `cle` value of `queryset`, whose rows point at a person by `user`:
    one query, grouped by key and réseau, counts only (no name of anyone is read)."""
    reseau = f"{user}__profil__structure__reseau"
    lignes = (
        queryset.order_by()
        .values(
            cle,
            mix_reseau=F(f"{reseau}_id"),
            mix_nom=F(f"{reseau}__nom"),
            mix_slug=F(f"{reseau}__slug"),
        )
        .annotate(n=Count("pk"))
    )
    mixes: dict[int, Mix] = defaultdict(Mix)
    for ligne in lignes:
        mix = mixes[ligne[cle]]
        mix.participants += ligne["n"]
        if ligne["mix_reseau"] is None:
            mix.non_renseigne += ligne["n"]
        else:
            mix.par_reseau.append(
                PartReseau(ligne["mix_reseau"], ligne["mix_nom"], ligne["mix_slug"], ligne["n"])
            )
    for mix in mixes.values():
        mix.par_reseau.sort(key=lambda p: (-p.participants, p.nom))
    return dict(mixes)


@dataclass(frozen=True)
class Origine:
    """Where a counsellor works: their réseau, département and région (ids)."""

    reseau_id: int
    departement_id: int
    region_id: int | None


def origines(*, user_ids) -> dict[int, Origine]:
    """User id → their structure's réseau and place, for those who have a structure."""
    return {
        user_id: Origine(reseau_id, departement_id, region_id)
        for user_id, reseau_id, departement_id, region_id in Profil.objects.filter(
            user_id__in=list(user_ids), structure__isnull=False
        ).values_list(
            "user_id",
            "structure__reseau_id",
            "structure__commune__departement_id",
            "structure__commune__departement__parent_id",
        )
    }
