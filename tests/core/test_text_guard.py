"""The Ed Code 234.7 lexicon measured on a corpus written the way staff write: status
phrasings (refused) and everyday school texts (accepted), in English and Spanish.
Goal: at least 95% of the status phrasings refused, at most one everyday text refused."""

import pytest

from core.text_guard import immigration_status_error, immigration_terms

STATUS = [
    # English
    "ice agents were outside his home this morning",
    "Mom said ICE picked up the uncle last week, student upset",
    "student worried because ICE was outside the apartment complex",
    "dad was detained by ice on Tuesday",
    "there was an ice raid near the family's work",
    "family has no papers so mom won't come in for the meeting",
    "he said he doesn't have papers and is afraid of police",
    "student asked if the SRO would call ICE on his parents",
    "brother got deported in August",
    "father is facing deportation",
    "student is undocumented",
    "mother is here illegally per the student",
    "asked if he was born in this country",
    "officer asked whether the student is a citizen",
    "is she a US citizen?",
    "the parents are not citizens",
    "family came here illegally from Honduras",
    "student says la migra took his cousin",
    "kids were joking that the migra was coming for him",
    "mom is waiting on her green card",
    "dad's visa expired, overstayed his visa",
    "student has DACA",
    "asked about the student's immigration status",
    "family applied for asylum",
    "uncle is an illegal immigrant according to student",
    "she was not born here",
    "grandmother needs papers to stay here",
    "parents crossed the border last year",
    "officer asked for proof of citizenship",
    "student said his family are illegals",
    "mother is a permanent resident",
    "student asked where his parents were born",
    # Spanish
    "la mamá no tiene papeles",
    "el papá no tiene papeles y tiene miedo",
    "la familia vive sin papeles",
    "el estudiante es indocumentado",
    "su tío fue deportado la semana pasada",
    "tiene miedo de que deporten a su papá",
    "deportaron a su hermano en agosto",
    "la migra se llevó a su tío",
    "dice que agentes de ICE estaban afuera de su casa",
    "la mamá preguntó si el oficial llamaría a la migra",
    "preguntaron si es ciudadano",
    "preguntó si la niña es ciudadana americana",
    "no nació en este país",
    "la familia está aquí ilegalmente",
    "el papá está arreglando sus papeles",
    "cuál es su estatus migratorio",
    "la situación migratoria de la familia",
    "su mamá tiene la tarjeta verde",
    "el tío pidió asilo político",
    "hubo una redada de la migra cerca de la escuela",
    "le dijeron mojado en el pasillo",
    "la familia cruzó la frontera el año pasado",
]

EVERYDAY = [
    # English
    "Student received the citizenship award at the assembly",
    "Class presentation on digital citizenship; SRO answered questions",
    "Gave the student an ice pack for his knee and called the nurse",
    "Student slipped on ice near the gym entrance, minor scrape",
    "Collected permission-slip papers for the field trip",
    "Met with the legal secretary at the district office about the subpoena",
    "Student was grading papers for the teacher during lunch",
    "Turned in his papers late, teacher asked SRO to talk about attendance",
    "Found papers scattered in the hallway after the fire drill",
    "Student said he was born in March and turned 16 yesterday",
    "The student's family moved here from Fresno last year",
    "Student was upset about his grades and his parents' divorce",
    "Officer spoke with student about vaping in the restroom",
    "Fight at lunch between two 10th graders; both sent to the office",
    "Student reported a stolen phone from the locker room",
    "Welfare check requested by counselor; student was safe at home",
    "Student refused to go to class and left campus at 11:20",
    "Parent picked up the student after the incident",
    "Gave a classroom talk on internet safety to 9th graders",
    "Student admitted to taking the Chromebook and returned it",
    "Traffic control at dismissal; a car was parked illegally in the bus lane",
    "Student asked for a work permit form; referred to the counselor",
    "Good citizen of the month award ceremony",
    "Student ate ice cream in class and refused to throw it away",
    "Hockey team practice at the ice rink; no incident",
    "Student was a good citizen and helped clean up",
    "Officer supervised the basketball game; crowd was calm",
    "Student had papers and a phone in his backpack; nothing prohibited found",
    # Spanish
    "El estudiante recibió el premio de ciudadanía en la asamblea",
    "Presentación sobre ciudadanía digital para los de noveno grado",
    "Le dimos una bolsa de hielo para la rodilla",
    "El estudiante se resbaló en el piso mojado cerca del gimnasio",
    "La mamá firmó los papeles del permiso para la excursión",
    "El estudiante entregó los papeles de la tarea tarde",
    "Practicaba deportes después de clases y se lastimó el tobillo",
    "Hubo una pelea en el almuerzo entre dos estudiantes",
    "El estudiante llegó tarde y sin su identificación escolar",
    "La mamá vino por el estudiante después del incidente",
    "El estudiante se salió de clase sin permiso",
    "Se encontró un vape en el baño de los hombres",
    "Posesión ilegal de drogas en el campus; se llamó a los padres",
    "El estudiante llegó todo mojado por la lluvia",
    "La consejera pidió un chequeo de bienestar",
    "Su familia se mudó aquí desde Los Ángeles el año pasado",
]


def _refused(text: str) -> bool:
    return bool(immigration_terms(text))


def test_corpus_sizes():
    assert len(STATUS) >= 40 and len(EVERYDAY) >= 40
    spanish_status = STATUS[STATUS.index("la mamá no tiene papeles"):]
    spanish_everyday = EVERYDAY[EVERYDAY.index(
        "El estudiante recibió el premio de ciudadanía en la asamblea"):]
    assert len(spanish_status) >= 15 and len(spanish_everyday) >= 10


def test_lexicon_rates_on_the_corpus(capsys):
    missed = [t for t in STATUS if not _refused(t)]
    false_alarms = [(t, immigration_terms(t)) for t in EVERYDAY if _refused(t)]
    refused_rate = 1 - len(missed) / len(STATUS)
    with capsys.disabled():
        print(
            f"\nEd Code 234.7 lexicon: {len(STATUS) - len(missed)}/{len(STATUS)} status "
            f"phrasings refused ({refused_rate:.1%}); {len(false_alarms)}/{len(EVERYDAY)} "
            "everyday texts refused"
        )
        for text in missed:
            print(f"  missed: {text}")
        for text, terms in false_alarms:
            print(f"  refused everyday text: {text} {terms}")
    assert refused_rate >= 0.95, missed
    assert len(false_alarms) <= 1, false_alarms


@pytest.mark.parametrize("phrase", [
    "citizenship award", "digital citizenship", "ciudadanía digital", "ice pack",
    "slipped on ice", "permission-slip papers", "legal secretary",
])
def test_school_phrases_named_in_the_issue_pass(phrase):
    assert immigration_terms(phrase) == []


@pytest.mark.parametrize("statement", [
    "No citizenship or immigration status is collected (Ed Code 234.7).",
    "SROs shall not inquire into a student's immigration status.",
    "No se recoge la ciudadanía ni el estatus migratorio (Código de Educación 234.7).",
])
def test_a_policy_statement_forbidding_the_collection_passes(statement):
    """MOU text may state the prohibition itself."""
    assert immigration_terms(statement) == []
    assert immigration_terms(statement.replace("No ", "Record the ").replace(
        "not inquire into", "record"))


def test_message_is_bilingual_and_names_the_words():
    message = immigration_status_error("ice agents came; la mamá no tiene papeles")
    assert "Education Code 234.7" in message and "Código de Educación 234.7" in message
    assert "“ice agents”" in message and "“no tiene papeles”" in message
