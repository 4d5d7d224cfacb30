"""LHEO import on a fresh site: régions deduced from places, pages created, dry run silent."""

import io
import json
import logging
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import GroupPagePermission, Page

from formations.factories import RegionPageFactory
from formations.lheo.importer import lheo_import
from formations.models import CatalogueIndexPage, FormationPage, ProgrammePage, RegionPage
from maillage.models import Commune, Territoire

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "data" / "exemple-onisep-2.2.xml"


@pytest.fixture
def referentiel(db):
    """What `load_referentiel` gives: régions, départements, communes; no catalogue page."""
    regions = {
        code: Territoire.objects.create(niveau=Territoire.Niveau.REGION, code=code, nom=nom)
        for code, nom in (("53", "Bretagne"), ("11", "Île-de-France"), ("93", "Provence"))
    }
    departements = {
        code: Territoire.objects.create(
            niveau=Territoire.Niveau.DEPARTEMENT, code=code, nom=nom, parent=regions[region]
        )
        for code, nom, region in (
            ("29", "Finistère", "53"),
            ("75", "Paris", "11"),
            ("13", "Bouches-du-Rhône", "93"),
        )
    }
    Commune.objects.create(code_insee="29233", nom="Quimperlé", departement=departements["29"])
    Commune.objects.create(code_insee="13055", nom="Marseille", departement=departements["13"])
    assert not CatalogueIndexPage.objects.exists() and not RegionPage.objects.exists()
    return regions


def formation(numero: str, adresse: str, *, ou: str = "lieu") -> str:
    """One LHEO 2.3 formation whose only place is `adresse` (children of <adresse>)."""
    lieu = (
        f"<lieu-de-formation><coordonnees><adresse>{adresse}</adresse></coordonnees>"
        "</lieu-de-formation>"
        if ou == "lieu"
        else ""
    )
    inscription = (
        f"<adresse-inscription><adresse>{adresse}</adresse></adresse-inscription>"
        if ou == "session"
        else ""
    )
    return (
        f'<formation numero="{numero}"><intitule-formation>Formation {numero}'
        "</intitule-formation><objectif-formation>Objectif</objectif-formation>"
        "<resultats-attendus>-</resultats-attendus><contenu-formation>Contenu"
        f'</contenu-formation><action numero="A{numero}">{lieu}<session numero="S{numero}">'
        f"<periode><debut>20270104</debut><fin>20270105</fin></periode>{inscription}"
        "</session></action></formation>"
    )


def flux(*formations: str) -> bytes:
    return f'<lheo xmlns="http://lheo.gouv.fr/2.3"><offres>{"".join(formations)}</offres></lheo>'.encode()


def run_import(chemin, *args) -> dict:
    out = io.StringIO()
    try:
        call_command("import_lheo", str(chemin), *args, stdout=out, stderr=io.StringIO())
        code = 0
    except CommandError:
        code = 1
    (ligne,) = out.getvalue().strip().splitlines()
    return {**json.loads(ligne), "_code": code}


def region_de(numero: str) -> str:
    page = FormationPage.objects.get(numero=numero)
    return page.get_parent().get_parent().specific.territoire.code


def permissions(region: RegionPage) -> set[tuple[str, str]]:
    return set(
        GroupPagePermission.objects.filter(page=region).values_list(
            "group__name", "permission__codename"
        )
    )


