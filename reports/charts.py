"""Charts of the board report as SVG, written directly (no plotting library: a chart is a few
dozen shapes, and drawing them by hand costs microseconds instead of matplotlib's set-up).

One code path serves the HTML preview and the PDF: both embed the SVG as an
`<img src="data:image/svg+xml;base64,...">`, which the page's Content Security Policy allows
(img-src data:) where inline SVG with style attributes would not. Charts are drawn from the
report dict itself, so a published (suppressed) report can never chart a withheld figure.

Readable in print and in greyscale: black and grey only, with shape (filled or hollow dots,
solid or dashed lines) carrying every distinction that colour would.
"""

from __future__ import annotations

import base64
import math
from functools import lru_cache
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from .compute import group_label
from .labels import DIMENSION_LABELS, MEASURE_LABELS
from .stats import round_half_up

FONT = "DejaVu Sans, Arial, sans-serif"
INK, GREY, LIGHT = "#000000", "#555555", "#BBBBBB"
TREND_MEASURES = ["contact", "referral_to_law_enforcement", "arrest", "use_of_force"]


def data_uri(svg: str) -> str:
    return _data_uri(svg)


@lru_cache(maxsize=256)
def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def rates_chart_title(dimension: str, measure: str) -> str:
    return _("%(measure)s by %(dimension)s") % {
        "measure": MEASURE_LABELS.get(measure, measure),
        "dimension": str(DIMENSION_LABELS.get(dimension, dimension)).lower()}


def has_rates(entries: list[dict]) -> bool:
    """Whether a rates chart would show anything: a rate above zero or an RRI. When every
    figure is zero or withheld, a chart would only be an empty axis."""
    return any(e.get("rate_per_1000") or e.get("rri") is not None for e in entries)


def wilson(students: int, enrolled: int, z: float = 1.959964) -> tuple[float, float]:
    """95% Wilson interval of a proportion, as students per 1,000."""
    if not enrolled:
        return (0.0, 0.0)
    p = students / enrolled
    denom = 1 + z * z / enrolled
    centre = (p + z * z / (2 * enrolled)) / denom
    half = z * math.sqrt(p * (1 - p) / enrolled + z * z / (4 * enrolled * enrolled)) / denom
    return (max(0.0, centre - half) * 1000, min(1.0, centre + half) * 1000)


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exp:
            return step * exp
    return 10 * exp


def _num(value: float, places: int = 1) -> str:
    return f"{round_half_up(value, places):,}"


