"""The inter-network mix figures: per session and group, for the région's indicators and
exports, for counsellors (dashboard, digest) and on the sessions API."""

import datetime
import io
from types import SimpleNamespace

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from ninja.testing import TestClient
from openpyxl import load_workbook

from communautes.notifications.digest import digest_send
from formations import mixite, selectors
from formations.api import router
from formations.factories import (
    CatalogueIndexPageFactory,
    FormationPageFactory,
    InscriptionFactory,
    ProgrammePageFactory,
    RegionPageFactory,
    SessionFactory,
)
from formations.models import CatalogueIndexPage, Inscription, Session
from maillage import mixite as reseaux
from maillage import roles
from maillage.factories import (
    CommuneFactory,
    ProfilFactory,
    ReseauFactory,
    StructureFactory,
    TerritoireFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
Etat = Inscription.Etat
DANS_UN_MOIS = datetime.date.today() + datetime.timedelta(days=30)


def personne(structure=None):
    """An account whose profile points at `structure` (none: réseau unknown)."""
    user = UserFactory()
    ProfilFactory(user=user, structure=structure)
    return user


def inscrire(session, structure, *, n=1, etat=Etat.CONFIRMEE):
    for _ in range(n):
        InscriptionFactory(session=session, user=personne(structure), etat=etat)


@pytest.fixture
def monde():
    """A région of three départements, four réseaux and a programme of four sessions.

    - A (Rhône): Mission locale, France Travail, Orientation CIO, one each — mixed; a
      pending and a waitlisted Mission locale person, who do not count.
    - B (Rhône, full): 3 Mission locale, 1 France Travail — not mixed (75 %).
    - C (Ain): 1 Cap emploi, 1 Mission locale, 1 person without structure — not mixed.
    - D (remote, no commune): nobody yet.
    France Travail has a structure in the Ain; Isère has no structure at all."""
    region = TerritoireFactory(code="84", nom="Auvergne-Rhône-Alpes")
    rhone = TerritoireFactory(departement=True, code="69", nom="Rhône", parent=region)
    ain = TerritoireFactory(departement=True, code="01", nom="Ain", parent=region)
    isere = TerritoireFactory(departement=True, code="38", nom="Isère", parent=region)
    lyon = CommuneFactory(departement=rhone, nom="Lyon")
    bourg = CommuneFactory(departement=ain, nom="Bourg-en-Bresse")
    cap = ReseauFactory(nom="Cap emploi", slug="cap-emploi")
    ft = ReseauFactory(nom="France Travail", slug="france-travail")
    ml = ReseauFactory(nom="Mission locale", slug="mission-locale")
    cio = ReseauFactory(nom="Orientation CIO", slug="cio")
    ml69 = StructureFactory(reseau=ml, commune=lyon)
    ft69 = StructureFactory(reseau=ft, commune=lyon)
    cio69 = StructureFactory(reseau=cio, commune=lyon)
    cap01 = StructureFactory(reseau=cap, commune=bourg)
    ml01 = StructureFactory(reseau=ml, commune=bourg)
    ft01 = StructureFactory(reseau=ft, commune=bourg)

    CatalogueIndexPageFactory()
    region_page = RegionPageFactory(territoire=region, slug="ara")
    programme = ProgrammePageFactory(parent=region_page, slug="programme-ara")
    formation = FormationPageFactory(parent=programme, title="Accueillir les publics")

    def session(jours, commune, capacite, ville):
        debut = DANS_UN_MOIS + datetime.timedelta(days=jours)
        return SessionFactory(
            formation=formation,
            date_debut=debut,
            date_fin=debut,
            commune=commune,
            ville=ville,
            capacite=capacite,
        )

    a = session(0, lyon, 6, "Lyon")
    for structure in (ml69, ft69, cio69):
        inscrire(a, structure)
    inscrire(a, ml69, etat=Etat.EN_ATTENTE_VALIDATION)
    inscrire(a, ml69, etat=Etat.LISTE_ATTENTE)
    inscrire(a, ft69, etat=Etat.ANNULEE)
    b = session(1, lyon, 4, "Lyon")
    inscrire(b, ml69, n=3)
    inscrire(b, ft69)
    c = session(2, bourg, 10, "Bourg-en-Bresse")
    inscrire(c, cap01)
    inscrire(c, ml01)
    inscrire(c, None)
    d = session(3, None, 5, "")
    # Another région's programme counts nowhere here.
    autre = ProgrammePageFactory(
        parent=RegionPageFactory(territoire=TerritoireFactory(code="53", nom="Bretagne")),
        slug="programme-bzh",
    )
    inscrire(SessionFactory(formation=FormationPageFactory(parent=autre)), cap01, n=4)
    return SimpleNamespace(**locals())


def test_session_mix_counts_confirmed_participants_in_one_query(monde, django_assert_num_queries):
    with django_assert_num_queries(1):
        mixes = mixite.sessions_reseaux_mix(
            session_ids=[monde.a.pk, monde.b.pk, monde.c.pk, monde.d.pk]
        )
    a, b, c, d = (mixes[s.pk] for s in (monde.a, monde.b, monde.c, monde.d))
    assert (a.participants, a.reseaux, a.part_premier_pct, a.mixte) == (3, 3, 33, True)
    assert [(p.nom, p.participants) for p in b.par_reseau] == [
        ("Mission locale", 3),
        ("France Travail", 1),
    ]
    assert (b.part_premier_pct, b.mixte) == (75, False)
    assert (c.participants, c.non_renseigne, c.reseaux, c.part_premier_pct) == (3, 1, 2, 50)
    assert (d.participants, d.reseaux, d.part_premier, d.mixte) == (0, 0, None, False)
    assert mixite.session_reseaux_mix(session=monde.a) == a


def test_under_represented_means_below_an_even_split():
    def mix(*comptes):
        return reseaux.Mix(
            participants=sum(comptes),
            par_reseau=[
                reseaux.PartReseau(pk, f"R{pk}", f"r{pk}", n) for pk, n in enumerate(comptes, 1)
            ],
        )

    assert mix(6).sous_represente(2)  # absent, among one other réseau
    assert not mix(3, 3).sous_represente(1)  # exactly half of two
    assert mix(4, 1, 1).sous_represente(2)  # 1 of 6, below a third
    assert not mix(2, 2, 2).sous_represente(3)
    assert not reseaux.Mix().sous_represente(1)  # nobody to meet
    assert not mix(6).sous_represente(None)


def test_programme_figures_on_a_known_dataset(monde, django_assert_max_num_queries):
    sessions = selectors.programme_indicators(programme=monde.programme)
    with django_assert_max_num_queries(7):
        chiffres = mixite.programme_mixite(programme=monde.programme, sessions=sessions)
    assert [(t.code, t.sessions, t.mixtes, t.part_mixtes) for t in chiffres.territoires] == [
        ("01", 1, 0, 0),
        ("69", 2, 1, 50),
        ("", 1, 0, 0),
    ]
    assert (chiffres.sessions, chiffres.mixtes, chiffres.part_mixtes) == (4, 1, 25)
    assert [(d.code, [(r.nom, n) for r, n in d.reseaux]) for d in chiffres.non_touches] == [
        ("01", [("France Travail", 1), ("Orientation CIO", 0)]),
        (
            "38",
            [
                ("Cap emploi", 0),
                ("France Travail", 0),
                ("Mission locale", 0),
                ("Orientation CIO", 0),
            ],
        ),
        ("69", [("Cap emploi", 0)]),
    ]
    # A lacks no réseau of the Rhône and B is full; C lacks France Travail, set in the Ain;
    # D, remote, lacks every réseau set in the région.
    assert [
        (a.session.pk, a.places_restantes, a.territoire, [r.nom for r in a.reseaux])
        for a in chiffres.a_promouvoir
    ] == [
        (monde.c.pk, 7, "Ain (01)", ["France Travail"]),
        (
            monde.d.pk,
            5,
            "Auvergne-Rhône-Alpes",
            ["Cap emploi", "France Travail", "Mission locale", "Orientation CIO"],
        ),
    ]


@pytest.fixture
def editeur(monde):
    user = UserFactory()
    roles.role_assign(user=user, role=roles.EDITEUR_REGIONAL, region=monde.region)
    return user


def url_indicateurs(programme) -> str:
    return f"/catalogue/programmes/{programme.pk}/indicateurs/"


def test_indicators_page_charts_and_tables(client, monde, editeur):
    client.force_login(editeur)
    html = client.get(url_indicateurs(monde.programme)).content.decode()
    assert "<dt>Sessions mixtes</dt><dd>25 %</dd>" in html
    assert 'id="graphique-mixite-territoires"' in html
    assert "25 % des sessions du programme sont mixtes (1 sur 4)." in html
    assert "1 session mixte sur 2 (50 %)" in html
    assert 'id="graphique-mixite-sessions"' in html
    assert "1 session sur 4 réunit au moins 3 réseaux" in html
    assert "3 réseaux · le plus présent 33 % · mixité atteinte" in html
    assert "2 réseaux · le plus présent 75 % · mixité non atteinte" in html
    assert '<h2 id="tableau-non-touches">Réseaux jamais touchés</h2>' in html
    # One line per département on screen, its réseaux never reached after it.
    assert "<dt>Isère (38)</dt>" in html
    assert html.count("<dt>Isère (38)</dt>") == 1
    assert "Cap emploi, France Travail, Mission locale, Orientation CIO" in html
    # Names of people never appear, only réseaux and counts.
    for inscription in Inscription.objects.select_related("user"):
        assert inscription.user.get_full_name() not in html


def test_indicators_exports(client, monde, editeur):
    client.force_login(editeur)
    url = url_indicateurs(monde.programme)
    lignes = client.get(url, {"format": "csv"}).content.decode("utf-8-sig").splitlines()
    assert lignes[0].endswith(
        ";Participants confirmés;Réseaux représentés;Part du réseau le plus présent (%);"
        "Mixité atteinte (3 réseaux ou plus, aucun au-delà de 50 %)"
    )
    assert [ligne.split(";")[-4:] for ligne in lignes[1:]] == [
        ["3", "3", "33", "oui"],
        ["4", "2", "75", "non"],
        ["3", "2", "50", "non"],
        ["0", "0", "", "non"],
    ]
    territoires = client.get(url, {"format": "csv", "tableau": "territoires"})
    assert 'filename="programme-' in territoires["Content-Disposition"]
    assert territoires.content.decode("utf-8-sig").splitlines() == [
        "Département;Sessions;Sessions mixtes;Part mixte (%)",
        "Ain (01);1;0;0",
        "Rhône (69);2;1;50",
        "Sans lieu (à distance);1;0;0",
        "Tout le programme;4;1;25",
    ]
    inconnu = client.get(url, {"format": "csv", "tableau": "<script>"})
    assert inconnu.status_code == 200
    assert inconnu.content.decode("utf-8-sig").startswith("Formation;Début")
    classeur = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))
    assert classeur.sheetnames == [
        "Sessions",
        "Mixité par territoire",
        "Réseaux jamais touchés",
        "Sessions à promouvoir",
    ]
    promouvoir = [list(r) for r in classeur["Sessions à promouvoir"].iter_rows(values_only=True)]
    assert promouvoir[1][2:] == ["Ain (01)", 7, "France Travail"]
    assert len(promouvoir) == 3
    non_touches = list(classeur["Réseaux jamais touchés"].iter_rows(values_only=True))
    assert ("Rhône (69)", "Cap emploi", 0) in non_touches and len(non_touches) == 8


