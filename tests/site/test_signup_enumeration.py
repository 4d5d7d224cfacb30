"""Sign-up does the same costly work whether the address already has an account or not."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail

pytestmark = pytest.mark.django_db

SIGNUP_URL = "/comptes/signup/"
VERIFICATION_SENT_URL = "/comptes/confirm-email/"
PASSWORD = "Nouveau-mot-de-passe-2025"


@pytest.fixture
def hashes(monkeypatch):
    """Counts the passwords the configured hasher (MD5 in tests) really hashes."""
    counter = {"n": 0}
    encode = MD5PasswordHasher.encode

    def counting_encode(self, password, salt):
        counter["n"] += 1
        return encode(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting_encode)
    return counter


def sign_up(client, referentiel, hashes, email: str) -> tuple[int, int]:
    """Passwords hashed and mails sent by one sign-up, which must look like a success."""
    hashed_before, mails_before = hashes["n"], len(mail.outbox)
    response = client.post(
        SIGNUP_URL,
        {
            "email": email,
            "first_name": "Dominique",
            "last_name": "Durand",
            "structure_nom": "Mission locale de Villeurbanne",
            "reseau": str(referentiel.reseau.pk),
            "commune": referentiel.autre_commune.code_insee,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == VERIFICATION_SENT_URL
    return hashes["n"] - hashed_before, len(mail.outbox) - mails_before


def test_a_known_address_costs_the_same_password_hash_as_a_new_one(
    client, referentiel, verified_user, hashes
):
    known = sign_up(client, referentiel, hashes, verified_user.email)
    new = sign_up(client, referentiel, hashes, "dominique.durand@exemple.fr")

    assert new == (1, 1)
    assert known == new
    assert mail.outbox[0].to == [verified_user.email]
    assert "Ce compte existe déjà" in mail.outbox[0].subject
    assert mail.outbox[1].to == ["dominique.durand@exemple.fr"]


@pytest.fixture
def sleeps(monkeypatch, settings):
    """The waits the sign-up view asks for (none really happens), with a 1 s floor."""
    import maillage.views

    settings.ACCOUNT_SIGNUP_MIN_SECONDS = 1.0
    asked = []
    monkeypatch.setattr(maillage.views.time, "sleep", asked.append)
    return asked


def test_both_answers_are_held_to_the_same_floor(
    client, referentiel, verified_user, hashes, sleeps
):
    sign_up(client, referentiel, hashes, verified_user.email)
    sign_up(client, referentiel, hashes, "dominique.durand@exemple.fr")

    # Each posted sign-up waits out what is left of the floor, known address or new.
    assert len(sleeps) == 2
    assert all(0 < attente <= 1.0 for attente in sleeps)


def test_showing_the_form_is_not_held(client, sleeps, db):
    assert client.get(SIGNUP_URL).status_code == 200
    assert sleeps == []
