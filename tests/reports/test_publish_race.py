"""Two people publishing the same report at once both get the one snapshot, not a 500."""

import threading

import pytest
from django.db import connection

from reports.models import PublishedReport
from reports.services import report_publish
from sro_program import roles
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: concurrent transactions on real connections "
                              "(set DATABASE_URL=postgres://...; CI runs this on PostgreSQL)"),
    pytest.mark.django_db(transaction=True),
]

REPORT = {"schema": "sro-board-report/1", "parameters": {"suppressed": True,
          "school_year": "2025-26", "date_from": "2025-07-01", "date_to": "2026-06-30"},
          "totals": []}


def test_simultaneous_publishing_of_the_same_bytes_gives_one_snapshot():
    user = UserFactory(username="race.supt", role=roles.SUPERINTENDENT, is_staff=True)
    barrier = threading.Barrier(3)
    results, errors = [], []

    def publish() -> None:
        from django.db import connections

        try:
            barrier.wait()
            results.append(report_publish(report=REPORT, acting_user=user, title="Race").pk)
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert PublishedReport.objects.count() == 1
    assert set(results) == {PublishedReport.objects.get().pk}
