"""Hostile input: arbitrary text, dates, numbers, encodings and sizes thrown at every form and
every `import_csv` kind. The answer is always a clear validation message (never a 500) and
nothing is half-written."""

import io
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interactions.models import Interaction
from reports.management.commands.import_csv import kinds

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ERROR_LINE = re.compile(r"^line \d+(, column [^:]+)?: \S.*$")

# Text that tends to break things: control characters, surrogates-free unicode, formulas,
# huge numbers, SQL and HTML, right-to-left marks, NULs.
nasty_text = st.one_of(
    st.text(max_size=60),
    st.sampled_from([
        "", " ", "\x00", "=cmd|' /C calc'!A0", "'; DROP TABLE students; --", "<script>x</script>",
        "9" * 400, "-1", "1e309", "NaN", "2025-02-30", "2025-13-01T25:61", "\u202eevil", "𝔘𝔫𝔦",
        "0000-00-00", "null", "None", "Y;N;Y", "arrest;;;", "a" * 5000,
    ]),
)


def _table_counts() -> dict[str, int]:
    labels = ["sro_program.School", "mous.Agency", "sro_program.Officer", "interactions.Student",
              "interactions.Enrollment", "interactions.Interaction", "reports.EnrollmentCount"]
    return {label: apps.get_model(label).objects.count() for label in labels}


def _run_import(kind: str, data: bytes, tmp_path) -> tuple[int, list[str]]:
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(data)
    err = io.StringIO()
    try:
        call_command("import_csv", kind, str(path), stdout=io.StringIO(), stderr=err)
        code = 0
    except CommandError as exc:
        code = exc.returncode
    return code, [line for line in err.getvalue().split("\n") if line.strip()]


@pytest.mark.parametrize("kind", list(kinds()))
@FUZZ
@given(cells=st.lists(st.lists(nasty_text, min_size=1, max_size=20), min_size=1, max_size=4))
def test_import_rows_of_arbitrary_text(kind, cells, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp(kind)
    columns = kinds()[kind].columns
    header = ",".join(columns)
    body = "\n".join(
        ",".join(
            '"' + c.replace('"', '""') + '"' for c in (row + [""] * len(columns))[: len(columns)]
        )
        for row in cells
    )
    before = _table_counts()
    code, errors = _run_import(kind, (header + "\n" + body + "\n").encode("utf-8", "replace"),
                               tmp_path)
    if code != 0:
        assert code == 1
        assert errors, "a failed import must say why"
        assert all(ERROR_LINE.match(e) or "nothing was written" in e for e in errors), errors
        assert _table_counts() == before, "a failed import wrote something"


@pytest.mark.parametrize("kind", list(kinds()))
@FUZZ
@given(data=st.one_of(
    st.binary(max_size=400),
    st.text(max_size=200).map(lambda t: t.encode("utf-16")),
    st.text(max_size=200).map(lambda t: t.encode("latin-1", "replace")),
))
def test_import_arbitrary_bytes(kind, data, tmp_path_factory):
    before = _table_counts()
    code, errors = _run_import(kind, data, tmp_path_factory.mktemp(kind))
    assert code == 1, "random bytes are never a valid import"
    assert errors and all(ERROR_LINE.match(e) or "nothing was written" in e for e in errors)
    assert _table_counts() == before


# --- Forms --------------------------------------------------------------------------------------

INTERACTION_FIELDS = [
    "occurred_at", "school_cds", "student_id", "officer_badge", "location", "initiated_by",
    "requested_by_role", "reason", "justification", "outcomes", "force_used", "force_types",
    "injury", "de_escalation", "de_escalation_techniques", "narrative",
]


@FUZZ
@given(values=st.fixed_dictionaries({f: nasty_text for f in INTERACTION_FIELDS}))
def test_interaction_form_never_crashes(values, as_user, staff_a):
    before = Interaction.objects.count()
    response = as_user(staff_a).post("/interactions/new/", values)
    assert response.status_code in (200, 302, 400)
    if response.status_code != 302:
        assert Interaction.objects.count() == before
        assert 'role="alert"' in response.text


@FUZZ
@given(params=st.dictionaries(
    st.sampled_from(["school", "date_from", "date_to", "reason", "outcome", "status", "flagged",
                     "page", "q", "occurred_after", "occurred_before", "sort"]),
    nasty_text, max_size=6,
))
def test_list_filters_never_crash(params, as_user, staff_a):
    params = {k: v.replace("\x00", "") for k, v in params.items()}
    for url in ("/interactions/", "/interactions/export.csv", "/interactions/review/",
                "/interactions/students/search/", "/audit/"):
        response = as_user(staff_a).get(url, params)
        assert response.status_code in (200, 400, 403), (url, response.status_code)


@FUZZ
@given(values=st.dictionaries(
    st.sampled_from(["student_id", "school", "agency", "officer", "records_requested",
                     "legitimate_interest", "basis", "threat_description", "legal_citation"]),
    nasty_text, max_size=9,
))
def test_record_access_form_never_crashes(values, as_user, staff_a):
    from interactions.models import RecordAccessRequest

    before = RecordAccessRequest.objects.count()
    response = as_user(staff_a).post("/interactions/records/new/", values)
    assert response.status_code in (200, 302, 400)
    if response.status_code != 302:
        assert RecordAccessRequest.objects.count() == before
