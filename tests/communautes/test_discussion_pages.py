"""A long discussion in pages: the first screen's cost, pages without JavaScript, permalinks,
the shared rendering of the replies and what it must never show."""

import html
import re

import pytest
from django.urls import reverse

from communautes import services
from communautes.factories import AdhesionFactory, PublicationFactory, UserFactory
from communautes.models import Notification, Reaction, Reponse
from communautes.moderation import services as moderation
from communautes.selectors import REPONSES_PAR_PAGE

pytestmark = pytest.mark.django_db

REPONSES = 300
SUIVANTES = re.compile(r'<a href="([^"]+)" rel="next"')
IDS = re.compile(r'<li class="reponse[^"]*" id="reponse-(\d+)"')


@pytest.fixture
def longue(communaute_publique, gens):
    """A public community's discussion of 300 replies by its members, a third with a reaction."""
    publication = PublicationFactory(
        communaute=communaute_publique, auteur=gens.membre, titre="Garder le lien"
    )
    auteurs = [gens.membre, gens.autre_membre, gens.animateur]
    reponses = Reponse.objects.bulk_create(
        Reponse(
            publication=publication,
            auteur=auteurs[n % 3],
            corps=f"<p>Réponse numéro {n} : nous appelons sous quarante-huit heures.</p>",
        )
        for n in range(REPONSES)
    )
    Reaction.objects.bulk_create(
        Reaction(user=gens.autre_membre, reponse=reponse, nature="utile")
        for reponse in reponses[::3]
    )
    return publication


def _ids(page: str) -> list[int]:
    return [int(pk) for pk in IDS.findall(page)]


@pytest.mark.parametrize("lecteur", ["anonyme", "membre"])
def test_first_screen_of_300_replies_costs_at_most_12_queries_and_60_kb(
    client, longue, gens, lecteur, django_assert_max_num_queries
):
    if lecteur == "membre":
        client.force_login(gens.membre)
    client.get(longue.get_absolute_url())  # the site root and content types, as a warm server
    with django_assert_max_num_queries(12):
        response = client.get(longue.get_absolute_url())
    assert response.status_code == 200
    assert len(response.content) <= 60 * 1024
    page = response.content.decode()
    premieres = list(Reponse.objects.filter(publication=longue).order_by("cree_le", "pk"))
    assert _ids(page) == [r.pk for r in premieres[:REPONSES_PAR_PAGE]]
    assert "300 réponses" in page


def test_pages_without_javascript_reach_the_last_reply(client, longue):
    url, vues, pages = longue.get_absolute_url(), [], 0
    while url:
        page = client.get(url.replace("&amp;", "&")).content.decode()
        vues += _ids(page)
        pages += 1
        suivante = SUIVANTES.search(page)
        url = suivante.group(1) if suivante else None
    attendues = Reponse.objects.filter(publication=longue).order_by("cree_le", "pk")
    assert vues == [r.pk for r in attendues]
    assert pages == REPONSES // REPONSES_PAR_PAGE
    assert 'rel="prev"' in page


def test_the_next_replies_alone_for_the_script(client, longue):
    url = reverse("communautes:publication_reponses", args=[longue.communaute.slug, longue.pk])
    page = client.get(url, {"page": 2}).content.decode()
    attendues = Reponse.objects.filter(publication=longue).order_by("cree_le", "pk")
    assert _ids(page) == [r.pk for r in attendues[REPONSES_PAR_PAGE : 2 * REPONSES_PAR_PAGE]]
    assert f'data-reponses-suivantes="{url}?page=3"' in page
    assert "<html" not in page


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999999999999", "16"])
def test_a_page_out_of_range_gives_the_nearest_one(client, longue, page):
    response = client.get(longue.get_absolute_url(), {"page": page})
    assert response.status_code == 200
    assert len(_ids(response.content.decode())) == REPONSES_PAR_PAGE


def test_permalink_of_reply_250_lands_on_its_page(client, longue, gens):
    reponse = Reponse.objects.filter(publication=longue).order_by("cree_le", "pk")[249]
    response = client.get(reponse.get_absolute_url())
    page_attendue = 249 // REPONSES_PAR_PAGE + 1
    assert response["Location"] == (
        f"{longue.get_absolute_url()}?page={page_attendue}#reponse-{reponse.pk}"
    )
    page = client.get(response["Location"].split("#")[0]).content.decode()
    assert f'id="reponse-{reponse.pk}"' in page


