"""`fanout`: 200 live community pages get a publication posted over HTTP, against raw Redis.

As deployments run: the server enqueues the search sync and the notifications in the
database task queue, and a `db_worker` process beside it does them.
"""

import asyncio
import math
import os
import re
import secrets
import time
from collections import defaultdict

import aiohttp

from bench import harness
from bench.harness import BenchmarkError, Report, Row, benchmark

CLIENTS = 200
POSTERS = 60  # authors in turn: the posting rate limit (10 per 10 minutes) is per author
MENTIONS = 2  # readers each publication mentions: each gets a notification and an e-mail
CONNECT_BATCH = 10  # websockets opened together
CONNECT_ATTEMPTS = 4
QUIET_S = 2.0  # the server has settled when, for this long, no message came
IDLE_CPU = 0.05  # and it used less than this share of a core
SETTLE_TIMEOUT_S = 60.0
SINGLE_POSTS = 10  # one at a time, each waited for on every client
ANNOUNCEMENTS = 20  # events logged and announced by this process, one at a time
DELIVERY_TIMEOUT_S = 10.0
RATES = (0.5, 1, 2, 4, 5, 6, 8, 12, 16)  # publications per second, one step each
STEP_S = 6.0
P95_LIMIT_MS = 1000.0
RAMP_BUDGET_S = 100.0  # the ramp stops here even if the p95 stayed under the limit
DRAIN_TIMEOUT_S = 180.0  # the worker's queue must be empty by then
PREFIX = "bench-fanout"
TOKEN = re.compile(r"fanout-(\d+)")


