"""Tests of the catalogue: "near me" on real communes, and one contract for both backends
(database and OpenSearch): same sessions, same order, same counts, fixed query count."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from formations.catalogue import engine
from formations.catalogue.database import distance_km
from formations.catalogue.filters import CatalogueFiltres
from formations.catalogue.listing import session_catalogue, user_origin
from formations.factories import FormationPageFactory, InscriptionFactory, SessionFactory
from formations.models import CatalogueIndexPage, FormationPage, Session
from maillage.factories import ProfilFactory, StructureFactory, UserFactory
from maillage.models import Commune, Public, Reseau, Territoire, Thematique
from recherche import opensearch, sync

pytestmark = pytest.mark.django_db

# Real communes and the centres the API Découpage administratif gives them.
COMMUNES = {
    "35238": ("Rennes", "35", 48.1116, -1.6819),
    "35360": ("Vitré", "35", 48.1148, -1.1899),
    "35288": ("Saint-Malo", "35", 48.6400, -1.9800),
    "29019": ("Brest", "29", 48.4084, -4.5016),
    "56260": ("Vannes", "56", 47.6584, -2.7600),
}
BACKENDS = ["database", pytest.param("opensearch", marks=pytest.mark.opensearch)]


@pytest.fixture
def monde(db):
    bretagne = Territoire.objects.create(niveau="region", code="53", nom="Bretagne")
    departements = {
        code: Territoire.objects.create(niveau="departement", code=code, nom=nom, parent=bretagne)
        for code, nom in (("35", "Ille-et-Vilaine"), ("29", "Finistère"), ("56", "Morbihan"))
    }
    communes = {
        code: Commune.objects.create(
            code_insee=code,
            nom=nom,
            departement=departements[dep],
            latitude=lat,
            longitude=lon,
        )
        for code, (nom, dep, lat, lon) in COMMUNES.items()
    }
    reseau = Reseau.objects.create(nom="Mission locale", slug="mission-locale")
    return communes, reseau


def _membre(commune, reseau):
    user = UserFactory()
    ProfilFactory(user=user, structure=StructureFactory(commune=commune, reseau=reseau))
    return user


def test_distances_between_real_communes_are_right(monde):
    communes, _reseau = monde
    rennes = communes["35238"].coordonnees
    assert 33 < distance_km(rennes, communes["35360"].coordonnees) < 38
    assert 58 < distance_km(rennes, communes["35288"].coordonnees) < 65
    assert 205 < distance_km(rennes, communes["29019"].coordonnees) < 215


def _jeu(communes, reseau) -> dict[str, Session]:
    """Sessions spread over places, themes, publics, networks, modalities and months."""
    jour = timezone.localdate()
    accueil = Thematique.objects.create(nom="Accueil", slug="accueil-c")
    vae = Thematique.objects.create(nom="VAE", slug="vae-c")
    jeunes = Public.objects.create(nom="Jeunes", slug="jeunes-c")
    cio = Reseau.objects.create(nom="CIO", slug="cio-c")
    presentiel = FormationPageFactory(modalite=FormationPage.Modalite.PRESENTIEL)
    presentiel.thematiques.set([accueil, vae])
    presentiel.publics.set([jeunes])
    presentiel.reseaux_cibles.set([reseau])
    presentiel.save()
    distance = FormationPageFactory(modalite=FormationPage.Modalite.DISTANCIEL)
    distance.thematiques.set([vae])
    distance.reseaux_cibles.set([cio])
    distance.save()
    brouillon = FormationPageFactory(live=False)

    def session(nom, formation, commune, jours, **extra):
        return nom, SessionFactory(
            formation=formation,
            commune=communes[commune] if commune else None,
            ville=COMMUNES[commune][0] if commune else "",
            date_debut=jour + datetime.timedelta(days=jours),
            date_fin=jour + datetime.timedelta(days=jours + 1),
            **extra,
        )

    sessions = dict(
        [
            session("rennes", presentiel, "35238", 10),
            session("vitre", presentiel, "35360", 40),
            session("saint_malo", presentiel, "35288", 70),
            session("brest", presentiel, "29019", 20, capacite=1),
            session("vannes_gps", presentiel, "56260", 30, latitude=47.9, longitude=-1.75),
            session("en_ligne", distance, None, 15),
            session("en_ligne_2", distance, None, 75),
        ]
    )
    InscriptionFactory(session=sessions["brest"])
    SessionFactory(formation=presentiel, commune=communes["35238"], etat=Session.Etat.ANNULEE)
    SessionFactory(
        formation=presentiel,
        commune=communes["35238"],
        date_debut=jour - datetime.timedelta(days=5),
        date_fin=jour - datetime.timedelta(days=4),
    )
    SessionFactory(formation=brouillon, commune=communes["35238"])
    return sessions


@pytest.fixture
def backend(request, settings):
    """Run the catalogue on one backend; with OpenSearch, on the suite's fresh indexes
    (deleted after the test, so that no other test meets them)."""
    if request.param == "database":
        settings.OPENSEARCH_URL = ""
    else:
        request.getfixturevalue("opensearch_index")
    return request.param


def _rebuild_sessions_index() -> None:
    """What `search_index rebuild --index sessions` does, once the test's sessions exist."""
    sync.rebuild(indexes=[engine.SESSIONS_INDEX])


