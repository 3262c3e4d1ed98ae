"""The audited disclosure guarantee (docs/methods.md): no withheld count from 1 to k can be
narrowed to a range under k wide, checked by an independent LP audit (tests/reports/lp_audit)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from reports.compute import compliance_section, compute_report, published_table, suppress_report
from reports.selectors import ReportCounts
from tests.reports.lp_audit import table_intervals, width

E_TABLE = [[25, 14, 40], [12, 6, 22], [11, 3, 15], [0, 2, 13], [4, 0, 12]]
E_ROWS, E_COLS, E_GRAND = [79, 40, 29, 15, 16], [52, 25, 102], 179


def assert_protected(table, cells, row_totals, col_totals, grand_total, k):
    published = table["cells"]
    for i, row in enumerate(cells):
        for j, value in enumerate(row):
            if published[i][j] is not None:
                assert published[i][j] == value
                assert not 1 <= value <= k, "a count of 1..k is shown"
    intervals = table_intervals(published, table["row_totals"], table["col_totals"],
                                table["grand_total"] if grand_total is not None else None)
    n_rows, n_cols = len(cells), len(cells[0])
    for (i, j), (lo, hi) in intervals.items():
        if i < n_rows and j < n_cols:
            value = cells[i][j]
        elif i == n_rows and j < n_cols:
            value = col_totals[j]
        elif j == n_cols and i < n_rows:
            value = row_totals[i]
        else:
            value = grand_total if grand_total is not None else sum(row_totals)
        assert lo - 1e-6 <= value <= hi + 1e-6
        if 1 <= value <= k:
            assert width(lo, hi) >= k, f"count {value} at {(i, j)} pinned to [{lo}, {hi}]"


def test_example_e_is_protected_to_width_k():
    table = published_table(E_TABLE, row_totals=E_ROWS, col_totals=E_COLS,
                            grand_total=E_GRAND, k=10)
    assert_protected(table, E_TABLE, E_ROWS, E_COLS, E_GRAND, 10)
    # The first pass (line rule) left the 2 and the 4 within [0, 6]; the audit withholds
    # more. Every margin stays shown; these are the counts shown (docs/methods.md).
    assert table["cells"] == [
        [25, 14, 40],
        [None, None, 22],
        [None, None, None],
        [0, None, None],
        [None, 0, None],
    ]
    assert table["row_totals"] == E_ROWS and table["col_totals"] == E_COLS
    assert table["grand_total"] == E_GRAND


def test_example_e2_and_e3_audited():
    e2 = published_table([[5, 20, 30], [40, 25, 60]], row_totals=[55, 125],
                         col_totals=[45, 45, 90], grand_total=180, k=10)
    assert_protected(e2, [[5, 20, 30], [40, 25, 60]], [55, 125], [45, 45, 90], 180, 10)
    e3 = published_table([[11, 30], [50, 12]], row_totals=[41, 62], col_totals=[61, 42],
                         grand_total=103, k=10)
    assert e3["cells"] == [[11, 30], [50, 12]]


@settings(max_examples=25, deadline=None)
@given(
    data=st.data(),
    n_rows=st.integers(1, 5),
    n_cols=st.integers(1, 4),
    k=st.sampled_from([3, 5, 10]),
    margins=st.sampled_from(["both", "rows", "cols", "both_grand"]),
)
def test_random_tables_are_protected(data, n_rows, n_cols, k, margins):
    cells = data.draw(st.lists(st.lists(st.integers(0, 40), min_size=n_cols, max_size=n_cols),
                               min_size=n_rows, max_size=n_rows))
    rows = [sum(r) for r in cells] if margins != "cols" else None
    cols = [sum(c) for c in zip(*cells, strict=True)] if margins != "rows" else None
    grand = sum(map(sum, cells)) if margins == "both_grand" else None
    table = published_table(cells, row_totals=rows, col_totals=cols, grand_total=grand, k=k)
    if rows is None:
        table["row_totals"] = None
    if cols is None:
        table["col_totals"] = None
    assert_protected(table, cells, rows, cols, grand, k)


@settings(max_examples=25, deadline=None)
@given(
    data=st.data(),
    n_rows=st.integers(2, 5),
    n_cols=st.integers(2, 4),
    k=st.sampled_from([3, 5, 10]),
)
def test_no_withheld_complement_could_be_shown(data, n_rows, n_cols, k):
    """Complements are shown again when they are not needed (docs/methods.md, "Showing
    complements again"): showing any one count withheld beyond the counts of 1..k would
    leave some count of 1..k a range under k (checked by the independent LP audit), or would
    give a sum of two or more withheld counts of 1..k exactly ("Sums of withheld counts":
    [[0, 0, 0], [1, 9, 11]] keeps its 11 withheld, as 21 - 11 would give 1 + 9 = 10), also
    through a withheld count that a line gives."""
    cells = data.draw(st.lists(st.lists(st.integers(0, 40), min_size=n_cols, max_size=n_cols),
                               min_size=n_rows, max_size=n_rows))
    rows = [sum(r) for r in cells]
    cols = [sum(c) for c in zip(*cells, strict=True)]
    grand = sum(rows)
    table = published_table(cells, row_totals=rows, col_totals=cols, grand_total=grand, k=k)
    assert_protected(table, cells, rows, cols, grand, k)
    value = {(i, j): v for i, row in enumerate(cells) for j, v in enumerate(row)}
    value.update({(i, n_cols): v for i, v in enumerate(rows)})
    value.update({(n_rows, j): v for j, v in enumerate(cols)})
    value[(n_rows, n_cols)] = grand
    small = {p for p, v in value.items() if 1 <= v <= k}  # withheld in any case
    if not small:
        return

    def exposed(published, row_totals, col_totals, grand_total) -> bool:
        """A known total whose withheld parts (two or more, the others known) add up to 1..k;
        a withheld count is known when a line gives it (the only one withheld there)."""
        known = {(i, j): v for i, r in enumerate(published) for j, v in enumerate(r)}
        known.update({(i, n_cols): v for i, v in enumerate(row_totals)})
        known.update({(n_rows, j): v for j, v in enumerate(col_totals)})
        known[(n_rows, n_cols)] = grand_total
        lines = [[(i, j) for j in range(n_cols + 1)] for i in range(n_rows + 1)]
        lines += [[(i, j) for i in range(n_rows + 1)] for j in range(n_cols + 1)]
        changed = True
        while changed:  # a line (parts, then its total) with one count unknown gives it
            changed = False
            for line in lines:
                unknown = [p for p in line if known[p] is None]
                if len(unknown) == 1:
                    parts = sum(known[p] for p in line[:-1] if known[p] is not None)
                    known[unknown[0]] = (known[line[-1]] - parts if unknown[0] != line[-1]
                                         else parts)
                    changed = True
        for line in lines:
            hidden = [p for p in line[:-1] if known[p] is None]
            if known[line[-1]] is not None and len(hidden) >= 2:
                if 1 <= known[line[-1]] - sum(known[p] for p in line[:-1]
                                              if known[p] is not None) <= k:
                    return True
        return False

    def narrowest(published, row_totals, col_totals, grand_total):
        if exposed(published, row_totals, col_totals, grand_total):
            return 0
        intervals = table_intervals(published, row_totals, col_totals, grand_total)
        return min(width(*intervals[p]) for p in small if p in intervals)

    grid = [list(r) for r in table["cells"]]
    row_t, col_t = list(table["row_totals"]), list(table["col_totals"])
    for i in range(n_rows):
        for j in range(n_cols):
            if grid[i][j] is None and (i, j) not in small:
                grid[i][j] = cells[i][j]
                assert narrowest(grid, row_t, col_t, table["grand_total"]) < k, (i, j)
                grid[i][j] = None
    for i in range(n_rows):
        if row_t[i] is None and (i, n_cols) not in small:
            row_t[i] = rows[i]
            assert narrowest(grid, row_t, col_t, table["grand_total"]) < k, ("row", i)
            row_t[i] = None
    for j in range(n_cols):
        if col_t[j] is None and (n_rows, j) not in small:
            col_t[j] = cols[j]
            assert narrowest(grid, row_t, col_t, table["grand_total"]) < k, ("col", j)
            col_t[j] = None


# --------------------------------------------------------------------------------------------
# The compliance section: the reason split and force with / without de-escalation.
# --------------------------------------------------------------------------------------------

SCHOOL = "33671570000011"


def compliance_report(outside=39, code=29, force=17, with_de=16):
    mental = outside - code
    groups = {
        "hispanic": {"contact": (300, 200), "outside_sro_role": (outside - 15, outside - 15),
                     "use_of_force": (force - 5, force - 5)},
        "white": {"contact": (200, 150), "outside_sro_role": (15, 15),
                  "use_of_force": (5, 5)},
    }
    totals = {"contact": (500, 350), "outside_sro_role": (outside, outside),
              "use_of_force": (force, force)}
    counts = ReportCounts(
        school_year="2025-26", date_from=dt.date(2025, 7, 1), date_to=dt.date(2026, 6, 30),
        schools=[(SCHOOL, "Alpha High School")], totals=totals,
        groups={"race_ethnicity": groups},
        schools_counts={SCHOOL: totals},
        enrollment={"race_ethnicity": {"hispanic": 2000, "white": 2000}},
        school_enrollment={SCHOOL: {"all": {"all": 4000}}},
    )
    facts = {"interactions": {
        "interactions": 500, "use_of_force": force, "outside_sro_role": outside,
        "restorative": 0, "arrest": 0, "gc12525_reportable": 0, "serious_injury": 0,
        "outside_code_of_conduct": code, "outside_mental_health": mental,
        "de_escalation": 120, "force_with_de_escalation": with_de,
    }}
    return compute_report(counts, compliance=compliance_section(facts))


def _known(value):
    return value is not None


def test_reason_split_does_not_reveal_the_withheld_reason():
    for outside, code in ((39, 29), (16, 11)):
        pub = suppress_report(compliance_report(outside=outside, code=code), 10)
        c = pub["compliance"]["interactions"]
        assert c["outside_mental_health"] is None
        # Each interaction has one reason: outside = code of conduct + mental health.
        assert not (_known(c["outside_sro_role"]) and _known(c["outside_code_of_conduct"])), \
            f"{c['outside_sro_role']} - {c['outside_code_of_conduct']} reveals the hidden count"


def test_force_without_de_escalation_is_not_revealed():
    pub = suppress_report(compliance_report(force=17, with_de=16), 10)
    c = pub["compliance"]["interactions"]
    assert not (_known(c["use_of_force"]) and _known(c["force_with_de_escalation"])), \
        "force minus force with de-escalation reveals the 1 without"
    shares = pub["compliance"]["shares"]
    if not _known(c["force_with_de_escalation"]):
        assert shares["de_escalation_share_of_force"] is None


def foster_report():
    """Foster youth as in the demo district: 8 of 41 foster youth contacted, one of them
    arrested; every foster count is 1..10, so withheld, and bounded by the foster contact
    count, which is itself being protected in the same round."""
    rows = {  # measure: (foster instances, students), (others instances, students)
        "contact": ((8, 7), (264, 259)),
        "referral_to_law_enforcement": ((4, 3), (158, 155)),
        "arrest": ((1, 1), (21, 21)),
        "citation": ((0, 0), (22, 22)),
        "prosecution_referral": ((0, 0), (12, 12)),
        "diversion_referral": ((3, 3), (26, 26)),
        "misconduct_report": ((1, 1), (43, 42)),
        "referral_school_admin": ((3, 3), (90, 90)),
        "referral_support": ((2, 1), (55, 55)),
        "restorative": ((1, 1), (31, 31)),
        "search": ((1, 1), (41, 41)),
        "use_of_force": ((1, 1), (16, 16)),
        "outside_sro_role": ((1, 1), (38, 38)),
    }
    groups = {"Y": {m: y for m, (y, _) in rows.items()},
              "N": {m: n for m, (_, n) in rows.items()}}
    totals = {m: (y[0] + n[0], y[1] + n[1]) for m, (y, n) in rows.items()}
    counts = ReportCounts(
        school_year="2025-26", date_from=dt.date(2025, 7, 1), date_to=dt.date(2026, 6, 30),
        schools=[(SCHOOL, "Alpha High School")], totals=totals,
        groups={"foster_youth": groups},
        schools_counts={SCHOOL: totals},
        enrollment={"foster_youth": {"Y": 41, "N": 5961}},
        school_enrollment={SCHOOL: {"all": {"all": 6002}}},
    )
    return compute_report(counts)


def test_a_total_is_not_withheld_when_a_group_can_protect_the_count():
    """The total number of arrests is what the Board reads first: the count of 1 is protected
    by withholding the other group's arrests, once its contact count (which bounds it) is
    protected, not by withholding the total."""
    from reports.compute import suppress_report_audited

    pub, record = suppress_report_audited(foster_report(), 10)
    totals = {t["measure"]: t for t in pub["totals"]}
    assert totals["arrest"]["instances"] == 22 and totals["arrest"]["students"] == 22
    groups = {(e["group"], e["measure"]): e for e in pub["groups"]
              if e["dimension"] == "foster_youth"}
    assert groups[("Y", "arrest")]["instances"] is None
    assert groups[("N", "arrest")]["instances"] is None  # the complement
    assert record["narrowest_interval"] >= 10
    assert not [e for e in record["expensive_withheld"] if e["kind"] == "total"]


def test_the_same_figures_give_the_same_published_report_on_a_slower_machine(monkeypatch):
    """Showing complements again has a budget of solver work, not of seconds: a slower
    machine publishes the same report (and publishing it again lands on the same snapshot)."""
    import random

    from reports import disclosure

    rng = random.Random(3)  # a table where several complements are shown again
    rows = [[rng.choice([0, 1, 2, 3, 5, 8, 12, 15, 20, 30, 45]) for _ in range(6)]
            for _ in range(8)]
    margins = {"row_totals": [sum(r) for r in rows],
               "col_totals": [sum(c) for c in zip(*rows, strict=True)],
               "grand_total": sum(map(sum, rows))}
    expected, _ = disclosure.protect_table(rows, k=10, **margins)

    real = disclosure.time.monotonic
    calls = [0]

    def slow() -> float:
        calls[0] += 1
        return real() + calls[0] * 0.02  # each look at the clock, 20 ms later

    monkeypatch.setattr(disclosure.time, "monotonic", slow)
    again, _ = disclosure.protect_table(rows, k=10, **margins)
    assert calls[0] > 10
    assert again == expected


def test_a_small_count_in_no_relation_is_withheld_without_error():
    """Record-access counts are in no sum: a small one is a part of its own, withheld, and
    can be anything from 0 up (this once raised a KeyError and the report page gave a 500)."""
    from reports.compute import suppress_report_audited

    report = compliance_report()
    report["compliance"]["record_access"] = {
        "requests": [{"basis": "court_order", "status": "denied", "count": 1},
                     {"basis": "school_official", "status": "granted", "count": 40}],
        "log_entries": [{"basis": "court_order", "kind": "denied", "count": 2}],
    }
    pub, record = suppress_report_audited(report, 10)
    access = pub["compliance"]["record_access"]
    assert access["requests"][0]["count"] is None
    assert access["requests"][1]["count"] == 40
    assert access["log_entries"][0]["count"] is None
    assert record["narrowest_interval"] is None or record["narrowest_interval"] >= 10