def _percentile(values: list[float], percent: float) -> float:
    """Nearest-rank percentile, in milliseconds; a missing delivery counts as infinite."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(1, math.ceil(percent / 100 * len(ordered))) - 1] * 1000


def _seed() -> dict:
    """A public community (its publications are indexed) with CLIENTS readers and POSTERS
    authors, all signed-in members (the live stream is for members only)."""
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore

    from communautes.models import Adhesion, Communaute

    User = get_user_model()
    _unseed()  # left over by an interrupted run
    unusable = make_password(None)
    users = User.objects.bulk_create(
        User(
            username=f"{PREFIX}-{n}",
            email=f"{PREFIX}-{n}@maillage.invalid",
            first_name=f"Prénom{n}",
            last_name=f"Lecteur{n}",
            password=unusable,
        )
        for n in range(CLIENTS + POSTERS)
    )
    communaute = Communaute.objects.create(
        nom="Diffusion d'essai",
        slug=PREFIX,
        nature=Communaute.Nature.THEMATIQUE,
        visibilite=Communaute.Visibilite.PUBLIQUE,
    )
    Adhesion.objects.bulk_create(
        Adhesion(user=user, communaute=communaute, etat=Adhesion.Etat.ACTIVE) for user in users
    )
    keys = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return {
        "readers": keys[:CLIENTS],
        "posters": keys[CLIENTS:],
        "slug": communaute.slug,
        "communaute_id": communaute.pk,
        "auteur": {"id": users[-1].pk, "nom": users[-1].get_full_name()},
    }


def _announce(seeded: dict, number: int, sent: dict[int, float]) -> None:
    """Log an event and announce it as the services do, the clock starting at the commit.

    The payload has the shape and size of a publication's; no publication row goes with it.
    """
    from django.db import connection, transaction
    from django.utils import timezone

    from communautes.live import flux_append
    from communautes.models import Communaute, FluxEvenement

    communaute = Communaute.objects.get(pk=seeded["communaute_id"])
    payload = {
        "publication": {
            "id": 0,
            "titre": f"Diffusion fanout-{number}",
            "nature": "discussion",
            "nature_label": "Discussion",
            "auteur": seeded["auteur"],
            "url": f"/communautes/{PREFIX}/publications/0/",
            "extrait": f"Une publication de mesure, pour @{PREFIX}-{number % CLIENTS}.",
            "cree_le": timezone.now().isoformat(),
        }
    }
    try:
        with transaction.atomic():
            # Registered first, so it runs first once the transaction commits.
            transaction.on_commit(lambda: sent.__setitem__(number, time.perf_counter()))
            flux_append(
                communaute=communaute, nature=FluxEvenement.Nature.PUBLICATION, payload=payload
            )
    finally:
        connection.close()


def _unseed() -> None:
    """Delete what the run wrote; the publications' search documents go with them (the
    immediate backend syncs each deletion in this process)."""
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session

    from communautes.models import Communaute

    users = get_user_model().objects.filter(username__startswith=PREFIX)
    user_ids = {str(pk) for pk in users.values_list("pk", flat=True)}
    stale = [
        s.pk for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") in user_ids
    ]
    Session.objects.filter(pk__in=stale).delete()
    Communaute.objects.filter(slug=PREFIX).delete()
    users.delete()


class Fanout:
    """The websocket clients, the poster and what each client received, in one event loop."""

    def __init__(self, server: harness.Server, seeded: dict, cookie_name: str):
        self.server = server
        self.seeded = seeded
        self.cookie_name = cookie_name
        self.csrf = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret
        self.arrivals: dict[int, list[float]] = defaultdict(list)
        self.sent: dict[int, float] = {}
        self.post_latencies: list[float] = []
        self.post_errors: list[str] = []
        self.last_message = time.perf_counter()
        self.next_number = 0
        self.connect_retries = 0
        self.closing = False
        self.dropped = 0  # streams the server ended (a consumer that crashed, a timeout)
        self.duplicates = 0  # a publication's event read a second time on the same socket
        self.accepted = 0  # publications the server answered with its redirect

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        seen: set[int] = set()
        async for message in ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                break
            now = time.perf_counter()
            self.last_message = now
            match = TOKEN.search(message.data)
            if match and '"type": "event"' in message.data:
                number = int(match.group(1))
                if number in seen:
                    self.duplicates += 1
                    continue
                seen.add(number)
                self.arrivals[number].append(now)
        if not self.closing:
            self.dropped += 1

    async def connect(self, session: aiohttp.ClientSession) -> list:
        url = self.server.base_url.replace("http://", "ws://") + f"/ws/communautes/{PREFIX}/"
        origin = self.server.base_url
        sockets = []

        async def open_one(key: str):
            # The server drops a handshake not accepted in time (daphne: 5 s), which
            # happens while earlier connections' presence broadcasts keep the server busy.
            for attempt in range(CONNECT_ATTEMPTS):
                try:
                    socket = await session.ws_connect(
                        url,
                        headers={"Cookie": f"{self.cookie_name}={key}", "Origin": origin},
                        heartbeat=None,
                        max_msg_size=0,
                    )
                    # As live.js does: the server holds live events back (2 s at most)
                    # until the page says where it stands. The seeded community has no
                    # event yet, so this client stands at 0.
                    await socket.send_json({"type": "resume", "last_event_id": 0})
                    return socket
                except (aiohttp.ClientError, TimeoutError):
                    self.connect_retries += 1
                    if attempt == CONNECT_ATTEMPTS - 1:
                        raise
                    await asyncio.sleep(1.0 + attempt)
            raise AssertionError("unreachable")

        readers = self.seeded["readers"]
        for start in range(0, len(readers), CONNECT_BATCH):
            batch = readers[start : start + CONNECT_BATCH]
            sockets += await asyncio.gather(*(open_one(key) for key in batch))
        self.tasks = [asyncio.create_task(self._read(ws)) for ws in sockets]
        # Each connection broadcasts the presence list to all the others: wait until the
        # server has worked through that storm (idle CPU, no message for a while).
        deadline = time.perf_counter() + SETTLE_TIMEOUT_S
        cpu = self.server.cpu_seconds()
        while time.perf_counter() < deadline:
            await asyncio.sleep(QUIET_S)
            previous, cpu = cpu, self.server.cpu_seconds()
            idle = cpu is None or previous is None or (cpu - previous) / QUIET_S < IDLE_CPU
            if idle and time.perf_counter() - self.last_message >= QUIET_S:
                break
        return sockets

    async def post(self, http: aiohttp.ClientSession) -> int:
        number = self.next_number
        self.next_number += 1
        key = self.seeded["posters"][number % POSTERS]
        url = self.server.base_url + f"/communautes/{PREFIX}/publier/"
        mentioned = " ".join(f"@{PREFIX}-{(number + i) % CLIENTS}" for i in range(MENTIONS))
        data = {
            "csrfmiddlewaretoken": self.csrf,
            "nature": "discussion",
            "titre": f"Diffusion fanout-{number}",
            "corps": f"<p>Une publication de mesure, pour {mentioned}.</p>",
        }
        headers = {"Cookie": f"{self.cookie_name}={key}; csrftoken={self.csrf}"}
        self.sent[number] = started = time.perf_counter()
        try:
            async with http.post(url, data=data, headers=headers, allow_redirects=False) as r:
                await r.read()
                status = r.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            self.post_errors.append(type(exc).__name__)
            return number
        if status == 302:
            self.accepted += 1
        else:
            self.post_errors.append(f"HTTP {status}")
        self.post_latencies.append(time.perf_counter() - started)
        return number

    async def announce(self) -> int:
        """An event logged and announced from this process (in a thread: the ORM is sync)."""
        number = self.next_number
        self.next_number += 1
        await asyncio.to_thread(_announce, self.seeded, number, self.sent)
        return number

    async def wait_delivered(self, numbers: list[int], timeout_s: float) -> None:
        deadline = time.perf_counter() + timeout_s
        while time.perf_counter() < deadline:
            if all(len(self.arrivals[n]) >= CLIENTS - self.dropped for n in numbers):
                return
            await asyncio.sleep(0.02)

    def delays(self, numbers: list[int]) -> tuple[list[float], int]:
        """Every open client's delay for these publications; a missing one counts as infinite.

        Clients whose stream the server ended are left out (and counted in `dropped`).
        """
        delays, missing = [], 0
        for number in numbers:
            arrivals = self.arrivals[number]
            delays += [arrival - self.sent[number] for arrival in arrivals]
            missing += max(0, CLIENTS - self.dropped - len(arrivals))
        return delays + [math.inf] * missing, missing


class RedisBaseline:
    """Raw Redis pub/sub: CLIENTS subscribers (one connection each) in this event loop.

    Its rounds alternate with the announcements', so both see the same machine: a busy
    moment (a checkpoint, a vacuum left by an earlier benchmark) weighs on both sides.
    """

    def __init__(self, url: str):
        self.url = url
        self.channel = f"{PREFIX}-{os.getpid()}-{secrets.token_hex(4)}"
        self.arrivals: dict[int, list[float]] = defaultdict(list)
        self.delays: list[float] = []
        self.rounds = 0

    async def __aenter__(self) -> "RedisBaseline":
        import redis.asyncio as redis

        self.client = redis.Redis.from_url(self.url, max_connections=CLIENTS + 10)
        self.subscribers = []
        for _ in range(CLIENTS):
            pubsub = self.client.pubsub()
            await pubsub.subscribe(self.channel)
            await pubsub.get_message(timeout=1.0)  # the subscription confirmation
            self.subscribers.append(pubsub)
        self.tasks = [asyncio.create_task(self._listen(pubsub)) for pubsub in self.subscribers]
        return self

    async def __aexit__(self, *exc_info) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        for pubsub in self.subscribers:
            await pubsub.aclose()
        await self.client.aclose()

    async def _listen(self, pubsub) -> None:
        async for message in pubsub.listen():
            if message["type"] == "message":
                self.arrivals[int(message["data"])].append(time.perf_counter())

    async def round(self) -> None:
        """Delay of one PUBLISH until each subscriber gets it."""
        number, self.rounds = self.rounds, self.rounds + 1
        sent = time.perf_counter()
        receivers = await self.client.publish(self.channel, str(number))
        if receivers != CLIENTS:
            raise BenchmarkError(f"Redis PUBLISH reached {receivers} of {CLIENTS}")
        deadline = sent + DELIVERY_TIMEOUT_S
        while len(self.arrivals[number]) < CLIENTS and time.perf_counter() < deadline:
            await asyncio.sleep(0.001)
        got = self.arrivals[number]
        self.delays += [a - sent for a in got] + [math.inf] * (CLIENTS - len(got))


async def _run(server: harness.Server, seeded: dict, cookie_name: str, redis_url: str) -> dict:
    fanout = Fanout(server, seeded, cookie_name)
    started = time.perf_counter()
    timeout = aiohttp.ClientTimeout(total=30)
    async with (
        aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0), cookie_jar=aiohttp.DummyCookieJar()
        ) as ws_session,
        aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=32),
            cookie_jar=aiohttp.DummyCookieJar(),
            timeout=timeout,
        ) as http,
    ):
        sockets = await fanout.connect(ws_session)
        connected_s = time.perf_counter() - started
        harness.progress(f"{len(sockets)} websockets open in {connected_s:.1f} s")

        # One publication at a time, each awaited on every client.
        cpu_before = server.cpu_seconds()
        single = []
        for _ in range(SINGLE_POSTS):
            number = await fanout.post(http)
            single.append(number)
            await fanout.wait_delivered([number], DELIVERY_TIMEOUT_S)
            await asyncio.sleep(0.2)
        cpu_after = server.cpu_seconds()
        if fanout.post_errors:
            raise BenchmarkError(
                f"posting failed: {fanout.post_errors[:5]}; see {harness.relative(server.log_path)}"
            )
        single_delays, single_missing = fanout.delays(single)
        harness.progress(
            f"single publications: p50 {_percentile(single_delays, 50):.1f} ms, "
            f"p95 {_percentile(single_delays, 95):.1f} ms, {single_missing} missing"
        )

        # The fan-out alone: from the commit of a logged event to each open page, each
        # announcement followed by a round of raw Redis pub/sub to as many subscribers.
        async with RedisBaseline(redis_url) as baseline:
            announce_cpu = 0.0
            announced = []
            for _ in range(ANNOUNCEMENTS):
                round_before = server.cpu_seconds()
                number = await fanout.announce()
                announced.append(number)
                await fanout.wait_delivered([number], DELIVERY_TIMEOUT_S)
                round_after = server.cpu_seconds()
                if None in (round_before, round_after):
                    announce_cpu = None
                elif announce_cpu is not None:
                    announce_cpu += round_after - round_before
                await asyncio.sleep(0.2)
                await baseline.round()
                await asyncio.sleep(0.2)
        redis_delays = baseline.delays
        fanout_delays, fanout_missing = fanout.delays(announced)
        harness.progress(
            f"announcements: p50 {_percentile(fanout_delays, 50):.1f} ms, "
            f"p95 {_percentile(fanout_delays, 95):.1f} ms, {fanout_missing} missing"
        )
        harness.progress(
            f"raw Redis pub/sub: p50 {_percentile(redis_delays, 50):.2f} ms, "
            f"p95 {_percentile(redis_delays, 95):.2f} ms"
        )

        steps = []
        ramp_started = time.perf_counter()
        for rate in RATES:
            if time.perf_counter() - ramp_started > RAMP_BUDGET_S:
                break
            count = int(rate * STEP_S)
            step_start = time.perf_counter()

            async def scheduled(index: int, rate=rate, step_start=step_start) -> int:
                await asyncio.sleep(max(0.0, step_start + index / rate - time.perf_counter()))
                return await fanout.post(http)

            numbers = await asyncio.gather(*(scheduled(i) for i in range(count)))
            await fanout.wait_delivered(numbers, DELIVERY_TIMEOUT_S)
            delays, missing = fanout.delays(numbers)
            achieved = count / (max(fanout.sent[n] for n in numbers) - step_start or 1e-9)
            step = {
                "rate": rate,
                "posted": count,
                "achieved_rate": round(min(achieved, rate), 2),
                "p50_ms": round(_percentile(delays, 50), 1),
                "p95_ms": round(_percentile(delays, 95), 1),
                "missing": missing,
                "http_errors": len(fanout.post_errors),
            }
            steps.append(step)
            harness.progress(
                f"{rate} publications/s: p50 {step['p50_ms']} ms, p95 {step['p95_ms']} ms, "
                f"{missing} missing"
            )
            if step["p95_ms"] > P95_LIMIT_MS or fanout.post_errors:
                break
            await asyncio.sleep(1.0)

        # Nothing lost: every publication, ramp steps included, reached every open stream.
        posted = sorted(fanout.sent)
        await fanout.wait_delivered(posted, DELIVERY_TIMEOUT_S)
        _delays, run_missing = fanout.delays(posted)

        fanout.closing = True
        for ws in sockets:
            await ws.close()
        for task in fanout.tasks:
            task.cancel()
    return {
        "posted": fanout.accepted,
        "run_missing": run_missing,
        "duplicates": fanout.duplicates,
        "connected_s": connected_s,
        "single": single_delays,
        "single_missing": single_missing,
        "fanout": fanout_delays,
        "fanout_missing": fanout_missing,
        "cpu_per_announcement_ms": (
            announce_cpu * 1000 / ANNOUNCEMENTS if announce_cpu is not None else None
        ),
        "cpu_per_publication_ms": (
            (cpu_after - cpu_before) * 1000 / SINGLE_POSTS
            if cpu_before is not None and cpu_after is not None
            else None
        ),
        "post_p50_ms": _percentile(fanout.post_latencies, 50),
        "redis": redis_delays,
        "steps": steps,
        "post_errors": fanout.post_errors,
        "connect_retries": fanout.connect_retries,
        "dropped": fanout.dropped,
    }


def _index_prefix(database_name: str) -> str:
    """Search indices of this benchmark's own, one set per database: never the site's."""
    return f"bench_fanout_{re.sub(r'[^a-z0-9_]', '_', database_name.lower())}"


def _drop_indices(prefix: str) -> None:
    from django.conf import settings

    if not settings.OPENSEARCH_URL:
        return
    from opensearchpy import OpenSearch

    client = OpenSearch([settings.OPENSEARCH_URL], timeout=30)
    for index in client.indices.get(index=f"{prefix}_*", ignore_unavailable=True):
        client.indices.delete(index=index, ignore_unavailable=True)
    client.close()


def _drain(since, worker: harness.TaskWorker) -> float:
    """Wait until the worker has run every task enqueued since `since`; seconds waited."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    started = time.perf_counter()
    waiting = [TaskResultStatus.READY, TaskResultStatus.RUNNING]
    while DBTaskResult.objects.filter(enqueued_at__gte=since, status__in=waiting).exists():
        if worker.process.poll() is not None:
            raise BenchmarkError(
                f"db_worker exited with {worker.process.returncode}; "
                f"see {harness.relative(worker.log_path)}"
            )
        if time.perf_counter() - started > DRAIN_TIMEOUT_S:
            break
        time.sleep(0.5)
    return time.perf_counter() - started


