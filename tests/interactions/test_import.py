"""`manage.py import_csv`: all or nothing, every error as `line N, column C: message`."""

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from interactions.models import Enrollment, Interaction, Student
from mous.models import Agency
from sro_program.models import Officer, School
from tests.factories import AgencyFactory, EnrollmentFactory, OfficerFactory, SchoolFactory

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path, text: str, name="data.csv", bom=False) -> str:
    path = tmp_path / name
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return str(path)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_csv", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


SCHOOLS = """cds_code,name,grade_low,grade_high
33671570000011,Alpha High School,09,12
33671570000029,Bravo High School,09,12
"""


def test_schools_import_with_bom_then_upsert(db, tmp_path):
    status, out, _ = run("schools", write(tmp_path, SCHOOLS, bom=True))
    assert status == 0
    assert "2 created, 0 updated, 0 unchanged" in out
    assert School.objects.get(cds_code="33671570000011").name == "Alpha High School"

    changed = SCHOOLS.replace("Bravo High School", "Bravo Senior High")
    status, out, _ = run("schools", write(tmp_path, changed))
    assert status == 0 and "0 created, 1 updated, 1 unchanged" in out
    assert School.objects.get(cds_code="33671570000029").name == "Bravo Senior High"
    assert School.objects.get(cds_code="33671570000029").history.count() == 2  # audited


def test_several_bad_rows_are_each_reported_and_nothing_is_written(db, tmp_path):
    text = """cds_code,name,grade_low,grade_high
33671570000011,Alpha High School,09,12
3367157000001,Short Code High,09,12
33671570000037,,09,12
33671570000045,Upside Down High,12,09
33671570000011,Alpha Again,09,13
"""
    status, _, err = run("schools", write(tmp_path, text))
    assert status == 1
    lines = err.splitlines()
    assert "line 3, column cds_code: A CDS code is exactly 14 digits." in lines
    assert "line 4, column name: A value is required." in lines
    assert "line 5, column grade_high: The highest grade is below the lowest." in lines
    assert any(x.startswith("line 6, column grade_high: “13” is not one of") for x in lines)
    assert "line 6, column cds_code: Repeats line 2 (same key)." in lines
    assert "5 error(s)" in err and "nothing was written" in err
    assert not School.objects.exists()  # not even the good row on line 2


def test_unknown_and_missing_columns(db, tmp_path):
    text = "cds_code,name,grade_low,grade_hi,citizenship\n33671570000011,A,09,12,x\n"
    status, _, err = run("schools", write(tmp_path, text))
    assert status == 1
    assert "line 1, column grade_hi: Unknown column “grade_hi”." in err
    assert "line 1, column citizenship: Unknown column “citizenship”." in err
    assert "line 1, column grade_high: Missing column." in err
    assert not School.objects.exists()


def test_header_required_and_ragged_rows(db, tmp_path):
    assert "header row is required" in run("schools", write(tmp_path, ""))[2]
    text = "cds_code,name,grade_low,grade_high\n33671570000011,A,09\n"
    status, _, err = run("schools", write(tmp_path, text))
    assert status == 1 and "line 2, column grade_low: The row has 3 cells; the header has 4." in err


