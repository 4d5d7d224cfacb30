"""The live séance stream: who may connect, late joiners, broadcast after commit, removal."""

import asyncio

import pytest
from channels.db import database_sync_to_async

from analyse_pratiques import services
from analyse_pratiques.consumers import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED
from analyse_pratiques.factories import SeanceFactory
from analyse_pratiques.models import Seance
from tests.websocket import seance_path

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def _seance_ouverte(groupe) -> Seance:
    seance = SeanceFactory(groupe=groupe)
    return services.seance_open(user=groupe.animateur, seance=seance)


@database_sync_to_async
def _run(service, **kwargs):
    return service(**kwargs)


async def test_anonymous_is_refused(ws, groupe):
    seance = await _seance_ouverte(groupe)
    _communicator, connected, code = await ws.open(seance_path(seance.pk))
    assert not connected
    assert code == CLOSE_UNAUTHENTICATED


@pytest.mark.parametrize("qui", ["exterieur", "ancien", "retire", "invite", "non_accepte"])
async def test_those_who_may_not_see_are_refused(ws, gens, groupe, qui):
    seance = await _seance_ouverte(groupe)
    communicator, connected, code = await ws.open(seance_path(seance.pk), getattr(gens, qui))
    assert not connected
    assert code == CLOSE_FORBIDDEN
    assert await communicator.receive_nothing(timeout=0.2)


async def test_unknown_seance_is_refused(ws, gens):
    _communicator, connected, code = await ws.open(seance_path(999_999), gens.membre)
    assert not connected
    assert code == CLOSE_FORBIDDEN


async def test_every_participant_follows_the_facilitator(ws, gens, groupe):
    seance = await _seance_ouverte(groupe)
    participants = [gens.animateur, *groupe.membres]
    communicators = []
    for user in participants:
        communicator, connected, _code = await ws.open(seance_path(seance.pk), user)
        assert connected
        state = await communicator.receive_json_from(timeout=2)
        assert state["type"] == "etat"
        assert state["phase"]["index"] == 0
        assert state["phase"]["code"] == "suivi"
        communicators.append(communicator)

    await _run(services.seance_advance, user=gens.animateur, seance=seance)
    states = await asyncio.gather(*(c.receive_json_from(timeout=2) for c in communicators))
    assert {s["phase"]["index"] for s in states} == {1}
    assert {s["phase"]["code"] for s in states} == {"expose"}

    await _run(services.seance_pause, user=gens.animateur, seance=seance)
    states = await asyncio.gather(*(c.receive_json_from(timeout=1) for c in communicators))
    assert all(s["paused"] for s in states)
    remaining = states[0]["remaining_seconds"]

    await _run(services.seance_extend, user=gens.animateur, seance=seance, secondes=120)
    states = await asyncio.gather(*(c.receive_json_from(timeout=1) for c in communicators))
    assert {s["remaining_seconds"] for s in states} == {remaining + 120}

    await _run(services.seance_resume, user=gens.animateur, seance=seance)
    states = await asyncio.gather(*(c.receive_json_from(timeout=1) for c in communicators))
    assert not any(s["paused"] for s in states)
    for communicator in communicators:
        await communicator.disconnect()


async def test_late_joiner_lands_on_the_current_phase(ws, gens, groupe):
    seance = await _seance_ouverte(groupe)
    for _ in range(3):
        seance = await _run(services.seance_advance, user=gens.animateur, seance=seance)
    communicator, connected, _code = await ws.open(seance_path(seance.pk), gens.membre)
    assert connected
    state = await communicator.receive_json_from(timeout=2)
    assert state["phase"]["index"] == 3
    assert state["phase"]["code"] == "contrat"
    assert 0 < state["remaining_seconds"] <= 5 * 60
    await communicator.disconnect()


async def test_removed_member_stream_is_closed(ws, gens, groupe):
    seance = await _seance_ouverte(groupe)
    retire, _ok, _code = await ws.open(seance_path(seance.pk), gens.membre)
    reste, _ok, _code = await ws.open(seance_path(seance.pk), gens.autre_membre)
    await retire.receive_json_from(timeout=2)
    await reste.receive_json_from(timeout=2)

    await _run(services.adhesion_remove, animateur=gens.animateur, groupe=groupe, user=gens.membre)
    fin = await retire.receive_json_from(timeout=1)
    assert fin["type"] == "fin"
    assert await retire.receive_output(timeout=1) == {
        "type": "websocket.close",
        "code": CLOSE_FORBIDDEN,
    }
    # The others keep their stream, and the removed member hears nothing more.
    await _run(services.seance_advance, user=gens.animateur, seance=seance)
    assert (await reste.receive_json_from(timeout=1))["phase"]["index"] == 1
    await reste.disconnect()