def _side_effects(since) -> dict:
    """What the tasks left: per publication, its notifications, e-mails and search document."""
    from django.conf import settings
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from communautes.models import Notification, Publication
    from recherche import opensearch
    from recherche.models import SearchDocument

    pks = list(Publication.objects.filter(communaute__slug=PREFIX).values_list("pk", flat=True))
    doc_ids = [f"communautes.publication:{pk}" for pk in pks]
    tasks = DBTaskResult.objects.filter(enqueued_at__gte=since)
    found = {
        "publications": len(pks),
        "notifications": Notification.objects.filter(
            publication_id__in=pks, nature=Notification.Nature.MENTION
        ).count(),
        "emails": tasks.filter(
            task_path__endswith=".envoyer_notification_email",
            status=TaskResultStatus.SUCCESSFUL,
            return_value=True,
        ).count(),
        "documents": SearchDocument.objects.filter(doc_id__in=doc_ids).count(),
        "tasks": tasks.count(),
        "tasks_unfinished": tasks.exclude(
            status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED]
        ).count(),
        "tasks_failed": tasks.filter(status=TaskResultStatus.FAILED).count(),
        "opensearch_documents": None,
    }
    if settings.OPENSEARCH_URL and doc_ids:
        opensearch.refresh()
        found["opensearch_documents"] = opensearch.client().count(
            index=opensearch.alias_name(), body={"query": {"ids": {"values": doc_ids}}}
        )["count"]
    return found


