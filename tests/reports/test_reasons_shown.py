"""Every reason the computation can give for a figure it does not calculate has words in the
one table (reports.labels.SHORT_REASON), and the XLSX carries them next to the codes."""

import io
import re
from pathlib import Path

from reports.labels import SHORT_REASON, reason_text

ROOT = Path(__file__).resolve().parents[2]


def test_every_reason_code_of_the_computation_has_words():
    source = (ROOT / "reports" / "stats.py").read_text() + (
        ROOT / "reports" / "compute.py").read_text()
    codes = set(re.findall(
        r'"((?:group|reference|comparison)_(?:below_min_n|below_min_cell|suppressed)'
        r'|zero_count|count_exceeds_denominator|no_reference_group|not_reported)"', source))
    assert codes and codes <= set(SHORT_REASON), codes - set(SHORT_REASON)
    assert reason_text("group_below_min_cell") == "too few students with the outcome"
    assert reason_text(None) == ""


def test_xlsx_groups_sheet_has_the_reason_in_words(db, school_a, school_b):
    from openpyxl import load_workbook

    from reports import exports
    from reports.selectors import board_report, system_user
    from tests.reports.factories import build_dataset

    build_dataset(school_a, school_b)
    report = board_report(user=system_user(), school_year="2025-26", unsuppressed=True)
    wb = load_workbook(io.BytesIO(exports.render(report, "xlsx")))
    rows = list(wb["Groups"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if "RRI note" in r)  # after the banner
    header, rows = list(rows[start]), rows[start + 1:]
    rri_at, note_at = header.index("RRI"), header.index("RRI note")
    # A row whose RRI is not calculated says why in words, never as a bare code.
    notes = [r[note_at] for r in rows if r[rri_at] is None and r[note_at]]
    assert notes and set(notes) <= set(SHORT_REASON.values()), set(notes)
