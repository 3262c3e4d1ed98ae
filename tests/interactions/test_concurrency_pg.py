"""Two editors save the same version at the same moment, on real connections: exactly one
wins, the other gets the conflict, nothing is overwritten silently.

PostgreSQL only: the guarantee rests on the row lock the conditional UPDATE takes, and SQLite's
in-memory test database cannot be shared between threads.
"""

import threading

import pytest
from django.db import connection

from interactions import services
from interactions.models import Interaction

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: concurrent transactions on separate connections with row "
        "locks (set DATABASE_URL=postgres://...; CI runs this on PostgreSQL)",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_threaded_editors_cannot_overwrite_each_other(staff_a, site_admin_a, model_data):
    interaction = services.interaction_create(data=model_data, acting_user=staff_a, submit=True)
    version = interaction.version
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def edit(user, narrative):
        try:
            barrier.wait(timeout=10)
            services.interaction_update(
                interaction=Interaction.objects.get(pk=interaction.pk),
                data=dict(model_data, narrative=narrative),
                acting_user=user,
                expected_version=version,
                reason=f"edit by {user.username}",
            )
            results[narrative] = "saved"
        except services.InteractionConflict:
            results[narrative] = "conflict"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=edit, args=(staff_a, "first")),
        threading.Thread(target=edit, args=(site_admin_a, "second")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(results.values()) == ["conflict", "saved"]
    winner = next(n for n, r in results.items() if r == "saved")
    stored = Interaction.objects.get(pk=interaction.pk)
    assert stored.narrative == winner
    assert stored.version == version + 1
    assert stored.history.count() == 2  # the creation and the one winning edit
