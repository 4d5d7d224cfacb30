"""Private calendar feeds: one secret per user and feed, and the links handed out before the
two feeds' secrets moved into one table keep working."""

import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from analyse_pratiques.factories import GroupeFactory, SeanceFactory
from formations.factories import InscriptionFactory, SessionFactory
from maillage.factories import UserFactory
from maillage.models import JetonCalendrier
from maillage.selectors import calendar_token_active, calendar_token_owner
from maillage.services import calendar_token_create, calendar_token_revoke

SESSIONS, SEANCES = JetonCalendrier.Flux.SESSIONS, JetonCalendrier.Flux.SEANCES


def _sessions_feed(client, jeton):
    return client.get(reverse("formations:agenda_prive", args=[jeton]))


def _seances_feed(client, jeton):
    return client.get(reverse("analyse_pratiques:agenda", args=[jeton]))


@pytest.fixture
def personne(home_page):
    """Someone enrolled in a session and facilitating a group with a séance."""
    user = UserFactory()
    session = InscriptionFactory(session=SessionFactory(), user=user).session
    seance = SeanceFactory(groupe=GroupeFactory(animateur=user, nom="Codev confidentiel"))
    return user, session, seance


def test_each_feed_opens_with_its_own_secret_only(client, personne):
    user, session, seance = personne
    jeton_sessions = calendar_token_create(user=user, flux=SESSIONS)
    jeton_seances = calendar_token_create(user=user, flux=SEANCES)
    assert jeton_sessions != jeton_seances

    reponse = _sessions_feed(client, jeton_sessions)
    assert reponse.status_code == 200
    assert f"session-{session.pk}@" in reponse.content.decode()
    reponse = _seances_feed(client, jeton_seances)
    assert reponse.status_code == 200
    assert f"seance-ap-{seance.pk}@" in reponse.content.decode()
    # A link pasted in a shared calendar never opens the other feed.
    assert _seances_feed(client, jeton_sessions).status_code == 404
    assert _sessions_feed(client, jeton_seances).status_code == 404


def test_renewing_or_revoking_one_feed_leaves_the_other_working(client, personne):
    user, _session, _seance = personne
    ancien = calendar_token_create(user=user, flux=SESSIONS)
    jeton_seances = calendar_token_create(user=user, flux=SEANCES)

    nouveau = calendar_token_create(user=user, flux=SESSIONS)
    assert _sessions_feed(client, ancien).status_code == 404
    assert _sessions_feed(client, nouveau).status_code == 200
    assert _seances_feed(client, jeton_seances).status_code == 200

    calendar_token_revoke(user=user, flux=SESSIONS)
    assert _sessions_feed(client, nouveau).status_code == 404
    assert _seances_feed(client, jeton_seances).status_code == 200
    assert not calendar_token_active(user=user, flux=SESSIONS)
    assert calendar_token_active(user=user, flux=SEANCES)
    assert JetonCalendrier.objects.filter(user=user).count() == 1


def test_only_digests_are_stored_and_unknown_secrets_open_nothing(db):
    user = UserFactory()
    jeton = calendar_token_create(user=user, flux=SEANCES)
    (stored,) = JetonCalendrier.objects.filter(user=user).values_list("empreinte", flat=True)
    assert stored == hashlib.sha256(jeton.encode()).hexdigest()
    assert calendar_token_owner(jeton=jeton, flux=SEANCES) == user
    for inconnu in ("", stored, jeton + "x"):
        assert calendar_token_owner(jeton=inconnu, flux=SEANCES) is None


def test_an_unknown_feed_is_refused_and_nothing_is_written(db):
    user = UserFactory()
    with pytest.raises(ValueError, match="unknown calendar feed"):
        calendar_token_create(user=user, flux="communautes")
    assert not JetonCalendrier.objects.exists()


# --- the data migration -------------------------------------------------------------------

# The migrations that move the two feeds' secrets into maillage.JetonCalendrier.
DEPLACEMENT = [
    ("formations", "0005_jetoncalendrier_vers_maillage"),
    ("analyse_pratiques", "0005_jetonagenda_vers_maillage"),
    ("maillage", "0005_jetoncalendrier"),
]


def _avant(executor) -> list[tuple[str, str]]:
    """The state just before the move: the parent, in its own app, of each of its migrations."""
    graph = executor.loader.graph
    return [
        next(parent.key for parent in graph.node_map[cle].parents if parent.key[0] == cle[0])
        for cle in DEPLACEMENT
    ]


def _migrer(cibles=None) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(cibles or executor.loader.graph.leaf_nodes())
    return MigrationExecutor(connection)


@pytest.mark.django_db(transaction=True)
def test_links_handed_out_before_the_move_keep_working_and_the_move_can_be_undone(
    client, home_page
):
    proprietaire, autre = UserFactory(), UserFactory()
    session = InscriptionFactory(session=SessionFactory(), user=proprietaire).session
    seance = SeanceFactory(groupe=GroupeFactory(animateur=proprietaire))
    executor = MigrationExecutor(connection)
    avant = _avant(executor)
    try:
        executor = _migrer(avant)
        anciens = executor.loader.project_state(avant).apps
        Sessions = anciens.get_model("formations", "JetonCalendrier")
        Seances = anciens.get_model("analyse_pratiques", "JetonAgenda")
        liens = {"sessions": "lien-des-sessions", "seances": "lien-des-seances"}
        cree = Sessions.objects.create(
            user_id=proprietaire.pk,
            empreinte=hashlib.sha256(liens["sessions"].encode()).hexdigest(),
        ).cree_le
        Seances.objects.create(
            user_id=proprietaire.pk,
            empreinte=hashlib.sha256(liens["seances"].encode()).hexdigest(),
        )
        Seances.objects.create(user_id=autre.pk, empreinte="0" * 64)

        executor = _migrer()
        assert sorted(JetonCalendrier.objects.values_list("user_id", "flux")) == sorted(
            [(proprietaire.pk, SESSIONS), (proprietaire.pk, SEANCES), (autre.pk, SEANCES)]
        )
        assert JetonCalendrier.objects.get(user=proprietaire, flux=SESSIONS).cree_le == cree
        reponse = _sessions_feed(client, liens["sessions"])
        assert reponse.status_code == 200
        assert f"session-{session.pk}@" in reponse.content.decode()
        reponse = _seances_feed(client, liens["seances"])
        assert reponse.status_code == 200
        assert f"seance-ap-{seance.pk}@" in reponse.content.decode()
        assert _seances_feed(client, liens["sessions"]).status_code == 404

        # Backwards, each secret goes back to its own table.
        executor = _migrer(avant)
        anciens = executor.loader.project_state(avant).apps
        assert list(
            anciens.get_model("formations", "JetonCalendrier").objects.values_list(
                "user_id", "empreinte"
            )
        ) == [(proprietaire.pk, hashlib.sha256(liens["sessions"].encode()).hexdigest())]
        assert sorted(
            anciens.get_model("analyse_pratiques", "JetonAgenda").objects.values_list(
                "user_id", flat=True
            )
        ) == sorted([proprietaire.pk, autre.pk])
    finally:
        _migrer()
