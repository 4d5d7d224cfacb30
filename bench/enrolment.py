"""`enrolment`: 200 concurrent enrolments for 20 places on PostgreSQL, against plain inserts."""

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


def _session(programme, numero: int, capacite: int):
    from formations.models import FormationPage, Session

    formation = FormationPage(
        title=f"Formation d'essai {numero}", slug=f"formation-essai-{numero}", duree_heures=7
    )
    programme.add_child(instance=formation)
    return Session.objects.create(formation=formation, capacite=capacite, ville="Rennes")


def _round(programme, users: list, number: int) -> dict:
    """One baseline run (plain inserts) then one contended run (the enrolment service)."""
    from django.core import mail

    from formations import services
    from formations.models import Inscription

    Etat = Inscription.Etat
    baseline_session = _session(programme, 2 * number, capacite=CONCURRENCY)
    session = _session(programme, 2 * number + 1, capacite=CAPACITY)

    def insert(n: int) -> None:
        Inscription.objects.create(session=baseline_session, user=users[n], etat=Etat.CONFIRMEE)

    def enrol(n: int) -> None:
        services.inscription_create(session=session, user=users[n])

    baseline = _concurrently(insert)
    sent_before = len(getattr(mail, "outbox", []))
    enrolment = _concurrently(enrol)
    emails = len(getattr(mail, "outbox", [])) - sent_before
    etats = Counter(
        Inscription.objects.filter(session=session).values_list("etat", flat=True).iterator()
    )
    positions = sorted(
        Inscription.objects.filter(session=session, etat=Etat.LISTE_ATTENTE).values_list(
            "position", flat=True
        )
    )
    inserted = Inscription.objects.filter(session=baseline_session).count()
    return {
        "baseline": baseline,
        "enrolment": enrolment,
        "inserted": inserted,
        "states": dict(etats),
        "positions_ok": positions == list(range(1, len(positions) + 1)),
        "emails": emails,
    }


def _users() -> list:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    User.objects.filter(username__startswith=USERNAME_PREFIX).delete()
    User.objects.bulk_create(
        User(username=f"{USERNAME_PREFIX}{n}", email=f"{USERNAME_PREFIX}{n}@maillage.invalid")
        for n in range(CONCURRENCY)
    )
    return list(User.objects.filter(username__startswith=USERNAME_PREFIX).order_by("pk"))


@benchmark("enrolment")
def enrolment() -> Report:
    database = harness.setup_django()
    quiet_logs()
    from django.conf import settings
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
    pool = connection.settings_dict.get("OPTIONS", {}).get("pool") or {}
    users = _users()
    rounds = []
    try:
        with (
            catalogue_tree(cleanup=not database.disposable) as tree,
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        ):
            # Fill the connection pool before anything is timed.
            _concurrently(lambda n: get_user_model().objects.filter(pk=users[n].pk).exists())
            for number in range(ROUNDS):
                result = _round(tree.programme, users, number)
                rounds.append(result)
                harness.progress(
                    f"round {number + 1}/{ROUNDS}: {result['states']}, "
                    f"{CONCURRENCY / result['enrolment'][0]:.0f} enrolments/s, "
                    f"{CONCURRENCY / result['baseline'][0]:.0f} inserts/s"
                )
    finally:
        if not database.disposable:
            get_user_model().objects.filter(username__startswith=USERNAME_PREFIX).delete()

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
        if result["inserted"] != CONCURRENCY:
            failures.append(f"round {number}: {result['inserted']} baseline rows inserted")
        for kind in ("baseline", "enrolment"):
            if result[kind][2]:
                failures.append(f"round {number} {kind}: {len(result[kind][2])} errors")

    def merged(kind: str) -> tuple[float, list[float], int]:
        elapsed = sum(result[kind][0] for result in rounds)
        latencies = [latency for result in rounds for latency in result[kind][1]]
        return elapsed, latencies, sum(len(result[kind][2]) for result in rounds)

    enrol_elapsed, enrol_latencies, enrol_errors = merged("enrolment")
    base_elapsed, base_latencies, base_errors = merged("baseline")
    name = f"{CONCURRENCY} enrolments, {CAPACITY} places"
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
            f"services.inscription_create on a {CAPACITY}-place session (row lock, "
            "count, insert, e-mail after commit)"
        ),
        "baseline": (
            f"{CONCURRENCY} plain Inscription.objects.create() (one row, autocommit) into "
            "another session, same threads and pool"
        ),
        "tasks": (
            f"{settings.TASKS['default']['BACKEND'].rsplit('.', 1)[-1]}: the e-mail is "
            "rendered in the enrolling thread, sent to the locmem backend"
        ),
        "e-mails sent per round": ", ".join(str(r["emails"]) for r in rounds),
        "ratio": "value / baseline (operations/s: below 1 is slower; latency: above 1 is slower)",
        "machine": "2 cores shared with other work: figures are noisy",
    }
    details = {
        "rounds": [
            {
                "states": r["states"],
                "positions_ok": r["positions_ok"],
                "emails": r["emails"],
                **{
                    kind: {
                        "elapsed_s": round(r[kind][0], 4),
                        "operations_per_s": round(CONCURRENCY / r[kind][0], 1),
                        "p95_ms": round(_percentile_ms(r[kind][1], 95), 2),
                        "errors": r[kind][2][:5],
                    }
                    for kind in ("baseline", "enrolment")
                },
            }
            for r in rounds
        ]
    }
    return Report(context=context, rows=table, details=details, failures=failures)
