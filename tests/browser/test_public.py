"""The public pages in a real browser: an anonymous visitor reads the latest published report
in English and Spanish and downloads its CSV; axe-core finds no WCAG 2.1 AA violation on any
public page in either language (injected by Playwright, with the Content Security Policy in
force); a family files a request in Spanish; the custodian verifies and fulfils it, and the
family's PDF is in Spanish."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from interactions.models import FamilyRecordRequest
from reports.selectors import board_report
from reports.services import report_publish
from sro_program import roles
from tests.factories import StudentFactory, UserFactory
from tests.reports.factories import build_dataset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _axe_violations(page) -> list[str]:
    result = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))",
        WCAG,
    )
    return result


@pytest.fixture
def published(school_a, school_b):
    build_dataset(school_a, school_b)
    publisher = UserFactory(username="supt", role=roles.SUPERINTENDENT)
    report = board_report(user=publisher, school_year="2025-26")
    return report_publish(report=report, acting_user=publisher)


def test_visitor_reads_downloads_and_axe_finds_nothing(page, live_server, published, settings,
                                                       tmp_path):
    settings.PUBLIC_RATE_LIMIT = (1000, 60)
    page.add_init_script(path=str(AXE))  # runs outside the page's CSP, like an extension
    page.goto(f"{live_server.url}/public/")
    assert page.locator("html").get_attribute("lang") == "en"
    latest = page.get_by_test_id("public-latest")
    assert published.title in latest.inner_text()
    assert page.get_by_role("heading", name="Summary").first.is_visible()
    assert page.locator("[data-testid=public-latest] figure.report-chart").count() >= 1

    with page.expect_download() as download_info:
        latest.get_by_test_id("public-download-csv").click()
    csv_path = tmp_path / "report.csv"
    download_info.value.save_as(csv_path)
    assert csv_path.read_text(encoding="utf-8-sig").startswith(
        "section,dimension,group,measure,field,value")

    pages = ["/public/", f"/public/reports/{published.pk}/", "/public/methods/",
             "/public/policy/", "/public/mou/", "/public/disclosure-record/"]
    for path in pages:
        page.goto(f"{live_server.url}{path}")
        assert _axe_violations(page) == [], f"English {path}"

    # Spanish, through the language switcher; remembered on the next pages.
    page.goto(f"{live_server.url}/public/")
    page.get_by_role("button", name="Español").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", name="Resumen").first.is_visible()
    assert "Informe más reciente" in page.get_by_test_id("public-latest").inner_text()
    for path in pages:
        page.goto(f"{live_server.url}{path}")
        assert page.locator("html").get_attribute("lang") == "es"
        assert _axe_violations(page) == [], f"Spanish {path}"

    # Keyboard: the skip link is the first stop and leads to the main content.
    page.goto(f"{live_server.url}/public/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_family_request_in_spanish_fulfilled_in_spanish(page, browser, live_server, settings,
                                                       school_a, sign_in, tmp_path):
    settings.PUBLIC_FORM_MIN_SECONDS = 0
    student = StudentFactory(first_name="Ana", last_name="López")
    UserFactory(username="custodian", role=roles.RECORDS_CUSTODIAN)

    page.set_extra_http_headers({"Accept-Language": "es-MX,es;q=0.9"})
    page.goto(f"{live_server.url}/public/disclosure-record/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_text("verificar su identidad").first.is_visible()
    page.get_by_label("Su nombre completo").fill("María López")
    page.get_by_label("Padre o madre").check()
    page.get_by_label("Nombre completo del estudiante").fill("Ana López")
    page.get_by_label("Fecha de nacimiento del estudiante").fill("2010-03-04")
    page.get_by_label("Escuela").select_option(label=school_a.name)
    page.get_by_label("¿Cómo podemos comunicarnos con usted?").fill("555-0100")
    page.get_by_role("button", name="Enviar la solicitud").click()
    page.wait_for_load_state("domcontentloaded")
    assert "custodio de expedientes" in page.get_by_test_id("family-request-sent").inner_text()
    request = FamilyRecordRequest.objects.get()
    assert request.language == "es" and request.status == "pending"

    # The custodian, in another browser, in English.
    custodian_context = browser.new_context()
    staff = custodian_context.new_page()
    sign_in(staff, "custodian")
    staff.get_by_role("link", name="Family requests").click()
    staff.get_by_role("link", name=str(request.pk), exact=True).click()
    staff.get_by_label("District student ID").fill(student.student_id)
    staff.get_by_label("How the requester's identity was verified").select_option("in_person")
    staff.get_by_label("Date of verification").fill("2026-01-05")
    staff.get_by_role("button", name="Record verification").click()
    staff.wait_for_load_state("domcontentloaded")
    assert staff.get_by_test_id("family-request-status").inner_text() == "Identity verified"
    with staff.expect_download() as download_info:
        staff.get_by_test_id("fulfil").click()
    pdf_path = tmp_path / "answer.pdf"
    download_info.value.save_as(pdf_path)
    text = _pdf_text(pdf_path)
    assert "Registro de divulgaciones" in text and "López" in text
    assert "Disclosure log" not in text
    request.refresh_from_db()
    assert request.status == "fulfilled"
    custodian_context.close()
