"""A half-year published after its school year (docs/methods.md, "Across publications"): the
year withholds a June count together with complements in other months; the first half then
shows months and totals that the year does not, and the search for counts to withhold in the
new report has to reach them through the relations of the exposed earlier count. It used to
refuse ("no further count can be withheld to protect ... June") or time out on the demo
district."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from reports import disclosure
from reports.models import PublishedReport


def _seed_demo() -> None:
    call_command("seed_demo", "--force", stdout=io.StringIO(), stderr=io.StringIO())


def _publish(*args) -> PublishedReport:
    out = io.StringIO()
    call_command("publish_report", *args, "--as", "superintendent", stdout=out,
                 stderr=io.StringIO())
    return PublishedReport.objects.get(pk=int(out.getvalue().split()[1]))


def _joint_narrowest(snapshots, k: int) -> float:
    """An independent audit of the snapshots together: the narrowest range of a withheld count
    of 1..k that any of them protects, from their published content alone."""
    models = [disclosure.build_model(s.content, k, inexact=set(s.audit["inexact"]))
              for s in snapshots]
    protect = set().union(*(s.audit["protected"] for s in snapshots))
    withheld, shown = set(), set()
    for m in models:
        withheld |= {key for key, v in m.value.items() if v is None}
        shown |= disclosure.published_keys(m)
    result = disclosure.protect(models, k=k, candidates=set(), protect_keys=protect,
                                withheld=withheld - shown)
    return result.narrowest(protect)


@pytest.mark.django_db(transaction=False)
def test_first_half_after_the_year_is_published_by_withholding_more_in_it():
    _seed_demo()
    year = _publish("--school-year", "2025-26")
    june = [key for key in year.audit["protected"] if "@2026-06-01..2026-06-30|" in key]
    assert june, "the demo year withholds small June counts (the case this test is about)"
    half = _publish("--from", "2025-07-01", "--to", "2025-12-31")
    assert half.audited_with == [year.pk]
    assert half.narrowest_interval is None or half.narrowest_interval >= 10
    # Every month the year withheld is withheld by the half too (the half shows it otherwise).
    months = {m["month"]: m["instances"] for m in half.content["months"]
              if m["measure"] == "contact"}
    year_hidden = {m["month"] for m in year.content["months"]
                   if m["measure"] == "contact" and m["instances"] is None}
    assert all(months[m] is None for m in year_hidden if m in months)
    assert _joint_narrowest([year, half], 10) >= 10
