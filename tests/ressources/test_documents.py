"""Files of tool proposals stay private until a reviewer publishes the tool."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from wagtail.documents import get_document_model
from wagtail.models import Collection, GroupCollectionPermission, PageViewRestriction

from maillage.factories import UserFactory
from ressources import services
from ressources.factories import OutilIndexPageFactory, OutilPageFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
Document = get_document_model()


@pytest.fixture(autouse=True)
def media_on_disk(settings, tmp_path):
    """Wagtail serves a document from its path: files go to a temporary folder on disk."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


@pytest.fixture
def root_collection(db):
    return Collection.get_first_root_node() or Collection.add_root(name="Root")


@pytest.fixture
def proposition(moderation_workflow, root_collection, verified_user):
    """A member's tool proposal with its file `rapport.pdf`, waiting for review."""
    OutilIndexPageFactory()
    return services.outil_propose(
        user=verified_user,
        title="Rapport d'activité commenté",
        nature="guide",
        description="Un exemple de rapport.",
        licence="cc_by",
        fichier=SimpleUploadedFile("rapport.pdf", PDF, content_type="application/pdf"),
    )


@pytest.fixture
def relecteur(moderation_workflow):
    """A member of the group the review task is assigned to, with no other right."""
    user = UserFactory(username="relecteur")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _get(document, user=None):
    return _client(user).get(f"/documents/{document.pk}/{document.filename}")


def test_stored_name_cannot_be_guessed_from_the_original(proposition):
    document = proposition.document
    assert document.filename != "rapport.pdf"
    assert document.filename.startswith("rapport-") and document.filename.endswith(".pdf")
    assert len(document.filename) == len("rapport-") + 16 + len(".pdf")
    assert _client().get(f"/documents/{document.pk}/rapport.pdf").status_code == 404


def test_file_of_a_proposal_under_review_is_not_public(
    proposition, verified_user, relecteur, editeur
):
    document = proposition.document
    assert _get(document).status_code == 404
    assert _get(document, UserFactory(username="autre.membre")).status_code == 404

    # The proposer, the reviewers and the editors of documents get it.
    for user in (verified_user, relecteur, editeur):
        response = _get(document, user)
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == PDF


@pytest.fixture
def editeur(root_collection):
    """An editor allowed to change documents (as the regional editors' role is)."""
    editeurs = Group.objects.create(name="Éditeurs de documents")
    GroupCollectionPermission.objects.create(
        group=editeurs,
        collection=root_collection,
        permission=Permission.objects.get(
            content_type__app_label="wagtaildocs", codename="change_document"
        ),
    )
    user = UserFactory(username="editeur")
    user.groups.add(editeurs)
    return user


def test_file_becomes_public_once_the_tool_is_published(proposition, relecteur):
    document = proposition.document
    proposition.current_workflow_task_state.approve(user=relecteur)
    proposition.refresh_from_db()
    assert proposition.live
    response = _get(document)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_file_of_a_rejected_proposal_stays_private(proposition, relecteur, editeur):
    document = proposition.document
    proposition.current_workflow_task_state.reject(user=relecteur)
    proposition.refresh_from_db()
    assert not proposition.live
    assert _get(document).status_code == 404
    assert _get(document, UserFactory(username="autre.membre")).status_code == 404
    assert _get(document, editeur).status_code == 200


def test_file_of_a_deleted_proposal_is_not_freed(proposition):
    document = proposition.document
    proposition.delete()
    assert Document.objects.filter(pk=document.pk).exists()
    assert _get(document).status_code == 404
    assert _get(document, UserFactory(username="autre.membre")).status_code == 404


def test_file_of_a_login_only_tool_needs_an_account(home_page, root_collection):
    document = Document.objects.create(
        title="Grille", file=SimpleUploadedFile("grille.pdf", PDF), collection=root_collection
    )
    outil = OutilPageFactory(title="Outil réservé", document=document)
    PageViewRestriction.objects.create(page=outil, restriction_type=PageViewRestriction.LOGIN)
    assert _get(document).status_code == 404
    assert _get(document, UserFactory(username="membre")).status_code == 200
