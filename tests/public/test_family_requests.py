"""Families' requests for the disclosure record: the public form (protected against abuse,
same answer whatever the student), the custodian's identity check and the answer as a PDF
in the family's language, itself logged."""

from __future__ import annotations

import datetime as dt
import subprocess
import time

import pytest
from django.core import mail, signing
from django.urls import reverse

from interactions.models import DisclosureLogEntry, FamilyRecordRequest, Student
from public.forms import SIGNER_SALT
from tests.factories import StudentFactory


@pytest.fixture(autouse=True)
def _no_wait(settings):
    settings.PUBLIC_FORM_MIN_SECONDS = 0


def _form(school_obj, **overrides):
    data = {
        "requester_name": "María López", "relationship": "parent",
        "student_name": "Ana López", "student_birth_date": "2010-03-04",
        "school": str(school_obj.pk), "contact": "555-0100", "website": "",
        "stamp": signing.dumps({"t": time.time() - 10}, salt=SIGNER_SALT),
    }
    data.update(overrides)
    return data


def test_a_family_files_a_request_in_spanish(client, school_a):
    page = client.get(reverse("public:family_request"), HTTP_ACCEPT_LANGUAGE="es")
    html = page.content.decode()
    assert "verificar su identidad" in html and "Su nombre completo" in html
    response = client.post(reverse("public:family_request"), _form(school_a),
                           HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 302
    assert response["Location"] == reverse("public:family_request_sent")
    request = FamilyRecordRequest.objects.get()
    assert request.status == "pending" and request.language == "es"
    assert request.student is None  # the form never looks a student up
    assert request.requester_name == "María López"


def test_same_answer_whether_or_not_the_student_exists(client, school_a):
    student = StudentFactory(first_name="Ana", last_name="López",
                             birth_date=dt.date(2010, 3, 4))
    real = client.post(reverse("public:family_request"), _form(school_a))
    fake = client.post(reverse("public:family_request"),
                       _form(school_a, student_name="Nobody Here", student_birth_date="2011-01-01"))
    assert (real.status_code, real["Location"]) == (fake.status_code, fake["Location"])
    sent = client.get(real["Location"]).content
    assert student.student_id.encode() not in sent and b"Ana" not in sent
    assert FamilyRecordRequest.objects.count() == 2


def test_honeypot_too_fast_and_tampered_posts_store_nothing(client, school_a, settings):
    robot = client.post(reverse("public:family_request"), _form(school_a, website="http://x"))
    assert robot.status_code == 302  # the same answer, so a robot learns nothing
    settings.PUBLIC_FORM_MIN_SECONDS = 3
    fast = client.post(reverse("public:family_request"), _form(
        school_a, stamp=signing.dumps({"t": time.time()}, salt=SIGNER_SALT)))
    assert fast.status_code == 400 and b"sent too quickly" in fast.content
    tampered = client.post(reverse("public:family_request"), _form(school_a, stamp="abc"))
    assert tampered.status_code == 400 and b"could not be read" in tampered.content
    assert FamilyRecordRequest.objects.count() == 0


def test_malformed_and_oversized_posts_get_a_clear_error_and_store_nothing(client, school_a):
    bad = client.post(reverse("public:family_request"),
                      _form(school_a, student_birth_date="2010-13-45", school="999999",
                            relationship="neighbour"))
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "Enter the date of birth as year-month-day" in html
    assert "Choose the school from the list." in html
    assert "Choose your relationship to the student." in html
    assert "Student&#x27;s date of birth" in html  # the error names the field
    huge = client.post(reverse("public:family_request"),
                       _form(school_a, contact="x" * 20_000))
    assert huge.status_code == 413 and b"too large" in huge.content
    long_name = client.post(reverse("public:family_request"),
                            _form(school_a, requester_name="y" * 300))
    assert long_name.status_code == 400
    assert FamilyRecordRequest.objects.count() == 0


def test_a_flood_of_posts_from_one_client_is_throttled(client, school_a, settings):
    settings.PUBLIC_FORM_RATE_LIMIT = (3, 3600)
    statuses = [client.post(reverse("public:family_request"), _form(school_a),
                            REMOTE_ADDR="127.0.0.9").status_code for _ in range(8)]
    assert statuses == [302] * 3 + [429] * 5
    assert FamilyRecordRequest.objects.count() == 3


def test_custodian_is_emailed_only_when_email_is_configured(client, school_a, settings,
                                                           django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("public:family_request"), _form(school_a))
    assert len(mail.outbox) == 0  # no custodian address configured
    settings.RECORDS_CUSTODIAN_EMAIL = "records@district.example"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("public:family_request"), _form(school_a))
    assert len(mail.outbox) == 1
    assert "Ana" not in mail.outbox[0].body  # no student data in the mail


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "answer.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_custodian_verifies_and_fulfils_in_the_family_language(
    client, as_user, custodian, staff_a, school_a, tmp_path
):
    student = StudentFactory(first_name="Ana", last_name="López")
    client.post(reverse("public:family_request"), _form(school_a), HTTP_ACCEPT_LANGUAGE="es")
    family_request = FamilyRecordRequest.objects.get()
    detail = reverse("interactions:family_request_detail", args=[family_request.pk])
    fulfil = reverse("interactions:family_request_fulfil", args=[family_request.pk])

    assert as_user(staff_a).get(detail).status_code == 403
    assert as_user(staff_a).post(fulfil).status_code == 403

    custodian_client = as_user(custodian)
    # Not before identity is verified.
    early = custodian_client.post(fulfil)
    assert early.status_code == 302
    assert DisclosureLogEntry.objects.count() == 0
    bad = custodian_client.post(detail, {"action": "verify", "student_id": "nope",
                                         "identity_method": "in_person",
                                         "identity_verified_on": "2026-01-05"})
    assert bad.status_code == 400 and b"No student has this ID" in bad.content
    ok = custodian_client.post(detail, {"action": "verify", "student_id": student.student_id,
                                        "identity_method": "in_person",
                                        "identity_verified_on": "2026-01-05"})
    assert ok.status_code == 302
    family_request.refresh_from_db()
    assert family_request.status == "verified"
    assert family_request.identity_method == "in_person"
    assert family_request.identity_verified_on == dt.date(2026, 1, 5)
    assert family_request.verified_by == custodian

    answer = custodian_client.post(fulfil)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    text = _pdf_text(answer.content, tmp_path)
    assert "Registro de divulgaciones" in text and "Página" in text
    assert "Disclosure log" not in text
    family_request.refresh_from_db()
    assert family_request.status == "fulfilled" and family_request.fulfilled_by == custodian
    entry = DisclosureLogEntry.objects.get(student=student)
    assert entry.kind == "disclosure" and "María López" in entry.requester
    assert f"#{family_request.pk}" in entry.records
    assert Student.objects.count() == 1
