"""Two administrators record the Board approval of one MOU at the same moment: exactly one
transition happens. Needs PostgreSQL's row locks; SQLite serialises whole transactions."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from mous.models import MOU, MOUTransition
from mous.services import mou_record_board_approval
from sro_program import roles
from tests.factories import UserFactory
from tests.mous.conftest import BOARD_DATE, make_draft

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (SELECT ... FOR UPDATE row locks between real connections); "
        "run with DATABASE_URL=postgres://...",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_two_simultaneous_approvals_make_one_transition():
    mou = make_draft(version=1)
    users = [
        UserFactory(username=f"approver{n}", role=roles.SUPERINTENDENT) for n in range(2)
    ]
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(user):
        try:
            start.wait()
            mou_record_board_approval(
                mou=MOU.objects.get(pk=mou.pk), board_date=BOARD_DATE,
                board_item=f"Item by {user.username}", acting_user=user,
            )
            outcomes.append("approved")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes.count("approved") == 1, outcomes
    assert "it is board-approved" in next(o for o in outcomes if o != "approved")
    assert MOUTransition.objects.filter(mou=mou, to_status=MOU.Status.APPROVED).count() == 1
    mou.refresh_from_db()
    assert mou.status == MOU.Status.APPROVED
