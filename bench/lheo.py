"""`lheo`: import and export of generated LHEO 2.3 feeds (20,000 and 2,000 sessions), against
lxml on the same files: XML Schema validation, a bare streaming parse, a bare streaming write.

Each step runs in its own Python process (Django loaded in every one, so that memory
figures compare) which reports its duration, its CPU time and its peak RSS; `python -m
bench.lheo STEP PATH` is that process."""

import datetime
import gc
import io
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

from lxml import etree

from bench import harness
from bench._formations import REGION_CODE, catalogue_tree, quiet_logs
from bench.harness import BenchmarkError, Report, Row, benchmark

FORMATIONS = 2000
SESSIONS_PER_FORMATION = 10  # one action per formation
SESSIONS = FORMATIONS * SESSIONS_PER_FORMATION
# The smaller feed: memory must stay flat from it to the large one.
SMALL_FORMATIONS = 200
SMALL_SESSIONS = SMALL_FORMATIONS * SESSIONS_PER_FORMATION
FEED = harness.RESULTS_DIR / "lheo-feed.xml"
SMALL_FEED = harness.RESULTS_DIR / "lheo-feed-small.xml"
EXPORT = harness.RESULTS_DIR / "lheo-export.xml"
STEP_TIMEOUT_S = 1800
# Goals (issue "Speed"): the import faster than validating the feed against the schema;
# peak RSS under 200 MiB whatever the feed's size, no more than a few MiB above the small
# feed's at ten times its size.
GOAL_PEAK_RSS_MIB = 200
GOAL_FLAT_MIB = 5
SYNC_TASK = "formations.lheo.tasks.lheo_index_sync"
FORMATION_LABEL = "formations.formationpage"
NAMESPACE = "http://lheo.gouv.fr/2.3"
FIRST_DAY = datetime.date(2027, 1, 4)
HTML = (
    "&lt;p&gt;Module {n} : conduire un entretien d'accueil, analyser la demande et "
    "orienter vers le bon interlocuteur.&lt;/p&gt;&lt;ul&gt;&lt;li&gt;Apports&lt;/li&gt;"
    "&lt;li&gt;Mises en situation&lt;/li&gt;&lt;/ul&gt;"
)


def _q(tag: str) -> str:
    return f"{{{NAMESPACE}}}{tag}"


def _sub(parent, tag: str, text: str | None = None, **attrib: str):
    element = etree.SubElement(parent, _q(tag), attrib)
    if text is not None:
        element.text = text
    return element


def _address(parent, n: int) -> None:
    adresse = _sub(parent, "adresse")
    _sub(adresse, "ligne", f"{n % 90 + 1} rue de la Formation")
    _sub(adresse, "codepostal", f"35{n % 1000:03d}")
    _sub(adresse, "ville", f"Ville {n % 300}")
    _sub(adresse, "departement", "35")
    _sub(adresse, "code-INSEE-commune", f"35{n % 350 + 1:03d}")
    _sub(adresse, "region", "53")
    geolocalisation = _sub(adresse, "geolocalisation")
    _sub(geolocalisation, "latitude", f"{48 + (n % 1000) / 1000:.6f}")
    _sub(geolocalisation, "longitude", f"{-1.5 - (n % 1000) / 1000:.6f}")


