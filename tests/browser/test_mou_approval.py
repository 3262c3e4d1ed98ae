"""A superintendent records the Board approval of a complete MOU in admin, and is refused,
with every missing element named, for an incomplete one."""

import pytest

from mous.models import MOU
from sro_program import roles
from tests.factories import AgencyFactory, UserFactory
from tests.mous.conftest import make_draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_board_approval_in_admin(page, live_server, sign_in, csp_violations):
    UserFactory(username="superintendent", role=roles.SUPERINTENDENT, is_staff=True,
                first_name="Luis", last_name="Moreno")
    agency = AgencyFactory(name="Valle Verde Police Department", ori="CA0331900")
    complete = make_draft(agency, version=1, title="SRO Services Agreement")
    incomplete = make_draft(agency, version=2, title="SRO Services Agreement",
                            skip=("performance_monitoring",))
    incomplete.elements.filter(code="roles_responsibilities").update(supervisor="")

    sign_in(page, "superintendent")

    # The complete MOU, through the list's action and the intermediate page.
    page.goto(f"{live_server.url}/admin/mous/mou/")
    row = page.locator("#result_list tr", has_text="SRO Services Agreement").filter(
        has_text="6/6 required"
    )
    row.get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option("record_board_approval")
    page.get_by_role("button", name="Go").click()
    assert page.get_by_role("heading", name="Record Board approval").is_visible()
    page.get_by_label("Board meeting date").fill("2024-06-18")
    page.get_by_label("Agenda item or resolution no.").fill("Item 9.2")
    page.get_by_role("button", name="Record Board approval").click()
    page.wait_for_load_state("domcontentloaded")
    assert "Board approval recorded" in page.locator(".messagelist").inner_text()
    assert page.get_by_text("Content locked.").is_visible()
    complete.refresh_from_db()
    assert complete.status == MOU.Status.APPROVED and complete.board_item == "Item 9.2"

    # The incomplete one, from its change page: warned before, refused after.
    page.goto(f"{live_server.url}/admin/mous/mou/{incomplete.pk}/change/")
    assert page.get_by_text("4/6 required: incomplete").is_visible()
    page.get_by_role("link", name="Record Board approval").click()
    assert page.get_by_text("It will be refused until these are added").is_visible()
    page.get_by_label("Board meeting date").fill("2024-06-18")
    page.get_by_label("Agenda item or resolution no.").fill("Item 9.3")
    page.get_by_role("button", name="Record Board approval").click()
    page.wait_for_load_state("domcontentloaded")
    error = page.locator(".messagelist .error").inner_text()
    assert "cannot be recorded until this is fixed" in error
    assert "Roles and responsibilities: name who supervises the SRO" in error
    assert "Performance monitoring: describe how SRO performance is monitored" in error
    incomplete.refresh_from_db()
    assert incomplete.status == MOU.Status.DRAFT
    assert csp_violations == []
