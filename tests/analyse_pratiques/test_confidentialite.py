"""Nothing of a group reaches anyone outside it: every URL, the WebSocket, the API, the admin,
the calendars and the dashboard.

The walk covers every pattern of `analyse_pratiques.urls`; a new pattern without an expected
answer here makes the test fail.
"""

import pytest
from django.contrib import admin
from django.urls import URLPattern, reverse

import analyse_pratiques.urls
from analyse_pratiques import services
from analyse_pratiques.consumers import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED
from analyse_pratiques.factories import (
    ApprentissageFactory,
    CasProposeFactory,
    NoteTravailFactory,
    PlanActionFactory,
    QuestionConsultationFactory,
    SeanceFactory,
)
from analyse_pratiques.models import (
    AcceptationCharte,
    Adhesion,
    CasPropose,
    Charte,
    NoteTravail,
    Seance,
)
from maillage.models import JetonCalendrier
from maillage.services import calendar_token_create
from tests.websocket import seance_path

# Who is asking. "staff" is an administrator with two-factor authentication, not a member.
OUTSIDERS = ["exterieur", "ancien", "retire", "staff"]
ALL = ["anonyme", *OUTSIDERS, "invite", "non_accepte", "membre", "animateur"]

LOGIN = "login"
CHARTE = "charte"  # redirected to the charter page
POST_ONLY = 405

# Expected GET answer per URL name and per person; anything not listed is 404
# (anonymous people are always sent to the login page).
GET_ALLOWED = {
    "mes_groupes": {p: 200 for p in ALL if p != "anonyme"},
    # Only facilitators (role Animateur) and staff create groups; the group's own facilitator
    # here holds no such role.
    "groupe_creer": {p: 403 for p in ALL if p != "anonyme"} | {"staff": 200},
    # An invited person sees the invitation: the group's name, description and charter.
    "groupe": {"membre": 200, "animateur": 200, "non_accepte": CHARTE, "invite": 200},
    "charte": {"membre": 200, "animateur": 200, "non_accepte": 200, "invite": 200},
    "animation": {"animateur": 200},
    "seance": {"membre": 200, "animateur": 200, "non_accepte": CHARTE},
    "seance_etat": {"membre": 200, "animateur": 200, "non_accepte": CHARTE},
    # "membre" is the client of the séance; the facilitator may not propose in their name.
    "cas_proposer": {"membre": 200, "animateur": 403, "non_accepte": CHARTE},
    "cas": {"membre": 200, "animateur": 200, "non_accepte": CHARTE},
    # Only the client edits the draft.
    "cas_modifier": {"membre": 200, "animateur": 403, "non_accepte": CHARTE},
    "seance_ics": {"membre": 200, "animateur": 200, "non_accepte": CHARTE},
    # The private feed, fetched with the asker's own secret: everyone with an account may have
    # one, and the walk checks below what it holds. Without a secret it is 404.
    "agenda": {p: 200 for p in ALL if p != "anonyme"},
}
# URLs opened by a secret in the URL instead of a session (calendar apps cannot sign in).
TOKEN_NAMES = {"agenda"}
# What a POST gets when it is not refused: one's own feed link, made or revoked.
POST_OWN = {"mes_groupes": 200, "agenda_lien": 302, "agenda": POST_ONLY}
POST_ONLY_NAMES = {
    "candidater",
    "quitter",
    "decliner",
    "inviter",
    "charte_publier",
    "planifier",
    "approuver",
    "retirer",
    "seance_roles",
    "seance_ouvrir",
    "seance_avancer",
    "seance_pause",
    "seance_reprendre",
    "seance_prolonger",
    "seance_terminer",
    "question",
    "plan",
    "apprentissage",
    "note",
    "evaluation",
    "cas_soumettre",
    "cas_relire",
    "cas_retirer",
    "cas_signal_remplacer",
    "cas_signaux_remplacer_tous",
    "cas_signal_ecarter",
    "agenda_lien",
}


