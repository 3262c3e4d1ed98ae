"""Uploads: checked by content and size, stored outside the static root through the storage
API, and served only to users whose role may read them."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from mous.validators import validate_pdf, validate_upload_size


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


def test_pdf_is_judged_by_content_not_name():
    with pytest.raises(ValidationError, match="not a PDF"):
        validate_pdf(SimpleUploadedFile("mou.pdf", b"<html>not a pdf</html>"))
    validate_pdf(SimpleUploadedFile("renamed.bin", b"%PDF-1.7 ok"))


@pytest.fixture
def stored_mou_file(db):
    name = default_storage.save("mous/2026/signed.pdf", ContentFile(b"%PDF-1.7 signed"))
    yield name
    default_storage.delete(name)


def test_uploaded_document_served_only_to_roles_that_may_read_it(
    stored_mou_file, as_user, district_admin, site_admin_a, staff_a, board_member, client
):
    url = f"/media/{stored_mou_file}"
    response = as_user(district_admin).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 signed"
    assert as_user(site_admin_a).get(url).status_code == 200  # site admins may view MOUs
    assert as_user(staff_a).get(url).status_code == 404
    assert as_user(board_member).get(url).status_code == 404
    assert client.get(url).status_code == 302
    assert as_user(district_admin).get("/media/../config/settings/base.py").status_code == 404
    assert as_user(district_admin).get("/media/other/secret.txt").status_code == 404


def test_s3_compatible_storage_is_available_for_uploads():
    """USE_S3=true switches uploads to S3-compatible storage (django-storages with boto3)."""
    from storages.backends.s3 import S3Storage

    storage = S3Storage(bucket_name="sro-uploads", endpoint_url="http://127.0.0.1:9000",
                        access_key="k", secret_key="s", region_name="us-west-2",
                        default_acl="private", querystring_auth=True)
    url = storage.url("mous/2026/signed.pdf")
    assert url.startswith("http://127.0.0.1:9000/sro-uploads/mous/2026/signed.pdf?")
    assert "Signature" in url or "X-Amz-Signature" in url
