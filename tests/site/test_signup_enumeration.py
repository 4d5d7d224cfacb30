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
