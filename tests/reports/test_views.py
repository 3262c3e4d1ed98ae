"""The report pages: who may build, export, publish and read; the four formats; publishing
stores exact bytes; board members never see unsuppressed figures."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import PublishedReport
from tests.reports.factories import build_dataset

A = "33671570000011"
QUERY = f"school_year=2025-26&schools={A}"


@pytest.fixture
def dataset(db, school_a, school_b):
    return build_dataset(school_a, school_b)


def test_anonymous_is_sent_to_sign_in(client, db):
    for name in ("reports:index", "reports:build"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_board_member_reads_the_list_but_cannot_build(as_user, board_member, dataset):
    client = as_user(board_member)
    page = client.get(reverse("reports:index"))
    assert page.status_code == 200
    assert b"Open the report builder" not in page.content
    assert client.get(reverse("reports:build") + "?" + QUERY).status_code == 403
    assert client.get(reverse("reports:build") + "?" + QUERY + "&unsuppressed=on"
                      ).status_code == 403
    for fmt in ("json", "pdf"):
        assert client.get(reverse("reports:export", args=[fmt]) + "?" + QUERY
                          ).status_code == 403
    assert client.post(reverse("reports:publish"), {"school_year": "2025-26"}
                       ).status_code == 403
    assert client.get(reverse("reports:crdc") + "?" + QUERY).status_code == 403


def test_district_admin_builds_but_not_unsuppressed(as_user, district_admin, dataset):
    client = as_user(district_admin)
    page = client.get(reverse("reports:build") + "?" + QUERY)
    assert page.status_code == 200
    assert page.context["params"]["suppressed"] is True
    assert b"Show unsuppressed" not in page.content
    assert client.get(reverse("reports:build") + "?" + QUERY + "&unsuppressed=on"
                      ).status_code == 403
    assert client.get(reverse("reports:export", args=["json"]) + "?" + QUERY
                      + "&unsuppressed=on").status_code == 403
    assert client.post(reverse("reports:publish"), {"school_year": "2025-26"}
                       ).status_code == 403


def test_preview_has_tables_charts_and_no_inline_styles(as_user, superintendent, dataset):
    page = as_user(superintendent).get(reverse("reports:build") + "?" + QUERY
                                       + "&measure=arrest")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-suppressed="true"' in html
    assert "How to read this report" in html and "Privacy" in html
    # One chart per key measure of the summary and the monthly trend: each an SVG image, or
    # a sentence when every figure is zero or withheld.
    assert html.count('data-testid="report-chart"') == 5
    images = html.count('src="data:image/svg+xml;base64,')
    assert images >= 1
    assert images + html.count('data-testid="chart-empty"') == 5
    assert 'style="' not in html and "<style" not in html  # CSP: style-src 'self' + nonce
    assert "CONFIDENTIAL" not in html
    assert "Hispanic or Latino" in html


def test_unsuppressed_preview_is_marked_confidential(as_user, superintendent, dataset):
    page = as_user(superintendent).get(reverse("reports:build") + "?" + QUERY
                                       + "&unsuppressed=on")
    assert page.status_code == 200
    assert b'data-testid="confidential-banner"' in page.content
    assert page.context["params"]["suppressed"] is False


def test_period_outside_one_school_year_is_refused(as_user, superintendent, dataset):
    page = as_user(superintendent).get(
        reverse("reports:build") + "?school_year=2025-26&date_from=2025-06-01&date_to=2025-08-01"
    )
    assert page.status_code == 200
    assert b"one school year" in page.content
    assert "report" not in page.context or page.context.get("report") is None


@pytest.mark.parametrize("unsuppressed", [False, True])
def test_four_formats_download_from_the_page(as_user, superintendent, dataset, unsuppressed):
    client = as_user(superintendent)
    query = QUERY + ("&unsuppressed=on" if unsuppressed else "")
    got = {}
    for fmt in ("json", "csv", "xlsx", "pdf"):
        response = client.get(reverse("reports:export", args=[fmt]) + "?" + query)
        assert response.status_code == 200, fmt
        assert "attachment" in response["Content-Disposition"]
        assert ("CONFIDENTIAL" in response["Content-Disposition"]) is unsuppressed
        got[fmt] = response.content
    report = json.loads(got["json"])
    assert report["parameters"]["suppressed"] is (not unsuppressed)
    assert report.get("confidential") is unsuppressed
    rows = list(csv.reader(io.StringIO(got["csv"].decode())))
    if unsuppressed:
        assert rows[0][0].startswith("CONFIDENTIAL")
        rows = rows[1:]
    assert rows[0][:6] == ["section", "dimension", "group", "measure", "field", "value"]
    assert rows[0][6:] == ["previous_value", "dimension_label", "group_label", "measure_label"]
    codes = [r[:6] for r in rows]
    assert ["groups", "race_ethnicity", "hispanic", "arrest", "students", "12"] in codes
    white = ["groups", "race_ethnicity", "white", "arrest", "students",
             "5" if unsuppressed else ""]
    assert white in codes
    hispanic = next(r for r in rows if r[:5] == ["groups", "race_ethnicity", "hispanic",
                                                 "arrest", "students"])
    assert hispanic[7:] == ["Race or ethnicity", "Hispanic or Latino", "Arrest"]
    book = load_workbook(io.BytesIO(got["xlsx"]))
    assert {"README", "Summary", "Totals", "Groups", "Stages", "Schools", "Months",
            "Compliance"} <= set(book.sheetnames)
    groups = book["Groups"]
    header_row = 2 if unsuppressed else 1
    assert groups.freeze_panes == f"A{header_row + 1}"
    assert groups.auto_filter.ref.startswith(f"A{header_row}:")
    header = [c.value for c in groups[header_row]]
    assert header[:3] == ["Dimension", "Group", "Measure"]
    first = [c for c in groups[header_row + 1]]
    assert first[0].value == "Race or ethnicity"  # labels, not codes
    rates = [r[6] for r in groups.iter_rows(min_row=header_row + 1)
             if isinstance(r[6].value, float)]
    assert rates and all(c.number_format == "0.00" for c in rates)
    for sheet in book.worksheets:
        assert (str(sheet["A1"].value).startswith("CONFIDENTIAL")) is unsuppressed
    assert got["pdf"].startswith(b"%PDF")


def test_publish_stores_exact_bytes_and_board_reads_them(
    as_user, superintendent, board_member, dataset
):
    client = as_user(superintendent)
    data = {"school_year": "2025-26", "schools": [A], "unsuppressed": "on"}
    # Publishing is confirmed first: the POST carries the key of the figures that were shown.
    confirm = client.get(reverse("reports:publish"), data)
    assert confirm.status_code == 200 and not PublishedReport.objects.exists()
    response = client.post(reverse("reports:publish"),
                           {**data, "content_key": confirm.context["content_key"]})
    snapshot = PublishedReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:published", args=[snapshot.pk])
    content = snapshot.exact_bytes()
    assert hashlib.sha256(content).hexdigest() == snapshot.sha256
    assert snapshot.parameters["suppressed"] is True  # publishing never publishes unsuppressed
    assert snapshot.published_by_username == superintendent.username

    board = as_user(board_member)
    listing = board.get(reverse("reports:index"))
    assert snapshot.title.encode() in listing.content
    page = board.get(reverse("reports:published", args=[snapshot.pk]))
    assert page.status_code == 200
    assert snapshot.sha256.encode() in page.content
    assert b"CONFIDENTIAL" not in page.content
    download = board.get(reverse("reports:published_download", args=[snapshot.pk, "json"]))
    assert download.content == content
    again = board.get(reverse("reports:published_download", args=[snapshot.pk, "json"]))
    assert again.content == content
    for fmt in ("csv", "xlsx", "pdf"):
        assert board.get(reverse("reports:published_download", args=[snapshot.pk, fmt])
                         ).status_code == 200
    # Immutable.
    from django.core.exceptions import ValidationError

    snapshot.title = "changed"
    with pytest.raises(ValidationError):
        snapshot.save()


def test_crdc_export(as_user, superintendent, dataset):
    client = as_user(superintendent)
    response = client.get(reverse("reports:crdc") + "?" + QUERY + "&format=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0].startswith("CONFIDENTIAL")
    assert rows[1] == ["school_cds", "school_name", "item", "count_type", "breakdown", "group",
                       "value"]
    data = {tuple(r[2:6]): r[6] for r in rows[2:]}
    assert data[("sworn_officer_fte", "fte", "total", "total")] == "1.0"
    # The dataset's arrests are on campus: school-related. Asian + Filipino would merge.
    assert data[("school_related_arrest", "students", "total", "total")] == "29"
    assert data[("school_related_arrest", "instances", "total", "total")] == "30"
    assert data[("school_related_arrest", "students", "race", "black_african_american")] == "11"
    assert data[("school_related_arrest", "students", "sex", "M")] == "11"
    assert data[("school_related_arrest", "students", "english_learner", "Y")] == "26"
    assert data[("referral_to_law_enforcement", "students", "total", "total")] == "0"
    xlsx = client.get(reverse("reports:crdc") + "?" + QUERY + "&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")


def test_dashboard_panel(as_user, superintendent, board_member, dataset):
    page = as_user(superintendent).get(reverse("dashboard"))
    assert b"Build a report" in page.content
    page = as_user(board_member).get(reverse("dashboard"))
    assert b"Board reports" in page.content and b"Build a report" not in page.content


def test_staff_and_site_admin_read_published_only(as_user, staff_a, site_admin_a, dataset):
    for user in (staff_a, site_admin_a):
        client = as_user(user)
        assert client.get(reverse("reports:index")).status_code == 200
        assert client.get(reverse("reports:build") + "?" + QUERY).status_code == 403
        assert client.get(reverse("reports:export", args=["csv"]) + "?" + QUERY
                          ).status_code == 403
    assert as_user(staff_a).get(reverse("reports:published", args=[999])).status_code == 404


def test_builder_opens_on_the_latest_year_with_data(as_user, superintendent, dataset):
    page = as_user(superintendent).get(reverse("reports:build"))
    assert page.status_code == 200
    assert page.context["form"].fields["school_year"].initial == "2025-26"
