import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mous import services
from mous.models import MOU, MOUElement, MOUTransition
from tests.mous.conftest import BOARD_DATE, make_draft


def approve(mou, user, **kw):
    return services.mou_record_board_approval(
        mou=mou, board_date=kw.pop("board_date", BOARD_DATE),
        board_item=kw.pop("board_item", "Item 9.2"), acting_user=user, **kw
    )


def test_create_records_a_draft_and_the_next_version(agency, district_admin, draft):
    mou = services.mou_create(
        mou=MOU(agency=agency, title="New MOU", effective_date=dt.date(2025, 7, 1)),
        acting_user=district_admin,
    )
    assert (mou.status, mou.version) == (MOU.Status.DRAFT, 2)
    assert mou.next_review_date == dt.date(2026, 7, 1)  # annual by default
    row = mou.transitions.get()
    assert (row.from_status, row.to_status, row.acting_user) == ("", "draft", district_admin)


def test_submit_for_review_is_a_transition_row(draft, district_admin):
    row = services.mou_submit_for_review(mou=draft, acting_user=district_admin, reason="June")
    draft.refresh_from_db()
    assert draft.status == MOU.Status.UNDER_REVIEW
    assert (row.from_status, row.to_status, row.reason) == ("draft", "under_review", "June")
    assert row.acting_user == district_admin and row.acting_username == "dadmin"
    assert row.at is not None


def test_submit_needs_change_permission(draft, superintendent):
    with pytest.raises(PermissionDenied, match="permission to submit"):
        services.mou_submit_for_review(mou=draft, acting_user=superintendent)
    assert not MOUTransition.objects.exists()


def test_submit_twice_is_refused(draft, district_admin):
    services.mou_submit_for_review(mou=draft, acting_user=district_admin)
    with pytest.raises(ValidationError, match="it is under review. Only a draft can be"):
        services.mou_submit_for_review(mou=draft, acting_user=district_admin)


def test_approval_of_a_complete_mou(draft, district_admin, superintendent):
    services.mou_submit_for_review(mou=draft, acting_user=district_admin)
    row = approve(draft, superintendent, board_item=" Item 9.2 ")
    assert draft.status == MOU.Status.APPROVED  # the caller's instance sees the result
    draft.refresh_from_db()
    assert (draft.status, draft.board_date, draft.board_item) == (
        MOU.Status.APPROVED, BOARD_DATE, "Item 9.2"
    )
    assert draft.approved_by == superintendent and draft.approved_at is not None
    assert (row.from_status, row.to_status) == ("under_review", "approved")
    assert row.reason == "Approved by the Board on 2024-06-18, Item 9.2"
    # history (simple_history) records who did it, outside a request too
    assert draft.history.first().history_user == superintendent


def test_a_complete_draft_may_be_approved_directly(draft, superintendent):
    assert approve(draft, superintendent).from_status == "draft"


def test_approval_needs_the_approve_permission(draft, site_admin_a):
    with pytest.raises(PermissionDenied, match="record Board approval"):
        approve(draft, site_admin_a)
    draft.refresh_from_db()
    assert draft.status == MOU.Status.DRAFT


def test_incomplete_mou_is_refused_naming_every_missing_element(
    incomplete_draft, superintendent
):
    with pytest.raises(ValidationError) as exc:
        approve(incomplete_draft, superintendent)
    assert exc.value.messages == [
        f"Board approval of {incomplete_draft} cannot be recorded until this is fixed:",
        "Roles and responsibilities: name who supervises the SRO "
        "(required by BP 3515.31, MOU element 2).",
        "Performance monitoring: describe how SRO performance is monitored "
        "(required by BP 3515.31, MOU element 6).",
    ]
    # nothing changed
    incomplete_draft.refresh_from_db()
    assert incomplete_draft.status == MOU.Status.DRAFT
    assert incomplete_draft.board_date is None and incomplete_draft.board_item == ""
    assert incomplete_draft.approved_by is None
    assert not MOUTransition.objects.exists()


def test_approval_needs_dates_and_board_item(agency, superintendent):
    mou = make_draft(agency, effective_date=None, expiry_date=None)
    with pytest.raises(ValidationError) as exc:
        approve(mou, superintendent, board_date=dt.date(2999, 1, 1), board_item="  ")
    messages = exc.value.messages
    assert "Effective date: enter the date the MOU takes effect." in messages
    assert any(m.startswith("Board meeting date: 2999-01-01 is in the future") for m in messages)
    assert "Agenda item or resolution no.: enter the Board's agenda item." in messages


