"""Benchmark harness: registry, table and JSON output, a real ASGI server, HTTP load."""

import argparse
import asyncio
import contextlib
import hashlib
import http.client
import importlib
import importlib.metadata
import json
import math
import os
import pkgutil
import platform
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import django

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
SETTINGS_MODULE = "bench.settings"
# Modules of this package that are machinery, not benchmarks.
_NOT_BENCHMARKS = {"harness", "settings", "urls"}


class BenchmarkError(Exception):
    """The benchmark could not measure what it meant to (server down, error responses…)."""


@dataclass(frozen=True)
class Row:
    """One figure: a value, the baseline measured in the same run, and their ratio."""

    name: str
    metric: str
    value: float | None
    baseline: float | None = None
    # The target printed beside the figure, e.g. "ratio ≥ 0.8" (issue #12); empty when none.
    goal: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or self.baseline is None or self.baseline == 0:
            return None
        return self.value / self.baseline


@dataclass
class Report:
    """What a benchmark returns: the context printed above the table, the rows, raw details."""

    context: dict[str, str]
    rows: list[Row]
    details: dict = field(default_factory=dict)
    # Set when the figures cannot be trusted (error responses): the run exits non-zero.
    failures: list[str] = field(default_factory=list)
    # Set when the benchmark cannot run here (a service it needs is absent): not a failure.
    skipped: str = ""


BENCHMARKS: dict[str, Callable[[], Report]] = {}


def benchmark(name: str) -> Callable[[Callable[[], Report]], Callable[[], Report]]:
    """Register a benchmark under `name` (what `python -m bench name` runs)."""

    def register(function: Callable[[], Report]) -> Callable[[], Report]:
        if name in BENCHMARKS:
            raise ValueError(f"benchmark {name!r} registered twice")
        BENCHMARKS[name] = function
        return function

    return register


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- Django and the database ---------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    description: str
    # A fresh SQLite file, thrown away by the next run: what a benchmark writes needs no cleanup.
    disposable: bool


_database: Database | None = None


def setup_django() -> Database:
    """Configure Django on the bench settings and migrate the database, once per run."""
    global _database
    if _database is not None:
        return _database
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    database = connection.settings_dict
    started = time.perf_counter()
    if connection.vendor == "sqlite":
        path = Path(database["NAME"])
        cached = _fresh_sqlite(path)
        description = f"SQLite {sqlite3.sqlite_version}, fresh file {relative(path)}" + (
            " (copy of the migrated template)" if cached else ""
        )
    else:
        description = (
            f"PostgreSQL {connection.pg_version // 10000} at "
            f"{database['HOST']}:{database['PORT']}/{database['NAME']} (DATABASE_URL)"
        )
        progress(f"database: {description}; migrating…")
        call_command("migrate", interactive=False, verbosity=0)
    progress(f"database ready in {time.perf_counter() - started:.1f} s: {description}")
    _database = Database(description=description, disposable=connection.vendor == "sqlite")
    return _database


def _fresh_sqlite(path: Path) -> bool:
    """Recreate the SQLite file, migrated; True when copied from the cached template.

    Migrating from scratch takes half a minute, so a migrated copy is kept in results/,
    named after a digest of every migration file: any change to a migration remakes it.
    """
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    digest = hashlib.sha256(django.get_version().encode())
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for key, migration in sorted(loader.disk_migrations.items()):
        digest.update(repr(key).encode())
        digest.update(Path(sys.modules[migration.__module__].__file__).read_bytes())
    template = path.with_name(f"{path.stem}-migrated-{digest.hexdigest()[:16]}{path.suffix}")
    connection.close()
    for stale in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))):
        stale.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    if template.exists():
        shutil.copyfile(template, path)
        return True
    progress(f"migrating a new {relative(path)} (every migration runs: this takes a while)…")
    call_command("migrate", interactive=False, verbosity=0)
    connection.close()
    for old in path.parent.glob(f"{path.stem}-migrated-*{path.suffix}"):
        old.unlink()
    shutil.copyfile(path, template)
    return False


def relative(path: Path) -> str:
    try:
        return str(path.relative_to(REPO_DIR))
    except ValueError:
        return str(path)


# --- Child processes: a real ASGI server, a task worker -------------------------------------


@dataclass(frozen=True)
class _Child:
    process: subprocess.Popen
    log_path: Path
    description: str

    def cpu_seconds(self) -> float | None:
        """User + system CPU time the process has used so far (Linux /proc), or None."""
        stat = Path(f"/proc/{self.process.pid}/stat")
        if not stat.exists():
            return None
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Server(_Child):
    base_url: str = ""


@dataclass(frozen=True)
class TaskWorker(_Child):
    pass


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def _log_tail(path: Path, lines: int = 20) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


