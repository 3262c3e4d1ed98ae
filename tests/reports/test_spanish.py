"""Reports in Spanish: `board_report --language es` and the language choice on the published
page produce a PDF whose labels (groups, measures, headings) come from the translated table."""

from __future__ import annotations

import subprocess

import pytest
from django.core.management import call_command
from django.urls import reverse

from reports.selectors import board_report
from reports.services import report_publish
from tests.reports.factories import build_dataset


@pytest.fixture
def dataset(db, school_a, school_b):
    return build_dataset(school_a, school_b)


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_board_report_command_in_spanish(dataset, tmp_path):
    spanish, english = tmp_path / "es.pdf", tmp_path / "en.pdf"
    call_command("board_report", "--school-year", "2025-26", "--format", "pdf",
                 "--language", "es", "--output", str(spanish))
    call_command("board_report", "--school-year", "2025-26", "--format", "pdf",
                 "--output", str(english))
    es, en = _pdf_text(spanish), _pdf_text(english)
    for word in ("Hispano o latino", "Raza o etnia", "Remisión a la policía",
                 "Cómo leer este informe", "Estudiante de inglés"):
        assert word in es
    assert "Hispanic or Latino" in en and "Hispano o latino" not in en
    assert "Hispanic or Latino" not in es


def test_published_page_offers_the_pdf_in_spanish(as_user, superintendent, board_member,
                                                  dataset, tmp_path):
    report = board_report(user=superintendent, school_year="2025-26")
    snapshot = report_publish(report=report, acting_user=superintendent)
    client = as_user(board_member)
    page = client.get(reverse("reports:published", args=[snapshot.pk]), {"language": "es"})
    assert 'data-testid="file-language"' in page.content.decode()
    assert "?language=es" in page.content.decode()
    pdf = client.get(reverse("reports:published_download", args=[snapshot.pk, "pdf"]),
                     {"language": "es"})
    path = tmp_path / "p.pdf"
    path.write_bytes(pdf.content)
    assert "Interacciones de los estudiantes" in _pdf_text(path)
    # The JSON is the published bytes whatever the language.
    js = client.get(reverse("reports:published_download", args=[snapshot.pk, "json"]),
                    {"language": "es"})
    assert js.content == snapshot.exact_bytes()
