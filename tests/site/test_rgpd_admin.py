"""Staff processing a data request from the Wagtail admin: export, schedule, execute now."""

import io
import json
import zipfile

import pytest
from django.contrib.auth.models import Permission

from maillage.models import DemandeSuppression

pytestmark = pytest.mark.django_db

URL = "/admin/rgpd/"


@pytest.fixture
def admin_client(client, staff_user_totp, mfa_login):
    staff_user_totp.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="maillage", codename="change_demandesuppression"
        )
    )
    return mfa_login(client, staff_user_totp)


def test_staff_without_the_permission_is_refused(client, staff_user_totp, mfa_login, verified_user):
    mfa_login(client, staff_user_totp)

    assert "/admin/rgpd/" not in client.get("/admin/").content.decode()
    # Wagtail turns the refusal into a redirect to the admin's home with an error message.
    for response in (
        client.get(URL),
        client.get(f"{URL}compte/{verified_user.pk}/export.zip"),
        client.post(f"{URL}compte/{verified_user.pk}/", {"action": "programmer"}),
    ):
        assert response.status_code == 302
        assert response["Location"] == "/admin/"
    assert not DemandeSuppression.objects.exists()


def test_staff_finds_an_account_by_email_and_downloads_its_data(admin_client, verified_user):
    response = admin_client.get(URL, {"email": "Camille.Martin@exemple.fr"})

    assert response.status_code == 302
    compte_url = response["Location"]
    assert compte_url == f"{URL}compte/{verified_user.pk}/"
    assert "camille.martin@exemple.fr" in admin_client.get(compte_url).content.decode()
    response = admin_client.get(f"{compte_url}export.zip")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        donnees = json.loads(archive.read("donnees.json"))
    assert donnees["sections"]["compte"][0]["email"] == "camille.martin@exemple.fr"


def test_an_unknown_address_gives_a_clear_message(admin_client):
    response = admin_client.get(URL, {"email": "personne@exemple.fr"}, follow=True)

    assert response.status_code == 200
    assert "Aucun compte n" in response.content.decode()


def test_staff_schedules_then_executes_a_deletion_now(admin_client, staff_user_totp, verified_user):
    compte_url = f"{URL}compte/{verified_user.pk}/"

    admin_client.post(compte_url, {"action": "programmer", "supprimer_contributions": "on"})
    demande = DemandeSuppression.objects.get(user=verified_user)
    assert demande.origine == DemandeSuppression.Origine.EQUIPE
    assert demande.demandee_par == staff_user_totp
    assert demande.supprimer_contributions
    assert "camille.martin@exemple.fr" in admin_client.get(URL).content.decode()

    response = admin_client.post(compte_url, {"action": "executer"}, follow=True)

    assert response.status_code == 200
    demande.refresh_from_db()
    assert demande.etat == DemandeSuppression.Etat.EXECUTEE
    verified_user.refresh_from_db()
    assert verified_user.get_full_name() == "Ancien membre"
    assert not verified_user.is_active


def test_executing_without_a_pending_request_is_refused_clearly(admin_client, verified_user):
    response = admin_client.post(
        f"{URL}compte/{verified_user.pk}/", {"action": "executer"}, follow=True
    )

    assert response.status_code == 200
    assert "Aucune demande en attente pour ce compte." in response.content.decode()
    verified_user.refresh_from_db()
    assert verified_user.is_active


def test_the_screen_is_in_the_admin_menu_for_staff_with_the_permission(admin_client):
    # The sidebar is rendered from JSON props: the link appears as a quoted URL.
    assert "/admin/rgpd/" in admin_client.get("/admin/").content.decode()
