"""The catalogue is reachable from the main menu and the home page, wherever it lives."""

import pytest

from formations.factories import CatalogueIndexPageFactory

pytestmark = pytest.mark.django_db


def menu_links(html: str) -> str:
    debut = html.index('class="main-nav"')
    return html[debut : html.index("</nav>", debut)]


def test_menu_and_home_link_to_the_catalogue(client):
    catalogue = CatalogueIndexPageFactory()
    html = client.get("/").content.decode()
    assert '<a href="/catalogue/">Formations</a>' in menu_links(html)
    assert 'href="/catalogue/">Voir le catalogue des formations</a>' in html
    reponse = client.get("/catalogue/", follow=True)
    assert reponse.redirect_chain == [(catalogue.url, 302)]
    assert reponse.status_code == 200


def test_the_link_follows_a_renamed_catalogue(client):
    catalogue = CatalogueIndexPageFactory()
    assert client.get("/catalogue/")["Location"] == "/formations/"
    catalogue.slug = "offre-de-professionnalisation"
    catalogue.save_revision().publish()
    assert client.get("/catalogue/")["Location"] == "/offre-de-professionnalisation/"


def test_no_published_catalogue_says_so(client):
    catalogue = CatalogueIndexPageFactory()
    catalogue.unpublish()
    reponse = client.get("/catalogue/")
    assert reponse.status_code == 404


def test_the_menu_costs_no_query(client, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from maillage.context_processors import navigation

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        items = navigation(request)["nav_items"]
    assert ("Formations", "/catalogue/") in [(str(label), url) for label, url in items]
