"""Publishing: confirm first (what, and the privacy line); the same parameters and figures
twice land on the same snapshot; the superintendent withdraws with a reason; a withdrawn
report stays listed and downloadable, marked withdrawn."""

from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import PublishedReport
from reports.selectors import board_report, system_user
from reports.services import report_publish, report_withdraw
from tests.reports.factories import build_dataset

A = "33671570000011"
DATA = {"school_year": "2025-26", "schools": [A]}


@pytest.fixture
def dataset(db, school_a, school_b):
    return build_dataset(school_a, school_b)


def _confirm(client):
    page = client.get(reverse("reports:publish"), DATA)
    assert page.status_code == 200
    return page


def test_publishing_shows_what_will_be_published_before_anything_is_stored(
        as_user, superintendent, dataset):
    client = as_user(superintendent)
    page = _confirm(client)
    html = page.content.decode()
    assert not PublishedReport.objects.exists()
    assert 'data-testid="publish-confirm"' in html
    assert "SRO interactions 2025-26" in html  # the title it will have
    assert page.context["audit_line"].startswith("Privacy audit: ")
    assert 'data-testid="audit-line"' in html
    assert "key findings" in html  # the summary a board member will read first
    # A POST without the confirmed key shows the confirmation again, publishing nothing.
    again = client.post(reverse("reports:publish"), DATA)
    assert again.status_code == 200 and not PublishedReport.objects.exists()
    # A stale key (the figures changed since) asks to check again.
    stale = client.post(reverse("reports:publish"), {**DATA, "content_key": "0" * 64})
    assert stale.status_code == 200 and not PublishedReport.objects.exists()
    assert b"changed since you checked" in stale.content


def test_same_parameters_and_figures_twice_give_the_same_snapshot(
        as_user, superintendent, dataset):
    client = as_user(superintendent)
    key = _confirm(client).context["content_key"]
    first = client.post(reverse("reports:publish"), {**DATA, "content_key": key})
    snapshot = PublishedReport.objects.get()
    assert first["Location"] == reverse("reports:published", args=[snapshot.pk])
    # Computed again a moment later (another generated_at), it is still the same report.
    page = _confirm(client)
    assert page.context["existing"] == snapshot
    assert b'data-testid="already-published"' in page.content
    second = client.post(reverse("reports:publish"),
                         {**DATA, "content_key": page.context["content_key"]})
    assert second["Location"] == reverse("reports:published", args=[snapshot.pk])
    assert PublishedReport.objects.count() == 1


def test_withdraw_needs_a_reason_and_the_permission(as_user, superintendent, board_member,
                                                    district_admin, dataset):
    report = board_report(user=system_user(), **{**DATA, "schools": [A]})
    snapshot = report_publish(report=report, acting_user=superintendent)
    url = reverse("reports:withdraw", args=[snapshot.pk])
    assert as_user(board_member).post(url, {"reason": "x"}).status_code == 403
    assert as_user(district_admin).post(url, {"reason": "x"}).status_code == 403
    client = as_user(superintendent)
    response = client.post(url, {"reason": "   "}, follow=True)
    assert b"Give the reason for withdrawing" in response.content
    snapshot.refresh_from_db()
    assert snapshot.withdrawn_at is None

    client.post(url, {"reason": "Enrollment counts for Alpha were wrong."})
    snapshot.refresh_from_db()
    assert snapshot.withdrawn and snapshot.withdrawn_reason == (
        "Enrollment counts for Alpha were wrong.")
    assert snapshot.withdrawn_by == superintendent
    with pytest.raises(Exception, match="already withdrawn"):
        report_withdraw(snapshot=snapshot, reason="again", acting_user=superintendent)
    # After a withdrawal the same figures may be published anew: a new snapshot.
    fresh = board_report(user=system_user(), **{**DATA, "schools": [A]})
    from reports.selectors import identical_snapshot

    assert identical_snapshot(fresh) is None


def test_board_reads_a_withdrawn_report_marked_withdrawn_with_its_files(
        as_user, superintendent, board_member, dataset):
    report = board_report(user=system_user(), **{**DATA, "schools": [A]})
    snapshot = report_publish(report=report, acting_user=superintendent)
    content = snapshot.exact_bytes()
    report_withdraw(snapshot=snapshot, reason="Superseded by the corrected report.",
                    acting_user=superintendent)
    board = as_user(board_member)
    listing = board.get(reverse("reports:index")).content.decode()
    assert 'data-testid="withdrawn-badge"' in listing
    assert "Superseded by the corrected report." in listing
    page = board.get(reverse("reports:published", args=[snapshot.pk])).content.decode()
    assert 'data-testid="withdrawn-banner"' in page and "Superseded" in page
    assert 'data-testid="withdraw"' not in page  # the board cannot withdraw
    download = board.get(reverse("reports:published_download", args=[snapshot.pk, "json"]))
    assert download.content == content  # the published bytes, unchanged
    assert "WITHDRAWN" in download["Content-Disposition"]
    assert download["X-Report-Withdrawn"]
    pdf = board.get(reverse("reports:published_download", args=[snapshot.pk, "pdf"]))
    assert pdf.status_code == 200 and "WITHDRAWN" in pdf["Content-Disposition"]
    xlsx = board.get(reverse("reports:published_download", args=[snapshot.pk, "xlsx"]))
    book = load_workbook(io.BytesIO(xlsx.content))
    cells = [c.value for row in book["Summary"].iter_rows() for c in row]
    assert "WITHDRAWN" in cells
    assert json.loads(content)["parameters"]["suppressed"] is True


def test_publish_once_returns_the_snapshot_of_the_same_figures(superintendent, dataset):
    from reports.services import Publication, report_publish_once

    first = board_report(user=system_user(), **{**DATA, "schools": [A]})
    later = dict(first, generated_at="2030-01-01T00:00:00+00:00")
    snapshot, created = report_publish_once(publication=Publication(first, record={}),
                                            acting_user=superintendent)
    again, created_again = report_publish_once(publication=Publication(later, record={}),
                                               acting_user=superintendent)
    assert created and not created_again and again == snapshot
    assert PublishedReport.objects.count() == 1
