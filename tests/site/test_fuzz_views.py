"""Property-based fuzzing: every page, form and API filter answers hostile input without a 500.

Each URL name of the project is listed in ENDPOINTS (or in EXCLUDED, with the reason), with the
role that reaches its code and the fields it reads. A fixed sweep posts each hostile value into
each field, then Hypothesis mixes values, lists and fields. A new view without an entry here
fails `test_every_url_of_the_project_is_fuzzed`.
"""

import itertools
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

HUGE = "9" * 26

# Values that broke views before: Unicode digits ("²".isdigit() is True), numbers beyond
# bigint, signs, empty strings, NUL (PostgreSQL refuses it in text), very long strings.
HOSTILE = ["²", "٣", "abc", "", "-1", "0", HUGE, "1.5", "a\x00b", "é" * 6000]

ENGLISH = re.compile(
    r"This field is required|Enter a valid|Select a valid|Ensure this value|"
    r"is not one of the available choices|Page not found|Server Error|Bad Request|"
    r"Forbidden</h1>|Not Found</h1>|was not found on this server",
)

# Areas served by Django, Wagtail or allauth, or open to staff only (with two-factor auth).
EXCLUDED_PREFIXES = {
    "admin/": "Wagtail admin and the project's admin screens: staff with two-factor auth",
    "django-admin/": "Django admin: staff with two-factor authentication",
    "documents/": "Wagtail documents (upstream)",
    "comptes/": "django-allauth (upstream: rate limits, its own forms)",
    "_util/": "Wagtail's page privacy forms (upstream)",
    "static/": "static files",
    "media/": "uploaded files",
}
# Named URLs of the project left out, and why.
EXCLUDED = {
    "healthz": "no input: answers ok whatever the request",
    "readyz": "no input: probes the services",
    "api:openapi-json": "the API document, fuzzed by test_api_schema.py",
    "api:openapi-view": "the API documentation page (static HTML)",
    "wagtail_serve": "Wagtail's page serving; page routes are fuzzed through their own names",
    "api:api-root": "django-ninja's own root route, shadowed by api:api_root at the same path",
    "catalogue:index_route": "RoutablePageMixin's default route, shadowed by catalogue:catalogue",
}


@dataclass
class Endpoint:
    name: str
    role: str = "anonyme"
    kwargs: Callable = lambda w: {}
    post: tuple = ()
    get: tuple = ()
    valid: Callable = lambda w: {}
    methods: tuple = ("GET", "POST")

    def url(self, world) -> str:
        kwargs = self.kwargs(world)
        if self.name.startswith("catalogue:"):
            catalogue = world.catalogue
            route = catalogue.reverse_subpage(self.name.split(":", 1)[1], kwargs=kwargs)
            return catalogue.url + route
        return reverse(self.name, kwargs=kwargs)


def _c(w):
    return {"slug": w.communaute.slug}


def _p(w):
    return {"slug": w.communaute.slug, "pk": w.publication.pk}


def _e(w):
    return {"slug": w.communaute.slug, "pk": w.evenement.pk}


def _g(w):
    return {"slug": w.groupe.slug}


def _s(w):
    return {"pk": w.seance.pk}


def _cas(w):
    return {"cas_pk": w.cas.pk}


EVENEMENT_FIELDS = ("nature", "titre", "description", "debut", "fin", "adresse", "commune")
EVENEMENT_FIELDS += ("lien", "capacite")
CAS_FIELDS = ("title", "situation", "questions", "tentatives", "resultat", "enseignements")
CAS_FIELDS += ("dispositif", "publics", "actes_metier", "thematiques", "anonymise")