@pytest.fixture
def monde(gens, groupe, staff_user_totp):
    """A running séance with everything a group keeps, and the people around it."""
    precedente = SeanceFactory(groupe=groupe, client=gens.autre_membre)
    PlanActionFactory(
        seance=precedente, auteur=gens.autre_membre, texte="Plan secret de la séance passée"
    )
    seance = SeanceFactory(groupe=groupe)
    services.seance_roles(user=gens.animateur, seance=seance, client=gens.membre)
    seance = services.seance_open(user=gens.animateur, seance=seance)
    QuestionConsultationFactory(seance=seance, auteur=gens.membre, texte="Question secrète")
    ApprentissageFactory(seance=seance, auteur=gens.autre_membre, texte="Apprentissage secret")
    NoteTravailFactory(seance=seance, auteur=gens.autre_membre, texte="Note secrète")
    cas = CasProposeFactory(seance=seance, client=gens.membre, situation="Situation du cas secret")
    gens.staff = staff_user_totp
    jetons = {
        qui: calendar_token_create(user=getattr(gens, qui), flux=JetonCalendrier.Flux.SEANCES)
        for qui in ALL
        if qui != "anonyme"
    }
    secrets = [
        groupe.nom,
        groupe.slug,
        groupe.description,
        Charte.objects.get(groupe=groupe).texte,
        "Plan secret de la séance passée",
        "Question secrète",
        "Apprentissage secret",
        "Note secrète",
        "Situation du cas secret",
        gens.animateur.last_name,
        *[user.last_name for user in groupe.membres],
    ]
    # Secrets a member who has not accepted the charter must not see either (they know the
    # group's name and charter, which they were invited to).
    contenu = secrets[4:]
    return {
        "gens": gens,
        "groupe": groupe,
        "seance": seance,
        "cas": cas,
        "secrets": secrets,
        "contenu": contenu,
        "jetons": jetons,
    }


def _kwargs(pattern: URLPattern, monde, qui: str = "anonyme") -> dict:
    values = {
        "slug": monde["groupe"].slug,
        "pk": monde["seance"].pk,
        "user_id": monde["gens"].invite.pk,
        "cas_pk": monde["cas"].pk,
        "jeton": monde["jetons"].get(qui, "jeton-inconnu"),
    }
    return {name: values[name] for name in pattern.pattern.converters}


def _missing_kwargs(pattern: URLPattern) -> dict:
    values = {
        "slug": "groupe-qui-n-existe-pas",
        "pk": 999_999,
        "user_id": 999_999,
        "cas_pk": 999_999,
        "jeton": "jeton-inconnu",
    }
    return {name: values[name] for name in pattern.pattern.converters}


def _client_for(client, monde, qui):
    client.logout()
    if qui != "anonyme":
        client.force_login(getattr(monde["gens"], qui))
    return client


def _answer(response) -> object:
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("account_login")):
            return LOGIN
        if location.endswith("/charte/"):
            return CHARTE
        return ("302", location)
    return response.status_code


def _snapshot(groupe) -> tuple:
    return (
        sorted(Adhesion.objects.filter(groupe=groupe).values_list("user_id", "etat")),
        sorted(Seance.objects.filter(groupe=groupe).values_list("pk", "etat", "phase_index")),
        Charte.objects.filter(groupe=groupe).count(),
        AcceptationCharte.objects.count(),
        NoteTravail.objects.count(),
        sorted(CasPropose.objects.values_list("pk", "etat")),
    )


def _patterns():
    return [p for p in analyse_pratiques.urls.urlpatterns if isinstance(p, URLPattern)]


def test_every_url_has_an_expected_answer():
    names = {p.name for p in _patterns()}
    assert names == set(GET_ALLOWED) | POST_ONLY_NAMES


