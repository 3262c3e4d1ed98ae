from mous.models import MOUElement
from mous.services import mou_completeness
from tests.mous.conftest import make_draft


def test_complete_mou_has_six_of_six(draft):
    result = mou_completeness(draft)
    assert result.complete
    assert (result.required_present, result.required_total) == (6, 6)
    assert result.missing == []
    assert result.summary == "6/6 required"
    assert [e.code for e in result.elements][:6] == list(MOUElement.REQUIRED)
    purpose = result.elements[0]
    assert (purpose.label, purpose.present, purpose.section_ref) == ("Purpose", True, "§1")
    assert purpose.policy_ref == "BP 3515.31, MOU element 1"


def test_missing_elements_are_named_in_words_with_the_policy(incomplete_draft):
    result = mou_completeness(incomplete_draft)
    assert not result.complete
    assert result.required_present == 4
    assert result.missing == [
        "Roles and responsibilities: name who supervises the SRO "
        "(required by BP 3515.31, MOU element 2).",
        "Performance monitoring: describe how SRO performance is monitored "
        "(required by BP 3515.31, MOU element 6).",
    ]


def test_each_element_checks_what_it_must_state(agency):
    mou = make_draft(agency)
    mou.elements.filter(code="duty_hours").update(duty_hours="  ")
    mou.elements.filter(code="qualifications_training").update(required_training="")
    mou.elements.filter(code="purpose").update(text="")
    missing = mou_completeness(mou).missing
    assert len(missing) == 3
    assert missing[0].startswith("Purpose: state the purpose of the agreement")
    assert missing[1].startswith("SRO qualifications and training: name the training SROs")
    assert missing[2].startswith("Assigned duty hours: state the assigned hours of duty")


def test_empty_text_is_missing_even_with_the_extra_field(agency):
    mou = make_draft(agency)
    mou.elements.filter(code="roles_responsibilities").update(text="")
    (message,) = mou_completeness(mou).missing
    assert message.startswith(
        "Roles and responsibilities: define the roles and responsibilities of the district, "
        "the school site, the agency and the SROs ("
    )


def test_absent_element_lists_everything_it_needs(agency):
    mou = make_draft(agency, skip=("roles_responsibilities",))
    (message,) = mou_completeness(mou).missing
    assert "define the roles" in message and "and name who supervises the SRO" in message


def test_optional_elements_do_not_count(agency):
    mou = make_draft(agency, skip=("purpose",))
    MOUElement.objects.create(mou=mou, code="nondiscrimination", text="As BP 3515.31.")
    result = mou_completeness(mou)
    assert result.required_present == 5
    nondiscrimination = next(e for e in result.elements if e.code == "nondiscrimination")
    assert nondiscrimination.present and not nondiscrimination.required
    assert nondiscrimination.label == "Nondiscrimination"
