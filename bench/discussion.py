"""`discussion`: the first screen of a 300-post thread, against django-machina's page 1."""

import datetime
import json
import os
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

from bench import harness
from bench.harness import BenchmarkError, Report, Row, benchmark

PEER_DIR = harness.BENCH_DIR / "peers" / "machina"
sys.path.insert(0, str(PEER_DIR))  # corpus.py: plain Python, shared with machina's seed.py
from corpus import TOPIC_SUBJECT, thread, user_names  # noqa: E402

POSTS, USERS, WORDS = 300, 30, 80  # as machina's run.sh seeds its topic
REACTION_EVERY = 3  # one reply in three carries a reaction (machina has none)
CLIENTS, SECONDS, WARMUP_S = 20, 15, 5  # load.py, as run.sh drives it
PREFIX = "bench-discussion"
GOAL_RPS_RATIO = 2.0  # against machina's page 1, same run
GOAL_QUERIES = 12  # and machina's own count is the baseline
GOAL_KB = 60
GOAL_SIGNED_IN_RATIO = 1 / 1.5  # signed-in req/s against anonymous
LOAD_PY = PEER_DIR / "load.py"


def _seed() -> dict:
    """A public community, the 300-post thread (a publication and 299 replies), a reader."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from communautes.models import Adhesion, Communaute, Publication, Reaction, Reponse

    User = get_user_model()
    _unseed()  # left over by an interrupted run
    reader = User.objects.create_user(
        username=f"{PREFIX}-lecteur",
        email=f"{PREFIX}-lecteur@maillage.invalid",
        first_name="Camille",
        last_name="Lectrice",
    )
    EmailAddress.objects.create(user=reader, email=reader.email, verified=True, primary=True)
    authors = User.objects.bulk_create(
        User(
            username=f"{PREFIX}-{n}",
            email=f"{PREFIX}-{n}@maillage.invalid",
            first_name=first,
            last_name=last,
        )
        for n, (first, last) in enumerate(user_names(USERS))
    )
    communaute = Communaute.objects.create(
        nom="Accompagnement des publics",
        slug=PREFIX,
        nature=Communaute.Nature.THEMATIQUE,
        visibilite=Communaute.Visibilite.PUBLIQUE,
    )
    Adhesion.objects.bulk_create(
        Adhesion(user=user, communaute=communaute, etat=Adhesion.Etat.ACTIVE)
        for user in [reader, *authors]
    )
    posts = thread(POSTS, USERS, WORDS)
    when = timezone.now() - datetime.timedelta(days=35)
    dates = []
    for post in posts:
        when += datetime.timedelta(minutes=post.minutes_after_previous)
        dates.append(when)
    publication = Publication.objects.create(
        communaute=communaute,
        auteur=authors[posts[0].poster],
        nature=Publication.Nature.DISCUSSION,
        titre=TOPIC_SUBJECT,
        corps=f"<p>{posts[0].text}</p>",
    )
    reponses = Reponse.objects.bulk_create(
        Reponse(publication=publication, auteur=authors[post.poster], corps=f"<p>{post.text}</p>")
        for post in posts[1:]
    )
    # auto_now_add fills the dates on insert: spread them over the month afterwards.
    Publication.objects.filter(pk=publication.pk).update(cree_le=dates[0])
    for reponse, date in zip(reponses, dates[1:], strict=True):
        reponse.cree_le = date
    Reponse.objects.bulk_update(reponses, ["cree_le"])
    Reaction.objects.bulk_create(
        Reaction(user=authors[(n + 1) % USERS], reponse=reponse, nature="utile")
        for n, reponse in enumerate(reponses)
        if n % REACTION_EVERY == 0
    )
    return {
        "reader": reader,
        "path": publication.get_absolute_url(),
        "words_per_post_mean": round(sum(p.words for p in posts) / len(posts), 1),
    }


def _unseed() -> None:
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


def _count_queries(path: str, reader=None) -> dict:
    """Queries and SQL of one GET rendered in this process (after a write, so that no kept
    page answers), then of one answered by the kept page; the page's bytes."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from maillage.cache_pages import contenus_changed

    client = Client(HTTP_HOST="127.0.0.1")
    if reader is not None:
        client.force_login(reader)
    client.get(path)  # warm caches (site root, content types) as the server has them
    contenus_changed()
    with CaptureQueriesContext(connection) as rendered:
        response = client.get(path)
    # Read now: the next request empties the connection's query log these slice.
    rendered_sql = [q["sql"] for q in rendered.captured_queries]
    if response.status_code != 200:
        raise BenchmarkError(f"GET {path} answered {response.status_code}")
    if TOPIC_SUBJECT.encode() not in response.content:
        raise BenchmarkError(f"GET {path} lacks the thread's title")
    client.get(path)  # a member's browser sends back the CSRF cookie the render set
    with CaptureQueriesContext(connection) as kept:
        kept_response = client.get(path)
    if kept_response.content != response.content:
        raise BenchmarkError(f"GET {path}: the kept page differs from the rendered one")
    return {
        "rendered": len(rendered_sql),
        "kept": len(kept),
        "bytes": len(response.content),
        "sql": rendered_sql,
    }


