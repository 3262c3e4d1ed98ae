"""`board_report` and `import_csv enrollment` from the command line (docs/formats.md)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reports.models import EnrollmentCount
from tests.reports.factories import build_dataset

A = "33671570000011"


@pytest.fixture
def dataset(db, school_a, school_b):
    return build_dataset(school_a, school_b)


def run(*args) -> str:
    out = io.StringIO()
    call_command("board_report", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_json_to_stdout(dataset):
    report = json.loads(run("--school-year", "2025-26", "--school", A, "--format", "json",
                            "--output", "-"))
    assert report["schema"] == "sro-board-report/1"
    assert report["parameters"]["suppressed"] is True
    assert report["parameters"]["schools"] == [A]
    assert report["parameters"]["min_cell"] == 10


def test_unsuppressed_min_cell_and_period(dataset):
    report = json.loads(run("--from", "2025-10-01", "--to", "2025-10-31", "--unsuppressed",
                            "--min-cell", "5", "--format", "json", "--output", "-"))
    p = report["parameters"]
    assert (p["date_from"], p["date_to"], p["suppressed"], p["min_cell"]) == (
        "2025-10-01", "2025-10-31", False, 5)
    assert report["confidential"] is True


def test_csv_xlsx_pdf_files(dataset, tmp_path):
    text = run("--school-year", "2025-26", "--format", "csv", "--output", "-")
    # The six code columns of the interface first, then the previous year and the labels.
    assert next(csv.reader(io.StringIO(text))) == [
        "section", "dimension", "group", "measure", "field", "value", "previous_value",
        "dimension_label", "group_label", "measure_label"]
    for fmt, magic in (("xlsx", b"PK"), ("pdf", b"%PDF")):
        path = tmp_path / f"r.{fmt}"
        run("--school-year", "2025-26", "--unsuppressed", "--format", fmt, "--output",
            str(path))
        assert path.read_bytes().startswith(magic)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2025-06-01", "--to", "2025-07-31"], "one school year"),
        (["--school-year", "2025-26", "--from", "2025-09-01"], "not both"),
        (["--from", "2025-09-01"], "both --from and --to"),
        (["--school-year", "2025-27"], "school year"),
        (["--school-year", "2025-26", "--school", "99999999999999"], "Unknown school"),
    ],
)
def test_bad_arguments(dataset, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args, "--format", "json", "--output", "-")


def test_binary_format_needs_a_file(dataset):
    with pytest.raises(CommandError, match="binary"):
        run("--school-year", "2025-26", "--format", "pdf", "--output", "-")


def _import(tmp_path, text: str, *extra) -> str:
    path = tmp_path / "enrollment.csv"
    path.write_text(text, encoding="utf-8-sig")
    out = io.StringIO()
    call_command("import_csv", "enrollment", str(path), *extra, stdout=out, stderr=out)
    return out.getvalue()


def test_import_enrollment(db, school_a, tmp_path):
    text = (
        "school_year,school_cds,dimension,group,count\n"
        f"2025-26,{A},all,all,400\n"
        f"2025-26,{A},race_ethnicity,white,200\n"
        f"2025-26,{A},grade,09,100\n"
    )
    assert "3 created" in _import(tmp_path, text)
    assert EnrollmentCount.objects.get(dimension="race_ethnicity").count == 200
    out = _import(tmp_path, text.replace("white,200", "white,210"))
    assert "1 updated" in out and "2 unchanged" in out
    assert EnrollmentCount.objects.get(dimension="race_ethnicity").count == 210


def test_import_enrollment_reports_every_error_and_writes_nothing(db, school_a, tmp_path):
    text = (
        "school_year,school_cds,dimension,group,count\n"
        f"2025-27,{A},all,all,400\n"
        "2025-26,00000000000000,all,all,1\n"
        f"2025-26,{A},race,white,2\n"
        f"2025-26,{A},gender,Q,2\n"
        f"2025-26,{A},gender,F,-3\n"
    )
    with pytest.raises(CommandError):
        _import(tmp_path, text)
    assert EnrollmentCount.objects.count() == 0


def test_import_enrollment_error_messages(db, school_a):
    from interactions.importers import run_import
    from reports.importers import KINDS

    data = (
        "school_year,school_cds,dimension,group,count\n"
        f"2025-27,{A},all,all,400\n"
        "2025-26,00000000000000,all,all,1\n"
        f"2025-26,{A},race,white,2\n"
        f"2025-26,{A},gender,Q,2\n"
        f"2025-26,{A},gender,F,-3\n"
        f"2025-26,{A},gender,F,3\n"
    ).encode()
    result = run_import(KINDS["enrollment"], data)
    messages = [str(e) for e in result.errors]
    assert messages[0].startswith("line 2, column school_year:")
    assert any(m.startswith("line 3, column school_cds: Unknown school") for m in messages)
    assert any(m.startswith("line 4, column dimension:") for m in messages)
    assert any(m.startswith("line 5, column group:") for m in messages)
    assert any(m.startswith("line 6, column count:") for m in messages)
    assert any(m.startswith("line 7, column group: Repeats line 6") for m in messages)
    assert EnrollmentCount.objects.count() == 0
