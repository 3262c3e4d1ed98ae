"""Renderers of a report dict: JSON, CSV, XLSX, PDF, and the CRDC file. They only format;
every figure (and every withheld one) was decided by reports.compute.

Unsuppressed reports are marked CONFIDENTIAL in every file: the JSON carries
`"confidential": true`, the CSV's first row, the top of every XLSX sheet (and its printed
header), and every PDF page's header and footer.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext, gettext_noop

from interactions.exports import safe_cell  # one formula rule for every export

from .labels import (
    DIMENSION_LABELS,
    MEASURE_LABELS,
    label_compliance,
    method_note,
    reason_text,
)

CONFIDENTIAL_TEXT = (
    "CONFIDENTIAL: unsuppressed student figures. Not for publication; counts from 1 to {k} "
    "would identify students (FERPA; Ed Code 49076)."
)
FORMATS = {
    "json": ("application/json", "json"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "pdf": ("application/pdf", "pdf"),
}
def is_confidential(report: dict) -> bool:
    return not report.get("parameters", {}).get("suppressed", True)


def confidential_text(report: dict) -> str:
    return CONFIDENTIAL_TEXT.format(k=report.get("parameters", {}).get("min_cell", 10))


def filename(report: dict, fmt: str, prefix: str = "board-report") -> str:
    p = report.get("parameters", {})
    tag = "-CONFIDENTIAL" if is_confidential(report) else ""
    period = "-".join(str(p[k]) for k in ("date_from", "date_to") if p.get(k))
    return f"{prefix}{'-' + period if period else ''}{tag}.{FORMATS[fmt][1]}"


# --------------------------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------------------------


def to_json_bytes(report: dict) -> bytes:
    """The report as UTF-8 JSON. Numbers unrounded; the bytes published are these bytes."""
    return (json.dumps(report, indent=2, ensure_ascii=False, allow_nan=False,
                       default=_json_text) + "\n").encode("utf-8")


def _json_text(value):
    """A translated label in the data is written as its text (English in built reports)."""
    if isinstance(value, Promise):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


# --------------------------------------------------------------------------------------------
# CSV: tidy rows section,dimension,group,measure,field,value
# --------------------------------------------------------------------------------------------

CSV_HEADER = ["section", "dimension", "group", "measure", "field", "value",
              "previous_value", "dimension_label", "group_label", "measure_label"]
# Beside the six code columns of the interface: the previous school year's value of the same
# figure (when the report carries it) and the labels people read.


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return ";".join(_text(v) for v in value)
    if isinstance(value, dict):
        return ";".join(f"{k}={_text(v)}" for k, v in value.items())
    return str(value)


def _flatten(prefix: str, value) -> Iterator[tuple[str, str, object]]:
    """(path, field, value) leaves of nested compliance data."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and not (
                isinstance(item, list) and all(not isinstance(x, (dict, list)) for x in item)
            ):
                yield from _flatten(f"{prefix}.{key}" if prefix else key, item)
            else:
                yield prefix, key, item
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _flatten(f"{prefix}[{i}]", item)
    else:
        yield prefix, "", value


ENTRY_KEYS = ("dimension", "group", "measure", "school", "month", "school_name", "previous")


def _labels(dimension: str, group: str, measure: str, report: dict) -> list[str]:
    from .compute import group_label

    if dimension == "school":
        return ["School", report.get("school_names", {}).get(group, group),
                MEASURE_LABELS.get(measure, measure)]
    if dimension == "month":
        from .display import format_month

        return ["Month", format_month(group), MEASURE_LABELS.get(measure, measure)]
    if dimension.startswith("school:"):
        _, cds, dim = dimension.split(":", 2)
        return [f"{report.get('school_names', {}).get(cds, cds)}: "
                f"{DIMENSION_LABELS.get(dim, dim)}", group_label(dim, group),
                MEASURE_LABELS.get(measure, measure)]
    return [DIMENSION_LABELS.get(dimension, dimension),
            group_label(dimension, group) if dimension in DIMENSION_LABELS and group else group,
            MEASURE_LABELS.get(measure, measure) if measure else ""]


def _entry_rows(report: dict, section: str, dimension: str, group: str, entry: dict,
                fields) -> Iterator[list]:
    previous = entry.get("previous")
    labels = _labels(dimension, group, entry.get("measure", ""), report)
    for field in fields:
        old = "" if previous is None else _text(previous.get(field))
        yield [section, dimension, group, entry.get("measure", ""), field,
               _text(entry.get(field)), old, *labels]


