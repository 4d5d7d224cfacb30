"""One login door: both admins send people to allauth's login, and admin screens need MFA."""

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from maillage import roles
from maillage.factories import TerritoireFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/comptes/login/"
MFA_ACTIVATE_URL = "/comptes/2fa/totp/activate/"
MFA_REAUTHENTICATE_URL = "/comptes/2fa/reauthenticate/"
WAGTAIL_LOGIN = "/admin/login/"
DJANGO_LOGIN = "/django-admin/login/"
# (login screen, a screen behind it, the admin's home)
ADMINS = [
    (WAGTAIL_LOGIN, "/admin/pages/", "/admin/"),
    (DJANGO_LOGIN, "/django-admin/auth/user/", "/django-admin/"),
]
LOCKED_OUT = "Trop de tentatives de connexion échouées. Veuillez réessayer ultérieurement."
NO_ACCESS = "Votre compte n'a pas accès à l'administration."
ASK_FOR_CODE = "Pour accéder à l&#x27;administration, saisissez le code"
MFA_REQUIRED = "La double authentification est obligatoire pour les comptes d'administration."


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def split(location: str) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(location)
    return parts.path, parse_qs(parts.query)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def superuser_totp(staff_user_totp):
    """A staff account allowed everywhere in both admins, with TOTP."""
    staff_user_totp.is_superuser = True
    staff_user_totp.save(update_fields=["is_superuser"])
    return staff_user_totp


@pytest.fixture
def region():
    return TerritoireFactory(code="84", nom="Auvergne-Rhône-Alpes")


@pytest.fixture
def regional_editor(region):
    """A regional editor as `setup_roles` and `role_assign` make one: not staff, no TOTP."""
    return UserFactory(
        username="editeur.regional", roles=[roles.EDITEUR_REGIONAL], roles__region=region
    )


class TestTheAdminLoginScreensForwardToAllauth:
    @pytest.mark.parametrize(("login", "screen", "home"), ADMINS)
    def test_get_keeps_next(self, client, login, screen, home):
        response = client.get(login, {"next": screen})

        assert response.status_code == 302
        path, query = split(response["Location"])
        assert path == LOGIN_URL
        assert query == {"next": [screen]}

    @pytest.mark.parametrize(("login", "screen", "home"), ADMINS)
    @pytest.mark.parametrize(
        "next_url", ["https://ailleurs.exemple.com/admin/", "//ailleurs.exemple.com/", ""]
    )
    def test_an_unsafe_or_missing_next_becomes_the_admin_home(
        self, client, login, screen, home, next_url
    ):
        response = client.get(login, {"next": next_url})

        assert split(response["Location"]) == (LOGIN_URL, {"next": [home]})

    @pytest.mark.parametrize(("login", "screen", "home"), ADMINS)
    def test_posted_credentials_open_no_session(
        self, login, screen, home, superuser_totp, password
    ):
        # A browser's real POST: CSRF is enforced, and the forms' token is not needed.
        client = Client(enforce_csrf_checks=True)

        response = client.post(
            f"{login}?next={screen}",
            {"username": superuser_totp.username, "password": password, "next": screen},
        )

        assert response.status_code == 302
        assert split(response["Location"]) == (LOGIN_URL, {"next": [screen]})
        assert logged_in_user_id(client) is None
        assert split(client.get(screen)["Location"])[0] in {LOGIN_URL, DJANGO_LOGIN}

    def test_anonymous_visitors_of_either_admin_end_on_allauths_login(self, client):
        wagtail = client.get("/admin/pages/")
        assert split(wagtail["Location"]) == (LOGIN_URL, {"next": ["/admin/pages/"]})

        django = client.get("/django-admin/auth/user/", follow=True)
        assert django.redirect_chain[-1][0].startswith(LOGIN_URL)
        assert split(django.redirect_chain[-1][0]) == (
            LOGIN_URL,
            {"next": ["/django-admin/auth/user/"]},
        )
        assert django.status_code == 200


