"""The LHEO import screen of the Wagtail admin: who sees it, dry run first, then import."""

import html
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from formations.lheo import admin_views
from formations.models import FormationPage, RegionPage
from maillage import roles
from maillage.factories import UserFactory
from maillage.models import Commune, Territoire

pytestmark = pytest.mark.django_db

URL = "/admin/formations/import-lheo/"
SAMPLE = Path(__file__).parent / "data" / "exemple-onisep-2.2.xml"


@pytest.fixture
def territoires(home_page):
    bretagne = Territoire.objects.create(niveau=Territoire.Niveau.REGION, code="53", nom="Bretagne")
    idf = Territoire.objects.create(niveau=Territoire.Niveau.REGION, code="11", nom="Île-de-France")
    finistere = Territoire.objects.create(
        niveau=Territoire.Niveau.DEPARTEMENT, code="29", nom="Finistère", parent=bretagne
    )
    Commune.objects.create(code_insee="29233", nom="Quimperlé", departement=finistere)
    return {"53": bretagne, "11": idf}


def _client(client, mfa_login, user):
    TOTP.activate(user, generate_totp_secret())
    return mfa_login(client, user)


@pytest.fixture
def admin_client(client, mfa_login, territoires):
    return _client(client, mfa_login, UserFactory(username="admin.lheo", is_superuser=True))


@pytest.fixture
def editor_client(client, mfa_login, territoires):
    editeur = UserFactory(username="editeur.bretagne")
    roles.role_assign(user=editeur, role=roles.EDITEUR_REGIONAL, region=territoires["53"])
    return _client(client, mfa_login, editeur)


def _upload(contenu: bytes, nom: str = "flux.xml"):
    return SimpleUploadedFile(nom, contenu, content_type="text/xml")


def _page(response) -> str:
    return html.unescape(response.content.decode())


def _en_attente_de(response) -> bool:
    return "jeton" in response.content.decode()


def _en_attente() -> list[Path]:
    return list(admin_views._dossier().glob("*.xml"))


def test_only_administrators_and_regional_editors_reach_it(client, mfa_login, territoires):
    conseiller = UserFactory(username="conseiller.admin")
    conseiller.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    client = _client(client, mfa_login, conseiller)
    # Wagtail answers a refused admin view with a redirect to the dashboard and a message.
    response = client.get(URL)
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    refuse = client.post(URL, {"fichier": _upload(SAMPLE.read_bytes()), "region": ""})
    assert refuse.status_code == 302 and not _en_attente_de(refuse)
    assert URL not in client.get("/admin/").content.decode()


def test_dry_run_report_then_import(admin_client, territoires):
    page = _page(admin_client.get(URL))
    assert "Celle du lieu de chaque formation" in page and "Import LHEO" in page
    avant = set(_en_attente())
    response = admin_client.post(URL, {"fichier": _upload(SAMPLE.read_bytes()), "region": ""})
    assert response.status_code == 200
    page = _page(response)
    assert "Simulation : ce que l'import changerait" in page
    assert "1 formation créée" in page and "1 page région créée" in page
    assert not FormationPage.objects.exists() and not RegionPage.objects.exists()
    (attente,) = set(_en_attente()) - avant
    response = admin_client.post(URL, {"jeton": attente.stem})
    page = _page(response)
    assert "Résultat de l'import" in page and "Import LHEO terminé." in page
    formation = FormationPage.objects.get(numero="9436_18706")
    assert formation.get_parent().get_parent().specific.territoire.code == "53"
    assert not attente.exists()
    # The same token cannot run the import twice.
    response = admin_client.post(URL, {"jeton": attente.stem})
    assert response.status_code == 302
    assert FormationPage.objects.count() == 1


def test_a_regional_editor_imports_into_their_region_only(editor_client, territoires):
    page = _page(editor_client.get(URL))
    assert "Bretagne" in page and "Île-de-France" not in page
    refuse = editor_client.post(URL, {"fichier": _upload(SAMPLE.read_bytes()), "region": "11"})
    assert refuse.status_code == 400
    avant = set(_en_attente())
    paris = SAMPLE.read_bytes().replace(b"<region>53</region>", b"<region>11</region>")
    response = editor_client.post(URL, {"fichier": _upload(paris), "region": "53"})
    assert "1 formation créée" in _page(response)
    (attente,) = set(_en_attente()) - avant
    editor_client.post(URL, {"jeton": attente.stem})
    formation = FormationPage.objects.get()
    assert formation.get_parent().get_parent().specific.territoire.code == "53"


def test_a_bad_file_gets_a_french_message_and_nothing_is_kept(admin_client, monkeypatch):
    avant = set(_en_attente())
    response = admin_client.post(URL, {"fichier": _upload(b"pas du XML"), "region": ""})
    assert "Fichier refusé : Le fichier n'est pas un XML bien formé" in _page(response)
    assert set(_en_attente()) == avant
    monkeypatch.setattr(admin_views, "MAX_OCTETS", 100)
    response = admin_client.post(URL, {"fichier": _upload(SAMPLE.read_bytes()), "region": ""})
    assert response.status_code == 400
    assert "« manage.py import_lheo »" in _page(response)
    assert set(_en_attente()) == avant
    response = admin_client.post(URL, {"jeton": "../../etc/passwd"})
    assert response.status_code == 302
    assert not FormationPage.objects.exists()


def test_a_new_check_replaces_the_file_kept_by_the_previous_one(admin_client):
    avant = set(_en_attente())
    admin_client.post(URL, {"fichier": _upload(SAMPLE.read_bytes()), "region": ""})
    (premier,) = set(_en_attente()) - avant
    admin_client.post(URL, {"fichier": _upload(SAMPLE.read_bytes()), "region": ""})
    (second,) = set(_en_attente()) - avant
    assert second != premier and not premier.exists()
    assert admin_client.post(URL, {"jeton": premier.stem}).status_code == 302
    assert not FormationPage.objects.exists()
    admin_client.post(URL, {"jeton": second.stem})
    assert FormationPage.objects.count() == 1