def test_the_onisep_sample_imports_on_a_fresh_site_without_region(referentiel):
    resume = run_import(SAMPLE)
    assert resume["_code"] == 0, resume
    assert (resume["created"], resume["regions_created"], resume["skipped"]) == (1, 1, 0)
    assert region_de("9436_18706") == "53"
    catalogue = CatalogueIndexPage.objects.get()
    bretagne = RegionPage.objects.get()
    assert bretagne.get_parent().pk == catalogue.pk and bretagne.live
    assert bretagne.title == "Bretagne" and bretagne.territoire == referentiel["53"]
    assert Page.find_problems() == ([], [], [], [], [])
    # The same page permissions as a région page created anywhere else.
    autre = RegionPageFactory(territoire=referentiel["11"])
    attendues = {(g.replace("Île-de-France", "Bretagne"), p) for g, p in permissions(autre)}
    assert attendues and permissions(bretagne) == attendues
    # A second run finds the région page it created.
    resume = run_import(SAMPLE)
    assert (resume["unchanged"], resume["regions_created"]) == (1, 0)
    assert RegionPage.objects.count() == 2


def test_a_national_feed_goes_to_the_region_of_each_place(tmp_path, referentiel):
    chemin = tmp_path / "national.xml"
    chemin.write_bytes(
        flux(
            formation("BZH", "<ville>Brest</ville><region>53</region>"),
            formation("PARIS", "<ville>Paris</ville><departement>75</departement>"),
            formation("MRS", "<code-INSEE-commune>13055</code-INSEE-commune>", ou="session"),
            formation("CP", "<codepostal>29300</codepostal>"),
            formation("NULLE-PART", "<ville>Atlantide</ville>"),
            formation("INCONNUE", "<region>99</region><departement>999</departement>"),
        )
    )
    resume = run_import(chemin)
    assert resume["_code"] == 0, resume
    assert (resume["formations"], resume["created"], resume["skipped"]) == (6, 4, 2)
    assert resume["regions_created"] == 3
    assert {n: region_de(n) for n in ("BZH", "PARIS", "MRS", "CP")} == {
        "BZH": "53",
        "PARIS": "11",
        "MRS": "93",
        "CP": "53",
    }
    raisons = resume["skipped_reasons"]
    assert raisons[0].startswith("formation NULLE-PART : aucun lieu")
    assert raisons[1].startswith("formation INCONNUE : lieu inconnu du référentiel")
    assert "région « 99 »" in raisons[1] and "--region" in raisons[1]
    assert not FormationPage.objects.filter(numero__in=["NULLE-PART", "INCONNUE"]).exists()
    assert ProgrammePage.objects.count() == 3
    # --region overrides the places, and puts the skipped ones somewhere.
    resume = run_import(chemin, "--region", "11")
    assert (resume["created"], resume["unchanged"], resume["skipped"]) == (2, 4, 0)
    assert region_de("NULLE-PART") == region_de("INCONNUE") == "11"


def test_the_dry_run_writes_nothing_and_logs_no_page_creation(tmp_path, referentiel, caplog):
    chemin = tmp_path / "national.xml"
    chemin.write_bytes(
        flux(
            formation("BZH", "<region>53</region>"),
            formation("PARIS", "<departement>75</departement>"),
            formation("BZH", "<region>53</region>"),
        )
    )
    pages, accordees = Page.objects.count(), GroupPagePermission.objects.count()
    with caplog.at_level(logging.DEBUG):
        resume = run_import(chemin, "--dry-run")
    assert resume["_code"] == 0 and resume["dry_run"] is True
    # What would change: the repeated number would update what its first occurrence created.
    assert (resume["created"], resume["updated"], resume["regions_created"]) == (2, 1, 2)
    assert Page.objects.count() == pages
    assert GroupPagePermission.objects.count() == accordees
    assert not any("Page created" in r.getMessage() for r in caplog.records)
    with caplog.at_level(logging.DEBUG):
        resume = run_import(chemin)
    assert (resume["created"], resume["regions_created"]) == (2, 2)
    assert any("Page created" in r.getMessage() for r in caplog.records)


def test_an_empty_reference_data_is_named():
    with SAMPLE.open("rb") as source:
        rapport = lheo_import(source=source)
    assert rapport.errors == [
        "Le référentiel des territoires est vide : lancez d'abord « manage.py load_referentiel »."
    ]
    assert not CatalogueIndexPage.objects.exists() and not FormationPage.objects.exists()
