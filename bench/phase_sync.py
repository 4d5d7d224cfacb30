"""`phase_sync`: delay until 15 open séance pages show the phase the facilitator moved to."""

import asyncio
import math
import time

from bench import harness
from bench.harness import BenchmarkError, Report, Row, benchmark

SCREENS = 15  # the facilitator and 14 members: a group holds 15 members at most
ADVANCES = 50
WARMUP = 5  # advances (and baseline sends) made before measuring, not counted
TIMEOUT_S = 5.0  # a screen that has not got a change by then fails the run
PREFIX = "bench-phase-sync"


def _seed() -> tuple[list, int]:
    """A group, its facilitator and 14 members who accepted the charter, an open séance.

    Returns the users (facilitator first) and the séance's id.
    """
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from analyse_pratiques import services
    from analyse_pratiques.models import AcceptationCharte, Adhesion, Seance
    from maillage import roles

    User = get_user_model()
    _delete_rows()  # left over by an interrupted run
    users = [
        User.objects.create_user(username=f"{PREFIX}-{n}", email=f"{PREFIX}-{n}@maillage.invalid")
        for n in range(SCREENS)
    ]
    animateur, membres = users[0], users[1:]
    # Only facilitators create groups.
    roles.role_assign(user=animateur, role=roles.ANIMATEUR)
    groupe = services.groupe_create(
        animateur=animateur,
        nom="Groupe d'essai (benchmark)",
        texte_charte="Charte d'essai.",
        slug=PREFIX,
    )
    charte = groupe.chartes.get()
    now = timezone.now()
    Adhesion.objects.bulk_create(
        Adhesion(groupe=groupe, user=user, etat=Adhesion.Etat.ACTIF, rejoint_le=now)
        for user in membres
    )
    AcceptationCharte.objects.bulk_create(
        AcceptationCharte(user=user, charte=charte) for user in membres
    )
    seance = Seance.objects.create(groupe=groupe, date=now)
    services.seance_open(user=animateur, seance=seance)
    return users, seance.pk


def _delete_rows(session_keys: list[str] = ()) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session

    from analyse_pratiques.models import Groupe

    Session.objects.filter(session_key__in=session_keys).delete()
    Groupe.objects.filter(slug=PREFIX).delete()  # séances, memberships and charter go with it
    get_user_model().objects.filter(username__startswith=f"{PREFIX}-").delete()


def _login(user) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _rewind(seance_id: int) -> None:
    """Back to the first phase without any announcement: only advances are measured."""
    from analyse_pratiques.models import Seance

    Seance.objects.filter(pk=seance_id).update(phase_index=0)


def _percentile_ms(values: list[float], percent: float) -> float:
    """Nearest-rank percentile, in milliseconds (as `harness.LoadResult` computes them)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(1, math.ceil(percent / 100 * len(ordered))) - 1] * 1000


async def _first(socket, predicate) -> tuple[float, dict]:
    """Read a screen's messages until one matches; when it arrived, and the message."""
    while True:
        message = await socket.receive_json(timeout=TIMEOUT_S)
        if predicate(message):
            return time.perf_counter(), message


async def _all_screens(sockets, predicate, trigger) -> tuple[float, float, dict]:
    """Listen on every screen, then fire `trigger`: the delay until the last screen has the
    change and the trigger's own duration (seconds), and the message received."""
    waiters = [asyncio.create_task(_first(socket, predicate)) for socket in sockets]
    await asyncio.sleep(0)  # every waiter is reading before the change is made
    started = time.perf_counter()
    await trigger()
    triggered = time.perf_counter()
    try:
        arrivals = await asyncio.gather(*waiters)
    except TimeoutError as exc:
        for waiter in waiters:
            waiter.cancel()
        raise BenchmarkError(f"a screen got nothing within {TIMEOUT_S:.0f} s") from exc
    return max(a for a, _m in arrivals) - started, triggered - started, arrivals[0][1]


