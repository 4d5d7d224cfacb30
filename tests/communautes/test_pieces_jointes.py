"""Attachments: content checks, nothing written on refusal, downloads only for allowed readers."""

import html
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from wagtail.documents import get_document_model

from communautes.factories import (
    AdhesionFactory,
    AnimateurFactory,
    CommunauteFactory,
    PublicationFactory,
    ReponseFactory,
    UserFactory,
)
from communautes.models import Adhesion, PieceJointe, Publication
from communautes.moderation import services as moderation
from communautes.pieces_jointes.services import pieces_jointes_add

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png() -> bytes:
    tampon = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(tampon, "PNG")
    return tampon.getvalue()


def _docx() -> bytes:
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return tampon.getvalue()


def _fichier(nom: str, contenu: bytes, type_annonce: str = "application/octet-stream"):
    return SimpleUploadedFile(nom, contenu, content_type=type_annonce)


@pytest.fixture(autouse=True)
def racine(settings, tmp_path) -> Path:
    settings.COMMUNAUTES_PIECES_JOINTES_ROOT = tmp_path / "pieces-jointes"
    return settings.COMMUNAUTES_PIECES_JOINTES_ROOT


def _stockes(racine: Path) -> list[Path]:
    return [p for p in racine.rglob("*") if p.is_file()] if racine.exists() else []


def _publier(client, communaute, fichiers, titre="Grille d'entretien"):
    return client.post(
        reverse("communautes:publication_create", args=[communaute.slug]),
        {
            "nature": "ressource",
            "titre": titre,
            "corps": "<p>Voici nos outils.</p>",
            "pieces_jointes": fichiers,
        },
    )


def test_a_member_attaches_files_when_posting(client, communaute, gens, racine):
    client.force_login(gens.membre)
    response = _publier(
        client,
        communaute,
        [
            _fichier("grille.pdf", PDF),
            _fichier("photo.png", _png()),
            _fichier("../../fiche de liaison.docx", _docx()),
        ],
    )
    publication = Publication.objects.get()
    assert response.status_code == 302
    pieces = list(publication.pieces_jointes.order_by("nom"))
    assert [(p.nom, p.type_mime) for p in pieces] == [
        (
            "fiche de liaison.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("grille.pdf", "application/pdf"),
        ("photo.png", "image/png"),
    ]
    stockes = _stockes(racine)
    assert len(stockes) == 3
    # Stored under random names, outside MEDIA_ROOT, without any public URL.
    assert all(p.resolve().is_relative_to(racine.resolve()) for p in stockes)
    assert not any(p.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve()) for p in stockes)
    assert not any("grille" in p.name or "liaison" in p.name for p in stockes)
    with pytest.raises(ValueError):
        pieces[0].fichier.url  # noqa: B018
    page = html.unescape(client.get(publication.get_absolute_url()).content.decode())
    assert "grille.pdf" in page
    assert reverse("communautes:piece_jointe", args=[communaute.slug, pieces[1].pk]) in page


@pytest.mark.parametrize(
    ("nom", "contenu", "message"),
    [
        ("rapport.pdf", _png(), "ne correspond pas à son extension « .pdf »"),
        ("photo.png", b"<html><script>alert(1)</script></html>", "ne correspond pas"),
        ("photo.jpg", _png(), "ne correspond pas à son extension « .jpg »"),
        ("notes.txt", b"bonjour <script>alert(1)</script>", "ne correspond pas"),
        ("tableau.xlsx", _docx(), "ne correspond pas"),
        ("page.html", b"<html></html>", "ce type de fichier n'est pas accepté"),
        ("logo.svg", b"<svg onload='alert(1)'/>", "ce type de fichier n'est pas accepté"),
        ("outil.exe", b"MZ\x90\x00", "ce type de fichier n'est pas accepté"),
        ("vide.pdf", b"", "est vide"),
    ],
)
def test_bad_files_get_a_french_message_and_nothing_is_written(
    client, communaute, gens, racine, nom, contenu, message
):
    client.force_login(gens.membre)
    response = _publier(
        client, communaute, [_fichier("bon.pdf", PDF), _fichier(nom, contenu, "application/pdf")]
    )
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert not Publication.objects.exists()
    assert not PieceJointe.objects.exists()
    assert _stockes(racine) == []


def test_the_size_limit_comes_from_the_settings(client, communaute, gens, racine, settings):
    settings.COMMUNAUTES_PIECE_JOINTE_MAX_OCTETS = 1024
    client.force_login(gens.membre)
    response = _publier(client, communaute, [_fichier("gros.pdf", PDF + b" " * 2000)])
    assert response.status_code == 400
    assert "« gros.pdf » dépasse la taille maximale de 1,0" in html.unescape(
        response.content.decode()
    )
    assert not Publication.objects.exists() and _stockes(racine) == []
    assert _publier(client, communaute, [_fichier("petit.pdf", PDF)]).status_code == 302


