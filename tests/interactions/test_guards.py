"""Ed Code 234.7: free text that records citizenship or immigration status is refused, in
English and in Spanish; ordinary words that merely contain the letters are not."""

import pytest

from interactions.guards import immigration_status_error, immigration_terms
from interactions.services import validate_interaction_fields

ENGLISH = [
    "Student said he is undocumented and scared.",
    "Mother asked about her immigration status.",
    "Officer asked whether the family had citizenship papers.",
    "He showed a Green Card.",
    "Asked about visa status of the parents.",
    "Called ICE about the father.",
    "Referred to Immigration and Customs Enforcement.",
    "Brother was deported last year.",
    "Called him an illegal alien.",
    "He is not a U.S. citizen.",
]
SPANISH = [
    "El estudiante es indocumentado.",
    "La familia vive sin papeles.",
    "Preguntó por su estatus migratorio.",
    "No tiene la ciudadanía.",
    "No tiene la ciudadania.",  # without the accent
    "Llamaron a INMIGRACIÓN.",
    "Le dijeron mojado en el pasillo.",
    "Su padre fue deportado.",
    "Tiene una tarjeta verde.",
    "Preguntaron por su situación migratoria.",
]
INNOCENT = [
    "He was nice to the teacher.",
    "They played dice at lunch.",
    "The student slipped on ice near the gym.",
    "Police said the justice system can help; the office was closed.",
    "Deportment improved after the meeting.",
    "Practicaba deportes después de clases.",
    "Posesión ilegal de drogas en el campus.",
    "Good citizen award at assembly.",
    "Spoke calmly; student de-escalated.",
]


@pytest.mark.parametrize("text", ENGLISH)
def test_english_wording_is_refused(text):
    assert immigration_terms(text), text
    assert "Education Code 234.7" in immigration_status_error(text)


@pytest.mark.parametrize("text", SPANISH)
def test_spanish_wording_is_refused(text):
    assert immigration_terms(text), text
    message = immigration_status_error(text)
    assert "234.7" in message
    assert "estatus migratorio" in message  # the message speaks Spanish too


@pytest.mark.parametrize("text", INNOCENT)
def test_ordinary_words_pass(text):
    assert immigration_terms(text) == [], text
    assert immigration_status_error(text) is None


def test_message_quotes_the_words_as_written():
    assert immigration_terms("Sin Papeles y ciudadanía") == ["Sin Papeles", "ciudadanía"]
    assert "“ciudadanía”" in immigration_status_error("ciudadanía")


@pytest.mark.parametrize("field", ["narrative", "justification"])
def test_both_free_text_fields_are_screened(field):
    data = {
        "location": "campus", "initiated_by": "sro_observed", "reason": "code_of_conduct",
        "justification": "Fight in progress, imminent danger.", "outcomes": ["warning"],
        field: "El estudiante es indocumentado.",
    }  # fmt: skip
    errors = validate_interaction_fields(data)
    assert any("234.7" in m for m in errors[field])
