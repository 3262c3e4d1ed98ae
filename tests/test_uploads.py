"""Uploads: checked by name and whole content and size, stored under generated names outside
the static root through the storage API, and served inert, only as the current document of a
record the user may see."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from mous.pdf import simple_pdf
from mous.validators import detect_kind, validate_pdf, validate_upload_size
from sro_program.validators import validate_training_evidence
from tests.factories import MOUFactory

GOOD_PDF = simple_pdf(["Memorandum of Understanding", "Signed."])


def image_bytes(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


GOOD_PNG = image_bytes("PNG")
GOOD_JPEG = image_bytes("JPEG")
SCRIPT = b"fetch('/reports/').then(r=>r.text()).then(t=>alert(t))"
# Each of these has a real file type's first bytes and goes on as something a browser runs.
HOSTILE = {
    "evil.html": b"%PDF-1.7\n<html><body><script>" + SCRIPT + b"</script></body></html>",
    "logo.svg": b"%PDF-1.7\n<svg xmlns='http://www.w3.org/2000/svg' onload=\"alert(1)\"/>",
    "x.js": b"%PDF-" + ("\n" + SCRIPT.decode()).encode("utf-16-le"),
    "x.pdf": b"%PDF-" + ("\n<script>" + SCRIPT.decode() + "</script>").encode("utf-16-le"),
    "magic-only.pdf": b"%PDF-1.7 ok",
    "html-in-pdf.pdf": GOOD_PDF.replace(b"%\xe2\xe3\xcf\xd3", b"<script>alert(1)</script>"),
    "pdf-javascript.pdf": GOOD_PDF.replace(
        b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"
    ),
    "html-after-pdf.pdf": GOOD_PDF + b"<html><script>alert(1)</script></html>",
    "png-then-html.png": GOOD_PNG + b"<html><script>alert(1)</script></html>",
    "fake.png": b"\x89PNG\r\n\x1a\n<script>alert(1)</script>",
    "fake.jpg": b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>",
    "pdf-named-png.png": GOOD_PDF,
    "scan.pdf.html": GOOD_PDF,
}


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "application/pdf")


def test_media_root_is_outside_static_files():
    media = Path(settings.MEDIA_ROOT).resolve()
    for static_dir in [settings.STATIC_ROOT, *(
        d[1] if isinstance(d, tuple) else d for d in settings.STATICFILES_DIRS
    )]:
        static_dir = Path(static_dir).resolve()
        assert static_dir not in media.parents and media != static_dir


def test_oversize_upload_is_refused_with_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="the limit is"):
        validate_upload_size(SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2000))


def test_good_files_of_each_kind_are_accepted():
    validate_pdf(upload("signed MOU.PDF", GOOD_PDF))
    for name, content in (("c.pdf", GOOD_PDF), ("c.png", GOOD_PNG), ("c.jpg", GOOD_JPEG),
                          ("c.jpeg", GOOD_JPEG)):
        validate_training_evidence(upload(name, content))


def test_a_pdf_written_by_a_real_renderer_is_accepted():
    from weasyprint import HTML

    rendered = HTML(string="<h1>MOU</h1><p>Signed by both parties.</p>").write_pdf()
    validate_pdf(upload("rendered.pdf", rendered))


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_uploads_are_refused_for_both_fields(name):
    with pytest.raises(ValidationError):
        validate_pdf(upload(name, HOSTILE[name]))
    with pytest.raises(ValidationError):
        validate_training_evidence(upload(name, HOSTILE[name]))


def test_messages_name_the_problem_and_the_fix():
    with pytest.raises(ValidationError, match=r"“evil.html” does not end in \.pdf"):
        validate_pdf(upload("evil.html", HOSTILE["evil.html"]))
    with pytest.raises(ValidationError, match="not a PDF"):
        validate_pdf(upload("mou.pdf", b"<html>not a pdf</html>"))
    with pytest.raises(ValidationError, match=r"named as PNG but its content is PDF.*\.pdf"):
        validate_training_evidence(upload("scan.png", GOOD_PDF))
    with pytest.raises(ValidationError, match="not a PDF, PNG or JPEG"):
        validate_training_evidence(upload("c.pdf", b"MZ\x90\x00 not a pdf"))


def mou_with_document(content: bytes = GOOD_PDF, name: str = "evil name.pdf"):
    mou = MOUFactory()
    mou.document.save(name, ContentFile(content), save=False)
    type(mou).objects.filter(pk=mou.pk).update(document=mou.document.name)
    return mou


def test_documents_are_stored_under_generated_names(db):
    first, second = mou_with_document(), mou_with_document()
    for mou in (first, second):
        stored = Path(mou.document.name)
        assert stored.parts[0] == "mous" and stored.suffix == ".pdf"
        assert "evil" not in stored.name and len(stored.stem) == 32
    assert first.document.name != second.document.name


def served_body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_document_is_served_inert_with_its_validated_type(db, as_user, district_admin):
    mou = mou_with_document()
    response = as_user(district_admin).get(f"/media/{mou.document.name}")
    assert response.status_code == 200
    assert served_body(response) == GOOD_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["Cache-Control"] == "no-store, private"


def test_a_hostile_file_stored_before_the_checks_is_served_as_an_inert_download(
    db, as_user, district_admin
):
    """A file that slipped in earlier (here named .html) is neither HTML nor inline."""
    mou = MOUFactory()
    name = default_storage.save("mous/2025/evil.html", ContentFile(HOSTILE["evil.html"]))
    type(mou).objects.filter(pk=mou.pk).update(document=name)
    response = as_user(district_admin).get(f"/media/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_a_replaced_document_is_kept_but_no_longer_served(db, as_user, district_admin):
    mou = mou_with_document()
    old = mou.document.name
    mou.document.save("new.pdf", ContentFile(simple_pdf(["Version two"])), save=False)
    type(mou).objects.filter(pk=mou.pk).update(document=mou.document.name)
    client = as_user(district_admin)
    assert default_storage.exists(old)  # kept: the MOU's history names it
    assert client.get(f"/media/{old}").status_code == 404
    assert client.get(f"/media/{mou.document.name}").status_code == 200


def test_uploaded_document_served_only_to_roles_that_may_read_it(
    db, as_user, district_admin, site_admin_a, staff_a, board_member, client
):
    url = f"/media/{mou_with_document().document.name}"
    assert as_user(district_admin).get(url).status_code == 200
    assert as_user(site_admin_a).get(url).status_code == 200  # site admins may view MOUs
    assert as_user(staff_a).get(url).status_code == 404
    assert as_user(board_member).get(url).status_code == 404
    assert client.get(url).status_code == 302
    assert as_user(district_admin).get("/media/../config/settings/base.py").status_code == 404
    assert as_user(district_admin).get("/media/other/secret.txt").status_code == 404
    orphan = default_storage.save("mous/2026/orphan.pdf", ContentFile(GOOD_PDF))
    assert as_user(district_admin).get(f"/media/{orphan}").status_code == 404


def test_detect_kind_reads_the_whole_shape():
    assert detect_kind(GOOD_PDF).label == "PDF"
    assert detect_kind(GOOD_PNG).label == "PNG"
    assert detect_kind(GOOD_JPEG).label == "JPEG"
    assert detect_kind(GOOD_PNG[:-1]) is None  # truncated IEND
    assert detect_kind(GOOD_JPEG[:-2]) is None  # no end of image


def test_s3_compatible_storage_is_available_for_uploads():
    """USE_S3=true switches uploads to S3-compatible storage (django-storages with boto3)."""
    from storages.backends.s3 import S3Storage

    storage = S3Storage(bucket_name="sro-uploads", endpoint_url="http://127.0.0.1:9000",
                        access_key="k", secret_key="s", region_name="us-west-2",
                        default_acl="private", querystring_auth=True)
    url = storage.url("mous/2026/signed.pdf")
    assert url.startswith("http://127.0.0.1:9000/sro-uploads/mous/2026/signed.pdf?")
    assert "Signature" in url or "X-Amz-Signature" in url