def _login(user) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _load(urls: list[str], *, clients: int, cookies: list[str] = ()) -> dict:
    """load.py on each URL at once, the clients split evenly; figures summed over the URLs."""
    share = clients // len(urls)
    commands = [
        [
            sys.executable,
            str(LOAD_PY),
            "--url",
            url,
            "--concurrency",
            str(share),
            "--seconds",
            str(SECONDS),
            "--warmup",
            str(WARMUP_S),
            "--expect-text",
            TOPIC_SUBJECT,
            *(arg for cookie in cookies for arg in ("--cookie", cookie)),
        ]  # fmt: skip
        for url in urls
    ]
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, text=True)  # noqa: S603 - fixed argv
        for command in commands
    ]
    results = []
    for process in processes:
        out, _err = process.communicate(timeout=SECONDS + WARMUP_S + 120)
        if process.returncode:
            raise BenchmarkError(f"load.py failed ({process.returncode}): {out[-500:]}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    total = {
        "rps": sum(r["rps"] for r in results),
        "requests": sum(r["requests"] for r in results),
        "errors": sum(r["errors"] for r in results),
        "p50_ms": max(r["p50_ms"] or 0 for r in results),
        "p95_ms": max(r["p95_ms"] or 0 for r in results),
        "response_bytes": results[0]["response_bytes"],
        "parts": results,
    }
    harness.progress(
        f"{len(urls)} server(s), {clients} clients: {total['rps']:.1f} req/s, "
        f"p95 {total['p95_ms']:.0f} ms, {total['errors']} errors"
    )
    return total


