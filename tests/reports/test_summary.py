"""The executive summary: findings only from significant, unwithheld RRIs, in plain words with
their figure, interval, group sizes and the previous year; the compliance table; the appendix
that drops all-withheld tables; the charts drawn as SVG."""

from reports import charts, display, summary


def _entry(group, dimension="race_ethnicity", measure="referral_to_law_enforcement", **kw):
    base = {"dimension": dimension, "group": group, "measure": measure,
            "instances": 20, "students": 20, "enrollment": 500, "rate_per_1000": 40.0,
            "rri": None, "rri_ci_low": None, "rri_ci_high": None, "rri_significant": None,
            "rri_reason": None, "risk_ratio": None, "risk_ratio_method": "risk_ratio",
            "risk_ratio_reason": None, "suppressed": False}
    return {**base, **kw}


def _report(previous_available=False, previous=None):
    white = _entry("white", rri=1.0, students=40, enrollment=2000, rate_per_1000=20.0)
    black = _entry("african_american", rri=1.94, rri_ci_low=1.52, rri_ci_high=2.41,
                   rri_significant=True, students=31, enrollment=800, rate_per_1000=38.8,
                   previous=previous)
    asian = _entry("asian", rri=1.3, rri_ci_low=0.7, rri_ci_high=2.0, rri_significant=False)
    hidden = _entry("filipino", rri=None, rri_significant=None, students=None,
                    suppressed=True, rri_reason="suppressed")
    return {"groups": [white, black, asian, hidden], "totals": [],
            "previous": {"school_year": "2024-25", "available": previous_available}}


def test_a_finding_states_figure_interval_and_group_sizes_only_when_significant():
    found = summary.findings(_report())
    assert len(found) == 1  # not the non-significant Asian RRI, not the withheld group
    f = found[0]
    assert f["text"] == ("African American students were referred to law enforcement at 1.9 "
                         "times the rate of White students (95% interval 1.5 to 2.4).")
    assert f["sizes"] == "31 of 800 enrolled, against 40 of 2,000."
    assert f["previous"] == ""  # no previous year in the report


def test_a_finding_says_how_it_changed_since_the_previous_year():
    previous = {"rri": 1.4, "rri_ci_low": 1.1, "rri_ci_high": 1.8, "rri_significant": True,
                "suppressed": False}
    f = summary.findings(_report(previous_available=True, previous=previous))[0]
    assert f["previous"] == ("Previous school year: 1.4 times (1.1 to 1.8); a wider gap this "
                             "year.")
    f = summary.findings(_report(previous_available=True, previous=None))[0]
    assert f["previous"] == "No figure for the previous school year."
    withheld = {"rri": None, "suppressed": True, "rri_reason": "suppressed"}
    f = summary.findings(_report(previous_available=True, previous=withheld))[0]
    assert "withheld" in f["previous"]


def test_compliance_table_flags_gaps():
    report = {"compliance": {
        "mous": [{"agency": "CA1", "agency_name": "City PD", "in_force": True,
                  "complete": True},
                 {"agency": "CA2", "agency_name": "County SO", "in_force": False,
                  "complete": False}],
        "officers": [{"required_training_current": True}, {"required_training_current": False}],
        "schools": [{"staff_accounts": 4, "staff_trained": 4}],
        "record_access": {"requests": [{"status": "granted", "count": 12},
                                       {"status": "pending", "count": 0}]},
    }}
    rows = {r["label"]: r for r in summary.compliance_rows(report)}
    mou = rows["MOU in force and complete (six required elements)"]
    assert mou["status"] == "gap" and "County SO" in mou["value"]
    assert rows["Officers with required training current"]["value"] == "1 of 2 officers"
    assert rows["Staff trained on the SRO role"]["status"] == "met"
    assert rows["Student record requests answered"]["value"] == "12 of 12 answered"


def test_appendix_drops_a_table_whose_every_row_is_withheld_and_names_it():
    report = {"groups": [
        _entry("white", measure="arrest", suppressed=True, students=None),
        _entry("asian", measure="arrest", suppressed=True, students=None),
        _entry("white", measure="contact", rri=1.0),
    ], "stages": []}
    appendix = display.appendix_context(report, measures=["contact", "arrest"])
    captions = [t["caption"] for t in appendix["tables"]]
    assert "Students contacted by an SRO by race or ethnicity" in captions
    assert "Arrest by race or ethnicity" not in captions
    assert "Arrest by race or ethnicity" in appendix["withheld_tables"]


def test_dot_plot_is_plain_svg_and_says_withheld():
    svg = charts.rates_chart(_report(), "race_ethnicity", "referral_to_law_enforcement")
    assert svg.startswith("<svg") and "withheld for privacy" in svg
    assert "1.9 (1.5–2.4) significant" in svg
    assert "#" not in svg.replace("#000000", "").replace("#555555", "").replace(
        "#BBBBBB", "").replace("#FFFFFF", "")  # greys only: readable in greyscale
