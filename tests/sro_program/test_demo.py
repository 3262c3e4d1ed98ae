"""The demo district's program data: every school staffed, one leave coverage, and the gap
made on purpose (Officer Nguyen without use-of-force training, assigned by override), which
the compliance page names."""

from random import Random

import pytest
from django.urls import reverse

import mous.demo
from sro_program import demo
from sro_program.models import Assignment, PresentationRequest
from sro_program.selectors import school_sworn_fte
from tests.factories import ensure_roles


@pytest.fixture
def demo_ctx(db):
    ensure_roles()
    ctx = demo.DemoContext(rng=Random(2026), students=50)
    demo.seed(ctx)
    mous.demo.seed(ctx)
    demo.seed_program(ctx)
    return ctx


def test_demo_staffs_every_school_with_one_coverage_and_one_override(demo_ctx):
    assert {a.school for a in Assignment.objects.all()} == set(demo_ctx.schools)
    coverage = Assignment.objects.get(kind="leave_coverage")
    assert coverage.covers.school == coverage.school
    override = Assignment.objects.exclude(override_reason="").get()
    assert override.officer == demo_ctx.officers[demo.GAP_OFFICER]
    assert override.override_by == demo_ctx.users["district.admin"]
    assert PresentationRequest.objects.filter(status="pending").count() == 1
    fte = school_sworn_fte(demo_ctx.schools, demo.ASSIGNMENT_START)
    assert fte[demo_ctx.schools[0].pk] == 1.0 and fte[demo_ctx.schools[5].pk] == 0.875
    # Running the step again leaves the data as it is.
    demo.seed_program(demo_ctx)
    assert Assignment.objects.count() == 8


def test_compliance_page_shows_the_seeded_gap(demo_ctx, client):
    client.force_login(demo_ctx.users["district.admin"])
    body = client.get(reverse("sro_program:compliance")).content.decode()
    section = body[body.index("Arroyo Seco High School") : body.index("Canyon Ridge High School")]
    assert "Missing:</strong> Agency use-of-force policy" in section
    assert "The agency&#x27;s use-of-force course was full" in section
    assert "Training override</strong> by Dana Whitaker" in section
    # The other schools' officers have their required training.
    assert body.count("Missing:</strong>") == 1


def test_dashboard_panels_show_the_gap_and_the_pending_request(demo_ctx, client):
    client.force_login(demo_ctx.users["superintendent"])
    body = client.get("/").content.decode()
    assert "Presentations waiting for your decision" in body
    assert "Vaping and fentanyl" in body
    assert "missing Agency use-of-force policy" in body
    client.force_login(demo_ctx.users["staff"])
    body = client.get("/").content.decode()
    assert "Presentations waiting" not in body and "SRO training and coverage" not in body