def test_indicators_cost_a_fixed_number_of_queries(client, monde, editeur):
    client.force_login(editeur)
    url = url_indicateurs(monde.programme)

    def requetes() -> int:
        with CaptureQueriesContext(connection) as capture:
            assert client.get(url).status_code == 200
        return len(capture.captured_queries)

    requetes()
    avant = requetes()
    for _ in range(3):
        session = SessionFactory(formation=monde.formation, commune=monde.bourg)
        inscrire(session, monde.ft01, n=2)
        inscrire(session, monde.ml69)
    requetes()  # caches emptied by the writes fill again
    assert requetes() == avant


def test_the_mix_on_session_cards(client, monde):
    client.force_login(personne(monde.ft69))
    html = client.get(monde.formation.url).content.decode()
    assert html.count("<dt>Mixité des réseaux</dt>") == 4
    assert "3 réseaux représentés, le plus présent : 33 % — mixité atteinte" in html
    assert "Mission locale : 3 participants (75 %)" in html
    assert "1 personne sans réseau renseigné" in html
    assert "Aucun participant confirmé pour l'instant." in html
    for inscription in Inscription.objects.select_related("user"):
        assert inscription.user.get_full_name() not in html


def test_the_catalogue_pays_one_query_for_the_mix_of_a_whole_page(client, monde):
    url = CatalogueIndexPage.objects.get().url
    client.force_login(personne(monde.ml69))  # signed in: no cached page

    def requetes() -> int:
        with CaptureQueriesContext(connection) as capture:
            reponse = client.get(url)
        assert reponse.status_code == 200
        assert "Mixité des réseaux" in reponse.content.decode()
        return len(capture.captured_queries)

    requetes()
    avant = requetes()
    for _ in range(3):
        inscrire(SessionFactory(formation=monde.formation, commune=monde.lyon), monde.ml69, n=2)
    requetes()  # caches emptied by the writes fill again
    assert requetes() == avant