@contextlib.contextmanager
def _child(
    command: list[str],
    *,
    log_path: Path,
    settings_module: str,
    env: dict[str, str] | None,
    stop_timeout_s: float,
) -> Iterator[tuple[subprocess.Popen, str]]:
    """Run `command` from the repository with Django's environment, its output in `log_path`;
    yield the process and its settings module; SIGTERM it on exit (SIGKILL after the wait)."""
    process_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_DIR), os.environ.get("PYTHONPATH")])),
        **(env or {}),
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            command, cwd=REPO_DIR, env=process_env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        yield process, process_env["DJANGO_SETTINGS_MODULE"]
    finally:
        process.terminate()
        try:
            process.wait(timeout=stop_timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# The ASGI server deployments run (the Dockerfile's command); BENCH_ASGI_SERVER=daphne measures
# the one `runserver` uses instead, to compare both in turn.
ASGI_SERVERS = ("uvicorn", "daphne")


def asgi_server_name() -> str:
    name = os.environ.get("BENCH_ASGI_SERVER") or ASGI_SERVERS[0]
    if name not in ASGI_SERVERS:
        raise BenchmarkError(f"BENCH_ASGI_SERVER={name!r}: expected one of {ASGI_SERVERS}")
    return name


def _asgi_command(name: str, port: int) -> list[str]:
    if name == "daphne":
        return [
            sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "-v", "0",
            "maillage.asgi:application",
        ]  # fmt: skip
    # As the Dockerfile runs it: uvloop, httptools and websockets (uvicorn[standard]).
    return [
        sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port),
        "--lifespan", "off", "--log-level", "warning", "--no-access-log",
        "maillage.asgi:application",
    ]  # fmt: skip


@contextlib.contextmanager
def asgi_server(
    *,
    log_name: str,
    settings_module: str = SETTINGS_MODULE,
    env: dict[str, str] | None = None,
    startup_timeout_s: float = 60.0,
) -> Iterator[Server]:
    """Run the deployments' ASGI server (uvicorn; `BENCH_ASGI_SERVER=daphne` for daphne) on
    127.0.0.1 in a subprocess until /healthz answers; stop it on exit.

    `env` is added to this process's environment (it may override DJANGO_SETTINGS_MODULE);
    the server's output goes to results/<log_name>-server.log.
    """
    name = asgi_server_name()
    label = f"{name} {importlib.metadata.version(name)}"
    port = _free_port()
    log_path = RESULTS_DIR / f"{log_name}-server.log"
    with _child(
        _asgi_command(name, port),
        log_path=log_path,
        settings_module=settings_module,
        env=env,
        stop_timeout_s=10,
    ) as (process, active_settings):
        started = time.monotonic()
        deadline = started + startup_timeout_s
        while not _healthy(port):
            if process.poll() is not None:
                raise BenchmarkError(
                    f"{name} exited with {process.returncode}:\n{_log_tail(log_path)}"
                )
            if time.monotonic() > deadline:
                raise BenchmarkError(f"{name} not healthy after {startup_timeout_s:.0f} s")
            time.sleep(0.1)
        progress(
            f"{label} up on 127.0.0.1:{port} ({active_settings}) "
            f"in {time.monotonic() - started:.1f} s"
        )
        yield Server(
            base_url=f"http://127.0.0.1:{port}",
            process=process,
            log_path=log_path,
            description=f"{label}, one process, {active_settings}",
        )


@contextlib.contextmanager
def task_worker(
    *, log_name: str, settings_module: str = SETTINGS_MODULE, env: dict[str, str] | None = None
) -> Iterator[TaskWorker]:
    """Run `manage.py db_worker` (the database task queue, as deployments do) in a subprocess
    until the block ends; its output goes to results/<log_name>-worker.log.

    `env` is added to this process's environment; TASKS_BACKEND is "database" unless it says
    otherwise. The server that enqueues must see the same database and TASKS_BACKEND.
    """
    command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--verbosity", "1"]
    log_path = RESULTS_DIR / f"{log_name}-worker.log"
    # SIGTERM lets the worker finish the task in hand; a second one would cut it short.
    with _child(
        command,
        log_path=log_path,
        settings_module=settings_module,
        env={"TASKS_BACKEND": "database", **(env or {})},
        stop_timeout_s=30,
    ) as (process, active_settings):
        time.sleep(0.5)
        if process.poll() is not None:
            raise BenchmarkError(
                f"db_worker exited with {process.returncode}:\n{_log_tail(log_path)}"
            )
        progress(f"db_worker up (pid {process.pid}, {active_settings})")
        yield TaskWorker(
            process=process,
            log_path=log_path,
            description=f"manage.py db_worker, one process, {active_settings}",
        )


# --- HTTP load -----------------------------------------------------------------------------


