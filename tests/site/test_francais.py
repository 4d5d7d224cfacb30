"""French typography: « de » elided before a vowel or a mute h, in code and templates."""

import pytest
from django.template import Context, Template

from maillage.francais import de


@pytest.mark.parametrize(
    ("nom", "attendu"),
    [
        ("Émilie Rousseau", "d'Émilie Rousseau"),
        ("Anne Lefebvre", "d'Anne Lefebvre"),
        ("Hélène Martin", "d'Hélène Martin"),
        ("Claire Martin", "de Claire Martin"),
        ("", "de "),
    ],
)
def test_de(nom, attendu):
    assert de(nom) == attendu


def test_filter_in_a_template():
    rendu = Template("{% load francais %}la réponse {{ nom|de }}").render(
        Context({"nom": "Émilie"})
    )
    assert rendu == "la réponse d&#x27;Émilie"
