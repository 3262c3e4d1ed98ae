"""The Board packet summary (HTML and PDF) and the dashboard panel."""

import datetime as dt

import pytest
from django.urls import reverse

from mous import services
from tests.factories import MOUFactory
from tests.mous.conftest import BOARD_DATE


@pytest.fixture
def approved(draft, superintendent):
    services.mou_record_board_approval(mou=draft, board_date=BOARD_DATE,
                                       board_item="Item 9.2", acting_user=superintendent)
    return draft


def test_summary_shows_checklist_dates_and_approval(as_user, site_admin_a, approved):
    page = as_user(site_admin_a).get(reverse("mous:summary", args=[approved.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Required elements: 6/6 required" in text
    for ref in ("§1", "§2", "§6"):
        assert ref in text
    assert "<th scope=\"col\">BP 3515.31</th>" in text and "element 2" in text
    assert "Sergeant, School Services Unit" in text
    assert "2024-06-18" in text and "Item 9.2" in text and "2024-07-01" in text
    assert "Draft → Board-approved" in text  # the status history
    assert "Open in admin" not in text  # site administrators are not admin users


def test_summary_of_an_incomplete_mou_names_what_is_missing(
    as_user, district_admin, incomplete_draft
):
    text = as_user(district_admin).get(
        reverse("mous:summary", args=[incomplete_draft.pk])
    ).content.decode()
    assert "Required elements: 4/6 required" in text
    assert "Not yet approved by the Board." in text
    assert "Performance monitoring: describe how SRO performance is monitored" in text


def test_summary_pdf_renders(as_user, district_admin, approved, tmp_path):
    response = as_user(district_admin).get(reverse("mous:summary_pdf", args=[approved.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert 'filename="mou-CA0331900-v1-summary.pdf"' in response["Content-Disposition"]


@pytest.mark.parametrize("name", ["mous:summary", "mous:summary_pdf"])
def test_summary_needs_view_mou(as_user, client, staff_a, board_member, approved, name):
    url = reverse(name, args=[approved.pk])
    assert as_user(staff_a).get(url).status_code == 403
    assert as_user(board_member).get(url).status_code == 403
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_summary_of_unknown_mou_is_404(as_user, district_admin, db):
    assert as_user(district_admin).get(reverse("mous:summary", args=[999])).status_code == 404


def test_dashboard_panel_lists_mous_needing_attention(as_user, district_admin, agency):
    today = dt.date.today()
    soon = MOUFactory(agency=agency, effective_date=today - dt.timedelta(days=300),
                      expiry_date=today + dt.timedelta(days=40),
                      next_review_date=today + dt.timedelta(days=200))
    MOUFactory(agency=agency, effective_date=today - dt.timedelta(days=300),
               expiry_date=today + dt.timedelta(days=400),
               next_review_date=today + dt.timedelta(days=200), title="Later MOU")
    text = as_user(district_admin).get("/").content.decode()
    assert "MOUs needing attention" in text
    assert f"Expires {soon.expiry_date:%Y-%m-%d} (in 40 days)" in text
    assert "Later MOU" not in text.split("In force today")[0]
    assert reverse("mous:summary", args=[soon.pk]) in text


def test_dashboard_panel_only_for_view_mou(as_user, staff_a, site_admin_a, db):
    assert "MOUs needing attention" not in as_user(staff_a).get("/").content.decode()
    text = as_user(site_admin_a).get("/").content.decode()
    assert "No MOU expires or is due for review in the next 90 days" in text
    assert "No MOU is in force today" in text