ENDPOINTS = [
    # site
    Endpoint("dashboard", "membre"),
    Endpoint(
        "profil_edit",
        "membre",
        post=("first_name", "last_name", "fonction", "structure", "territoires", "thematiques"),
        valid=lambda w: {"first_name": "Camille", "last_name": "Martin", "fonction": "Conseil"},
    ),
    Endpoint("api:api_root", methods=("GET",)),
    Endpoint(
        "api:sessions_ouvertes",
        get=("region", "departement", "thematique", "public", "reseau", "modalite", "mois")
        + ("places_restantes", "page", "page_size"),
        methods=("GET",),
    ),
    Endpoint("api:recherche", get=("q", "type", "page", "thematique", "annee"), methods=("GET",)),
    Endpoint("api:suggestions", get=("q",), methods=("GET",)),
    Endpoint("communes_suggestions", get=("q",), methods=("GET",)),
    Endpoint("formations:catalogue", methods=("GET",)),
    Endpoint("rgpd_mes_donnees", "membre", methods=("GET",)),
    Endpoint("rgpd_export", "membre", methods=("GET",)),
    Endpoint(
        "rgpd_compte_supprimer",
        "membre",
        post=("supprimer_contributions", "password", "confirmation"),
    ),
    Endpoint("rgpd_suppression_annuler", "membre", methods=("POST",)),
    # communautes
    Endpoint("communautes:list", "membre"),
    Endpoint("communautes:detail", "membre", _c, get=("tri",)),
    Endpoint("communautes:join", "externe", _c, post=("charte_acceptee",)),
    Endpoint("communautes:leave", "membre", _c),
    Endpoint(
        "communautes:publication_create", "animateur", _c, post=("nature", "titre", "corps", "tags")
    ),
    Endpoint("communautes:moderation", "animateur", _c, post=("adhesion", "fermee", "signalement")),
    Endpoint("communautes:membres", "animateur", _c, post=("email", "adhesion", "motif", "jours")),
    Endpoint("communautes:membres_suggestions", "membre", _c, get=("q",), methods=("GET",)),
    Endpoint("communautes:salon", "membre", _c, post=("texte",)),
    Endpoint("communautes:publication", "membre", _p, get=("page",), methods=("GET",)),
    Endpoint("communautes:publication_reponses", "membre", _p, get=("page",), methods=("GET",)),
    Endpoint(
        "communautes:reponse",
        "membre",
        lambda w: {**_p(w), "reponse_pk": w.reponse.pk},
        methods=("GET",),
    ),
    Endpoint("communautes:publication_update", "membre", _p, post=("titre", "corps")),
    Endpoint("communautes:reponse_create", "membre", _p, post=("corps",)),
    Endpoint(
        "communautes:reaction",
        "membre",
        _p,
        post=("nature", "reponse"),
        valid=lambda w: {"nature": "utile"},
    ),
    Endpoint(
        "communautes:signalement",
        "membre",
        _p,
        post=("motif", "commentaire", "reponse"),
        get=("reponse",),
        valid=lambda w: {"motif": "spam"},
    ),
    Endpoint(
        "communautes:publication_moderate",
        "animateur",
        _p,
        post=("action", "motif", "reponse"),
        valid=lambda w: {"action": "masquer"},
    ),
    Endpoint(
        "communautes:publication_move",
        "animateur",
        _p,
        post=("vers", "motif"),
        valid=lambda w: {"vers": str(w.autre_communaute.pk)},
    ),
    Endpoint("communautes:publication_flags", "animateur", _p, post=("flag", "valeur")),
    Endpoint(
        "communautes:reponse_accept",
        "membre",
        lambda w: {**_p(w), "reponse_pk": w.reponse.pk},
    ),
    Endpoint("communautes:notifications", "membre"),
    Endpoint("communautes:notifications_read_all", "membre"),
    Endpoint(
        "communautes:notification_read",
        "membre",
        lambda w: {"pk": w.notification.pk},
        post=("suivant",),
    ),
    Endpoint("communautes:desabonnement", kwargs=lambda w: {"token": "abc"}),
    Endpoint("communautes:niveau_notification", "membre", _c, post=("niveau",)),
    Endpoint("communautes:evenements", "membre", _c, get=("periode",)),
    Endpoint("communautes:evenement_create", "animateur", _c, post=EVENEMENT_FIELDS),
    Endpoint("communautes:evenement", "membre", _e),
    Endpoint("communautes:evenement_update", "animateur", _e, post=EVENEMENT_FIELDS),
    Endpoint("communautes:evenement_cancel", "animateur", _e, post=("motif",)),
    Endpoint("communautes:evenement_participation", "membre", _e, post=("annuler",)),
    Endpoint("communautes:evenement_ics", "membre", _e),
    Endpoint("communautes:piece_jointe", "membre", lambda w: {**_c(w), "pk": 1}),
    Endpoint(
        "annuaire:professionnels",
        "membre",
        get=("texte", "region", "departement", "reseau", "thematique", "fonction", "page"),
    ),
    Endpoint(
        "annuaire:structures",
        "membre",
        get=("texte", "region", "departement", "reseau", "thematique", "page"),
    ),
    Endpoint("annuaire:structure", "membre", lambda w: {"pk": w.structure.pk}, get=("page",)),
    # ressources
    Endpoint("recherche", get=("q", "type", "page", "thematique", "public", "annee")),
    Endpoint("cas_propose", "membre", post=CAS_FIELDS),
    Endpoint(
        "outil_propose",
        "membre",
        post=("title", "nature", "description", "mode_emploi", "licence", "publics"),
    ),
    Endpoint(
        "retour_usage_create",
        "membre",
        lambda w: {"outil_id": w.outil.pk},
        post=("texte", "resultat", "note"),
    ),
    # formations: the catalogue page's list, its old addresses, and the /catalogue/ routes
    Endpoint(
        "catalogue:catalogue",
        get=("region", "departement", "thematique", "public", "reseau", "modalite", "mois")
        + ("places_restantes", "rayon", "tri", "page", "commune"),
    ),
    Endpoint(
        "catalogue:ancienne_adresse",
        kwargs=lambda w: {"route": f"sessions/{w.session.pk}/calendrier/"},
        get=("format",),
    ),
    Endpoint("formations:session_ics", kwargs=lambda w: {"pk": w.session.pk}),
    Endpoint("formations:agenda_prive", kwargs=lambda w: {"jeton": "abc"}),
    Endpoint("formations:agenda_lien", "membre", post=("revoquer", "suivant")),
    Endpoint(
        "formations:emargement",
        "formateur",
        lambda w: {"pk": w.session.pk, "creneau_pk": w.creneau.pk},
        post=("presents",),
    ),
    Endpoint("formations:session_evaluations", "formateur", lambda w: {"pk": w.session.pk}),
    Endpoint("formations:attestation_telecharger", "membre", lambda w: {"pk": w.session.pk}),
    Endpoint("formations:attestation_verifier", kwargs=lambda w: {"code": "ABC"}),
    Endpoint(
        "formations:evaluation",
        "membre",
        lambda w: {"pk": w.session.pk, "type_": "satisfaction"},
        post=("note_globale", "note_utilite", "usage", "commentaire"),
    ),
    Endpoint(
        "formations:programme_indicateurs",
        "editeur",
        lambda w: {"pk": w.programme.pk},
        get=("format",),
    ),
    Endpoint("formations:session_inscription", "externe", lambda w: {"pk": w.session.pk}),
    Endpoint("formations:session_annulation", "membre", lambda w: {"pk": w.autre_session.pk}),
    # analyse_pratiques
    Endpoint("analyse_pratiques:mes_groupes", "membre"),
    Endpoint("analyse_pratiques:agenda_lien", "membre", post=("revoquer",)),
    Endpoint("analyse_pratiques:agenda", kwargs=lambda w: {"jeton": "abc"}),
    Endpoint("analyse_pratiques:groupe", "membre", _g),
    Endpoint("analyse_pratiques:charte", "nouveau", _g, post=("accepte",)),
    Endpoint("analyse_pratiques:decliner", "nouveau", _g),
    Endpoint(
        "analyse_pratiques:groupe_creer",
        "animateur_groupe",
        post=("nom", "methode", "taille_min", "taille_max", "description", "texte_charte"),
    ),
    Endpoint("analyse_pratiques:candidater", "externe", _g),
    Endpoint("analyse_pratiques:quitter", "partant", _g),
    Endpoint("analyse_pratiques:animation", "animateur_groupe", _g),
    Endpoint("analyse_pratiques:inviter", "animateur_groupe", _g, post=("email",)),
    Endpoint("analyse_pratiques:charte_publier", "animateur_groupe", _g, post=("texte",)),
    Endpoint("analyse_pratiques:planifier", "animateur_groupe", _g, post=("date",)),
    Endpoint(
        "analyse_pratiques:approuver",
        "animateur_groupe",
        lambda w: {**_g(w), "user_id": w.candidat.pk},
    ),
    Endpoint(
        "analyse_pratiques:retirer",
        "animateur_groupe",
        lambda w: {**_g(w), "user_id": w.partant.pk},
    ),
    Endpoint("analyse_pratiques:seance", "membre", _s),
    Endpoint("analyse_pratiques:seance_etat", "membre", _s),
    Endpoint("analyse_pratiques:seance_ics", "membre", _s),
    Endpoint("analyse_pratiques:seance_roles", "animateur_groupe", _s, post=("client", "scribe")),
    *[
        Endpoint(f"analyse_pratiques:seance_{action}", "animateur_groupe", _s, post=("minutes",))
        for action in ("ouvrir", "avancer", "pause", "reprendre", "prolonger", "terminer")
    ],
    *[
        Endpoint(f"analyse_pratiques:{quoi}", "membre", _s, post=("texte",))
        for quoi in ("question", "plan", "apprentissage", "note")
    ],
    Endpoint("analyse_pratiques:evaluation", "membre", _s, post=("utilite", "commentaire")),
    Endpoint(
        "analyse_pratiques:cas_proposer",
        "membre",
        _s,
        post=("titre", "situation", "questions", "tentatives", "resultat", "enseignements")
        + ("consentement",),
    ),
    Endpoint("analyse_pratiques:cas", "membre", _cas),
    Endpoint(
        "analyse_pratiques:cas_modifier",
        "membre",
        _cas,
        post=("titre", "situation", "questions", "tentatives", "resultat", "enseignements"),
    ),
    Endpoint("analyse_pratiques:cas_signal_remplacer", "membre", _cas, post=("nature", "texte")),
    Endpoint(
        "analyse_pratiques:cas_signal_ecarter", "membre", _cas, post=("nature", "texte", "motif")
    ),
    Endpoint("analyse_pratiques:cas_signaux_remplacer_tous", "membre", _cas),
    Endpoint("analyse_pratiques:cas_soumettre", "membre", _cas, post=("nom", "lieu", "date")),
    Endpoint("analyse_pratiques:cas_relire", "animateur_groupe", _cas, post=("decision",)),
    Endpoint("analyse_pratiques:cas_retirer", "membre", _cas),
]
BY_NAME = {endpoint.name: endpoint for endpoint in ENDPOINTS}


