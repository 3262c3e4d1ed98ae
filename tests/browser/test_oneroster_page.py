"""The District administrator imports the sample OneRoster bundle in Chromium: dry-run preview,
then the streamed import with its progress bar, under the real CSP."""

import zipfile
from pathlib import Path

import pytest

from interactions.models import Enrollment
from sro_program import roles
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples" / "oneroster"


def test_district_admin_previews_then_imports(page, live_server, sign_in, settings, tmp_path,
                                              csp_violations):
    settings.ONEROSTER_UPLOAD_DIR = str(tmp_path / "uploads")
    archive = tmp_path / "vvusd-oneroster.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in (SAMPLES / "bundle-2025-26").iterdir():
            zf.write(path, path.name)
    UserFactory(username="dadmin", role=roles.DISTRICT_ADMIN, is_staff=True)
    sign_in(page, "dadmin")
    page.goto(f"{live_server.url}/interactions/oneroster/")
    page.get_by_label("OneRoster 1.1 CSV bundle (.zip)").set_input_files(str(archive))
    page.get_by_label("Supplementary CSV (optional)").set_input_files(
        str(SAMPLES / "supplement.csv"))
    page.get_by_role("button", name="Check (dry run)").click()
    preview = page.get_by_test_id("preview")
    assert "students: 12 created" in preview.inner_text()
    assert "2 enrollments from the supplementary CSV" in preview.inner_text()
    assert not Enrollment.objects.exists()
    page.get_by_role("button", name="Import", exact=True).click()
    result = page.get_by_test_id("result")
    result.wait_for()
    assert "Imported 2025-26." in result.inner_text()
    assert page.locator("progress").last.get_attribute("value") == "100"
    assert Enrollment.objects.filter(school_year="2025-26").count() == 12
    assert csp_violations == []
