"""The embedded SQLite default under overlapping writes: they wait their turn, none fails."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
POSTERS = 10
REPLIES_EACH = 18

# Runs in a process of its own, on a fresh SQLite file, with the settings the embedded
# default gets from DATABASE_URL: the test's own database cannot be swapped for SQLite.
WRITERS = """
import json, sys, threading
import django
django.setup()
from django.core.management import call_command
from django.db import connection

call_command("migrate", verbosity=0)
from communautes import services
from communautes.factories import AdhesionFactory, CommunauteFactory, PublicationFactory
from communautes.models import FluxEvenement

posters, replies = int(sys.argv[1]), int(sys.argv[2])
communaute = CommunauteFactory()
members = [AdhesionFactory(communaute=communaute).user for _ in range(posters)]
publication = PublicationFactory(communaute=communaute, auteur=members[0])
journal_mode = connection.cursor().execute("PRAGMA journal_mode").fetchone()[0]
connection.close()
start = threading.Barrier(posters)
errors = []

def post(auteur):
    start.wait()
    try:
        for n in range(replies):
            try:
                services.reponse_create(auteur=auteur, publication=publication, corps=f"<p>{n}</p>")
            except Exception as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()

threads = [threading.Thread(target=post, args=(m,)) for m in members]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({
    "errors": errors,
    "stored": publication.reponses.count(),
    "events": FluxEvenement.objects.filter(communaute=communaute).count(),
    "journal_mode": journal_mode,
}))
"""


def test_ten_members_replying_at_once_on_sqlite_all_get_stored(tmp_path):
    database = tmp_path / "maillage.sqlite3"
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "OPENSEARCH_URL", "PYTEST_CURRENT_TEST"}
    }
    environment.update(
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_SETTINGS_MODULE="maillage.settings.test",
    )
    result = subprocess.run(  # noqa: S603 — our own interpreter and script
        [sys.executable, "-c", WRITERS, str(POSTERS), str(REPLIES_EACH)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["errors"] == []
    assert summary["stored"] == summary["events"] == POSTERS * REPLIES_EACH
    assert summary["journal_mode"] == "wal"