async def test_new_charter_closes_streams_until_accepted(ws, gens, groupe):
    seance = await _seance_ouverte(groupe)
    communicator, _ok, _code = await ws.open(seance_path(seance.pk), gens.membre)
    await communicator.receive_json_from(timeout=2)
    await _run(services.charte_publish, user=gens.animateur, groupe=groupe, texte="Version 2")
    assert (await communicator.receive_json_from(timeout=1))["type"] == "fin"
    _c, connected, code = await ws.open(seance_path(seance.pk), gens.membre)
    assert not connected and code == CLOSE_FORBIDDEN
    await _run(services.charte_accept, user=gens.membre, groupe=groupe)
    again, connected, _code = await ws.open(seance_path(seance.pk), gens.membre)
    assert connected
    assert (await again.receive_json_from(timeout=2))["type"] == "etat"
    await again.disconnect()


async def test_event_for_a_member_removed_without_broadcast_is_not_forwarded(ws, gens, groupe):
    """Each forwarded change re-checks access, even if the removal itself was not announced."""
    from analyse_pratiques.models import Adhesion

    seance = await _seance_ouverte(groupe)
    communicator, _ok, _code = await ws.open(seance_path(seance.pk), gens.membre)
    await communicator.receive_json_from(timeout=2)
    await database_sync_to_async(Adhesion.objects.filter(groupe=groupe, user=gens.membre).update)(
        etat=Adhesion.Etat.RETIRE
    )
    await _run(services.seance_advance, user=gens.animateur, seance=seance)
    message = await communicator.receive_json_from(timeout=1)
    assert message["type"] == "fin"
    assert "phase" not in message


async def test_phase_sync_with_15_participants(ws, gens, groupe):
    """15 connected screens, 50 advances: every screen gets every new phase, in order (how
    fast is measured by `python -m bench phase_sync`, not here)."""
    from analyse_pratiques.factories import AdhesionFactory

    autres = await database_sync_to_async(
        lambda: [AdhesionFactory(groupe=groupe, accepte=True).user for _ in range(9)]
    )()
    seance = await _seance_ouverte(groupe)
    participants = [gens.animateur, *groupe.membres, *autres]
    assert len(participants) == 15
    communicators = []
    for user in participants:
        communicator, connected, _code = await ws.open(seance_path(seance.pk), user)
        assert connected
        await communicator.receive_json_from(timeout=2)
        communicators.append(communicator)

    phases = len(seance.phases)
    for n in range(50):
        # Run through the phases again and again: re-open a fresh séance when one ends.
        if seance.phase_index + 1 >= phases:
            seance = await _run(_rewind, seance=seance)
        seance = await _run(services.seance_advance, user=gens.animateur, seance=seance)
        states = await asyncio.gather(*(c.receive_json_from(timeout=2) for c in communicators))
        assert {s["phase"]["index"] for s in states} == {seance.phase_index}, n
    for communicator in communicators:
        assert await communicator.receive_nothing(timeout=0.2), "a screen got a phase twice"
        await communicator.disconnect()


def _rewind(*, seance: Seance) -> Seance:
    """Back to the first phase without announcing it."""
    Seance.objects.filter(pk=seance.pk).update(phase_index=0)
    seance.refresh_from_db()
    return seance


@database_sync_to_async
def _version(seance) -> tuple[int, int]:
    seance.refresh_from_db()
    return seance.version, seance.phase_index