# --- « rencontrez les autres réseaux » ----------------------------------------------------


@pytest.fixture
def rencontres(monde):
    """A France Travail counsellor of the Rhône, and what is around them."""
    moi = personne(monde.ft69)
    # E (Rhône): 2 Mission locale, no France Travail: suggested first (same département).
    debut = DANS_UN_MOIS + datetime.timedelta(days=10)
    e = SessionFactory(
        formation=monde.formation,
        commune=monde.lyon,
        ville="Lyon",
        date_debut=debut,
        date_fin=debut,
    )
    inscrire(e, monde.ml69, n=2)
    # F: already enrolled; G: another région; H: nobody to meet yet; I: cancelled session.
    f = SessionFactory(formation=monde.formation, commune=monde.lyon)
    inscrire(f, monde.ml69)
    InscriptionFactory(session=f, user=moi, etat=Etat.LISTE_ATTENTE)
    ailleurs = CommuneFactory(departement=TerritoireFactory(departement=True))
    g = SessionFactory(formation=monde.formation, commune=ailleurs)
    inscrire(g, monde.ml69)
    SessionFactory(formation=monde.formation, commune=monde.lyon)
    i = SessionFactory(formation=monde.formation, commune=monde.lyon, etat=Session.Etat.ANNULEE)
    inscrire(i, monde.ml69)
    return SimpleNamespace(moi=moi, e=e, f=f, g=g, i=i)


