"""Admin makes assignments through the service: the same rules, the same override."""

import datetime as dt

import pytest
from django.urls import reverse

from sro_program.models import Assignment, PresentationRequest
from tests.factories import OfficerFactory

from .conftest import train

ADD = reverse("admin:sro_program_assignment_add")


def post_data(officer, school, mou, hours, **extra):
    data = {
        "officer": officer.pk,
        "school": school.pk,
        "mou": mou.pk,
        "start_date": "2024-08-01",
        "end_date": "",
        "kind": "regular",
        "covers": "",
        "duty_hours-TOTAL_FORMS": len(hours),
        "duty_hours-INITIAL_FORMS": 0,
        "duty_hours-MIN_NUM_FORMS": 1,
        "duty_hours-MAX_NUM_FORMS": 1000,
    }
    for i, (weekday, start, end) in enumerate(hours):
        data.update(
            {
                f"duty_hours-{i}-weekday": weekday,
                f"duty_hours-{i}-start": start,
                f"duty_hours-{i}-end": end,
            }
        )
    data.update(extra)
    return data


def test_admin_creates_a_valid_assignment(as_user, district_admin, officer, school_a, mou):
    response = as_user(district_admin).post(
        ADD, post_data(officer, school_a, mou, [(0, "07:30", "15:30"), (1, "07:30", "15:30")])
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    a = Assignment.objects.get()
    assert a.weekly_hours == 16 and a.history.count() == 1


def test_admin_refuses_what_the_service_refuses(
    as_user, district_admin, officer, school_a, school_b, mou, agency
):
    client = as_user(district_admin)
    client.post(ADD, post_data(officer, school_a, mou, [(0, "08:00", "12:00")]))
    # Overlapping hours at another school: shown on the inline.
    response = client.post(ADD, post_data(officer, school_b, mou, [(0, "11:00", "13:00")]))
    assert response.status_code == 200
    assert "already on duty at Alpha High School" in response.content.decode()
    # Unsworn officer: shown at the officer field.
    cso = train(OfficerFactory(agency=agency, sworn=False))
    response = client.post(ADD, post_data(cso, school_b, mou, [(1, "08:00", "12:00")]))
    assert "not a sworn peace officer" in str(response.context["adminform"].form.errors["officer"])
    assert Assignment.objects.count() == 1


def test_admin_override_by_district_admin_is_recorded_and_listed(
    as_user, district_admin, agency, school_a, mou
):
    gap = train(OfficerFactory(agency=agency, last_name="Gapp"), "school_policing")
    client = as_user(district_admin)
    response = client.post(ADD, post_data(gap, school_a, mou, [(0, "08:00", "12:00")]))
    assert response.status_code == 200
    assert "Agency use-of-force policy" in str(
        response.context["adminform"].form.errors["override_reason"]
    )
    response = client.post(
        ADD,
        post_data(
            gap, school_a, mou, [(0, "08:00", "12:00")], override_reason="Course full until October"
        ),
    )
    assert response.status_code == 302
    a = Assignment.objects.get()
    assert a.override_by == district_admin
    listing = client.get(reverse("admin:sro_program_assignment_changelist"))
    assert "Course full until October (dadmin)" in listing.content.decode()


def test_override_reason_is_read_only_without_the_permission(
    as_user, district_admin, agency, school_a, mou
):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="sro_program",
            codename__in=[
                "add_assignment",
                "view_assignment",
                "add_dutyhours",
                "view_school",
                "view_all_schools",
                "view_officer",
            ],
        )
    )
    page = as_user(clerk).get(ADD)
    assert "override_reason" not in page.context["adminform"].form.fields
    gap = train(OfficerFactory(agency=agency), "school_policing")
    response = as_user(clerk).post(
        ADD, post_data(gap, school_a, mou, [(0, "08:00", "12:00")], override_reason="sneaky")
    )
    assert response.status_code == 200 and not Assignment.objects.exists()


def test_site_admin_sees_only_own_school_assignments_in_admin(
    as_user, site_admin_a, officer, officer2, school_a, school_b, mou
):
    from .test_selectors import FULL, assign

    site_admin_a.is_staff = True
    site_admin_a.save()
    assign(officer, school_a, mou, FULL)
    other = assign(officer2, school_b, mou, FULL)
    client = as_user(site_admin_a)
    listing = client.get(reverse("admin:sro_program_assignment_changelist"))
    assert listing.status_code == 200
    assert "Alpha High School" in listing.content.decode()
    assert "Bravo High School" not in listing.content.decode()
    change = reverse("admin:sro_program_assignment_change", args=[other.pk])
    assert client.get(change).status_code in (302, 404)


@pytest.mark.parametrize(
    "model",
    ["trainingtopic", "officertraining", "stafftraining", "presentationrequest", "assignment"],
)
def test_admin_lists_render(as_user, district_admin, model):
    assert (
        as_user(district_admin).get(reverse(f"admin:sro_program_{model}_changelist")).status_code
        == 200
    )


def test_presentation_requests_are_read_only_in_admin(as_user, district_admin):
    assert (
        as_user(district_admin)
        .get(reverse("admin:sro_program_presentationrequest_add"))
        .status_code
        == 403
    )
    assert not PresentationRequest.objects.exists()


def test_training_evidence_must_be_pdf_png_or_jpeg(officer):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mous.pdf import simple_pdf
    from sro_program.validators import validate_training_evidence
    from tests.test_uploads import GOOD_JPEG, GOOD_PNG

    validate_training_evidence(SimpleUploadedFile("c.pdf", simple_pdf(["Certificate"])))
    validate_training_evidence(SimpleUploadedFile("c.png", GOOD_PNG))
    validate_training_evidence(SimpleUploadedFile("c.jpg", GOOD_JPEG))
    with pytest.raises(ValidationError, match="not a PDF, PNG or JPEG"):
        validate_training_evidence(SimpleUploadedFile("c.pdf", b"MZ\x90\x00 not a pdf"))


def test_training_evidence_size_limit(settings):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sro_program.validators import validate_training_evidence

    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="limit"):
        validate_training_evidence(SimpleUploadedFile("c.pdf", b"%PDF-" + b"x" * 20))


def test_expiry_is_computed_from_the_renewal_period(officer):
    record = officer.trainings.get(topic__code="use_of_force_policy")
    assert record.completed_on == dt.date(2024, 6, 1) and record.expires_on == dt.date(2025, 6, 1)


def test_admin_change_goes_through_the_service(
    as_user, district_admin, officer, school_a, school_b, mou
):
    from .test_selectors import assign

    assign(officer, school_b, mou, [(0, dt.time(12), dt.time(16))])
    a = assign(officer, school_a, mou, [(0, dt.time(8), dt.time(12))])
    duty = a.duty_hours.get()
    url = reverse("admin:sro_program_assignment_change", args=[a.pk])
    data = post_data(officer, school_a, mou, [(0, "08:00", "13:00")], end_date="2025-06-30")
    data.update(
        {"duty_hours-INITIAL_FORMS": 1, "duty_hours-0-id": duty.pk, "duty_hours-0-assignment": a.pk}
    )
    client = as_user(district_admin)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "already on duty at Bravo High School" in response.content.decode()
    data["duty_hours-0-end"] = "12:00"
    data["duty_hours-TOTAL_FORMS"] = 2
    data.update(
        {"duty_hours-1-weekday": 2, "duty_hours-1-start": "08:00", "duty_hours-1-end": "10:00"}
    )
    response = client.post(url, data)
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.end_date == dt.date(2025, 6, 30) and a.weekly_hours == 6
