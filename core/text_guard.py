"""Ed Code 234.7 guard: no free text may record a person's citizenship or immigration status.

The district collects no such data and has no field for it, so every free-text field a user or
an import can fill is screened (docs/rules.md; a test fails when a new text field
is neither guarded nor exempted). The words are data, in English and Spanish:
core/immigration_lexicon.json. Its patterns are context rules ("ice" next to agents or a raid,
"papers" in a status sense, questions about being a citizen) rather than bare words, and its
allow list keeps ordinary school phrases ("digital citizenship", "ice pack") out of trouble.

Matching is on whole words of the text folded to lower case without accents, so "ciudadanía"
and "ciudadania" both count while "nice", "dice" or "deportes" do not.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

LEXICON_PATH = Path(__file__).with_name("immigration_lexicon.json")


def fold(text: str) -> str:
    """Lower case, accents removed (NFKD, combining marks dropped)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _compile(patterns: list[str], flags: int = 0) -> re.Pattern:
    alternatives = [p.replace(" ", r"[\s\-]+") for p in patterns]
    return re.compile(r"(?<![\w.])(?:" + "|".join(alternatives) + r")(?!\w)", flags)


@cache
def lexicon() -> dict:
    data = json.loads(LEXICON_PATH.read_text(encoding="utf-8"))
    return {
        "message": data["message"],
        "refuse": _compile([p for lang in data["refuse"].values() for p in lang]),
        "refuse_exact_case": _compile(data["refuse_exact_case"]),
        "allow": _compile([p for lang in data["allow"].values() for p in lang]),
    }


def _spans(pattern: re.Pattern, text: str) -> list[tuple[int, int]]:
    """Every match's span, overlapping ones included (a match may start inside another)."""
    spans = []
    pos = 0
    while (m := pattern.search(text, pos)) is not None:
        spans.append(m.span())
        pos = m.start() + 1
    return spans


def immigration_terms(text: str | None) -> list[str]:
    """The wording in `text` that records citizenship or immigration status, as written."""
    if not text:
        return []
    words = lexicon()
    folded = fold(text)
    # NFKD keeps one folded character per original for Latin text, so spans map back; when
    # they do not (rare ligatures), the folded words are reported instead.
    source = text if len(folded) == len(text) else folded
    allowed = _spans(words["allow"], folded)

    def exempt(start: int, end: int) -> bool:
        return any(a <= start and end <= b for a, b in allowed)

    found: list[tuple[int, int]] = [
        span for span in _spans(words["refuse"], folded) if not exempt(*span)
    ]
    found += [
        m.span() for m in words["refuse_exact_case"].finditer(text)
        if not exempt(*m.span()) and not any(a <= m.start() < b for a, b in found)
    ]
    # Report the longest wording once: drop matches inside another one.
    found = sorted(set(found), key=lambda s: (s[0], -s[1]))
    kept: list[tuple[int, int]] = []
    for start, end in found:
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end))
    return [source[start:end] for start, end in kept]


def immigration_status_error(text: str | None) -> str | None:
    """The bilingual Ed Code 234.7 message naming the words found, or None."""
    terms = immigration_terms(text)
    if not terms:
        return None
    quoted = ", ".join(f"“{t}”" for t in dict.fromkeys(terms))
    return lexicon()["message"].format(terms=quoted)


@deconstructible
class NoImmigrationStatus:
    """Field validator: refuses free text that records citizenship or immigration status.
    On a model field it runs in full_clean(), so forms, the admin and services that clean
    their rows all apply it."""

    code = "ed_code_234_7"

    def __call__(self, value) -> None:
        message = immigration_status_error(value if isinstance(value, str) else None)
        if message:
            raise ValidationError(message, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, NoImmigrationStatus)

    def __hash__(self) -> int:
        return hash(self.code)


no_immigration_status = NoImmigrationStatus()


def is_guarded(field) -> bool:
    return any(isinstance(v, NoImmigrationStatus) for v in getattr(field, "validators", ()))


def check_guarded_fields(instance) -> None:
    """Run the guard on every guarded field of a model instance, for writes that do not go
    through full_clean() (a row created by a service from values it was given). Raises one
    ValidationError keyed by field name, so a form shows each message at its field."""
    errors: dict[str, list[str]] = {}
    for field in instance._meta.concrete_fields:
        if is_guarded(field):
            message = immigration_status_error(getattr(instance, field.attname))
            if message:
                errors[field.name] = [message]
    if errors:
        raise ValidationError(errors)
