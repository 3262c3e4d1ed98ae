"""Text alternatives of the board report's charts: what each chart shows, in figures, for
the `alt` of its image (HTML preview and tagged PDF alike). Built from the same report dict
as the chart, so a published (suppressed) report never states a withheld figure."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .charts import TREND_MEASURES, _reason_text
from .compute import REFERENCE_GROUPS, group_label
from .labels import DIMENSION_LABELS, MEASURE_LABELS


def _num(value: float | None, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def rates_chart_alt(report: dict, dimension: str, measure: str) -> str:
    """E.g. "Chart of arrest by race or ethnicity. Students per 1,000 enrolled, and the
    relative rate index (RRI) against White students with its 95% interval: Hispanic or
    Latino 12.3, RRI 1.80 (1.20 to 2.60), significant; White 6.1, reference group; ..."."""
    reference = REFERENCE_GROUPS.get(dimension)
    parts = []
    for e in report.get("groups", []):
        if e["dimension"] != dimension or e["measure"] != measure:
            continue
        if e["group"] == "not_reported":
            continue
        if not (e["suppressed"] or e["enrollment"] or e["students"]):
            continue
        label = group_label(dimension, e["group"])
        rate = e.get("rate_per_1000")
        if rate is None:
            text = (_("%(group)s withheld for privacy") if e["suppressed"]
                    else _("%(group)s not calculated")) % {"group": label}
        else:
            text = f"{label} {_num(rate)}"
        if e["group"] == reference:
            text += _(", reference group")
        elif e.get("rri") is not None:
            text += _(", RRI %(rri)s") % {"rri": _num(e["rri"], 2)}
            if e.get("rri_ci_low") is not None and e.get("rri_ci_high") is not None:
                text += _(" (%(low)s to %(high)s)") % {"low": _num(e["rri_ci_low"], 2),
                                                       "high": _num(e["rri_ci_high"], 2)}
            text += _(", significant") if e.get("rri_significant") else _(", not significant")
        elif rate is not None:
            text += _(", RRI not calculated (%(reason)s)") % {"reason": _reason_text(e)}
        parts.append(text)
    figures = {"what": str(MEASURE_LABELS.get(measure, measure)).lower(),
               "by": str(DIMENSION_LABELS.get(dimension, dimension)).lower(),
               "figures": "; ".join(parts)}
    if reference:
        return _("Chart of %(what)s by %(by)s. Students per 1,000 enrolled, and the relative "
                 "rate index (RRI) against %(reference)s students with its 95%% interval: "
                 "%(figures)s.") % {**figures, "reference": group_label(dimension, reference)}
    return _("Chart of %(what)s by %(by)s. Students per 1,000 enrolled, and the relative rate "
             "index (RRI) with its 95%% interval: %(figures)s.") % figures


def trend_chart_alt(report: dict, measures: list[str] | None = None) -> str:
    """E.g. "Line chart of interactions per month. Students contacted by an SRO: 2025-08 4,
    2025-09 withheld, ...; Arrest: ...". Withheld months are said to be withheld."""
    measures = measures or TREND_MEASURES
    months = list(dict.fromkeys(e["month"] for e in report.get("months", [])))
    values = {(e["month"], e["measure"]): e["instances"] for e in report.get("months", [])}
    lines = []
    withheld = _("withheld")
    for measure in measures:
        cells = []
        for month in months:
            value = values.get((month, measure))
            cells.append(f"{month} {withheld if value is None else value}")
        lines.append(f"{MEASURE_LABELS.get(measure, measure)}: " + ", ".join(cells))
    return _("Line chart of interactions per month. %(lines)s.") % {"lines": "; ".join(lines)}
