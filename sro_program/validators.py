"""Upload checks for training evidence: PDF, PNG or JPEG judged by content, within the size
limit (the size check is the shared one of mous.validators)."""

from django.core.exceptions import ValidationError

from mous.validators import read_head, validate_upload_size

EVIDENCE_MAGIC = {
    b"%PDF-": "PDF",
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"\xff\xd8\xff": "JPEG",
}


def validate_training_evidence(f) -> None:
    """Accept a certificate or sign-in sheet as PDF, PNG or JPEG, whatever its file name says."""
    validate_upload_size(f)
    head = read_head(f, max(len(magic) for magic in EVIDENCE_MAGIC))
    if not any(head.startswith(magic) for magic in EVIDENCE_MAGIC):
        raise ValidationError(
            "The evidence file is not a PDF, PNG or JPEG. Upload the certificate or sign-in "
            "sheet in one of those formats (a scan or a photo will do)."
        )