def test_approving_twice_is_refused(draft, superintendent):
    approve(draft, superintendent)
    with pytest.raises(ValidationError, match="it is board-approved"):
        approve(draft, superintendent)
    assert MOUTransition.objects.filter(to_status="approved").count() == 1


# --- the lock after approval ------------------------------------------------------------------


def test_approved_content_is_locked_in_the_model(draft, superintendent):
    approve(draft, superintendent)
    mou = MOU.objects.get(pk=draft.pk)
    mou.title = "Changed"
    with pytest.raises(ValidationError, match="content is locked and cannot be changed"):
        mou.save()
    mou = MOU.objects.get(pk=draft.pk)
    mou.expiry_date = dt.date(2030, 6, 30)
    with pytest.raises(ValidationError, match="create an amendment"):
        mou.full_clean()
    mou = MOU.objects.get(pk=draft.pk)
    mou.status = MOU.Status.DRAFT  # e.g. a history revert: would unlock it
    with pytest.raises(ValidationError, match=r"locked and cannot be changed \(status\)"):
        mou.save()
    mou = MOU.objects.get(pk=draft.pk)
    mou.board_item = "Item 1"
    with pytest.raises(ValidationError):
        mou.save()
    assert MOU.objects.get(pk=draft.pk).title == "School Resource Officer MOU"


def test_review_date_stays_editable_after_approval(draft, superintendent, district_admin):
    approve(draft, superintendent)
    services.mou_update(mou=draft, acting_user=district_admin,
                        next_review_date=dt.date(2026, 7, 1))
    draft.refresh_from_db()
    assert draft.next_review_date == dt.date(2026, 7, 1)


def test_approved_elements_are_locked(draft, superintendent, district_admin):
    approve(draft, superintendent)
    element = draft.elements.get(code="purpose")
    element.text = "Something else"
    with pytest.raises(ValidationError, match="locked and cannot be changed \\(Purpose\\)"):
        element.save()
    with pytest.raises(ValidationError):
        element.delete()
    with pytest.raises(ValidationError):
        MOUElement(mou=draft, code="nondiscrimination", text="x").save()
    with pytest.raises(ValidationError, match="create an amendment"):
        services.mou_set_element(mou=draft, code="purpose", acting_user=district_admin,
                                 text="x")
    with pytest.raises(ValidationError):
        services.mou_update(mou=draft, acting_user=district_admin, title="x")
    assert draft.elements.get(code="purpose").text == "Safe schools through a partnership."


def test_update_refuses_status_fields(draft, district_admin):
    with pytest.raises(ValidationError, match="only through submit"):
        services.mou_update(mou=draft, acting_user=district_admin, status="approved")


def test_only_a_draft_can_be_deleted(draft, superintendent):
    approve(draft, superintendent)
    with pytest.raises(ValidationError, match="Only a draft MOU can be deleted"):
        MOU.objects.get(pk=draft.pk).delete()


# --- amendments -------------------------------------------------------------------------------


def test_amendment_is_a_new_draft_version_with_copied_elements(
    draft, superintendent, district_admin
):
    approve(draft, superintendent)
    amendment = services.mou_create_amendment(
        mou=draft, acting_user=district_admin, reason="New duty hours"
    )
    assert (amendment.status, amendment.version, amendment.supersedes) == (
        MOU.Status.DRAFT, 2, draft
    )
    # The effective date is not copied: an amendment takes effect after the version it amends
    # (issue 12), on a date the drafter enters.
    assert (amendment.effective_date, amendment.expiry_date) == (None, draft.expiry_date)
    copied = {e.code: (e.text, e.section_ref, e.supervisor) for e in amendment.elements.all()}
    original = {e.code: (e.text, e.section_ref, e.supervisor) for e in draft.elements.all()}
    assert copied == original and len(copied) == 6
    row = amendment.transitions.get()
    assert row.reason == "Amendment of version 1: New duty hours"
    # the amendment is editable; the original is not
    services.mou_set_element(mou=amendment, code="duty_hours", acting_user=district_admin,
                             duty_hours="Mon-Fri 7:00-16:00")
    draft.refresh_from_db()
    assert draft.status == MOU.Status.APPROVED
    assert draft.elements.get(code="duty_hours").duty_hours == "Mon-Fri 7:30-15:30"


