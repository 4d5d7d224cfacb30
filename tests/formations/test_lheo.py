"""Tests of the LHEO import/export: mapping, idempotency, hostile input, schema, round trip."""

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from formations.factories import FormationPageFactory, RegionPageFactory, SessionFactory
from formations.lheo.exporter import valider
from formations.lheo.parser import LheoError, iter_formations
from formations.models import FormationPage, Session
from maillage.models import Commune, Territoire

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "data" / "exemple-onisep-2.2.xml"
NS22 = b'xmlns="http://www.lheo.org/2.2"'
NS23 = b'xmlns="http://lheo.gouv.fr/2.3"'


@pytest.fixture
def bretagne(db):
    region = RegionPageFactory()
    departement, _ = Territoire.objects.get_or_create(
        niveau=Territoire.Niveau.DEPARTEMENT,
        code="29",
        defaults={"nom": "Finistère", "parent": region.territoire},
    )
    Commune.objects.get_or_create(
        code_insee="29233", defaults={"nom": "Quimperlé", "departement": departement}
    )
    return region


def sample_bytes() -> bytes:
    return SAMPLE.read_bytes()


def write(tmp_path: Path, contenu: bytes, nom: str = "flux.xml") -> Path:
    chemin = tmp_path / nom
    chemin.write_bytes(contenu)
    return chemin