def test_only_the_author_or_a_manager_attaches_and_five_at_most(communaute, gens):
    publication = PublicationFactory(communaute=communaute, auteur=gens.membre)
    with pytest.raises(PermissionDenied):
        pieces_jointes_add(
            user=gens.autre_membre, publication=publication, fichiers=[_fichier("a.pdf", PDF)]
        )
    pieces_jointes_add(
        user=gens.animateur, publication=publication, fichiers=[_fichier("a.pdf", PDF)]
    )
    with pytest.raises(ValidationError, match="5 pièces jointes au plus"):
        pieces_jointes_add(
            user=gens.membre,
            publication=publication,
            fichiers=[_fichier(f"{i}.pdf", PDF) for i in range(5)],
        )
    assert publication.pieces_jointes.count() == 1


# --- downloads, tried as an attacker -------------------------------------------------------


def _scene(visibilite: str):
    communaute = CommunauteFactory(visibilite=visibilite)
    animateur = AnimateurFactory(communaute=communaute).user
    membre = AdhesionFactory(communaute=communaute).user
    banni = AdhesionFactory(communaute=communaute, etat=Adhesion.Etat.BANNIE).user
    publication = PublicationFactory(communaute=communaute, auteur=membre)
    reponse = ReponseFactory(publication=publication, auteur=animateur)
    piece = pieces_jointes_add(
        user=membre, publication=publication, fichiers=[_fichier("compte rendu é.pdf", PDF)]
    )[0]
    piece_reponse = pieces_jointes_add(
        user=animateur, reponse=reponse, fichiers=[_fichier("annexe.csv", b"a;b\n1;2\n")]
    )[0]
    return (
        communaute,
        {"membre": membre, "banni": banni, "exterieur": UserFactory()},
        [
            piece,
            piece_reponse,
        ],
    )


@pytest.mark.parametrize(
    ("visibilite", "visiteur", "attendu"),
    [
        ("publique", None, 200),
        ("publique", "exterieur", 200),
        ("publique", "membre", 200),
        ("membres", None, 404),
        ("membres", "exterieur", 404),
        ("membres", "banni", 404),
        ("membres", "membre", 200),
        ("privee", None, 404),
        ("privee", "exterieur", 404),
        ("privee", "banni", 404),
        ("privee", "membre", 200),
    ],
)
def test_downloads_follow_the_publication_visibility(client, visibilite, visiteur, attendu):
    communaute, gens, pieces = _scene(visibilite)
    if visiteur:
        client.force_login(gens[visiteur])
    for piece in pieces:
        url = reverse("communautes:piece_jointe", args=[communaute.slug, piece.pk])
        response = client.get(url)
        assert response.status_code == attendu, (visibilite, visiteur, piece.nom)
        # The same file asked through another community the visitor can read: not found.
        autre = CommunauteFactory()
        url = reverse("communautes:piece_jointe", args=[autre.slug, piece.pk])
        assert client.get(url).status_code == 404
    if attendu == 200:
        response = client.get(
            reverse("communautes:piece_jointe", args=[communaute.slug, pieces[0].pk])
        )
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "compte%20rendu%20%C3%A9.pdf" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "private" in response["Cache-Control"]


def test_no_other_url_serves_the_files(client, communaute, gens, racine):
    publication = PublicationFactory(communaute=communaute, auteur=gens.membre)
    piece = pieces_jointes_add(
        user=gens.membre, publication=publication, fichiers=[_fichier("a.pdf", PDF)]
    )[0]
    assert get_document_model().objects.count() == 0
    assert client.get(f"/media/{piece.fichier.name}").status_code == 404
    assert client.get(f"/documents/{piece.pk}/a.pdf").status_code == 404


def test_attachments_of_hidden_content_are_for_moderators_only(client, communaute, gens, racine):
    publication = PublicationFactory(communaute=communaute, auteur=gens.membre)
    piece = pieces_jointes_add(
        user=gens.membre, publication=publication, fichiers=[_fichier("a.pdf", PDF)]
    )[0]
    url = reverse("communautes:piece_jointe", args=[communaute.slug, piece.pk])
    moderation.publication_moderate(
        by=gens.animateur, action="masquer", motif="Données personnelles", publication=publication
    )
    client.force_login(gens.membre)
    assert client.get(url).status_code == 404
    client.force_login(gens.animateur)
    assert client.get(url).status_code == 200