def test_only_an_approved_mou_is_amended_and_one_amendment_at_a_time(
    draft, superintendent, district_admin
):
    with pytest.raises(ValidationError, match="Only a Board-approved MOU can be"):
        services.mou_create_amendment(mou=draft, acting_user=district_admin)
    approve(draft, superintendent)
    first = services.mou_create_amendment(mou=draft, acting_user=district_admin)
    with pytest.raises(ValidationError, match=re.escape(f"in progress: {first}.")):
        services.mou_create_amendment(mou=draft, acting_user=district_admin)


def test_approving_an_amendment_supersedes_the_original(draft, superintendent, district_admin):
    approve(draft, superintendent)
    amendment = services.mou_create_amendment(mou=draft, acting_user=district_admin)
    services.mou_update(mou=amendment, acting_user=district_admin,
                        effective_date=dt.date(2026, 7, 1))
    approve(amendment, superintendent, board_date=dt.date(2026, 6, 16), board_item="Item 4")
    draft.refresh_from_db()
    assert draft.status == MOU.Status.SUPERSEDED
    # in force until the amendment takes effect: no gap, no overlap
    assert draft.ended_on == dt.date(2026, 6, 30)
    row = draft.transitions.first()
    assert (row.from_status, row.to_status) == ("approved", "superseded")
    assert row.reason.startswith("Superseded by version 2, approved by the Board on 2026-06-16")
    with pytest.raises(ValidationError):
        services.mou_create_amendment(mou=draft, acting_user=district_admin)


def test_incomplete_amendment_is_refused_and_the_original_stays(
    draft, superintendent, district_admin
):
    approve(draft, superintendent)
    amendment = services.mou_create_amendment(mou=draft, acting_user=district_admin)
    services.mou_set_element(mou=amendment, code="performance_monitoring",
                             acting_user=district_admin, text="")
    with pytest.raises(ValidationError, match="Performance monitoring"):
        approve(amendment, superintendent)
    draft.refresh_from_db()
    assert draft.status == MOU.Status.APPROVED and draft.ended_on is None


# --- termination ------------------------------------------------------------------------------


def test_terminate_an_approved_mou_keeps_its_past(draft, superintendent, district_admin):
    approve(draft, superintendent)
    row = services.mou_terminate(mou=draft, acting_user=district_admin,
                                 reason="Agency gave notice", ended_on=dt.date(2025, 12, 31))
    draft.refresh_from_db()
    assert (draft.status, draft.ended_on) == (MOU.Status.TERMINATED, dt.date(2025, 12, 31))
    assert (row.from_status, row.to_status, row.reason) == (
        "approved", "terminated", "Agency gave notice"
    )
    assert MOU.objects.in_force_on(dt.date(2025, 12, 31)).get() == draft
    assert not MOU.objects.in_force_on(dt.date(2026, 1, 1)).exists()


def test_terminate_needs_a_reason_and_permission(draft, superintendent, district_admin):
    with pytest.raises(ValidationError, match="Give the reason"):
        services.mou_terminate(mou=draft, acting_user=district_admin, reason="  ")
    with pytest.raises(PermissionDenied):
        services.mou_terminate(mou=draft, acting_user=superintendent, reason="x")
    draft.refresh_from_db()
    assert draft.status == MOU.Status.DRAFT


def test_a_draft_can_be_abandoned_but_not_terminated_twice(draft, district_admin):
    services.mou_terminate(mou=draft, acting_user=district_admin, reason="Abandoned")
    draft.refresh_from_db()
    assert draft.status == MOU.Status.TERMINATED and draft.ended_on is None
    assert not MOU.objects.in_force_on(dt.date(2025, 1, 1)).exists()
    with pytest.raises(ValidationError, match="it is terminated"):
        services.mou_terminate(mou=draft, acting_user=district_admin, reason="again")


def test_termination_date_before_the_mou_took_effect_is_refused(
    draft, superintendent, district_admin
):
    approve(draft, superintendent)
    with pytest.raises(ValidationError, match="before the MOU took effect"):
        services.mou_terminate(mou=draft, acting_user=district_admin, reason="x",
                               ended_on=dt.date(2023, 1, 1))
