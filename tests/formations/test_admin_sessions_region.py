"""Regional editors schedule sessions in the admin for their région's formations, and only those."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from formations.factories import (
    FormationPageFactory,
    ProgrammePageFactory,
    RegionPageFactory,
    RegionTerritoireFactory,
    SessionFactory,
)
from formations.models import Session
from maillage import roles
from maillage.factories import CommuneFactory, TerritoireFactory, UserFactory

pytestmark = pytest.mark.django_db

INDEX = "/admin/sessions_formation/"


@pytest.fixture
def regions():
    bretagne = RegionPageFactory()
    normandie = RegionPageFactory(
        territoire=RegionTerritoireFactory(code="28", nom="Normandie"), slug="normandie"
    )
    roles.roles_setup()
    return bretagne, normandie


@pytest.fixture
def formations(regions):
    bretagne, normandie = regions
    return (
        FormationPageFactory(parent=ProgrammePageFactory(parent=bretagne), title="Ici"),
        FormationPageFactory(parent=ProgrammePageFactory(parent=normandie), title="Ailleurs"),
    )


@pytest.fixture
def editeur_client(client, regions, mfa_login):
    user = UserFactory(roles=[roles.EDITEUR_REGIONAL], roles__region=regions[0].territoire)
    TOTP.activate(user, generate_totp_secret())
    return mfa_login(client, user)


def form_data(client, formation, **extra):
    """The add form as the browser posts it: its defaults, then the session's values."""
    form = client.get(f"{INDEX}new/").context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {name: value for name, value in data.items() if value not in (None, False, [])}
    return {
        **data,
        "formation": formation.pk,
        "date_debut": "2030-03-04",
        "date_fin": "2030-03-05",
        "code_postal": "35000",
        "ville": "Rennes",
        "capacite": "15",
        **extra,
    }


def test_an_editor_lists_only_their_regions_sessions(editeur_client, formations):
    ici, ailleurs = formations
    SessionFactory(formation=ici, ville="Rennes")
    autre = SessionFactory(formation=ailleurs, ville="Caen")

    response = editeur_client.get(INDEX)

    assert response.status_code == 200
    assert "Rennes" in response.text
    assert "Caen" not in response.text
    assert editeur_client.get(f"{INDEX}edit/{autre.pk}/").status_code == 404
    assert editeur_client.get(f"{INDEX}action/{autre.pk}/annuler/").status_code == 404


def test_an_editor_creates_a_session_for_their_regions_formation(editeur_client, formations):
    ici, _ailleurs = formations

    response = editeur_client.post(f"{INDEX}new/", form_data(editeur_client, ici))

    assert response.status_code == 302, response.context["form"].errors
    session = Session.objects.get(formation=ici)
    assert (session.ville, session.capacite) == ("Rennes", 15)


def test_another_regions_formation_is_refused(editeur_client, formations):
    _ici, ailleurs = formations

    response = editeur_client.post(f"{INDEX}new/", form_data(editeur_client, ailleurs))

    assert response.status_code == 200
    assert response.context["form"].errors["formation"]
    assert not Session.objects.exists()


def test_the_commune_list_holds_the_editors_regions_only(editeur_client, regions, formations):
    bretagne, normandie = regions
    rennes = CommuneFactory(
        code_insee="35238",
        nom="Rennes",
        departement=TerritoireFactory(departement=True, code="35", parent=bretagne.territoire),
    )
    caen = CommuneFactory(
        code_insee="14118",
        nom="Caen",
        departement=TerritoireFactory(departement=True, code="14", parent=normandie.territoire),
    )

    choices = editeur_client.get(f"{INDEX}new/").context["form"].fields["commune"].queryset

    assert rennes in choices
    assert caen not in choices
