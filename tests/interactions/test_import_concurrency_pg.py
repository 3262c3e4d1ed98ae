"""Two imports of overlapping files at the same moment: each is all or nothing, and the
database ends with one copy of every row. Needs PostgreSQL (real concurrent connections)."""

import io
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from sro_program.models import School

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (concurrent transactions on real connections); "
        "run with DATABASE_URL=postgres://...",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_two_simultaneous_imports_do_not_corrupt_each_other(tmp_path):
    rows = [f"336715700{n:05d},School {n},09,12" for n in range(400)]
    paths = []
    for name, part in (("a.csv", rows[:300]), ("b.csv", rows[100:])):
        path = tmp_path / name
        path.write_text("cds_code,name,grade_low,grade_high\n" + "\n".join(part) + "\n")
        paths.append(str(path))
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def run(path):
        try:
            start.wait()
            call_command("import_csv", "schools", path, stdout=io.StringIO(),
                         stderr=io.StringIO())
            outcomes.append("ok")
        except CommandError as error:
            outcomes.append(str(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(p,)) for p in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(outcomes) == 2 and "ok" in outcomes, outcomes
    failed = [o for o in outcomes if o != "ok"]
    assert all("at the same time; nothing from" in o for o in failed)
    names = set(School.objects.values_list("cds_code", flat=True))
    a = {r.split(",")[0] for r in rows[:300]}
    b = {r.split(",")[0] for r in rows[100:]}
    # Both files whole, or exactly one of them whole: never a part of a file.
    assert names == (a | b) if not failed else names in (a, b)