@dataclass
class LoadResult:
    """Responses counted over a wall-clock span; latencies of the successful ones, in seconds."""

    planned: int
    elapsed_s: float
    latencies_s: list[float]
    errors: Counter = field(default_factory=Counter)
    server_cpu_s: float | None = None

    @property
    def server_cpu_ms_per_request(self) -> float | None:
        """Server CPU per response: steadier than wall-clock figures on a busy machine."""
        answered = self.succeeded + self.error_count
        if self.server_cpu_s is None or not answered:
            return None
        return self.server_cpu_s * 1000 / answered

    @property
    def succeeded(self) -> int:
        return len(self.latencies_s)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def time_limited(self) -> bool:
        return self.succeeded + self.error_count < self.planned

    @property
    def requests_per_s(self) -> float:
        return self.succeeded / self.elapsed_s if self.elapsed_s else 0.0

    def percentile_ms(self, percent: float) -> float:
        """Nearest-rank percentile of the latencies, in milliseconds."""
        if not self.latencies_s:
            return math.nan
        ordered = sorted(self.latencies_s)
        rank = max(1, math.ceil(percent / 100 * len(ordered)))
        return ordered[rank - 1] * 1000

    @classmethod
    def merge(cls, results: list["LoadResult"]) -> "LoadResult":
        merged = cls(planned=0, elapsed_s=0.0, latencies_s=[], server_cpu_s=0.0)
        for result in results:
            merged.planned += result.planned
            merged.elapsed_s += result.elapsed_s
            merged.latencies_s.extend(result.latencies_s)
            merged.errors.update(result.errors)
            if merged.server_cpu_s is not None and result.server_cpu_s is not None:
                merged.server_cpu_s += result.server_cpu_s
            else:
                merged.server_cpu_s = None
        return merged

    def summary(self) -> dict:
        return {
            "planned": self.planned,
            "succeeded": self.succeeded,
            "errors": dict(self.errors),
            "elapsed_s": round(self.elapsed_s, 3),
            "requests_per_s": round(self.requests_per_s, 1),
            **{f"p{p}_ms": round(self.percentile_ms(p), 2) for p in (50, 95, 99)},
            "time_limited": self.time_limited,
            "server_cpu_s": self.server_cpu_s,
        }


def load(
    url: str,
    *,
    requests: int,
    concurrency: int,
    headers: dict[str, str] | None = None,
    expect_status: int = 200,
    time_limit_s: float = 30.0,
    request_timeout_s: float = 10.0,
) -> LoadResult:
    """GET `url` `requests` times from `concurrency` keep-alive workers, within `time_limit_s`.

    Only 127.0.0.1 is accepted. Redirects are not followed: any status other than
    `expect_status` (a login redirect, a 500) counts as an error.
    """
    if urlsplit(url).hostname != "127.0.0.1":
        raise ValueError(f"load() only targets 127.0.0.1, not {url!r}")
    if requests < 1 or concurrency < 1:
        raise ValueError("requests and concurrency must be positive")
    return asyncio.run(
        _load(
            url,
            requests,
            concurrency,
            headers or {},
            expect_status,
            time_limit_s,
            request_timeout_s,
        )
    )


def measure(server: Server, path: str, **options) -> LoadResult:
    """load() on `path` of `server`, also counting the CPU time the server spent meanwhile."""
    before = server.cpu_seconds()
    result = load(server.base_url + path, **options)
    after = server.cpu_seconds()
    if before is not None and after is not None:
        result.server_cpu_s = after - before
    return result


def interleaved(
    server: Server,
    targets: dict[str, tuple[str, dict[str, str]]],
    *,
    requests: int,
    rounds: int,
    concurrency: int,
    time_limit_s: float,
    warmup: int,
    warmup_time_limit_s: float,
) -> dict[str, list[LoadResult]]:
    """Warm each target up, then measure them in `rounds` interleaved rounds, so that a slow
    spell of the machine hits them all; `targets` maps a label to (path, headers)."""
    for label, (path, headers) in targets.items():
        warm = measure(
            server,
            path,
            requests=warmup,
            concurrency=concurrency,
            headers=headers,
            time_limit_s=warmup_time_limit_s,
        )
        if warm.error_count:
            raise BenchmarkError(
                f"GET {path} ({label}) failed during warm-up: {dict(warm.errors)}; "
                f"see {relative(server.log_path)}"
            )
    runs: dict[str, list[LoadResult]] = {label: [] for label in targets}
    for round_number in range(1, rounds + 1):
        for label, (path, headers) in targets.items():
            result = measure(
                server,
                path,
                requests=requests // rounds,
                concurrency=concurrency,
                headers=headers,
                time_limit_s=time_limit_s,
            )
            runs[label].append(result)
            progress(
                f"round {round_number}/{rounds} {label}: {result.requests_per_s:.0f} req/s, "
                f"p95 {result.percentile_ms(95):.1f} ms, "
                f"{result.server_cpu_ms_per_request or math.nan:.2f} server CPU ms/request"
            )
    return runs


