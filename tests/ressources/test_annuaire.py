"""The member directory: visibility choices honoured everywhere, filters, fixed query count."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communautes.factories import AdhesionFactory, CommunauteFactory
from communautes.models import Adhesion
from maillage.factories import (
    CommuneFactory,
    ProfilFactory,
    ReseauFactory,
    StructureFactory,
    TerritoireFactory,
    ThematiqueFactory,
    UserFactory,
)
from maillage.models import Profil
from ressources.annuaire import selectors as annuaire
from ressources.annuaire.views import PAR_PAGE

pytestmark = pytest.mark.django_db

PROFESSIONNELS = reverse("annuaire:professionnels")
STRUCTURES = reverse("annuaire:structures")


def _personne(prenom, nom, **profil):
    user = UserFactory(first_name=prenom, last_name=nom)
    return ProfilFactory(user=user, **profil)


@pytest.fixture
def monde():
    """Two régions, two structures; a visible, a hidden and a "my communities" member."""
    nord = TerritoireFactory(nom="Hauts-de-France")
    sud = TerritoireFactory(nom="Occitanie")
    nord_59 = TerritoireFactory(departement=True, nom="Nord", parent=nord)
    nord_62 = TerritoireFactory(departement=True, nom="Pas-de-Calais", parent=nord)
    sud_31 = TerritoireFactory(departement=True, nom="Haute-Garonne", parent=sud)
    mission_locale = ReseauFactory(nom="Mission locale")
    cio = ReseauFactory(nom="CIO")
    cep = ThematiqueFactory(nom="CEP")
    handicap = ThematiqueFactory(nom="Handicap")
    lille = StructureFactory(
        nom="Mission locale de Lille",
        reseau=mission_locale,
        commune=CommuneFactory(nom="Lille", departement=nord_59),
    )
    toulouse = StructureFactory(
        nom="CIO de Toulouse",
        reseau=cio,
        commune=CommuneFactory(nom="Toulouse", departement=sud_31),
    )
    visible = _personne(
        "Alice", "Visiblement", structure=lille, fonction="Conseillère CEP", thematiques=[cep]
    )
    masque = _personne(
        "Hugo",
        "Cachottier",
        structure=lille,
        fonction="Psychologue du travail",
        thematiques=[cep, handicap],
        territoires=[nord_62],
        visibilite=Profil.Visibilite.MASQUE,
    )
    cercle = _personne(
        "Claire",
        "Entrenous",
        structure=toulouse,
        fonction="Conseillère d'orientation",
        thematiques=[handicap],
        visibilite=Profil.Visibilite.COMMUNAUTES,
    )
    communaute = CommunauteFactory()
    AdhesionFactory(user=cercle.user, communaute=communaute)
    lecteur = UserFactory(first_name="Victor", last_name="Lecteur")
    return SimpleNamespace(**locals())


def _get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response


def _resultats(response) -> bytes:
    """The page after the filter form, which echoes what was searched."""
    return response.content.split(b'role="search"', 1)[1].split(b"</form>", 1)[1]


def _visible_profils(user, **filtres):
    return list(annuaire.profil_list(user=user, filtres=annuaire.Filtres(**filtres)))


def test_anonymous_visitors_are_sent_to_the_login_page(client, monde):
    for url in (PROFESSIONNELS, STRUCTURES, reverse("annuaire:structure", args=[monde.lille.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


def test_a_hidden_member_appears_through_no_filter_count_structure_page_or_search(client, monde):
    # Even a co-member of his community, or an administrator, does not see him.
    AdhesionFactory(user=monde.masque.user, communaute=monde.communaute)
    AdhesionFactory(user=monde.lecteur, communaute=monde.communaute)
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert monde.masque not in _visible_profils(admin)
    client.force_login(monde.lecteur)
    filtres = [
        {},
        {"region": monde.nord.pk},
        {"departement": monde.nord_59.pk},
        {"departement": monde.nord_62.pk},
        {"reseau": monde.mission_locale.pk},
        {"thematique": monde.handicap.pk},
        {"fonction": "psychologue"},
        {"texte": "Hugo"},
        {"texte": "Cachottier"},
        {"texte": "Mission locale Lille"},
    ]
    for params in filtres:
        for url in (PROFESSIONNELS, STRUCTURES):
            resultats = _resultats(_get(client, url, **params))
            assert b"Cachottier" not in resultats, (url, params)
            assert b"Psychologue" not in resultats, (url, params)
        professionnels = client.get(PROFESSIONNELS, params).context["page"]
        assert monde.masque not in professionnels.object_list
    # Counts: Lille has two members, one visible.
    lille = client.get(STRUCTURES, {"texte": "Lille"}).context["page"].object_list
    assert [(s.pk, s.nb_membres_visibles) for s in lille] == [(monde.lille.pk, 1)]
    assert client.get(PROFESSIONNELS, {"texte": "Hugo"}).context["page"].paginator.count == 0
    # A person filter on structures does not betray him either: only he is a psychologist
    # or works on handicap in Lille.
    for params in ({"fonction": "psychologue"}, {"thematique": monde.handicap.pk}):
        structures = client.get(STRUCTURES, params).context["page"].object_list
        assert monde.lille not in list(structures), params
    page = client.get(reverse("annuaire:structure", args=[monde.lille.pk]))
    assert list(page.context["page"].object_list) == [monde.visible]
    assert page.context["page"].paginator.count == 1
    assert b"Cachottier" not in page.content
    assert b"Visiblement" in page.content


def test_my_communities_visibility_needs_an_active_shared_community(monde):
    lecteur = monde.lecteur
    assert monde.cercle not in _visible_profils(lecteur)
    adhesion = AdhesionFactory(
        user=lecteur, communaute=monde.communaute, etat=Adhesion.Etat.DEMANDEE
    )
    assert monde.cercle not in _visible_profils(lecteur)
    adhesion.etat = Adhesion.Etat.ACTIVE
    adhesion.save()
    assert monde.cercle in _visible_profils(lecteur)
    # Her leaving the community hides her again.
    Adhesion.objects.filter(user=monde.cercle.user).update(etat=Adhesion.Etat.PARTIE)
    assert monde.cercle not in _visible_profils(lecteur)
    structures = annuaire.structure_list(user=lecteur, filtres=annuaire.Filtres(texte="Toulouse"))
    assert [s.nb_membres_visibles for s in structures] == [0]


def test_the_other_visibility_rules(monde):
    assert _visible_profils(monde.lecteur) == [monde.visible]
    monde.visible.user.is_active = False
    monde.visible.user.save()
    assert _visible_profils(monde.lecteur) == []
    assert list(annuaire.profils_visibles(user=monde.lecteur.__class__())) == []


def test_filters_by_territory_reseau_expertise_function_and_name(monde):
    lecteur = monde.lecteur
    AdhesionFactory(user=lecteur, communaute=monde.communaute)
    tous = {monde.visible, monde.cercle}
    assert set(_visible_profils(lecteur)) == tous
    assert _visible_profils(lecteur, region=monde.nord) == [monde.visible]
    assert _visible_profils(lecteur, region=monde.sud) == [monde.cercle]
    assert _visible_profils(lecteur, departement=monde.nord_62) == []
    assert _visible_profils(lecteur, reseau=monde.cio) == [monde.cercle]
    assert _visible_profils(lecteur, thematique=monde.cep) == [monde.visible]
    assert _visible_profils(lecteur, fonction="orientation") == [monde.cercle]
    assert _visible_profils(lecteur, texte="alice") == [monde.visible]
    assert _visible_profils(lecteur, texte="CIO toulouse") == [monde.cercle]
    assert _visible_profils(lecteur, texte="CIO Lille") == []
    # A territory of action counts: someone of Toulouse acting for the whole Hauts-de-France
    # is found in the Pas-de-Calais, and in the région.
    monde.cercle.territoires.set([monde.nord])
    assert _visible_profils(lecteur, departement=monde.nord_62) == [monde.cercle]
    assert set(_visible_profils(lecteur, region=monde.nord)) == tous


def test_filter_form_and_structure_page_render(client, monde):
    client.force_login(monde.lecteur)
    response = client.get(PROFESSIONNELS, {"reseau": monde.mission_locale.pk, "texte": "lille"})
    content = response.content.decode()
    assert 'role="search"' in content
    assert '<label class="field__label" for="id_departement">' in content
    assert "Visiblement" in content
    assert "1 professionnel" in content
    assert f'href="{reverse("annuaire:structure", args=[monde.lille.pk])}"' in content
    invalid = client.get(PROFESSIONNELS, {"region": "999999"})
    assert invalid.status_code == 200
    assert invalid.context["formulaire"].errors["region"]
    structure = client.get(reverse("annuaire:structure", args=[monde.toulouse.pk]))
    assert "CIO de Toulouse" in structure.content.decode()
    assert "Haute-Garonne" in structure.content.decode()
    assert client.get(reverse("annuaire:structure", args=[987654])).status_code == 404


def test_the_navigation_links_to_the_directory_for_signed_in_users(client, monde):
    assert PROFESSIONNELS.encode() not in client.get(reverse("communautes:list")).content
    client.force_login(monde.lecteur)
    assert f'href="{PROFESSIONNELS}"'.encode() in client.get(reverse("communautes:list")).content


def _peupler(n, structure, thematiques, territoires):
    for i in range(n):
        _personne(
            f"Prénom{i}",
            f"Membre{i:03d}",
            structure=StructureFactory(reseau=structure.reseau, commune=structure.commune)
            if i % 2
            else structure,
            thematiques=thematiques,
            territoires=territoires,
        )


def _requetes(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries), response


def test_pages_cost_a_fixed_number_of_queries_whatever_their_length(client, monde):
    client.force_login(monde.lecteur)
    thematiques, territoires = [monde.cep, monde.handicap], [monde.nord, monde.nord_59]
    pages = [
        (PROFESSIONNELS, {}),
        (PROFESSIONNELS, {"region": monde.nord.pk, "thematique": monde.cep.pk, "texte": "m"}),
        (STRUCTURES, {}),
        (STRUCTURES, {"departement": monde.nord_59.pk, "fonction": "conseill"}),
        (reverse("annuaire:structure", args=[monde.lille.pk]), {}),
    ]
    _peupler(2, monde.lille, thematiques, territoires)
    client.get(PROFESSIONNELS)  # the first page of a run fills the navigation's cache
    small = [_requetes(client, url, params) for url, params in pages]
    _peupler(PAR_PAGE + 5, monde.lille, thematiques, territoires)
    client.get(PROFESSIONNELS)  # the writes renewed the cached header: warm it again
    large = [_requetes(client, url, params) for url, params in pages]
    for (url, params), (n_small, r_small), (n_large, r_large) in zip(
        pages, small, large, strict=True
    ):
        assert len(r_large.context["page"].object_list) > len(
            r_small.context["page"].object_list
        ), (url, params)
        assert n_small == n_large, (url, params)


def test_pagination_keeps_the_filters(client, monde):
    client.force_login(monde.lecteur)
    _peupler(PAR_PAGE + 3, monde.lille, [monde.cep], [])
    first = client.get(PROFESSIONNELS, {"reseau": monde.mission_locale.pk})
    assert first.context["page"].paginator.count == PAR_PAGE + 4
    assert f"reseau={monde.mission_locale.pk}&amp;page=2".encode() in first.content
    second = client.get(PROFESSIONNELS, {"reseau": monde.mission_locale.pk, "page": 2})
    assert len(second.context["page"].object_list) == 4


def test_the_unified_search_finds_people_and_structures_as_the_directory_shows_them(client, monde):
    recherche = reverse("recherche")
    # Visitors: no one.
    assert "Dans l&#x27;annuaire" not in _get(client, recherche, q="Lille").content.decode()

    client.force_login(monde.lecteur)
    html = _get(client, recherche, q="Lille").content.decode()
    bloc = html.split('id="recherche-annuaire"', 1)[1].split("</section>", 1)[0]
    assert "1 professionnel" in bloc and "Alice Visiblement" in bloc
    assert "Cachottier" not in html  # hidden, whatever the search
    assert "1 structure" in bloc
    assert f'href="{reverse("annuaire:structure", args=[monde.lille.pk])}"' in bloc
    assert f'href="{PROFESSIONNELS}?texte=Lille"' in bloc
    # Their own facet, with counts, each a link to the directory filtered by the words.
    facette = html.split('id="facette-annuaire"', 1)[1].split("</nav>", 1)[0]
    assert f'<a href="{PROFESSIONNELS}?texte=Lille">Personnes (1)</a>' in facette
    assert f'<a href="{STRUCTURES}?texte=Lille">Structures (1)</a>' in facette
    cachottier = _get(client, recherche, q="Cachottier").content.decode()
    assert 'id="recherche-annuaire"' not in cachottier
    assert 'id="facette-annuaire"' not in cachottier

    # "My communities" visibility: seen once a community is shared, as in the directory.
    assert 'id="recherche-annuaire"' not in _get(client, recherche, q="Entrenous").content.decode()
    AdhesionFactory(user=monde.lecteur, communaute=monde.communaute)
    assert "Claire Entrenous" in _get(client, recherche, q="Entrenous").content.decode()
