"""The chat room service: the message length limit holds whatever the caller."""

import pytest
from django.core.exceptions import ValidationError

from communautes import services
from communautes.models import FluxEvenement, MessageSalon


def test_a_message_over_2000_characters_is_refused_and_nothing_is_written(communaute, gens):
    with pytest.raises(ValidationError) as refused:
        services.message_salon_create(auteur=gens.membre, communaute=communaute, texte="x" * 2001)
    assert "2000 caractères" in " ".join(refused.value.messages)
    assert not MessageSalon.objects.exists()
    assert not FluxEvenement.objects.exists()
    message = services.message_salon_create(
        auteur=gens.membre, communaute=communaute, texte="y" * 2000
    )
    assert len(message.texte) == 2000
