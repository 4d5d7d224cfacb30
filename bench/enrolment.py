"""`enrolment`: 200 concurrent enrolments for 20 places on PostgreSQL, against plain inserts,
and the « mixité » policy against « premier arrivé »."""

import math
import threading
import time
from collections import Counter
from collections.abc import Callable

from bench import harness
from bench._formations import catalogue_tree, quiet_logs
from bench.harness import Report, Row, benchmark

CONCURRENCY = 200
CAPACITY = 20
ROUNDS = 3
USERNAME_PREFIX = "bench-enrolment-"
NETWORKS = 5
SHARE = 40  # « mixité »: at most 40 % of the places (8 of 20) to one network
PREFIX = "bench-enrolment"
# As in production (docker-compose, .env.example): e-mails leave through the database queue.
TASKS_DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _concurrently(action: Callable[[int], object]) -> tuple[float, list[float], list[str]]:
    """Run `action(i)` for i in range(CONCURRENCY), one thread each, released together.

    Each thread uses its own Django connection (from the pool on PostgreSQL) and gives it
    back when done. Returns the wall-clock span, each call's latency and the errors."""
    from django.db import connection

    barrier = threading.Barrier(CONCURRENCY + 1)
    latencies: list[float] = []
    errors: list[str] = []

    def worker(number: int) -> None:
        try:
            barrier.wait()
            started = time.perf_counter()
            action(number)
            latencies.append(time.perf_counter() - started)
        except Exception as exc:  # noqa: BLE001 - counted: the benchmark then fails
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, errors


def _percentile_ms(latencies: list[float], percent: float) -> float:
    if not latencies:
        return math.nan
    ordered = sorted(latencies)
    return ordered[max(1, math.ceil(percent / 100 * len(ordered))) - 1] * 1000


def _same(values) -> float:
    """The value every round gave, or NaN (printed "—") when they differ."""
    distinct = set(values)
    return distinct.pop() if len(distinct) == 1 else math.nan


def _head(sql: str) -> str:
    """A query named by the first words of each of its statements."""
    return " + ".join(" ".join(part.split("(")[0].split()[:3]) for part in sql.split(";\n"))


def _session(programme, numero: int, capacite: int, **champs):
    from formations.models import FormationPage, Session

    formation = FormationPage(
        title=f"Formation d'essai {numero}", slug=f"formation-essai-{numero}", duree_heures=7
    )
    programme.add_child(instance=formation)
    return Session.objects.create(formation=formation, capacite=capacite, ville="Rennes", **champs)


def _queued_notice_tasks() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path__endswith="envoyer_avis_inscription").count()


def _round(programme, users: list, number: int) -> dict:
    """One baseline run (plain inserts), one contended run of the enrolment service on a
    « premier arrivé » session, one on a « mixité » session."""
    from formations import services, suites_inscription
    from formations.models import Inscription, Session

    Etat = Inscription.Etat
    baseline_session = _session(programme, 3 * number, capacite=CONCURRENCY)
    session = _session(programme, 3 * number + 1, capacite=CAPACITY)
    mixed = _session(
        programme,
        3 * number + 2,
        capacite=CAPACITY,
        politique=Session.Politique.MIXITE,
        part_max_reseau=SHARE,
    )

    def insert(n: int) -> None:
        Inscription.objects.create(session=baseline_session, user=users[n], etat=Etat.CONFIRMEE)

    def enrol(n: int) -> None:
        services.inscription_create(session=session, user=users[n])

    def enrol_mixed(n: int) -> None:
        services.inscription_create(session=mixed, user=users[n])

    baseline = _concurrently(insert)
    queued_before = _queued_notice_tasks()
    enrolment = _concurrently(enrol)
    notice_tasks = _queued_notice_tasks() - queued_before
    mixite = _concurrently(enrol_mixed)
    # No worker runs here: every enrolment's notice is still to send, once, by those tasks.
    notices_pending = Inscription.objects.filter(session=session).exclude(avis_a_envoyer="").count()
    from django.core.cache import cache

    cache.delete_many([suites_inscription.avis_cle(s.pk) for s in (session, mixed)])

    def states(of) -> dict:
        return dict(Counter(Inscription.objects.filter(session=of).values_list("etat", flat=True)))

    def positions_ok(of) -> bool:
        positions = sorted(
            Inscription.objects.filter(session=of, etat=Etat.LISTE_ATTENTE).values_list(
                "position", flat=True
            )
        )
        return positions == list(range(1, len(positions) + 1))

    per_network = Counter(
        Inscription.objects.filter(
            session=mixed, etat__in=Inscription.ETATS_OCCUPANT_UNE_PLACE
        ).values_list("reseau", flat=True)
    )
    inserted = Inscription.objects.filter(session=baseline_session).count()
    return {
        "baseline": baseline,
        "enrolment": enrolment,
        "mixite": mixite,
        "inserted": inserted,
        "states": states(session),
        "positions_ok": positions_ok(session),
        "mixite_states": states(mixed),
        "mixite_positions_ok": positions_ok(mixed),
        "mixite_largest_network": max(per_network.values(), default=0),
        "notice_tasks": notice_tasks,
        "notices_pending": notices_pending,
    }


