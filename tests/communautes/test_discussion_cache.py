"""A discussion's page kept whole: for visitors of a public community, and per member. It
follows every write at once and never shows one reader's page to another."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from communautes import services
from communautes.factories import PublicationFactory, ReponseFactory
from communautes.models import Communaute
from communautes.moderation import services as moderation
from communautes.moderation.services import Moderation

pytestmark = pytest.mark.django_db

PRESSED = 'aria-pressed="true"'


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_ANONYMOUS = True
    settings.PAGE_CACHE_SESSIONS = True


@pytest.fixture
def discussion(communaute_publique, gens):
    publication = PublicationFactory(
        communaute=communaute_publique, auteur=gens.membre, titre="Garder le lien après l'entretien"
    )
    ReponseFactory(publication=publication, auteur=gens.autre_membre, corps="<p>Un appel.</p>")
    return publication


def visit(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def member(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class TestVisitors:
    def test_second_visit_is_served_without_a_query(self, client, discussion):
        visit(client, discussion.get_absolute_url())

        count, content = visit(client, discussion.get_absolute_url())

        assert count == 0
        assert "Garder le lien après l&#x27;entretien" in content

    def test_a_new_reply_shows_at_once(self, client, discussion, gens):
        visit(client, discussion.get_absolute_url())

        services.reponse_create(
            auteur=gens.membre, publication=discussion, corps="<p>Rappeler vendredi.</p>"
        )

        assert "Rappeler vendredi." in visit(client, discussion.get_absolute_url())[1]

    def test_a_hidden_reply_disappears_at_once(self, client, discussion, gens):
        reponse = ReponseFactory(
            publication=discussion, auteur=gens.membre, corps="<p>Numéro personnel.</p>"
        )
        assert "Numéro personnel." in visit(client, discussion.get_absolute_url())[1]

        moderation.publication_moderate(
            by=gens.animateur, action=Moderation.MASQUER, motif="Données", reponse=reponse
        )

        assert "Numéro personnel." not in visit(client, discussion.get_absolute_url())[1]

    def test_a_community_made_private_is_closed_at_once(self, client, discussion, gens):
        visit(client, discussion.get_absolute_url())
        communaute = discussion.communaute
        communaute.visibilite = Communaute.Visibilite.PRIVEE
        communaute.save()

        response = client.get(discussion.get_absolute_url())

        assert response.status_code != 200
        assert "Un appel." not in response.content.decode()

    def test_a_visitor_never_gets_a_members_page(self, client, discussion, gens):
        visit(member(gens.membre), discussion.get_absolute_url())
        visit(member(gens.membre), discussion.get_absolute_url())

        content = visit(client, discussion.get_absolute_url())[1]

        assert 'name="csrfmiddlewaretoken"' not in content
        assert gens.membre.get_full_name() not in content.split("</header>")[0]

    def test_a_member_never_gets_the_visitors_page(self, client, discussion, gens):
        visit(client, discussion.get_absolute_url())
        visit(client, discussion.get_absolute_url())

        content = visit(member(gens.membre), discussion.get_absolute_url())[1]

        assert 'name="csrfmiddlewaretoken"' in content


class TestMembers:
    def test_second_visit_costs_fewer_queries(self, discussion, gens):
        lecteur = member(gens.membre)
        visit(lecteur, discussion.get_absolute_url())  # sets the CSRF cookie, part of the key
        first, _ = visit(lecteur, discussion.get_absolute_url())
        lecteur.get("/")  # another page between two visits changes nothing

        second, content = visit(lecteur, discussion.get_absolute_url())

        assert second < first
        assert 'name="csrfmiddlewaretoken"' in content

    def test_each_member_sees_their_own_reactions(self, discussion, gens):
        reponse = discussion.reponses.get()
        services.reaction_toggle(user=gens.membre, nature="utile", reponse=reponse)
        lecteur, autre = member(gens.membre), member(gens.autre_membre)
        for client in (lecteur, autre, lecteur, autre):
            visit(client, discussion.get_absolute_url())

        assert PRESSED in visit(lecteur, discussion.get_absolute_url())[1]
        assert PRESSED not in visit(autre, discussion.get_absolute_url())[1]

    def test_a_reaction_shows_pressed_at_once(self, discussion, gens):
        lecteur = member(gens.autre_membre)
        visit(lecteur, discussion.get_absolute_url())
        assert PRESSED not in visit(lecteur, discussion.get_absolute_url())[1]

        services.reaction_toggle(
            user=gens.autre_membre, nature="utile", reponse=discussion.reponses.get()
        )

        assert PRESSED in visit(lecteur, discussion.get_absolute_url())[1]

    def test_each_page_of_the_discussion_is_its_own(self, discussion, gens):
        lecteur = member(gens.membre)
        visit(lecteur, discussion.get_absolute_url())
        visit(lecteur, discussion.get_absolute_url())

        response = lecteur.get(discussion.get_absolute_url() + "?page=2")

        # Out of range: the nearest page, rendered for that address rather than page 1 kept.
        assert response.status_code == 200
        assert "Un appel." in response.content.decode()

    def test_a_member_who_leaves_a_private_community_is_shut_out_at_once(self, communaute, gens):
        Communaute.objects.filter(pk=communaute.pk).update(visibilite=Communaute.Visibilite.PRIVEE)
        publication = PublicationFactory(
            communaute=communaute, auteur=gens.autre_membre, titre="Entre nous"
        )
        lecteur = member(gens.membre)
        visit(lecteur, publication.get_absolute_url())
        visit(lecteur, publication.get_absolute_url())

        services.communaute_leave(user=gens.membre, communaute=communaute)

        response = lecteur.get(publication.get_absolute_url())
        assert response.status_code != 200
        assert "Entre nous" not in response.content.decode()
