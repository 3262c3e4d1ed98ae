"""The caches behind the report's speed return exactly what computing afresh returns."""

import copy

from reports import exports
from reports.selectors import _suppressed


def _report(students=12):
    return {"schema": "x", "parameters": {"min_cell": 10}, "generated_at": "2026-01-01T00:00:00",
            "totals": [{"measure": "contact", "students": students}]}


def test_suppression_is_remembered_by_its_input_and_gets_the_new_time():
    calls = []

    def suppress(report, k):
        calls.append(k)
        out = copy.deepcopy(report)
        out["suppressed_by_test"] = True
        return out

    first = _suppressed(_report(), 10, suppress)
    later = _report()
    later["generated_at"] = "2026-01-01T00:05:00"
    second = _suppressed(later, 10, suppress)
    assert calls == [10]  # the same figures: not worked out twice
    assert second["generated_at"] == "2026-01-01T00:05:00"
    assert list(second) == list(first)  # same key order: the same JSON layout
    second["totals"][0]["students"] = 0
    assert _suppressed(_report(), 10, suppress)["totals"][0]["students"] == 12  # a copy
    _suppressed(_report(students=13), 10, suppress)  # other figures: computed
    _suppressed(_report(), 5, suppress)  # another k: computed
    assert calls == [10, 10, 5]


def test_pdf_cache_key_changes_with_the_figures_and_the_publication_not_the_time():
    a, b = _report(), _report()
    b["generated_at"] = "2027-01-01T00:00:00"
    assert exports._pdf_cache_key(a, None) == exports._pdf_cache_key(b, None)
    assert exports._pdf_cache_key(a, None) != exports._pdf_cache_key(_report(13), None)
    assert exports._pdf_cache_key(a, None) != exports._pdf_cache_key(a, {"withdrawn": True})
