"""Charts speak in figures: the alt text of each chart states the rates, the RRIs with their
intervals and significance, and says "withheld" for a suppressed group; significance is drawn
as a filled dot labelled "significant", not only a colour."""

import re

from reports import charts
from reports.chart_text import rates_chart_alt, trend_chart_alt


def entry(group, rate, *, rri=None, low=None, high=None, significant=None, suppressed=False,
          reason=None):
    return {
        "dimension": "race_ethnicity", "measure": "arrest", "group": group,
        "suppressed": suppressed, "enrollment": 100, "students": 5,
        "rate_per_1000": rate, "rri": rri, "rri_ci_low": low, "rri_ci_high": high,
        "rri_significant": significant, "rri_reason": reason,
    }


REPORT = {"groups": [
    entry("hispanic", 42.5, rri=2.5, low=1.4, high=4.46, significant=True),
    entry("white", 17.0),
    entry("asian", None, suppressed=True, reason="suppressed"),
]}


def test_rates_alt_states_the_figures():
    alt = rates_chart_alt(REPORT, "race_ethnicity", "arrest")
    assert alt.startswith("Chart of arrest by race or ethnicity.")
    assert "Hispanic or Latino 42.5, RRI 2.50 (1.40 to 4.46), significant" in alt
    assert "White 17.0, reference group" in alt
    assert "Asian withheld for privacy" in alt


def test_significance_is_a_labelled_marker_not_only_a_colour():
    svg = charts.rates_chart(REPORT, "race_ethnicity", "arrest")
    # A filled dot and the word, not only a colour.
    assert re.search(r">[^<]*significant<", svg)


def test_trend_alt_lists_every_month_and_says_withheld():
    report = {"months": [
        {"month": "2025-09", "measure": "arrest", "instances": 12},
        {"month": "2025-10", "measure": "arrest", "instances": None},
    ]}
    alt = trend_chart_alt(report, ["arrest"])
    assert alt == "Line chart of interactions per month. Arrest: 2025-09 12, 2025-10 withheld."
