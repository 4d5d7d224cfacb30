"""`pages`: throughput and latency of the home page and the dashboard against a bare Django view."""

from bench import harness
from bench.harness import LoadResult, Report, Row, benchmark

CONCURRENCY = 16
REQUESTS = 2000  # per URL, split over the rounds
ROUNDS = 2  # rounds interleave the URLs so that a slow spell of the machine hits them all
TIME_LIMIT_S = 8.0  # per URL and round: the measure takes at most 4 URLs x 2 rounds x 8 s
WARMUP = 100
WARMUP_TIME_LIMIT_S = 3.0

BARE = "/bench/bare/"
HOME = "/"
DASHBOARD = "/tableau-de-bord/"
USERNAME = "bench-pages"


def _seed() -> list:
    """A verified account with a complete profile; returns the rows to delete, in order."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from maillage import services
    from maillage.models import Commune, Reseau, Structure, Territoire, Thematique

    User = get_user_model()
    User.objects.filter(username=USERNAME).delete()  # left over by an interrupted run
    region, _ = Territoire.objects.get_or_create(
        niveau=Territoire.Niveau.REGION, code="bench-r", defaults={"nom": "Région d'essai"}
    )
    departement, _ = Territoire.objects.get_or_create(
        niveau=Territoire.Niveau.DEPARTEMENT,
        code="bench-d",
        defaults={"nom": "Département d'essai", "parent": region},
    )
    commune, _ = Commune.objects.get_or_create(
        code_insee="99999", defaults={"nom": "Commune d'essai", "departement": departement}
    )
    reseau, _ = Reseau.objects.get_or_create(
        slug="bench-reseau", defaults={"nom": "Réseau d'essai"}
    )
    thematiques = [
        Thematique.objects.get_or_create(slug=f"bench-thematique-{n}", defaults={"nom": nom})[0]
        for n, nom in enumerate(["Accueil (essai)", "VAE (essai)", "CEP (essai)"])
    ]
    structure, _ = Structure.objects.get_or_create(
        nom="Structure d'essai", reseau=reseau, commune=commune
    )
    user = User.objects.create_user(username=USERNAME, email=f"{USERNAME}@maillage.invalid")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    services.profil_update(
        user=user,
        first_name="Camille",
        last_name="Essai",
        structure=structure,
        fonction="Conseillère en évolution professionnelle",
        territoires=[departement],
        thematiques=thematiques,
    )
    return [user, structure, *thematiques, reseau, commune, departement, region]


def _login(user) -> tuple[str, str]:
    """Open a real session for `user` in the database; returns its key and a CSRF secret.

    A browser sends both cookies on every page after its first: the CSRF cookie is set by
    the first page with a form, and signed-in pages are kept per CSRF secret.
    """
    from django.conf import settings
    from django.test import Client
    from django.utils.crypto import get_random_string

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value, get_random_string(32)


def _unseed(rows: list, session_key: str | None) -> None:
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key=session_key).delete()
    for row in rows:
        row.delete()


def _measure(server: harness.Server, session_key: str, csrf: str) -> dict[str, list[LoadResult]]:
    from django.conf import settings

    cookies = {settings.SESSION_COOKIE_NAME: session_key, settings.CSRF_COOKIE_NAME: csrf}
    logged_in = {"Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())}
    targets = {
        "bare, anonymous": (BARE, {}),
        "home": (HOME, {}),
        "bare, logged in": (BARE, logged_in),
        "dashboard": (DASHBOARD, logged_in),
    }
    return harness.interleaved(
        server,
        targets,
        requests=REQUESTS,
        rounds=ROUNDS,
        concurrency=CONCURRENCY,
        time_limit_s=TIME_LIMIT_S,
        warmup=WARMUP,
        warmup_time_limit_s=WARMUP_TIME_LIMIT_S,
    )


@benchmark("pages")
def pages() -> Report:
    database = harness.setup_django()
    from django.conf import settings

    rows = _seed()
    session_key = None
    try:
        session_key, csrf = _login(rows[0])
        with harness.asgi_server(log_name="pages") as server:
            runs = _measure(server, session_key, csrf)
    finally:
        if not database.disposable:
            _unseed(rows, session_key)

    merged = {label: LoadResult.merge(results) for label, results in runs.items()}
    # Goals of issue #12: requests/s as a share of the bare view's in the same run.
    comparisons = [
        (f"home {HOME}", merged["home"], merged["bare, anonymous"], "ratio ≥ 0.8"),
        (f"dashboard {DASHBOARD}", merged["dashboard"], merged["bare, logged in"], "ratio ≥ 0.5"),
    ]
    table = []
    for name, page, bare, goal in comparisons:
        table += [
            Row(name, "requests/s", page.requests_per_s, bare.requests_per_s, goal),
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
        ]
    context = {
        "database": database.description,
        "server": f"{server.description}, DEBUG {'on' if settings.DEBUG else 'off'}",
        "load": (
            f"{CONCURRENCY} concurrent keep-alive connections, {REQUESTS} GET per URL in "
            f"{ROUNDS} interleaved rounds of at most {TIME_LIMIT_S:.0f} s, after {WARMUP} warm-up"
        ),
        "baseline": (
            f"GET {BARE} (HttpResponse('ok') behind the whole middleware stack), anonymous for "
            "the home page, with the same session and CSRF cookies for the dashboard"
        ),
        "ratio": "value / baseline (requests/s: below 1 is slower; latency: above 1 is slower)",
    }
    limited = [
        f"{label} ({result.succeeded + result.error_count}/{result.planned})"
        for label, result in merged.items()
        if result.time_limited
    ]
    if limited:
        context["time budget reached (requests done/planned)"] = ", ".join(limited)
    failures = [
        f"{label}: {result.error_count} errors {dict(result.errors)}"
        for label, result in merged.items()
        if result.error_count
    ]
    details = {
        "server_log": harness.relative(server.log_path),
        "merged": {label: result.summary() for label, result in merged.items()},
        "rounds": {label: [r.summary() for r in results] for label, results in runs.items()},
    }
    return Report(context=context, rows=table, details=details, failures=failures)
