"""Interaction pages: scope (404 for outsiders, 403 for view-only roles), the form, the
edit conflict, constant query counts, and the CSV export."""

import csv
import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from interactions import services
from interactions.models import Interaction
from tests.factories import EnrollmentFactory, StudentFactory

from .conftest import assign


@pytest.fixture
def interaction(staff_a, model_data):
    return services.interaction_create(data=model_data, acting_user=staff_a, submit=True)


def make_rows(n, school, officer, user, **changes):
    """n submitted interactions at `school`, each with its own enrolled student."""
    made = []
    for k in range(n):
        student = StudentFactory()
        EnrollmentFactory(student=student, school=school, school_year="2025-26")
        data = {
            "occurred_at": timezone.make_aware(dt.datetime(2025, 9, 1 + k % 28, 9, k % 60)),
            "school": school, "student": student, "officer": officer,
            "location": "campus", "initiated_by": "sro_observed", "reason": "truancy",
            "outcomes": ["warning"], "narrative": f"Row {k}",
            **changes,
        }  # fmt: skip
        made.append(services.interaction_create(data=data, acting_user=user, submit=True))
    return made


class TestScope:
    @pytest.mark.parametrize("name", ["detail", "edit", "void"])
    def test_outsider_gets_404(self, as_user, staff_b, interaction, name):
        url = reverse(f"interactions:{name}", args=[interaction.pk])
        assert as_user(staff_b).get(url).status_code == 404

    def test_outsider_review_is_404(self, as_user, school_b, interaction):
        from sro_program import roles
        from tests.factories import UserFactory

        admin_b = UserFactory(role=roles.SITE_ADMIN, schools=[school_b])
        url = reverse("interactions:review", args=[interaction.pk])
        assert as_user(admin_b).post(url).status_code == 404

    @pytest.mark.parametrize("persona", ["sro_user", "superintendent"])
    def test_view_only_roles_get_403_on_change(self, request, as_user, interaction, persona):
        client = as_user(request.getfixturevalue(persona))
        assert client.get(reverse("interactions:detail", args=[interaction.pk])).status_code == 200
        assert client.get(reverse("interactions:create")).status_code == 403
        assert client.get(reverse("interactions:edit", args=[interaction.pk])).status_code == 403

    def test_anonymous_is_sent_to_sign_in(self, client, interaction):
        response = client.get(reverse("interactions:list"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_list_shows_only_own_schools(self, as_user, staff_b, interaction):
        assert (
            interaction.narrative
            not in as_user(staff_b).get(reverse("interactions:list")).content.decode()
        )


class TestForm:
    def test_logs_flagged_interaction_with_force(self, as_user, staff_a, form_data):
        form_data.update(
            reason="code_of_conduct",
            justification="Fight in progress; teacher asked for help.",
            force_used="on",
            force_types=["handcuffed", "physical_control"],
            injury="minor",
            de_escalation="on",
            de_escalation_techniques=["verbal", "time_distance"],
        )
        response = as_user(staff_a).post(reverse("interactions:create"), form_data)
        assert response.status_code == 302
        i = Interaction.objects.get()
        assert i.outside_sro_role and i.use_of_force and not i.gc12525_reportable
        assert i.force_types == ["handcuffed", "physical_control"]
        assert i.de_escalation_techniques == ["verbal", "time_distance"]

    def test_errors_summarised_at_top_and_at_fields(self, as_user, staff_a, form_data):
        form_data.update(
            reason="mental_health_crisis",
            outcomes=["no_action", "arrest"],
            narrative="Padre fue deportado.",
        )
        response = as_user(staff_a).post(reverse("interactions:create"), form_data)
        html = response.content.decode()
        assert response.status_code == 200
        assert 'role="alert"' in html and 'href="#div_id_justification"' in html
        assert "BP 3515.31" in html and "234.7" in html
        assert "cannot be combined" in html
        assert 'id="error_1_id_narrative"' in html or "invalid-feedback" in html
        assert "Padre fue deportado." in html  # nothing typed is lost
        assert not Interaction.objects.exists()

    def test_partial_student_name_resolves_within_scope(self, as_user, staff_a, form_data):
        form_data["student_id"] = "garc"
        assert as_user(staff_a).post(reverse("interactions:create"), form_data).status_code == 302
        assert Interaction.objects.get().student.student_id == "S200001"

    def test_unassigned_officer_is_refused(self, as_user, staff_a, form_data, school_b):
        from tests.factories import OfficerFactory

        other = OfficerFactory()
        assign(other, school_b)
        form_data["officer_badge"] = other.badge_number
        response = as_user(staff_a).post(reverse("interactions:create"), form_data)
        assert "is not assigned to" in response.content.decode()

    def test_officer_choices_are_those_assigned(self, as_user, staff_a, officer_a, school_b):
        from tests.factories import OfficerFactory

        elsewhere = OfficerFactory(last_name="Elsewhere")
        assign(elsewhere, school_b)
        html = as_user(staff_a).get(reverse("interactions:create")).content.decode()
        assert "Ramirez" in html and "Elsewhere" not in html

    def test_save_as_draft(self, as_user, staff_a, form_data):
        form_data["action"] = "draft"
        as_user(staff_a).post(reverse("interactions:create"), form_data)
        assert Interaction.objects.get().status == "draft"

    def test_form_query_count_is_constant(
        self, as_user, staff_a, django_assert_max_num_queries, school_a, officer_a
    ):
        client = as_user(staff_a)
        with django_assert_max_num_queries(12) as few:
            client.get(reverse("interactions:create"))
        from tests.factories import OfficerFactory

        for _ in range(10):
            assign(OfficerFactory(), school_a)
        make_rows(5, school_a, officer_a, staff_a)
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(reverse("interactions:create"))


class TestSearchAndOptions:
    def test_student_search_is_scoped_and_partial(self, as_user, staff_a, student_a, school_b):
        hidden = StudentFactory(student_id="S200002", last_name="Garcia", first_name="Beto")
        EnrollmentFactory(student=hidden, school=school_b)
        data = as_user(staff_a).get(reverse("interactions:student_search"), {"q": "gar"}).json()
        assert [r["id"] for r in data["results"]] == ["S200001"]
        data = as_user(staff_a).get(reverse("interactions:student_search"), {"q": "2000"}).json()
        assert [r["id"] for r in data["results"]] == ["S200001"]

    def test_student_suggestions_show_grade_and_school(self, as_user, staff_a, student_a,
                                                       school_a):
        """Students with the same name are told apart by grade and school."""
        twin = StudentFactory(student_id="S200009", last_name=student_a.last_name,
                              first_name=student_a.first_name)
        EnrollmentFactory(student=twin, school=school_a, grade="12")
        data = as_user(staff_a).get(reverse("interactions:student_search"),
                                    {"q": student_a.last_name}).json()
        by_id = {r["id"]: r for r in data["results"]}
        assert by_id["S200009"]["grade"] == "12"
        assert by_id["S200009"]["school"] == school_a.name
        assert f"grade 12, {school_a.name}" in by_id["S200009"]["label"]
        assert by_id["S200001"]["label"] != by_id["S200009"]["label"]

    def test_officer_options(self, as_user, staff_a, officer_a, school_a, school_b):
        url = reverse("interactions:officer_options")
        client = as_user(staff_a)
        options = client.get(url, {"school_cds": school_a.cds_code, "date": "2025-10-14"}).json()
        assert [o["value"] for o in options["options"]] == [officer_a.badge_number]
        before = client.get(url, {"school_cds": school_a.cds_code, "date": "2025-07-01"}).json()
        assert before["options"] == []
        other = client.get(url, {"school_cds": school_b.cds_code, "date": "2025-10-14"}).json()
        assert other["options"] == []


class TestEditConflict:
    def test_second_editor_sees_conflict_and_keeps_their_text(
        self, as_user, staff_a, site_admin_a, form_data, interaction
    ):
        url = reverse("interactions:edit", args=[interaction.pk])
        first, second = as_user(staff_a), as_user(site_admin_a)
        # Both open the edit page at the same version.
        assert first.get(url).status_code == 200
        assert second.get(url).status_code == 200
        version = interaction.version

        mine = dict(form_data, version=version, narrative="Edited by the first.",
                    change_reason="More detail")  # fmt: skip
        assert first.post(url, mine).status_code == 302

        theirs = dict(form_data, version=version, narrative="The second editor's careful text.",
                      change_reason="Clarify")  # fmt: skip
        response = second.post(url, theirs)
        html = response.content.decode()
        assert response.status_code == 409
        assert "Someone else saved this interaction" in html
        assert "Edited by the first." in html  # what changed, in the summary
        assert "The second editor&#x27;s careful text." in html  # what they typed, kept
        assert Interaction.objects.get().narrative == "Edited by the first."

        # Saving again after reading the summary is a deliberate, version-checked overwrite.
        response = second.post(url, dict(theirs, version=version + 1))
        assert response.status_code == 302
        assert Interaction.objects.get().narrative == "The second editor's careful text."

    def test_edit_needs_reason_after_submission(self, as_user, staff_a, form_data, interaction):
        url = reverse("interactions:edit", args=[interaction.pk])
        response = as_user(staff_a).post(url, dict(form_data, version=interaction.version))
        assert response.status_code == 200
        assert "Reason for this change" in response.content.decode()

    def test_history_shows_who_what_why(self, as_user, staff_a, form_data, interaction):
        url = reverse("interactions:edit", args=[interaction.pk])
        as_user(staff_a).post(url, dict(form_data, version=interaction.version,
                                        narrative="Corrected.", change_reason="Typo"))  # fmt: skip
        html = as_user(staff_a).get(reverse("interactions:detail", args=[interaction.pk]))
        html = html.content.decode()
        assert "Typo" in html and "Corrected." in html and "staff_a" in html


class TestCodesShownAsLabels:
    """People read labels: no stored codes, Python lists or "[invalid name]" on the pages."""

    def test_list_shows_outcome_labels_and_filter_label(self, as_user, staff_a, interaction):
        html = as_user(staff_a).get(reverse("interactions:list")).content.decode()
        assert "[invalid name]" not in html
        assert re.search(r'<label[^>]*for="id_outcome"[^>]*>\s*Outcome', html)
        assert "parent_contacted" not in html.split("<tbody>")[1]
        assert "Parent contacted" in html

    def test_detail_and_history_show_labels(self, as_user, staff_a, form_data, interaction):
        url = reverse("interactions:edit", args=[interaction.pk])
        data = dict(form_data, version=interaction.version, change_reason="Follow-up")
        data["outcomes"] = ["warning", "referral_support"]
        as_user(staff_a).post(url, data)
        html = as_user(staff_a).get(reverse("interactions:detail", args=[interaction.pk]))
        body = html.content.decode().split('id="main"')[1]
        assert "Referral to counselor or support staff" in body
        for raw in ("referral_support", "['", "staff_referral", "False", "True"):
            assert raw not in body, raw


class TestReviewAndVoidPages:
    def test_review_queue_and_action(self, as_user, site_admin_a, staff_a, interaction):
        client = as_user(site_admin_a)
        queue = client.get(reverse("interactions:review_queue")).content.decode()
        assert interaction.student.student_id in queue
        assert as_user(staff_a).get(reverse("interactions:review_queue")).status_code == 403
        response = client.post(reverse("interactions:review", args=[interaction.pk]))
        assert response.status_code == 302
        assert Interaction.objects.get().status == "reviewed"

    def test_void_page(self, as_user, site_admin_a, staff_a, interaction):
        url = reverse("interactions:void", args=[interaction.pk])
        assert as_user(staff_a).get(url).status_code == 403
        assert as_user(site_admin_a).post(url, {"reason": "Entered twice"}).status_code == 302
        i = Interaction.objects.get()
        assert i.voided and i.void_reason == "Entered twice"


class TestListAndExport:
    @pytest.mark.parametrize("n", [3, 30])
    def test_list_query_count_is_constant(
        self, n, as_user, staff_a, school_a, officer_a, django_assert_max_num_queries
    ):
        make_rows(n, school_a, officer_a, staff_a)
        client = as_user(staff_a)
        # Session (and its refresh), user, permissions, roles, school choices, count, page:
        # the same for 3 rows or 30.
        with django_assert_max_num_queries(12):
            response = client.get(reverse("interactions:list"), {"flag": "use_of_force"})
        with django_assert_max_num_queries(12):
            response = client.get(reverse("interactions:list"))
        assert response.status_code == 200
        assert response.context["page"].paginator.count == n

    def test_filters(self, as_user, staff_a, school_a, officer_a):
        make_rows(2, school_a, officer_a, staff_a)
        make_rows(
            1, school_a, officer_a, staff_a, reason="code_of_conduct",
            justification="Staff asked; fight.", outcomes=["citation"],
            force_types=["handcuffed"], injury="serious",
        )  # fmt: skip
        client = as_user(staff_a)

        def count(**params):
            return client.get(reverse("interactions:list"), params).context["page"].paginator.count

        assert count() == 3
        assert count(flag="outside_role") == 1
        assert count(flag="use_of_force") == 1
        assert count(flag="gc12525") == 1
        assert count(flag="voided") == 0
        assert count(outcome="citation") == 1
        assert count(outcome="warning") == 2
        assert count(reason="truancy") == 2
        assert count(status="submitted") == 3
        assert count(date_from="2025-09-02", date_to="2025-09-02") == 1
        assert count(school=school_a.pk) == 3

    def test_csv_is_scoped_filtered_and_formula_safe(
        self, as_user, staff_a, staff_b, school_a, school_b, officer_a
    ):
        make_rows(2, school_a, officer_a, staff_a)
        make_rows(1, school_a, officer_a, staff_a, narrative='=HYPERLINK("http://x","y")')
        response = as_user(staff_a).get(reverse("interactions:export_csv"))
        assert response["Content-Type"].startswith("text/csv")
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        table = list(csv.DictReader(io.StringIO(text)))
        assert len(table) == 3
        narratives = {r["narrative"] for r in table}
        assert '\'=HYPERLINK("http://x","y")' in narratives
        assert all(not r[c].startswith(("=", "+", "-", "@")) for r in table for c in r)

        filtered = as_user(staff_a).get(reverse("interactions:export_csv"), {"reason": "other"})
        assert len(list(csv.DictReader(io.StringIO(
            b"".join(filtered.streaming_content).decode("utf-8-sig"))))) == 0  # fmt: skip
        outsider = as_user(staff_b).get(reverse("interactions:export_csv"))
        body = b"".join(outsider.streaming_content).decode("utf-8-sig")
        assert len(body.strip().splitlines()) == 1  # the header only


def test_forbidden_page_keeps_the_site_around_it(as_user, board_member):
    """A role without the page gets 403 with the menu and a way back, not a bare heading."""
    response = as_user(board_member).get(reverse("interactions:list"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "You cannot open this page" in html and reverse("dashboard") in html