def run_import(chemin, *args) -> tuple[dict, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_lheo", str(chemin), *args, stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        code = 1
        err.write(str(exc))
    lignes = out.getvalue().strip().splitlines()
    assert len(lignes) == 1, lignes
    resume = json.loads(lignes[0])
    resume["_code"] = code
    return resume, err.getvalue()


def run_export(chemin, *args) -> dict:
    out = io.StringIO()
    call_command("export_lheo", "--output", str(chemin), *args, stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue().strip())


def snapshot() -> list:
    formations = [
        {
            f: getattr(p, f)
            for f in (
                "numero",
                "title",
                "objectifs",
                "resultats_attendus",
                "contenu",
                "codes_formacode",
                "codes_nsf",
                "codes_rome",
                "organisme",
                "organisme_siret",
                "contact_email",
                "contact_telephone",
                "modalite",
                "prerequis",
                "prix",
                "gratuit",
                "duree_heures",
                "extras",
            )
        }
        for p in FormationPage.objects.order_by("numero")
    ]
    sessions = list(
        Session.objects.order_by("numero").values(
            "numero",
            "action_numero",
            "date_debut",
            "date_fin",
            "etat",
            "adresse",
            "code_postal",
            "ville",
            "commune_id",
            "latitude",
            "longitude",
            "extras",
        )
    )
    return [formations, sessions]


def test_parser_maps_the_sample():
    erreurs = []
    with SAMPLE.open("rb") as source:
        (formation,) = list(iter_formations(source, erreurs=erreurs))
    assert erreurs == []
    assert formation.numero == "9436_18706"
    assert formation.codes["code-ROME"] == ["D1402", "D1403", "D1408"]
    assert formation.attributs_codes["code-FORMACODE:34582"] == {"ref": "V11", "tag": "principal"}
    (session,) = formation.actions[0].sessions
    assert (session.debut.isoformat(), session.fin.isoformat()) == ("2015-09-01", "2017-08-31")


def test_import_sample(tmp_path, bretagne):
    resume, err = run_import(SAMPLE)
    assert resume == {
        "formations": 1,
        "actions": 1,
        "sessions": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "regions_created": 0,
        "dry_run": False,
        "errors": [],
        "skipped_reasons": [],
        "_code": 0,
    }
    assert "100 %" in err
    page = FormationPage.objects.get(numero="9436_18706")
    assert page.title == "BTS négociation et relation client"
    assert page.live
    assert page.get_parent().get_parent().specific == bretagne
    assert page.objectifs.startswith("<p>A la fois vendeur")
    assert "&lt;" not in page.contenu and "<li>" in page.contenu
    assert page.codes_formacode == ["34582", "34076"]
    assert page.codes_nsf == ["312"]
    assert page.organisme == "Lycée Kerneuzec"
    assert page.organisme_siret == "19290076900014"
    assert page.modalite == FormationPage.Modalite.PRESENTIEL
    assert page.prerequis == ""
    extras = json.dumps(page.extras, ensure_ascii=False)
    assert "FOR_ID ONISEP" in extras and "DATE EXPORT ONISEP" in extras
    session = page.sessions.get()
    assert session.numero == "9436_18706"
    assert session.ville == "QUIMPERLÉ" and session.code_postal == "29391"
    assert session.commune_id == "29233"
    assert session.latitude == Decimal("47.882108")
    assert session.longitude == Decimal("-3.552654")
    assert session.etat == Session.Etat.OUVERTE
    assert "ACT_ID ONISEP" in json.dumps(session.extras)


def test_reimport_is_idempotent_and_detects_updates(tmp_path, bretagne):
    run_import(SAMPLE)
    resume, _ = run_import(SAMPLE)
    assert (resume["created"], resume["updated"], resume["unchanged"]) == (0, 0, 1)
    assert FormationPage.objects.count() == 1 and Session.objects.count() == 1
    modifie = sample_bytes().replace(b"<fin>20170831</fin>", b"<fin>20170930</fin>")
    resume, _ = run_import(write(tmp_path, modifie))
    assert (resume["created"], resume["updated"], resume["unchanged"]) == (0, 1, 0)
    assert Session.objects.get().date_fin.isoformat() == "2017-09-30"
    assert Session.objects.count() == 1


def test_lheo_23_namespace_and_region_option(tmp_path, bretagne):
    flux = write(tmp_path, sample_bytes().replace(NS22, NS23))
    resume, _ = run_import(flux, "--region", "53")
    assert resume["created"] == 1


def test_unknown_region_is_refused(tmp_path, bretagne):
    resume, err = run_import(SAMPLE, "--region", "11")
    assert resume["_code"] == 1
    assert resume["errors"] == ["région « 11 » inconnue du référentiel des territoires"]
    assert not FormationPage.objects.exists()


def test_dry_run_writes_nothing(bretagne):
    resume, _ = run_import(SAMPLE, "--dry-run")
    assert resume["created"] == 1 and resume["_code"] == 0
    assert not FormationPage.objects.exists()
    assert not Session.objects.exists()


def test_html_is_sanitized(tmp_path, bretagne):
    hostile = sample_bytes().replace(
        b"<objectif-formation>&lt;p&gt;",
        b"<objectif-formation>&lt;script&gt;alert(1)&lt;/script&gt;"
        b"&lt;p onclick=&quot;x()&quot;&gt;&lt;a href=&quot;javascript:x()&quot;&gt;lien&lt;/a&gt;",
    )
    run_import(write(tmp_path, hostile))
    objectifs = FormationPage.objects.get().objectifs
    assert "script" not in objectifs and "onclick" not in objectifs
    assert "javascript" not in objectifs
    assert "lien" in objectifs


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lheo [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<lheo xmlns="http://lheo.gouv.fr/2.3"><offres>&d;</offres></lheo>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE lheo [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<lheo xmlns="http://lheo.gouv.fr/2.3"><offres><formation numero="x">
<intitule-formation>&secret;</intitule-formation></formation></offres></lheo>"""


@pytest.mark.parametrize(
    ("contenu", "message"),
    [
        (b"ceci n'est pas du XML", "pas un XML bien formé"),
        (b"", "vide"),
        (b'<?xml version="1.0"?><rss><channel/></rss>', "racine doit être <lheo>"),
        (b'<lheo xmlns="http://example.org/autre"><offres/></lheo>', "espace de noms"),
        (XXE, "DOCTYPE"),
        (BILLION_LAUGHS, "DOCTYPE"),
        (b" " * (2 * 1024 * 1024), "Aucun élément racine"),
        (
            b'<lheo xmlns="http://lheo.gouv.fr/2.3"><offres>'
            + b" " * 300_000
            + b"</offres></lheo>",
            "aucune formation",
        ),
        (
            b'<lheo xmlns="http://lheo.gouv.fr/2.3"><offres><formation numero="1">',
            "pas un XML bien formé",
        ),
    ],
    ids=[
        "not-xml",
        "empty",
        "wrong-root",
        "wrong-ns",
        "xxe",
        "billion-laughs",
        "nothing",
        "no-formation",
        "cut",
    ],
)
def test_hostile_or_invalid_documents_are_refused(tmp_path, bretagne, contenu, message):
    resume, err = run_import(write(tmp_path, contenu))
    assert resume["_code"] == 1
    assert resume["created"] == 0
    assert message in resume["errors"][0]
    assert "rien n'a été enregistré" in err
    assert not FormationPage.objects.exists()


def test_session_ending_before_it_starts_rolls_everything_back(tmp_path, bretagne):
    contenu = sample_bytes()
    # Two formations: the first is valid, the second has fin < debut; none is kept.
    debut, fin = contenu.index(b"<formation "), contenu.index(b"</formation>") + 12
    seconde = (
        contenu[debut:fin]
        .replace(b'numero="9436_18706"', b'numero="AUTRE"')
        .replace(b"<fin>20170831</fin>", b"<fin>20140101</fin>")
    )
    flux = write(tmp_path, contenu[:fin] + seconde + contenu[fin:])
    resume, err = run_import(flux)
    assert resume["_code"] == 1
    assert resume["formations"] == 1
    assert len(resume["errors"]) == 1
    assert "précède le début" in resume["errors"][0]
    assert not FormationPage.objects.exists()
    assert not Session.objects.exists()


def test_schema_and_samples_ship_with_the_project():
    # A fresh clone has nothing beside the checkout: the schema and samples live inside it.
    assert settings.BASE_DIR in settings.LHEO_XSD.parents
    assert settings.LHEO_XSD.is_file()
    assert settings.BASE_DIR in SAMPLE.parents


def test_sample_rewritten_in_23_validates_against_the_schema(tmp_path):
    chemin = write(tmp_path, sample_bytes().replace(NS22, NS23))
    assert valider(chemin) == []
    invalide = write(
        tmp_path, sample_bytes().replace(NS22, NS23).replace(b"fin>", b"fini>"), "x.xml"
    )
    assert valider(invalide) != []


def test_export_validates_and_round_trip_is_lossless(tmp_path, bretagne):
    run_import(SAMPLE)
    avant = snapshot()
    sortie = tmp_path / "export.xml"
    resume = run_export(sortie, "--region", "53")
    assert resume == {"formations": 1, "actions": 1, "sessions": 1, "ignorees": 0, "errors": []}
    assert valider(sortie) == []
    texte = sortie.read_text()
    assert 'xmlns="http://lheo.gouv.fr/2.3"' in texte
    assert "FOR_ID ONISEP" in texte
    resume, _ = run_import(sortie)
    assert (resume["created"], resume["updated"], resume["unchanged"]) == (0, 0, 1)
    assert snapshot() == avant


def test_export_of_formations_created_in_maillage(tmp_path, bretagne):
    formation = FormationPageFactory(codes_rome=["K1801"], prix=Decimal("120.50"), gratuit=False)
    SessionFactory(formation=formation)
    SessionFactory(formation=formation, etat=Session.Etat.ANNULEE)
    FormationPageFactory()  # no session: left out, LHEO needs one
    sortie = tmp_path / "export.xml"
    resume = run_export(sortie)
    assert (resume["formations"], resume["sessions"], resume["ignorees"]) == (1, 1, 1)
    assert valider(sortie) == []
    assert f'numero="MAILLAGE-F{formation.pk}"' in sortie.read_text()
    # Re-importing our own export recognises our identifiers: nothing is duplicated.
    resume, _ = run_import(sortie, "--region", "53")
    assert (resume["created"], resume["errors"]) == (0, [])
    assert FormationPage.objects.count() == 2
    assert Session.objects.count() == 2


def test_export_with_nothing_to_export_fails(tmp_path, bretagne):
    with pytest.raises(CommandError, match="Aucune formation"):
        run_export(tmp_path / "vide.xml")
    assert not (tmp_path / "vide.xml").exists()


def test_parser_refuses_without_touching_the_database():
    with pytest.raises(LheoError):
        list(iter_formations(io.BytesIO(XXE), erreurs=[]))


def _junk(octets: int) -> bytes:
    """Unknown elements, nested two deep, weighing `octets` bytes."""
    motif = b'<inconnu a="b"><enfant>texte texte texte texte texte</enfant></inconnu>'
    return motif * (octets // len(motif))


def _formation_sample() -> bytes:
    contenu = sample_bytes()
    return contenu[contenu.index(b"<formation ") : contenu.index(b"</formation>") + 12]


def _flux(*morceaux: bytes) -> bytes:
    return (
        b'<lheo xmlns="http://lheo.gouv.fr/2.3"><offres>' + b"".join(morceaux) + b"</offres></lheo>"
    )


def test_unknown_content_outside_formations_is_read_and_dropped():
    # 3 MB of unknown elements between formations, and a large unknown subtree.
    contenu = _flux(
        _junk(1024 * 1024),
        _formation_sample(),
        b"<bloc-inconnu>" + _junk(2 * 1024 * 1024) + b"</bloc-inconnu>",
    )
    erreurs = []
    formations = list(iter_formations(io.BytesIO(contenu), erreurs=erreurs))
    assert erreurs == []
    assert [f.numero for f in formations] == ["9436_18706"]


def test_a_formation_swollen_by_unknown_content_is_refused(tmp_path, bretagne):
    formation = _formation_sample()
    gonflee = formation.replace(b"</formation>", _junk(3 * 1024 * 1024) + b"</formation>")
    resume, err = run_import(write(tmp_path, _flux(gonflee)))
    assert resume["_code"] == 1
    assert "formation 9436_18706 (ligne 1) : trop volumineuse" in resume["errors"][0]
    assert not FormationPage.objects.exists()


@pytest.mark.parametrize(
    ("contenu", "message"),
    [
        (_flux(b"<a>" * 40 + b"</a>" * 40), "Plus de 32 niveaux"),
        (_flux(b"<inconnu>" + b"x" * 1_000_001 + b"</inconnu>"), "Un texte de plus de"),
        (_flux(b'<inconnu a="' + b"x" * 1_000_001 + b'"/>'), "Des attributs de plus de"),
    ],
    ids=["depth", "text", "attribute"],
)
def test_deep_or_oversized_documents_are_refused(contenu, message):
    with pytest.raises(LheoError, match=message):
        list(iter_formations(io.BytesIO(contenu), erreurs=[]))