def _queries(programme, users: list) -> dict[str, list[str]]:
    """The queries of one enrolment (confirmed, then waitlisted) and of one plain insert, on
    this thread's connection, once it has served an enrolment (prepared statements)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from formations import services
    from formations.models import Inscription

    first = 3 * ROUNDS
    warm = _session(programme, first, capacite=1)
    session = _session(programme, first + 1, capacite=1)
    baseline_session = _session(programme, first + 2, capacite=1)
    services.inscription_create(session=warm, user=users[0])
    queries = {}
    for label, user in (("confirmed", users[0]), ("waitlisted", users[1])):
        with CaptureQueriesContext(connection) as captured:
            services.inscription_create(session=session, user=user)
        queries[label] = [query["sql"] for query in captured.captured_queries]
    with CaptureQueriesContext(connection) as captured:
        Inscription.objects.create(
            session=baseline_session, user=users[0], etat=Inscription.Etat.CONFIRMEE
        )
    queries["plain insert"] = [query["sql"] for query in captured.captured_queries]
    return queries


def _cleanup_tasks(since) -> None:
    """Remove what the run queued (e-mails, community joins, reference-index updates): no
    worker runs them."""
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(enqueued_at__gte=since, status="READY").delete()


def _cleanup() -> None:
    from django.contrib.auth import get_user_model

    from maillage.models import Commune, Reseau, Structure, Territoire

    get_user_model().objects.filter(username__startswith=USERNAME_PREFIX).delete()
    Structure.objects.filter(nom__startswith=PREFIX).delete()
    Commune.objects.filter(code_insee="B0001").delete()
    Territoire.objects.filter(code="B01", niveau=Territoire.Niveau.DEPARTEMENT).delete()
    Reseau.objects.filter(slug__startswith=PREFIX).delete()


def _users() -> list:
    """200 counsellors, each with a profile in one of five networks' structures, in turn."""
    from django.contrib.auth import get_user_model

    from maillage.models import Commune, Profil, Reseau, Structure, Territoire

    User = get_user_model()
    _cleanup()
    departement = Territoire.objects.create(
        niveau=Territoire.Niveau.DEPARTEMENT, code="B01", nom="Département d'essai"
    )
    commune = Commune.objects.create(
        code_insee="B0001", nom="Commune d'essai", departement=departement
    )
    structures = [
        Structure.objects.create(
            nom=f"{PREFIX} {n}",
            reseau=Reseau.objects.create(nom=f"Réseau d'essai {n}", slug=f"{PREFIX}-{n}"),
            commune=commune,
        )
        for n in range(NETWORKS)
    ]
    User.objects.bulk_create(
        User(username=f"{USERNAME_PREFIX}{n}", email=f"{USERNAME_PREFIX}{n}@maillage.invalid")
        for n in range(CONCURRENCY)
    )
    users = list(User.objects.filter(username__startswith=USERNAME_PREFIX).order_by("pk"))
    Profil.objects.bulk_create(
        Profil(user=user, structure=structures[n % NETWORKS]) for n, user in enumerate(users)
    )
    return users


