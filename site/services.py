"""Writes on accounts and profiles, and the secrets of their private calendar feeds."""

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction

from maillage.models import JetonCalendrier, Profil, Structure, Territoire, Thematique
from maillage.selectors import calendar_token_digest

User = get_user_model()


def structure_find_or_create(*, nom: str, siret: str | None, reseau, commune) -> Structure:
    """The employer a member names: the one with this SIRET when given, else the one of that
    name in that commune without a SIRET; created when there is none."""
    if siret:
        structure, _created = Structure.objects.get_or_create(
            siret=siret, defaults={"nom": nom, "reseau": reseau, "commune": commune}
        )
        return structure
    structure, _created = Structure.objects.get_or_create(
        nom=nom, commune=commune, siret=None, defaults={"reseau": reseau}
    )
    return structure


@transaction.atomic
def signup_complete(*, user, first_name: str, last_name: str, structure: Structure, fonction: str):
    """What the sign-up form asks beyond the account: the name, the employer, the job."""
    user.first_name = first_name
    user.last_name = last_name
    user.save(update_fields=["first_name", "last_name"])
    Profil.objects.update_or_create(
        user=user, defaults={"structure": structure, "fonction": fonction}
    )
    return user


def profil_ensure(*, user) -> Profil:
    profil, _created = Profil.objects.get_or_create(user=user)
    return profil


@transaction.atomic
def profil_update(
    *,
    user,
    first_name: str,
    last_name: str,
    structure: Structure | None,
    fonction: str,
    territoires: list[Territoire],
    thematiques: list[Thematique],
    **preferences,
) -> Profil:
    user.first_name = first_name
    user.last_name = last_name
    user.full_clean(exclude=["password", "username"])
    user.save(update_fields=["first_name", "last_name"])
    profil = profil_ensure(user=user)
    profil.structure = structure
    profil.fonction = fonction
    for field, value in preferences.items():
        setattr(profil, field, value)
    profil.full_clean()
    profil.save()
    profil.territoires.set(territoires)
    profil.thematiques.set(thematiques)
    return profil


def calendar_token_create(*, user, flux: str) -> str:
    """A new secret for one of the user's private feeds (`JetonCalendrier.Flux`); the previous
    link of that feed stops working, the other feed's is left as it is."""
    if flux not in JetonCalendrier.Flux.values:
        raise ValueError(f"unknown calendar feed: {flux!r}")
    jeton = secrets.token_urlsafe(32)
    JetonCalendrier.objects.update_or_create(
        user=user, flux=flux, defaults={"empreinte": calendar_token_digest(jeton)}
    )
    return jeton


def calendar_token_revoke(*, user, flux: str) -> None:
    JetonCalendrier.objects.filter(user=user, flux=flux).delete()
