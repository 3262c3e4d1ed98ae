"""Staff log an interaction in the browser: a reason outside the SRO role with its
justification, and use of force (the force section appears only when force is chosen).
It shows in the list, flagged; staff of another school get 404 for it."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from interactions.models import Interaction
from sro_program import roles
from tests.factories import (
    AssignmentFactory,
    EnrollmentFactory,
    MOUFactory,
    OfficerFactory,
    StudentFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scene(school_a, school_b):
    staff = UserFactory(username="staff", role=roles.STAFF, schools=[school_a])
    staff2 = UserFactory(username="staff2", role=roles.STAFF, schools=[school_b])
    officer = OfficerFactory(last_name="Ramirez", first_name="Luis", badge_number="4711")
    AssignmentFactory(
        officer=officer, school=school_a, start_date=dt.date(2025, 8, 1),
        mou=MOUFactory(agency=officer.agency, elements=False),
    )  # fmt: skip
    student = StudentFactory(student_id="S200001", last_name="Garcia", first_name="Ana")
    EnrollmentFactory(student=student, school=school_a, school_year="2025-26")
    return {"staff": staff, "staff2": staff2}


def test_staff_logs_flagged_interaction_with_force(
    page, browser, live_server, sign_in, scene, csp_violations
):
    sign_in(page, "staff")
    page.goto(f"{live_server.url}/interactions/new/")
    expect(page.get_by_role("heading", name="Log an interaction")).to_be_visible()

    page.locator("#id_occurred_at").fill("2025-10-14T10:30")
    page.locator("#id_occurred_at").dispatch_event("change")
    # Part of a name is enough: suggestions come from the user's schools only.
    page.locator("#id_student_id").press_sequentially("Garc", delay=30)
    expect(page.locator("#student-options option[value='S200001']")).to_have_count(1)
    page.locator("#id_student_id").fill("S200001")
    expect(page.locator("#id_officer_badge option[value='4711']")).to_have_count(1)
    page.locator("#id_officer_badge").select_option("4711")
    page.locator("#id_location").select_option("campus")
    page.locator("#id_initiated_by").select_option("sro_observed")

    # A reason outside the SRO role asks for a justification, citing the policy.
    page.locator("#id_reason").select_option("code_of_conduct")
    expect(page.locator("#id_justification")).to_be_visible()
    expect(page.locator("#justification-section")).to_contain_text("BP 3515.31")
    page.locator("#id_justification").fill("Fight in progress; a teacher asked for help.")
    page.get_by_label("Warning", exact=True).check()

    # The force section appears only when force is chosen.
    expect(page.locator("#force-section")).to_be_hidden()
    page.get_by_label("Force used?").check()
    expect(page.locator("#force-section")).to_be_visible()
    page.get_by_label("Handcuffed").check()
    page.locator("#id_injury").select_option("none")
    page.get_by_label("De-escalation attempted").check()
    page.get_by_label("Verbal").check()
    page.locator("#id_narrative").fill("Separated two students; both calm after ten minutes.")

    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", name=re.compile(r"Interaction \d+"))).to_be_visible()

    interaction = Interaction.objects.get()
    assert interaction.outside_sro_role and interaction.use_of_force
    assert interaction.status == "submitted"

    page.goto(f"{live_server.url}/interactions/")
    row = page.get_by_test_id("interaction-table").locator("tbody tr").first
    expect(row).to_contain_text("Garcia, Ana")
    expect(row).to_contain_text("Outside SRO role")
    expect(row).to_contain_text("Use of force")
    assert csp_violations == []

    # Staff of another school: 404.
    other = browser.new_page()
    try:
        sign_in(other, "staff2")
        response = other.goto(f"{live_server.url}/interactions/{interaction.pk}/")
        assert response.status == 404
    finally:
        other.close()


def test_error_summary_links_to_fields(page, live_server, sign_in, scene):
    sign_in(page, "staff")
    page.goto(f"{live_server.url}/interactions/new/")
    page.get_by_role("button", name="Submit").click()
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    summary.get_by_role("link", name="Primary reason").click()
    assert page.url.endswith("#div_id_reason")
    # The link puts the cursor in the field, not only scrolls to it.
    expect(page.locator("#id_reason")).to_be_focused()
