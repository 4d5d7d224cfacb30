"""The admin menu leads back to the site in the same tab: the member's dashboard."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_admin_menu_links_back_to_the_dashboard(client, staff_user_totp, mfa_login):
    mfa_login(client, staff_user_totp)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert '"url": "/tableau-de-bord/"' in response.text
