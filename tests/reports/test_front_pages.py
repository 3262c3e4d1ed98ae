"""Each role's front page leads with its main task, and its counts are the counts of the page
it links to (the same selectors)."""

import re

import pytest
from django.urls import reverse

from interactions.models import Interaction
from tests.reports.factories import build_dataset


@pytest.fixture
def dataset(db, school_a, school_b):
    return build_dataset(school_a, school_b)


def _first_panel(page: str) -> str:
    return re.findall(r'<h2 class="h5 card-title" id="panel-\d+">([^<]+)</h2>', page)[0]


def test_site_admin_sees_the_review_queue_count_of_the_review_page(as_user, site_admin_a,
                                                                   dataset):
    client = as_user(site_admin_a)
    page = client.get(reverse("dashboard"))
    html = page.content.decode()
    assert _first_panel(html) == "Review queue"
    count = int(re.search(r'data-testid="review-count">(\d+)<', html).group(1))
    queue = client.get(reverse("interactions:review_queue"))
    assert count == queue.context["page"].paginator.count
    assert count > 0
    assert "SRO training and coverage" in html  # the compliance gaps come second


def test_staff_leads_with_log_an_interaction_and_their_drafts(as_user, staff_a, dataset):
    draft = Interaction.objects.filter(status=Interaction.Status.DRAFT).first()
    Interaction.objects.filter(pk=draft.pk).update(logged_by=staff_a)
    html = as_user(staff_a).get(reverse("dashboard")).content.decode()
    assert _first_panel(html) == "Your interactions"
    assert "Log an interaction" in html
    assert reverse("interactions:create") in html
    assert 'data-testid="draft-count">1<' in html
    assert reverse("interactions:edit", args=[draft.pk]) in html


def test_custodian_sees_pending_requests_and_a_student_lookup(as_user, custodian, dataset):
    client = as_user(custodian)
    html = client.get(reverse("dashboard")).content.decode()
    assert _first_panel(html) == "Record requests waiting for a decision"
    count = int(re.search(r'data-testid="pending-count">(\d+)<', html).group(1))
    listing = client.get(reverse("interactions:record_access_list") + "?status=pending")
    assert count == listing.context["page"].paginator.count
    assert 'data-testid="student-lookup"' in html


def test_superintendent_and_board_lead_with_their_work(as_user, superintendent, board_member,
                                                      dataset):
    html = as_user(superintendent).get(reverse("dashboard")).content.decode()
    assert _first_panel(html) == "Waiting for your approval"
    assert "Latest board report" in html
    html = as_user(board_member).get(reverse("dashboard")).content.decode()
    assert _first_panel(html) == "Board reports"


def test_custodian_lookup_goes_to_the_students_disclosure_log(as_user, custodian, dataset):
    from interactions.models import Student

    student = Student.objects.first()
    client = as_user(custodian)
    response = client.get(reverse("student_lookup"), {"student": student.student_id})
    assert response["Location"] == reverse("interactions:disclosure_log",
                                           args=[student.student_id])
    missing = client.get(reverse("student_lookup"), {"student": "no-such-id"}, follow=True)
    assert b"Student ID: no student with that district ID" in missing.content