async def test_a_stale_announcement_never_rolls_a_page_back(ws, gens, groupe):
    """A change read before the page connected may reach it after: it is not forwarded."""
    from channels.layers import get_channel_layer

    from analyse_pratiques.live import seance_group

    seance = await _seance_ouverte(groupe)
    seance = await _run(services.seance_advance, user=gens.animateur, seance=seance)
    communicator, connected, _code = await ws.open(seance_path(seance.pk), gens.membre)
    assert connected
    state = await communicator.receive_json_from(timeout=2)
    assert state["phase"]["index"] == 1
    old = {**state, "version": state["version"] - 1, "phase": {**state["phase"], "index": 0}}
    layer = get_channel_layer()
    for etat in (old, state):
        await layer.group_send(
            seance_group(seance.pk),
            {"type": "seance.changed", "etat": etat, "autorises": [gens.membre.pk]},
        )
    assert await communicator.receive_nothing(timeout=0.5)
    await _run(services.seance_advance, user=gens.animateur, seance=seance)
    newer = await communicator.receive_json_from(timeout=2)
    assert (newer["version"], newer["phase"]["index"]) == (state["version"] + 1, 2)


async def test_a_page_that_reconnects_ends_on_the_current_state(ws, gens, groupe):
    """Changes made while a page is away, or while it reconnects, all end up on screen."""
    seance = await _seance_ouverte(groupe)
    for _ in range(3):
        communicator, connected, _code = await ws.open(seance_path(seance.pk), gens.membre)
        assert connected
        versions = [(await communicator.receive_json_from(timeout=2))["version"]]
        # Two changes: one seen live, one made as the page goes away.
        seance = await _run(services.seance_advance, user=gens.animateur, seance=seance)
        versions.append((await communicator.receive_json_from(timeout=2))["version"])
        seance = await _run(services.seance_pause, user=gens.animateur, seance=seance)
        await communicator.disconnect(code=1006)
        seance = await _run(services.seance_resume, user=gens.animateur, seance=seance)
        assert versions == sorted(set(versions))
    communicator, connected, _code = await ws.open(seance_path(seance.pk), gens.membre)
    assert connected
    state = await communicator.receive_json_from(timeout=2)
    assert (state["version"], state["phase"]["index"]) == await _version(seance)
    assert state["phase"]["index"] == 3
    assert not state["paused"]


@pytest.mark.parametrize(
    "frame",
    [
        {"text_data": "pas du JSON"},
        {"text_data": "[]"},
        {"text_data": '{"type": null}'},
        {"bytes_data": b"\xff"},
        {"text_data": "x" * 40_000},
        {"text_data": '{"type": "avancer"}'},
    ],
)
async def test_a_malformed_frame_gets_an_error_and_the_stream_goes_on(
    ws, gens, groupe, frame, caplog
):
    import logging

    seance = await _seance_ouverte(groupe)
    communicator, connected, _code = await ws.open(seance_path(seance.pk), gens.membre)
    assert connected
    await communicator.receive_json_from(timeout=2)
    await communicator.send_to(**frame)
    error = await communicator.receive_json_from(timeout=2)
    assert error["type"] == "error" and error["message"]
    await communicator.send_json_to({"type": "ping"})
    assert (await communicator.receive_json_from(timeout=2))["type"] == "pong"
    await _run(services.seance_advance, user=gens.animateur, seance=seance)
    assert (await communicator.receive_json_from(timeout=2))["phase"]["index"] == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_client_question_reaches_every_open_page(ws, gens, groupe):
    seance = await _seance_ouverte(groupe)
    seance = await _run(
        services.seance_roles, user=gens.animateur, seance=seance, client=gens.membre
    )
    client_page, _ok, _code = await ws.open(seance_path(seance.pk), gens.membre)
    autre_page, _ok, _code = await ws.open(seance_path(seance.pk), gens.autre_membre)
    for communicator in (client_page, autre_page):
        assert (await communicator.receive_json_from(timeout=2))["question"] is None

    await _run(
        services.question_save,
        user=gens.membre,
        seance=seance,
        texte="Comment garder le lien avec un jeune qui ne vient plus ?",
    )
    for communicator in (client_page, autre_page):
        state = await communicator.receive_json_from(timeout=2)
        assert state["question"] == "Comment garder le lien avec un jeune qui ne vient plus ?"
        assert state["statut"] == {"code": "en_cours", "libelle": "En cours"}

    await _run(services.seance_pause, user=gens.animateur, seance=seance)
    state = await autre_page.receive_json_from(timeout=2)
    assert state["statut"] == {"code": "pause", "libelle": "En pause"}
    # A page opened later gets the question with the current state.
    tardive, _ok, _code = await ws.open(seance_path(seance.pk), gens.animateur)
    state = await tardive.receive_json_from(timeout=2)
    assert state["question"].startswith("Comment garder le lien")
