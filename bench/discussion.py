"""`discussion`: a publication page with 300 replies against the same page with 10 replies."""

import math

from bench import harness
from bench.harness import BenchmarkError, LoadResult, Report, Row, benchmark

LONG, SHORT = 300, 10  # replies of the measured discussion and of the baseline one
AUTHORS = 30  # replies come from this many members, in turn
REACTION_EVERY = 3  # one reply in three carries a reaction
CONCURRENCY = 4
REQUESTS = 400  # per page, split over the rounds
ROUNDS = 2
TIME_LIMIT_S = 15.0
WARMUP = 20
# A request the client gives up on leaves its database connection to a killed task: wait.
REQUEST_TIMEOUT_S = 60.0
PREFIX = "bench-discussion"


def _seed() -> dict:
    """A members-only community, a signed-in reader, two discussions (300 and 10 replies)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

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
            first_name=f"Prénom{n}",
            last_name=f"Auteur{n}",
        )
        for n in range(AUTHORS)
    )
    communaute = Communaute.objects.create(
        nom="Discussion d'essai",
        slug=PREFIX,
        nature=Communaute.Nature.THEMATIQUE,
        visibilite=Communaute.Visibilite.MEMBRES,
    )
    Adhesion.objects.bulk_create(
        Adhesion(user=user, communaute=communaute, etat=Adhesion.Etat.ACTIVE, role=role)
        for user, role in [
            (reader, Adhesion.Role.MEMBRE),
            *((author, Adhesion.Role.MEMBRE) for author in authors),
        ]
    )
    pages = {}
    for count in (LONG, SHORT):
        publication = Publication.objects.create(
            communaute=communaute,
            auteur=authors[0],
            nature=Publication.Nature.QUESTION,
            titre=f"Une question à {count} réponses",
            corps="<p>Comment organisez-vous le premier entretien d'un jeune ?</p>",
        )
        reponses = Reponse.objects.bulk_create(
            Reponse(
                publication=publication,
                auteur=authors[n % AUTHORS],
                corps=f"<p>Réponse {n} : <strong>notre pratique</strong>, en quelques lignes "
                "pour que la page ait un poids réaliste.</p>",
            )
            for n in range(count)
        )
        Reaction.objects.bulk_create(
            Reaction(user=authors[(n + 1) % AUTHORS], reponse=reponse, nature="utile")
            for n, reponse in enumerate(reponses)
            if n % REACTION_EVERY == 0
        )
        Reaction.objects.create(user=reader, publication=publication, nature="merci")
        pages[count] = publication.get_absolute_url()
    return {"reader": reader, "pages": pages}


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


def _count_queries(reader, path: str) -> tuple[int, int]:
    """Queries and bytes of one signed-in GET, rendered in this process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(reader)
    client.get(path)  # warm caches (site root, content types) as the server has them
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    if response.status_code != 200:
        raise BenchmarkError(f"GET {path} answered {response.status_code}")
    return len(queries), len(response.content)


def _login(user) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _measure(server: harness.Server, pages: dict[int, str], cookie: dict) -> dict:
    for count, path in pages.items():
        warmup = harness.measure(
            server,
            path,
            requests=WARMUP,
            concurrency=CONCURRENCY,
            headers=cookie,
            request_timeout_s=REQUEST_TIMEOUT_S,
        )
        if warmup.error_count:
            raise BenchmarkError(
                f"GET {path} ({count} replies) failed during warm-up: {dict(warmup.errors)}; "
                f"see {harness.relative(server.log_path)}"
            )
    runs: dict[int, list[LoadResult]] = {count: [] for count in pages}
    for round_number in range(1, ROUNDS + 1):
        for count, path in pages.items():
            result = harness.measure(
                server,
                path,
                requests=REQUESTS // ROUNDS,
                concurrency=CONCURRENCY,
                headers=cookie,
                time_limit_s=TIME_LIMIT_S,
                request_timeout_s=REQUEST_TIMEOUT_S,
            )
            runs[count].append(result)
            harness.progress(
                f"round {round_number}/{ROUNDS} {count} replies: "
                f"{result.requests_per_s:.0f} req/s, p95 {result.percentile_ms(95):.1f} ms, "
                f"{result.server_cpu_ms_per_request or math.nan:.2f} server CPU ms/request"
            )
    return {count: LoadResult.merge(results) for count, results in runs.items()}


@benchmark("discussion")
def discussion() -> Report:
    database = harness.setup_django()
    from django.conf import settings

    seeded = _seed()
    try:
        reader, pages = seeded["reader"], seeded["pages"]
        counted = {count: _count_queries(reader, path) for count, path in pages.items()}
        harness.progress(
            "queries per page: "
            + ", ".join(f"{count} replies → {q}" for count, (q, _size) in counted.items())
        )
        cookie = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={_login(reader)}"}
        with harness.asgi_server(log_name="discussion") as server:
            merged = _measure(server, pages, cookie)
    finally:
        if not database.disposable:
            _unseed()

    long, short = merged[LONG], merged[SHORT]
    name = f"publication page, {LONG} replies"
    rows = [
        Row(name, "queries", counted[LONG][0], counted[SHORT][0]),
        Row(name, "response KB", counted[LONG][1] / 1024, counted[SHORT][1] / 1024),
        Row(name, "requests/s", long.requests_per_s, short.requests_per_s),
        *(Row(name, f"p{p} ms", long.percentile_ms(p), short.percentile_ms(p)) for p in (50, 95)),
        Row(
            name,
            "server CPU ms/request",
            long.server_cpu_ms_per_request,
            short.server_cpu_ms_per_request,
        ),
        Row(name, "errors", long.error_count, short.error_count),
    ]
    failures = [
        f"{count} replies: {result.error_count} errors {dict(result.errors)}"
        for count, result in merged.items()
        if result.error_count
    ]
    if counted[LONG][0] != counted[SHORT][0]:
        failures.append(
            f"the page costs {counted[LONG][0]} queries with {LONG} replies and "
            f"{counted[SHORT][0]} with {SHORT}: it must not depend on the length"
        )
    context = {
        "database": database.description,
        "server": f"{server.description}, DEBUG {'on' if settings.DEBUG else 'off'}",
        "page": (
            f"GET /communautes/<slug>/publications/<pk>/ signed in as an active member of a "
            f"members-only community; replies by {AUTHORS} members, one in {REACTION_EVERY} "
            "with a reaction"
        ),
        "load": (
            f"{CONCURRENCY} concurrent keep-alive connections, {REQUESTS} GET per page in "
            f"{ROUNDS} interleaved rounds of at most {TIME_LIMIT_S:.0f} s, after {WARMUP} warm-up"
        ),
        "queries": "counted in-process (django.test.Client, same settings), second request",
        "baseline": f"the same page for a discussion with {SHORT} replies",
        "ratio": "value / baseline (queries: 1.000 means independent of the length)",
    }
    details = {
        "server_log": harness.relative(server.log_path),
        "queries": {str(count): q for count, (q, _size) in counted.items()},
        "merged": {str(count): result.summary() for count, result in merged.items()},
    }
    return Report(context=context, rows=rows, details=details, failures=failures)
