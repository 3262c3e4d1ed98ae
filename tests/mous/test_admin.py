"""The MOU admin through the test client: list, checklist, inline elements, and the actions."""

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mous import services
from mous.models import MOU, MOUTransition
from mous.pdf import simple_pdf
from tests.factories import MOUFactory, UserFactory
from tests.mous.conftest import BOARD_DATE, make_draft

CHANGELIST = reverse("admin:mous_mou_changelist")
APPROVE = reverse("admin:mous_mou_approve")
TERMINATE = reverse("admin:mous_mou_terminate")


def change_url(mou):
    return reverse("admin:mous_mou_change", args=[mou.pk])


class FormFields(HTMLParser):
    """The values a browser would submit from the page's main change form."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "file", "checkbox"):
            self.data[name] = a.get("value") or ""
        elif tag == "input" and name and a.get("type") == "checkbox" and "checked" in a:
            self.data[name] = "on"
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            current = self.data[self._textarea]  # browsers drop the newline after <textarea>
            self.data[self._textarea] = current + (data if current else data.lstrip("\n"))


def form_data(client, url) -> dict:
    page = client.get(url)
    assert page.status_code == 200
    parser = FormFields("mou_form")
    parser.feed(page.content.decode())
    return parser.data


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def admin_client_(as_user, district_admin):
    return as_user(district_admin)


def test_list_shows_required_count_and_status(admin_client_, incomplete_draft):
    approved = MOUFactory(agency=incomplete_draft.agency, version=2)
    page = admin_client_.get(CHANGELIST)
    assert page.status_code == 200
    text = page.content.decode()
    assert "4/6 required" in text and "6/6 required" in text
    assert "Board-approved" in text and "Draft" in text
    only_drafts = admin_client_.get(CHANGELIST, {"status__exact": "draft"})
    assert list(only_drafts.context["cl"].result_list) == [incomplete_draft]
    by_agency = admin_client_.get(CHANGELIST, {"agency__id__exact": approved.agency_id})
    assert by_agency.context["cl"].result_count == 2


def test_list_filters_by_expiry(admin_client_, agency):
    today = dt.date.today()
    expired = make_draft(agency, version=1, effective_date=dt.date(2020, 7, 1),
                         expiry_date=dt.date(2023, 6, 30))
    soon = make_draft(agency, version=2, effective_date=dt.date(2020, 7, 1),
                      expiry_date=today + dt.timedelta(days=30))
    later = make_draft(agency, version=3, expiry_date=today + dt.timedelta(days=400))
    none = make_draft(agency, version=4, expiry_date=None)
    for value, expected in [("expired", expired), ("soon", soon), ("later", later),
                            ("none", none)]:
        page = admin_client_.get(CHANGELIST, {"expiry": value})
        assert list(page.context["cl"].result_list) == [expected], value
    assert "Expiring within 90 days" in admin_client_.get(CHANGELIST).content.decode()


def test_change_page_shows_checklist_and_prefills_missing_elements(
    admin_client_, incomplete_draft
):
    page = admin_client_.get(change_url(incomplete_draft))
    text = page.content.decode()
    assert "4/6 required: incomplete, the Board approval will be refused" in text
    assert "Roles and responsibilities: name who supervises the SRO" in text
    assert "Performance monitoring: describe how SRO performance is monitored" in text
    formset = page.context["inline_admin_formsets"][0].formset
    extra_codes = [f.initial.get("code") for f in formset.extra_forms]
    # the missing required element first, then the optional terms
    assert extra_codes == ["performance_monitoring", "nondiscrimination",
                           "disproportionality_training", "leave_staffing"]
    assert [f.instance.code for f in formset.initial_forms] == [
        "purpose", "roles_responsibilities", "information_sharing",
        "qualifications_training", "duty_hours",
    ]
    assert reverse("mous:summary", args=[incomplete_draft.pk]) in text
    assert reverse("mous:summary_pdf", args=[incomplete_draft.pk]) in text


def test_inline_edit_completes_a_draft(admin_client_, incomplete_draft):
    data = form_data(admin_client_, change_url(incomplete_draft))
    roles = next(k for k, v in data.items() if v == "roles_responsibilities")
    data[roles.replace("code", "supervisor")] = "Sergeant, Youth Services"
    perf = next(k for k, v in data.items() if v == "performance_monitoring"
                and k != roles)
    data[perf.replace("code", "text")] = "Annual review"
    response = admin_client_.post(change_url(incomplete_draft), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert services.mou_completeness(incomplete_draft).complete
    # the untouched prefilled rows were not saved
    assert incomplete_draft.elements.count() == 6


def test_add_creates_a_draft_with_the_next_version_and_a_transition(
    admin_client_, agency, draft
):
    data = {
        "agency": agency.pk, "title": "SRO MOU 2027", "effective_date": "2027-07-01",
        "expiry_date": "2030-06-30", "next_review_date": "",
        "elements-TOTAL_FORMS": "1", "elements-INITIAL_FORMS": "0",
        "elements-MIN_NUM_FORMS": "0", "elements-MAX_NUM_FORMS": "9",
        "elements-0-code": "purpose", "elements-0-text": "Safety", "elements-0-section_ref": "§1",
    }
    response = admin_client_.post(reverse("admin:mous_mou_add"), data)
    assert response.status_code == 302
    mou = MOU.objects.get(title="SRO MOU 2027")
    assert (mou.version, mou.status) == (2, MOU.Status.DRAFT)
    assert mou.elements.get().text == "Safety"
    assert mou.transitions.get().acting_user.username == "dadmin"
    assert mou.history.first().history_user.username == "dadmin"


def test_signed_document_must_be_a_pdf(admin_client_, draft):
    data = form_data(admin_client_, change_url(draft))
    data["document"] = SimpleUploadedFile("mou.pdf", b"MZ not a pdf", "application/pdf")
    response = admin_client_.post(change_url(draft), data)
    assert response.status_code == 200
    assert "The file is not a PDF" in response.content.decode()
    data["document"] = SimpleUploadedFile("mou.pdf", simple_pdf(["Signed"]), "application/pdf")
    assert admin_client_.post(change_url(draft), data).status_code == 302
    draft.refresh_from_db()
    assert draft.document.name.endswith(".pdf")


def test_submit_for_review_action(admin_client_, incomplete_draft):
    response = admin_client_.post(
        CHANGELIST, {"action": "submit_for_review", "_selected_action": [incomplete_draft.pk]},
        follow=True,
    )
    incomplete_draft.refresh_from_db()
    assert incomplete_draft.status == MOU.Status.UNDER_REVIEW
    msgs = messages_of(response)
    assert any(m.endswith("submitted for review.") for m in msgs)
    assert any("still lacks 2 required element(s)" in m for m in msgs)  # a warning, not a refusal


def test_submit_button_on_the_change_page_returns_there(admin_client_, draft):
    response = admin_client_.post(CHANGELIST, {
        "action": "submit_for_review", "_selected_action": draft.pk,
        "_return_to_change": draft.pk,
    })
    assert response["Location"] == change_url(draft)


def test_refused_action_is_an_error_message(admin_client_, district_admin, draft):
    services.mou_submit_for_review(mou=draft, acting_user=district_admin)
    response = admin_client_.post(
        CHANGELIST, {"action": "submit_for_review", "_selected_action": [draft.pk]}, follow=True
    )
    (message,) = response.context["messages"]
    assert message.level_tag == "error"
    assert "cannot be submitted for review: it is under review" in str(message)


# --- Board approval through the intermediate page ---------------------------------------------


def test_approve_action_leads_to_the_intermediate_page(as_user, superintendent, draft):
    client = as_user(superintendent)
    response = client.post(
        CHANGELIST, {"action": "record_board_approval", "_selected_action": [draft.pk]}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{APPROVE}?ids={draft.pk}"
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert 'name="board_date"' in text and 'name="board_item"' in text
    assert "6/6 required" in text
    draft.refresh_from_db()
    assert draft.status == MOU.Status.DRAFT  # GET changes nothing


def test_approve_post_records_the_approval(as_user, superintendent, draft):
    client = as_user(superintendent)
    response = client.post(APPROVE, {"ids": str(draft.pk), "board_date": "2024-06-18",
                                     "board_item": "Item 9.2"}, follow=True)
    draft.refresh_from_db()
    assert draft.status == MOU.Status.APPROVED
    assert (draft.board_date, draft.board_item, draft.approved_by) == (
        BOARD_DATE, "Item 9.2", superintendent
    )
    assert response.redirect_chain[-1][0] == change_url(draft)
    assert any("Board approval recorded" in m for m in messages_of(response))
    text = response.content.decode()
    assert "Content locked." in text
    # the locked change page offers no editable element
    assert 'name="elements-0-text"' not in text


def test_incomplete_mou_approval_is_refused_with_every_missing_element(
    as_user, superintendent, incomplete_draft
):
    client = as_user(superintendent)
    page = client.get(APPROVE, {"ids": incomplete_draft.pk})
    assert "It will be refused until these are added" in page.content.decode()
    response = client.post(APPROVE, {"ids": str(incomplete_draft.pk),
                                     "board_date": "2024-06-18", "board_item": "Item 9.2"},
                           follow=True)
    (message,) = response.context["messages"]
    assert message.level_tag == "error"
    text = str(message)
    assert "cannot be recorded until this is fixed" in text
    assert "<li>Roles and responsibilities: name who supervises the SRO" in text
    assert "<li>Performance monitoring: describe how SRO performance is monitored" in text
    incomplete_draft.refresh_from_db()
    assert incomplete_draft.status == MOU.Status.DRAFT and incomplete_draft.board_date is None
    assert not MOUTransition.objects.filter(to_status="approved").exists()


def test_approve_form_errors_are_shown_and_nothing_happens(as_user, superintendent, draft):
    response = as_user(superintendent).post(
        APPROVE, {"ids": str(draft.pk), "board_date": "2999-01-01", "board_item": ""}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "This date is in the future" in text and "This field is required" in text
    draft.refresh_from_db()
    assert draft.status == MOU.Status.DRAFT


def test_approve_page_needs_the_approve_permission(as_user, site_admin_a, draft):
    site_admin_a.is_staff = True
    site_admin_a.save()
    client = as_user(site_admin_a)
    assert client.get(APPROVE, {"ids": draft.pk}).status_code == 403
    assert client.post(APPROVE, {"ids": str(draft.pk), "board_date": "2024-06-18",
                                 "board_item": "x"}).status_code == 403
    draft.refresh_from_db()
    assert draft.status == MOU.Status.DRAFT


def test_approve_page_only_acts_on_the_admin_queryset(as_user, superintendent, draft):
    # ids the admin's get_queryset does not hold (here: none exist) are ignored
    response = as_user(superintendent).post(
        APPROVE, {"ids": "999999,abc", "board_date": "2024-06-18", "board_item": "x"},
        follow=True,
    )
    assert messages_of(response) == ["Select at least one MOU."]


def test_view_only_superintendent_may_approve_but_not_edit(as_user, superintendent, draft):
    client = as_user(superintendent)
    page = client.get(CHANGELIST)
    choices = [value for value, _ in page.context["action_form"].fields["action"].choices]
    assert "record_board_approval" in choices
    assert "submit_for_review" not in choices and "delete_selected" not in choices
    change = client.get(change_url(draft)).content.decode()
    assert "Record Board approval" in change and "Submit for review" not in change


# --- amendment, termination, history ---------------------------------------------------------


def test_create_amendment_action_opens_the_new_draft(admin_client_, superintendent, draft):
    services.mou_record_board_approval(mou=draft, board_date=BOARD_DATE, board_item="9.2",
                                       acting_user=superintendent)
    response = admin_client_.post(
        CHANGELIST, {"action": "create_amendment", "_selected_action": [draft.pk]}
    )
    amendment = MOU.objects.get(supersedes=draft)
    assert response["Location"] == change_url(amendment)
    assert (amendment.version, amendment.status) == (2, MOU.Status.DRAFT)
    again = admin_client_.post(
        CHANGELIST, {"action": "create_amendment", "_selected_action": [draft.pk]}, follow=True
    )
    assert any("already has an amendment in progress" in m for m in messages_of(again))


def test_amending_a_draft_is_refused_with_a_message(admin_client_, draft):
    response = admin_client_.post(
        CHANGELIST, {"action": "create_amendment", "_selected_action": [draft.pk]}, follow=True
    )
    assert any("Only a Board-approved MOU can be" in m for m in messages_of(response))
    assert not MOU.objects.filter(supersedes=draft).exists()


def test_terminate_through_its_page(admin_client_, superintendent, draft):
    services.mou_record_board_approval(mou=draft, board_date=BOARD_DATE, board_item="9.2",
                                       acting_user=superintendent)
    response = admin_client_.post(
        CHANGELIST, {"action": "terminate", "_selected_action": [draft.pk]}
    )
    assert response["Location"] == f"{TERMINATE}?ids={draft.pk}"
    assert 'name="reason"' in admin_client_.get(response["Location"]).content.decode()
    missing_reason = admin_client_.post(TERMINATE, {"ids": str(draft.pk), "reason": ""})
    assert missing_reason.status_code == 200
    assert "This field is required" in missing_reason.content.decode()
    admin_client_.post(TERMINATE, {"ids": str(draft.pk), "reason": "Board ended the program",
                                   "ended_on": "2025-06-30"})
    draft.refresh_from_db()
    assert (draft.status, draft.ended_on) == (MOU.Status.TERMINATED, dt.date(2025, 6, 30))
    assert draft.transitions.first().reason == "Board ended the program"


def test_superintendent_cannot_terminate(as_user, superintendent, draft):
    assert as_user(superintendent).get(TERMINATE, {"ids": draft.pk}).status_code == 403


def test_locked_mou_ignores_edits_posted_to_admin(admin_client_, superintendent, draft):
    services.mou_record_board_approval(mou=draft, board_date=BOARD_DATE, board_item="9.2",
                                       acting_user=superintendent)
    data = form_data(admin_client_, change_url(draft))
    assert "title" not in data  # read-only
    data.update(title="Changed", **{"elements-0-text": "Changed"},
                next_review_date="2026-07-01")
    response = admin_client_.post(change_url(draft), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "School Resource Officer MOU"
    assert draft.elements.get(code="purpose").text == "Safe schools through a partnership."
    assert draft.next_review_date == dt.date(2026, 7, 1)  # reviews are scheduled after approval


def test_only_drafts_can_be_deleted_even_by_a_superuser(as_user, superintendent, draft):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    other = make_draft(draft.agency, version=2)
    services.mou_record_board_approval(mou=draft, board_date=BOARD_DATE, board_item="9.2",
                                       acting_user=superintendent)
    client = as_user(root)
    assert client.get(reverse("admin:mous_mou_delete", args=[draft.pk])).status_code == 403
    assert client.get(reverse("admin:mous_mou_delete", args=[other.pk])).status_code == 200


def test_history_is_visible_and_cannot_be_reverted(admin_client_, superintendent, draft):
    services.mou_record_board_approval(mou=draft, board_date=BOARD_DATE, board_item="9.2",
                                       acting_user=superintendent)
    history = admin_client_.get(reverse("admin:mous_mou_history", args=[draft.pk]))
    assert history.status_code == 200
    assert "supt" in history.content.decode()
    first = draft.history.last()
    url = reverse("admin:mous_mou_simple_history", args=[draft.pk, first.history_id])
    assert admin_client_.post(url, {"title": "x"}).status_code == 403
    draft.refresh_from_db()
    assert draft.status == MOU.Status.APPROVED


def test_board_member_cannot_reach_mou_admin(as_user, board_member, draft):
    response = as_user(board_member).get(CHANGELIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