def _catalogue(user, **filtres):
    return session_catalogue(
        user=user, origine=user_origin(user=user), filtres=CatalogueFiltres(**filtres), par_page=3
    )


FILTRES = [
    {},
    {"departement": "35"},
    {"region": "53"},
    {"thematique": "accueil-c"},
    {"public": "jeunes-c"},
    {"reseau": "cio-c"},
    {"modalite": 2},
    {"places_restantes": True},
    {"rayon_km": 50},
    {"rayon_km": 100, "par_distance": True},
    {"par_distance": True},
    {"rayon_km": 10, "thematique": "vae-c"},
]


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_near_me_filters_and_sorts_by_distance(backend, monde):
    communes, reseau = monde
    sessions = _jeu(communes, reseau)
    rennais = _membre(communes["35238"], reseau)
    if backend == "opensearch":
        _rebuild_sessions_index()

    def noms(catalogue):
        par_pk = {s.pk: nom for nom, s in sessions.items()}
        return [par_pk[s.pk] for s in catalogue.page.object_list]

    origine = user_origin(user=rennais)
    assert origine == (48.1116, -1.6819)

    def catalogue(**filtres):
        return session_catalogue(
            user=rennais, origine=origine, filtres=CatalogueFiltres(**filtres), par_page=20
        )

    proches = catalogue(rayon_km=50)
    # Vannes' session has its own coordinates (47.9, -1.75), 24 km from Rennes.
    assert noms(proches) == ["rennes", "vannes_gps", "vitre"]
    assert [s.distance_km for s in proches.page.object_list] == [0, 24, 37]
    assert proches.moteur == backend
    tous = catalogue(par_distance=True)
    assert noms(tous) == [
        "rennes",
        "vannes_gps",
        "vitre",
        "saint_malo",
        "brest",
        "en_ligne",
        "en_ligne_2",
    ]
    assert [f["n"] for f in tous.facettes["rayon"]] == [1, 2, 3, 4]
    assert noms(catalogue(rayon_km=10)) == ["rennes"]


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_contract_same_sessions_and_counts_for_the_same_filters(backend, monde, settings):
    communes, reseau = monde
    _jeu(communes, reseau)
    rennais = _membre(communes["35238"], reseau)
    if backend == "opensearch":
        _rebuild_sessions_index()
    opensearch_url = settings.OPENSEARCH_URL
    resultats = {}
    for filtres in FILTRES:
        settings.OPENSEARCH_URL = ""
        attendu = _catalogue(rennais, **filtres)
        settings.OPENSEARCH_URL = opensearch_url
        obtenu = _catalogue(rennais, **filtres)
        assert obtenu.moteur == backend
        for page in (attendu, obtenu):
            resultats.setdefault(repr(filtres), []).append(
                (
                    page.page.paginator.count,
                    [s.pk for s in page.page.object_list],
                    page.facettes,
                )
            )
    for filtres, (attendu, obtenu) in resultats.items():
        assert obtenu == attendu, filtres
    # The contract is not vacuous: the filters do select.
    comptes = {filtres: valeur[0][0] for filtres, valeur in resultats.items()}
    assert comptes[repr({})] == 7
    assert comptes[repr({"rayon_km": 50})] == 3
    assert comptes[repr({"places_restantes": True})] == 6
    assert comptes[repr({"modalite": 2})] == 2


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_facets_count_every_dimension(backend, monde):
    communes, reseau = monde
    _jeu(communes, reseau)
    if backend == "opensearch":
        _rebuild_sessions_index()
    resultat = _catalogue(_membre(communes["35238"], reseau))
    facettes = {nom: {f["code"]: f["n"] for f in liste} for nom, liste in resultat.facettes.items()}
    assert facettes["departement"] == {"29": 1, "35": 3, "56": 1}
    assert facettes["thematique"] == {"accueil-c": 5, "vae-c": 7}
    assert facettes["public"] == {"jeunes-c": 5}
    assert facettes["reseau"] == {"cio-c": 2, "mission-locale": 5}
    assert facettes["modalite"] == {0: 5, 2: 2}
    assert sum(facettes["mois"].values()) == 7
    assert facettes["rayon"] == {10: 1, 30: 2, 50: 3, 100: 4}
    assert resultat.facettes["departement"][0]["nom"] == "Finistère"


