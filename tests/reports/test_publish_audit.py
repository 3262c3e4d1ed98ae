"""Publishing with the disclosure audit (docs/methods.md): the command, the audit stored on
the snapshot, the joint audit with earlier snapshots of the school year, and refusal when the
audit cannot be completed."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reports import disclosure
from reports.compute import suppress_report_audited
from reports.models import PublishedReport
from reports.selectors import report_for_publishing
from tests.reports.factories import build_dataset

A = "33671570000011"
B = "33671570000029"


@pytest.fixture
def dataset(db, school_a, school_b):
    return build_dataset(school_a, school_b)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Audits are remembered in the default cache by their input: start each test without."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def publish(*args) -> list[str]:
    out = io.StringIO()
    call_command("publish_report", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().splitlines()


def test_command_publishes_with_its_audit_and_again_gives_the_same_id(dataset, superintendent):
    lines = publish("--school-year", "2025-26", "--as", superintendent.username)
    assert lines[0].startswith("published ")
    pk = int(lines[0].split()[1])
    snapshot = PublishedReport.objects.get(pk=pk)
    assert lines[1].startswith("Privacy audit: ")
    assert f"{snapshot.counts_withheld} counts withheld" in lines[1]
    assert snapshot.counts_withheld > 0 and snapshot.solver_seconds is not None
    assert snapshot.narrowest_interval is not None and snapshot.narrowest_interval >= 10
    assert snapshot.audited_with == []
    content = json.loads(snapshot.exact_bytes())
    assert "can be worked out" in content["parameters"]["disclosure_statement"]
    # Same parameters and figures again: the same snapshot.
    again = publish("--school-year", "2025-26", "--as", superintendent.username)
    assert again[0] == f"published {pk}"
    assert PublishedReport.objects.count() == 1


def test_command_needs_the_permission_and_valid_input(dataset, board_member, superintendent):
    with pytest.raises(CommandError, match="may not publish"):
        publish("--school-year", "2025-26", "--as", board_member.username)
    with pytest.raises(CommandError, match="no active user"):
        publish("--school-year", "2025-26", "--as", "nobody")
    with pytest.raises(CommandError, match="--school"):
        publish("--school-year", "2025-26", "--school", "99999999999999", "--as",
                superintendent.username)
    with pytest.raises(CommandError, match="either --school-year or --from"):
        publish("--school-year", "2025-26", "--from", "2025-07-01", "--to", "2025-12-31",
                "--as", superintendent.username)
    assert PublishedReport.objects.count() == 0


def test_year_then_half_then_one_school_pass_the_joint_audit(dataset, superintendent):
    year = int(publish("--school-year", "2025-26", "--as", superintendent.username)[0].split()[1])
    half = int(publish("--from", "2025-07-01", "--to", "2025-12-31", "--as",
                       superintendent.username)[0].split()[1])
    first = PublishedReport.objects.get(pk=year)
    content_before = first.exact_bytes()
    school = int(publish("--school-year", "2025-26", "--school", B, "--as",
                         superintendent.username)[0].split()[1])
    snaps = {s.pk: s for s in PublishedReport.objects.all()}
    assert snaps[half].audited_with == [year]
    assert snaps[school].audited_with == [year, half]
    # Earlier snapshots never change.
    assert PublishedReport.objects.get(pk=year).exact_bytes() == content_before
    # The single-school report alone would withhold less than it had to next to the others.
    raw = report_for_publishing(user=superintendent, school_year="2025-26", schools=[B])
    _, alone = suppress_report_audited(raw, 10)
    assert snaps[school].counts_withheld > alone["counts_withheld"]
    # An independent check of the joint guarantee: every withheld count of 1..10 of the three,
    # audited together, still has a range at least 10 wide.
    models = [disclosure.build_model(s.content, 10, inexact=set(s.audit["inexact"]))
              for s in snaps.values()]
    protect = set().union(*(s.audit["protected"] for s in snaps.values()))
    withheld = set()
    shown = set()
    for m in models:
        withheld |= {k for k, v in m.value.items() if v is None}
        shown |= disclosure.published_keys(m)
    result = disclosure.protect(models, k=10, candidates=set(), protect_keys=protect,
                                withheld=withheld - shown)
    assert result.narrowest(protect) >= 10


def test_a_failed_audit_publishes_nothing(dataset, superintendent, monkeypatch):
    monkeypatch.setattr(disclosure, "SOLVER_TIME_LIMIT", 0.0)
    with pytest.raises(CommandError, match="ran out of time"):
        publish("--school-year", "2025-26", "--as", superintendent.username)
    assert PublishedReport.objects.count() == 0


def test_board_report_writes_a_published_snapshot(dataset, superintendent, tmp_path):
    pk = int(publish("--school-year", "2025-26", "--as", superintendent.username)[0].split()[1])
    out = io.StringIO()
    call_command("board_report", "--published", str(pk), "--format", "json", "--output", "-",
                 stdout=out, stderr=io.StringIO())
    assert out.getvalue().encode() == PublishedReport.objects.get(pk=pk).exact_bytes()
    path = tmp_path / "p.pdf"
    call_command("board_report", "--published", str(pk), "--format", "pdf", "--output",
                 str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert path.read_bytes().startswith(b"%PDF")
    with pytest.raises(CommandError, match="no published report"):
        call_command("board_report", "--published", "9999", "--format", "json", "--output",
                     "-", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_preview_and_the_publishing_that_confirms_it_audit_once(
        dataset, superintendent, monkeypatch):
    from reports import compute
    from reports.services import publication_preview, report_publish

    calls = []
    real = compute.suppress_report_audited

    def counted(*args, **kwargs):
        calls.append(kwargs.get("earlier_ids"))
        return real(*args, **kwargs)

    monkeypatch.setattr(compute, "suppress_report_audited", counted)
    raw = report_for_publishing(user=superintendent, school_year="2025-26")
    preview = publication_preview(raw=raw, acting_user=superintendent)
    snapshot = report_publish(raw=raw, acting_user=superintendent)
    assert len(calls) == 1  # the same figures: audited once
    assert snapshot.audit == preview.record
    # Another publication of the year audits afresh, jointly with the first.
    half = report_for_publishing(user=superintendent, date_from=dt.date(2025, 7, 1),
                                 date_to=dt.date(2025, 12, 31))
    report_publish(raw=half, acting_user=superintendent)
    assert calls[1:] == [[snapshot.pk]]


def test_the_joint_audit_is_given_each_earlier_snapshot_computed_again(
        dataset, superintendent, monkeypatch):
    """docs/methods.md, "Values an earlier snapshot withheld": the audit of the half takes the
    year's withheld values from the year's report computed again, which shows the same
    figures as the snapshot while the data have not changed."""
    from reports import compute
    from reports.services import report_publish

    year = report_publish(raw=report_for_publishing(user=superintendent, school_year="2025-26"),
                          acting_user=superintendent)
    seen = []
    real = compute.suppress_report_audited

    def spy(*args, **kwargs):
        seen.extend(kwargs.get("earlier") or [])
        return real(*args, **kwargs)

    monkeypatch.setattr(compute, "suppress_report_audited", spy)
    half = report_for_publishing(user=superintendent, date_from=dt.date(2025, 7, 1),
                                 date_to=dt.date(2025, 12, 31))
    report_publish(raw=half, acting_user=superintendent)
    [(content, record, again)] = seen
    assert content == year.content and record == year.audit
    for field in ("date_from", "date_to", "schools", "min_cell"):
        assert again["parameters"][field] == year.content["parameters"][field]
    assert not again["parameters"]["suppressed"]
    shown = disclosure.build_model(year.content, 10, inexact=set(year.audit["inexact"]))
    hidden = {k for k, v in shown.value.items() if v is None}
    values = disclosure._hidden_truth(shown, hidden, disclosure.build_model(again, 10))
    assert values and set(values) <= hidden
