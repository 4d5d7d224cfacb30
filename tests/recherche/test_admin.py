"""The search outbox screen of the Wagtail admin: what waits, what failed, replay now."""

import html

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Permission
from django.utils import timezone

from maillage.factories import UserFactory
from recherche.models import SearchDocument, SearchOutbox
from ressources.factories import CasPageFactory

pytestmark = pytest.mark.django_db

URL = "/admin/recherche/en-attente/"


@pytest.fixture
def entries(home_page):
    cas = CasPageFactory(title="Cas en attente d'indexation")
    SearchOutbox.objects.all().delete()
    now = timezone.now()
    SearchOutbox.objects.create(model_label="ressources.caspage", object_pk=str(cas.pk),
                                modifie_le=now)  # fmt: skip
    SearchOutbox.objects.create(
        model_label="ressources.caspage",
        object_pk="987654",
        modifie_le=now,
        tentatives=3,
        derniere_erreur="ConnectionError: le nœud ne répond pas",
    )
    return cas


@pytest.fixture
def admin_client(client, staff_user_totp, mfa_login):
    return mfa_login(client, staff_user_totp)


@pytest.fixture
def editor_client(client, mfa_login):
    """An account that reaches the Wagtail admin (a regional editor) but is not staff."""
    editor = UserFactory(username="editeur.regional")
    editor.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    TOTP.activate(editor, generate_totp_secret())
    return mfa_login(client, editor)


def test_staff_sees_pending_and_failed_entries(admin_client, entries):
    response = admin_client.get(URL)

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "2 changements attendent d'être indexés" in page
    assert "1 en attente, 1 en échec" in page
    assert "ConnectionError: le nœud ne répond pas" in page
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    # Failed first; a row gone from the database will be removed from the index.
    assert "987654" in rows[0] and "retirer de l'index" in rows[0] and ">3<" in rows[0]
    assert str(entries.pk) in rows[1] and ">indexer<" in rows[1]
    assert "Index de recherche" in admin_client.get("/admin/").content.decode()


def test_replay_now_runs_the_replay_and_reports(admin_client, entries, settings):
    settings.OPENSEARCH_URL = None

    response = admin_client.post(URL, follow=True)

    assert response.redirect_chain[-1][0] == URL
    assert "2 changement(s) envoyé(s) à l'index ; 0 en attente." in html.unescape(
        response.content.decode()
    )
    assert not SearchOutbox.objects.exists()
    assert list(SearchDocument.objects.values_list("title", flat=True)) == [entries.title]


def test_replay_keeps_entries_when_opensearch_is_down(admin_client, entries, settings):
    settings.OPENSEARCH_URL = "http://127.0.0.1:9"

    response = admin_client.post(URL, follow=True)

    page = html.unescape(response.content.decode())
    assert "l'index n'a pas accepté le suivant : 2 restent en attente." in page
    assert SearchOutbox.objects.count() == 2
    assert SearchOutbox.objects.filter(tentatives__gt=0).count() >= 1


def test_non_staff_cannot_reach_the_screen_nor_replay(editor_client, client, entries):
    # Wagtail turns the refusal into a redirect to the admin home with an error message.
    for response in (editor_client.get(URL), editor_client.post(URL)):
        assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert SearchOutbox.objects.filter(tentatives=0).count() == 1
    assert not SearchDocument.objects.exists()
    assert URL not in editor_client.get("/admin/").content.decode()

    client.logout()
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]
