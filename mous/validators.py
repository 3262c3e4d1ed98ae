"""Upload checks shared by every file field: the file's name and its whole content must agree
on one of the few kinds we accept (PDF, PNG, JPEG), and the file must be within the size limit.

Judging by the first bytes alone is not enough: a file that starts with `%PDF-` can go on as
HTML, SVG or script (in UTF-16 too) and run on our origin when served. So each kind is checked
for its whole shape: a PDF's header line, trailer and cross-reference offset, with no markup
or script outside its streams; a PNG's chunks, CRCs and IEND at the very end; a JPEG's markers
up to the image data and an end-of-image marker at the end. Images must also decode.
"""

import io
import re
import uuid
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"


@dataclass(frozen=True)
class Kind:
    label: str
    content_type: str
    extensions: tuple[str, ...]  # the first is the one stored names get


PDF = Kind("PDF", "application/pdf", (".pdf",))
PNG = Kind("PNG", "image/png", (".png",))
JPEG = Kind("JPEG", "image/jpeg", (".jpg", ".jpeg"))
KINDS = (PDF, PNG, JPEG)

# Markup or script that has no business in a signed document or a scan. Searched for outside
# PDF streams (compressed data may hold any bytes), in ASCII and in both UTF-16 byte orders.
_ACTIVE_MARKERS = (
    b"<script", b"<html", b"<svg", b"<!doctype", b"<body", b"<iframe", b"<object",
    b"<embed", b"<?xml-stylesheet", b"javascript:", b"<meta",
)
_ACTIVE_PATTERNS = tuple(
    marker.decode().encode(encoding)
    for marker in _ACTIVE_MARKERS
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)
# PDF actions that run code or open other files: a signed agreement needs none of them.
_PDF_ACTIONS = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia)(?![A-Za-z0-9])")
_PDF_HEADER = re.compile(rb"%PDF-[12]\.\d[\r\n]")
_PDF_STREAM = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
_PDF_TRAILER = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_PDF_XREF_TARGET = re.compile(rb"\s*(?:xref|\d+\s+\d+\s+obj)")


def validate_upload_size(f) -> None:
    limit = settings.UPLOAD_MAX_BYTES
    if f.size > limit:
        raise ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Upload a smaller file.")
            % {"size": f"{f.size / 1048576:.1f}", "limit": f"{limit / 1048576:.0f}"}
        )


def read_head(f, size: int | None = None) -> bytes:
    """The file's first bytes (all of it by default), leaving its position where it was
    (the upload is saved later)."""
    pos = f.tell() if hasattr(f, "tell") else 0
    f.seek(0)
    head = f.read() if size is None else f.read(size)
    f.seek(pos)
    return head


def has_active_content(data: bytes) -> bool:
    lowered = data.lower()
    return any(pattern in lowered for pattern in _ACTIVE_PATTERNS)


def _is_pdf(data: bytes) -> bool:
    if not _PDF_HEADER.match(data):
        return False
    trailer = _PDF_TRAILER.search(data[-2048:])
    if trailer is None:
        return False
    offset = int(trailer.group(1))
    if offset >= len(data) or not _PDF_XREF_TARGET.match(data, offset):
        return False
    outside_streams = _PDF_STREAM.sub(b"stream endstream", data)
    return not has_active_content(outside_streams) and not _PDF_ACTIONS.search(outside_streams)


def _is_png(data: bytes) -> bool:
    if not data.startswith(PNG_MAGIC):
        return False
    pos, first, seen_data = len(PNG_MAGIC), True, False
    while pos + 12 <= len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        chunk_type = data[pos + 4:pos + 8]
        end = pos + 12 + length
        if not chunk_type.isalpha() or end > len(data):
            return False
        body = data[pos + 4:pos + 8 + length]
        if zlib.crc32(body) != int.from_bytes(data[pos + 8 + length:end], "big"):
            return False
        if first and chunk_type != b"IHDR":
            return False
        first = False
        seen_data |= chunk_type == b"IDAT"
        if chunk_type == b"IEND":
            return end == len(data) and seen_data and _decodes(data)  # nothing may follow
        pos = end
    return False


def _is_jpeg(data: bytes) -> bool:
    if not data.startswith(JPEG_MAGIC) or not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        return False
    pos = 2
    while pos + 4 <= len(data):  # walk the marker segments up to the start of the image data
        if data[pos] != 0xFF:
            return False
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        if length < 2:
            return False
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            return not has_active_content(data[:pos]) and _decodes(data)
        pos += 2 + length
    return False


def _decodes(data: bytes) -> bool:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except Exception:  # noqa: BLE001 - any decoder error means "not an image we accept"
        return False
    return True


_CHECKS = {PDF: _is_pdf, PNG: _is_png, JPEG: _is_jpeg}


def detect_kind(data: bytes) -> Kind | None:
    """The kind whose whole shape the content has, or None."""
    for kind, check in _CHECKS.items():
        if check(data):
            return kind
    return None


def kind_for_name(name: str) -> Kind | None:
    suffix = PurePosixPath(name or "").suffix.lower()
    return next((k for k in KINDS if suffix in k.extensions), None)


def validate_upload(f, allowed: tuple[Kind, ...], not_allowed_message: str) -> Kind:
    """Refuse the upload unless its name and its whole content are both of one allowed kind."""
    validate_upload_size(f)
    allowed_names = ", ".join(ext for kind in allowed for ext in kind.extensions)
    base_name = PurePosixPath(getattr(f, "name", "") or "").name
    by_name = kind_for_name(base_name)
    if by_name not in allowed:
        raise ValidationError(
            _("The file name “%(name)s” does not end in %(allowed)s. %(message)s")
            % {"name": base_name, "allowed": allowed_names, "message": not_allowed_message}
        )
    by_content = detect_kind(read_head(f))
    if by_content not in allowed:
        raise ValidationError(not_allowed_message)
    if by_content != by_name:
        raise ValidationError(
            _("The file “%(name)s” is named as %(named)s but its content is %(content)s. "
              "Rename it to end in %(extension)s and upload it again.")
            % {"name": base_name, "named": by_name.label, "content": by_content.label,
               "extension": by_content.extensions[0]}
        )
    return by_content


def validate_pdf(f) -> None:
    """Accept a PDF only: a name ending in .pdf and a whole PDF inside."""
    validate_upload(
        f, (PDF,), _("The file is not a PDF. Upload the signed document as a PDF (.pdf).")
    )


def generated_name(folder: str, filename: str) -> str:
    """Stored under a random name in `folder/<year>/`; only the validated extension is kept,
    so nothing the uploader chose (path, name, double extension) reaches the storage."""
    kind = kind_for_name(filename)
    extension = kind.extensions[0] if kind else ".bin"
    return f"{folder}/{timezone.now():%Y}/{uuid.uuid4().hex}{extension}"


def mou_document_path(instance, filename: str) -> str:
    return generated_name("mous", filename)