def formation_element(n: int, prefix: str = "BENCH"):
    """The n-th generated <formation>: one action, SESSIONS_PER_FORMATION sessions."""
    formation = etree.Element(_q("formation"), numero=f"{prefix}-F{n:05d}")
    domaine = _sub(formation, "domaine-formation")
    _sub(domaine, "code-FORMACODE", f"{15000 + n % 5000:05d}")
    _sub(domaine, "code-NSF", f"{300 + n % 40}")
    _sub(domaine, "code-ROME", f"K{1800 + n % 100:04d}")
    _sub(formation, "intitule-formation", f"Accueillir et analyser la demande, module {n}")
    _sub(formation, "objectif-formation", HTML.format(n=n))
    _sub(formation, "resultats-attendus", HTML.format(n=n))
    _sub(formation, "contenu-formation", HTML.format(n=n))
    _sub(formation, "certifiante", "0")
    contact = _sub(_sub(formation, "contact-formation"), "coordonnees")
    _sub(contact, "nom", f"Contact {n}")
    _sub(contact, "courriel", f"contact{n}@organisme.example")
    _sub(formation, "parcours-de-formation", "1")
    _sub(formation, "code-niveau-entree", "0")
    action = _sub(formation, "action", numero=f"{prefix}-A{n:05d}")
    _sub(action, "rythme-formation", "Temps plein")
    _sub(action, "code-public-vise", "81061")
    _sub(action, "niveau-entree-obligatoire", "0")
    _sub(action, "modalites-alternance", "-")
    _sub(action, "modalites-enseignement", str(n % 3))
    _sub(action, "conditions-specifiques", "-")
    _sub(action, "prise-en-charge-frais-possible", "0")
    _address(_sub(_sub(action, "lieu-de-formation"), "coordonnees"), n)
    _sub(action, "modalites-entrees-sorties", "0")
    for k in range(SESSIONS_PER_FORMATION):
        session = _sub(action, "session", numero=f"{prefix}-S{n:05d}-{k:02d}")
        debut = FIRST_DAY + datetime.timedelta(days=7 * k + n % 7)
        periode = _sub(session, "periode")
        _sub(periode, "debut", f"{debut:%Y%m%d}")
        _sub(periode, "fin", f"{debut + datetime.timedelta(days=1):%Y%m%d}")
        _address(_sub(session, "adresse-inscription"), n)
        _sub(session, "etat-recrutement", "1")
    _sub(action, "prix-total-TTC", "0")
    _sub(action, "nombre-heures-total", "14")
    organisme = _sub(formation, "organisme-formation-responsable")
    _sub(organisme, "numero-activite", "11111111111")
    _sub(_sub(organisme, "SIRET-organisme-formation"), "SIRET", f"{12345678900000 + n % 97}")
    _sub(organisme, "nom-organisme", f"Organisme {n % 50}")
    _sub(organisme, "raison-sociale", f"Organisme {n % 50}")
    _address(_sub(_sub(organisme, "coordonnees-organisme"), "coordonnees"), n)
    _sub(_sub(organisme, "contact-organisme"), "coordonnees")
    return formation


def write_feed(path: Path, formations: int = FORMATIONS, prefix: str = "BENCH") -> dict:
    """Stream a deterministic LHEO 2.3 feed with lxml.etree.xmlfile, one formation at a time;
    `prefix` starts its formation, action and session numbers."""
    with etree.xmlfile(str(path), encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element(_q("lheo"), nsmap={None: NAMESPACE}), xf.element(_q("offres")):
            for n in range(formations):
                xf.write(formation_element(n, prefix))
    return {"formations": formations, "sessions": formations * SESSIONS_PER_FORMATION}


def bare_parse(path: Path) -> dict:
    """Count the sessions with lxml iterparse, dropping each formation once read."""
    sessions = formations = 0
    for _event, element in etree.iterparse(
        str(path), events=("end",), tag=(_q("session"), _q("formation"))
    ):
        if element.tag == _q("session"):
            sessions += 1
            continue
        formations += 1
        element.clear(keep_tail=False)
        while element.getprevious() is not None:
            del element.getparent()[0]
    return {"formations": formations, "sessions": sessions}


def validate(path: Path) -> dict:
    """Validate the whole feed against the project's LHEO 2.3 schema with lxml (the document
    parsed into memory, then `XMLSchema.validate`); the bare parse counts its sessions."""
    from formations.lheo.exporter import valider

    errors = valider(path)
    return {"valid": not errors, "errors": errors[:3]}


def _command(*args: str) -> dict:
    from django.core.management import call_command

    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue().strip().splitlines()[-1])


def search_sync(_path: Path) -> dict:
    """What a task worker does after an import: `db_worker --batch` runs the queued tasks
    (the search sync of each batch of formations) and exits."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    tasks = DBTaskResult.objects.filter(task_path=SYNC_TASK)
    queued = set(tasks.filter(status="READY").values_list("pk", flat=True))
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())
    done = tasks.filter(pk__in=queued)
    return {
        "tasks": len(queued),
        "successful": done.filter(status="SUCCESSFUL").count(),
        "synced": done.filter(return_value=True).count(),
    }


STEPS = {
    "write": write_feed,
    "parse": bare_parse,
    "validate": validate,
    "import": lambda path: _command("import_lheo", str(path), "--region", REGION_CODE),
    "sync": search_sync,
    "export": lambda path: _command("export_lheo", "--output", str(path), "--region", REGION_CODE),
}
# Steps run with the database task queue, as deployed: the import enqueues, a worker syncs.
QUEUED_STEPS = {"import", "sync"}


def _status_mib(field: str) -> float | None:
    """A memory figure of this process from /proc/self/status (Linux), in MiB."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    found = re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE)
    return int(found[1]) / 1024 if found else None


