"""Tests of the GeoNames commune centres of `load_referentiel`, on the real npm packages."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from formations.catalogue.database import distance_km
from maillage.models import Commune
from maillage.referentiel.geonames import geonames_default_path, nom_normalise
from maillage.referentiel.loaders import cog_default_dir

from .test_referentiel import write_cog, writes

KNOWN_CENTRES = {
    "35238": (48.11, -1.68),  # Rennes
    "29019": (48.39, -4.49),  # Brest
    "2A004": (41.93, 8.74),  # Ajaccio
    "2B033": (42.70, 9.45),  # Bastia
    "97411": (-20.88, 55.45),  # Saint-Denis (La Réunion, GeoNames country RE)
    "97611": (-12.78, 45.23),  # Mamoudzou (Mayotte, GeoNames country YT, no admin2)
}


def load(**options):
    out, err = StringIO(), StringIO()
    call_command("load_referentiel", stdout=out, stderr=err, **options)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1, "stdout must hold exactly one JSON line"
    return json.loads(lines[0]), err.getvalue()


@pytest.fixture
def real_sources():
    for path in (cog_default_dir() / "communes.json", geonames_default_path()):
        assert path.is_file(), f"{path} is missing: run `npm ci` at the project root"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Saint-Étienne", "St Etienne"),
        ("Sainte-Maxime", "Ste-Maxime"),
        ("L'Haÿ-les-Roses", "Haÿ-les-Roses"),
        ("Les Sables-d'Olonne", "Sables d’Olonne"),
        ("Œuilly", "oeuilly"),
        ("LE HAVRE", "Havre"),
    ],
)
def test_spelling_variants_share_a_key(a, b):
    assert nom_normalise(a) == nom_normalise(b)


@pytest.mark.parametrize(
    ("a", "b"), [("Stenay", "Saint Enay"), ("La", "Le"), ("Lesparre", "Parre")]
)
def test_different_names_keep_different_keys(a, b):
    assert nom_normalise(a) != nom_normalise(b)


@pytest.mark.django_db
def test_full_cog_gets_geonames_centres_and_reloads_as_a_no_op(real_sources):
    summary, progress = load()

    assert summary["source_centres"] == "geonames"
    assert summary["communes_avec_centre"] == summary["centres_geonames"] > 8000
    assert "Centres GeoNames" in progress
    centres = {
        commune.code_insee: commune.coordonnees
        for commune in Commune.objects.filter(code_insee__in=[*KNOWN_CENTRES, "29113"])
    }
    for code, (latitude, longitude) in KNOWN_CENTRES.items():
        assert centres[code] == pytest.approx((latitude, longitude), abs=0.1), code
    # Lanmeur (Finistère) has two GeoNames places of that name: skipped, not guessed.
    assert centres["29113"] is None
    assert distance_km(centres["35238"], centres["29019"]) == pytest.approx(210, abs=15)

    with CaptureQueriesContext(connection) as queries:
        second, _progress = load()

    assert (second["created"], second["updated"]) == (0, 0)
    assert second["communes_avec_centre"] == summary["communes_avec_centre"]
    assert writes(queries.captured_queries) == []


@pytest.mark.django_db
def test_two_communes_with_one_key_get_no_centre(tmp_path, real_sources):
    cog = write_cog(
        tmp_path / "cog",
        regions=[{"code": "53", "nom": "Bretagne", "zone": "metro"}],
        departements=[{"code": "35", "region": "53", "nom": "Ille-et-Vilaine"}],
        communes=[
            {"code": "35238", "nom": "Rennes", "departement": "35", "type": "commune-actuelle"},
            {"code": "35288", "nom": "Saint-Malo", "departement": "35", "type": "commune-actuelle"},
            {"code": "35999", "nom": "St Malo", "departement": "35", "type": "commune-actuelle"},
        ],
    )

    summary, progress = load(source=cog)

    assert summary["communes_avec_centre"] == 1
    assert "2 écartées pour homonymie" in progress
    assert Commune.objects.get(code_insee="35238").coordonnees is not None
    assert Commune.objects.get(code_insee="35288").coordonnees is None
    assert Commune.objects.get(code_insee="35999").coordonnees is None


@pytest.mark.django_db
def test_loaded_coordinates_are_not_replaced_by_geonames(tmp_path, real_sources):
    cog = write_cog(
        tmp_path / "cog",
        regions=[{"code": "53", "nom": "Bretagne", "zone": "metro"}],
        departements=[{"code": "29", "region": "53", "nom": "Finistère"}],
        communes=[
            {"code": "29019", "nom": "Brest", "departement": "29", "type": "commune-actuelle"}
        ],
    )
    load(source=cog, geonames=tmp_path / "absent.json")
    Commune.objects.filter(code_insee="29019").update(latitude=48.4, longitude=-4.5)

    summary, _progress = load(source=cog)

    assert summary["updated"] == 0
    assert Commune.objects.get(code_insee="29019").coordonnees == (48.4, -4.5)


@pytest.mark.django_db
def test_absent_geonames_file_is_reported_not_an_error(tmp_path):
    summary, progress = load(source=write_cog(tmp_path / "cog"), geonames=tmp_path / "absent")

    assert summary["source_centres"] == "aucune"
    assert summary["communes_avec_centre"] == 0
    assert "Fichier GeoNames" in progress
    assert "absent" in progress
    assert Commune.objects.count() == 5


@pytest.mark.django_db
def test_unreadable_geonames_file_is_refused(tmp_path):
    path = tmp_path / "cities.json"
    path.write_text('[{"name": "Rennes"}]', encoding="utf-8")

    with pytest.raises(CommandError, match="GeoNames"):
        load(source=write_cog(tmp_path / "cog"), geonames=path)
    assert not Commune.objects.exists()
