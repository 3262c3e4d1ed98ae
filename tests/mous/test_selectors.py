import datetime as dt

from mous import services
from mous.models import MOU
from mous.selectors import (
    attention_notes,
    mou_in_force_for_period,
    mou_in_force_on,
    mous_needing_attention,
)
from tests.factories import AgencyFactory, MOUFactory
from tests.mous.conftest import BOARD_DATE, make_draft

D = dt.date


def test_in_force_on_needs_approval_and_the_dates(agency):
    draft = make_draft(agency, version=1)
    assert mou_in_force_on(agency, D(2025, 1, 1)) is None  # a draft is never in force
    approved = MOUFactory(agency=agency, version=2)  # 2024-07-01 .. 2028-06-30
    assert mou_in_force_on(agency, D(2024, 7, 1)) == approved
    assert mou_in_force_on(agency, D(2028, 6, 30)) == approved
    assert mou_in_force_on(agency, D(2024, 6, 30)) is None
    assert mou_in_force_on(agency, D(2028, 7, 1)) is None
    assert mou_in_force_on(AgencyFactory(), D(2025, 1, 1)) is None  # another agency's
    assert draft.status == MOU.Status.DRAFT


def test_in_force_for_period(agency):
    mou = MOUFactory(agency=agency)
    assert mou_in_force_for_period(agency, D(2024, 8, 1), D(2025, 6, 30)) == mou
    assert mou_in_force_for_period(agency, D(2024, 8, 1), D(2028, 6, 30)) == mou
    assert mou_in_force_for_period(agency, D(2024, 8, 1), D(2028, 7, 1)) is None
    assert mou_in_force_for_period(agency, D(2024, 6, 1), D(2024, 9, 1)) is None


def test_open_ended_period_needs_the_mou_in_force_on_its_start(agency):
    mou = MOUFactory(agency=agency)
    assert mou_in_force_for_period(agency, D(2025, 8, 1), None) == mou
    assert mou_in_force_for_period(agency, D(2028, 8, 1), None) is None


def test_superseded_mou_covers_the_days_before_its_amendment(
    agency, superintendent, district_admin
):
    original = make_draft(agency, version=1)
    services.mou_record_board_approval(mou=original, board_date=BOARD_DATE, board_item="9.2",
                                       acting_user=superintendent)
    amendment = services.mou_create_amendment(mou=original, acting_user=district_admin)
    services.mou_update(mou=amendment, acting_user=district_admin,
                        effective_date=D(2026, 7, 1))
    services.mou_record_board_approval(mou=amendment, board_date=D(2026, 6, 16),
                                       board_item="4", acting_user=superintendent)
    assert mou_in_force_on(agency, D(2026, 6, 30)) == original
    assert mou_in_force_on(agency, D(2026, 7, 1)) == amendment
    # one MOU must cover a whole period
    assert mou_in_force_for_period(agency, D(2025, 8, 1), D(2026, 6, 30)) == original
    assert mou_in_force_for_period(agency, D(2025, 8, 1), D(2026, 7, 1)) is None
    assert mou_in_force_for_period(agency, D(2026, 8, 1), None) == amendment


def test_needing_attention_within_90_days(agency):
    today = D(2027, 4, 1)
    expiring = MOUFactory(agency=agency, expiry_date=D(2027, 6, 30),
                          next_review_date=D(2027, 12, 1))
    MOUFactory(agency=agency, expiry_date=D(2028, 6, 30), next_review_date=D(2027, 12, 1))
    review_due = MOUFactory(agency=agency, expiry_date=None, next_review_date=D(2027, 3, 1))
    make_draft(agency, expiry_date=D(2027, 5, 1))  # drafts are not in the list
    found = list(mous_needing_attention(90, today=today))
    assert set(found) == {expiring, review_due}
    notes = attention_notes(found, 90, today=today)
    assert [n.mou for n in notes] == [review_due, expiring]  # soonest first
    assert notes[0].notes == ["Review overdue since 2027-03-01 (31 days ago)"]
    assert notes[1].notes == ["Expires 2027-06-30 (in 90 days)"]
    assert list(mous_needing_attention(30, today=today)) == [review_due]
