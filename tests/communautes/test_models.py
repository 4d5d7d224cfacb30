"""Factories and database constraints of the communautes models."""

import pytest
from django.db import IntegrityError, transaction

from communautes import factories
from communautes.models import Reaction


@pytest.mark.django_db
def test_reaction_is_unique_per_user_target_and_kind():
    reaction = factories.ReactionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Reaction.objects.create(
            user=reaction.user, publication=reaction.publication, nature=reaction.nature
        )
    Reaction.objects.create(
        user=reaction.user, publication=reaction.publication, nature=Reaction.Nature.MERCI
    )


@pytest.mark.django_db
def test_reaction_targets_exactly_one_item():
    reponse = factories.ReponseFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Reaction.objects.create(
            user=reponse.auteur,
            publication=reponse.publication,
            reponse=reponse,
            nature=Reaction.Nature.UTILE,
        )


@pytest.mark.django_db
def test_demo_provider_is_idempotent_and_uses_the_services():
    from communautes.models import Adhesion, Communaute, FluxEvenement, Publication
    from maillage.demo.communautes import COMMUNAUTES, communautes_provide
    from maillage.demo.comptes import COMPTES

    for compte in COMPTES:
        factories.UserFactory(username=compte.email.split("@")[0], email=compte.email)
    first = communautes_provide(progress=lambda message: None)
    assert first == {"communautes": len(COMMUNAUTES), "communautes_created": len(COMMUNAUTES)}
    for communaute in Communaute.objects.all():
        assert Adhesion.objects.filter(
            communaute=communaute, role=Adhesion.Role.ANIMATEUR, etat=Adhesion.Etat.ACTIVE
        ).exists()
    publications = Publication.objects.count()
    assert publications >= 3
    assert FluxEvenement.objects.count() >= publications
    again = communautes_provide(progress=lambda message: None)
    assert again == {"communautes": len(COMMUNAUTES), "communautes_created": 0}
    assert Publication.objects.count() == publications