class TestLoggingInThroughTheDoor:
    @pytest.mark.parametrize(("login", "screen", "home"), ADMINS)
    def test_staff_with_totp_must_give_the_code(
        self, client, login, screen, home, superuser_totp, password, totp_code
    ):
        door = client.get(login, {"next": screen})["Location"]

        after_password = client.post(door, {"login": superuser_totp.email, "password": password})

        assert after_password.status_code == 302
        assert after_password["Location"] == reverse("mfa_authenticate")
        assert logged_in_user_id(client) is None
        assert split(client.get(screen)["Location"])[0] in {LOGIN_URL, DJANGO_LOGIN}

        after_code = client.post(
            reverse("mfa_authenticate"), {"code": totp_code(superuser_totp.totp_secret)}
        )

        assert after_code.status_code == 302
        assert after_code["Location"] == screen
        assert logged_in_user_id(client) == str(superuser_totp.pk)
        assert client.get(screen).status_code == 200

    def test_a_session_opened_without_the_second_factor_is_asked_for_it(
        self, client, superuser_totp, totp_code
    ):
        client.force_login(superuser_totp)

        for screen in ("/admin/pages/", "/django-admin/auth/user/"):
            response = client.get(screen)
            assert split(response["Location"]) == (MFA_REAUTHENTICATE_URL, {"next": [screen]})
        page = client.get(response["Location"])
        assert page.status_code == 200
        assert ASK_FOR_CODE in page.content.decode()

        confirmed = client.post(
            f"{MFA_REAUTHENTICATE_URL}?next=/admin/pages/",
            {"code": totp_code(superuser_totp.totp_secret)},
        )

        assert confirmed.status_code == 302
        assert confirmed["Location"] == "/admin/pages/"
        assert client.get("/admin/pages/").status_code == 200
        assert client.get("/django-admin/auth/user/").status_code == 200

    def test_a_wrong_code_does_not_open_the_admin(self, client, superuser_totp):
        client.force_login(superuser_totp)

        response = client.post(f"{MFA_REAUTHENTICATE_URL}?next=/admin/pages/", {"code": "000000"})

        assert response.status_code == 200
        assert "Code incorrect." in response.content.decode()
        assert client.get("/admin/pages/")["Location"].startswith(MFA_REAUTHENTICATE_URL)

    def test_members_are_sent_back_to_their_dashboard_without_a_loop(self, client, verified_user):
        client.force_login(verified_user)

        for screen in ("/admin/", "/django-admin/", WAGTAIL_LOGIN, DJANGO_LOGIN):
            response = client.get(screen, follow=True)
            assert response.redirect_chain[-1][0] == reverse("dashboard"), screen
            assert response.status_code == 200
            assert NO_ACCESS in [str(m) for m in response.context["messages"]]


class TestAdminUsersNeedTotp:
    @pytest.mark.parametrize("screen", ["/admin/", "/admin/pages/", "/django-admin/"])
    def test_staff_without_totp_are_sent_to_set_it_up(self, client, staff_user, screen):
        staff_user.is_superuser = True
        staff_user.save(update_fields=["is_superuser"])
        client.force_login(staff_user)

        response = client.get(screen)

        assert response.status_code == 302
        assert response["Location"] == MFA_ACTIVATE_URL
        assert any(MFA_REQUIRED in message for message in messages_of(response))

    @pytest.mark.parametrize("screen", ["/admin/", "/admin/pages/", "/admin/images/"])
    def test_a_regional_editor_without_totp_is_sent_to_set_it_up(
        self, client, regional_editor, screen
    ):
        assert not regional_editor.is_staff
        client.force_login(regional_editor)

        response = client.get(screen)

        assert response.status_code == 302
        assert response["Location"] == MFA_ACTIVATE_URL

    def test_a_regional_editor_with_totp_logs_in_with_the_code(
        self, client, regional_editor, password, totp_code
    ):
        secret = generate_totp_secret()
        TOTP.activate(regional_editor, secret)
        door = client.get(WAGTAIL_LOGIN, {"next": "/admin/"})["Location"]

        client.post(door, {"login": regional_editor.email, "password": password})
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

        assert response["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200
        # Django's admin is for staff only: refused without sending them round in circles.
        refused = client.get("/django-admin/")
        assert refused["Location"] == reverse("dashboard")

    def test_the_activation_page_and_logout_stay_reachable(self, client, regional_editor):
        client.force_login(regional_editor)

        # allauth first asks for the password again (a session opened by force_login is old).
        activation = client.get(MFA_ACTIVATE_URL, follow=True)
        assert activation.status_code == 200
        assert activation.redirect_chain[-1][0].startswith("/comptes/reauthenticate/")
        client.post(reverse("account_logout"))
        assert logged_in_user_id(client) is None


class TestRateLimits:
    @pytest.mark.parametrize(("login", "screen", "home"), ADMINS)
    def test_fifteen_wrong_passwords_then_the_right_one(
        self, client, login, screen, home, superuser_totp, password
    ):
        door = client.get(login, {"next": screen})["Location"]
        wrong = {
            "username": superuser_totp.username,
            "login": superuser_totp.email,
            "password": "mauvais-mot-de-passe",
        }
        for _attempt in range(15):
            assert client.post(login, wrong).status_code == 302
            client.post(door, wrong)

        on_admin_form = client.post(login, {**wrong, "password": password})
        on_the_door = client.post(door, {**wrong, "password": password})

        assert on_admin_form.status_code == 302
        assert on_the_door.status_code == 200
        assert LOCKED_OUT in on_the_door.context["form"].non_field_errors()
        assert logged_in_user_id(client) is None
        assert reverse("mfa_authenticate") not in on_the_door.get("Location", "")
