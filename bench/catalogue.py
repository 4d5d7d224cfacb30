"""`catalogue`: the catalogue list page with 500 open sessions against a bare Django view."""

import datetime
import math

from bench import harness
from bench._formations import catalogue_tree, quiet_logs
from bench.harness import BenchmarkError, LoadResult, Report, Row, benchmark

FORMATIONS = 50
SESSIONS = 500
FIRST_BATCH = 20  # sessions present when the query count is taken a first time
CONCURRENCY = 16
REQUESTS = 1000  # per URL, split over the rounds
ROUNDS = 2
TIME_LIMIT_S = 8.0
WARMUP = 50
WARMUP_TIME_LIMIT_S = 5.0
BARE = "/bench/bare/"
USERNAME_PREFIX = "bench-catalogue-"
COMMUNE = "99998"


def _seed_formations(programme) -> tuple[list, object, list, list]:
    """Formations with thématiques, a commune for their sessions, a few participants."""
    from django.contrib.auth import get_user_model

    from formations.models import FormationPage
    from maillage.models import Commune, Territoire, Thematique

    departement, _ = Territoire.objects.get_or_create(
        niveau=Territoire.Niveau.DEPARTEMENT,
        code="bench-35",
        defaults={"nom": "Département d'essai"},
    )
    commune, _ = Commune.objects.get_or_create(
        code_insee=COMMUNE, defaults={"nom": "Commune d'essai", "departement": departement}
    )
    thematiques = [
        Thematique.objects.get_or_create(slug=f"{USERNAME_PREFIX}{n}", defaults={"nom": nom})[0]
        for n, nom in enumerate(["Accueil (essai)", "VAE (essai)", "CEP (essai)"])
    ]
    formations = []
    for n in range(FORMATIONS):
        formation = FormationPage(
            title=f"Accueillir et analyser la demande, module {n}",
            slug=f"module-{n}",
            objectifs="<p>Conduire un premier entretien.</p>",
            modalite=n % 3,
            duree_heures=14,
            organisme=f"Organisme {n % 7}",
        )
        programme.add_child(instance=formation)
        formation.thematiques.set([thematiques[n % 3]])
        formations.append(formation)
    User = get_user_model()
    User.objects.filter(username__startswith=USERNAME_PREFIX).delete()
    User.objects.bulk_create(
        User(username=f"{USERNAME_PREFIX}{n}", email=f"{USERNAME_PREFIX}{n}@maillage.invalid")
        for n in range(10)
    )
    users = list(User.objects.filter(username__startswith=USERNAME_PREFIX))
    return formations, commune, users, [*thematiques, commune, departement]


