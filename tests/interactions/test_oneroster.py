"""`manage.py import_oneroster`: the sample bundles of docs/samples/oneroster, a changed bundle
(a transfer, a new student, a withdrawal), and malformed bundles that each write nothing."""

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from interactions.models import Enrollment, Student
from interactions.oneroster import race_ethnicity
from reports.selectors import board_report, system_user
from sro_program import roles
from sro_program.models import School, SchoolMembership
from tests.factories import EnrollmentFactory, SchoolFactory, StudentFactory

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples" / "oneroster"
BUNDLE = SAMPLES / "bundle-2025-26"
CHANGED = SAMPLES / "bundle-2025-26-changed"
SUPPLEMENT = SAMPLES / "supplement.csv"
LINCOLN, ROOSEVELT, VISTA = "43694274330001", "43694274330019", "43694276046544"


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_oneroster", *map(str, args), stdout=out, stderr=err)
    except CommandError as exc:
        return 1, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


def copy(tmp_path, source=BUNDLE) -> Path:
    target = tmp_path / "bundle"
    shutil.copytree(source, target)
    return target


def edit(bundle: Path, name: str, old: str, new: str) -> None:
    path = bundle / name
    text = path.read_text()
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1))


def snapshot():
    return (
        sorted(School.objects.values_list("cds_code", "name")),
        sorted(Student.objects.values_list("student_id", "last_name", "birth_date")),
        sorted(Enrollment.objects.values_list(
            "student__student_id", "school_year", "school__cds_code", *Enrollment.DEMOGRAPHIC_FIELDS
        )),
        sorted(get_user_model().objects.values_list("username", flat=True)),
    )


def enrollment_of(student_id, year="2025-26"):
    return Enrollment.objects.select_related("school").get(
        student__student_id=student_id, school_year=year)


def test_sample_bundle_imports_with_the_mapping_of_docs(db):
    status, out, err = run(BUNDLE)
    assert status == 0, err
    assert "schools: 3 created, 0 updated, 0 unchanged" in out
    assert "students: 12 created, 0 updated, 0 unchanged" in out
    assert "enrollments 2025-26: 12 created, 0 updated, 0 unchanged, 0 removed" in out
    assert "3 teachers and administrators ignored" in out
    assert "12 new ones take the defaults" in out  # the preview names what OneRoster lacks

    assert School.objects.get(cds_code=LINCOLN).name == "Lincoln High School"
    vista = School.objects.get(cds_code=VISTA)
    assert (vista.grade_low, vista.grade_high) == ("07", "08")  # from its students' grades
    maria = enrollment_of("100001")
    # Hispanic takes precedence over the race flag (white).
    assert (maria.school.cds_code, maria.grade, maria.gender, maria.race_ethnicity) == (
        LINCOLN, "09", "F", "hispanic")
    assert Student.objects.get(student_id="100001").birth_date.isoformat() == "2010-03-14"
    assert enrollment_of("100002").race_ethnicity == "asian"
    assert enrollment_of("100003").race_ethnicity == "african_american"
    assert enrollment_of("100006").race_ethnicity == "pacific_islander"
    assert enrollment_of("100007").race_ethnicity == "american_indian_alaska_native"
    assert enrollment_of("100008").race_ethnicity == "two_or_more"  # two flags
    assert enrollment_of("100009").race_ethnicity == "two_or_more"  # the flag itself
    assert enrollment_of("100012").race_ethnicity == "not_reported"  # nothing marked
    assert enrollment_of("100011").race_ethnicity == "hispanic"
    assert enrollment_of("100004").disability == "none"  # OneRoster has no disability field
    assert not get_user_model().objects.exists()  # staff ignored without --with-staff


def test_reimporting_the_same_bundle_changes_nothing_and_says_so(db):
    assert run(BUNDLE)[0] == 0
    before = snapshot()
    history = Enrollment.history.count() + Student.history.count() + School.history.count()
    status, out, _ = run(BUNDLE)
    assert status == 0
    assert "Nothing changed: the bundle matches what is stored." in out
    assert "students: 0 created, 0 updated, 12 unchanged" in out
    assert snapshot() == before
    assert history == (
        Enrollment.history.count() + Student.history.count() + School.history.count())


def test_a_zip_bundle_imports_like_the_directory(db, tmp_path):
    archive = tmp_path / "oneroster.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in BUNDLE.iterdir():
            zf.write(path, path.name)
    status, out, err = run(archive)
    assert status == 0, err
    assert Enrollment.objects.filter(school_year="2025-26").count() == 12


def test_dry_run_previews_and_writes_nothing(db):
    status, out, _ = run(BUNDLE, "--dry-run")
    assert status == 0
    assert "Dry run" in out and "students: 12 created" in out
    assert snapshot() == ([], [], [], [])


