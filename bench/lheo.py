"""`lheo`: import and export of a generated 20,000-session LHEO 2.3 feed, against bare lxml.

Each step runs in its own Python process (Django loaded in every one, so that memory
figures compare) which reports its duration and its peak RSS; `python -m bench.lheo STEP
PATH` is that process."""

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
FEED = harness.RESULTS_DIR / "lheo-feed.xml"
EXPORT = harness.RESULTS_DIR / "lheo-export.xml"
STEP_TIMEOUT_S = 1800
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


def formation_element(n: int):
    """The n-th generated <formation>: one action, SESSIONS_PER_FORMATION sessions."""
    formation = etree.Element(_q("formation"), numero=f"BENCH-F{n:05d}")
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
    action = _sub(formation, "action", numero=f"BENCH-A{n:05d}")
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
        session = _sub(action, "session", numero=f"BENCH-S{n:05d}-{k:02d}")
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


def write_feed(path: Path, formations: int = FORMATIONS) -> dict:
    """Stream a deterministic LHEO 2.3 feed with lxml.etree.xmlfile, one formation at a time."""
    with etree.xmlfile(str(path), encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element(_q("lheo"), nsmap={None: NAMESPACE}), xf.element(_q("offres")):
            for n in range(formations):
                xf.write(formation_element(n))
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


def _command(*args: str) -> dict:
    from django.core.management import call_command

    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue().strip().splitlines()[-1])


STEPS = {
    "write": write_feed,
    "parse": bare_parse,
    "import": lambda path: _command("import_lheo", str(path), "--region", REGION_CODE),
    "export": lambda path: _command("export_lheo", "--output", str(path), "--region", REGION_CODE),
}


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
    started = time.perf_counter()
    result = STEPS[step](path)
    elapsed = time.perf_counter() - started
    print(
        json.dumps(
            {
                "step": step,
                "elapsed_s": elapsed,
                "peak_rss_mib": _peak_rss_mib(),
                "rss_before_mib": before,
                "result": result,
            }
        ),
        flush=True,
    )


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
    harness.progress(
        f"{step}: {measure['elapsed_s']:.1f} s, peak RSS {measure['peak_rss_mib']:.0f} MiB, "
        f"{measure['result']}"
    )
    return measure


def _rows(name: str, value: dict, baseline: dict) -> list[Row]:
    return [
        Row(
            name,
            "sessions/s",
            SESSIONS / value["elapsed_s"],
            SESSIONS / baseline["elapsed_s"],
        ),
        Row(name, "seconds", value["elapsed_s"], baseline["elapsed_s"]),
        Row(name, "peak RSS MiB", value["peak_rss_mib"], baseline["peak_rss_mib"]),
        Row(
            name,
            "peak RSS growth MiB",
            value["peak_rss_mib"] - value["rss_before_mib"],
            baseline["peak_rss_mib"] - baseline["rss_before_mib"],
        ),
    ]


def _check(step: str, result: dict, failures: list[str]) -> None:
    if result.get("sessions") != SESSIONS or result.get("errors"):
        failures.append(
            f"{step}: expected {SESSIONS} sessions and no error, got "
            f"{ {k: v for k, v in result.items() if k != 'errors'} }, "
            f"errors {result.get('errors', [])[:3]}"
        )


@benchmark("lheo")
def lheo() -> Report:
    database = harness.setup_django()
    quiet_logs()
    from formations.lheo.exporter import valider
    from formations.models import Session

    harness.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    sample = harness.RESULTS_DIR / "lheo-feed-sample.xml"
    write_feed(sample, formations=2)
    schema_errors = valider(sample)
    sample.unlink()
    failures = [f"generated feed invalid: {e}" for e in schema_errors[:3]]
    with catalogue_tree(cleanup=not database.disposable) as tree:
        write = _run_step("write", FEED)
        parse = _run_step("parse", FEED)
        imported = _run_step("import", FEED)
        stored = Session.objects.filter(formation__path__startswith=tree.region.path).count()
        export = _run_step("export", EXPORT)
    _check("bare parse", parse["result"], failures)
    _check("import", imported["result"], failures)
    _check("export", export["result"], failures)
    if stored != SESSIONS:
        failures.append(f"import: {stored} sessions in the database, expected {SESSIONS}")
    if imported["result"].get("created") != FORMATIONS:
        failures.append(f"import: {imported['result'].get('created')} formations created")

    feed_mib = FEED.stat().st_size / 2**20
    export_mib = EXPORT.stat().st_size / 2**20
    table = [
        *_rows(f"import ({SESSIONS:,} sessions)", imported, parse),
        *_rows(f"export ({SESSIONS:,} sessions)", export, write),
    ]
    context = {
        "database": database.description,
        "feed": (
            f"{harness.relative(FEED)}, {feed_mib:.1f} MiB: {FORMATIONS:,} formations x 1 action x "
            f"{SESSIONS_PER_FORMATION} sessions, deterministic, LHEO 2.3 "
            f"({'valid' if not schema_errors else 'INVALID'} against lheo-2.3.xsd, checked on "
            "a 2-formation sample)"
        ),
        "import": (
            f"manage.py import_lheo --region {REGION_CODE} (one transaction, batches of "
            "200 formations written in bulk, then the search sync after commit, all timed); "
            "baseline: lxml iterparse of the same file, clearing each formation, counting sessions"
        ),
        "export": (
            f"manage.py export_lheo --region {REGION_CODE} -> {harness.relative(EXPORT)} "
            f"({export_mib:.1f} MiB); baseline: lxml.etree.xmlfile streaming write of the "
            "generated feed (same shape, no database)"
        ),
        "memory": (
            "peak RSS of the step's own process during the step (VmHWM, reset when the step "
            "starts), Django loaded in every one; growth = that peak minus the RSS at the start"
        ),
        "ratio": "value / baseline (sessions/s: below 1 is slower; seconds, MiB: above 1 is more)",
        "machine": "2 cores shared with other work: figures are noisy; one run of each step",
    }
    details = {"steps": {"write": write, "parse": parse, "import": imported, "export": export}}
    return Report(context=context, rows=table, details=details, failures=failures)


if __name__ == "__main__":
    _step_process(sys.argv[1], Path(sys.argv[2]))
