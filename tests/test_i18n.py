"""The message catalogue is complete and every user-facing template string is marked.

1. Extracting the messages again (makemessages, into a copy) finds no message without a
   Spanish translation: a new gettext string or {% translate %} tag fails here until
   locale/es/LC_MESSAGES/django.po has its Spanish entry.
2. Every template's text (and its alt, title, placeholder and aria-label attributes) is inside
   {% translate %} or {% blocktranslate %}: a plain English word fails here.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
SOURCE_DIRS = ["config", "mous", "sro_program", "interactions", "reports", "audit", "public",
               "templates"]
# Words that are the same in both languages or are names (of languages, formats, laws).
ALLOWED_WORDS = {"English", "Español", "SHA", "CSV", "PDF", "JSON", "XLSX", "SRO", "SROs",
                 "FERPA", "CFR", "MOU", "RRI", "GC", "CDS", "ID", "BP", "Ed", "CA", "ORI",
                 "nbsp", "ndash", "middot", "times", "amp", "rarr", "larr", "hellip"}
# Templates marked for translation (every template, once the whole project is marked).
MARKED = ["templates"]
NOT_YET_MARKED: set[str] = set()


def _untranslated(po: polib.POFile) -> list[str]:
    return [e.msgid for e in po if not e.obsolete
            and (("fuzzy" in e.flags) or not (e.translated()))]


def test_committed_catalogue_is_fully_translated():
    po = polib.pofile(str(PO))
    missing = _untranslated(po)
    assert missing == [], f"{len(missing)} messages without Spanish: {missing[:20]}"


def test_every_message_in_the_code_has_a_spanish_entry(tmp_path, settings, monkeypatch):
    """Run makemessages over a copy of the sources with the committed .po file: every message
    the code and templates use must come out translated."""
    for name in SOURCE_DIRS:
        shutil.copytree(ROOT / name, tmp_path / name,
                        ignore=shutil.ignore_patterns("__pycache__", "migrations", "*.mo"))
    target = tmp_path / "locale" / "es" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(PO, target / "django.po")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["es"], no_location=True, verbosity=0,
                 ignore_patterns=["locale/*"])
    extracted = polib.pofile(str(target / "django.po"))
    missing = _untranslated(extracted)
    assert missing == [], (
        f"{len(missing)} messages have no Spanish entry (run `manage.py makemessages -l es "
        f"--no-location --ignore=.venv --ignore=node_modules --ignore=var --ignore=tests`, "
        f"translate, `make messages`): {missing[:20]}"
    )


def _visible_text(source: str) -> str:
    """The template with everything translated, every variable and tag removed: only the
    literal text a reader would see (and attributes read aloud) remains."""
    parts: list[str] = []
    skip_until = None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK and token.contents.startswith("block bodyclass"):
            skip_until = "endblock"  # CSS classes, not text
            parts.append("\x00")
            continue
        if skip_until:
            if token.token_type == TokenType.BLOCK and token.contents.split()[0] == skip_until:
                skip_until = None
            parts.append("\x00")
            continue
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if name in ("blocktranslate", "blocktrans") and "asvar" not in token.contents:
                skip_until = "end" + name
            elif name == "comment":
                skip_until = "endcomment"
            parts.append("\x00")
        elif token.token_type == TokenType.TEXT:
            parts.append(token.contents)
        else:
            parts.append("\x00")
    text = "".join(parts)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = re.sub(r"&[a-z]+;", " ", text)  # entities (&rsaquo;)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)
    attributes = re.findall(
        r'\b(?:alt|title|placeholder|aria-label|aria-description)="([^"]*)"', text)
    text = re.sub(r"<[^>]*>", " ", text)
    return " ".join([text, *attributes])


def _english_words(text: str) -> list[str]:
    words = re.findall(r"[^\W\d_][^\W\d_'’]+", text.replace("\x00", " "))
    return [w for w in words if w not in ALLOWED_WORDS]


def _templates() -> list[Path]:
    found = []
    for base in MARKED:
        path = ROOT / base
        found += sorted(path.rglob("*.html")) if path.is_dir() else [path]
    return [p for p in found if str(p.relative_to(ROOT)) not in NOT_YET_MARKED]


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_template_text_is_marked_for_translation(path):
    words = _english_words(_visible_text(path.read_text(encoding="utf-8")))
    assert words == [], f"{path.relative_to(ROOT)}: text not marked for translation: {words[:15]}"


def test_the_check_bites():
    assert _english_words(_visible_text("<p>Hello {{ name }}</p>")) == ["Hello"]
    assert _english_words(_visible_text('<img alt="A chart" src="{{ u }}">')) == ["chart"]
    assert _english_words(_visible_text(
        "{% load i18n %}<p>{% translate 'Hello' %} {% blocktranslate %}Hi {{ n }}"
        "{% endblocktranslate %}</p>")) == []