def _delete_tasks(since) -> None:
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(enqueued_at__gte=since).delete()


@benchmark("fanout")
def fanout() -> Report:
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        return Report(
            context={}, rows=[], skipped="needs REDIS_URL: the Redis channel layer is measured"
        )
    database = harness.setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import override_settings
    from django.utils import timezone

    if connection.vendor != "postgresql":
        return Report(
            context={},
            rows=[],
            skipped=(
                "needs a PostgreSQL DATABASE_URL: the task worker shares the database queue "
                "with the server, as in deployments"
            ),
        )
    prefix = _index_prefix(connection.settings_dict["NAME"])
    # The server and the worker as deployed; e-mails are built and sent, to memory.
    env = {
        "TASKS_BACKEND": "database",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "SEARCH_INDEX_PREFIX": prefix,
    }
    # This process seeds, checks and cleans up: the same indices, tasks run in place.
    immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with override_settings(SEARCH_INDEX_PREFIX=prefix, TASKS=immediate):
        _drop_indices(prefix)
        seeded = _seed()
        since = timezone.now()
        try:
            with (
                harness.task_worker(log_name="fanout", env=env) as worker,
                harness.asgi_server(log_name="fanout", env=env) as server,
            ):
                cpu_before = worker.cpu_seconds()
                results = asyncio.run(_run(server, seeded, settings.SESSION_COOKIE_NAME, redis_url))
                drained_s = _drain(since, worker)
                cpu_after = worker.cpu_seconds()
            found = _side_effects(since)
        finally:
            _delete_tasks(since)
            _unseed()
            _drop_indices(prefix)
    worker_cpu = None if None in (cpu_before, cpu_after) else cpu_after - cpu_before
    return _report(
        database=database,
        server=server,
        worker=worker,
        results=results,
        found=found,
        drained_s=drained_s,
        worker_cpu=worker_cpu,
        redis_url=redis_url,
        prefix=prefix,
    )