def test_notification_links_are_permalinks(longue, gens, django_capture_on_commit_callbacks):
    nouvelle = AdhesionFactory(communaute=longue.communaute).user
    with django_capture_on_commit_callbacks(execute=True):
        reponse = services.reponse_create(
            auteur=nouvelle, publication=longue, corps="<p>Encore une idée.</p>"
        )
    notification = Notification.objects.get(destinataire=longue.auteur, nature="reponse")
    assert notification.lien == reponse.get_absolute_url()


def test_a_hidden_reply_permalink_says_so_to_members(client, longue, gens):
    reponse = Reponse.objects.filter(publication=longue).last()
    moderation.publication_moderate(by=gens.animateur, reponse=reponse, action="masquer", motif="x")
    client.force_login(gens.membre)
    response = client.get(reponse.get_absolute_url(), follow=True)
    assert "Cette réponse n'est plus visible." in html.unescape(response.content.decode())


def test_the_shared_rendering_never_shows_one_readers_data_to_another(client, longue, gens):
    premiere = Reponse.objects.filter(publication=longue).order_by("cree_le", "pk").first()
    client.force_login(gens.autre_membre)  # reacted to one reply in three
    page = client.get(longue.get_absolute_url()).content.decode()
    assert f'value="{premiere.pk}:utile" aria-pressed="true"' in page
    jeton = client.cookies["csrftoken"].value

    client.force_login(gens.membre)  # same kind of reader: the same rendering, cached
    page = client.get(longue.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' not in page
    assert f'value="{premiere.pk}:utile" aria-pressed="false"' in page
    assert jeton not in page

    client.logout()
    page = client.get(longue.get_absolute_url()).content.decode()
    assert "aria-pressed" not in page and "csrfmiddlewaretoken" not in page
    assert "Signaler" not in page


def test_the_rendering_follows_every_change_at_once(client, longue, gens):
    premiere = Reponse.objects.filter(publication=longue).order_by("cree_le", "pk").first()
    url = longue.get_absolute_url()
    client.force_login(gens.exterieur)
    assert "Entièrement du même avis" not in client.get(url).content.decode()

    services.reaction_toggle(user=gens.membre, reponse=premiere, nature="merci")
    page = client.get(url).content.decode()
    assert re.search(
        rf'data-live-reactions="r{premiere.pk}">.*?Merci <span data-count="merci">1', page
    )

    # Even a write that bypasses save() and its signals.
    Reponse.objects.filter(pk=premiere.pk).update(corps="<p>Entièrement du même avis</p>")
    assert "Entièrement du même avis" in client.get(url).content.decode()

    gens.membre.first_name, gens.membre.last_name = "Ninon", "Renommée"
    gens.membre.save()
    assert "Ninon Renommée" in client.get(url).content.decode()

    moderation.publication_moderate(
        by=gens.animateur, reponse=premiere, action="masquer", motif="x"
    )
    assert f'id="reponse-{premiere.pk}"' not in client.get(url).content.decode()


def test_a_reply_button_reacts_and_returns_to_the_reply(client, longue, gens):
    reponse = Reponse.objects.filter(publication=longue).order_by("cree_le", "pk")[45]
    client.force_login(gens.membre)
    response = client.post(
        reverse("communautes:reaction", args=[longue.communaute.slug, longue.pk]),
        {"cible": f"{reponse.pk}:bravo"},
    )
    assert response["Location"] == reponse.get_absolute_url()
    assert Reaction.objects.filter(user=gens.membre, reponse=reponse, nature="bravo").exists()


@pytest.mark.parametrize("cible", ["", ":", "abc:utile", "1:", "99999999:utile", "1:colere"])
def test_a_malformed_reaction_changes_nothing(client, longue, gens, cible):
    client.force_login(gens.membre)
    avant = Reaction.objects.count()
    response = client.post(
        reverse("communautes:reaction", args=[longue.communaute.slug, longue.pk]),
        {"cible": cible},
    )
    assert response.status_code in (302, 404)
    assert Reaction.objects.count() == avant


def test_managers_see_hidden_replies_and_their_forms(client, longue, gens):
    premiere = Reponse.objects.filter(publication=longue).order_by("cree_le", "pk").first()
    moderation.publication_moderate(
        by=gens.animateur, reponse=premiere, action="masquer", motif="x"
    )
    client.force_login(gens.animateur)
    page = client.get(longue.get_absolute_url()).content.decode()
    assert f'id="reponse-{premiere.pk}"' in page and "Masquée" in page
    assert page.count('name="action" value="restaurer"') == 1
    client.force_login(UserFactory())
    assert (
        f'id="reponse-{premiere.pk}"' not in client.get(longue.get_absolute_url()).content.decode()
    )