@pytest.mark.parametrize("qui", ALL)
def test_walk_every_url_with_get(client, monde, qui):
    client = _client_for(client, monde, qui)
    for pattern in _patterns():
        url = reverse(f"analyse_pratiques:{pattern.name}", kwargs=_kwargs(pattern, monde, qui))
        if qui == "anonyme" and pattern.name in TOKEN_NAMES:
            expected = 404
        elif qui == "anonyme":
            expected = LOGIN
        elif pattern.name in POST_ONLY_NAMES:
            expected = POST_ONLY
        else:
            expected = GET_ALLOWED[pattern.name].get(qui, 404)
        response = client.get(url)
        assert _answer(response) == expected, (qui, url)
        body = response.content.decode()
        if qui in ("anonyme", *OUTSIDERS):
            for secret in monde["secrets"]:
                assert secret not in body, (qui, url, secret)
        elif qui in ("invite", "non_accepte"):
            for secret in monde["contenu"]:
                assert secret not in body, (qui, url, secret)
        if pattern.name == "agenda":
            # Only a participant's feed has séances; a former member's secret gives none.
            participant = qui in ("membre", "animateur")
            assert ("BEGIN:VEVENT" in body) == participant, (qui, url)
            assert (monde["groupe"].nom in body) == participant, (qui, url)
        # An outsider cannot tell an existing group or séance from one that does not exist
        # (a secret is no group's: an unknown one is 404, one's own an empty calendar).
        if qui in OUTSIDERS and pattern.pattern.converters and pattern.name not in TOKEN_NAMES:
            missing = reverse(f"analyse_pratiques:{pattern.name}", kwargs=_missing_kwargs(pattern))
            assert _answer(client.get(missing)) == expected, (qui, url)


@pytest.mark.parametrize("qui", [*OUTSIDERS, "anonyme"])
def test_walk_every_url_with_post_changes_nothing(client, monde, qui):
    client = _client_for(client, monde, qui)
    groupe = monde["groupe"]
    before = _snapshot(groupe)
    data = {"texte": "intrusion", "email": "x@exemple.fr", "utilite": "5", "minutes": "5"}
    data |= {"accepte": "oui", "date": "2030-01-01T10:00", "client": monde["gens"].membre.pk}
    for pattern in _patterns():
        url = reverse(f"analyse_pratiques:{pattern.name}", kwargs=_kwargs(pattern, monde, qui))
        response = client.post(url, data)
        if qui == "anonyme" and pattern.name not in TOKEN_NAMES:
            assert _answer(response) == LOGIN, url
            continue
        if pattern.name == "groupe_creer":
            # Outsiders are refused; staff may create groups, and this form has no name.
            assert response.status_code == (200 if qui == "staff" else 403), (qui, url)
        elif pattern.name in POST_OWN:
            assert response.status_code == POST_OWN[pattern.name], (qui, url)
        else:
            assert response.status_code == 404, (qui, url, response.status_code)
        body = response.content.decode()
        for secret in monde["secrets"]:
            assert secret not in body, (qui, url, secret)
    assert _snapshot(groupe) == before


def test_member_cannot_use_facilitator_or_client_controls(client, monde):
    """A member (not the client) is refused the facilitator's and the client's writes."""
    gens, groupe, seance = monde["gens"], monde["groupe"], monde["seance"]
    client.force_login(gens.autre_membre)
    before = _snapshot(groupe)
    facilitator = {"inviter", "charte_publier", "planifier", "approuver", "retirer"}
    for pattern in _patterns():
        if pattern.name not in POST_ONLY_NAMES or pattern.name in {
            "apprentissage",
            "note",
            "evaluation",
            "candidater",
            "quitter",
            "cas_relire",
            "cas_signal_ecarter",
            "agenda_lien",
        }:
            continue
        url = reverse(f"analyse_pratiques:{pattern.name}", kwargs=_kwargs(pattern, monde))
        response = client.post(url, {"texte": "x", "minutes": "5", "client": gens.autre_membre.pk})
        # A member has no invitation to decline: the page does not exist for them.
        expected = 404 if pattern.name in {*facilitator, "decliner"} else 403
        assert response.status_code == expected, (url, response.status_code)
    assert _snapshot(groupe) == before
    assert Seance.objects.get(pk=seance.pk).client_id == gens.membre.pk


def test_unlisted_group_not_in_the_list_of_groups_open_to_applications(client, monde):
    groupe = monde["groupe"]
    client.force_login(monde["gens"].exterieur)
    response = client.get(reverse("analyse_pratiques:mes_groupes"))
    assert groupe.nom not in response.content.decode()
    groupe.non_liste = False
    groupe.save()
    response = client.get(reverse("analyse_pratiques:mes_groupes"))
    body = response.content.decode()
    # A listed group shows its name and description to invite applications, nothing more.
    assert groupe.nom in body
    for secret in monde["secrets"][3:]:
        assert secret not in body


