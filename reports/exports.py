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

from interactions.exports import safe_cell  # one formula rule for every export

from .labels import DIMENSION_LABELS, MEASURE_LABELS, label_compliance, method_note

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
    return (json.dumps(report, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode(
        "utf-8"
    )


# --------------------------------------------------------------------------------------------
# CSV: tidy rows section,dimension,group,measure,field,value
# --------------------------------------------------------------------------------------------

CSV_HEADER = ["section", "dimension", "group", "measure", "field", "value"]


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


ENTRY_KEYS = ("dimension", "group", "measure", "school", "month", "school_name")


def tidy_rows(report: dict) -> Iterator[list]:
    for key, value in report["parameters"].items():
        yield ["parameters", "", "", "", key, _text(value)]
    yield ["parameters", "", "", "", "generated_at", report.get("generated_at", "")]
    yield ["parameters", "", "", "", "schema", report.get("schema", "")]
    for entry in report["totals"]:
        for field in ("instances", "students", "suppressed"):
            yield ["totals", "", "", entry["measure"], field, _text(entry[field])]
    for section in ("groups", "stages"):
        for entry in report[section]:
            for field, value in entry.items():
                if field not in ENTRY_KEYS:
                    yield [section, entry["dimension"], entry["group"], entry["measure"], field,
                           _text(value)]
    for entry in report["schools"]:
        for field, value in entry.items():
            if field not in ENTRY_KEYS:
                yield ["schools", "school", entry["school"], entry["measure"], field,
                       _text(value)]
    for entry in report.get("school_groups", []):
        for field in ("students", "suppressed"):
            yield ["school_groups", f"school:{entry['school']}:{entry['dimension']}",
                   entry["group"], entry["measure"], field, _text(entry[field])]
    for entry in report["months"]:
        for field in ("instances", "suppressed"):
            yield ["months", "month", entry["month"], entry["measure"], field,
                   _text(entry[field])]
    # With labels beside the codes (older snapshots get them from the label functions).
    for path, field, value in _flatten("", label_compliance(report.get("compliance") or {})):
        yield ["compliance", path, "", "", field, _text(value)]
    for note in report.get("notes", []):
        yield ["notes", "", "", "", "note", note]


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


def _sheet(wb, title: str, header: list[str], rows: Iterable[list], report: dict):
    from openpyxl.styles import Font, PatternFill

    ws = wb.create_sheet(title)
    if is_confidential(report):
        text = confidential_text(report)
        ws.append([text])
        ws["A1"].font = Font(bold=True, color="FFFFFF")
        ws["A1"].fill = PatternFill("solid", fgColor="7A0A0A")
        ws.oddHeader.center.text = "CONFIDENTIAL"
        ws.oddFooter.center.text = "CONFIDENTIAL - unsuppressed student figures"
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.freeze_panes = ws.cell(row=ws.max_row + 1, column=1)
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    for column, name in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", header, strict=False):
        ws.column_dimensions[column].width = max(10, min(40, len(name) + 4))
    return ws


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


def to_xlsx_bytes(report: dict) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    p = report["parameters"]
    summary = [["Board report on School Resource Officer interactions (BP 3515.31)"]]
    summary += [[k, _text(v)] for k, v in p.items()]
    summary += [["generated_at", report.get("generated_at", "")]]
    summary += [["note", n] for n in report.get("notes", [])]
    summary += [["method", paragraph] for paragraph in method_note(p)]
    _sheet(wb, "Summary", ["item", "value"], summary, report)
    _sheet(wb, "Totals", ["measure", "label", "instances", "students", "suppressed"],
           ([t["measure"], MEASURE_LABELS.get(t["measure"], ""), t["instances"], t["students"],
             t["suppressed"]] for t in report["totals"]), report)
    group_fields = ["instances", "students", "enrollment", "rate_per_1000", "rri", "rri_ci_low",
                    "rri_ci_high", "rri_significant", "rri_reason", "risk_ratio",
                    "risk_ratio_method", "risk_ratio_reason", "suppressed"]
    _sheet(wb, "Groups", ["dimension", "group", "measure", *group_fields],
           ([e["dimension"], e["group"], e["measure"], *[e.get(f) for f in group_fields]]
            for e in report["groups"]), report)
    stage_fields = ["students", "contacted_students", "rate_per_100", "rri", "rri_ci_low",
                    "rri_ci_high", "rri_significant", "rri_reason", "suppressed"]
    _sheet(wb, "Stages", ["dimension", "group", "measure", *stage_fields],
           ([e["dimension"], e["group"], e["measure"], *[e.get(f) for f in stage_fields]]
            for e in report["stages"]), report)
    school_fields = ["instances", "students", "enrollment", "rate_per_1000", "suppressed"]
    _sheet(wb, "Schools", ["school", "school_name", "measure", *school_fields],
           ([e["school"], e.get("school_name", ""), e["measure"],
             *[e.get(f) for f in school_fields]] for e in report["schools"]), report)
    _sheet(wb, "School x race", ["school", "group", "measure", "students", "suppressed"],
           ([e["school"], e["group"], e["measure"], e["students"], e["suppressed"]]
            for e in report.get("school_groups", [])), report)
    _sheet(wb, "Months", ["month", "measure", "instances", "suppressed"],
           ([e["month"], e["measure"], e["instances"], e["suppressed"]]
            for e in report["months"]), report)
    _compliance_sheet(wb, report)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------

PDF_CSS = Path(__file__).resolve().parent.parent / "templates" / "reports" / "pdf.css"


def to_html_for_pdf(report: dict, published: dict | None = None) -> str:
    """`published` (a snapshot's {"at", "by", "sha256"}) adds the publication to the cover."""
    from .display import format_datetime, report_context

    context = report_context(report)
    if published:
        context["published"] = {**published, "at_text": format_datetime(published.get("at"))}
    context["css"] = PDF_CSS.read_text(encoding="utf-8")
    context["confidential_text"] = confidential_text(report)
    context["dimension_labels"] = DIMENSION_LABELS
    return render_to_string("reports/pdf.html", context)


def to_pdf_bytes(report: dict, published: dict | None = None) -> bytes:
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
        return to_xlsx_bytes(report)
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
