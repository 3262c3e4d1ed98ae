"""The authorization matrix: every URL pattern of the project, admin included, for every
persona (anonymous, each role, and staff of another school), with the expected status.

Outsiders get 404, read-only users 403, anonymous visitors are sent to sign in. A URL added
without an expectation fails `test_every_url_has_an_expectation`."""

import datetime as dt

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from interactions.models import DisclosureLogEntry, FamilyRecordRequest, RecordAccessRequest
from reports.models import PublishedReport
from sro_program import roles
from sro_program.models import PresentationRequest
from tests.factories import (
    AssignmentFactory,
    EnrollmentFactory,
    InteractionFactory,
    SchoolFactory,
    UserFactory,
)

PERSONAS = ["anonymous", "district_admin", "superintendent", "site_admin", "staff",
            "staff_other", "sro", "custodian", "board"]
LOGIN, OK, FORBIDDEN, HIDDEN, NOT_ALLOWED, REDIRECT = "login", 200, 403, 404, 405, 302


def expect(default, **by_persona):
    """Expected GET status per persona; anonymous is always sent to sign in unless given."""
    table = {p: default for p in PERSONAS}
    table["anonymous"] = LOGIN
    table.update(by_persona)
    return table


ALL_SIGNED_IN = expect(OK)
# Who holds which permission (see the role migrations); the rows below spell it out per URL.
# A user whose schools do not include the object's school gets 404 (its existence is not
# revealed), including staff of another school and users bound to no school (board).
EXPECTATIONS = {
    "login": expect(REDIRECT, anonymous=OK),
    "logout": expect(NOT_ALLOWED, anonymous=NOT_ALLOWED),
    "dashboard": ALL_SIGNED_IN,
    "audit:log": expect(FORBIDDEN, district_admin=OK, superintendent=OK),
    "sro_program:compliance": expect(
        FORBIDDEN, district_admin=OK, superintendent=OK, site_admin=OK),
    "sro_program:presentation_list": expect(
        FORBIDDEN, district_admin=OK, superintendent=OK, site_admin=OK),
    "sro_program:presentation_create": expect(FORBIDDEN, district_admin=OK, site_admin=OK),
    "sro_program:presentation_decide": expect(
        FORBIDDEN, district_admin=OK, superintendent=OK),
    "mous:summary": expect(FORBIDDEN, district_admin=OK, superintendent=OK, site_admin=OK),
    "mous:summary_pdf": expect(FORBIDDEN, district_admin=OK, superintendent=OK, site_admin=OK),
    "interactions:list": expect(OK, custodian=FORBIDDEN, board=FORBIDDEN),
    "interactions:export_csv": expect(OK, custodian=FORBIDDEN, board=FORBIDDEN),
    "interactions:create": expect(FORBIDDEN, site_admin=OK, staff=OK, staff_other=OK),
    "interactions:review_queue": expect(FORBIDDEN, site_admin=OK),
    "interactions:student_search": expect(
        FORBIDDEN, site_admin=OK, staff=OK, staff_other=OK),
    "interactions:officer_options": expect(
        FORBIDDEN, site_admin=OK, staff=OK, staff_other=OK),
    "interactions:detail": expect(OK, staff_other=HIDDEN, custodian=FORBIDDEN, board=FORBIDDEN),
    "interactions:edit": expect(FORBIDDEN, site_admin=OK, staff=OK, staff_other=HIDDEN),
    "interactions:submit": expect(NOT_ALLOWED),
    "interactions:void": expect(FORBIDDEN, district_admin=OK, site_admin=OK, staff_other=HIDDEN),
    "interactions:review": expect(NOT_ALLOWED),
    "interactions:record_access_list": expect(OK, board=FORBIDDEN),
    "interactions:record_access_new": expect(
        FORBIDDEN, site_admin=OK, staff=OK, staff_other=OK, sro=OK),
    "interactions:record_access_detail": expect(OK, staff_other=HIDDEN, board=FORBIDDEN),
    "interactions:record_access_decide": expect(
        FORBIDDEN, custodian=OK, staff_other=HIDDEN, board=HIDDEN),
    "interactions:disclosure_log": expect(
        FORBIDDEN, district_admin=OK, superintendent=OK, site_admin=OK, custodian=OK,
        staff_other=HIDDEN, board=HIDDEN),
    "interactions:disclosure_log_csv": expect(
        FORBIDDEN, district_admin=OK, superintendent=OK, site_admin=OK, custodian=OK,
        staff_other=HIDDEN, board=HIDDEN),
    "interactions:disclosure_log_pdf": expect(
        FORBIDDEN, district_admin=OK, superintendent=OK, site_admin=OK, custodian=OK,
        staff_other=HIDDEN, board=HIDDEN),
    "interactions:disclosure_correct": expect(NOT_ALLOWED),
    "protected_media": expect(HIDDEN, district_admin=OK, superintendent=OK, site_admin=OK),
    "reports:index": ALL_SIGNED_IN,
    "reports:build": expect(FORBIDDEN, district_admin=OK, superintendent=OK),
    "reports:export": expect(FORBIDDEN, district_admin=OK, superintendent=OK),
    "reports:publish": expect(NOT_ALLOWED),
    "reports:crdc": expect(FORBIDDEN, superintendent=OK),
    "reports:published": ALL_SIGNED_IN,
    "reports:published_download": ALL_SIGNED_IN,
    "interactions:family_request_list": expect(FORBIDDEN, district_admin=OK, custodian=OK),
    "interactions:family_request_detail": expect(FORBIDDEN, district_admin=OK, custodian=OK),
    "interactions:family_request_fulfil": expect(NOT_ALLOWED),
    "set_language": expect(NOT_ALLOWED, anonymous=NOT_ALLOWED),
    # Public pages: everyone, signed in or not.
    **{name: expect(OK, anonymous=OK) for name in (
        "public:index", "public:report", "public:download", "public:policy", "public:mou",
        "public:methods", "public:family_request", "public:family_request_sent")},
}

