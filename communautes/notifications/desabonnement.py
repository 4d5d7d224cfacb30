"""Signed unsubscribe links: no login needed, tamper-proof, valid for a limited time."""

import datetime
import hashlib
import hmac

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes

from maillage.models import Profil

from ..models import Adhesion, Communaute

SALT = "communautes.desabonnement"
MAX_AGE = datetime.timedelta(days=90)
RESUME = "resume"
COMMUNAUTE = "communaute"


class LienInvalide(Exception):
    """The link was tampered with, has expired, or points at nothing any more."""


def _payload(user_id: int, communaute_id: int | None) -> dict:
    payload = {"u": user_id, "k": COMMUNAUTE if communaute_id else RESUME}
    if communaute_id:
        payload["c"] = communaute_id
    return payload


def token_make(*, user_id: int, communaute_id: int | None = None) -> str:
    return signing.dumps(_payload(user_id, communaute_id), salt=SALT, compress=True)


class _Signer(signing.TimestampSigner):
    """Django's timestamp signer, with the HMAC key it derives from the salt and the secret
    computed once instead of at every signature (two hashes fewer per link)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        hasher = getattr(hashlib, self.algorithm)
        cle = hasher(force_bytes(self.salt + "signer") + force_bytes(self.key)).digest()
        self._mac = hmac.new(cle, digestmod=hasher)

    def signature(self, value, key=None) -> str:
        if key is not None and key != self.key:
            return super().signature(value, key)
        mac = self._mac.copy()
        mac.update(force_bytes(value))
        return signing.b64_encode(mac.digest()).decode()


class Liens:
    """Unsubscribe URLs for many e-mails: one signer and one `reverse()` for all of them.

    The tokens are `token_make`'s, so `token_read` reads them and links sent before keep
    working. They skip `compress=True`: zlib never shortens payloads this small, so
    `signing.dumps` leaves them uncompressed anyway, after trying.
    """

    def __init__(self) -> None:
        self._signer = _Signer(salt=SALT)
        jeton = "jeton"
        url = settings.SITE_URL + reverse("communautes:desabonnement", kwargs={"token": jeton})
        self._avant, _jeton, self._apres = url.rpartition(jeton)

    def url(self, *, user_id: int, communaute_id: int | None = None) -> str:
        token = self._signer.sign_object(_payload(user_id, communaute_id))
        return f"{self._avant}{token}{self._apres}"


def url_for(*, user_id: int, communaute_id: int | None = None) -> str:
    """The absolute unsubscribe URL, for e-mail bodies and the List-Unsubscribe header."""
    return Liens().url(user_id=user_id, communaute_id=communaute_id)


def headers_for(url: str) -> dict[str, str]:
    """RFC 2369 / RFC 8058 headers for the unsubscribe `url`: a one-click button in mail apps."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def token_read(token: str) -> dict:
    """What the token unsubscribes from: {"user", "communaute" (or None)}; LienInvalide else."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature as exc:  # SignatureExpired is a subclass
        raise LienInvalide from exc
    if not isinstance(payload, dict) or payload.get("k") not in (RESUME, COMMUNAUTE):
        raise LienInvalide
    user = get_user_model().objects.filter(pk=payload.get("u"), is_active=True).first()
    if user is None:
        raise LienInvalide
    communaute = None
    if payload["k"] == COMMUNAUTE:
        communaute = Communaute.objects.filter(pk=payload.get("c")).first()
        if communaute is None:
            raise LienInvalide
    return {"user": user, "communaute": communaute}


@transaction.atomic
def desabonnement_apply(*, token: str) -> dict:
    """Stop the digest (profile set to "jamais") or mute one community's e-mails."""
    cible = token_read(token)
    user, communaute = cible["user"], cible["communaute"]
    if communaute is None:
        profil, _created = Profil.objects.get_or_create(user=user)
        profil.frequence_resume = Profil.FrequenceResume.JAMAIS
        profil.save(update_fields=["frequence_resume", "modifie_le"])
    else:
        Adhesion.objects.filter(user=user, communaute=communaute).update(
            niveau_notification=Adhesion.Notification.MUET
        )
    return cible
