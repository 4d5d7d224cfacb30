"""The catalogue is reachable from the main menu and the home page, and follows its page."""

import pytest

from formations.factories import CatalogueIndexPageFactory

pytestmark = pytest.mark.django_db


def menu_links(html: str) -> str:
    debut = html.index('class="main-nav"')
    return html[debut : html.index("</nav>", debut)]


def test_no_catalogue_no_menu_entry(client):
    html = client.get("/").content.decode()
    assert "Formations</a>" not in menu_links(html)
    assert "Voir le catalogue des formations" not in html


def test_menu_and_home_link_to_the_catalogue(client):
    catalogue = CatalogueIndexPageFactory()
    html = client.get("/").content.decode()
    assert f'<a href="{catalogue.url}">Formations</a>' in menu_links(html)
    assert f'href="{catalogue.url}">Voir le catalogue des formations</a>' in html
    reponse = client.get(catalogue.url)
    assert reponse.status_code == 200
    assert 'aria-current="page">Formations</a>' in menu_links(reponse.content.decode())


def test_the_menu_follows_a_renamed_or_unpublished_catalogue(client):
    catalogue = CatalogueIndexPageFactory()
    client.get("/")  # the URL is now remembered
    catalogue.slug = "offre-de-professionnalisation"
    catalogue.save_revision().publish()
    assert '<a href="/offre-de-professionnalisation/">Formations</a>' in menu_links(
        client.get("/").content.decode()
    )
    catalogue.refresh_from_db()
    catalogue.unpublish()
    assert "Formations</a>" not in menu_links(client.get("/").content.decode())
