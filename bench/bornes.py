"""`bornes`: peak memory of hostile uploads, each against a bare read of the same file.

(a) a community attachment, an .odt of about 800 KB whose `mimetype` member inflates to
800 MB, through `communautes.pieces_jointes.verification.verifier`; baseline: reading the
upload's bytes. (b) LHEO feeds carrying 5 MB and 50 MB of unknown elements, between
formations or inside one, through `formations.lheo.parser.iter_formations`; baseline: a
bare lxml iterparse of the same file clearing every element as it ends (the least a
streaming read can hold). Each measure runs in its own Python process with Django loaded;
`python -m bench.bornes STEP PATH` is that process. No database is needed."""

import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from lxml import etree

from bench import harness
from bench.harness import BenchmarkError, Report, Row, benchmark
from bench.lheo import _peak_rss_mib, _reset_peak_rss

BOMB = harness.RESULTS_DIR / "bornes-bombe.odt"
BOMB_INFLATED = 800 * 1024 * 1024
ODT = b"application/vnd.oasis.opendocument.text"
STEP_TIMEOUT_S = 600
NAMESPACE = "http://lheo.gouv.fr/2.3"
FORMATION = (
    '<formation numero="F{n}"><intitule-formation>Accueillir</intitule-formation>'
    '<action numero="A{n}"><session numero="S{n}"><periode><debut>20270104</debut>'
    "<fin>20270105</fin></periode></session></action>{junk}</formation>"
)
JUNK = b'<inconnu a="b"><enfant>texte texte texte texte texte</enfant></inconnu>'
FEEDS = {
    # name: (MiB of unknown elements, where they are)
    "junk-5-between": (5, "between"),
    "junk-50-between": (50, "between"),
    "junk-50-inside": (50, "inside"),
}


def write_bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("mimetype", "w", force_zip64=True) as member:
            member.write(ODT)
            zeros = bytes(1024 * 1024)
            for _ in range(BOMB_INFLATED // len(zeros)):
                member.write(zeros)
        archive.writestr("content.xml", "<office:document-content/>")


def write_feed(path: Path, mib: int, where: str) -> None:
    """Two formations and `mib` MiB of unknown elements, between them or inside the first."""
    junk_count = mib * 1024 * 1024 // len(JUNK)
    with path.open("wb") as feed:
        feed.write(f'<lheo xmlns="{NAMESPACE}"><offres>'.encode())
        if where == "inside":
            head, tail = FORMATION.format(n=1, junk="\x00").encode().split(b"\x00")
            feed.write(head)
            for _ in range(junk_count):
                feed.write(JUNK)
            feed.write(tail)
        else:
            feed.write(FORMATION.format(n=1, junk="").encode())
            feed.write(b"<bloc-inconnu>")
            for _ in range(junk_count):
                feed.write(JUNK)
            feed.write(b"</bloc-inconnu>")
        feed.write(FORMATION.format(n=2, junk="").encode())
        feed.write(b"</offres></lheo>")


def _verify(path: Path) -> dict:
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from communautes.pieces_jointes.verification import verifier

    upload = SimpleUploadedFile("bombe.odt", path.read_bytes())
    try:
        verifier(upload)
    except ValidationError as exc:
        return {"refused": True, "message": exc.messages[0]}
    return {"refused": False}


def _read_upload(path: Path) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("bombe.odt", path.read_bytes())
    return {"bytes": len(upload.read())}


def _parse(path: Path) -> dict:
    from formations.lheo.parser import LheoError, iter_formations

    errors: list[str] = []
    try:
        with path.open("rb") as source:
            formations = sum(1 for _ in iter_formations(source, erreurs=errors))
    except LheoError as exc:
        return {"formations": 0, "errors": [str(exc)]}
    return {"formations": formations, "errors": [e[:120] for e in errors]}


def _bare_parse(path: Path) -> dict:
    elements = 0
    for _event, element in etree.iterparse(str(path), events=("end",)):
        elements += 1
        element.clear(keep_tail=False)
        while element.getprevious() is not None:
            del element.getparent()[0]
    return {"elements": elements}


STEPS = {"verify": _verify, "read": _read_upload, "parse": _parse, "bare": _bare_parse}


def _step_process(step: str, path: Path) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", harness.SETTINGS_MODULE)
    django.setup()
    import communautes.pieces_jointes.verification  # noqa: F401 - loaded before the baseline
    import formations.lheo.parser  # noqa: F401

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
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": harness.SETTINGS_MODULE,
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(harness.REPO_DIR), os.environ.get("PYTHONPATH")])
        ),
    }
    try:
        completed = subprocess.run(  # noqa: S603 - fixed argv, no shell
            [sys.executable, "-m", "bench.bornes", step, str(path)],
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
        f"{step} {harness.relative(path)}: {measure['elapsed_s']:.1f} s, peak RSS "
        f"{measure['peak_rss_mib']:.0f} MiB, {measure['result']}"
    )
    return measure