def tidy_rows(report: dict) -> Iterator[list]:
    blank = ["", "", "", ""]
    for key, value in report["parameters"].items():
        yield ["parameters", "", "", "", key, _text(value), *blank]
    yield ["parameters", "", "", "", "generated_at", report.get("generated_at", ""), *blank]
    yield ["parameters", "", "", "", "schema", report.get("schema", ""), *blank]
    for key, value in (report.get("previous") or {}).items():
        yield ["previous", "", "", "", key, _text(value), *blank]
    for entry in report["totals"]:
        yield from _entry_rows(report, "totals", "", "", entry,
                               ("instances", "students", "suppressed"))
    for section in ("groups", "stages"):
        for entry in report[section]:
            yield from _entry_rows(report, section, entry["dimension"], entry["group"], entry,
                                   [f for f in entry if f not in ENTRY_KEYS])
    for entry in report["schools"]:
        yield from _entry_rows(report, "schools", "school", entry["school"], entry,
                               [f for f in entry if f not in ENTRY_KEYS])
    for entry in report.get("school_groups", []):
        yield from _entry_rows(report, "school_groups",
                               f"school:{entry['school']}:{entry['dimension']}", entry["group"],
                               entry, ("students", "suppressed"))
    for entry in report["months"]:
        yield from _entry_rows(report, "months", "month", entry["month"], entry,
                               ("instances", "suppressed"))
    # With labels beside the codes (older snapshots get them from the label functions).
    for path, field, value in _flatten("", label_compliance(report.get("compliance") or {})):
        yield ["compliance", path, "", "", field, _text(value), *blank]
    for note in report.get("notes", []):
        yield ["notes", "", "", "", "note", note, *blank]


def to_csv_text(report: dict) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if is_confidential(report):
        writer.writerow([confidential_text(report)])
    writer.writerow(CSV_HEADER)
    for row in tidy_rows(report):
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# XLSX: one sheet per section
# --------------------------------------------------------------------------------------------


COUNT_FORMAT = "#,##0"
RATE_FORMAT = "0.00"
# Column kinds: how a column's cells are formatted.
COUNT, RATE, TEXT = "count", "rate", "text"


