"""The superintendent builds a board report, checks the preview, publishes it; a board member
reads the published report and never sees unsuppressed figures."""

import re

import pytest

from sro_program import roles
from tests.factories import UserFactory
from tests.reports.factories import build_dataset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_build_publish_and_read_as_board(page, live_server, sign_in, school_a, school_b,
                                         csp_violations):
    build_dataset(school_a, school_b)
    UserFactory(username="superintendent", role=roles.SUPERINTENDENT, is_staff=True)
    UserFactory(username="board", role=roles.BOARD_MEMBER)

    sign_in(page, "superintendent")
    page.get_by_role("link", name="Board reports").first.click()
    page.get_by_role("link", name="Open the report builder").click()
    page.get_by_label("School year").select_option("2025-26")
    page.get_by_label("Alpha High School").check()
    page.get_by_label("Measure shown in the group tables").select_option("arrest")
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state("domcontentloaded")

    body = page.get_by_test_id("report-body")
    assert body.get_attribute("data-suppressed") == "true"
    assert page.get_by_role("heading", name="Summary").is_visible()
    # Charts are SVG images; they load under the Content Security Policy. A chart whose
    # figures are all zero or withheld is a sentence instead of an empty axis.
    assert page.locator("figure.report-chart").count() == 5
    charts = page.locator("figure.report-chart img")
    assert charts.count() >= 1
    assert charts.count() + page.get_by_test_id("chart-empty").count() == 5
    assert all(charts.nth(i).evaluate("img => img.naturalWidth > 0")
               for i in range(charts.count()))
    # Nothing scrolls sideways on a phone: wide tables scroll inside their own box.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.locator("details.method-note summary").inner_text().startswith("How to read")
    # The unsuppressed view is marked confidential.
    page.get_by_label("Show unsuppressed figures (confidential)").check()
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_test_id("confidential-banner").is_visible()

    page.get_by_role("link", name="Publish (suppressed)").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_test_id("publish-confirm").is_visible()
    page.get_by_role("button", name="Confirm and publish").click()
    page.wait_for_load_state("domcontentloaded")
    sha = page.get_by_test_id("sha256").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", sha)
    assert page.get_by_test_id("report-body").get_attribute("data-suppressed") == "true"
    assert csp_violations == []
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "board")
    page.goto(f"{live_server.url}/reports/")
    published = page.get_by_test_id("published-list")
    assert published.is_visible()
    assert page.get_by_role("link", name="Open the report builder").count() == 0
    published.get_by_role("link").first.click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_test_id("sha256").inner_text() == sha
    content = page.content()
    assert "CONFIDENTIAL" not in content
    assert page.get_by_test_id("report-body").get_attribute("data-suppressed") == "true"
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})
    with page.expect_download() as info:
        page.get_by_test_id("download-json").click()
    import hashlib
    from pathlib import Path

    assert hashlib.sha256(Path(info.value.path()).read_bytes()).hexdigest() == sha
    # The builder and unsuppressed figures are refused.
    response = page.goto(f"{live_server.url}/reports/build/?school_year=2025-26&unsuppressed=on")
    assert response.status == 403
    assert csp_violations == []
