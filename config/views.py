"""Uploaded files (signed MOUs, training evidence) are never public: they are served here,
through the storage API (file system or S3), to signed-in users whose role may see them.

Only a file that is the *current* document of a record the user may see is served; a replaced
document stays in storage as a prior version (the record's history names it) but is never
served. Every file goes out inert: as a download (`Content-Disposition: attachment`), with the
content type its content was validated as (anything else is `application/octet-stream`), no
MIME sniffing, and a sandboxing CSP that forbids scripts even if a browser renders it.
"""

from pathlib import PurePosixPath

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.utils.http import content_disposition_header

from mous.models import MOU
from mous.validators import detect_kind
from sro_program.models import OfficerTraining

# Upload folder (the first part of the stored name) -> (permission, records whose field holds it).
PROTECTED_FOLDERS = {
    "mous": ("mous.view_mou", lambda user: MOU.objects.for_user(user), "document"),
    "training": (
        "sro_program.view_officertraining", lambda user: OfficerTraining.objects.all(), "evidence"
    ),
}
INERT_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cache-Control": "no-store, private",
    "Cross-Origin-Resource-Policy": "same-origin",
}


@login_required
def protected_media(request: HttpRequest, path: str) -> FileResponse:
    parts = PurePosixPath(path).parts
    if not parts or ".." in parts or parts[0] not in PROTECTED_FOLDERS:
        raise Http404("No such file.")
    perm, records, field = PROTECTED_FOLDERS[parts[0]]
    if not request.user.has_perm(perm):
        raise Http404("No such file.")
    if not records(request.user).filter(**{field: path}).exists():
        raise Http404("No such file.")  # not the current document of a record in scope
    if not default_storage.exists(path):
        raise Http404("No such file.")
    with default_storage.open(path, "rb") as stored:
        kind = detect_kind(stored.read())
    content_type = kind.content_type if kind else "application/octet-stream"
    response = FileResponse(default_storage.open(path, "rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=parts[-1]
    )
    for header, value in INERT_HEADERS.items():
        response[header] = value
    return response