def test_fields_oneroster_lacks_keep_stored_values_or_come_from_the_supplement(db):
    school = SchoolFactory(cds_code=LINCOLN, name="Lincoln HS (old name)")
    student = StudentFactory(student_id="100004", last_name="Miller", first_name="Ethan")
    EnrollmentFactory(student=student, school=school, school_year="2025-26", grade="09",
                      gender="M", race_ethnicity="white", disability="504", english_learner="Y",
                      homeless="Y")
    status, out, err = run(BUNDLE, "--supplement", SUPPLEMENT)
    assert status == 0, err
    assert "2 enrollments from the supplementary CSV, 1 keep the values already stored, " \
           "9 new ones take the defaults" in out
    ethan = enrollment_of("100004")
    assert (ethan.disability, ethan.english_learner, ethan.homeless) == ("504", "Y", "Y")
    james = enrollment_of("100002")
    assert (james.english_learner, james.socioeconomically_disadvantaged) == ("Y", "Y")
    kai = enrollment_of("100006")
    assert (kai.disability, kai.homeless) == ("idea", "Y")
    assert School.objects.get(cds_code=LINCOLN).name == "Lincoln High School"


def test_changed_bundle_transfer_new_student_and_withdrawal(db):
    assert run(BUNDLE)[0] == 0
    before = board_report(user=system_user(), school_year="2025-26", unsuppressed=True)

    status, out, err = run(CHANGED)
    assert status == 0, err
    assert "schools: 0 created, 0 updated, 3 unchanged" in out
    assert "students: 1 created, 0 updated, 11 unchanged" in out
    assert "enrollments 2025-26: 1 created, 1 updated, 10 unchanged, 1 removed" in out

    # The transfer: the latest enrollment (from 2026-01-20) names the school.
    assert enrollment_of("100003").school.cds_code == ROOSEVELT
    # The withdrawn student is kept, without an enrollment for the year.
    assert Student.objects.filter(student_id="100007").exists()
    assert not Enrollment.objects.filter(student__student_id="100007").exists()
    assert enrollment_of("100013").school.cds_code == VISTA

    after = board_report(user=system_user(), school_year="2025-26", unsuppressed=True)

    def enrolled(report, cds):
        return next(r["enrollment"] for r in report["schools"]
                    if r["school"] == cds and r["measure"] == "contact")

    assert (enrolled(before, LINCOLN), enrolled(after, LINCOLN)) == (4, 3)
    # Roosevelt gains the transfer and loses the withdrawn student.
    assert (enrolled(before, ROOSEVELT), enrolled(after, ROOSEVELT)) == (4, 4)
    assert (enrolled(before, VISTA), enrolled(after, VISTA)) == (4, 5)

    assert "Nothing changed" in run(CHANGED)[1]


def test_with_staff_creates_inactive_staff_accounts_bound_to_their_school(db):
    status, out, err = run(BUNDLE, "--with-staff")
    assert status == 0, err
    assert "staff accounts (inactive): 3 created" in out
    user = get_user_model().objects.get(username="dkim")
    assert not user.is_active and not user.has_usable_password()
    assert user.email == "dkim@vvusd.example.org"
    assert list(user.groups.values_list("name", flat=True)) == [roles.STAFF]
    assert list(SchoolMembership.objects.filter(user=user)
                .values_list("school__cds_code", flat=True)) == [ROOSEVELT]
    assert not get_user_model().objects.filter(email__contains="example.com").exists()  # guardian
    assert "0 created, 3 already present" in run(BUNDLE, "--with-staff")[1]


def test_race_rule():
    none = dict.fromkeys(["americanIndianOrAlaskaNative", "asian", "blackOrAfricanAmerican",
                          "nativeHawaiianOrOtherPacificIslander", "white",
                          "demographicRaceTwoOrMoreRaces"])
    assert race_ethnicity({**none, "asian": True, "white": True}, True) == "hispanic"
    assert race_ethnicity({**none, "asian": True, "white": True}, False) == "two_or_more"
    assert race_ethnicity({**none, "white": True}, None) == "white"
    assert race_ethnicity({**none, "white": False}, False) == "not_reported"


def _missing(b):
    (b / "enrollments.csv").unlink()


def _wrong_header(b):
    edit(b, "users.csv", "givenName,familyName", "firstName,familyName")


def _duplicate(b):
    text = (b / "users.csv").read_text().splitlines()
    (b / "users.csv").write_text("\n".join([*text, text[3].replace("Aaliyah", "Ally")]) + "\n")


def _org_missing(b):
    edit(b, "enrollments.csv", ",org-rhs,u-1005,", ",org-xhs,u-1005,")


