"""Tool files are checked by content: a disguised or oversized file is refused."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ressources.factories import OutilIndexPageFactory
from ressources.models import OutilPage
from ressources.uploads import check_document

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def office(kind: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if kind == "docx":
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<w:document/>")
        else:
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("grille.pdf", PDF),
        ("grille.docx", office("docx")),
        ("grille.odt", office("odt")),
        ("notes.txt", "Grille d'entretien — version 2".encode()),
        ("indicateurs.csv", b"indicateur;valeur\naccueil;4\n"),
    ],
)
def test_genuine_files_pass(name, content):
    check_document(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("grille.pdf", b"<html><script>alert(1)</script></html>", "contenu"),
        ("grille.pdf", b"MZ\x90\x00\x03binary", "contenu"),
        ("grille.docx", PDF, "contenu"),
        ("grille.docx", office("odt"), "contenu"),
        ("grille.odt", office("docx"), "contenu"),
        ("grille.docx", b"PK\x03\x04not really a zip", "contenu"),
        ("notes.txt", b"<script>alert(1)</script>", "contenu"),
        ("notes.txt", b"\xff\xfe\x00binary", "contenu"),
        ("virus.exe", b"MZ\x90\x00", "type"),
        ("sans-extension", PDF, "type"),
        ("page.html", b"<p>x</p>", "type"),
    ],
)
def test_disguised_files_are_refused(name, content, reason):
    with pytest.raises(ValidationError) as error:
        check_document(SimpleUploadedFile(name, content))
    assert reason in " ".join(error.value.messages)


def test_oversized_file_is_refused(settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 100
    with pytest.raises(ValidationError, match="taille maximale"):
        check_document(SimpleUploadedFile("grille.pdf", PDF + b"0" * 200))


@pytest.fixture
def root_collection(db):
    """Wagtail's root collection (a data migration; rebuilt after a transactional flush)."""
    from wagtail.models import Collection

    return Collection.get_first_root_node() or Collection.add_root(name="Root")


def test_member_shares_a_tool_with_its_file(
    member_client, moderation_workflow, root_collection, verified_user
):
    OutilIndexPageFactory()
    data = {
        "title": "Grille d'entretien de bilan",
        "nature": "grille_entretien",
        "description": "Pour un bilan à mi-parcours.",
        "licence": "cc_by_sa",
        "fichier": SimpleUploadedFile("bilan.pdf", PDF, content_type="application/pdf"),
    }

    response = member_client.post("/ressources/partager-un-outil/", data)

    assert response.status_code == 302
    outil = OutilPage.objects.get()
    assert not outil.live and outil.workflow_in_progress
    assert outil.document.file.read() == PDF
    assert outil.structure_auteur == verified_user.profil.structure


def test_disguised_upload_is_refused_and_nothing_is_created(member_client, home_page):
    OutilIndexPageFactory()
    data = {
        "title": "Faux PDF",
        "nature": "guide",
        "description": "x",
        "licence": "cc_by",
        "fichier": SimpleUploadedFile("guide.pdf", b"<script>alert(1)</script>"),
    }

    response = member_client.post("/ressources/partager-un-outil/", data)

    assert response.status_code == 200
    assert "fichier" in response.context["form"].errors
    assert not OutilPage.objects.exists()


def test_sharing_needs_an_account(home_page):
    response = Client().get("/ressources/partager-un-outil/")
    assert response.status_code == 302


def test_a_zip_bomb_among_tool_files_is_refused_without_being_unpacked():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        # The mimetype entry declares 64 MiB of zeros: reading it whole was the attack.
        archive.writestr("mimetype", b"\0" * (64 * 1024 * 1024))
        archive.writestr("content.xml", "<office:document-content/>")
    bombe = buffer.getvalue()
    assert len(bombe) < 200_000
    with pytest.raises(ValidationError) as error:
        check_document(SimpleUploadedFile("grille.odt", bombe))
    assert "démesuré" in " ".join(error.value.messages)