def _text(x, y, text, *, size=11, anchor="start", fill=INK, weight="normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="{fill}" font-weight="{weight}">{escape(str(text))}</text>')


def _svg(width: int, height: int, body: list[str]) -> str:
    # No title inside the image: the page's (and the PDF's) caption and alt text name it.
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="{FONT}">' + "".join(body) + "</svg>")


def rates_chart(report: dict, dimension: str, measure: str) -> str | None:
    """A dot-plot: students per 1,000 enrolled in each group with its 95% interval; a dashed
    line marks the reference group's rate; a filled dot is a group whose rate differs
    significantly from the reference group's (its RRI interval excludes 1), a hollow one does
    not; the RRI is written at the right. Withheld groups say so instead of a dot."""
    entries = [
        e for e in report.get("groups", [])
        if e["dimension"] == dimension and e["measure"] == measure and e["group"] != "not_reported"
        and (e["suppressed"] or e["enrollment"] or e["students"])
    ]
    if not has_rates(entries):
        return None  # every figure zero or withheld: the page says so in a sentence instead
    label_w, plot_x, plot_w, text_w = 206, 212, 270, 150
    row, top = 20, 26
    width = plot_x + plot_w + text_w
    height = top + row * len(entries) + 30
    intervals = {}
    for e in entries:
        if (e.get("rate_per_1000") is not None and e.get("enrollment")
                and e.get("students") is not None and not e.get("suppressed")):
            intervals[e["group"]] = wilson(e["students"], e["enrollment"])
    rates = [e["rate_per_1000"] for e in entries
             if e.get("rate_per_1000") is not None and not e.get("suppressed")]
    top_rate = max(rates, default=0)
    top_interval = max([hi for _, hi in intervals.values()], default=0)
    # A tiny group's interval (0 of 28 reaches 120 per 1,000) would squeeze every other dot
    # to the left: the axis stops at three times the highest rate and such a line runs off it.
    high = _nice_max(min(top_interval, 3 * top_rate) if top_rate else top_interval)

    def x(v: float) -> float:
        return plot_x + plot_w * (v / high)

    # xgettext:no-python-format
    axis = _("Students per 1,000 enrolled, 95% interval")
    # xgettext:no-python-format
    rri_axis = _("RRI (95% interval)")
    body = [_text(plot_x, 14, axis, size=10, fill=GREY),
            _text(width - 4, 14, rri_axis, size=10, fill=GREY, anchor="end")]
    bottom = top + row * len(entries)
    for i in range(6):
        v = high * i / 5
        body.append(f'<line x1="{x(v):.1f}" y1="{top - 4}" x2="{x(v):.1f}" y2="{bottom}" '
                    f'stroke="{LIGHT}" stroke-width="0.5"/>')
        body.append(_text(x(v), bottom + 14, _num(v, 0 if high >= 10 else 1), size=10,
                          anchor="middle", fill=GREY))
    reference = next((e for e in entries if e.get("rri_reason") is None and e.get("rri") == 1.0
                      and e.get("rri_ci_low") is None), None)
    if reference is not None and reference.get("rate_per_1000") is not None:
        rx = x(reference["rate_per_1000"])
        body.append(f'<line x1="{rx:.1f}" y1="{top - 4}" x2="{rx:.1f}" y2="{bottom}" '
                    f'stroke="{GREY}" stroke-width="1" stroke-dasharray="4 3"/>')
    for i, e in enumerate(entries):
        y = top + row * i + row / 2
        label = group_label(dimension, e["group"])
        is_ref = e is reference
        shown = _("%(group)s (reference)") % {"group": label} if is_ref else label
        body.append(_text(label_w, y + 4, shown, size=11,
                          anchor="end", weight="bold" if is_ref else "normal"))
        rate = None if e.get("suppressed") else e.get("rate_per_1000")
        if rate is None:
            note = _("withheld for privacy") if e.get("suppressed") else _("not calculated")
            body.append(_text(plot_x + 2, y + 4, note, size=10, fill=GREY))
            continue
        lo, hi = intervals.get(e["group"], (rate, rate))
        clipped = hi > high
        hi = min(hi, high)
        body.append(f'<line x1="{x(lo):.1f}" y1="{y:.1f}" x2="{x(hi):.1f}" y2="{y:.1f}" '
                    f'stroke="{INK}" stroke-width="1.5"/>')
        if clipped:  # the interval goes on past the axis: an arrowhead says so
            body.append(f'<polygon points="{x(hi) + 6:.1f},{y:.1f} {x(hi):.1f},{y - 3.5:.1f} '
                        f'{x(hi):.1f},{y + 3.5:.1f}" fill="{INK}"/>')
        if is_ref:  # the reference group: a square
            body.append(_marker("square", x(rate), y, GREY))
        else:
            filled = bool(e.get("rri_significant"))
            body.append(f'<circle cx="{x(rate):.1f}" cy="{y:.1f}" r="4" stroke="{INK}" '
                        f'stroke-width="1.5" fill="{INK if filled else "#FFFFFF"}"/>')
        if is_ref:
            rri_text = _("1.0 (reference)")
        elif e.get("rri") is not None and e.get("rri_ci_low") is not None:
            rri_text = f"{_num(e['rri'])} ({_num(e['rri_ci_low'])}–{_num(e['rri_ci_high'])})"
            if e.get("rri_significant"):
                rri_text = _("%(rri)s significant") % {"rri": rri_text}
        elif e.get("rri") is not None:
            rri_text = _num(e["rri"])
        else:
            rri_text = _reason_text(e)
        body.append(_text(width - 4, y + 4, rri_text, size=10, anchor="end",
                          weight="bold" if e.get("rri_significant") else "normal"))
    return _svg(width, height, body)


def _reason_text(entry: dict) -> str:
    reason = entry.get("rri_reason") or ""
    return {
        "suppressed": _("withheld (privacy)"),
        "reference_suppressed": _("withheld (privacy)"),
        "comparison_suppressed": _("withheld (privacy)"),
        "group_below_min_n": _("too few students"),
        "reference_below_min_n": _("reference too small"),
        "zero_count": _("no students"),
        "no_reference_group": _("no reference"),
    }.get(reason, "–")


DASHES = ["", "6 3", "2 2", "8 3 2 3"]
MARKERS = ["circle", "square", "triangle", "diamond"]


def _marker(kind: str, x: float, y: float, fill: str) -> str:
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{fill}" stroke="{INK}"/>'
    if kind == "square":
        return (f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6" fill="{fill}" '
                f'stroke="{INK}"/>')
    if kind == "triangle":
        return (f'<polygon points="{x:.1f},{y - 4:.1f} {x - 3.5:.1f},{y + 3:.1f} '
                f'{x + 3.5:.1f},{y + 3:.1f}" fill="{fill}" stroke="{INK}"/>')
    return (f'<polygon points="{x:.1f},{y - 4:.1f} {x + 4:.1f},{y:.1f} {x:.1f},{y + 4:.1f} '
            f'{x - 4:.1f},{y:.1f}" fill="{fill}" stroke="{INK}"/>')


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
    width, left, right, top, plot_h = 640, 44, 236, 10, 150
    plot_w = width - left - right
    high = _nice_max(max(shown))
    step = plot_w / max(1, len(months) - 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + step * i, top + plot_h * (1 - v / high)

    body = []
    for j in range(6):
        v = high * j / 5
        _, y = xy(0, v)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
                    f'stroke="{LIGHT}" stroke-width="0.5"/>')
        body.append(_text(left - 4, y + 4, _num(v, 0), size=10, anchor="end", fill=GREY))
    for i, month in enumerate(months):
        x, _ = xy(i, 0)
        body.append(_text(x, top + plot_h + 14, month[2:], size=9, anchor="middle", fill=GREY))
    for n, measure in enumerate(measures):
        ys = [values.get((m, measure)) for m in months]
        segment: list[str] = []
        segments = []
        for i, v in enumerate(ys):
            if v is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            px, py = xy(i, v)
            segment.append(f"{px:.1f},{py:.1f}")
            body.append(_marker(MARKERS[n % 4], px, py, INK if n % 2 == 0 else "#FFFFFF"))
        if segment:
            segments.append(segment)
        dash = f' stroke-dasharray="{DASHES[n % 4]}"' if DASHES[n % 4] else ""
        for seg in segments:
            body.insert(0, f'<polyline points="{" ".join(seg)}" fill="none" stroke="{INK}" '
                           f'stroke-width="1.3"{dash}/>')
        ly = top + 12 + 18 * n
        lx = left + plot_w + 14
        body.append(f'<line x1="{lx}" y1="{ly}" x2="{lx + 24}" y2="{ly}" stroke="{INK}" '
                    f'stroke-width="1.3"{dash}/>')
        body.append(_marker(MARKERS[n % 4], lx + 12, ly, INK if n % 2 == 0 else "#FFFFFF"))
        body.append(_text(lx + 30, ly + 4, MEASURE_LABELS.get(measure, measure), size=10))
    return _svg(width, top + plot_h + 24, body)