def test_sessions_where_my_network_is_under_represented(monde, rencontres):
    candidates = mixite.rencontres_candidates()
    origine = reseaux.origines(user_ids=[rencontres.moi.pk])[rencontres.moi.pk]
    suivies = mixite.sessions_suivies(
        user_ids=[rencontres.moi.pk], session_ids=[c.session_id for c in candidates]
    )[rencontres.moi.pk]
    assert suivies == {rencontres.f.pk}
    choisies = mixite.rencontres_pour(candidates, origine=origine, exclues=suivies)
    # A: France Travail is a third of three réseaux; B: full; D: remote.
    assert [r.session_id for r in choisies] == [rencontres.e.pk, monde.c.pk]


def test_a_trainer_is_not_invited_to_their_own_session(monde, rencontres):
    candidates = mixite.rencontres_candidates()
    rencontres.e.formateurs.add(rencontres.moi)
    suivies = mixite.sessions_suivies(
        user_ids=[rencontres.moi.pk], session_ids=[c.session_id for c in candidates]
    )[rencontres.moi.pk]
    assert suivies == {rencontres.f.pk, rencontres.e.pk}
    origine = reseaux.origines(user_ids=[rencontres.moi.pk])[rencontres.moi.pk]
    choisies = mixite.rencontres_pour(candidates, origine=origine, exclues=suivies)
    assert [r.session_id for r in choisies] == [monde.c.pk]


def _groupe(monde, *, non_liste, membres):
    from analyse_pratiques.factories import AdhesionFactory, GroupeFactory

    groupe = GroupeFactory(non_liste=non_liste, animateur=personne(monde.ml01))
    for structure in membres:
        AdhesionFactory(groupe=groupe, user=personne(structure))
    return groupe


def test_dashboard_section(client, monde, rencontres):
    ouvert = _groupe(monde, non_liste=False, membres=[monde.ml01, monde.cap01])
    confidentiel = _groupe(monde, non_liste=True, membres=[monde.ml01])
    equilibre = _groupe(monde, non_liste=False, membres=[monde.ft01, monde.ml01])
    client.force_login(rencontres.moi)
    html = client.get("/tableau-de-bord/").content.decode()
    debut = html.index(">Rencontrez les autres réseaux</h2>")
    bloc = html[debut : html.find("</section>", debut)]
    # E first (my département), then C (my région).
    assert bloc.index("Votre réseau : 0 sur 2 participants · 1 réseau représenté") < bloc.index(
        "Votre réseau : 0 sur 2 participants · 2 réseaux représentés"
    )
    assert bloc.index("Lyon") < bloc.index("Bourg-en-Bresse")
    assert f"/sessions/{rencontres.e.pk}/inscription/" in bloc
    assert f"/sessions/{monde.c.pk}/inscription/" in bloc
    for absente in (monde.a, monde.b, monde.d, rencontres.f, rencontres.g, rencontres.i):
        assert f"/sessions/{absente.pk}/inscription/" not in bloc
    assert ouvert.nom in bloc and f"/groupes/{ouvert.slug}/candidater/" in bloc
    assert "Votre réseau : 0 sur 2 membres · 2 réseaux représentés" in bloc
    assert confidentiel.nom not in html and confidentiel.slug not in html
    assert equilibre.nom not in bloc