def _reset_peak_rss() -> float:
    """Start measuring the peak RSS from now on; returns the current RSS in MiB.

    Writing 5 to clear_refs resets the high-water mark (VmHWM) to the current RSS, so that
    the peak is the step's own, not that of loading Django. Elsewhere getrusage's lifetime
    peak stands in for it."""
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return _status_mib("VmRSS") or 0.0


def _peak_rss_mib() -> float:
    peak = _status_mib("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _step_process(step: str, path: Path) -> None:
    """Body of the child process: load Django, run `step`, print one JSON line."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", harness.SETTINGS_MODULE)
    django.setup()
    quiet_logs()
    import formations.lheo.exporter  # noqa: F401 - loaded before the baseline RSS is read
    import formations.lheo.importer  # noqa: F401

    before = _reset_peak_rss()
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    result = STEPS[step](path)
    elapsed = time.perf_counter() - started
    print(
        json.dumps(
            {
                "step": step,
                "elapsed_s": elapsed,
                "cpu_s": _cpu_seconds() - cpu_before,
                "peak_rss_mib": _peak_rss_mib(),
                "rss_before_mib": before,
                "result": result,
            }
        ),
        flush=True,
    )


def _cpu_seconds() -> float:
    """User and system CPU time of this process so far (not the database server's)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _run_step(step: str, path: Path) -> dict:
    from django.db import connection

    connection.close()  # the child writes to the same database (one SQLite writer at a time)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": harness.SETTINGS_MODULE,
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(harness.REPO_DIR), os.environ.get("PYTHONPATH")])
        ),
    }
    if step in QUEUED_STEPS:
        env["TASKS_BACKEND"] = "database"
    harness.progress(f"{step} {harness.relative(path)}…")
    try:
        completed = subprocess.run(  # noqa: S603 - fixed argv, no shell
            [sys.executable, "-m", "bench.lheo", step, str(path)],
            cwd=harness.REPO_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=STEP_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BenchmarkError(f"step {step} still running after {STEP_TIMEOUT_S} s") from None
    if completed.returncode != 0:
        raise BenchmarkError(
            f"step {step} exited with {completed.returncode}:\n{completed.stderr[-3000:]}"
        )
    measure = json.loads(completed.stdout.strip().splitlines()[-1])
    summary = {k: v for k, v in measure["result"].items() if k != "errors"}
    harness.progress(
        f"{step}: {measure['elapsed_s']:.1f} s (CPU {measure['cpu_s']:.1f} s), peak RSS "
        f"{measure['peak_rss_mib']:.0f} MiB, {summary}"
    )
    return measure


def _growth(measure: dict) -> float:
    return measure["peak_rss_mib"] - measure["rss_before_mib"]


def _speed_rows(name: str, sessions: int, value: dict, baseline: dict, goal: bool) -> list[Row]:
    return [
        Row(
            name,
            "sessions/s",
            sessions / value["elapsed_s"],
            sessions / baseline["elapsed_s"],
            "ratio ≥ 1.0" if goal else "",
        ),
        Row(
            name,
            "seconds",
            value["elapsed_s"],
            baseline["elapsed_s"],
            "ratio ≤ 1.0" if goal else "",
        ),
        Row(name, "CPU seconds", value["cpu_s"], baseline["cpu_s"]),
    ]


def _memory_rows(name: str, value: dict, baseline: dict, goal: str = "") -> list[Row]:
    return [
        Row(name, "peak RSS MiB", value["peak_rss_mib"], baseline["peak_rss_mib"], goal),
        Row(name, "peak RSS growth MiB", _growth(value), _growth(baseline)),
    ]


def _check(step: str, result: dict, expected: int, failures: list[str]) -> None:
    if result.get("sessions") != expected or result.get("errors"):
        failures.append(
            f"{step}: expected {expected} sessions and no error, got "
            f"{ {k: v for k, v in result.items() if k != 'errors'} }, "
            f"errors {result.get('errors', [])[:3]}"
        )


def _check_synced(step: str, sync: dict, failures: list[str]) -> None:
    if not sync["result"]["tasks"] or len(set(sync["result"].values())) != 1:
        failures.append(f"{step}: search sync tasks {sync['result']} (all must succeed)")


def _check_stored(tree, step: str, sessions: int, formations: int, failures: list[str]) -> None:
    """The database holds the sessions, and both search stores the formations, none left in
    the outbox (the database store is checked here; OpenSearch takes the same bulk writes,
    any refusal leaves the entry in the outbox)."""
    from formations.models import FormationPage, Session
    from recherche.models import SearchDocument, SearchOutbox

    below = {"path__startswith": tree.programme.path}
    stored = Session.objects.filter(**{f"formation__{k}": v for k, v in below.items()}).count()
    pks = [str(pk) for pk in FormationPage.objects.filter(**below).values_list("pk", flat=True)]
    indexed = SearchDocument.objects.filter(
        doc_id__in=[f"{FORMATION_LABEL}:{pk}" for pk in pks]
    ).count()
    waiting = SearchOutbox.objects.filter(model_label=FORMATION_LABEL, object_pk__in=pks).count()
    if (stored, len(pks), indexed, waiting) != (sessions, formations, formations, 0):
        failures.append(
            f"{step}: {stored} sessions and {len(pks)} formations stored (expected {sessions} "
            f"and {formations}), {indexed} indexed, {waiting} left in the search outbox"
        )


@benchmark("lheo")
def lheo() -> Report:
    database = harness.setup_django()
    quiet_logs()
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    harness.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    write_feed(SMALL_FEED, formations=SMALL_FORMATIONS, prefix="BENCH-PETIT")
    failures: list[str] = []
    started = timezone.now()
    try:
        with catalogue_tree(cleanup=not database.disposable) as tree:
            write = _run_step("write", FEED)
            parse = _run_step("parse", FEED)
            validation = _run_step("validate", FEED)
            small_parse = _run_step("parse", SMALL_FEED)
            small_validation = _run_step("validate", SMALL_FEED)
            imported = _run_step("import", FEED)
            sync = _run_step("sync", FEED)
            _check_stored(tree, "import", SESSIONS, FORMATIONS, failures)
            export = _run_step("export", EXPORT)
            # Into the same programme, after the large feed: its numbers are its own.
            small = _run_step("import", SMALL_FEED)
            small_sync = _run_step("sync", SMALL_FEED)
            _check_stored(
                tree,
                "small import",
                SESSIONS + SMALL_SESSIONS,
                FORMATIONS + SMALL_FORMATIONS,
                failures,
            )
    finally:
        DBTaskResult.objects.filter(enqueued_at__gte=started).delete()
    for step, measure in (("validation", validation), ("small validation", small_validation)):
        if not measure["result"]["valid"]:
            failures.append(f"{step}: generated feed invalid: {measure['result']['errors']}")
    for step, measure, expected in (
        ("bare parse", parse, SESSIONS),
        ("small bare parse", small_parse, SMALL_SESSIONS),
        ("import", imported, SESSIONS),
        ("small import", small, SMALL_SESSIONS),
        ("export", export, SESSIONS),
    ):
        _check(step, measure["result"], expected, failures)
    for step, measure, formations in (
        ("import", imported, FORMATIONS),
        ("small import", small, SMALL_FORMATIONS),
    ):
        if measure["result"].get("created") != formations:
            failures.append(f"{step}: {measure['result'].get('created')} formations created")
    _check_synced("sync", sync, failures)
    _check_synced("small sync", small_sync, failures)

    large, little = f"{SESSIONS:,} sessions", f"{SMALL_SESSIONS:,} sessions"
    end_to_end = {
        "elapsed_s": imported["elapsed_s"] + sync["elapsed_s"],
        "cpu_s": imported["cpu_s"] + sync["cpu_s"],
    }
    flat_goal = f"≤ {little} + {GOAL_FLAT_MIB} MiB"
    table = [
        *_speed_rows(f"import ({large})", SESSIONS, imported, validation, goal=True),
        *_memory_rows(f"import ({large})", imported, parse, f"< {GOAL_PEAK_RSS_MIB}"),
        *_speed_rows(f"import ({little})", SMALL_SESSIONS, small, small_validation, goal=True),
        *_memory_rows(f"import ({little})", small, small_parse, f"< {GOAL_PEAK_RSS_MIB}"),
        Row(
            f"import, {large} vs {little}",
            "peak RSS MiB",
            imported["peak_rss_mib"],
            small["peak_rss_mib"],
            flat_goal,
        ),
        Row(f"search sync, worker ({large})", "seconds", sync["elapsed_s"], imported["elapsed_s"]),
        *_memory_rows(f"search sync, worker ({large})", sync, small_sync),
        Row(
            f"search sync, worker ({little})",
            "seconds",
            small_sync["elapsed_s"],
            small["elapsed_s"],
        ),
        *_speed_rows(
            f"import + search sync ({large})", SESSIONS, end_to_end, validation, goal=False
        ),
        *_speed_rows(f"bare parse ({large})", SESSIONS, parse, validation, goal=False),
        *_memory_rows(f"validation ({large})", validation, parse),
        *_speed_rows(f"export ({large})", SESSIONS, export, write, goal=False),
        *_memory_rows(f"export ({large})", export, write),
    ]
    goals = {
        "import faster than schema validation": imported["elapsed_s"] <= validation["elapsed_s"],
        f"peak RSS < {GOAL_PEAK_RSS_MIB} MiB": max(imported["peak_rss_mib"], small["peak_rss_mib"])
        < GOAL_PEAK_RSS_MIB,
        "flat from 2,000 to 20,000 sessions": imported["peak_rss_mib"]
        <= small["peak_rss_mib"] + GOAL_FLAT_MIB,
    }
    feed_mib = FEED.stat().st_size / 2**20
    export_mib = EXPORT.stat().st_size / 2**20
    context = {
        "database": database.description,
        "feeds": (
            f"{harness.relative(FEED)}, {feed_mib:.1f} MiB: {FORMATIONS:,} formations x 1 action "
            f"x {SESSIONS_PER_FORMATION} sessions; {harness.relative(SMALL_FEED)}: "
            f"{SMALL_FORMATIONS} formations, its own numbers; deterministic, LHEO 2.3, both "
            "valid against lheo-2.3.xsd (checked by the validation steps)"
        ),
        "import": (
            f"manage.py import_lheo --region {REGION_CODE}, TASKS_BACKEND=database (one "
            "transaction, batches of 200 formations written in bulk, one search-sync task "
            "queued per batch); the large feed first, then the small one into the same "
            "programme; baseline: XML Schema validation of the same file (lxml, "
            "formations.lheo.exporter.valider: the document parsed, then validated)"
        ),
        "search sync": (
            "manage.py db_worker --batch right after each import: the queued tasks (unified "
            "index, Wagtail's search backend, catalogue sessions index when built); the stores "
            "are then checked to hold every formation"
        ),
        "export": (
            f"manage.py export_lheo --region {REGION_CODE} -> {harness.relative(EXPORT)} "
            f"({export_mib:.1f} MiB), after the large import; baseline: lxml.etree.xmlfile "
            "streaming write of the generated feed (same shape, no database)"
        ),
        "bare parse": "lxml iterparse of the same file, clearing each formation, counting sessions",
        "memory": (
            "peak RSS of the step's own process during the step (VmHWM, reset when the step "
            "starts), Django loaded in every one; growth = that peak minus the RSS at the "
            "start; baseline: the bare parse of the same feed"
        ),
        "CPU": "user + system time of the step's process (the database server's is not in it)",
        "ratio": "value / baseline (sessions/s: below 1 is slower; seconds, MiB: above 1 is more)",
        "machine": "2 cores shared with other work: figures are noisy; one run of each step",
        "goals": "; ".join(f"{goal}: {'met' if met else 'NOT MET'}" for goal, met in goals.items()),
    }
    details = {
        "steps": {
            "write": write,
            "parse": parse,
            "validate": validation,
            "parse small": small_parse,
            "validate small": small_validation,
            "import": imported,
            "sync": sync,
            "export": export,
            "import small": small,
            "sync small": small_sync,
        },
        "goals": goals,
    }
    return Report(context=context, rows=table, details=details, failures=failures)


if __name__ == "__main__":
    _step_process(sys.argv[1], Path(sys.argv[2]))