def _project_patterns():
    """(name, pattern) of every URL of the project's own views outside the admin areas, the
    catalogue page's routes included."""
    from formations.models import CatalogueIndexPage

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(tuple(EXCLUDED_PREFIXES)):
                continue
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                yield from walk(
                    pattern.url_patterns,
                    route,
                    f"{namespace}:{inner}" if namespace and inner else (inner or namespace),
                )
            elif pattern.name:
                yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern

    yield from walk(get_resolver().url_patterns, "", None)
    for pattern in CatalogueIndexPage.get_subpage_urls():
        yield f"catalogue:{pattern.name}", pattern


def test_every_url_of_the_project_is_fuzzed():
    names = {name for name, _pattern in _project_patterns()}
    missing = sorted(names - set(BY_NAME) - set(EXCLUDED))
    assert not missing, f"add these URL names to ENDPOINTS (or EXCLUDED, with a reason): {missing}"
    stale = sorted(set(BY_NAME) - names)
    assert not stale, f"these ENDPOINTS no longer exist: {stale}"


def test_project_urls_use_the_bounded_id_converter():
    """`<int:>` lets a 26-digit id through to PostgreSQL (bigint overflow, a 500)."""
    offenders = [
        str(pattern.pattern)
        for _name, pattern in _project_patterns()
        if any(isinstance(c, IntConverter) for c in pattern.pattern.converters.values())
    ]
    assert not offenders, f"use <id:…> instead of <int:…> in {offenders}"


