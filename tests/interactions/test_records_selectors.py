from interactions.selectors import student_for_user, students_for_user
from tests.factories import EnrollmentFactory, StudentFactory


def test_student_search_is_scoped_and_ranks_exact_id_first(db, staff_a, school_a, school_b):
    ana = StudentFactory(student_id="S1234", last_name="Garcia", first_name="Ana")
    other = StudentFactory(student_id="S12345", last_name="Aaron", first_name="Zed")
    hidden = StudentFactory(student_id="S1239", last_name="Garcia", first_name="Anabel")
    EnrollmentFactory(student=ana, school=school_a)
    EnrollmentFactory(student=other, school=school_a)
    EnrollmentFactory(student=hidden, school=school_b)

    assert students_for_user(staff_a, "S1234") == [ana, other]
    assert students_for_user(staff_a, "123") == [other, ana]  # by name when not a prefix
    assert students_for_user(staff_a, "garcia an") == [ana]
    assert students_for_user(staff_a, "  ") == []
    assert students_for_user(staff_a, "S12", limit=1) == [other]  # prefixes by name
    assert student_for_user(staff_a, "S1239") is None
    assert student_for_user(staff_a, " S1234 ") == ana
