"""A commune typed by name or postcode: one meaning taken, several asked about, never guessed."""

import pytest

from maillage.factories import CommuneFactory, TerritoireFactory
from maillage.forms import StructureFieldsMixin
from maillage.selectors import commune_candidates

pytestmark = pytest.mark.django_db


@pytest.fixture
def rhone():
    region = TerritoireFactory(code="84", nom="Auvergne-Rhône-Alpes")
    dep = TerritoireFactory(departement=True, code="69", nom="Rhône", parent=region)
    corse = TerritoireFactory(departement=True, code="2A", nom="Corse-du-Sud", parent=region)
    return {
        "villeurbanne": CommuneFactory(
            code_insee="69266", nom="Villeurbanne", departement=dep, codes_postaux=["69100"]
        ),
        # Irigny's INSEE code is Villeurbanne's postcode.
        "irigny": CommuneFactory(
            code_insee="69100", nom="Irigny", departement=dep, codes_postaux=["69540"]
        ),
        "lyon": CommuneFactory(
            code_insee="69123",
            nom="Lyon",
            departement=dep,
            codes_postaux=["69001", "69003"],
            population=520_000,
        ),
        "ajaccio": CommuneFactory(
            code_insee="2A004", nom="Ajaccio", departement=corse, codes_postaux=["20000"]
        ),
        "sainte_foy": CommuneFactory(
            code_insee="69202", nom="Sainte-Foy-lès-Lyon", departement=dep, codes_postaux=["69110"]
        ),
    }


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ("Villeurbanne", "villeurbanne"),
        ("villeurbanne", "villeurbanne"),
        ("Villeurbanne (69100)", "villeurbanne"),
        ("69266", "villeurbanne"),
        ("69003", "lyon"),
        ("Irigny (69540)", "irigny"),
        ("20000", "ajaccio"),
        ("2A004", "ajaccio"),
        ("sainte foy les lyon", "sainte_foy"),
    ],
)
def test_one_meaning(rhone, texte, attendu):
    assert commune_candidates(texte=texte) == [rhone[attendu]]


def test_a_postcode_that_is_also_an_insee_code_is_asked_about(rhone):
    assert set(commune_candidates(texte="69100")) == {rhone["villeurbanne"], rhone["irigny"]}
    form = StructureFieldsMixin(
        {"structure_nom": "ML", "reseau": "", "commune": "69100", "siret": ""}
    )
    assert not form.is_valid()
    (message,) = form.errors["commune"]
    assert "plusieurs communes" in message
    assert "Villeurbanne (69100)" in message and "Irigny (69540)" in message


def test_unknown_text(rhone):
    assert commune_candidates(texte="Atlantide") == []
    assert commune_candidates(texte="x") == []


def test_suggestions_endpoint(client, rhone):
    reponse = client.get("/communes/suggestions/", {"q": "Villeur"})
    assert reponse.json() == {"communes": ["Villeurbanne (69100)"]}
    assert client.get("/communes/suggestions/", {"q": "z" * 5000}).json() == {"communes": []}
