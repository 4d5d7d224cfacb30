"""Tests of `load_referentiel`: COG geography and vocabularies, idempotent and bounded."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillage.models import ActeMetier, Commune, Public, Reseau, Territoire, Thematique
from maillage.referentiel.loaders import cog_default_dir
from maillage.referentiel.vocabulaires import ACTES_METIER, PUBLICS, RESEAUX, THEMATIQUES

REGIONS = [
    {"code": "84", "nom": "Auvergne-Rhône-Alpes", "zone": "metro"},
    {"code": "94", "nom": "Corse", "zone": "metro"},
    {"code": "988", "nom": "Nouvelle-Calédonie", "zone": "com"},
]
DEPARTEMENTS = [
    {"code": "69", "region": "84", "nom": "Rhône", "zone": "metro"},
    {"code": "63", "region": "84", "nom": "Puy-de-Dôme", "zone": "metro"},
    {"code": "2A", "region": "94", "nom": "Corse-du-Sud", "zone": "metro"},
    {"code": "988", "region": "988", "nom": "Nouvelle-Calédonie", "zone": "com"},
]
COMMUNES = [
    {
        "code": "69123",
        "nom": "Lyon",
        "departement": "69",
        "region": "84",
        "type": "commune-actuelle",
        "codesPostaux": ["69001", "69002"],
        "population": 519127,
    },
    {
        "code": "69266",
        "nom": "Villeurbanne",
        "departement": "69",
        "region": "84",
        "type": "commune-actuelle",
        "codesPostaux": ["69100"],
        "population": 163684,
    },
    {
        "code": "63113",
        "nom": "Clermont-Ferrand",
        "departement": "63",
        "region": "84",
        "type": "commune-actuelle",
        "codesPostaux": ["63000", "63100"],
        "population": 146351,
    },
    {
        "code": "2A004",
        "nom": "Ajaccio",
        "departement": "2A",
        "region": "94",
        "type": "commune-actuelle",
        "codesPostaux": ["20000", "20090"],
        "population": 76320,
    },
    {
        "code": "2A041",
        "nom": "Bonifacio",
        "departement": "2A",
        "region": "94",
        "type": "commune-actuelle",
    },
    {
        "code": "69381",
        "nom": "Lyon 1er Arrondissement",
        "departement": "69",
        "region": "84",
        "type": "arrondissement-municipal",
        "codesPostaux": ["69001"],
    },
    {
        "code": "63001",
        "nom": "Ancienne commune",
        "departement": "63",
        "region": "84",
        "type": "commune-deleguee",
    },
    {
        "code": "98818",
        "nom": "Nouméa",
        "departement": "988",
        "region": "988",
        "type": "commune-actuelle",
        "codesPostaux": ["98800"],
        "population": 94285,
    },
]


def write_cog(directory, regions=REGIONS, departements=DEPARTEMENTS, communes=COMMUNES):
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in (
        ("regions.json", regions),
        ("departements.json", departements),
        ("communes.json", communes),
    ):
        (directory / name).write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return directory


@pytest.fixture
def cog_dir(tmp_path):
    return write_cog(tmp_path / "cog")


def load(source=None):
    out, err = StringIO(), StringIO()
    options = {"source": source} if source is not None else {}
    call_command("load_referentiel", stdout=out, stderr=err, **options)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1, "stdout must hold exactly one JSON line"
    return json.loads(lines[0]), err.getvalue()


def writes(queries):
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]


@pytest.mark.django_db
def test_loads_the_small_cog_and_keeps_only_current_communes(cog_dir):
    summary, progress = load(cog_dir)

    vocabularies = len(RESEAUX) + len(THEMATIQUES) + len(PUBLICS) + len(ACTES_METIER)
    assert summary["regions"] == 2
    assert summary["departements"] == 3
    assert summary["communes"] == 5
    assert summary["created"] == 2 + 3 + 5 + vocabularies
    assert summary["updated"] == 0
    assert "Communes" in progress

    assert set(Territoire.objects.filter(niveau="region").values_list("code", flat=True)) == {
        "84",
        "94",
    }
    assert not Territoire.objects.filter(code="988").exists()
    assert set(Commune.objects.values_list("code_insee", flat=True)) == {
        "69123",
        "69266",
        "63113",
        "2A004",
        "2A041",
    }
    lyon = Commune.objects.select_related("departement__parent").get(code_insee="69123")
    assert lyon.departement.code == "69"
    assert lyon.departement.parent.nom == "Auvergne-Rhône-Alpes"
    assert lyon.codes_postaux == ["69001", "69002"]
    assert lyon.population == 519127
    bonifacio = Commune.objects.get(code_insee="2A041")
    assert bonifacio.population is None
    assert bonifacio.codes_postaux == []
    assert bonifacio.departement.region.code == "94"


@pytest.mark.django_db
def test_rerun_writes_nothing(cog_dir):
    load(cog_dir)
    with CaptureQueriesContext(connection) as queries:
        summary, _progress = load(cog_dir)

    assert summary["created"] == 0
    assert summary["updated"] == 0
    assert writes(queries.captured_queries) == []
    assert Commune.objects.count() == 5


@pytest.mark.django_db
def test_changes_in_the_source_update_the_rows(tmp_path):
    write_cog(tmp_path / "v1")
    load(tmp_path / "v1")
    territoire_ids = dict(Territoire.objects.values_list("code", "id"))
    communes = [dict(c) for c in COMMUNES]
    communes[0].update(nom="Lyon (nouveau nom)", population=520000)
    communes[1].update(departement="63")
    departements = [dict(d) for d in DEPARTEMENTS]
    departements[2].update(nom="Corse du Sud")
    write_cog(tmp_path / "v2", departements=departements, communes=communes)

    summary, _progress = load(tmp_path / "v2")

    assert summary["created"] == 0
    assert summary["updated"] == 3
    assert Commune.objects.count() == 5
    lyon = Commune.objects.get(code_insee="69123")
    assert (lyon.nom, lyon.population) == ("Lyon (nouveau nom)", 520000)
    assert Commune.objects.get(code_insee="69266").departement.code == "63"
    assert Territoire.objects.get(niveau="departement", code="2A").nom == "Corse du Sud"
    assert dict(Territoire.objects.values_list("code", "id")) == territoire_ids


@pytest.mark.django_db
def test_vocabularies_are_restored_and_extra_rows_kept(cog_dir):
    load(cog_dir)
    Reseau.objects.filter(slug="carif-oref").update(sigle="CO")
    Thematique.objects.create(nom="Mobilité internationale des jeunes", slug="mobilite-jeunes")
    Public.objects.filter(slug="seniors").delete()

    summary, _progress = load(cog_dir)

    assert summary["created"] == 1
    assert summary["updated"] == 1
    assert summary["reseaux"] == Reseau.objects.count() == len(RESEAUX)
    assert Reseau.objects.get(slug="carif-oref").sigle == "Carif-Oref"
    assert Reseau.objects.get(slug="france-travail").nom == "France Travail"
    assert Thematique.objects.filter(slug="mobilite-jeunes").exists()
    assert Thematique.objects.count() == len(THEMATIQUES) + 1
    assert Public.objects.filter(slug="seniors").exists()
    assert set(ActeMetier.objects.values_list("slug", flat=True)) == {
        "accueil",
        "diagnostic",
        "accompagnement",
        "suivi",
        "mediation-vers-l-emploi",
    }


@pytest.mark.django_db
def test_a_hand_made_row_with_the_same_name_is_adopted(cog_dir):
    Thematique.objects.create(nom="Handicap", slug="handicap-et-emploi")

    summary, _progress = load(cog_dir)

    handicap = Thematique.objects.get(nom="Handicap")
    assert handicap.slug == "handicap"
    assert Thematique.objects.count() == len(THEMATIQUES)
    assert summary["updated"] == 1


@pytest.mark.django_db
def test_missing_source_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="npm install @etalab/decoupage-administratif"):
        load(tmp_path / "absent")
    assert not Territoire.objects.exists()


@pytest.mark.django_db
def test_unreadable_source_changes_nothing(tmp_path):
    source = write_cog(tmp_path / "cog")
    (source / "communes.json").write_text("[{", encoding="utf-8")

    with pytest.raises(CommandError, match="illisibles"):
        load(source)
    assert not Territoire.objects.exists()
    assert not Reseau.objects.exists()


@pytest.mark.django_db
def test_default_source_is_the_cog_data_dir_setting(cog_dir, settings):
    settings.COG_DATA_DIR = cog_dir

    summary, _progress = load()

    assert summary["communes"] == 5


@pytest.mark.django_db
def test_full_cog_loads_once_and_reloads_as_a_no_op():
    source = cog_default_dir()
    assert (source / "communes.json").is_file(), (
        f"{source} is missing: run `npm install @etalab/decoupage-administratif@6` "
        "or set COG_DATA_DIR"
    )

    first, _progress = load()

    assert first["regions"] == 18
    assert first["departements"] >= 101
    assert first["communes"] > 34000
    assert Commune.objects.count() == first["communes"]
    assert Territoire.objects.filter(niveau="region").count() == 18
    marseille = Commune.objects.select_related("departement__parent").get(code_insee="13055")
    assert marseille.departement.code == "13"
    assert marseille.departement.parent.nom == "Provence-Alpes-Côte d'Azur"
    assert Commune.objects.get(code_insee="2B033").departement.parent.nom == "Corse"
    assert Commune.objects.get(code_insee="97411").departement.parent.nom == "La Réunion"

    with CaptureQueriesContext(connection) as queries:
        second, _progress = load()

    assert second["created"] == 0
    assert second["updated"] == 0
    assert writes(queries.captured_queries) == []
