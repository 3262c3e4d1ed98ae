"""Upload checks for training evidence: a PDF, PNG or JPEG by name and by whole content,
within the size limit (the checks themselves are the shared ones of mous.validators)."""

from django.utils.translation import gettext as _

from mous.validators import JPEG, PDF, PNG, generated_name, validate_upload


def validate_training_evidence(f) -> None:
    """Accept a certificate or sign-in sheet as PDF, PNG or JPEG (.pdf, .png, .jpg, .jpeg)."""
    validate_upload(
        f,
        (PDF, PNG, JPEG),
        _("The evidence file is not a PDF, PNG or JPEG. Upload the certificate or sign-in "
          "sheet in one of those formats (a scan or a photo will do)."),
    )


def training_evidence_path(instance, filename: str) -> str:
    return generated_name("training", filename)