def _growth(measure: dict) -> float:
    return measure["peak_rss_mib"] - measure["rss_before_mib"]


def _rows(name: str, value: dict, baseline: dict) -> list[Row]:
    return [
        Row(name, "peak RSS growth MiB", _growth(value), _growth(baseline)),
        Row(name, "seconds", value["elapsed_s"], baseline["elapsed_s"]),
    ]


@benchmark("bornes")
def bornes() -> Report:
    harness.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    steps: dict[str, dict] = {}
    harness.progress(f"writing {harness.relative(BOMB)} ({BOMB_INFLATED // 2**20} MiB inflated)…")
    write_bomb(BOMB)
    steps["read bomb"] = _run_step("read", BOMB)
    steps["verify bomb"] = _run_step("verify", BOMB)
    if not steps["verify bomb"]["result"].get("refused"):
        failures.append("zip bomb: accepted by the attachment check")
    table = _rows(
        f"attachment .odt {BOMB.stat().st_size // 1024} KB -> {BOMB_INFLATED // 2**20} MiB",
        steps["verify bomb"],
        steps["read bomb"],
    )
    feeds = {}
    for name, (mib, where) in FEEDS.items():
        path = harness.RESULTS_DIR / f"bornes-{name}.xml"
        write_feed(path, mib, where)
        feeds[name] = f"{path.stat().st_size / 2**20:.1f} MiB"
        steps[f"bare {name}"] = _run_step("bare", path)
        steps[f"parse {name}"] = _run_step("parse", path)
        result = steps[f"parse {name}"]["result"]
        expected = 1 if where == "inside" else 2
        if result["formations"] != expected:
            failures.append(f"{name}: {result} (expected {expected} formation(s) read)")
        table += _rows(
            f"LHEO {mib} MiB unknown {where} formations",
            steps[f"parse {name}"],
            steps[f"bare {name}"],
        )
        path.unlink()
    BOMB.unlink()
    context = {
        "attachment": (
            f"verifier() of an .odt whose `mimetype` member inflates to {BOMB_INFLATED // 2**20} "
            "MiB (refused); baseline: reading the same upload's bytes"
        ),
        "lheo": (
            "iter_formations() of two formations plus unknown elements "
            f"({', '.join(f'{k}: {v}' for k, v in feeds.items())}); those inside a formation "
            "make it refused, the other one is read; baseline: bare lxml iterparse of the "
            "same file clearing every element as it ends"
        ),
        "memory": (
            "peak RSS of the step's own process during the step (VmHWM, reset when the step "
            "starts), Django loaded in every one; growth = that peak minus the RSS at the start"
        ),
        "ratio": "value / baseline (above 1: more memory, or more time, than the bare read)",
        "machine": "2 cores shared with other work: times are noisy; memory is not",
    }
    return Report(context=context, rows=table, details={"steps": steps}, failures=failures)


if __name__ == "__main__":
    _step_process(sys.argv[1], Path(sys.argv[2]))
