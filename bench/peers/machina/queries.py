# ruff: noqa  (django-machina's peer harness, kept as its authors wrote it)
"""Counts the SQL queries of one anonymous GET, in process, with Django's test client.

Usage: python queries.py PATH [--expect TEXT]
Three requests: the process's first (cold: templates compiled, caches filled); the same reader
again, sending back the session cookie machina gave it (the figure reported as sql_queries, what
a warm server pays for a returning anonymous reader, as load.py's clients are); and a reader
without cookie (machina then stores a new session). Prints one JSON line.
"""

import argparse
import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def get(client, path, expect):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    if response.status_code != 200:
        sys.exit("queries.py: GET %s answered %d" % (path, response.status_code))
    body = response.content
    if expect and expect.encode() not in body:
        sys.exit("queries.py: GET %s lacks the expected text %r" % (path, expect))
    return body, [q["sql"] for q in ctx.captured_queries]


def measure(path, expect):
    reader = Client()  # anonymous: no login; keeps its cookies as a browser does
    _, cold = get(reader, path, expect)  # first request of the process
    body, returning = get(reader, path, expect)  # same reader again: session cookie sent
    _, new_visitor = get(Client(), path, expect)  # warm process, reader without cookie
    return {
        "path": path,
        "sql_queries": len(returning),
        "sql_queries_new_visitor": len(new_visitor),
        "sql_queries_first_request": len(cold),
        "response_bytes": len(body),
        "posts_on_page": body.count(b'class="my-3 card post"'),
        "sql": returning,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--expect", default="", help="text the page must contain")
    parser.add_argument("--sql-out", default="", help="write the warm request's SQL here")
    args = parser.parse_args()
    result = measure(args.path, args.expect)
    sql = result.pop("sql")
    if args.sql_out:
        with open(args.sql_out, "w") as fh:
            fh.write("\n".join(sql) + "\n")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
