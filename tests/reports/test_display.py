"""Formatting for people: labels instead of codes in the compliance section (page, PDF, XLSX,
CSV, JSON), "–" / "*" in the tables, charts that are only drawn when there is something to
draw, and dates in the district's time zone."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports import charts, display, exports
from reports.labels import label_compliance
from tests.reports.factories import build_dataset

A = "33671570000011"
QUERY = f"school_year=2025-26&schools={A}"
TOPIC_CODE = "use_of_force_policy"
TOPIC_NAME = "Agency use-of-force policy"


@pytest.fixture
def dataset(db, school_a, school_b):
    return build_dataset(school_a, school_b)


# --- 1. compliance: labels, not codes ---------------------------------------------------------


def test_compliance_shows_training_topic_names_in_every_format(as_user, superintendent,
                                                               dataset):
    client = as_user(superintendent)
    report = json.loads(client.get(reverse("reports:export", args=["json"]) + "?" + QUERY
                                   ).content)
    officers = report["compliance"]["officers"]
    missing = [t for o in officers for t in o["missing_training_topics"]]
    # The JSON keeps the codes (sro-board-report/1) and carries the names beside them.
    assert {"code": TOPIC_CODE, "label": TOPIC_NAME} in missing
    assert any(TOPIC_CODE in o["missing_training"] for o in officers)

    page = client.get(reverse("reports:build") + "?" + QUERY).content.decode()
    officers_table = page.split('data-testid="compliance-officers"')[1].split("</table>")[0]
    assert TOPIC_NAME in officers_table and TOPIC_CODE not in officers_table

    html = exports.to_html_for_pdf(report)
    pdf_officers = html.split('data-testid="compliance-officers"')[1].split("</table>")[0]
    assert TOPIC_NAME in pdf_officers and TOPIC_CODE not in pdf_officers

    book = load_workbook(io.BytesIO(client.get(
        reverse("reports:export", args=["xlsx"]) + "?" + QUERY).content))
    cells = [str(c.value) for row in book["Compliance"].iter_rows() for c in row if c.value]
    assert any(TOPIC_NAME in c for c in cells)
    assert not any(TOPIC_CODE in c for c in cells)

    rows = list(csv.reader(io.StringIO(client.get(
        reverse("reports:export", args=["csv"]) + "?" + QUERY).content.decode())))
    assert any(r[0] == "compliance" and r[4] == "label" and r[5] == TOPIC_NAME for r in rows)


def test_label_compliance_fills_in_older_snapshots_and_keeps_labels(db):
    old = {
        "officers": [{"officer": "A", "missing_training": [TOPIC_CODE, "no_such_topic"]}],
        "record_access": {
            "requests": [{"basis": "court_order", "status": "granted", "count": None}],
            "log_entries": [{"basis": "", "kind": "disclosure", "count": 12}],
        },
    }
    labelled = label_compliance(old)
    assert labelled["officers"][0]["missing_training_topics"] == [
        {"code": TOPIC_CODE, "label": TOPIC_NAME},
        {"code": "no_such_topic", "label": "No such topic"},
    ]
    request = labelled["record_access"]["requests"][0]
    assert request["basis_label"].startswith("Court order")
    assert request["status_label"] == "Granted"
    assert labelled["record_access"]["log_entries"][0]["kind_label"] == "Disclosure"
    assert "missing_training_topics" not in old["officers"][0]  # a copy; input unchanged
    assert label_compliance(labelled) == labelled

    view = display.compliance_view(old)
    assert view["officers"][0]["missing_labels"] == [TOPIC_NAME, "No such topic"]
    assert view["record_access"]["requests"][0]["count_text"] == "*"


# --- 3. table details -------------------------------------------------------------------------


def _entry(group, **kw):
    base = {"dimension": "race_ethnicity", "group": group, "measure": "arrest",
            "instances": 20, "students": 20, "enrollment": 500, "rate_per_1000": 40.0,
            "rri": None, "rri_ci_low": None, "rri_ci_high": None, "rri_significant": None,
            "rri_reason": None, "risk_ratio": None, "risk_ratio_method": "risk_ratio",
            "risk_ratio_reason": None, "suppressed": False}
    return {**base, **kw}


def test_group_rows_dash_for_not_calculated_star_for_withheld_and_the_reference_group():
    report = {"groups": [
        _entry("white", rri=1.0),
        _entry("hispanic", rri=2.5, rri_ci_low=1.5, rri_ci_high=4.1, rri_significant=True,
               risk_ratio=2.2),
        _entry("asian", rri_reason="group_below_min_n"),
        _entry("filipino", instances=None, students=None, enrollment=None,
               rate_per_1000=None, suppressed=True, rri_reason="suppressed"),
        _entry("two_or_more", rri_reason="reference_suppressed",
               risk_ratio_reason="comparison_suppressed"),
    ]}
    rows = {r["label"]: r for r in display.group_rows(report, "race_ethnicity", "arrest")}
    white = rows["White"]
    assert (white["rri"], white["ci"], white["significant"], white["note"]) == (
        "1.00", "–", "–", "reference group")
    latino = rows["Hispanic or Latino"]
    assert (latino["rri"], latino["ci"], latino["significant"]) == ("2.50", "1.50–4.10", "yes")
    asian = rows["Asian"]
    assert (asian["rri"], asian["ci"], asian["significant"]) == ("–", "–", "–")
    filipino = rows["Filipino"]
    assert (filipino["rri"], filipino["ci"], filipino["significant"]) == ("*", "*", "*")
    two = rows["Two or more races"]
    assert (two["rri"], two["ci"], two["significant"], two["risk_ratio"]) == ("*", "*", "*", "*")
    for row in rows.values():
        assert row["ci"] and row["significant"]  # never blank


def test_shares_from_withheld_counts_read_star():
    view = display.compliance_view({
        "interactions": {"interactions": 60, "use_of_force": None, "de_escalation": 12,
                         "force_with_de_escalation": None, "restorative": 0},
        "shares": {"de_escalation_share": 0.2, "de_escalation_share_of_force": None,
                   "restorative_share": None},
        "suppressed_counts": ["force_with_de_escalation", "use_of_force"],
    })
    shares = {r["label"]: r["value"] for r in view["shares"]}
    assert shares["De-escalation attempted, of all interactions"] == "20.0%"
    assert shares["De-escalation attempted, of interactions with force"] == "*"
    assert shares["Restorative approach, of all interactions"] == "–"
    indented = [r["label"] for r in view["incidents"] if r["indent"]]
    assert indented == ["of which code of conduct", "of which mental health crisis"]


# --- 4. charts --------------------------------------------------------------------------------


def test_a_chart_of_only_zero_or_withheld_figures_is_a_sentence():
    withheld = {"groups": [
        _entry("white", instances=None, students=None, enrollment=None, rate_per_1000=None,
               suppressed=True),
        _entry("asian", instances=0, students=0, rate_per_1000=0.0,
               rri_reason="zero_count"),
    ], "months": [{"month": "2025-09", "measure": "arrest", "instances": None,
                   "suppressed": True},
                  {"month": "2025-10", "measure": "contact", "instances": 0,
                   "suppressed": False}]}
    assert charts.rates_chart(withheld, "race_ethnicity", "arrest") is None
    assert charts.trend_chart(withheld) is None
    context = display.report_context(withheld, chart_measures=["arrest"])
    assert [c["uri"] for c in context["charts"]] == [None, None]
    assert all("zero or withheld" in c["empty"] for c in context["charts"])

    shown = {"groups": [_entry("white", rri=1.0), _entry("asian", rri=1.3, rri_ci_low=0.7,
                                                         rri_ci_high=2.0)],
             "months": [{"month": "2025-09", "measure": "contact", "instances": 14,
                         "suppressed": False}]}
    svg = charts.rates_chart(shown, "race_ethnicity", "arrest")
    # The caption names the chart; the image does not repeat it.
    assert svg and "Arrest by race or ethnicity" not in svg
    trend = charts.trend_chart(shown)
    assert trend and "Interactions per month" not in trend
    titles = [c["title"] for c in display.report_context(shown, chart_measures=["arrest"]
                                                         )["charts"]]
    assert titles == ["Arrest by race or ethnicity",
                      "Interactions per month (withheld months are gaps)"]


# --- 5. dates and the publisher -------------------------------------------------------------


def test_dates_for_people_in_the_district_time_zone(settings):
    settings.TIME_ZONE = "America/Los_Angeles"
    assert display.format_datetime("2026-11-28T06:22:43-08:00") == "28 November 2026, 6:22 a.m."
    assert display.format_datetime("2026-11-28T14:22:43+00:00") == "28 November 2026, 6:22 a.m."
    assert display.format_datetime(dt.datetime(2026, 7, 1, 19, 5, tzinfo=dt.UTC)
                                   ) == "1 July 2026, 12:05 p.m."
    assert display.format_date("2025-07-01") == "1 July 2025"
    assert display.format_datetime(None) == "–"
    html = exports.to_html_for_pdf({"parameters": {"date_from": "2025-07-01",
                                                   "date_to": "2026-06-30"},
                                    "generated_at": "2026-11-28T06:22:43-08:00"})
    assert "28 November 2026, 6:22 a.m." in html and "2026-11-28T06:22" not in html