def test_deleting_the_publication_deletes_the_file(
    communaute, gens, racine, django_capture_on_commit_callbacks
):
    publication = PublicationFactory(communaute=communaute, auteur=gens.membre)
    pieces_jointes_add(user=gens.membre, publication=publication, fichiers=[_fichier("a.pdf", PDF)])
    assert len(_stockes(racine)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        moderation.publication_moderate(
            by=gens.animateur, action="supprimer", motif="Doublon", publication=publication
        )
    assert not PieceJointe.objects.exists()
    assert _stockes(racine) == []


def test_a_reply_carries_attachments_and_a_bad_one_refuses_the_reply(client, communaute, gens):
    publication = PublicationFactory(communaute=communaute, auteur=gens.animateur)
    url = reverse("communautes:reponse_create", args=[communaute.slug, publication.pk])
    client.force_login(gens.membre)
    response = client.post(
        url, {"corps": "<p>Ma grille</p>", "pieces_jointes": [_fichier("faux.pdf", b"MZ")]}
    )
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert "« faux.pdf » : le contenu du fichier ne correspond pas" in page
    assert not publication.reponses.exists()
    client.post(
        url, {"corps": "<p>Ma grille</p>", "pieces_jointes": [_fichier("grille.odt", _odt())]}
    )
    piece = PieceJointe.objects.get(reponse__publication=publication)
    assert piece.type_mime == "application/vnd.oasis.opendocument.text"
    page = client.get(publication.get_absolute_url()).content.decode()
    assert reverse("communautes:piece_jointe", args=[communaute.slug, piece.pk]) in page


def _odt() -> bytes:
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return tampon.getvalue()


def _bombe(taille: int = 64 * 1024 * 1024) -> bytes:
    """An .odt whose `mimetype` member inflates to `taille` bytes: about 64 KB on disk."""
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("mimetype", "w") as membre:
            membre.write(b"application/vnd.oasis.opendocument.text")
            zeros = bytes(1024 * 1024)
            for _ in range(taille // len(zeros)):
                membre.write(zeros)
        archive.writestr("content.xml", "<office:document-content/>")
    return tampon.getvalue()


def test_a_zip_bomb_attached_to_a_reply_is_refused_and_nothing_is_written(
    client, communaute, gens, racine
):
    bombe = _bombe()
    assert len(bombe) < 1024 * 1024
    publication = PublicationFactory(communaute=communaute, auteur=gens.animateur)
    url = reverse("communautes:reponse_create", args=[communaute.slug, publication.pk])
    client.force_login(gens.membre)
    response = client.post(
        url, {"corps": "<p>Ma grille</p>", "pieces_jointes": [_fichier("grille.odt", bombe)]}
    )
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert "« grille.odt » : archive refusée" in page
    assert not publication.reponses.exists()
    assert not PieceJointe.objects.exists()
    assert _stockes(racine) == []


def _archive(membres: dict[str, bytes]) -> bytes:
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as archive:
        for nom, contenu in membres.items():
            archive.writestr(nom, contenu)
    return tampon.getvalue()


@pytest.mark.parametrize(
    ("nom", "contenu", "message"),
    [
        ("bombe.odt", _bombe(), "archive refusée"),
        (
            "bombe.docx",
            _archive(
                {
                    "[Content_Types].xml": b"<Types/>",
                    "word/document.xml": b" " * (8 * 1024 * 1024),
                }
            ),
            "archive refusée",
        ),
        (
            "nombreux.xlsx",
            _archive(
                {"[Content_Types].xml": b"<Types/>"} | {f"xl/f{n}.xml": b"" for n in range(2001)}
            ),
            "archive refusée",
        ),
        (
            "long.ods",
            _archive({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet" * 100}),
            "le contenu du fichier ne correspond pas",
        ),
        ("abime.odt", b"PK\x03\x04" + b"\x00" * 100, "le contenu du fichier ne correspond pas"),
    ],
    ids=["inflating-mimetype", "inflating-member", "too-many-members", "long-mimetype", "bad"],
)
def test_archives_are_judged_from_their_directory_and_a_bounded_read(
    client, communaute, gens, racine, nom, contenu, message
):
    client.force_login(gens.membre)
    response = _publier(client, communaute, [_fichier(nom, contenu)])
    assert response.status_code == 400
    assert f"« {nom} » : {message}" in html.unescape(response.content.decode())
    assert not Publication.objects.exists()
    assert _stockes(racine) == []


def test_real_office_documents_still_pass(client, communaute, gens, racine):
    tableur = _archive(
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            # A large but ordinary member: repetitive XML compresses about 10 to 50 times.
            "content.xml": b"".join(
                f"<table:table-row><table:table-cell>{n}</table:table-cell>".encode()
                for n in range(100_000)
            ),
        }
    )
    client.force_login(gens.membre)
    response = _publier(client, communaute, [_fichier("suivi.ods", tableur)])
    assert response.status_code == 302
    assert PieceJointe.objects.get().type_mime == "application/vnd.oasis.opendocument.spreadsheet"