@pytest.mark.parametrize("qui", [*OUTSIDERS, "invite", "non_accepte"])
def test_dashboard_and_api_reveal_nothing(client, monde, qui):
    client.force_login(getattr(monde["gens"], qui))
    body = client.get(reverse("dashboard")).content.decode()
    hidden = monde["secrets"] if qui in OUTSIDERS else monde["contenu"]
    for secret in hidden:
        assert secret not in body, (qui, secret)
    # Those who may not enter see no séance, not even its date.
    assert reverse("analyse_pratiques:seance", args=[monde["seance"].pk]) not in body
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    for path, operations in schema.json()["paths"].items():
        if "get" not in operations:
            continue
        url = path
        for name in ("id", "pk", "slug"):
            url = url.replace("{" + name + "}", "1")
        if "{" in url:
            continue
        response = client.get(url, {"q": "Codev confidentiel"})
        body = response.content.decode()
        for secret in hidden:
            assert secret not in body, (url, secret)


def test_dashboard_shows_the_group_to_its_participants(client, monde):
    """The counterpart of the walk: the same dashboard does show members their group."""
    for qui in ("membre", "animateur"):
        client.force_login(getattr(monde["gens"], qui))
        body = client.get(reverse("dashboard")).content.decode()
        assert monde["groupe"].nom in body, qui
        # The séance is running: the block links straight to it.
        assert reverse("analyse_pratiques:seance", args=[monde["seance"].pk]) in body, qui


def test_admin_lists_no_group_to_staff(client, monde, home_page, mfa_login):
    """Neither Django admin nor Wagtail admin know of groups; search never indexes them."""
    from wagtail.search.index import Indexed
    from wagtail.snippets.models import get_snippet_models

    from analyse_pratiques.apps import AnalysePratiquesConfig

    app_label = AnalysePratiquesConfig.name
    assert not [m for m in admin.site._registry if m._meta.app_label == app_label]
    assert not [m for m in get_snippet_models() if m._meta.app_label == app_label]
    from django.apps import apps

    for model in apps.get_app_config(app_label).get_models():
        assert not issubclass(model, Indexed), model

    from wagtail.search.backends import get_search_backend

    # Wagtail's own page index, in this run's prefix, may not exist yet when this test runs
    # first: create it (empty) so that the admin's page search answers.
    get_search_backend().reset_indexes()
    staff = monde["gens"].staff
    staff.is_superuser = True
    staff.save()
    mfa_login(client, staff)
    for url in ("/django-admin/", "/admin/", "/admin/snippets/", "/admin/pages/search/"):
        # The query words are echoed back: search for part of the name, never all of it.
        response = client.get(url, {"q": "confidentiel"})
        assert response.status_code == 200, url
        body = response.content.decode()
        for secret in monde["secrets"]:
            assert secret not in body, (url, secret)
    assert client.get(f"/django-admin/{app_label}/groupe/").status_code == 404


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("qui", "expected"),
    [
        ("anonyme", CLOSE_UNAUTHENTICATED),
        ("exterieur", CLOSE_FORBIDDEN),
        ("ancien", CLOSE_FORBIDDEN),
        ("retire", CLOSE_FORBIDDEN),
        ("staff", CLOSE_FORBIDDEN),
        ("invite", CLOSE_FORBIDDEN),
        ("non_accepte", CLOSE_FORBIDDEN),
        ("membre", None),
        ("animateur", None),
    ],
)
async def test_websocket_route(ws, monde, qui, expected):
    user = None if qui == "anonyme" else getattr(monde["gens"], qui)
    communicator, connected, code = await ws.open(seance_path(monde["seance"].pk), user)
    if expected is None:
        assert connected
        state = await communicator.receive_json_from(timeout=2)
        assert state["type"] == "etat"
        assert state["phase"]["index"] == 0
        await communicator.disconnect()
    else:
        assert not connected
        assert code == expected
        # Same answer for a séance that does not exist.
        _c, connected, code = await ws.open(seance_path(999_999), user)
        assert not connected
        assert code == expected