def _report(
    *, database, server, worker, results, found, drained_s, worker_cpu, redis_url, prefix
) -> Report:
    from django.conf import settings

    single, redis_delays, steps = results["single"], results["redis"], results["steps"]
    announced = results["fanout"]
    # 0 when even the first step failed: fewer than RATES[0] publications per second.
    sustained = [s["rate"] for s in steps if s["p95_ms"] <= P95_LIMIT_MS and not s["missing"]]
    posted = found["publications"]
    lost = {
        "notifications": MENTIONS * posted - found["notifications"],
        "e-mails": MENTIONS * posted - found["emails"],
        "search documents (database)": posted - found["documents"],
    }
    if found["opensearch_documents"] is not None:
        lost["search documents (OpenSearch)"] = posted - found["opensearch_documents"]
    name = f"{CLIENTS} websocket clients"
    rows = [
        *(
            Row(
                name,
                f"fan-out p{p} ms",
                _percentile(announced, p),
                _percentile(redis_delays, p),
                "ratio ≤ 3" if p == 95 else "",
            )
            for p in (50, 95)
        ),
        *(
            Row(name, f"POST → page p{p} ms", _percentile(single, p), _percentile(redis_delays, p))
            for p in (50, 95)
        ),
        Row(name, "missing deliveries (whole run)", results["run_missing"], goal="0"),
        Row(name, "duplicate deliveries", results["duplicates"], goal="0"),
        Row(name, "streams ended by the server", results["dropped"]),
        Row(name, "server CPU ms/publication", results["cpu_per_publication_ms"]),
        Row(name, "server CPU ms/announcement", results["cpu_per_announcement_ms"]),
        Row(name, "HTTP POST p50 ms", results["post_p50_ms"]),
        Row(name, "sustained publications/s", max(sustained) if sustained else 0, goal="≥ 5"),
        Row(
            "task worker",
            "CPU ms/publication",
            worker_cpu * 1000 / posted if posted and worker_cpu is not None else None,
        ),
        Row("task worker", "queue drained, s after the run", drained_s),
        *(Row("task worker", f"{what} missing", count, goal="0") for what, count in lost.items()),
        Row(
            "task worker",
            "tasks failed or unfinished",
            found["tasks_failed"] + found["tasks_unfinished"],
            goal="0",
        ),
    ]
    failures = []
    if results["run_missing"]:
        failures.append(f"{results['run_missing']} deliveries missing")
    if results["duplicates"]:
        failures.append(f"{results['duplicates']} deliveries duplicated")
    if results["dropped"]:
        failures.append(f"the server ended {results['dropped']} of {CLIENTS} streams")
    if results["post_errors"]:
        failures.append(f"posting errors: {results['post_errors'][:5]}")
    if posted != results["posted"]:
        failures.append(f"{results['posted']} publications accepted, {posted} in the database")
    failures += [f"{count} {what} missing" for what, count in lost.items() if count]
    if found["tasks_failed"] or found["tasks_unfinished"]:
        failures.append(
            f"{found['tasks_failed']} tasks failed, {found['tasks_unfinished']} unfinished; "
            f"see {harness.relative(worker.log_path)}"
        )
    context = {
        "database": database.description,
        "channel layer": f"{settings.CHANNEL_LAYERS['default']['BACKEND']} at {redis_url}",
        "server": f"{server.description}, DEBUG {'on' if settings.DEBUG else 'off'}",
        "tasks": (
            f"TASKS_BACKEND=database, {worker.description}; e-mails to memory; search "
            f"indices {prefix}_* (dropped after)"
        ),
        "clients": (
            f"{CLIENTS} aiohttp websockets, each with its own signed-in member session, on "
            f"/ws/communautes/{PREFIX}/ (open in {results['connected_s']:.1f} s, "
            f"{results['connect_retries']} handshakes retried)"
        ),
        "publication": (
            f"POST /communautes/{PREFIX}/publier/ by {POSTERS} members in turn, each "
            f"mentioning {MENTIONS} readers; delay = first byte of the POST sent → the event "
            "read by a client"
        ),
        "fan-out rows": (
            f"{ANNOUNCEMENTS} events logged and announced one at a time by this process "
            "(communautes.live.flux_append, the services' path after their writes), every "
            "client's delay from the commit"
        ),
        "POST → page rows": (
            f"{SINGLE_POSTS} publications posted one at a time, every client's delay"
        ),
        "baseline": (
            f"raw Redis PUBLISH to {CLIENTS} subscribers (one connection each) in the same "
            f"process, {ANNOUNCEMENTS} rounds, each right after one of the announcements"
        ),
        "sustained": (
            f"highest rate of {RATES} publications/s (steps of {STEP_S:.0f} s) whose p95 stays "
            f"≤ {P95_LIMIT_MS:.0f} ms with nothing missing"
        ),
        "side effects": (
            f"after the run, once the worker's queue is empty: for each of the {posted} "
            f"publications, {MENTIONS} mention notifications, {MENTIONS} e-mails sent, its "
            "search document"
        ),
        "ratio": "value / baseline (above 1: slower than raw Redis)",
    }
    details = {
        "server_log": harness.relative(server.log_path),
        "worker_log": harness.relative(worker.log_path),
        "steps": steps,
        "single_missing": results["single_missing"],
        "single_p99_ms": _percentile(single, 99),
        "fanout_missing": results["fanout_missing"],
        "fanout_p99_ms": _percentile(announced, 99),
        "redis_p99_ms": _percentile(redis_delays, 99),
        "connect_retries": results["connect_retries"],
        "side_effects": found,
    }
    return Report(context=context, rows=rows, details=details, failures=failures)
