"""The Ed Code 234.7 guard lives in core.text_guard, below every app; this name is kept for the
code that imports it from here."""

from core.text_guard import immigration_status_error, immigration_terms  # noqa: F401
