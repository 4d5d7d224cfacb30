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


def trail(html: str) -> list[tuple[str, str | None]]:
    """The breadcrumb's items: (label, link or None for the current page)."""
    import re

    nav = re.search(r'<nav class="breadcrumb"[^>]*>(.*?)</nav>', html, re.S)
    assert nav, "no breadcrumb on the page"
    items = []
    for li in re.findall(r"<li[^>]*>(.*?)</li>", nav.group(1), re.S):
        lien = re.search(r'<a href="([^"]+)">([^<]+)</a>', li)
        items.append((lien.group(2), lien.group(1)) if lien else (li.strip(), None))
    return items


def test_catalogue_pages_show_where_the_reader_is(client):
    from formations.factories import FormationPageFactory

    formation = FormationPageFactory()
    programme = formation.get_parent().specific
    region = programme.get_parent().specific
    catalogue = region.get_parent().specific
    accueil = (catalogue.get_parent().title, "/")
    assert trail(client.get(catalogue.url).content.decode()) == [
        accueil,
        (catalogue.title, None),
    ]
    assert trail(client.get(region.url).content.decode()) == [
        accueil,
        (catalogue.title, catalogue.url),
        (region.title, None),
    ]
    assert trail(client.get(programme.url).content.decode()) == [
        accueil,
        (catalogue.title, catalogue.url),
        (region.title, region.url),
        (programme.title, None),
    ]
    assert trail(client.get(formation.url).content.decode()) == [
        accueil,
        (catalogue.title, catalogue.url),
        (region.title, region.url),
        (programme.title, programme.url),
        (formation.title, None),
    ]


def test_the_indicators_trail_leads_back_to_their_programme(client):
    from formations.factories import ProgrammePageFactory, UserFactory
    from maillage import roles

    programme = ProgrammePageFactory()
    editeur = UserFactory()
    roles.role_assign(
        user=editeur, role=roles.EDITEUR_REGIONAL, region=programme.get_parent().specific.territoire
    )
    client.force_login(editeur)
    html = client.get(f"/catalogue/programmes/{programme.pk}/indicateurs/").content.decode()
    assert trail(html)[-2:] == [(programme.title, programme.url), ("Indicateurs", None)]