def test_not_utf8(db, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(SCHOOLS.replace("Alpha", "Álpha").encode("latin-1"))
    status, _, err = run("schools", str(path))
    assert status == 1 and "line 2, column -: The file is not UTF-8" in err


def test_dry_run_writes_nothing(db, tmp_path):
    status, out, _ = run("schools", write(tmp_path, SCHOOLS), "--dry-run")
    assert status == 0
    assert "would create 2" in out and "Nothing was written" in out
    assert not School.objects.exists()


def test_agencies_and_officers(db, tmp_path):
    assert run("agencies", write(tmp_path, "ori,name\nCA0331900,Valle Verde PD\n"))[0] == 0
    text = """agency_ori,badge_number,last_name,first_name,sworn
CA0331900,4127,Ramirez,Daniel,Y
CA0331900,CSO12,Park,Jordan,N
CA9999999,1,Nobody,No,Y
CA0331900,77,Lee,Sam,maybe
"""
    status, _, err = run("officers", write(tmp_path, text))
    assert status == 1
    assert "line 4, column agency_ori: No agency with ORI “CA9999999”." in err
    assert "line 5, column sworn: “maybe” is not one of: Y, N." in err
    status, out, _ = run("officers", write(tmp_path, "\n".join(text.splitlines()[:3]) + "\n"))
    assert status == 0 and "2 created" in out
    assert not Officer.objects.get(badge_number="CSO12").sworn
    assert Agency.objects.get().officers.count() == 2


ROSTER_HEADER = (
    "school_year,student_id,school_cds,last_name,first_name,birth_date,grade,gender,"
    "race_ethnicity,disability,english_learner,foster_youth,homeless,"
    "socioeconomically_disadvantaged\n"
)


@pytest.fixture
def school(db):
    return SchoolFactory(cds_code="33671570000011")


def test_roster_creates_students_and_enrollments(school, tmp_path):
    text = ROSTER_HEADER + (
        "2024-25,S1,33671570000011,Garcia,Ana,2009-05-01,09,F,hispanic,idea,Y,N,N,Y\n"
        "2025-26,S1,33671570000011,Garcia,Ana,2009-05-01,10,F,hispanic,idea,N,N,N,Y\n"
        "2025-26,S2,33671570000011,Smith,Bo,,11,M,white,none,N,N,N,N\n"
    )
    status, out, _ = run("roster", write(tmp_path, text))
    assert status == 0, out
    assert "5 created" in out  # 2 students, 3 enrollments
    assert Enrollment.objects.get(student__student_id="S1", school_year="2025-26").grade == "10"
    assert Student.objects.get(student_id="S2").birth_date is None
    status, out, _ = run("roster", write(tmp_path, text.replace(",10,F,", ",11,F,")))
    assert "0 created, 1 updated, 4 unchanged" in out


def test_roster_errors(school, tmp_path):
    text = ROSTER_HEADER + (
        "2025-27,S1,33671570000011,Garcia,Ana,2009-05-01,09,F,hispanic,idea,Y,N,N,Y\n"
        "2025-26,S2,33671570000099,Smith,Bo,05/01/2009,10,Q,martian,none,N,N,N,N\n"
        "2025-26,S3,33671570000011,Lee,Cy,,10,F,asian,none,N,N,N,N\n"
        "2025-26,S3,33671570000011,Lee,Cy,,11,F,asian,none,N,N,N,N\n"
    )
    status, _, err = run("roster", write(tmp_path, text))
    assert status == 1
    for expected in [
        "line 2, column school_year: “2025-27” is not a school year like 2025-26.",
        "line 3, column school_cds: No school with CDS code “33671570000099”.",
        "line 3, column birth_date: “05/01/2009” is not a date in the form 2025-09-30.",
        "line 3, column gender: “Q” is not one of: F, M, X.",
        "line 5, column student_id: Repeats line 4 (same key).",
    ]:
        assert expected in err
    assert "line 3, column race_ethnicity:" in err
    assert not Student.objects.exists()


INTERACTIONS_HEADER = (
    "external_id,occurred_at,school_cds,student_id,officer_badge,agency_ori,location,"
    "initiated_by,requested_by_role,reason,outcomes,force_types,injury,de_escalation,"
    "justification,narrative\n"
)


@pytest.fixture
def district(school):
    officer = OfficerFactory(agency=AgencyFactory(ori="CA0331900"), badge_number="4127")
    EnrollmentFactory(
        student__student_id="S1", school=school, school_year="2025-26", grade="10",
        race_ethnicity="african_american", disability="idea", gender="M",
    )
    EnrollmentFactory(student__student_id="S2", school=school, school_year="2024-25")
    return officer


def test_interactions_import_takes_the_snapshot_and_is_submitted(district, tmp_path):
    text = INTERACTIONS_HEADER + (
        "X-1,2025-10-14T10:30,33671570000011,S1,4127,CA0331900,campus,staff_referral,teacher,"
        'code_of_conduct,arrest;citation,handcuffed,none,Y,"Fight, teacher asked for help",'
        '"Two lines\nof narrative"\n'
        "X-2,2025-10-15T08:00:00-07:00,33671570000011,S1,4127,CA0331900,campus,sro_observed,,"
        "threat_to_safety,warning,,,N,,\n"
    )
    status, out, _ = run("interactions", write(tmp_path, text))
    assert status == 0, out
    first = Interaction.objects.get(external_id="X-1")
    assert first.status == "submitted"
    la = ZoneInfo("America/Los_Angeles")
    assert first.occurred_at == dt.datetime(2025, 10, 14, 10, 30, tzinfo=la)
    assert first.school_year == "2025-26"
    snapshot = (first.race_ethnicity, first.disability, first.grade)
    assert snapshot == ("african_american", "idea", "10")
    assert first.arrest and first.citation and first.use_of_force and first.outside_sro_role
    assert first.referral_to_law_enforcement and not first.gc12525_reportable
    assert first.de_escalation and first.narrative == "Two lines\nof narrative"
    assert first.history.count() == 1

    # Re-import: one row changed -> updated, its version bumped; the other unchanged.
    status, out, _ = run("interactions", write(tmp_path, text.replace("warning", "no_action")))
    assert "0 created, 1 updated, 1 unchanged" in out
    second = Interaction.objects.get(external_id="X-2")
    assert second.outcomes == ["no_action"] and second.version == 2


def test_interaction_errors_each_reported_nothing_written(district, tmp_path):
    OfficerFactory(badge_number="9999")  # another agency
    row = (
        "{id},{when},33671570000011,{student},{badge},CA0331900,campus,sro_observed,,"
        "{reason},{outcomes},{force},{injury},N,{just},{narr}\n"
    )
    ok = dict(id="E1", when="2025-10-14T10:30", student="S1", badge="4127",
              reason="threat_to_safety", outcomes="warning", force="", injury="", just="", narr="")
    rows = [
        ok,
        {**ok, "id": "E2", "badge": "9999"},  # officer of another agency
        {**ok, "id": "E3", "student": "S2"},  # roster row only for 2024-25
        {**ok, "id": "E4", "reason": "mental_health_crisis"},  # needs a justification
        {**ok, "id": "E5", "outcomes": "no_action;arrest"},
        {**ok, "id": "E6", "force": "physical_control"},  # force needs the injury
        {**ok, "id": "E7", "narr": '"Student is undocumented, per the officer"'},
        {**ok, "id": "E8", "narr": '"La madre dijo que no tiene papeles; estatus migratorio"'},
        {**ok, "id": "E9", "when": "14/10/2025 10:30"},
        {**ok, "id": "E1"},  # repeats line 2
    ]
    text = INTERACTIONS_HEADER + "".join(row.format(**r) for r in rows)
    status, _, err = run("interactions", write(tmp_path, text))
    assert status == 1
    assert "line 3, column officer_badge: No officer with badge “9999”" in err
    assert "line 4, column student_id: The student has no roster row for 2025-26" in err
    assert "line 5, column justification: This reason is outside the SRO role" in err
    assert "line 6, column outcomes:" in err
    assert "line 7, column injury:" in err
    assert "line 8, column narrative: Do not record citizenship or immigration status" in err
    assert "line 9, column narrative:" in err and "234.7" in err
    assert "line 10, column occurred_at:" in err
    assert "line 11, column external_id: Repeats line 2 (same key)." in err
    assert "line 2," not in err.replace("Repeats line 2", "")
    assert not Interaction.objects.exists()


def test_progress_goes_to_stderr_when_asked(school, tmp_path):
    text = ROSTER_HEADER + "".join(
        f"2025-26,S{n},33671570000011,Last{n},First,,10,F,hispanic,none,N,N,N,Y\n"
        for n in range(1200)
    )
    out, err = io.StringIO(), io.StringIO()
    call_command("import_csv", "roster", write(tmp_path, text), "--progress", stdout=out,
                 stderr=err)
    assert "checking roster: 100% (1200/1200)" in err.getvalue()
    assert "writing students: 100%" in err.getvalue()
    out, err = io.StringIO(), io.StringIO()
    call_command("import_csv", "roster", write(tmp_path, text), stdout=out, stderr=err)
    assert err.getvalue() == ""  # not a terminal, no --progress: quiet


def test_command_exits_with_status_1(tmp_path):
    path = write(tmp_path, "cds_code,name\n")
    proc = subprocess.run(
        [sys.executable, "manage.py", "import_csv", "schools", path, "--dry-run"],
        cwd=ROOT, capture_output=True, text=True,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 1
    assert "line 1, column grade_low: Missing column." in proc.stderr


def test_each_error_is_one_line_whatever_the_cell_holds(school, tmp_path):
    text = ROSTER_HEADER + '2025-26,S1,"33671570000011\nX",A,B,,10,F,"his\tpanic",none,N,N,N,N\n'
    status, _, err = run("roster", write(tmp_path, text))
    assert status == 1
    assert "line 2, column school_cds: No school with CDS code “33671570000011\\nX”." in err
    assert "line 2, column race_ethnicity: “his\\tpanic” is not one of" in err
    header = "cds_code,name,grade_low,grade_high,a:b\n33671570000011,A,09,12,x\n"
    assert "line 1, column #5: Unknown column “a:b”." in run("schools", write(tmp_path, header))[2]


def test_nul_characters_are_refused(db, tmp_path):
    status, _, err = run("agencies", write(tmp_path, "ori,name\nCA\x000331900,X\n"))
    assert status == 1 and "line 2, column ori: The cell contains a NUL character" in err