def _date_out_of_range(b):
    edit(b, "enrollments.csv", "e-u-1002-cl-lhs-eng9,active,2025-06-30T08:00:00.000Z,cl-lhs-eng9,"
                               "org-lhs,u-1002,student,false,2025-08-13",
         "e-u-1002-cl-lhs-eng9,active,2025-06-30T08:00:00.000Z,cl-lhs-eng9,"
         "org-lhs,u-1002,student,false,2027-08-13")


def _session_dates(b):
    edit(b, "academicSessions.csv", "Fall Semester 2025,semester,2025-08-13,2025-12-19",
         "Fall Semester 2025,semester,2025-08-13,2025-02-19")


def _unknown_sex(b):
    edit(b, "demographics.csv", "2010-07-02,male", "2010-07-02,M")


def _unknown_grade(b):
    edit(b, "users.csv", ",,,09,\nu-1003", ",,,PK,\nu-1003")


def _unknown_flag(b):
    edit(b, "demographics.csv", "2011-02-11,female,,true", "2011-02-11,female,,yes")


def _bad_cds(b):
    edit(b, "orgs.csv", "school,43694276046544", "school,VMS-01")


MALFORMED = {
    "missing file": (_missing, "enrollments.csv line -, column -: The file is missing"),
    "wrong header": (_wrong_header, "users.csv line 1, column firstName: Unknown column"),
    "duplicate sourcedId": (
        _duplicate, "users.csv line 18, column sourcedId: Duplicate sourcedId “u-1003”: also on "
                    "line 4."),
    "org referenced but missing": (
        _org_missing, "enrollments.csv line 9, column schoolSourcedId: No org with sourcedId "
                      "“org-xhs” in orgs.csv."),
    "enrollment date out of range": (
        _date_out_of_range, "enrollments.csv line 4, column beginDate: 2027-08-13 is outside "
                            "school year 2025-26 (2025-07-01 to 2026-06-30)."),
    "session ends before it starts": (
        _session_dates, "academicSessions.csv line 3, column endDate: 2025-02-19 is outside "
                        "school year 2025-26"),
    "unknown sex code": (_unknown_sex, "demographics.csv line 3, column sex: “M” is not a "
                                       "OneRoster 1.1 sex"),
    "unknown grade": (_unknown_grade, "users.csv line 3, column grades: “PK” is not a grade the "
                                      "program serves"),
    "unknown race flag value": (
        _unknown_flag, "demographics.csv line 10, column asian: “yes” is not true, false or "
                       "empty."),
    "identifier not a CDS code": (
        _bad_cds, "orgs.csv line 5, column identifier: “VMS-01” is not a CDS code"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_bundle_gives_its_error_and_writes_nothing(db, tmp_path, case):
    break_it, message = MALFORMED[case]
    bundle = copy(tmp_path, CHANGED)
    break_it(bundle)
    assert run(BUNDLE)[0] == 0
    before = snapshot()
    status, out, err = run(bundle)
    assert status == 1
    assert message in err, err
    assert "nothing was written" in err
    assert snapshot() == before


def test_new_student_without_sex_is_refused_not_guessed(db, tmp_path):
    bundle = copy(tmp_path)
    edit(bundle, "demographics.csv", "2010-07-02,male", "2010-07-02,")
    status, _, err = run(bundle)
    assert status == 1
    assert "users.csv line 3, column sourcedId: Student “100002” has no sex" in err
    assert not Student.objects.exists()


def test_a_bundle_with_several_years_needs_school_year(db, tmp_path):
    bundle = copy(tmp_path)
    with (bundle / "academicSessions.csv").open("a") as fh:
        fh.write("as-2027,active,2026-06-30T08:00:00.000Z,2026-27 School Year,schoolYear,"
                 "2026-08-12,2027-06-04,,2027\n")
    status, _, err = run(bundle)
    assert status == 1 and "choose one with --school-year" in err
    status, out, err = run(bundle, "--school-year", "2025-26")
    assert status == 0, err
    status, _, err = run(bundle, "--school-year", "2030-31")
    assert status == 1 and "No academic session for 2030-31" in err



def _windows(data: bytes) -> bytes:
    return b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")


def test_bom_and_crlf_exports_import_like_plain_ones(db, tmp_path):
    """Windows SIS exports often carry a byte-order mark and CRLF line endings (RFC 4180):
    they import exactly as the plain bundle does, and a second import changes nothing."""
    windows = copy(tmp_path)
    for csv_file in windows.glob("*.csv"):
        csv_file.write_bytes(_windows(csv_file.read_bytes()))
    status, out, err = run(windows)
    assert status == 0, err
    assert "students: 12 created, 0 updated, 0 unchanged" in out
    assert enrollment_of("100001").race_ethnicity == "hispanic"
    # The plain bundle finds everything already as the Windows export left it.
    assert "Nothing changed" in run(BUNDLE)[1]