# Admin: only staff users get in; everyone else is sent to the admin sign-in page. Custom admin
# URLs (beyond the standard changelist/add/change/delete/history) need an entry here.
ADMIN_STAFF = {"district_admin", "superintendent"}
ADMIN_EXTRA = {
    "admin:mous_mou_approve": {"district_admin": OK, "superintendent": OK},
    "admin:mous_mou_terminate": {"district_admin": OK, "superintendent": FORBIDDEN},
}
# Never editable or deletable by anyone in admin, whatever their permissions.
ADMIN_APPEND_ONLY = {"interactions.disclosurelogentry", "audit.auditevent"}
# Made only through their browser pages and services, never added in admin.
ADMIN_NO_ADD = {"sro_program.presentationrequest", "interactions.interaction",
                "interactions.recordaccessrequest"}


def url_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from url_patterns(p, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}", p


def project_url_names() -> set[str]:
    return {name for name, _ in url_patterns() if not name.startswith("admin:")}


def test_every_url_has_an_expectation():
    missing = project_url_names() - set(EXPECTATIONS)
    assert not missing, f"Add these URLs to the authorization matrix: {sorted(missing)}"
    stale = set(EXPECTATIONS) - project_url_names()
    assert not stale, f"Expectations for URLs that no longer exist: {sorted(stale)}"