def _add_sessions(formations, commune, users, numbers: range) -> None:
    from django.utils import timezone

    from formations.models import Inscription, Session

    today = timezone.localdate()
    sessions = Session.objects.bulk_create(
        Session(
            formation=formations[n % FORMATIONS],
            date_debut=today + datetime.timedelta(days=7 + n // 5),
            date_fin=today + datetime.timedelta(days=8 + n // 5),
            adresse=f"{n % 90 + 1} rue de la Formation",
            code_postal="35000",
            ville="Rennes",
            commune=commune,
            capacite=12,
        )
        for n in numbers
    )
    # A few enrolments so that "places left" counts something.
    Inscription.objects.bulk_create(
        Inscription(session=session, user=user, etat=Inscription.Etat.CONFIRMEE)
        for session in sessions[::4]
        for user in users[:3]
    )


def _index_sessions() -> None:
    """With OpenSearch, the catalogue reads the sessions index: rebuilt after the bulk seed."""
    from formations.catalogue.engine import SESSIONS_INDEX, sessions_index_enabled
    from recherche import sync

    if sessions_index_enabled():
        sync.rebuild(indexes=[SESSIONS_INDEX])


def _backends() -> list[tuple[str, str]]:
    """The search backends to measure: (label, OPENSEARCH_URL for the server), OpenSearch
    first when this run has it, the database always."""
    from django.conf import settings

    backends = [("database", "")]
    if settings.OPENSEARCH_URL:
        backends.insert(0, ("OpenSearch", settings.OPENSEARCH_URL))
    return backends


def _query_count(client, path: str) -> tuple[int, bytes]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from maillage.cache_pages import contenus_changed

    # Sessions went in with bulk_create, which sends no signal: retire the cached pages.
    contenus_changed()
    client.get(path)  # caches (site root paths, content types) are warm afterwards
    # What a render costs: a cookie keeps the anonymous page cache out of the way.
    client.cookies["bench-rendu"] = "1"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    del client.cookies["bench-rendu"]
    if response.status_code != 200:
        raise BenchmarkError(f"GET {path} in process: HTTP {response.status_code}")
    return len(queries), response.content


def _measure(server: harness.Server, targets: dict[str, str]) -> dict[str, list[LoadResult]]:
    return harness.interleaved(
        server,
        {label: (path, {}) for label, path in targets.items()},
        requests=REQUESTS,
        rounds=ROUNDS,
        concurrency=CONCURRENCY,
        time_limit_s=TIME_LIMIT_S,
        warmup=WARMUP,
        warmup_time_limit_s=WARMUP_TIME_LIMIT_S,
    )


def _counts(client, url: str, last_page: str, opensearch_url: str) -> dict[str, int]:
    """Queries of a render of page 1 and of the last page, with one backend."""
    from django.test import override_settings

    with override_settings(OPENSEARCH_URL=opensearch_url):
        return {
            "page_1": _query_count(client, url)[0],
            "last_page": _query_count(client, last_page)[0],
        }


def _render_cpu_ms(client, path: str, opensearch_url: str, renders: int = 10) -> float:
    """CPU ms of rendering the page in process, the anonymous page cache kept out of the way
    (what a visitor pays after a write, and what every filter combination costs once)."""
    import time

    from django.test import override_settings

    client.cookies["bench-rendu"] = "1"
    try:
        with override_settings(OPENSEARCH_URL=opensearch_url):
            client.get(path)
            started = time.process_time()
            for _ in range(renders):
                client.get(path)
            return (time.process_time() - started) * 1000 / renders
    finally:
        del client.cookies["bench-rendu"]


@benchmark("catalogue")
def catalogue() -> Report:
    database = harness.setup_django()
    quiet_logs()
    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings

    client = Client(HTTP_HOST="127.0.0.1")
    failures = []
    extra_rows: list = []
    backends = _backends()
    counts: dict[str, dict[str, int]] = {}
    runs: dict[str, dict[str, list[LoadResult]]] = {}
    servers = {}
    render_ms: dict[str, float] = {}
    try:
        with catalogue_tree(cleanup=not database.disposable) as tree:
            formations, commune, users, extra_rows = _seed_formations(tree.programme)
            url = tree.index.get_url()
            last_page = f"{url}?page={math.ceil(SESSIONS / 20)}"
            _add_sessions(formations, commune, users, range(FIRST_BATCH))
            _index_sessions()
            small = {
                label: _counts(client, url, last_page, search_url)["page_1"]
                for label, search_url in backends
            }
            _add_sessions(formations, commune, users, range(FIRST_BATCH, SESSIONS))
            _index_sessions()
            queries_bare, _ = _query_count(client, BARE)
            for label, search_url in backends:
                counts[label] = {
                    f"page_1_{FIRST_BATCH}_sessions": small[label],
                    **_counts(client, url, last_page, search_url),
                }
                with override_settings(OPENSEARCH_URL=search_url):
                    _, content = _query_count(client, url)
                if f"{SESSIONS} sessions".encode() not in content:
                    failures.append(
                        f"{label}: the catalogue does not list {SESSIONS} sessions (other "
                        "sessions in this database?)"
                    )
                render_ms[label] = _render_cpu_ms(client, url, search_url)
                harness.progress(f"queries ({label}): {counts[label]}, bare {queries_bare}")
            bare_ms = _render_cpu_ms(client, BARE, "")
            for label, search_url in backends:
                with harness.asgi_server(
                    log_name=f"catalogue-{label.lower()}", env={"OPENSEARCH_URL": search_url}
                ) as server:
                    servers[label] = server
                    runs[label] = _measure(server, {"bare": BARE, "catalogue": url})
    finally:
        if not database.disposable:
            get_user_model().objects.filter(username__startswith=USERNAME_PREFIX).delete()
            for row in extra_rows:
                row.delete()

    table = []
    merged_all = {}
    for label, _search_url in backends:
        merged = {name: LoadResult.merge(results) for name, results in runs[label].items()}
        merged_all[label] = merged
        page, bare = merged["catalogue"], merged["bare"]
        name = f"catalogue, {label} ({SESSIONS} sessions)"
        n = counts[label]
        table += [
            Row(name, "queries, page 1", n["page_1"], queries_bare, "= the next two"),
            Row(
                name,
                f"queries, page 1, {FIRST_BATCH} sessions only",
                n[f"page_1_{FIRST_BATCH}_sessions"],
                queries_bare,
            ),
            Row(name, "queries, last page", n["last_page"], queries_bare),
            Row(name, "requests/s", page.requests_per_s, bare.requests_per_s, "ratio ≥ 0.35"),
            *(
                Row(name, f"p{p} ms", page.percentile_ms(p), bare.percentile_ms(p))
                for p in (50, 95, 99)
            ),
            Row(
                name,
                "server CPU ms/request",
                page.server_cpu_ms_per_request,
                bare.server_cpu_ms_per_request,
            ),
            Row(name, "errors", page.error_count, bare.error_count),
            Row(name, "in-process render CPU ms (page cache bypassed)", render_ms[label], bare_ms),
        ]
        if len(set(n.values())) != 1:
            failures.append(f"{label}: the query count is NOT constant: {n}")
        failures += [
            f"{label}, {what}: {result.error_count} errors {dict(result.errors)}"
            for what, result in merged.items()
            if result.error_count
        ]
    server = next(iter(servers.values()))
    context = {
        "database": database.description,
        "catalogue backends": ", ".join(label for label, _ in backends)
        + ("" if len(backends) > 1 else " (no OPENSEARCH_URL: OpenSearch not measured)"),
        "server": f"{server.description}, one server per backend, one after the other",
        "data": (
            f"{SESSIONS} open sessions of {FORMATIONS} live formations (3 thématiques, one "
            "commune, 3 enrolments on every 4th session), 20 per page, anonymous visitor"
        ),
        "queries": (
            "counted in process with CaptureQueriesContext on a warm request that renders "
            f"the page; the same page with {FIRST_BATCH} then {SESSIONS} sessions, and the "
            "last page, must cost the same"
        ),
        "load": (
            f"{CONCURRENCY} concurrent keep-alive connections, {REQUESTS} GET per URL in "
            f"{ROUNDS} interleaved rounds of at most {TIME_LIMIT_S:.0f} s, after {WARMUP} warm-up"
        ),
        "baseline": f"GET {BARE} (HttpResponse('ok') behind the whole middleware stack)",
        "ratio": "value / baseline (requests/s: below 1 is slower; latency: above 1 is slower)",
        "machine": "2 cores shared with other work: latencies are noisy; CPU ms/request less so",
    }
    limited = [
        f"{label} {what} ({result.succeeded + result.error_count}/{result.planned})"
        for label, merged in merged_all.items()
        for what, result in merged.items()
        if result.time_limited
    ]
    if limited:
        context["time budget reached (requests done/planned)"] = ", ".join(limited)
    details = {
        "server_logs": {label: harness.relative(s.log_path) for label, s in servers.items()},
        "queries": {**counts, "bare": queries_bare},
        "merged": {
            label: {what: r.summary() for what, r in merged.items()}
            for label, merged in merged_all.items()
        },
        "rounds": {
            label: {what: [r.summary() for r in results] for what, results in rs.items()}
            for label, rs in runs.items()
        },
    }
    return Report(context=context, rows=table, details=details, failures=failures)
