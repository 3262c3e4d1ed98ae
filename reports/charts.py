"""Charts of the board report as SVG, drawn by matplotlib (Agg, no display needed).

One code path serves the HTML preview and the PDF: both embed the SVG as an
`<img src="data:image/svg+xml;base64,...">`, which the page's Content Security Policy allows
(img-src data:) where inline SVG with style attributes would not. Charts are drawn from the
report dict itself, so a published (suppressed) report can never chart a withheld figure.
"""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from .compute import group_label  # noqa: E402
from .labels import DIMENSION_LABELS, MEASURE_LABELS  # noqa: E402

plt.rcParams.update({
    "svg.fonttype": "none",  # text stays text: smaller, searchable, crisp in the PDF
    "svg.hashsalt": "sro-board-report",  # deterministic ids
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
})
# Colour-blind safe (Okabe-Ito).
BLUE, ORANGE, GREEN, GREY, VERMILION = "#0072B2", "#E69F00", "#009E73", "#666666", "#D55E00"


def _svg(fig: Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    return buffer.getvalue()


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def rates_chart_title(dimension: str, measure: str) -> str:
    return _("%(measure)s by %(dimension)s") % {
        "measure": MEASURE_LABELS.get(measure, measure),
        "dimension": str(DIMENSION_LABELS.get(dimension, dimension)).lower()}


def has_rates(entries: list[dict]) -> bool:
    """Whether a rates chart would show anything: a rate above zero or an RRI. When every
    figure is zero or withheld, a chart would only be an empty 0-1 axis."""
    return any(e.get("rate_per_1000") or e.get("rri") is not None for e in entries)


def rates_chart(report: dict, dimension: str, measure: str) -> str | None:
    """Rate per 1,000 enrolled by group (bars) and RRI with its 95% interval (points)."""
    entries = [
        e for e in report.get("groups", [])
        if e["dimension"] == dimension and e["measure"] == measure and e["group"] != "not_reported"
        # A group with no one enrolled and nothing counted has nothing to chart.
        and (e["suppressed"] or e["enrollment"] or e["students"])
    ]
    if not has_rates(entries):
        return None  # every figure zero or withheld: the page says so in a sentence instead
    labels = [group_label(dimension, e["group"]) for e in entries]
    height = max(1.8, 0.32 * len(entries) + 0.9)
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.2, height), sharey=True,
                                      gridspec_kw={"width_ratios": [1, 1]})
    ys = list(range(len(entries)))[::-1]
    rates = [e["rate_per_1000"] for e in entries]
    left.barh(ys, [r or 0 for r in rates], color=BLUE, height=0.6)
    for y, e, r in zip(ys, entries, rates, strict=True):
        if r is None:
            note = _("withheld") if e["suppressed"] else _("n/a")
            left.text(0, y, f" {note}", va="center", fontsize=8, color=GREY)
    if not any(r for r in rates if r):
        left.set_xlim(0, 1)
    left.set_yticks(ys, labels)
    left.set_xlabel(_("Students per 1,000 enrolled"))
    left.set_title(_("Rate"), loc="left", fontsize=9)

    right.axvline(1, color=GREY, linewidth=1, linestyle="--")
    shown = False
    for y, e in zip(ys, entries, strict=True):
        if e["rri"] is None:
            right.text(1, y, "  " + _reason_text(e), va="center", fontsize=7, color=GREY)
            continue
        shown = True
        colour = VERMILION if e.get("rri_significant") else BLUE
        if e["rri_ci_low"] is not None:
            right.plot([e["rri_ci_low"], e["rri_ci_high"]], [y, y], color=colour, linewidth=2)
        right.plot([e["rri"]], [y], "o", color=colour, markersize=5)
    right.set_xscale("log")
    if not shown:
        right.set_xlim(0.5, 2)
    _log_ticks(right)
    # xgettext:no-python-format
    right.set_xlabel(_("Relative rate index (log scale), 95% interval"))
    right.set_title(_("Compared with the reference group"), loc="left", fontsize=9)
    # No title inside the image: the page's (and the PDF's) caption names the chart.
    fig.tight_layout()
    return _svg(fig)


COARSE_TICKS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]
FINE_TICKS = [0.5, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 2]


def _log_ticks(ax) -> None:
    """Plain-number ticks on the log axis (0.5, 1, 2 ...) instead of powers of ten."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter, NullLocator

    low, high = ax.get_xlim()
    low, high = min(low, 0.9), max(high, 1.1)
    ax.set_xlim(low, high)
    # Fine ticks for a narrow range (0.8 ... 1.25), coarse ones (0.1, 1, 10) for a wide one.
    nice = FINE_TICKS if high / low <= 3 else COARSE_TICKS
    ticks = [t for t in nice if low <= t <= high] or [1]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_minor_formatter(NullFormatter())


def _reason_text(entry: dict) -> str:
    reason = entry.get("rri_reason") or ""
    return {
        "suppressed": "withheld (privacy)",
        "reference_suppressed": "withheld (privacy)",
        "group_below_min_n": "too few students",
        "reference_below_min_n": "reference too small",
        "zero_count": "no students",
        "no_reference_group": "no reference",
    }.get(reason, "reference" if entry.get("rri") is None and not reason else reason)


TREND_MEASURES = ["contact", "referral_to_law_enforcement", "arrest", "use_of_force"]


def trend_chart(report: dict, measures: list[str] | None = None) -> str | None:
    """Instances per month for a few measures; withheld months are left as gaps."""
    measures = measures or TREND_MEASURES
    months = list(dict.fromkeys(e["month"] for e in report.get("months", [])))
    if not months:
        return None
    values = {(e["month"], e["measure"]): e["instances"] for e in report.get("months", [])}
    shown = [v for (_, m), v in values.items() if v and m in measures]
    if not shown:
        return None  # every monthly figure zero or withheld: a sentence instead of an axis
    fig, ax = plt.subplots(figsize=(8.2, 2.8))
    colours = [BLUE, ORANGE, VERMILION, GREEN, GREY]
    xs = list(range(len(months)))
    for colour, measure in zip(colours, measures, strict=False):
        ys = [values.get((m, measure)) for m in months]
        ax.plot(xs, [float("nan") if y is None else y for y in ys], marker="o", markersize=3,
                color=colour, label=str(MEASURE_LABELS.get(measure, measure)))
    ax.set_xticks(xs, [m[2:] if len(months) > 12 else m for m in months], rotation=45,
                  ha="right")
    ax.set_ylabel(_("Interactions"))
    ax.set_ylim(0, max(shown) * 1.1)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    fig.tight_layout()
    return _svg(fig)
