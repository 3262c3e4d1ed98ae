"""Free-text guard: no record of citizenship or immigration status (Ed Code 234.7).

The district collects no such data, and there is no field for it anywhere. Narratives and
justifications are free text, so they are screened here. Matching is on whole words, after
folding case and accents, so "ciudadanía" and "ciudadania" both count while "nice", "dice"
or "visage" do not. The acronym ICE counts only when written in capitals (the agency);
"ice" in lower case is frozen water.
"""

import re
import unicodedata

ED_CODE_234_7_MESSAGE = (
    "Do not record citizenship or immigration status. California Education Code 234.7 "
    "forbids the district to collect it; remove the wording ({terms}) and describe only what "
    "happened. / No registre la ciudadanía ni el estatus migratorio (Código de Educación "
    "234.7)."
)

# Phrases, written without accents and in lower case; spaces match any run of whitespace or
# hyphens. Each is matched as whole words in the folded text.
_PHRASES_EN = [
    r"undocumented",
    r"illegal (?:alien|aliens|immigrant|immigrants)",
    r"(?:alien|aliens) registration",
    # "immigration" alone also covers "immigration status" and "Immigration and Customs".
    r"immigration",
    r"immigrant status",
    r"citizenship",
    r"(?:not|non|no) (?:a )?(?:us |u\.s\. )?citizen",
    r"noncitizen",
    r"green card",
    r"visa status",
    r"(?:student|tourist|expired|overstayed) visa",
    r"daca",
    r"deport(?:ed|ation|able)?",
    r"border patrol",
    r"la migra",
    r"place of birth",
    r"country of birth",
    r"refugee status",
]

_PHRASES_ES = [
    r"indocumentad[oa]s?",
    r"sin papeles",
    r"sin documentos",
    r"estatus migratorio",
    r"estado migratorio",
    r"situacion migratoria",
    r"condicion migratoria",
    r"calidad migratoria",
    r"ciudadania",
    r"ciudadan[oa]s? (?:estadounidense|americano|americana)",
    r"no es ciudadan[oa]",
    r"inmigracion",
    r"inmigrante(?:s)? (?:ilegal|ilegales)",
    r"mojad[oa]s?",
    r"deportad[oa]s?",
    r"deportacion",
    r"tarjeta verde",
    r"residencia permanente",
    r"permiso de trabajo",
    r"visa (?:vencida|de turista|de estudiante)",
    r"pais de nacimiento",
    r"lugar de nacimiento",
]


def _fold(text: str) -> str:
    """Lower case, accents removed (NFKD, combining marks dropped)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _compile(phrases: list[str]) -> re.Pattern:
    alternatives = [p.replace(" ", r"[\s\-]+") for p in phrases]
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


_FOLDED = _compile(_PHRASES_EN + _PHRASES_ES)
# Case-sensitive: the agency acronym in capitals (also "I.C.E."), never the word "ice".
_ICE = re.compile(r"(?<![\w.])(?:ICE|I\.C\.E\.?)(?![\w])")


def immigration_terms(text: str | None) -> list[str]:
    """The phrases in `text` that record citizenship or immigration status, as written."""
    if not text:
        return []
    found: list[str] = []
    folded = _fold(text)
    # NFKD keeps one folded character per original for Latin text, so spans map back; when
    # they do not (rare ligatures), the folded match is reported instead.
    same_length = len(folded) == len(text)
    for m in _FOLDED.finditer(folded):
        found.append(text[m.start() : m.end()] if same_length else m.group(0))
    found.extend(m.group(0) for m in _ICE.finditer(text))
    return found


def immigration_status_error(text: str | None) -> str | None:
    """The Ed Code 234.7 message when `text` records citizenship or immigration status."""
    terms = immigration_terms(text)
    if not terms:
        return None
    quoted = ", ".join(f"“{t}”" for t in dict.fromkeys(terms))
    return ED_CODE_234_7_MESSAGE.format(terms=quoted)