@pytest.fixture
def world(db):
    school_a = SchoolFactory(name="Alpha High School", cds_code="33671570000011")
    school_b = SchoolFactory(name="Bravo High School", cds_code="33671570000029")
    assignment = AssignmentFactory(school=school_a)
    officer = assignment.officer
    enrollment = EnrollmentFactory(school=school_a, school_year="2025-26")
    interaction = InteractionFactory(school=school_a, officer=officer, student=enrollment.student)
    people = {
        "district_admin": UserFactory(username="m.dadmin", role=roles.DISTRICT_ADMIN,
                                      is_staff=True),
        "superintendent": UserFactory(username="m.supt", role=roles.SUPERINTENDENT,
                                      is_staff=True),
        "site_admin": UserFactory(username="m.site", role=roles.SITE_ADMIN, schools=[school_a]),
        "staff": UserFactory(username="m.staff", role=roles.STAFF, schools=[school_a]),
        "staff_other": UserFactory(username="m.other", role=roles.STAFF, schools=[school_b]),
        "sro": UserFactory(username="m.sro", role=roles.SRO, schools=[school_a]),
        "custodian": UserFactory(username="m.cust", role=roles.RECORDS_CUSTODIAN),
        "board": UserFactory(username="m.board", role=roles.BOARD_MEMBER),
    }
    officer.user = people["sro"]
    officer.save()
    request = RecordAccessRequest.objects.create(
        student=enrollment.student, school=school_a, agency=officer.agency, officer=officer,
        requested_by=people["staff"], records_requested="Attendance",
        legitimate_interest="Truancy follow-up", basis="school_official",
    )
    entry = DisclosureLogEntry.objects.create(
        student=enrollment.student, request=request, kind="request", basis="school_official",
        requester=str(officer), agency=officer.agency.name, records="Attendance",
    )
    presentation = PresentationRequest.objects.create(
        school=school_a, officer=officer, topic="Internet safety", audience="classroom",
        date=timezone.localdate() + dt.timedelta(days=20), requested_by=people["site_admin"],
    )
    published = PublishedReport.objects.create(
        title="Board report 2025-26", parameters={"school_year": "2025-26"},
        content={"schema": "sro-board-report/1"}, content_bytes=b'{"schema":"sro-board-report/1"}',
        sha256="0" * 64, published_by=people["superintendent"],
    )
    family_request = FamilyRecordRequest.objects.create(
        requester_name="A parent", relationship="parent", student_name="A student",
        student_birth_date=dt.date(2010, 1, 1), school=school_a, contact="555-0100",
        language="en",
    )
    from django.core.files.base import ContentFile

    assignment.mou.document.save("signed.pdf", ContentFile(b"%PDF-1.7 signed"), save=False)
    type(assignment.mou).objects.filter(pk=assignment.mou.pk).update(
        document=assignment.mou.document.name)
    kwargs = {
        "protected_media": {"path": assignment.mou.document.name},
        "mous:summary": {"pk": assignment.mou.pk},
        "mous:summary_pdf": {"pk": assignment.mou.pk},
        "sro_program:presentation_decide": {"pk": presentation.pk},
        "interactions:detail": {"pk": interaction.pk},
        "interactions:edit": {"pk": interaction.pk},
        "interactions:submit": {"pk": interaction.pk},
        "interactions:void": {"pk": interaction.pk},
        "interactions:review": {"pk": interaction.pk},
        "interactions:record_access_detail": {"pk": request.pk},
        "interactions:record_access_decide": {"pk": request.pk},
        "interactions:disclosure_log": {"student_id": enrollment.student.student_id},
        "interactions:disclosure_log_csv": {"student_id": enrollment.student.student_id},
        "interactions:disclosure_log_pdf": {"student_id": enrollment.student.student_id},
        "interactions:disclosure_correct": {
            "student_id": enrollment.student.student_id, "entry_pk": entry.pk},
        "reports:export": {"fmt": "json"},
        "reports:published": {"pk": published.pk},
        "reports:published_download": {"pk": published.pk, "fmt": "json"},
        "interactions:family_request_detail": {"pk": family_request.pk},
        "interactions:family_request_fulfil": {"pk": family_request.pk},
        "public:report": {"pk": published.pk},
        "public:download": {"pk": published.pk, "fmt": "json"},
    }
    return {"people": people, "kwargs": kwargs, "school_a": school_a,
            "objects": {"mou": assignment.mou, "interaction": interaction}}


