"""MOU lifecycle rules with one home (mous.models): the transition table, an amendment's
effective date after its predecessor's, and the previous version's last day in force."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mous import services
from mous.models import MOU
from tests.mous.conftest import BOARD_DATE, make_draft

pytestmark = pytest.mark.django_db


def _approve(mou, user, board_date=BOARD_DATE, item="Item 9.2"):
    return services.mou_record_board_approval(
        mou=mou, board_date=board_date, board_item=item, acting_user=user
    )


def test_retroactive_amendment_is_refused_naming_the_dates(agency, superintendent,
                                                         district_admin):
    original = make_draft(agency, version=1)  # effective 2024-07-01
    _approve(original, superintendent)
    amendment = services.mou_create_amendment(mou=original, acting_user=district_admin)
    # Nothing is copied that would make the amendment take effect with (or before) v1.
    assert amendment.effective_date is None
    # Set behind the form's back (an old draft, a script): approval still refuses it.
    MOU.objects.filter(pk=amendment.pk).update(effective_date=dt.date(2024, 7, 1))
    amendment.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        _approve(amendment, superintendent, board_date=dt.date(2025, 6, 10))
    text = " ".join(refused.value.messages)
    assert "2024-07-01" in text and "version 1" in text
    original.refresh_from_db()
    assert original.status == MOU.Status.APPROVED and original.ended_on is None


def test_amendment_effective_date_must_follow_the_predecessors_in_the_form_path(
    agency, superintendent, district_admin
):
    original = make_draft(agency, version=1)
    _approve(original, superintendent)
    amendment = services.mou_create_amendment(mou=original, acting_user=district_admin)
    with pytest.raises(ValidationError) as refused:
        services.mou_update(mou=amendment, acting_user=district_admin,
                            effective_date=dt.date(2024, 6, 1))
    assert "effective_date" in refused.value.message_dict
    assert "2024-07-01" in refused.value.message_dict["effective_date"][0]
    services.mou_update(mou=amendment, acting_user=district_admin,
                        effective_date=dt.date(2025, 7, 1))
    _approve(amendment, superintendent, board_date=dt.date(2025, 6, 10))
    original.refresh_from_db()
    assert original.ended_on == MOU.previous_version_end(dt.date(2025, 7, 1), None)
    assert original.ended_on == dt.date(2025, 6, 30)


def test_one_transition_table_drives_services_admin_and_templates(
    agency, as_user, district_admin
):
    assert MOU.TRANSITIONS["approve"].sources == (MOU.Status.DRAFT, MOU.Status.UNDER_REVIEW)
    draft = make_draft(agency, version=1)
    assert draft.allowed_actions() == {"submit", "approve", "terminate", "delete"}
    services.mou_submit_for_review(mou=draft, acting_user=district_admin)
    assert draft.allowed_actions() == {"approve", "terminate"}
    page = as_user(district_admin).get(reverse("admin:mous_mou_change", args=[draft.pk]))
    html = page.content.decode()
    assert 'value="submit_for_review"' not in html and "Terminate</a>" in html