def test_near_me_is_hidden_without_coordinates(client, monde):
    communes, reseau = monde
    _jeu(communes, reseau)
    url = CatalogueIndexPage.objects.get().url
    sans = Commune.objects.create(
        code_insee="35001", nom="Acigné", departement=communes["35238"].departement
    )
    client.force_login(_membre(sans, reseau))
    response = client.get(url, {"rayon": "10", "tri": "distance"})
    assert response.status_code == 200
    assert "rayon" not in response.context["formulaire"].fields
    assert response.context["sessions"].paginator.count == 7
    assert response.context["facettes"]["rayon"] == []
    assert "Près de chez moi" not in response.content.decode()

    client.force_login(_membre(communes["35238"], reseau))
    response = client.get(url, {"rayon": "50", "tri": "distance"})
    body = response.content.decode()
    assert response.context["sessions"].paginator.count == 3
    assert "Près de chez moi" in body and "à 37 km" in body
    assert '<option value="50" selected>' in body
    assert '<option value="distance" selected>' in body


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_catalogue_page_costs_the_same_queries_at_two_sizes(
    backend, client, monde, django_assert_max_num_queries
):
    communes, reseau = monde
    _jeu(communes, reseau)
    client.force_login(_membre(communes["35238"], reseau))
    url = CatalogueIndexPage.objects.get().url
    params = {"rayon": "100", "tri": "distance", "thematique": "vae-c"}
    if backend == "opensearch":
        _rebuild_sessions_index()
    client.get(url, params)
    with CaptureQueriesContext(connection) as petit:
        response = client.get(url, params)
    # Read now: the next request's start clears the connection's query log.
    requetes_petit = len(petit)
    assert response.context["moteur"] == backend
    formation = FormationPage.objects.filter(thematiques__slug="vae-c").first()
    for n in range(30):
        SessionFactory(formation=formation, commune=communes["35360" if n % 2 else "35288"])
    if backend == "opensearch":
        _rebuild_sessions_index()
    client.get(url, params)  # the writes renewed the cached header: warm it again
    with django_assert_max_num_queries(requetes_petit):
        response = client.get(url, params)
    assert response.context["sessions"].paginator.count == 34
    assert len(response.context["sessions"].object_list) == 20


@pytest.mark.opensearch
def test_sessions_index_follows_enrolments_and_cancellations(
    opensearch_index, monde, django_capture_on_commit_callbacks
):
    communes, reseau = monde
    sessions = _jeu(communes, reseau)
    _rebuild_sessions_index()
    with django_capture_on_commit_callbacks(execute=True):
        InscriptionFactory(session=sessions["vitre"], user=UserFactory())
        sessions["rennes"].etat = Session.Etat.ANNULEE
        sessions["rennes"].save()
    opensearch.client().indices.refresh(index=engine.sessions_alias(), request_timeout=60)
    resultat = engine.catalogue_search(
        filtres=CatalogueFiltres(), origine=None, page=1, par_page=20
    )
    assert sessions["rennes"].pk not in resultat.ids
    assert resultat.total == 6
    document = opensearch.client().get(index=engine.sessions_alias(), id=sessions["vitre"].pk)
    assert document["_source"]["places"] == sessions["vitre"].capacite - 1


@pytest.mark.opensearch
def test_search_index_rebuild_builds_the_sessions_index_the_page_then_uses(
    opensearch_index, client, monde
):
    import json
    from io import StringIO

    from django.core.management import call_command

    communes, reseau = monde
    _jeu(communes, reseau)
    url = CatalogueIndexPage.objects.get().url
    opensearch.client().indices.delete(index=f"{engine.sessions_alias()}_v*")
    assert client.get(url).context["moteur"] == "database"  # until the index is built
    out = StringIO()
    call_command("search_index", "rebuild", stdout=out, stderr=StringIO())
    summary = json.loads(out.getvalue().strip())
    assert (summary["backend"], summary["indexes"]["sessions"]["indexed"]) == ("opensearch", 8)
    response = client.get(url, {"modalite": "2"})
    assert response.context["moteur"] == "opensearch"
    assert response.context["sessions"].paginator.count == 2


def test_unreachable_search_engine_falls_back_to_the_database(monde, settings):
    communes, reseau = monde
    _jeu(communes, reseau)
    settings.OPENSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there
    resultat = _catalogue(_membre(communes["35238"], reseau), modalite=2)
    assert resultat.moteur == "database"
    assert resultat.page.paginator.count == 2
    assert "momentanément indisponible" in resultat.messages[0]
