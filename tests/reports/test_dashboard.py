"""The dashboard for roles that are not school-bound: a board member sees no 'Your schools'
panel (and no advice to ask for a membership) and leads with the published reports."""

import re

import pytest
from django.urls import reverse

from sro_program import roles
from tests.factories import UserFactory
from tests.reports.factories import build_dataset


@pytest.fixture
def dataset(db, school_a, school_b):
    return build_dataset(school_a, school_b)


def _panel_titles(client) -> tuple[list[str], str]:
    page = client.get(reverse("dashboard")).content.decode()
    return re.findall(r'<h2 class="h5 card-title" id="panel-\d+">([^<]+)</h2>', page), page


def test_board_member_dashboard_leads_with_reports_and_has_no_schools_panel(
    as_user, board_member, dataset
):
    titles, page = _panel_titles(as_user(board_member))
    assert titles[0] == "Board reports"
    assert "Your schools" not in titles and "Schools" not in titles
    assert "not a member of any school" not in page


def test_schools_panel_for_members_district_wide_roles_and_school_bound_roles(
    as_user, custodian, staff_a, school_a
):
    titles, page = _panel_titles(as_user(custodian))  # sees every school
    assert "Schools" in titles and "not a member" not in page
    titles, page = _panel_titles(as_user(staff_a))
    assert "Your schools" in titles and school_a.name in page
    lonely = UserFactory(username="new_staff", role=roles.STAFF)
    titles, page = _panel_titles(as_user(lonely))
    assert "Your schools" in titles and "not a member of any school" in page