def _sheet(wb, title: str, header: list, rows: Iterable[list], report: dict):
    """A sheet with a bold, frozen header row and a filter over its columns. `header` items
    are names, or (name, kind) with kind COUNT (integers) or RATE (two places)."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    names = [h[0] if isinstance(h, tuple) else h for h in header]
    kinds = [h[1] if isinstance(h, tuple) else TEXT for h in header]
    ws = wb.create_sheet(title)
    if is_confidential(report):
        text = confidential_text(report)
        ws.append([text])
        ws["A1"].font = Font(bold=True, color="FFFFFF")
        ws["A1"].fill = PatternFill("solid", fgColor="7A0A0A")
        ws.oddHeader.center.text = "CONFIDENTIAL"
        ws.oddFooter.center.text = "CONFIDENTIAL - unsuppressed student figures"
    ws.append(names)
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8EEF5")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = f"A{header_row + 1}"
    widths = [max(10, min(40, len(str(n)) + 2)) for n in names]
    for row in rows:
        ws.append([safe_cell(v) for v in row])
        for i, (cell, kind) in enumerate(zip(ws[ws.max_row], kinds, strict=False)):
            if kind == COUNT and isinstance(cell.value, (int, float)):
                cell.number_format = COUNT_FORMAT
            elif kind == RATE and isinstance(cell.value, (int, float)):
                cell.number_format = RATE_FORMAT
            if isinstance(cell.value, (int, float)) or cell.value == "*":
                cell.alignment = Alignment(horizontal="right")
            if kind == TEXT and cell.value is not None:
                widths[i] = max(widths[i], min(60, len(str(cell.value)) + 2))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    if ws.max_row > header_row:
        ws.auto_filter.ref = (f"A{header_row}:{get_column_letter(len(names))}{ws.max_row}")
    return ws


def _cell(entry: dict, field: str):
    """A figure for the spreadsheet: the number, "*" when withheld, empty when none."""
    value = entry.get(field)
    if value is None:
        reason = entry.get("rri_reason") if field.startswith("rri") else None
        if entry.get("suppressed") or reason in ("suppressed", "reference_suppressed",
                                                  "comparison_suppressed"):
            return "*"
        return None
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return value


def _prev(entry: dict, field: str):
    previous = entry.get("previous")
    return None if previous is None else _cell(previous, field)


def compliance_tables(report: dict) -> list[tuple[str, list[str], list[list]]]:
    """The compliance section as the tables people read (title, header, rows): names and
    labels, not codes; "*" withheld, "–" not calculated. The page and the PDF show the same."""
    from .display import compliance_view

    c = compliance_view(report.get("compliance") or {})
    dash = "–"
    tables = [
        ("MOUs with law enforcement agencies",
         ["Agency", f"MOU in force on {c['as_of_text']}", "Six required elements",
          "Board approval"],
         [[f"{m.get('agency_name', '')} ({m.get('agency', '')})",
           f"Yes: {m.get('mou')}" if m.get("in_force") else "No",
           "Complete" if m.get("complete") else
           ("Missing: " + "; ".join(m.get("missing") or []) if m.get("in_force") else dash),
           m["board_date_text"]] for m in c["mous"]]),
        ("Officers: sworn status and required training",
         ["Officer", "Sworn", "Required training current", "Missing training",
          "Override recorded"],
         [[o.get("officer", ""), "Yes" if o.get("sworn") else "No",
           "Yes" if o.get("required_training_current") else "No",
           "; ".join(o["missing_labels"]) or dash, "Yes" if o.get("override") else "No"]
          for o in c["officers"]]),
        ("Schools: sworn officer FTE and staff training on the SRO role",
         ["School", "Sworn officer FTE", "Officers assigned", "Staff accounts", "Trained",
          "Coverage", "Others trained"],
         [[s.get("school_name", ""), s.get("sworn_fte"), s.get("officers_assigned"),
           s.get("staff_accounts"), s.get("staff_trained"), s["coverage_text"],
           s.get("other_trained")] for s in c["schools"]]),
        ("Use of force, GC 12525.2 reportable incidents and the SRO role",
         ["Item", "Value"],
         [[("    " if r["indent"] else "") + r["label"],
           r["value"] if r["number"] is None else r["number"]]
          for r in c["incidents"] + c["shares"]]),
        ("Access to student records by FERPA basis", ["Basis", "Status", "Requests"],
         [[r.get("basis_label", ""), r.get("status_label", ""),
           r["count_text"] if r.get("count") is None else r["count"]]
          for r in c["record_access"]["requests"]]),
        ("Disclosure log by FERPA basis", ["Basis", "Entry", "Entries"],
         [[r.get("basis_label") or dash, r.get("kind_label", ""),
           r["count_text"] if r.get("count") is None else r["count"]]
          for r in c["record_access"]["log_entries"]]),
    ]
    return tables


def _compliance_sheet(wb, report: dict):
    from openpyxl.styles import Font, PatternFill

    ws = wb.create_sheet("Compliance")
    if is_confidential(report):
        ws.append([confidential_text(report)])
        ws["A1"].font = Font(bold=True, color="FFFFFF")
        ws["A1"].fill = PatternFill("solid", fgColor="7A0A0A")
        ws.oddHeader.center.text = "CONFIDENTIAL"
        ws.oddFooter.center.text = "CONFIDENTIAL - unsuppressed student figures"
    ws.append(["Compliance with Board Policy 3515.31. * withheld for privacy; – not calculated."])
    ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    widths: dict[int, int] = {}
    for title, header, rows in compliance_tables(report):
        ws.append([])
        ws.append([title])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True, size=12)
        ws.append(header)
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        if not rows:
            ws.append(["None in the period."])
        for row in rows:
            ws.append([safe_cell(v) for v in row])
        for i, value in enumerate(header):
            widths[i] = max(widths.get(i, 10), min(45, len(str(value)) + 4))
        for row in rows:
            for i, value in enumerate(row):
                widths[i] = max(widths.get(i, 10), min(45, len(str(value)) + 2))
    for i, width in widths.items():
        ws.column_dimensions["ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i]].width = width
    return ws


README_ROWS = [
    ["What this workbook is", "The board report on School Resource Officer interactions "
     "under Board Policy 3515.31, one sheet per section."],
    ["Summary", "Key findings (significant differences only), students with each outcome, and "
     "compliance with BP 3515.31."],
    ["Totals", "Interactions and students for every measure."],
    ["Groups", "Each student group and measure: enrolled, interactions, students, rate per "
     "1,000 enrolled, relative rate index (RRI) with its 95% interval, risk ratio, and the "
     "same figures for the previous school year when there are any."],
    ["Stages", "Per 100 students contacted: how many went on to each later outcome."],
    ["Schools", "Each school and measure."],
    ["School x race", "Students by school, race or ethnicity and measure."],
    ["Months", "Interactions per month and measure."],
    ["Compliance", "MOUs, officer training, staff training, use of force and record access."],
    ["*", "Withheld for privacy: counts from 1 to {k}, and counts that would let one be "
     "worked out by subtraction, with every rate computed from them."],
    ["Empty cell", "Not calculated (for example, too few students for a reliable rate)."],
    ["Codes", "The last columns of the data sheets give the codes behind the labels, for "
     "joining with other data."],
]


def to_xlsx_bytes(report: dict, published: dict | None = None) -> bytes:
    from openpyxl import Workbook

    from .compute import group_label
    from .display import KEY_MEASURES
    from .summary import compliance_rows, findings

    wb = Workbook()
    wb.remove(wb.active)
    p = report["parameters"]
    k = p.get("min_cell", 10)
    readme = [[a, b.format(k=k)] for a, b in README_ROWS]
    readme += [["Method", paragraph] for paragraph in method_note(p)]
    readme += [["Note", n] for n in report.get("notes", [])]
    _sheet(wb, "README", ["Item", "Explanation"], readme, report)

    previous = report.get("previous") or {}
    summary = [["Report", "Board report on School Resource Officer interactions (BP 3515.31)"],
               ["School year", p.get("school_year")],
               ["Period", f"{p.get('date_from')} to {p.get('date_to')}"],
               ["Schools", ", ".join(report.get("school_names", {}).get(c, c)
                                     for c in p.get("schools", []))],
               ["Figures as of", report.get("generated_at", "")],
               ["Privacy", "Unsuppressed: confidential" if is_confidential(report)
                else f"Counts from 1 to {k} withheld (*)"],
               ["Previous school year", previous.get("school_year") or ""]]
    if published and published.get("withdrawn"):
        summary.insert(0, ["WITHDRAWN", f"{published.get('withdrawn_at')}: "
                                        f"{published.get('withdrawn_reason')}"])
    for f in findings(report):
        summary.append(["Finding", f"{f['text']} Students: {f['sizes']} {f['previous']}"])
    for t in report["totals"]:
        if t["measure"] in KEY_MEASURES:
            summary.append([f"Students: {MEASURE_LABELS.get(t['measure'], t['measure'])}",
                            _cell(t, "students")])
    for row in compliance_rows(report):
        summary.append([f"BP 3515.31: {row['label']}", f"{row['value']} ({row['status']})"])
    _sheet(wb, "Summary", ["Item", "Value"], summary, report)

    _sheet(wb, "Totals", ["Measure", ("Interactions", COUNT), ("Students", COUNT),
                          ("Students, previous year", COUNT), "Measure code"],
           ([MEASURE_LABELS.get(t["measure"], t["measure"]), _cell(t, "instances"),
             _cell(t, "students"), _prev(t, "students"), t["measure"]]
            for t in report["totals"]), report)
    _sheet(wb, "Groups", [
        "Dimension", "Group", "Measure", ("Enrolled", COUNT), ("Interactions", COUNT),
        ("Students", COUNT), ("Rate per 1,000", RATE), ("RRI", RATE), ("RRI 95% low", RATE),
        ("RRI 95% high", RATE), "Significant", "RRI note", ("Risk ratio", RATE),
        ("Students, previous year", COUNT), ("Rate per 1,000, previous year", RATE),
        ("RRI, previous year", RATE), "Withheld", "Dimension code", "Group code",
        "Measure code"],
        ([DIMENSION_LABELS.get(e["dimension"], e["dimension"]),
          group_label(e["dimension"], e["group"]), MEASURE_LABELS.get(e["measure"], ""),
          _cell(e, "enrollment"), _cell(e, "instances"), _cell(e, "students"),
          _cell(e, "rate_per_1000"), _cell(e, "rri"), _cell(e, "rri_ci_low"),
          _cell(e, "rri_ci_high"), _cell(e, "rri_significant"),
          reason_text(e.get("rri_reason")),
          _cell(e, "risk_ratio"), _prev(e, "students"), _prev(e, "rate_per_1000"),
          _prev(e, "rri"), "Yes" if e.get("suppressed") else "No",
          e["dimension"], e["group"], e["measure"]] for e in report["groups"]), report)
    _sheet(wb, "Stages", [
        "Dimension", "Group", "Measure", ("Students contacted", COUNT),
        ("Students with the outcome", COUNT), ("Rate per 100 contacted", RATE), ("RRI", RATE),
        ("RRI 95% low", RATE), ("RRI 95% high", RATE), "Significant", "RRI note",
        ("Rate per 100, previous year", RATE), "Withheld", "Dimension code", "Group code",
        "Measure code"],
        ([DIMENSION_LABELS.get(e["dimension"], e["dimension"]),
          group_label(e["dimension"], e["group"]), MEASURE_LABELS.get(e["measure"], ""),
          _cell(e, "contacted_students"), _cell(e, "students"), _cell(e, "rate_per_100"),
          _cell(e, "rri"), _cell(e, "rri_ci_low"), _cell(e, "rri_ci_high"),
          _cell(e, "rri_significant"),
          reason_text(e.get("rri_reason")),
          _prev(e, "rate_per_100"), "Yes" if e.get("suppressed") else "No",
          e["dimension"], e["group"], e["measure"]] for e in report["stages"]), report)
    _sheet(wb, "Schools", [
        "School", "Measure", ("Enrolled", COUNT), ("Interactions", COUNT), ("Students", COUNT),
        ("Rate per 1,000", RATE), ("Students, previous year", COUNT), "Withheld",
        "School code", "Measure code"],
        ([e.get("school_name", ""), MEASURE_LABELS.get(e["measure"], ""),
          _cell(e, "enrollment"), _cell(e, "instances"), _cell(e, "students"),
          _cell(e, "rate_per_1000"), _prev(e, "students"),
          "Yes" if e.get("suppressed") else "No", e["school"], e["measure"]]
         for e in report["schools"]), report)
    names = report.get("school_names", {})
    _sheet(wb, "School x race", [
        "School", "Race or ethnicity", "Measure", ("Students", COUNT),
        ("Students, previous year", COUNT), "School code", "Group code", "Measure code"],
        ([names.get(e["school"], e["school"]), group_label(e["dimension"], e["group"]),
          MEASURE_LABELS.get(e["measure"], ""), _cell(e, "students"), _prev(e, "students"),
          e["school"], e["group"], e["measure"]]
         for e in report.get("school_groups", [])), report)
    from .display import format_month

    _sheet(wb, "Months", ["Month", "Measure", ("Interactions", COUNT),
                          ("Interactions, same month previous year", COUNT), "Month code",
                          "Measure code"],
           ([format_month(e["month"]), MEASURE_LABELS.get(e["measure"], ""),
             _cell(e, "instances"), _prev(e, "instances"), e["month"], e["measure"]]
            for e in report["months"]), report)
    _compliance_sheet(wb, report)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------

PDF_CSS = Path(__file__).resolve().parent.parent / "templates" / "reports" / "pdf.css"
# The words in the page margins of pdf.css (CSS strings), put in the reader's language.
PDF_CSS_WORDS = [
    gettext_noop("SRO interactions report to the Board · BP 3515.31"),
    gettext_noop("Page"),
    gettext_noop("of"),
    gettext_noop("CONFIDENTIAL"),
    gettext_noop("CONFIDENTIAL · unsuppressed student figures"),
]


def pdf_css() -> str:
    """pdf.css with its margin words translated ("Page " counter(page) " of " ...)."""
    css = PDF_CSS.read_text(encoding="utf-8")
    for word in PDF_CSS_WORDS:
        for before, after in (('"', '"'), ('"', ' "'), ('" ', ' "')):
            quoted = json.dumps(gettext(word), ensure_ascii=False)[1:-1]
            css = css.replace(f"{before}{word}{after}", f"{before}{quoted}{after}")
    return css


def to_html_for_pdf(report: dict, published: dict | None = None) -> str:
    """`published` (a snapshot's {"at", "by", "sha256"}) adds the publication to the cover."""
    from .display import appendix_context, format_datetime, report_context

    context = report_context(report)
    appendix = appendix_context(report)
    context.update(appendix_tables=appendix["tables"], stage_tables=appendix["stage_tables"],
                   withheld_tables=appendix["withheld_tables"])
    if published:
        context["published"] = {
            **published, "at_text": format_datetime(published.get("at")),
            "withdrawn_text": format_datetime(published.get("withdrawn_at")),
        }
    context["css"] = pdf_css()
    context["confidential_text"] = confidential_text(report)
    context["dimension_labels"] = DIMENSION_LABELS
    return render_to_string("reports/pdf.html", context)


PDF_CACHE_SECONDS = 600


def _pdf_cache_key(report: dict, published: dict | None) -> str:
    """The same figures (and the same publication state) give the same PDF: the key is the
    report's content key (everything but the moment it was computed) and the publication."""
    import hashlib

    from .models import content_key

    # The language is part of the key: the same figures in Spanish are another PDF.
    extra = json.dumps(published or {}, sort_keys=True, default=str) + (get_language() or "")
    digest = hashlib.sha256((content_key(report) + extra).encode("utf-8")).hexdigest()
    return f"report-pdf:{digest}"


def to_pdf_bytes(report: dict, published: dict | None = None) -> bytes:
    """The PDF, from the cache when the same figures were rendered in the last ten minutes
    (its "figures as of" is then that rendering's time: the figures have not changed since).
    A layout takes about a second; a cached copy is immediate."""
    from django.core.cache import cache

    key = _pdf_cache_key(report, published)
    content = cache.get(key)
    if content is None:
        content = render_pdf_bytes(report, published)
        cache.set(key, content, PDF_CACHE_SECONDS)
    return content


def render_pdf_bytes(report: dict, published: dict | None = None) -> bytes:
    """WeasyPrint with inline CSS and data-URI charts; the fetcher refuses the network, so a
    render never calls back into the app (a single sync worker would deadlock)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data", "file"})
    html = HTML(string=to_html_for_pdf(report, published), base_url=str(settings.BASE_DIR),
                url_fetcher=fetcher)
    return html.write_pdf(pdf_variant=settings.PDF_VARIANT)


def render(report: dict, fmt: str, published: dict | None = None) -> bytes:
    if fmt == "json":
        return to_json_bytes(report)
    if fmt == "csv":
        return to_csv_text(report).encode("utf-8")
    if fmt == "xlsx":
        return to_xlsx_bytes(report, published)
    if fmt == "pdf":
        return to_pdf_bytes(report, published)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


# --------------------------------------------------------------------------------------------
# CRDC
# --------------------------------------------------------------------------------------------

CRDC_HEADER = ["school_cds", "school_name", "item", "count_type", "breakdown", "group", "value"]
CRDC_BREAKDOWNS = {
    "total": ["total"],
    "race": None,  # filled from selectors.CRDC_RACE_GROUPS
    "sex": ["F", "M", "X"],
    "disability": ["idea", "section_504_only", "no_disability"],
    "english_learner": ["Y", "N"],
}


def crdc_rows(crdc: dict) -> Iterator[list]:
    from .selectors import CRDC_MEASURES, CRDC_RACE_GROUPS

    for cds, school in crdc.items():
        yield [cds, school["name"], "sworn_officer_fte", "fte", "total", "total",
               school["sworn_officer_fte"]]
        for measure in CRDC_MEASURES:
            for breakdown, groups in CRDC_BREAKDOWNS.items():
                for group in groups or CRDC_RACE_GROUPS:
                    inst, students = school["counts"].get((measure, breakdown, group), (0, 0))
                    yield [cds, school["name"], measure, "instances", breakdown, group, inst]
                    yield [cds, school["name"], measure, "students", breakdown, group,
                           students]


def crdc_csv_text(crdc: dict) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["CONFIDENTIAL: unsuppressed counts for the Civil Rights Data Collection."])
    writer.writerow(CRDC_HEADER)
    for row in crdc_rows(crdc):
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue()


def crdc_xlsx_bytes(crdc: dict) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "CRDC"
    ws.append(["CONFIDENTIAL: unsuppressed counts for the Civil Rights Data Collection."])
    ws.oddHeader.center.text = "CONFIDENTIAL"
    ws.append(CRDC_HEADER)
    for row in crdc_rows(crdc):
        ws.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
