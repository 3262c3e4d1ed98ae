"""The demo district carries the cases of the authorization core: a student who transferred
between two schools with a record-access request at the new school, and seeded records with
their first history row, as records made through the application have."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from interactions.demo import TRANSFER_STUDENT_ID, school_years
from interactions.models import Enrollment, Interaction, RecordAccessRequest, Student
from sro_program.models import StaffTraining

PREVIOUS, CURRENT = school_years(2)


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--force", students=200, seed=11, stdout=io.StringIO())


def test_transferred_student_and_request_at_the_new_school(demo, client):
    student = Student.objects.get(student_id=TRANSFER_STUDENT_ID)
    enrollments = list(student.enrollments.order_by("school_year").values_list(
        "school_year", "school__name"))
    assert [y for y, _ in enrollments] == [PREVIOUS, CURRENT]
    old_school, new_school = enrollments[0][1], enrollments[1][1]
    assert old_school != new_school
    request = RecordAccessRequest.objects.get(student=student)
    assert request.school.name == new_school
    users = get_user_model().objects
    log = reverse("interactions:disclosure_log", args=[student.student_id])
    # The old school's site administrator sees the student, not the new school's request.
    client.force_login(users.get(username="site.admin"))
    page = client.get(log)
    assert page.status_code == 200
    assert request.records_requested not in page.content.decode()
    client.force_login(users.get(username="custodian"))
    assert request.records_requested in client.get(log).content.decode()
    client.force_login(users.get(username="staff2"))
    detail = client.get(reverse("interactions:record_access_detail", args=[request.pk]))
    assert detail.status_code == 200


@pytest.mark.parametrize("model", [Student, Enrollment, Interaction, StaffTraining])
def test_seeded_records_have_their_first_history_row(demo, model):
    total = model.objects.count()
    assert total > 0
    first_rows = model.history.filter(history_type="+")
    assert first_rows.values("id").distinct().count() == total
    assert first_rows.count() == total