@benchmark("enrolment")
def enrolment() -> Report:
    database = harness.setup_django()
    quiet_logs()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import override_settings

    if connection.vendor != "postgresql":
        return Report(
            context={"database": database.description},
            rows=[],
            skipped=(
                "needs PostgreSQL (row locks under real concurrency): set DATABASE_URL, e.g. "
                "postgres://maillage:maillage@127.0.0.1:5432/maillage_bench"
            ),
        )
    from django.utils import timezone

    pool = connection.settings_dict.get("OPTIONS", {}).get("pool") or {}
    started = timezone.now()
    users = _users()
    rounds = []
    try:
        with (
            catalogue_tree(cleanup=not database.disposable) as tree,
            override_settings(
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                TASKS=TASKS_DATABASE,
            ),
        ):
            # Fill the connection pool before anything is timed.
            _concurrently(lambda n: get_user_model().objects.filter(pk=users[n].pk).exists())
            queries = _queries(tree.programme, users)
            for number in range(ROUNDS):
                result = _round(tree.programme, users, number)
                rounds.append(result)
                harness.progress(
                    f"round {number + 1}/{ROUNDS}: {result['states']}, "
                    f"{CONCURRENCY / result['enrolment'][0]:.0f} enrolments/s, "
                    f"mixité {result['mixite_states']}, "
                    f"{CONCURRENCY / result['mixite'][0]:.0f} enrolments/s, "
                    f"{CONCURRENCY / result['baseline'][0]:.0f} inserts/s"
                )
    finally:
        _cleanup_tasks(started)
        if not database.disposable:
            _cleanup()

    from formations.models import Inscription

    confirmed = Inscription.Etat.CONFIRMEE
    waitlisted = Inscription.Etat.LISTE_ATTENTE
    failures = []
    for number, result in enumerate(rounds, start=1):
        states = result["states"]
        if states.get(confirmed, 0) != CAPACITY or states.get(waitlisted, 0) != (
            CONCURRENCY - CAPACITY
        ):
            failures.append(
                f"round {number}: expected {CAPACITY} confirmed and "
                f"{CONCURRENCY - CAPACITY} waitlisted, got {states}"
            )
        if not result["positions_ok"]:
            failures.append(f"round {number}: waiting-list positions are not 1..n")
        if result["notices_pending"] != CONCURRENCY or not result["notice_tasks"]:
            failures.append(
                f"round {number}: {result['notices_pending']} notices to send, "
                f"{result['notice_tasks']} tasks queued to send them"
            )
        if result["inserted"] != CONCURRENCY:
            failures.append(f"round {number}: {result['inserted']} baseline rows inserted")
        mixed = result["mixite_states"]
        if sum(mixed.get(etat, 0) for etat in (confirmed, waitlisted)) != CONCURRENCY or (
            mixed.get(confirmed, 0) > CAPACITY
        ):
            failures.append(f"round {number} mixité: {mixed}")
        if result["mixite_largest_network"] > CAPACITY * SHARE // 100:
            failures.append(
                f"round {number} mixité: {result['mixite_largest_network']} places to one "
                f"network, above the cap of {CAPACITY * SHARE // 100}"
            )
        if not result["mixite_positions_ok"]:
            failures.append(f"round {number} mixité: waiting-list positions are not 1..n")
        for kind in ("baseline", "enrolment", "mixite"):
            if result[kind][2]:
                failures.append(f"round {number} {kind}: {len(result[kind][2])} errors")

    def merged(kind: str) -> tuple[float, list[float], int]:
        elapsed = sum(result[kind][0] for result in rounds)
        latencies = [latency for result in rounds for latency in result[kind][1]]
        return elapsed, latencies, sum(len(result[kind][2]) for result in rounds)

    enrol_elapsed, enrol_latencies, enrol_errors = merged("enrolment")
    base_elapsed, base_latencies, base_errors = merged("baseline")
    mixed_elapsed, mixed_latencies, mixed_errors = merged("mixite")
    name = f"{CONCURRENCY} enrolments, {CAPACITY} places"
    mixed_name = f"mixité {SHARE} % vs premier arrivé"
    table = [
        Row(name, "confirmed (every round)", _same(r["states"].get(confirmed, 0) for r in rounds)),
        Row(
            name, "waitlisted (every round)", _same(r["states"].get(waitlisted, 0) for r in rounds)
        ),
        Row(
            name,
            "operations/s",
            ROUNDS * CONCURRENCY / enrol_elapsed,
            ROUNDS * CONCURRENCY / base_elapsed,
            "ratio ≥ 0.8",
        ),
        *(
            Row(
                name,
                f"p{p} ms",
                _percentile_ms(enrol_latencies, p),
                _percentile_ms(base_latencies, p),
            )
            for p in (50, 95, 99)
        ),
        Row(name, "errors", enrol_errors, base_errors),
        *(
            Row(
                name,
                f"queries of one enrolment, {label}",
                len(queries[label]),
                len(queries["plain insert"]),
            )
            for label in ("confirmed", "waitlisted")
        ),
        Row(
            mixed_name,
            "confirmed (every round)",
            _same(r["mixite_states"].get(confirmed, 0) for r in rounds),
        ),
        Row(
            mixed_name,
            f"largest network's places (cap {CAPACITY * SHARE // 100}, worst round)",
            max(r["mixite_largest_network"] for r in rounds),
        ),
        Row(
            mixed_name,
            "operations/s",
            ROUNDS * CONCURRENCY / mixed_elapsed,
            ROUNDS * CONCURRENCY / enrol_elapsed,
            "ratio ≥ 0.8",
        ),
        Row(
            mixed_name,
            "p95 ms",
            _percentile_ms(mixed_latencies, 95),
            _percentile_ms(enrol_latencies, 95),
        ),
        Row(mixed_name, "errors", mixed_errors, enrol_errors),
    ]
    context = {
        "database": database.description,
        "connections": (
            f"one Django connection per thread, from a psycopg pool of at most "
            f"{pool.get('max_size', '?')} (DATABASE_POOL_SIZE; PostgreSQL allows "
            "100 connections in all)"
        ),
        "load": (
            f"{CONCURRENCY} threads released together by a barrier, {ROUNDS} rounds, "
            "each on a new session"
        ),
        "value": (
            f"services.inscription_create on a {CAPACITY}-place session (row lock, decision "
            "and insert in one query string, then the session's notice task, unless one is "
            "already queued, and, when confirmed, the community join queued); the « mixité » "
            "rows "
            f"run it on a session capped at {SHARE} % of the places per network, for the same "
            f"users spread over {NETWORKS} networks, against « premier arrivé »"
        ),
        "queries": (
            "one enrolment on the main thread's connection, after a first one (prepared "
            "statements): "
            + "; ".join(
                f"{label}: {len(sqls)} ({', '.join(_head(sql) for sql in sqls)})"
                for label, sqls in queries.items()
            )
        ),
        "baseline": (
            f"{CONCURRENCY} plain Inscription.objects.create() (one row, autocommit) into "
            "another session, same threads and pool"
        ),
        "tasks": (
            "django_tasks_db.DatabaseBackend, as in production: after commit, the enrolling "
            "thread queues the session's notice task (one row) unless the cache says one is "
            "queued; a worker sends the pending notices of the session"
        ),
        "notice tasks queued per round (premier arrivé, 200 notices)": ", ".join(
            str(r["notice_tasks"]) for r in rounds
        ),
        "ratio": "value / baseline (operations/s: below 1 is slower; latency: above 1 is slower)",
        "machine": "2 cores shared with other work: figures are noisy",
    }
    details = {
        "queries": queries,
        "rounds": [
            {
                "states": r["states"],
                "positions_ok": r["positions_ok"],
                "mixite_states": r["mixite_states"],
                "mixite_largest_network": r["mixite_largest_network"],
                "notice_tasks": r["notice_tasks"],
                "notices_pending": r["notices_pending"],
                **{
                    kind: {
                        "elapsed_s": round(r[kind][0], 4),
                        "operations_per_s": round(CONCURRENCY / r[kind][0], 1),
                        "p95_ms": round(_percentile_ms(r[kind][1], 95), 2),
                        "errors": r[kind][2][:5],
                    }
                    for kind in ("baseline", "enrolment", "mixite")
                },
            }
            for r in rounds
        ],
    }
    return Report(context=context, rows=table, details=details, failures=failures)