async def _load(
    url: str,
    requests: int,
    concurrency: int,
    headers: dict[str, str],
    expect_status: int,
    time_limit_s: float,
    request_timeout_s: float,
) -> LoadResult:
    remaining = requests
    latencies: list[float] = []
    errors: Counter = Counter()
    deadline = time.perf_counter() + time_limit_s

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal remaining
        while remaining > 0 and time.perf_counter() < deadline:
            remaining -= 1
            started = time.perf_counter()
            try:
                async with session.get(url, allow_redirects=False) as response:
                    await response.read()
                    status = response.status
            except (aiohttp.ClientError, TimeoutError) as exc:
                errors[type(exc).__name__] += 1
                continue
            if status == expect_status:
                latencies.append(time.perf_counter() - started)
            else:
                errors[f"HTTP {status}"] += 1

    async with aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=concurrency),
        timeout=aiohttp.ClientTimeout(total=request_timeout_s),
        cookie_jar=aiohttp.DummyCookieJar(),
        headers=headers,
    ) as session:
        started = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return LoadResult(planned=requests, elapsed_s=elapsed, latencies_s=latencies, errors=errors)


# --- Output --------------------------------------------------------------------------------


def _format(value: float | None, metric: str) -> str:
    if value is None or math.isnan(value):
        return "—"
    if metric == "errors" or isinstance(value, int):
        return f"{value:,.0f}"
    return f"{value:,.1f}" if abs(value) >= 100 else f"{value:.2f}"


def render_table(name: str, report: Report) -> str:
    lines = [f"== {name} =="]
    lines += [f"{key}: {value}" for key, value in report.context.items()]
    header = ("name", "metric", "value", "baseline", "ratio", "goal")
    cells = [
        (
            row.name,
            row.metric,
            _format(row.value, row.metric),
            _format(row.baseline, row.metric),
            "—" if row.ratio is None else f"{row.ratio:.3f}",
            row.goal,
        )
        for row in report.rows
    ]
    widths = [max(len(line[i]) for line in [header, *cells]) for i in range(len(header))]

    def line(values: tuple[str, ...]) -> str:
        left = [v.ljust(w) for v, w in zip(values[:2], widths[:2], strict=True)]
        right = [v.rjust(w) for v, w in zip(values[2:5], widths[2:5], strict=True)]
        return "  ".join([*left, *right, values[5].ljust(widths[5])]).rstrip()

    lines += ["", line(header), "  ".join("-" * w for w in widths)]
    lines += [line(cell) for cell in cells]
    return "\n".join(lines)


def write_json(name: str, payload: dict) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    return path


def _environment() -> dict:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
    }


# --- Command line --------------------------------------------------------------------------


def discover() -> None:
    """Import every benchmark module of this package so that it registers itself."""
    for module in pkgutil.iter_modules([str(BENCH_DIR)]):
        if not module.name.startswith("_") and module.name not in _NOT_BENCHMARKS:
            importlib.import_module(f"bench.{module.name}")


def main(argv: list[str]) -> int:
    discover()
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="name", help=f"among: {', '.join(BENCHMARKS)}")
    names = parser.parse_args(argv).names or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")

    summary: dict = {"ok": [], "failed": [], "skipped": [], "results": []}
    for name in names:
        started_at = datetime.now(UTC)
        started = time.perf_counter()
        progress(f"{name}: starting")
        payload = {"name": name, "started_at": started_at.isoformat(), **_environment()}
        try:
            report = BENCHMARKS[name]()
        except BenchmarkError as exc:
            print(f"== {name} ==\nFAILED: {exc}\n", flush=True)
            payload.update(failed=str(exc), duration_s=round(time.perf_counter() - started, 1))
            summary["failed"].append(name)
        else:
            if report.skipped:
                print(f"== {name} ==\nSKIPPED: {report.skipped}\n", flush=True)
                payload.update(
                    skipped=report.skipped, duration_s=round(time.perf_counter() - started, 1)
                )
                summary["skipped"].append(name)
                summary["results"].append(relative(write_json(name, payload)))
                continue
            failures = "".join(f"FAILED: {failure}\n" for failure in report.failures)
            print(render_table(name, report) + "\n" + failures, flush=True)
            payload.update(
                duration_s=round(time.perf_counter() - started, 1),
                context=report.context,
                rows=[{**asdict(row), "ratio": row.ratio} for row in report.rows],
                details=report.details,
                failures=report.failures,
            )
            summary["failed" if report.failures else "ok"].append(name)
        summary["results"].append(relative(write_json(name, payload)))
        progress(f"{name}: done in {payload['duration_s']} s")
    print(json.dumps(summary), flush=True)
    return 1 if summary["failed"] else 0