async def _measure(server: harness.Server, seance_id: int, session_keys: list[str]) -> dict:
    import aiohttp
    from asgiref.sync import sync_to_async
    from channels.layers import get_channel_layer
    from django.conf import settings

    from analyse_pratiques.live import seance_group

    cookie = settings.SESSION_COOKIE_NAME
    seance_path = f"/analyse-pratiques/seances/{seance_id}/"
    ws_url = server.base_url.replace("http://", "ws://") + f"/ws{seance_path}"
    layer = get_channel_layer()
    results = {"app": [], "baseline": [], "post": []}
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
        sockets = [
            await http.ws_connect(
                ws_url, headers={"Cookie": f"{cookie}={key}", "Origin": server.base_url}
            )
            for key in session_keys
        ]
        states = [await socket.receive_json(timeout=TIMEOUT_S) for socket in sockets]
        if {s.get("type") for s in states} != {"etat"}:
            raise BenchmarkError(f"unexpected first messages: {states[:2]}")
        state, phases_total = states[0], states[0]["phases_total"]

        # The facilitator's page gives the CSRF cookie the real form posts with.
        facilitator = {"Cookie": f"{cookie}={session_keys[0]}"}
        async with http.get(server.base_url + seance_path, headers=facilitator) as response:
            if response.status != 200:
                raise BenchmarkError(f"GET {seance_path} answered {response.status}")
            csrf = response.cookies[settings.CSRF_COOKIE_NAME].value
        post_headers = {
            "Cookie": f"{cookie}={session_keys[0]}; {settings.CSRF_COOKIE_NAME}={csrf}",
            "X-CSRFToken": csrf,
        }
        avancer = server.base_url + seance_path + "avancer/"

        async def advance() -> None:
            async with http.post(avancer, headers=post_headers, allow_redirects=False) as answer:
                await answer.read()
                if answer.status != 302 or answer.headers.get("Location") != seance_path:
                    raise BenchmarkError(f"POST {avancer} answered {answer.status}")

        autorises = await sync_to_async(_participants)(seance_id)
        for n in range(WARMUP + ADVANCES):
            if state["phase"]["index"] + 1 >= phases_total:
                await sync_to_async(_rewind)(seance_id)
            version = state["version"] + 1
            delay, posted, state = await _all_screens(
                sockets,
                lambda m, v=version: m.get("version") == v and "bench" not in m,
                advance,
            )
            # Baseline: the same screens, the same Redis channel layer and consumer handler,
            # with a ready-made state sent straight to the séance's group. The handler drops a
            # state no newer than the one it sent: this one sits between the app's versions.
            message = {
                "type": "seance.changed",
                "etat": {**state, "version": state["version"] + 0.5, "bench": n},
                "autorises": autorises,
            }
            bare, _sent, _message = await _all_screens(
                sockets,
                lambda m, n=n: m.get("bench") == n,
                lambda message=message: layer.group_send(seance_group(seance_id), message),
            )
            if n >= WARMUP:
                results["app"].append(delay)
                results["post"].append(posted)
                results["baseline"].append(bare)
        for socket in sockets:
            await socket.close()
    return results


def _participants(seance_id: int) -> list[int]:
    from analyse_pratiques import permissions
    from analyse_pratiques.models import Seance

    return permissions.participant_ids(groupe=Seance.objects.get(pk=seance_id).groupe)


@benchmark("phase_sync")
def phase_sync() -> Report:
    from django.conf import settings as django_settings

    database = harness.setup_django()
    if not django_settings.REDIS_URL:
        return Report(
            context={},
            rows=[],
            skipped=(
                "needs REDIS_URL: the benchmark process reaches the server's screens through "
                "the Redis channel layer (the in-memory one lives inside the server)"
            ),
        )
    users, seance_id = _seed()
    session_keys = []
    try:
        session_keys += [_login(user) for user in users]
        with harness.asgi_server(log_name="phase_sync") as server:
            cpu_before = server.cpu_seconds()
            results = asyncio.run(_measure(server, seance_id, session_keys))
            cpu_after = server.cpu_seconds()
    finally:
        if not database.disposable:
            _delete_rows(session_keys)

    app, baseline, post = results["app"], results["baseline"], results["post"]
    name = f"phase change → {SCREENS} screens"
    rows = [
        *(
            Row(name, f"p{p} ms", _percentile_ms(app, p), _percentile_ms(baseline, p))
            for p in (50, 95)
        ),
        Row(name, "max ms", max(app) * 1000, max(baseline) * 1000),
        Row("facilitator's POST answered", "p50 ms", _percentile_ms(post, 50)),
        Row("facilitator's POST answered", "p95 ms", _percentile_ms(post, 95)),
    ]
    server_cpu = None
    if cpu_before is not None and cpu_after is not None:
        server_cpu = cpu_after - cpu_before
    context = {
        "database": database.description,
        "server": f"{server.description}, DEBUG off, Redis channel layer",
        "load": (
            f"{SCREENS} WebSockets on one séance (facilitator + {SCREENS - 1} members, each "
            f"signed in); {ADVANCES} advances measured after {WARMUP} warm-up, one at a time, "
            "each a POST of the facilitator's 'Phase suivante' form (CSRF, 302) as in the UI"
        ),
        "value": "from sending the POST until the last of the screens has the new phase",
        "baseline": (
            "interleaved with each advance: one channel-layer group_send of a ready-made state "
            "to the séance's group, from the benchmark process, until the last screen has it "
            "(same server, sockets, Redis and consumer handler; no HTTP, database or state read)"
        ),
        "ratio": "value / baseline (above 1 = what the request, the service and the commit add)",
    }
    details = {
        "server_log": harness.relative(server.log_path),
        "server_cpu_s": server_cpu,
        "app_ms": [round(d * 1000, 2) for d in app],
        "baseline_ms": [round(d * 1000, 2) for d in baseline],
        "post_ms": [round(d * 1000, 2) for d in post],
    }
    return Report(context=context, rows=rows, details=details)
