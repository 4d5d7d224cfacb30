"""Accounts: sign-up, verification, login, password reset, rate limits, staff MFA, SSO, profile."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils.html import escape

from maillage.models import Profil, Structure

User = get_user_model()
pytestmark = pytest.mark.django_db

SIGNUP_URL = "/comptes/signup/"
LOGIN_URL = "/comptes/login/"
VERIFICATION_SENT_URL = "/comptes/confirm-email/"
MFA_ACTIVATE_URL = "/comptes/2fa/totp/activate/"
NEW_PASSWORD = "Nouveau-mot-de-passe-2025"
SIRET_VALIDE = "73282932000074"
# Wagtail's French catalogue comes first in INSTALLED_APPS, so its wording wins over Django's.
REQUIRED = "Champ requis."


def signup_data(referentiel, **overrides) -> dict:
    data = {
        "email": "dominique.durand@exemple.fr",
        "first_name": "Dominique",
        "last_name": "Durand",
        "fonction": "Conseiller en évolution professionnelle",
        "structure_nom": "Mission locale de Villeurbanne",
        "reseau": str(referentiel.reseau.pk),
        "siret": SIRET_VALIDE,
        "commune": referentiel.autre_commune.code_insee,
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def counts() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        Structure.objects.count(),
        Profil.objects.count(),
        EmailAddress.objects.count(),
    )


def link_in(message, path_prefix: str) -> str:
    match = re.search(rf"https?://[^\s/]+({re.escape(path_prefix)}\S+)", message.body)
    assert match, f"no {path_prefix} link in:\n{message.body}"
    return match.group(1)


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def assert_form_error(response, field: str, message: str) -> None:
    assert response.status_code == 200
    assert message in response.context["form"].errors.get(field, []), response.context[
        "form"
    ].errors
    assert escape(message) in response.content.decode()


class TestSignup:
    def test_creates_an_unverified_account_with_profile_and_structure(self, client, referentiel):
        before = counts()

        response = client.post(SIGNUP_URL, signup_data(referentiel))

        assert response.status_code == 302
        assert response["Location"] == VERIFICATION_SENT_URL
        assert counts() == tuple(n + 1 for n in before)
        user = User.objects.get(email="dominique.durand@exemple.fr")
        assert (user.first_name, user.last_name) == ("Dominique", "Durand")
        assert not EmailAddress.objects.get(user=user).verified
        profil = Profil.objects.select_related("structure").get(user=user)
        assert profil.fonction == "Conseiller en évolution professionnelle"
        assert profil.structure.nom == "Mission locale de Villeurbanne"
        assert profil.structure.siret == SIRET_VALIDE
        assert profil.structure.reseau == referentiel.reseau
        assert profil.structure.commune == referentiel.autre_commune
        assert logged_in_user_id(client) is None

    def test_sends_the_verification_email_in_french(self, client, referentiel):
        client.post(SIGNUP_URL, signup_data(referentiel))

        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["dominique.durand@exemple.fr"]
        assert message.subject.startswith("[Maillage] ")
        assert "Confirmez votre adresse e-mail" in message.subject
        assert "/comptes/confirm-email/" in message.body
        assert "Vous recevez cet e-mail" in message.body
        # The site by its name, whatever host served the request.
        assert "Maillage" in message.body.splitlines()[0]
        assert "testserver" not in message.body.splitlines()[0]

    def test_the_confirmation_link_verifies_and_logs_in(self, client, referentiel):
        client.post(SIGNUP_URL, signup_data(referentiel))
        link = link_in(mail.outbox[0], "/comptes/confirm-email/")

        page = client.get(link)
        assert page.status_code == 200
        assert not EmailAddress.objects.get(email="dominique.durand@exemple.fr").verified

        response = client.post(link)

        assert response.status_code == 302
        assert response["Location"] == reverse("dashboard")
        user = User.objects.get(email="dominique.durand@exemple.fr")
        assert EmailAddress.objects.get(user=user).verified
        assert logged_in_user_id(client) == str(user.pk)

    def test_confirmation_pages_name_the_member_not_their_username(self, client, referentiel):
        client.post(SIGNUP_URL, signup_data(referentiel))
        link = link_in(mail.outbox[0], "/comptes/confirm-email/")

        page = client.get(link).content.decode()
        response = client.post(link, follow=True)

        assert "l'adresse e-mail de Dominique Durand" in page
        assert "Connexion avec Dominique Durand réussie" in response.content.decode()
        assert "dominique.durand." not in response.content.decode()

    def test_a_structure_found_by_siret_is_reused(self, client, referentiel):
        from maillage.factories import StructureFactory

        existing = StructureFactory(
            nom="ML Villeurbanne", siret=SIRET_VALIDE, reseau=referentiel.reseau
        )

        client.post(SIGNUP_URL, signup_data(referentiel, structure_nom="Autre nom"))

        assert Structure.objects.count() == 1
        assert Profil.objects.get(user__email="dominique.durand@exemple.fr").structure == existing

    def test_siret_is_optional(self, client, referentiel):
        response = client.post(SIGNUP_URL, signup_data(referentiel, siret=""))

        assert response.status_code == 302
        structure = Profil.objects.get(user__email="dominique.durand@exemple.fr").structure
        assert structure.siret is None
        assert structure.commune == referentiel.autre_commune

    def test_an_existing_email_creates_nothing_and_warns_the_owner(
        self, client, verified_user, referentiel
    ):
        """ACCOUNT_PREVENT_ENUMERATION: same answer as a success, a mail to the real owner."""
        before = counts()

        response = client.post(
            SIGNUP_URL, signup_data(referentiel, email="Camille.Martin@exemple.fr")
        )

        assert response.status_code == 302
        assert response["Location"] == VERIFICATION_SENT_URL
        assert counts() == before
        assert User.objects.filter(email__iexact="camille.martin@exemple.fr").count() == 1
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["camille.martin@exemple.fr"]
        assert "Ce compte existe déjà" in mail.outbox[0].subject
        assert logged_in_user_id(client) is None

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"siret": "73282932000075"}, "siret", "Ce numéro SIRET n'est pas valide."),
            ({"siret": "1234"}, "siret", "Le SIRET doit comporter exactement 14 chiffres."),
            (
                {"commune": "99999"},
                "commune",
                "Aucune commune ne correspond à « 99999 ». Indiquez son nom ou son code postal.",
            ),
            (
                {"password2": "Un-autre-mot-de-passe-1"},
                "password2",
                "Vous devez saisir deux fois le même mot de passe.",
            ),
            ({"first_name": None}, "first_name", REQUIRED),
            ({"structure_nom": ""}, "structure_nom", REQUIRED),
            (
                {"reseau": "999999"},
                "reseau",
                "Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles.",
            ),
            ({"email": "pas-une-adresse"}, "email", "Saisissez une adresse de courriel valide."),
        ],
    )
    def test_bad_input_writes_nothing_and_explains_in_french(
        self, client, referentiel, overrides, field, message
    ):
        before = counts()

        response = client.post(SIGNUP_URL, signup_data(referentiel, **overrides))

        assert_form_error(response, field, message)
        assert counts() == before
        assert mail.outbox == []

    def test_an_empty_form_lists_every_required_field(self, client, referentiel):
        before = counts()

        response = client.post(SIGNUP_URL, {})

        assert response.status_code == 200
        errors = response.context["form"].errors
        for field in (
            "email",
            "first_name",
            "last_name",
            "structure_nom",
            "reseau",
            "commune",
            "password1",
        ):
            assert errors[field] == [REQUIRED], field
        assert "siret" not in errors
        assert "fonction" not in errors
        assert counts() == before


class TestLogin:
    def test_refused_before_verification(self, client, password):
        from maillage.factories import UserFactory

        user = UserFactory(email_verified=False)

        response = client.post(LOGIN_URL, {"login": user.email, "password": password})

        assert response.status_code == 302
        assert response["Location"] == VERIFICATION_SENT_URL
        assert logged_in_user_id(client) is None
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == [user.email]
        assert client.get(reverse("dashboard"))["Location"].startswith(LOGIN_URL)

    def test_verified_member_logs_in_to_the_dashboard(self, client, verified_user, password):
        response = client.post(
            LOGIN_URL, {"login": "camille.martin@exemple.fr", "password": password}
        )

        assert response.status_code == 302
        assert response["Location"] == reverse("dashboard")
        assert logged_in_user_id(client) == str(verified_user.pk)

    def test_a_wrong_password_gets_a_french_message(self, client, verified_user):
        response = client.post(
            LOGIN_URL, {"login": "camille.martin@exemple.fr", "password": "mauvais-mot-de-passe"}
        )

        assert response.status_code == 200
        assert "L’adresse e-mail ou le mot de passe sont incorrects." in response.content.decode()
        assert logged_in_user_id(client) is None

    def test_repeated_failures_are_rate_limited(self, client, verified_user, password):
        """ACCOUNT_RATE_LIMITS login_failed: 5 failures per address in 5 minutes."""
        credentials = {"login": "camille.martin@exemple.fr", "password": "mauvais-mot-de-passe"}
        for _attempt in range(5):
            response = client.post(LOGIN_URL, credentials)
            assert "Trop de tentatives" not in response.content.decode()

        blocked = client.post(LOGIN_URL, credentials)
        with_right_password = client.post(LOGIN_URL, {**credentials, "password": password})

        for response in (blocked, with_right_password):
            assert response.status_code == 200
            assert (
                "Trop de tentatives de connexion échouées. Veuillez réessayer ultérieurement."
                in response.context["form"].non_field_errors()
            )
        assert logged_in_user_id(client) is None

    def test_the_rate_limit_is_per_address(self, client, verified_user, password):
        from maillage.factories import UserFactory

        other = UserFactory()
        for _attempt in range(5):
            client.post(
                LOGIN_URL,
                {"login": "camille.martin@exemple.fr", "password": "mauvais-mot-de-passe"},
            )

        response = client.post(LOGIN_URL, {"login": other.email, "password": password})

        assert response.status_code == 302
        assert logged_in_user_id(client) == str(other.pk)


class TestPasswordReset:
    def test_sends_a_mail_whose_link_sets_a_new_password(self, client, verified_user):
        response = client.post(
            reverse("account_reset_password"), {"email": "camille.martin@exemple.fr"}
        )

        assert response.status_code == 302
        assert response["Location"] == reverse("account_reset_password_done")
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["camille.martin@exemple.fr"]
        assert message.subject.startswith("[Maillage] ")
        link = link_in(message, "/comptes/password/reset/key/")

        form_page = client.get(link, follow=True)
        assert form_page.status_code == 200
        set_password_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
        done = client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

        assert done.status_code == 302
        verified_user.refresh_from_db()
        assert verified_user.check_password(NEW_PASSWORD)
        client.logout()
        login = client.post(
            LOGIN_URL, {"login": "camille.martin@exemple.fr", "password": NEW_PASSWORD}
        )
        assert login["Location"] == reverse("dashboard")

    def test_a_tampered_link_changes_nothing(self, client, verified_user, password):
        client.post(reverse("account_reset_password"), {"email": "camille.martin@exemple.fr"})
        link = link_in(mail.outbox[0], "/comptes/password/reset/key/")
        tampered = link[:-3] + ("aa/" if not link.endswith("aa/") else "bb/")

        response = client.post(tampered, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

        assert response.status_code == 200
        verified_user.refresh_from_db()
        assert verified_user.check_password(password)

    def test_an_unknown_address_gets_the_same_answer(self, client, db):
        response = client.post(reverse("account_reset_password"), {"email": "personne@exemple.fr"})

        assert response.status_code == 302
        assert response["Location"] == reverse("account_reset_password_done")
        assert not User.objects.filter(email="personne@exemple.fr").exists()


class TestStaffMfa:
    @pytest.mark.parametrize("path", ["/admin/", "/tableau-de-bord/", "/profil/"])
    def test_staff_without_totp_are_sent_to_mfa_activation(self, client, staff_user, path):
        client.force_login(staff_user)

        response = client.get(path)

        assert response.status_code == 302
        assert response["Location"] == MFA_ACTIVATE_URL

    def test_the_redirect_explains_why_in_french(self, client, staff_user):
        client.force_login(staff_user)

        response = client.get("/tableau-de-bord/", follow=True)

        assert response.status_code == 200
        assert (
            "La double authentification est obligatoire pour les comptes d'administration."
            in [str(message) for message in response.context["messages"]][0]
        )

    def test_the_activation_page_itself_is_reachable(self, client, staff_user):
        client.force_login(staff_user)

        response = client.get(MFA_ACTIVATE_URL)

        assert response.status_code in {200, 302}
        if response.status_code == 302:
            assert response["Location"].startswith("/comptes/")
            assert not response["Location"].startswith(MFA_ACTIVATE_URL)

    @pytest.mark.parametrize("path", ["/admin/", "/tableau-de-bord/"])
    def test_staff_with_totp_pass(self, client, staff_user_totp, path, mfa_login):
        mfa_login(client, staff_user_totp)

        response = client.get(path)

        assert response.status_code == 200

    def test_staff_with_totp_but_a_password_only_session_are_asked_for_the_code(
        self, client, staff_user_totp
    ):
        client.force_login(staff_user_totp)

        assert client.get("/tableau-de-bord/").status_code == 200
        response = client.get("/admin/")
        assert response.status_code == 302
        assert response["Location"] == "/comptes/2fa/reauthenticate/?next=%2Fadmin%2F"

    def test_members_are_not_asked_for_mfa(self, member_client):
        assert member_client.get("/tableau-de-bord/").status_code == 200

    def test_staff_login_asks_for_the_totp_code(self, client, staff_user_totp, password, totp_code):
        response = client.post(LOGIN_URL, {"login": staff_user_totp.email, "password": password})
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_authenticate")
        assert logged_in_user_id(client) is None

        wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert wrong.status_code == 200
        assert "Code incorrect." in wrong.content.decode()
        assert logged_in_user_id(client) is None

        right = client.post(
            reverse("mfa_authenticate"), {"code": totp_code(staff_user_totp.totp_secret)}
        )
        assert right.status_code == 302
        assert logged_in_user_id(client) == str(staff_user_totp.pk)
        assert Authenticator.objects.filter(user=staff_user_totp, type="totp").exists()


OIDC_PROVIDERS = {
    "openid_connect": {
        "APPS": [
            {
                "provider_id": "sso",
                "name": "Connexion institutionnelle",
                "client_id": "maillage",
                "secret": "secret-de-test",
                "settings": {"server_url": "https://sso.exemple.fr/realms/aio"},
            }
        ]
    }
}


class TestOpenIdConnect:
    def test_the_provider_appears_on_the_login_page_when_configured(self, client):
        with override_settings(SOCIALACCOUNT_PROVIDERS=OIDC_PROVIDERS):
            response = client.get(LOGIN_URL)

        assert response.status_code == 200
        content = response.content.decode()
        assert "Connexion institutionnelle" in content
        assert "/comptes/oidc/sso/login/" in content

    def test_no_provider_is_shown_otherwise(self, client):
        with override_settings(SOCIALACCOUNT_PROVIDERS={}):
            response = client.get(LOGIN_URL)

        assert response.status_code == 200
        assert "/comptes/oidc/" not in response.content.decode()
        assert "Connexion institutionnelle" not in response.content.decode()


class TestProfilEdit:
    def profil_data(self, referentiel, **overrides) -> dict:
        structure = Profil.objects.get(user__username="camille.martin").structure
        data = {
            "first_name": "Camille",
            "last_name": "Martin-Leroy",
            "structure": str(structure.pk),
            "fonction": "Chargée de projet emploi",
            "presentation": "Accompagnement des jeunes vers l'emploi.",
            "territoires": [str(referentiel.departement.pk)],
            "thematiques": [str(referentiel.thematique.pk)],
            "visibilite": Profil.Visibilite.COMMUNAUTES,
            "notifier_par_email": "",
            "frequence_resume": Profil.FrequenceResume.QUOTIDIEN,
        }
        data.update(overrides)
        return data

    def test_requires_login(self, client, db):
        response = client.get("/profil/")

        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN_URL)

    def test_shows_the_form(self, member_client):
        response = member_client.get("/profil/")

        assert response.status_code == 200
        assert 'value="Conseillère en insertion professionnelle"' in response.content.decode()

    def test_saves(self, member_client, verified_user, referentiel):
        response = member_client.post("/profil/", self.profil_data(referentiel))

        assert response.status_code == 302
        assert response["Location"] == reverse("dashboard")
        verified_user.refresh_from_db()
        assert verified_user.last_name == "Martin-Leroy"
        profil = verified_user.profil
        profil.refresh_from_db()
        assert profil.fonction == "Chargée de projet emploi"
        assert profil.visibilite == Profil.Visibilite.COMMUNAUTES
        assert profil.notifier_par_email is False
        assert profil.frequence_resume == Profil.FrequenceResume.QUOTIDIEN
        assert list(profil.territoires.all()) == [referentiel.departement]
        assert list(profil.thematiques.all()) == [referentiel.thematique]
        followed = member_client.get(response["Location"])
        assert "Votre profil a été enregistré." in followed.content.decode()

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            (
                {"fonction": "<script>alert(1)</script>"},
                "fonction",
                "La fonction ne peut pas contenir de balises.",
            ),
            ({"first_name": ""}, "first_name", REQUIRED),
            (
                {"visibilite": "tout-le-monde"},
                "visibilite",
                "Sélectionnez un choix valide. tout-le-monde n’en fait pas partie.",
            ),
            (
                {"territoires": ["999999"]},
                "territoires",
                "Sélectionnez un choix valide. 999999 n’en fait pas partie.",
            ),
        ],
    )
    def test_rejects_bad_input_and_changes_nothing(
        self, member_client, verified_user, referentiel, overrides, field, message
    ):
        profil_before = Profil.objects.values().get(user=verified_user)

        response = member_client.post("/profil/", self.profil_data(referentiel, **overrides))

        assert_form_error(response, field, message)
        assert Profil.objects.values().get(user=verified_user) == profil_before
        verified_user.refresh_from_db()
        assert verified_user.last_name == "Martin"
        assert not verified_user.profil.territoires.exists()
