"""The District administrator's OneRoster page: dry-run preview, then the streamed import."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from interactions.models import Enrollment, Student

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples" / "oneroster"
URL = "/interactions/oneroster/"


def zipped(folder: Path, change=None) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for path in sorted(folder.iterdir()):
            data = path.read_bytes()
            if change and path.name == change[0]:
                data = data.replace(change[1], change[2])
            zf.writestr(path.name, data)
    return SimpleUploadedFile("oneroster.zip", buffer.getvalue(), "application/zip")


def test_only_the_district_administrator_may_import(client, staff_a, site_admin_a):
    assert client.get(URL).status_code == 302  # sign in first
    for user in (staff_a, site_admin_a):
        client.force_login(user)
        assert client.get(URL).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_preview_then_import_with_progress(client, district_admin, settings, tmp_path):
    settings.ONEROSTER_UPLOAD_DIR = str(tmp_path / "uploads")
    client.force_login(district_admin)
    assert client.get(URL).status_code == 200
    supplement = SimpleUploadedFile("extra.csv", (SAMPLES / "supplement.csv").read_bytes())
    preview = client.post(URL, {"action": "preview", "bundle": zipped(SAMPLES / "bundle-2025-26"),
                                "supplement": supplement})
    page = preview.content.decode()
    assert "Preview (dry run of oneroster.zip for 2025-26): nothing written yet" in page
    assert "students: 12 created, 0 updated, 0 unchanged" in page
    assert "2 enrollments from the supplementary CSV" in page  # says what OneRoster lacks
    assert not Student.objects.exists()
    token = preview.context["token"]

    response = client.post(URL, {"action": "import", "token": token})
    assert response.streaming
    body = b"".join(response.streaming_content).decode()
    assert "<progress" in body and 'value="100"' in body
    assert "Imported 2025-26." in body and "students: 12 created" in body
    assert Enrollment.objects.filter(school_year="2025-26").count() == 12
    assert not list((tmp_path / "uploads").iterdir())  # the upload is gone
    again = client.post(URL, {"action": "import", "token": token})
    assert again.status_code == 400  # a preview imports once


def test_a_malformed_bundle_lists_its_errors_and_writes_nothing(client, district_admin,
                                                                settings, tmp_path):
    settings.ONEROSTER_UPLOAD_DIR = str(tmp_path / "uploads")
    client.force_login(district_admin)
    bad = zipped(SAMPLES / "bundle-2025-26", ("orgs.csv", b"org-d1\n", b"org-dx\n"))
    response = client.post(URL, {"action": "preview", "bundle": bad})
    page = response.content.decode()
    assert "nothing was written" in page
    assert "orgs.csv line 3, column parentSourcedId: No org with sourcedId" in page
    assert "Import</button>" not in page
    assert not Student.objects.exists()
    assert not list((tmp_path / "uploads").iterdir())


def test_not_a_zip_is_refused(client, district_admin, settings, tmp_path):
    settings.ONEROSTER_UPLOAD_DIR = str(tmp_path / "uploads")
    client.force_login(district_admin)
    response = client.post(URL, {"action": "preview",
                                 "bundle": SimpleUploadedFile("roster.csv", b"a,b\n")})
    assert "Upload the bundle as a .zip file." in response.content.decode()


def test_the_district_administrator_finds_the_page_in_the_navigation(client, district_admin,
                                                                      staff_a):
    client.force_login(district_admin)
    assert f'href="{URL}"' in client.get("/").content.decode()
    client.force_login(staff_a)
    assert f'href="{URL}"' not in client.get("/").content.decode()
