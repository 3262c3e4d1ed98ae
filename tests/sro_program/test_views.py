"""Presentation pages and the compliance page: scoping and permissions, persona by persona."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from sro_program.models import PresentationDecision, PresentationRequest

from .test_selectors import FULL, assign

LIST = reverse("sro_program:presentation_list")
NEW = reverse("sro_program:presentation_create")
COMPLIANCE = reverse("sro_program:compliance")


def decide_url(p) -> str:
    return reverse("sro_program:presentation_decide", args=[p.pk])


@pytest.fixture
def assignments(officer, officer2, school_a, school_b, mou):
    return assign(officer, school_a, mou, FULL), assign(officer2, school_b, mou, FULL)


@pytest.fixture
def request_a(assignments, officer, school_a, site_admin_a):
    return PresentationRequest.objects.create(
        school=school_a,
        officer=officer,
        topic="Online safety",
        audience="classroom",
        date=timezone.localdate() + dt.timedelta(days=20),
        requested_by=site_admin_a,
    )


@pytest.fixture
def request_b(assignments, officer2, school_b):
    return PresentationRequest.objects.create(
        school=school_b,
        officer=officer2,
        topic="Bravo parents night",
        audience="parent",
        date=timezone.localdate() + dt.timedelta(days=20),
    )


def test_anonymous_is_sent_to_sign_in(client, db):
    for url in (LIST, NEW, COMPLIANCE, "/program/presentations/1/decide/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_site_admin_lists_only_own_school(as_user, site_admin_a, request_a, request_b):
    response = as_user(site_admin_a).get(LIST)
    assert response.status_code == 200
    assert b"Online safety" in response.content and b"Bravo parents night" not in response.content
    assert b"Request a presentation" in response.content
    assert b"Decide" not in response.content


def test_superintendent_sees_all_and_may_decide(as_user, superintendent, request_a, request_b):
    response = as_user(superintendent).get(LIST)
    assert b"Online safety" in response.content and b"Bravo parents night" in response.content
    assert decide_url(request_a).encode() in response.content


@pytest.mark.parametrize("persona", ["staff_a", "sro_user", "board_member", "custodian"])
def test_roles_without_the_permission_get_403(as_user, request, persona, request_a):
    client = as_user(request.getfixturevalue(persona))
    assert client.get(LIST).status_code == 403
    assert client.get(NEW).status_code == 403
    assert client.get(COMPLIANCE).status_code == 403


def test_decide_page_403_for_viewer_404_for_another_school(
    as_user, site_admin_a, request_a, request_b
):
    client = as_user(site_admin_a)
    assert client.get(decide_url(request_a)).status_code == 403
    assert client.post(decide_url(request_a), {"decision": "approved"}).status_code == 403
    assert client.get(decide_url(request_b)).status_code == 404
    assert PresentationRequest.objects.get(pk=request_a.pk).status == "pending"


def test_site_admin_requests_a_presentation(as_user, site_admin_a, assignments, school_a, officer):
    client = as_user(site_admin_a)
    page = client.get(NEW)
    assert page.status_code == 200
    # Only the user's schools, and only officers assigned there, are offered.
    assert page.context["form"].fields["school"].queryset.get() == school_a
    assert list(page.context["form"].fields["officer"].queryset) == [officer]
    day = timezone.localdate() + dt.timedelta(days=10)
    response = client.post(
        NEW,
        {
            "school": school_a.pk,
            "officer": officer.pk,
            "audience": "parent",
            "topic": "Vaping",
            "date": day,
        },
    )
    assert response.status_code == 302
    made = PresentationRequest.objects.get()
    assert (made.school, made.status, made.requested_by) == (school_a, "pending", site_admin_a)


def test_request_for_another_school_is_refused(
    as_user, site_admin_a, assignments, school_b, officer2
):
    day = timezone.localdate() + dt.timedelta(days=10)
    response = as_user(site_admin_a).post(
        NEW,
        {
            "school": school_b.pk,
            "officer": officer2.pk,
            "audience": "parent",
            "topic": "x",
            "date": day,
        },
    )
    assert response.status_code == 200 and not PresentationRequest.objects.exists()
    assert response.context["form"].errors["school"]


def test_superintendent_approves_and_declines(as_user, superintendent, request_a, request_b):
    client = as_user(superintendent)
    assert client.get(decide_url(request_a)).status_code == 200
    response = client.post(decide_url(request_a), {"decision": "approved", "note": "Fine"})
    assert response.status_code == 302
    response = client.post(decide_url(request_b), {"decision": "declined", "note": ""})
    assert response.status_code == 200 and "note" in response.context["form"].errors
    client.post(decide_url(request_b), {"decision": "declined", "note": "Use the nurse"})
    assert dict(PresentationRequest.objects.values_list("topic", "status")) == {
        "Online safety": "approved",
        "Bravo parents night": "declined",
    }
    assert PresentationDecision.objects.filter(decided_by=superintendent).count() == 2


def test_compliance_page_scoped_with_rules_and_override(
    as_user, site_admin_a, district_admin, assignments, school_a, school_b
):
    a, _ = assignments
    a.override_reason = "Course full until October"
    a.save()
    response = as_user(site_admin_a).get(COMPLIANCE, {"on": "2025-09-15"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Alpha High School" in body and "Bravo High School" not in body
    assert "Course full until October" in body
    assert "Prior to beginning their assignment when possible" in body
    assert "duly sworn peace officers" in body
    response = as_user(district_admin).get(COMPLIANCE, {"on": "not-a-date"})
    assert "Bravo High School" in response.content.decode()
