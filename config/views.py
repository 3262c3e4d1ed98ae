"""Uploaded files (signed MOUs, training evidence) are never public: they are served here,
through the storage API (file system or S3), to signed-in users whose role may see them."""

import mimetypes
from pathlib import PurePosixPath

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.utils.http import content_disposition_header

# Upload folder (the first part of the stored name) -> permission needed to read it.
PROTECTED_FOLDERS = {
    "mous": "mous.view_mou",
    "training": "sro_program.view_officertraining",
}


@login_required
def protected_media(request: HttpRequest, path: str) -> FileResponse:
    parts = PurePosixPath(path).parts
    if not parts or ".." in parts or parts[0] not in PROTECTED_FOLDERS:
        raise Http404("No such file.")
    if not request.user.has_perm(PROTECTED_FOLDERS[parts[0]]):
        raise Http404("No such file.")
    if not default_storage.exists(path):
        raise Http404("No such file.")
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    response = FileResponse(default_storage.open(path, "rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=parts[-1]
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