def _machina(database_url: str) -> dict:
    """machina's own run.sh (its virtualenv, its database on the same server): one JSON line."""
    venv = os.environ.get("PEER_MACHINA_VENV", str(harness.RESULTS_DIR / "peer-machina-venv"))
    scratch = harness.RESULTS_DIR / "peer-machina"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PEER_MACHINA_VENV": venv,
        "PEER_MACHINA_TMP": str(scratch),
        "BENCH_CONCURRENCY": str(CLIENTS),
        "BENCH_SECONDS": str(SECONDS),
        "BENCH_WARMUP": str(WARMUP_S),
        "BENCH_PORT": str(harness._free_port()),
    }
    harness.progress(f"machina: run.sh (virtualenv {harness.relative(Path(venv))})…")
    done = subprocess.run(  # noqa: S603 - fixed argv
        ["bash", str(PEER_DIR / "run.sh")],  # noqa: S607
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    (scratch / "run.log").parent.mkdir(parents=True, exist_ok=True)
    (scratch / "run.log").write_text(done.stderr)
    if done.returncode:
        raise BenchmarkError(f"machina's run.sh failed:\n{done.stderr[-2000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    harness.progress(
        f"machina: {result['rps']} req/s, p95 {result['p95_ms']} ms, "
        f"{result['sql_queries']} queries, {result['response_bytes']} bytes"
    )
    return result


def _peer_database_url() -> str:
    """A database of machina's own on the benchmark's PostgreSQL server, created if missing."""
    from django.db import connection

    name = f"{connection.settings_dict['NAME']}_machina"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(os.environ["DATABASE_URL"])
    return parts._replace(path=f"/{name}").geturl()


@benchmark("discussion")
def discussion() -> Report:
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return Report(context={}, rows=[], skipped="needs a PostgreSQL DATABASE_URL, as machina's")
    database = harness.setup_django()
    from django.conf import settings

    peer = _machina(_peer_database_url())
    seeded = _seed()
    try:
        path, reader = seeded["path"], seeded["reader"]
        anonymous_q = _count_queries(path)
        member_q = _count_queries(path, reader)
        harness.progress(
            f"first screen: anonymous {anonymous_q['rendered']} queries rendered, "
            f"{anonymous_q['kept']} kept, {anonymous_q['bytes']} bytes; signed in "
            f"{member_q['rendered']} rendered, {member_q['kept']} kept, {member_q['bytes']} bytes"
        )
        cookie = f"{settings.SESSION_COOKIE_NAME}={_login(reader)}"
        with harness.asgi_server(log_name="discussion") as server:
            anonymous = _load([server.base_url + path], clients=CLIENTS)
            signed_in = _load([server.base_url + path], clients=CLIENTS, cookies=[cookie])
            one_process_cpu = server.cpu_seconds()
        with ExitStack() as stack:
            servers = [
                stack.enter_context(harness.asgi_server(log_name=f"discussion-{n}")) for n in (1, 2)
            ]
            two = _load([s.base_url + path for s in servers], clients=CLIENTS)
    finally:
        if not database.disposable:
            _unseed()

    name = f"first screen, {POSTS}-post thread"
    rows = [
        Row(name, "anonymous req/s vs machina page 1", anonymous["rps"], peer["rps"], "ratio ≥ 2"),
        Row(name, "p95 ms, anonymous vs machina", anonymous["p95_ms"], peer["p95_ms"]),
        Row(
            name,
            "queries, anonymous, rendered",
            anonymous_q["rendered"],
            peer["sql_queries"],
            "value ≤ 12",
        ),
        Row(name, "queries, anonymous, kept page", anonymous_q["kept"], peer["sql_queries"]),
        Row(
            name,
            "queries, signed in, rendered",
            member_q["rendered"],
            peer["sql_queries"],
            "value ≤ 12",
        ),
        Row(name, "queries, signed in, kept page", member_q["kept"], peer["sql_queries"]),
        Row(
            name,
            "KB, anonymous",
            anonymous_q["bytes"] / 1024,
            peer["response_bytes"] / 1024,
            "≤ 60",
        ),
        Row(name, "KB, signed in", member_q["bytes"] / 1024, peer["response_bytes"] / 1024, "≤ 60"),
        Row(
            name,
            "signed-in req/s vs anonymous",
            signed_in["rps"],
            anonymous["rps"],
            "ratio ≥ 0.667 (1/1.5)",
        ),
        Row(name, "2 processes req/s vs 1", two["rps"], anonymous["rps"], "reported"),
        Row(name, "errors", anonymous["errors"] + signed_in["errors"] + two["errors"], None, "0"),
    ]
    goals = {
        "req/s ≥ 2× machina": anonymous["rps"] >= GOAL_RPS_RATIO * peer["rps"],
        "queries ≤ 12": max(anonymous_q["rendered"], member_q["rendered"]) <= GOAL_QUERIES,
        "≤ 60 KB": max(anonymous_q["bytes"], member_q["bytes"]) <= GOAL_KB * 1024,
        "signed in within 1.5× of anonymous": signed_in["rps"]
        >= GOAL_SIGNED_IN_RATIO * anonymous["rps"],
    }
    failures = [
        f"{label}: {result['errors']} errors {result['parts'][0]['error_kinds']}"
        for label, result in (
            ("anonymous", anonymous),
            ("signed in", signed_in),
            ("2 processes", two),
        )
        if result["errors"]
    ]
    context = {
        "database": database.description,
        "servers": (
            f"Maillage: {harness.asgi_server_name()}, one process "
            f"({'DEBUG on' if settings.DEBUG else 'DEBUG off'}); then two such processes, "
            "the clients split evenly between them. "
            f"machina: {peer['stack']}"
        ),
        "thread": (
            f"{POSTS} posts by {USERS} members, {seeded['words_per_post_mean']} words a post "
            "(bench/peers/machina/corpus.py, fixed seed), spread over a month; Maillage: a "
            f"public community, the publication and {POSTS - 1} replies, one in "
            f"{REACTION_EVERY} with a reaction"
        ),
        "load": (
            f"load.py, {CLIENTS} closed-loop keep-alive clients, {WARMUP_S} s warm-up then "
            f"{SECONDS} s measured, every answer a 200 holding the thread's title; signed in: "
            "the reader's session cookie"
        ),
        "queries": (
            "counted in-process (django.test.Client, same settings), warm: 'rendered' right "
            "after a write (no kept page answers), 'kept page' when the page kept for every "
            "visitor, or for the member's session, answers"
        ),
        "pages kept": (
            "anonymous: the page kept in the process for every visitor; signed in: the page "
            "kept in Redis for the session (load.py sends back the CSRF cookie a browser "
            "holds); both until anything is written (maillage.cache_pages)"
        ),
        "goals": "; ".join(f"{goal}: {'met' if met else 'NOT MET'}" for goal, met in goals.items()),
    }
    details = {
        "server_log": harness.relative(server.log_path),
        "machina": peer,
        "anonymous": anonymous,
        "signed_in": signed_in,
        "two_processes": two,
        "one_process_server_cpu_s": one_process_cpu,
        "sql": {"anonymous": anonymous_q["sql"], "signed_in": member_q["sql"]},
        "goals": goals,
    }
    return Report(context=context, rows=rows, details=details, failures=failures)