# ---------------------------------------------------------------------------- the world


def _build_world() -> SimpleNamespace:
    from wagtail.models import Locale, Page, Site

    from analyse_pratiques.factories import AdhesionFactory as AdhesionGroupeFactory
    from analyse_pratiques.factories import (
        CasProposeFactory,
        GroupeFactory,
        SeanceFactory,
    )
    from analyse_pratiques.models import Adhesion as AdhesionGroupe
    from communautes.factories import (
        AdhesionFactory,
        AnimateurFactory,
        CommunauteFactory,
        EvenementFactory,
        NotificationFactory,
        PublicationFactory,
        ReponseFactory,
        SignalementFactory,
    )
    from communautes.models import Adhesion
    from formations.factories import (
        CatalogueIndexPageFactory,
        InscriptionFactory,
        ProgrammePageFactory,
        SessionDateFactory,
        SessionFactory,
    )
    from maillage.factories import (
        CommuneFactory,
        HomePageFactory,
        ProfilFactory,
        ReseauFactory,
        StructureFactory,
        TerritoireFactory,
        ThematiqueFactory,
        UserFactory,
    )
    from maillage.models import HomePage
    from ressources.factories import OutilPageFactory

    if not HomePage.objects.exists():
        Locale.objects.get_or_create(language_code="fr")
        root = Page.get_first_root_node()
        home = HomePageFactory(parent=root, slug="accueil")
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"hostname": "localhost", "root_page": home, "site_name": "Maillage"},
        )
    region = TerritoireFactory(code="84", nom="Auvergne-Rhône-Alpes")
    departement = TerritoireFactory(departement=True, code="69", nom="Rhône", parent=region)
    commune = CommuneFactory(code_insee="69123", nom="Lyon", departement=departement)
    reseau = ReseauFactory(nom="Mission locale", slug="mission-locale")
    ThematiqueFactory(nom="Accueil", slug="accueil")
    structure = StructureFactory(nom="Mission locale de Lyon", reseau=reseau, commune=commune)

    def user(username):
        u = UserFactory(username=username)
        ProfilFactory(user=u, structure=structure)
        return u

    w = SimpleNamespace(structure=structure)
    w.users = {
        role: user(f"fuzz-{role}")
        for role in ("membre", "animateur", "externe", "formateur", "editeur", "animateur_groupe")
        + ("nouveau", "partant", "candidat")
    }
    w.communaute = CommunauteFactory(slug="fuzz-communaute")
    w.autre_communaute = CommunauteFactory(slug="fuzz-autre")
    for communaute in (w.communaute, w.autre_communaute):
        AnimateurFactory(communaute=communaute, user=w.users["animateur"])
    AdhesionFactory(communaute=w.communaute, user=w.users["membre"])
    AdhesionFactory(communaute=w.communaute, etat=Adhesion.Etat.DEMANDEE)
    w.publication = PublicationFactory(communaute=w.communaute, auteur=w.users["membre"])
    w.reponse = ReponseFactory(publication=w.publication, auteur=w.users["animateur"])
    SignalementFactory(publication=w.publication)
    w.evenement = EvenementFactory(
        publication=PublicationFactory(
            communaute=w.communaute, auteur=w.users["animateur"], nature="evenement"
        )
    )
    w.notification = NotificationFactory(destinataire=w.users["membre"])

    w.catalogue = CatalogueIndexPageFactory()
    w.programme = ProgrammePageFactory()
    w.session = SessionFactory()
    w.session.formateurs.add(w.users["formateur"])
    w.creneau = SessionDateFactory(session=w.session)
    InscriptionFactory(session=w.session, user=w.users["membre"])
    w.autre_session = SessionFactory()
    InscriptionFactory(session=w.autre_session, user=w.users["membre"])
    w.outil = OutilPageFactory()

    w.groupe = GroupeFactory(slug="fuzz-groupe", animateur=w.users["animateur_groupe"])
    for role in ("membre", "partant"):
        AdhesionGroupeFactory(groupe=w.groupe, user=w.users[role], accepte=True)
    AdhesionGroupeFactory(groupe=w.groupe, user=w.users["nouveau"])
    AdhesionGroupeFactory(
        groupe=w.groupe, user=w.users["candidat"], etat=AdhesionGroupe.Etat.CANDIDAT
    )
    w.candidat, w.partant = w.users["candidat"], w.users["partant"]
    w.seance = SeanceFactory(groupe=w.groupe)
    w.cas = CasProposeFactory(seance=w.seance, client=w.users["membre"])
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once, inside a transaction rolled back at the end: other modules see nothing."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# ---------------------------------------------------------------------------- the fuzzing