def test_no_section_without_a_structure_or_anything_to_suggest(client, monde):
    client.force_login(personne(None))
    assert "Rencontrez les autres réseaux" not in client.get("/tableau-de-bord/").content.decode()
    isole = StructureFactory(reseau=monde.ft, commune=CommuneFactory())
    client.force_login(personne(isole))
    assert "Rencontrez les autres réseaux" not in client.get("/tableau-de-bord/").content.decode()


def test_digest_section_only_with_suggestions(monde, rencontres, settings):
    from communautes.factories import AdhesionFactory, PublicationFactory

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    profil = rencontres.moi.profil
    profil.frequence_resume = profil.FrequenceResume.HEBDOMADAIRE
    profil.save()
    adhesion = AdhesionFactory(user=rencontres.moi)
    PublicationFactory(communaute=adhesion.communaute, titre="Du nouveau")
    sans = personne(StructureFactory(reseau=monde.ft, commune=CommuneFactory()))
    sans.profil.frequence_resume = profil.FrequenceResume.HEBDOMADAIRE
    sans.profil.save()
    PublicationFactory(communaute=AdhesionFactory(user=sans).communaute, titre="Autre nouvelle")

    digest_send(frequence="hebdomadaire")

    messages = {m.to[0]: m for m in mail.outbox}
    texte = messages[rencontres.moi.email].body
    assert "== Rencontrez les autres réseaux ==" in texte
    section = texte[texte.index("== Rencontrez") :]
    # « 0 participant » once the French catalogue has the entry, « 0 participants » before.
    assert section.count("(votre réseau : 0 participant") == 2
    assert section.count(" sur 2) : http") == 2
    assert section.index("Lyon") < section.index("Bourg-en-Bresse")
    html = messages[rencontres.moi.email].alternatives[0][0]
    assert "Rencontrez les autres réseaux</h2>" in html
    assert "Rencontrez les autres réseaux" not in messages[sans.email].body


# --- API -----------------------------------------------------------------------------------


class Client(TestClient):
    def get(self, path, data=None, **params):
        meta = {"SERVER_NAME": "localhost", "SERVER_PORT": "80", "REMOTE_ADDR": "127.0.0.1"}
        return super().get(path, data, META=meta, **params)


def test_api_gives_the_mix_counts_only(monde):
    items = {i["id"]: i for i in Client(router).get("/?page_size=100").json()["items"]}
    assert items[monde.a.pk]["mixite"] == {
        "participants": 3,
        "reseaux": 3,
        "part_premier_reseau": 33,
        "mixite_atteinte": True,
        "non_renseigne": 0,
        "par_reseau": [
            {"reseau": "france-travail", "nom": "France Travail", "participants": 1},
            {"reseau": "mission-locale", "nom": "Mission locale", "participants": 1},
            {"reseau": "cio", "nom": "Orientation CIO", "participants": 1},
        ],
    }
    assert items[monde.c.pk]["mixite"]["non_renseigne"] == 1
    assert items[monde.d.pk]["mixite"]["part_premier_reseau"] is None


def test_api_mix_costs_the_same_for_any_number_of_sessions(monde):
    client = Client(router)

    def requetes() -> int:
        with CaptureQueriesContext(connection) as capture:
            assert client.get("/?page_size=100").status_code == 200
        return len(capture.captured_queries)

    requetes()
    avant = requetes()
    for _ in range(5):
        inscrire(SessionFactory(formation=monde.formation, commune=monde.lyon), monde.cio69, n=2)
    requetes()  # caches emptied by the writes fill again
    assert requetes() == avant


def test_openapi_document_describes_the_mix(client):
    document = client.get("/api/openapi.json").json()
    schemas = document["components"]["schemas"]
    session = schemas["SessionOut"]["properties"]
    assert "mixite" in session
    mix = schemas["MixiteOut"]["properties"]
    assert set(mix) == {
        "participants",
        "reseaux",
        "part_premier_reseau",
        "mixite_atteinte",
        "non_renseigne",
        "par_reseau",
    }
    assert set(schemas["ReseauMixOut"]["properties"]) == {"reseau", "nom", "participants"}
