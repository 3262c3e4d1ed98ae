"""Upload checks shared by every file field: content type by magic bytes, and size."""

from django.conf import settings
from django.core.exceptions import ValidationError

PDF_MAGIC = b"%PDF-"


def validate_upload_size(f) -> None:
    limit = settings.UPLOAD_MAX_BYTES
    if f.size > limit:
        raise ValidationError(
            f"The file is {f.size / 1048576:.1f} MB; the limit is {limit / 1048576:.0f} MB. "
            "Upload a smaller file."
        )


def read_head(f, size: int) -> bytes:
    """The file's first bytes, leaving its position where it was (the upload is saved later)."""
    pos = f.tell() if hasattr(f, "tell") else 0
    f.seek(0)
    head = f.read(size)
    f.seek(pos)
    return head


def validate_pdf(f) -> None:
    """Accept a PDF only, judged by its content rather than its name."""
    validate_upload_size(f)
    if read_head(f, len(PDF_MAGIC)) != PDF_MAGIC:
        raise ValidationError("The file is not a PDF. Upload the signed document as a PDF.")
