"""A site administrator requests an SRO presentation; the superintendent approves it."""

import datetime as dt

import pytest
from django.utils import timezone

from sro_program import roles
from sro_program.models import Assignment, DutyHours, PresentationDecision, PresentationRequest
from tests.factories import MOUFactory, OfficerFactory, SchoolFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_site_admin_requests_and_superintendent_approves(
    page, live_server, sign_in, school_a, csp_violations
):
    other = SchoolFactory(name="Bravo High School", cds_code="33671570000029")
    officer = OfficerFactory(first_name="Daniel", last_name="Ramirez", badge_number="4127")
    elsewhere = OfficerFactory(agency=officer.agency, last_name="Elsewhere")
    mou = MOUFactory(agency=officer.agency)
    for who, school in ((officer, school_a), (elsewhere, other)):
        a = Assignment.objects.create(
            officer=who, school=school, mou=mou, start_date=dt.date(2024, 8, 1)
        )
        DutyHours.objects.create(assignment=a, weekday=0, start=dt.time(8), end=dt.time(15))
    UserFactory(username="site.admin", role=roles.SITE_ADMIN, schools=[school_a],
                first_name="Patricia", last_name="Holloway")
    UserFactory(username="superintendent", role=roles.SUPERINTENDENT, first_name="Luis",
                last_name="Moreno")
    day = timezone.localdate() + dt.timedelta(days=14)

    sign_in(page, "site.admin")
    page.get_by_role("link", name="Presentations").click()
    page.get_by_role("link", name="Request a presentation").click()
    page.get_by_label("School").select_option(label="Alpha High School")
    # Only the officers assigned at the chosen school are offered.
    assert page.locator("#id_officer option:not([hidden])").all_inner_texts() == [
        "Choose…", str(officer)
    ]
    page.get_by_label("Officer").select_option(label=str(officer))
    page.get_by_label("Audience").select_option(label="Classroom")
    page.get_by_label("Topic").fill("Online safety for 9th graders")
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_role("button", name="Send request").click()
    assert "Presentation requested" in page.get_by_role("status").inner_text()
    row = page.get_by_role("row", name="Online safety for 9th graders")
    assert "Pending" in row.inner_text()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "superintendent")
    page.get_by_role("link", name="Presentations").click()
    page.get_by_role("link", name="Decide on Online safety for 9th graders").click()
    assert "Patricia Holloway" in page.content()
    page.get_by_label("Approve").check()
    page.get_by_label("Note").fill("Approved. Coordinate with the health teacher.")
    page.get_by_role("button", name="Record decision").click()
    row = page.get_by_role("row", name="Online safety for 9th graders")
    assert "Approved" in row.inner_text() and "Luis Moreno" in row.inner_text()

    request = PresentationRequest.objects.get()
    assert request.status == "approved"
    decision = PresentationDecision.objects.get()
    assert decision.decided_by.username == "superintendent"
    assert csp_violations == []