STATS = {"requests": 0, "endpoints": set()}


def _client(world, role: str) -> Client:
    client = Client(raise_request_exception=False)
    if role != "anonyme":
        client.force_login(world.users[role])
    return client


def _send(client, method: str, url: str, data) -> None:
    """One request; a 5xx, or an English message where French is due, fails the test."""
    response = client.post(url, data) if method == "POST" else client.get(url, data)
    STATS["requests"] += 1
    context = f"{method} {url} {data!r:.300}"
    assert response.status_code < 500, f"{response.status_code} on {context}"
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    if response.get("Content-Type", "").startswith("text/html"):
        texts.append(response.content.decode(errors="replace"))
    for text in texts:
        assert not ENGLISH.search(text), f"English message on {context}: {text[:300]!r}"


value = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.lists(st.sampled_from(HOSTILE[:7]), min_size=2, max_size=3),
)


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_no_server_error_on_hostile_input(endpoint, world):
    client = _client(world, endpoint.role)
    url = endpoint.url(world)
    fields = {"POST": endpoint.post, "GET": endpoint.get}
    STATS["endpoints"].add(endpoint.name)

    for method in endpoint.methods:
        _send(client, method, url, {})
        for name, hostile in itertools.product(fields[method], HOSTILE):
            _send(client, method, url, {**endpoint.valid(world), name: hostile})

    names = [n for m in endpoint.methods for n in fields[m]]
    if not names:
        return
    methods = [m for m in endpoint.methods if fields[m]]

    @settings(
        max_examples=8,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(
        method=st.sampled_from(methods),
        data=st.dictionaries(st.sampled_from(names), value, min_size=1, max_size=4),
    )
    def fuzz(method, data):
        _send(client, method, url, data)

    fuzz()


@pytest.mark.django_db
def test_ids_beyond_bigint_in_urls_are_not_found(world):
    """A 26-digit id in any URL is a 404, never a database overflow."""
    checked = 0
    for endpoint in ENDPOINTS:
        kwargs = endpoint.kwargs(world)
        ids = [k for k, v in kwargs.items() if isinstance(v, int)]
        if not ids:
            continue
        url = endpoint.url(world)
        for key in ids:
            huge_url = url.replace(f"/{kwargs[key]}/", f"/{HUGE}/", 1)
            assert huge_url != url, url
            client = _client(world, endpoint.role)
            for method in endpoint.methods:
                response = getattr(client, method.lower())(huge_url)
                STATS["requests"] += 1
                assert response.status_code == 404, f"{response.status_code} on {method} {huge_url}"
                checked += 1
    assert checked > 30


def test_zz_report_fuzz_figures(capsys):
    """Print the figures of this run (requests sent, endpoints covered, server errors)."""
    with capsys.disabled():
        sys.stdout.write(
            f"\nfuzz: {STATS['requests']} requests, {len(STATS['endpoints'])} endpoints\n"
        )
