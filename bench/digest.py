"""`digest`: the daily e-mail digest for 10,000 members, against as many trivial e-mails."""

import contextlib
import cProfile
import gc
import os
import pstats
import time

from bench import harness
from bench._formations import catalogue_tree, quiet_logs
from bench.harness import BenchmarkError, Report, Row, benchmark

# BENCH_DIGEST_MEMBERS: a smaller run while working on the digest; the figures of record
# are the 10,000 members'. BENCH_DIGEST_PROFILE=1 runs the digest under cProfile and keeps
# results/digest.prof and results/digest-profile.txt (the figures then include its overhead).
MEMBERS = int(os.environ.get("BENCH_DIGEST_MEMBERS") or 10_000)
PROFILE = os.environ.get("BENCH_DIGEST_PROFILE", "") not in ("", "0")
# Goal: a member's digest costs at most four trivial two-part e-mails (ms per member).
GOAL_RATIO = 4
COMMUNITIES = 50
MEMBERSHIPS_PER_MEMBER = 3
PUBLICATIONS_PER_COMMUNITY = 12  # every fourth one a question, every sixth an event
FORMATIONS = 20
SESSIONS = 100
BATCH = 500
PREFIX = "bench-digest-"


def _seed(programme) -> dict:
    """Members with profiles, communities with publications, sessions in their territory."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from communautes.models import Adhesion, Communaute, Publication
    from formations.models import FormationPage, Session
    from maillage.models import Commune, Profil, Territoire, Thematique

    User = get_user_model()
    departement, _ = Territoire.objects.get_or_create(
        niveau=Territoire.Niveau.DEPARTEMENT, code="bdig-35", defaults={"nom": "Dép. essai"}
    )
    commune, _ = Commune.objects.get_or_create(
        code_insee="99997", defaults={"nom": "Commune d'essai (digest)", "departement": departement}
    )
    thematiques = [
        Thematique.objects.get_or_create(slug=f"{PREFIX}{n}", defaults={"nom": f"Thème {n}"})[0]
        for n in range(3)
    ]
    harness.progress(f"creating {MEMBERS} members with profiles…")
    auteur = User.objects.create(username=f"{PREFIX}auteur", email=f"{PREFIX}a@maillage.invalid")
    users = User.objects.bulk_create(
        User(
            username=f"{PREFIX}{n}",
            email=f"{PREFIX}{n}@maillage.invalid",
            first_name="Camille",
            last_name=f"Essai {n}",
        )
        for n in range(MEMBERS)
    )
    profils = Profil.objects.bulk_create(
        Profil(user=user, frequence_resume=Profil.FrequenceResume.QUOTIDIEN) for user in users
    )
    Profil.territoires.through.objects.bulk_create(
        Profil.territoires.through(profil=p, territoire=departement) for p in profils
    )
    Profil.thematiques.through.objects.bulk_create(
        Profil.thematiques.through(profil=p, thematique=thematiques[i % 3])
        for i, p in enumerate(profils)
    )
    communautes = Communaute.objects.bulk_create(
        Communaute(nom=f"Communauté d'essai {n}", slug=f"{PREFIX}{n}", nature="thematique")
        for n in range(COMMUNITIES)
    )
    Adhesion.objects.bulk_create(
        Adhesion(
            user=user,
            communaute=communautes[(i + k * 7) % COMMUNITIES],
            etat=Adhesion.Etat.ACTIVE,
            niveau_notification="resume" if k else "tout",
        )
        for i, user in enumerate(users)
        for k in range(MEMBERSHIPS_PER_MEMBER)
    )
    Publication.objects.bulk_create(
        Publication(
            communaute=c,
            auteur=auteur,
            titre=f"Sujet {n} de {c.nom}",
            corps="<p>Comment accueillez-vous les jeunes sans rendez-vous ?</p>",
            nature="question" if n % 4 == 0 else "evenement" if n % 6 == 1 else "discussion",
        )
        for c in communautes
        for n in range(PUBLICATIONS_PER_COMMUNITY)
    )
    harness.progress(f"creating {FORMATIONS} formations and {SESSIONS} sessions…")
    formations = []
    for n in range(FORMATIONS):
        formation = FormationPage(
            title=f"Analyser la demande, module {n}", slug=f"digest-{n}", duree_heures=7
        )
        programme.add_child(instance=formation)
        formation.thematiques.set([thematiques[n % 3]])
        formation.save_revision().publish()
        formations.append(formation)
    debut = timezone.localdate()
    Session.objects.bulk_create(
        Session(
            formation=formations[n % FORMATIONS],
            commune=commune,
            ville="Rennes",
            date_debut=debut + timezone.timedelta(days=10 + n),
            date_fin=debut + timezone.timedelta(days=11 + n),
        )
        for n in range(SESSIONS)
    )
    return {"departement": departement, "commune": commune, "thematiques": thematiques}


def _cleanup(extra: dict | None) -> None:
    from django.contrib.auth import get_user_model

    from communautes.models import Communaute

    Communaute.objects.filter(slug__startswith=PREFIX).delete()
    get_user_model().objects.filter(username__startswith=PREFIX).delete()
    if extra:
        extra["commune"].delete()
        extra["departement"].delete()
        for thematique in extra["thematiques"]:
            thematique.delete()


@contextlib.contextmanager
def _collections():
    """Time spent by Python's garbage collector inside the block: {"s", "full"}.

    Each timed part starts from a full collection, so neither pays for the garbage left by
    the seeding or by the other.
    """
    gc.collect()
    totals = {"s": 0.0, "full": 0}
    started = [0.0]

    def watch(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            totals["s"] += time.perf_counter() - started[0]
            totals["full"] += info["generation"] == 2

    gc.callbacks.append(watch)
    try:
        yield totals
    finally:
        gc.callbacks.remove(watch)


def _baseline(users: list) -> float:
    """Render a two-part e-mail from a trivial template per member and send them all."""
    from django.core.mail import EmailMultiAlternatives, get_connection
    from django.template import engines

    django_engine = engines["django"]
    texte = django_engine.from_string("Bonjour {{ nom }},\n\nRien de neuf.\n")
    html = django_engine.from_string("<p>Bonjour {{ nom }},</p><p>Rien de neuf.</p>")
    started = time.perf_counter()
    messages = []
    for user in users:
        contexte = {"nom": user.get_full_name()}
        message = EmailMultiAlternatives("Résumé", texte.render(contexte), to=[user.email])
        message.attach_alternative(html.render(contexte), "text/html")
        messages.append(message)
    get_connection().send_messages(messages)
    return time.perf_counter() - started


def _profile_write(profiler: cProfile.Profile) -> None:
    """Keep the raw profile and its 40 costliest functions, by own and cumulative time."""
    harness.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(harness.RESULTS_DIR / "digest.prof")
    with open(harness.RESULTS_DIR / "digest-profile.txt", "w") as out:
        stats = pstats.Stats(profiler, stream=out).strip_dirs()
        stats.sort_stats("tottime").print_stats(40)
        stats.sort_stats("cumulative").print_stats(40)
    harness.progress("profile: results/digest.prof, results/digest-profile.txt")


@benchmark("digest")
def digest() -> Report:
    database = harness.setup_django()
    quiet_logs()
    from django.contrib.auth import get_user_model
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    from communautes.models import ResumeEnvoi
    from communautes.notifications.digest import digest_send

    failures: list[str] = []
    extra = None
    _cleanup(None)  # left over by an interrupted run
    try:
        with (
            catalogue_tree(cleanup=not database.disposable) as tree,
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        ):
            extra = _seed(tree.programme)
            ResumeEnvoi.objects.filter(user__username__startswith=PREFIX).delete()
            batches: list[int] = []
            harness.progress(f"sending the daily digest to {MEMBERS} members…")
            mail.outbox = []
            profiler = cProfile.Profile() if PROFILE else None
            with _collections() as collections, CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                if profiler:
                    profiler.enable()
                stats = digest_send(
                    frequence="quotidien",
                    batch_size=BATCH,
                    progress=lambda s: batches.append(len(queries.captured_queries)),
                )
                if profiler:
                    profiler.disable()
                elapsed = time.perf_counter() - started
            if profiler:
                _profile_write(profiler)
            ours = [m for m in mail.outbox if m.to[0].startswith(PREFIX)]
            sent = len(ours)
            if sent != MEMBERS:
                failures.append(f"{sent} digests sent to the {MEMBERS} members")
            sample = ours[0].body if ours else ""
            del ours  # not kept in memory while the baseline runs
            for expected in ("Sujet", "Questions sans réponse", "Événements", "Analyser"):
                if expected not in sample:
                    failures.append(f"the digest lacks {expected!r}")
            # The first batch also pays the run's setup (sessions, site root): left out.
            per_batch = [b - a for a, b in zip(batches, batches[1:], strict=False)]
            harness.progress(f"{elapsed:.1f} s, {len(queries)} queries; rerunning…")
            mail.outbox = []
            started = time.perf_counter()
            rerun = digest_send(frequence="quotidien", batch_size=BATCH)
            rerun_s = time.perf_counter() - started
            if rerun["envoyes"] or mail.outbox:
                failures.append("the rerun sent digests again")
            users = list(
                get_user_model()
                .objects.filter(username__startswith=PREFIX)
                .exclude(username=f"{PREFIX}auteur")
                .only("email", "first_name", "last_name")
            )
            harness.progress("baseline: the same number of trivial e-mails…")
            mail.outbox = []
            with _collections() as baseline_collections:
                baseline_s = _baseline(users)
    finally:
        if not database.disposable:
            _cleanup(extra)
    if not sent:
        raise BenchmarkError("no digest was sent")
    name = f"daily digest, {MEMBERS} members"
    per_member = elapsed * 1000 / MEMBERS
    baseline_per_member = baseline_s * 1000 / MEMBERS
    goal_met = per_member <= GOAL_RATIO * baseline_per_member
    table = [
        Row(name, "total s", elapsed, baseline_s),
        Row(name, "ms per member", per_member, baseline_per_member, f"ratio ≤ {GOAL_RATIO}"),
        Row(name, "garbage collection s", collections["s"], baseline_collections["s"]),
        Row(name, "queries per member", len(queries) / MEMBERS),
        Row(name, f"queries per batch of {BATCH} (max)", max(per_batch or [0])),
        Row(name, "digests sent", stats["envoyes"]),
        Row(name, "rerun: digests sent", rerun["envoyes"]),
        Row(name, "rerun s", rerun_s),
    ]
    context = {
        "database": database.description,
        "data": (
            f"{MEMBERS} members (3 memberships each, daily digest, one département, one of "
            f"3 thématiques), {COMMUNITIES} communities × {PUBLICATIONS_PER_COMMUNITY} new "
            f"publications, {SESSIONS} new sessions of {FORMATIONS} formations"
        ),
        "baseline": "the same number of two-part e-mails from a one-line template, locmem",
        "mail": "django.core.mail.backends.locmem.EmailBackend",
        "goals": f"ms per member ≤ {GOAL_RATIO}× the trivial e-mail's: "
        + ("met" if goal_met else "NOT MET"),
    }
    if PROFILE:
        context["profile"] = "cProfile on (results/digest.prof): the digest's figures include it"
    return Report(
        context=context,
        rows=table,
        details={
            "stats": stats,
            "rerun": rerun,
            "queries_per_batch": per_batch,
            "garbage_collection": {"digest": collections, "baseline": baseline_collections},
            "goal_met": goal_met,
        },
        failures=failures,
    )
