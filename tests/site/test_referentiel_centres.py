"""Tests of the commune centres in `load_referentiel`: priority, reruns, broken files."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillage.models import Commune

from .test_referentiel import COMMUNES, write_cog, writes

# Centres as the API Découpage administratif gives them: [longitude, latitude].
CENTRES = [
    {"code": "69123", "centre": {"type": "Point", "coordinates": [4.8351, 45.758]}},
    {"code": "69266", "centre": {"type": "Point", "coordinates": [4.8879, 45.7707]}},
    {"code": "63113", "centre": {"type": "Point", "coordinates": [3.1148, 45.7857]}},
    {"code": "98818", "centre": {"type": "Point", "coordinates": [166.4572, -22.2758]}},
]


def load(source, centres=None, geonames=None):
    out, err = StringIO(), StringIO()
    options = {"source": source}
    if centres is not None:
        options["centres"] = centres
    if geonames is not None:
        options["geonames"] = geonames
    call_command("load_referentiel", stdout=out, stderr=err, **options)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


@pytest.fixture
def centres_file(tmp_path):
    path = tmp_path / "centres.json"
    path.write_text(json.dumps(CENTRES), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_centres_file_gives_communes_their_coordinates(tmp_path, centres_file):
    summary = load(write_cog(tmp_path / "cog"), centres_file, geonames=tmp_path / "absent.json")

    assert summary["communes_avec_centre"] == 3
    assert summary["source_centres"] == "fichier"
    lyon = Commune.objects.get(code_insee="69123")
    assert lyon.coordonnees == (45.758, 4.8351)
    assert Commune.objects.get(code_insee="2A041").coordonnees is None
    assert not Commune.objects.filter(code_insee="98818").exists()


@pytest.mark.django_db
def test_centres_file_outranks_geonames_which_fills_the_gaps(tmp_path, centres_file):
    summary = load(write_cog(tmp_path / "cog"), centres_file)

    assert summary["source_centres"] == "fichier+geonames"
    assert summary["communes_avec_centre"] == 5
    assert Commune.objects.get(code_insee="69123").coordonnees == (45.758, 4.8351)
    latitude, longitude = Commune.objects.get(code_insee="2A041").coordonnees
    assert abs(latitude - 41.39) < 0.1
    assert abs(longitude - 9.16) < 0.1


@pytest.mark.django_db
def test_centre_in_the_communes_file_is_read(tmp_path):
    communes = [dict(c) for c in COMMUNES]
    communes[3]["centre"] = {"type": "Point", "coordinates": [8.7369, 41.9272]}
    summary = load(write_cog(tmp_path / "cog", communes=communes), geonames=tmp_path / "absent")

    assert summary["communes_avec_centre"] == 1
    assert summary["source_centres"] == "cog"
    assert Commune.objects.get(code_insee="2A004").coordonnees == (41.9272, 8.7369)


@pytest.mark.django_db
def test_centre_in_the_communes_file_outranks_geonames(tmp_path):
    communes = [dict(c) for c in COMMUNES]
    communes[3]["centre"] = {"type": "Point", "coordinates": [8.7369, 41.9272]}
    summary = load(write_cog(tmp_path / "cog", communes=communes))

    assert summary["source_centres"] == "cog+geonames"
    assert Commune.objects.get(code_insee="2A004").coordonnees == (41.9272, 8.7369)


@pytest.mark.django_db
def test_rerun_without_centres_keeps_them_and_writes_nothing(tmp_path, centres_file):
    cog = write_cog(tmp_path / "cog")
    load(cog, centres_file)
    with CaptureQueriesContext(connection) as queries:
        summary = load(cog)

    assert (summary["created"], summary["updated"]) == (0, 0)
    assert writes(queries.captured_queries) == []
    assert Commune.objects.get(code_insee="69266").coordonnees == (45.7707, 4.8879)


@pytest.mark.django_db
def test_moved_centre_updates_the_row(tmp_path, centres_file):
    cog = write_cog(tmp_path / "cog")
    load(cog, centres_file)
    moved = [dict(c) for c in CENTRES]
    moved[0] = {"code": "69123", "centre": {"type": "Point", "coordinates": [4.84, 45.76]}}
    path = tmp_path / "moved.json"
    path.write_text(json.dumps(moved), encoding="utf-8")

    summary = load(cog, path)

    assert summary["updated"] == 1
    assert Commune.objects.get(code_insee="69123").coordonnees == (45.76, 4.84)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content", ["pas du json", '[{"centre": {"type": "Point", "coordinates": [1, 2]}}]']
)
def test_unreadable_centres_file_is_refused_and_nothing_written(tmp_path, content):
    path = tmp_path / "centres.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match="centres des communes"):
        load(write_cog(tmp_path / "cog"), path)
    assert not Commune.objects.exists()
