"""Interaction rules written once: the future-date tolerance (a setting), the derived measures,
the outside-SRO-role reasons, and code / ORI / grade checks in model clean() (so the admin, the
importer and scripts refuse what the form refuses)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from interactions.codes import OUTSIDE_SRO_ROLE_REASONS, derived_fields
from interactions.models import Interaction
from interactions.rules import in_future
from interactions.services import validate_interaction_data
from mous.models import Agency
from sro_program.models import School
from tests.interactions.test_import import (  # noqa: F401 - fixtures
    INTERACTIONS_HEADER,
    district,
    run,
    school,
    write,
)

pytestmark = pytest.mark.django_db


def test_future_tolerance_is_one_setting_for_service_and_import(settings, district, tmp_path):  # noqa: F811, E501
    """Three minutes ahead of the clock: the service allowed it (5 minutes), the importer
    refused it (none). Both now read FUTURE_TOLERANCE_MINUTES."""
    ahead = timezone.localtime() + dt.timedelta(minutes=3)
    settings.FUTURE_TOLERANCE_MINUTES = 5
    assert not in_future(ahead)
    row = (f"F1,{ahead:%Y-%m-%dT%H:%M},33671570000011,S1,4127,CA0331900,campus,sro_observed,,"
           "threat_to_safety,warning,,,N,,\n")
    _, _, err = run("interactions", write(tmp_path, INTERACTIONS_HEADER + row), "--dry-run")
    assert "occurred_at" not in err
    settings.FUTURE_TOLERANCE_MINUTES = 0
    assert in_future(ahead)
    _, _, err = run("interactions", write(tmp_path, INTERACTIONS_HEADER + row), "--dry-run")
    assert "column occurred_at: The date and time cannot be in the future." in err
    errors = validate_interaction_data({"occurred_at": ahead})
    assert errors["occurred_at"] == ["The date and time cannot be in the future."]


def test_derived_fields_are_what_the_import_stores(district, tmp_path):  # noqa: F811
    row = ("D1,2025-10-14T10:30,33671570000011,S1,4127,CA0331900,campus,staff_referral,teacher,"
           "mental_health_crisis,referral_support,physical_control,serious,Y,"
           "Imminent danger to self,\n")
    status, out, _ = run("interactions", write(tmp_path, INTERACTIONS_HEADER + row))
    assert status == 0, out
    stored = Interaction.objects.get(external_id="D1")
    expected = derived_fields(
        occurred_on=dt.date(2025, 10, 14), initiated_by="staff_referral",
        reason="mental_health_crisis", outcomes=["referral_support"],
        force_types=["physical_control"], injury="serious",
    )
    assert {name: getattr(stored, name) for name in expected} == expected
    assert expected["outside_sro_role"] and expected["gc12525_reportable"]


def test_outside_role_reasons_have_one_list():
    from interactions.forms import InteractionForm
    from reports.selectors import INCIDENT_FILTERS

    (constraint,) = [c for c in Interaction._meta.constraints
                     if c.name == "interaction_outside_role_needs_justification"]
    assert set(constraint.condition.children[0].children[0][1]) == OUTSIDE_SRO_ROLE_REASONS
    assert set(InteractionForm.outside_role_reasons.split()) == OUTSIDE_SRO_ROLE_REASONS
    report = {q.children[0][1] for name, q in INCIDENT_FILTERS.items()
              if name.startswith("outside_")}
    assert report == OUTSIDE_SRO_ROLE_REASONS


def test_agency_ori_is_checked_by_the_model(db):
    with pytest.raises(ValidationError) as refused:
        Agency(ori="ca-12", name="Bad").full_clean()
    assert "ori" in refused.value.message_dict
    Agency(ori="CA0331900", name="Good").full_clean()


def test_school_grade_order_is_checked_by_the_model(db):
    with pytest.raises(ValidationError) as refused:
        School(cds_code="33671570000099", name="Upside", grade_low="12",
               grade_high="09").full_clean()
    assert refused.value.message_dict["grade_high"] == ["The highest grade is below the lowest."]


def test_interaction_codes_are_checked_by_the_model(model_data):
    interaction = Interaction(**model_data, school_year="2025-26")
    interaction.outcomes = ["warning", "waterboarding"]
    interaction.reason = "code_of_conduct"  # outside the role, no justification
    with pytest.raises(ValidationError) as refused:
        interaction.full_clean(exclude=["school_year"])
    errors = refused.value.message_dict
    assert "Unknown code(s): waterboarding." in errors["outcomes"]
    assert "justification" in errors
