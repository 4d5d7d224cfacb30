"""Writes on accounts and profiles."""

from django.contrib.auth import get_user_model
from django.db import transaction

from maillage.models import Profil, Structure, Territoire, Thematique

User = get_user_model()


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
