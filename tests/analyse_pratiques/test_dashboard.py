"""The dashboard block: a participant's groups and next séances, nothing for anyone else."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from analyse_pratiques import selectors, services
from analyse_pratiques.factories import AdhesionFactory, GroupeFactory, SeanceFactory

pytestmark = pytest.mark.django_db


def _dashboard(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def seances(groupe):
    maintenant = timezone.now()
    return {
        "passee": SeanceFactory(groupe=groupe, date=maintenant - datetime.timedelta(days=3)),
        "prochaine": SeanceFactory(
            groupe=groupe,
            date=timezone.make_aware(datetime.datetime(2031, 5, 6, 9, 30)),
        ),
    }


@pytest.mark.parametrize("qui", ["membre", "animateur"])
def test_participants_see_their_group_and_next_seance(client, gens, groupe, seances, qui):
    body = _dashboard(client, getattr(gens, qui))
    assert "Mes groupes d&#x27;analyse de pratiques" in body
    assert "Codev Rhône confidentiel — prochaines séances : 6 mai 2031 09:30" in body
    assert reverse("analyse_pratiques:groupe", args=[groupe.slug]) in body


def test_a_running_seance_links_to_it(client, gens, groupe, seances):
    services.seance_open(user=gens.animateur, seance=seances["passee"])
    body = _dashboard(client, gens.membre)
    assert "Codev Rhône confidentiel — séance en cours" in body
    assert reverse("analyse_pratiques:seance", args=[seances["passee"].pk]) in body


@pytest.mark.parametrize("qui", ["invite", "non_accepte"])
def test_pending_charter_shows_the_charter_not_the_seances(client, gens, groupe, seances, qui):
    body = _dashboard(client, getattr(gens, qui))
    assert "Codev Rhône confidentiel — charte à accepter" in body
    assert reverse("analyse_pratiques:charte", args=[groupe.slug]) in body
    assert "2031" not in body
    assert f'href="{reverse("analyse_pratiques:groupe", args=[groupe.slug])}"' not in body


@pytest.mark.parametrize("qui", ["exterieur", "ancien", "retire"])
def test_outsiders_see_nothing_of_the_group(client, gens, groupe, seances, qui):
    body = _dashboard(client, getattr(gens, qui))
    assert "Vous ne faites partie d&#x27;aucun groupe d&#x27;analyse de pratiques." in body
    for secret in (groupe.nom, groupe.slug, "2031", gens.membre.last_name):
        assert secret not in body


def test_removed_member_loses_the_block_at_once(client, gens, groupe, seances):
    assert groupe.nom in _dashboard(client, gens.membre)
    services.adhesion_remove(animateur=gens.animateur, groupe=groupe, user=gens.membre)
    assert groupe.nom not in _dashboard(client, gens.membre)


def test_block_costs_a_fixed_number_of_queries(gens, django_assert_max_num_queries):
    for _ in range(5):
        groupe = GroupeFactory()
        AdhesionFactory(groupe=groupe, user=gens.membre, accepte=True)
        SeanceFactory.create_batch(4, groupe=groupe)
    with django_assert_max_num_queries(5):
        lignes = selectors.lignes_tableau(user=gens.membre)
    assert len(lignes) == 6