QUERY = {
    "reports:build": {"school_year": "2025-26"},
    "reports:export": {"school_year": "2025-26"},
    "reports:crdc": {"school_year": "2025-26"},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_matrix(persona, world, client):
    if persona != "anonymous":
        client.force_login(world["people"][persona])
    failures = []
    for name in sorted(EXPECTATIONS):
        url = reverse(name, kwargs=world["kwargs"].get(name))
        response = client.get(url, QUERY.get(name, {}))
        expected = EXPECTATIONS[name][persona]
        if expected == LOGIN:
            ok = response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        else:
            ok = response.status_code == expected
        if not ok:
            failures.append(f"{name} {url}: expected {expected}, got {response.status_code}")
    assert not failures, "\n".join(failures)


def admin_urls(world) -> list[tuple[str, str, str, object]]:
    """(url name, url, kind, model_admin) for every admin URL of every registered model."""
    urls = []
    for model, model_admin in admin.site._registry.items():
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        obj = model_admin.get_queryset_for_matrix(world) if hasattr(
            model_admin, "get_queryset_for_matrix") else model._default_manager.first()
        for kind in ("changelist", "add"):
            urls.append((f"admin:{info}_{kind}", reverse(f"admin:{info}_{kind}"), kind, model))
        if obj is not None:
            for kind in ("change", "delete", "history"):
                urls.append((f"admin:{info}_{kind}",
                             reverse(f"admin:{info}_{kind}", args=[obj.pk]), kind, model))
    return urls


def test_every_admin_url_has_an_expectation():
    standard = ("_changelist", "_add", "_change", "_delete", "_history", "_autocomplete")
    names = {name for name, _ in url_patterns() if name.startswith("admin:")}
    model_names = {n for n in names if n.endswith(standard)}
    site_names = {"admin:index", "admin:login", "admin:logout", "admin:password_change",
                  "admin:password_change_done", "admin:jsi18n", "admin:view_on_site",
                  "admin:app_list", "admin:autocomplete"}
    extra = names - model_names - site_names
    missing = extra - set(ADMIN_EXTRA)
    assert not missing, f"Add these admin URLs to ADMIN_EXTRA: {sorted(missing)}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_matrix(persona, world, client):
    user = world["people"].get(persona)
    if user is not None:
        client.force_login(user)
    failures = []
    for name, url, kind, model in admin_urls(world):
        response = client.get(url)
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        if persona not in ADMIN_STAFF:
            ok = response.status_code == 302 and "/admin/login/" in response["Location"]
            expected = "admin sign-in"
        else:
            codename = {"changelist": "view", "history": "view", "change": "view"}.get(kind, kind)
            allowed = user.has_perm(f"{model._meta.app_label}.{codename}_{model._meta.model_name}")
            if kind in ("changelist", "change", "history") and not allowed:
                allowed = user.has_perm(f"{label.split('.')[0]}.change_{model._meta.model_name}")
            if label in ADMIN_APPEND_ONLY and kind in ("add", "delete"):
                allowed = False
            if label in ADMIN_NO_ADD and kind == "add":
                allowed = False
            expected = OK if allowed else FORBIDDEN
            # Deleting a locked or submitted record is refused with 403 even to holders.
            ok = response.status_code == expected or (
                kind == "delete" and expected == OK and response.status_code == FORBIDDEN)
        if not ok:
            failures.append(f"{name} {url}: expected {expected}, got {response.status_code}")
    assert not failures, "\n".join(failures)


def test_admin_extra_urls(world, client):
    mou = world["objects"]["mou"]
    for name, by_persona in ADMIN_EXTRA.items():
        for persona, expected in by_persona.items():
            client.force_login(world["people"][persona])
            response = client.get(reverse(name), {"ids": str(mou.pk)})
            assert response.status_code == expected, (name, persona, response.status_code)
    client.force_login(world["people"]["board"])
    response = client.get(reverse("admin:mous_mou_approve"), {"ids": str(mou.pk)})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# POST-only endpoints, posted empty: "allowed" means the request got past authorization (a
# redirect with a message, a form with errors, or a conflict), never 403/404/500.
ALLOWED = "allowed"
POST_EXPECTATIONS = {
    "interactions:submit": expect(FORBIDDEN, site_admin=ALLOWED, staff=ALLOWED,
                                  staff_other=HIDDEN),
    "interactions:review": expect(FORBIDDEN, site_admin=ALLOWED, staff_other=HIDDEN),
    "interactions:disclosure_correct": expect(FORBIDDEN, custodian=ALLOWED, staff_other=HIDDEN,
                                              board=HIDDEN),
    "reports:publish": expect(FORBIDDEN, superintendent=ALLOWED),
    "interactions:family_request_fulfil": expect(FORBIDDEN, custodian=ALLOWED),
    "set_language": expect(ALLOWED, anonymous=ALLOWED),
}


def test_every_post_only_url_has_a_post_expectation():
    post_only = {n for n, row in EXPECTATIONS.items()
                 if row["staff"] == NOT_ALLOWED and n != "logout"}
    assert post_only == set(POST_EXPECTATIONS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_post_matrix(persona, world, client):
    if persona != "anonymous":
        client.force_login(world["people"][persona])
    failures = []
    for name, row in POST_EXPECTATIONS.items():
        url = reverse(name, kwargs=world["kwargs"].get(name))
        response = client.post(url, {})
        expected = row[persona]
        status = response.status_code
        if expected == LOGIN:
            ok = status == 302 and response["Location"].startswith("/accounts/login/")
        elif expected == ALLOWED:
            ok = status in (200, 302, 400, 409)
        else:
            ok = status == expected
        if not ok:
            failures.append(f"POST {name} {url}: expected {expected}, got {status}")
    assert not failures, "\n".join(failures)


def test_nothing_reveals_another_schools_students_or_interactions(world, client):
    """Staff of school B search, list, export and autocomplete: school A never shows."""
    interaction = world["objects"]["interaction"]
    student = interaction.student
    officer = interaction.officer
    client.force_login(world["people"]["staff_other"])
    probes = [
        ("/interactions/students/search/", {"q": student.student_id}),
        ("/interactions/students/search/", {"q": student.last_name[:4]}),
        ("/interactions/", {}),
        ("/interactions/", {"school": world["school_a"].pk}),
        ("/interactions/export.csv", {}),
        ("/interactions/officers/options/",
         {"school_cds": world["school_a"].cds_code, "date": "2025-10-14"}),
        ("/interactions/records/", {}),
        ("/interactions/new/", {"student_id": student.student_id}),
        ("/", {}),
    ]
    for url, params in probes:
        response = client.get(url, params)
        assert response.status_code in (200, 400, 404), (url, response.status_code)
        body = (b"".join(response.streaming_content) if response.streaming
                else response.content).decode()
        for secret in (student.student_id, student.last_name, world["school_a"].name,
                       officer.last_name):
            assert secret not in body, f"{url} {params} reveals {secret!r}"
    # And the same probes as staff of school A do find them (the test can fail).
    client.force_login(world["people"]["staff"])
    found = client.get("/interactions/students/search/", {"q": student.student_id})
    assert student.student_id in found.content.decode()
