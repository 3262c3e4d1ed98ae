"""Time the load test's pages one at a time, in one process, and count their SQL queries.

Run after `make loadtest` (or with LOADTEST_REUSE_DB=1), with the same environment:
    DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=... ALLOWED_HOSTS=127.0.0.1 \
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sro_load \
    python scripts/loadtest_profile.py [--repeat 20] [--sql]

For each page: median and worst wall time over --repeat requests (after one warm-up request),
median CPU time of this process (the app's own work, whatever else the machine runs), number
of queries, and time spent in SQL. --sql prints the slowest queries of each page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

PAGES = [
    ("staff", "/"),
    ("staff", "/interactions/"),
    ("staff", "/interactions/?reason=welfare_check"),
    ("staff", "/interactions/?outcome=warning"),
    ("staff", "/interactions/?page=2"),
    ("staff", "/interactions/new/"),
    ("staff", "/interactions/students/search/?q=Gar"),
    ("site.admin", "/interactions/"),
    ("superintendent", "/interactions/"),
    ("superintendent", "/reports/"),
    ("superintendent", "/reports/build/?school_year=2025-26&measure=arrest"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--sql", action="store_true", help="show the slowest queries")
    parser.add_argument("pages", nargs="*", help="user:path pairs instead of the default set")
    args = parser.parse_args()
    pages = [tuple(p.split(":", 1)) for p in args.pages] or PAGES

    clients = {}
    print(
        f"{'user':15} {'page':45} {'status':>6} {'median ms':>9} {'max ms':>7} "
        f"{'cpu ms':>6} {'queries':>7} {'sql ms':>7}"
    )
    for username, path in pages:
        if username not in clients:
            clients[username] = Client(HTTP_HOST="127.0.0.1")
            clients[username].force_login(get_user_model().objects.get(username=username))
        client = clients[username]
        client.get(path)  # warm-up: templates, imports, connection
        times, cpu = [], []
        for _ in range(args.repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        print(
            f"{username:15} {path[:45]:45} {response.status_code:>6} "
            f"{statistics.median(times):>9.1f} {max(times):>7.1f} "
            f"{statistics.median(cpu):>6.1f} "
            f"{len(queries.captured_queries):>7} {sql_ms:>7.1f}"
        )
        if args.sql:
            slow = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]
            for q in slow:
                print(f"    {float(q['time']) * 1000:7.1f} ms  {q['sql'][:300]}")


if __name__ == "__main__":
    main()
