"""The authorization matrix: every URL pattern of the project, admin included, for every
persona (anonymous, each role, and staff of another school), with the expected status.

Outsiders get 404, read-only users 403, anonymous visitors are sent to sign in. A URL added
without an expectation fails `test_every_url_has_an_expectation`."""

import datetime as dt

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from interactions.models import (
    DisclosureLogEntry,
    FamilyRecordRequest,
    Interaction,
    RecordAccessRequest,
)
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
# Who holds which permission (sro_program/roles.py); the rows below spell it out per URL.
# One rule (authz.core.get_for_action): a role with no permission at all on that kind of object
# gets 403 before any lookup (board members); a role that may see it gets 404 when the object
# is outside its schools (its existence is not revealed) and 403 when it may see but not act.
EXPECTATIONS = {
    "login": expect(REDIRECT, anonymous=OK),
    "logout": expect(NOT_ALLOWED, anonymous=NOT_ALLOWED),
    "password_change": ALL_SIGNED_IN,
    "password_change_done": ALL_SIGNED_IN,
    "dashboard": ALL_SIGNED_IN,
    # The custodian's student look-up (without an ID: back to the dashboard with a message).
    "student_lookup": expect(FORBIDDEN, district_admin=REDIRECT, superintendent=REDIRECT,
                             site_admin=REDIRECT, custodian=REDIRECT),
    "accessibility": expect(OK, anonymous=OK),  # the public accessibility statement
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
    "interactions:record_access_decide": expect(FORBIDDEN, custodian=OK, staff_other=HIDDEN),
    "interactions:disclosure_log": expect(
        FORBIDDEN, district_admin=OK, superintendent=OK, site_admin=OK, custodian=OK,
        staff_other=HIDDEN),
    "interactions:disclosure_log_csv": expect(
        FORBIDDEN, district_admin=OK, superintendent=OK, site_admin=OK, custodian=OK,
        staff_other=HIDDEN),
    "interactions:disclosure_log_pdf": expect(
        FORBIDDEN, district_admin=OK, superintendent=OK, site_admin=OK, custodian=OK,
        staff_other=HIDDEN),
    "interactions:disclosure_correct": expect(NOT_ALLOWED),
    "interactions:oneroster": expect(FORBIDDEN, district_admin=OK),
    # Sign-in with the district's accounts: 404 for everyone until OIDC is configured.
    "oidc_authentication_init": expect(HIDDEN, anonymous=HIDDEN),
    "oidc_authentication_callback": expect(HIDDEN, anonymous=HIDDEN),
    "protected_media": expect(HIDDEN, district_admin=OK, superintendent=OK, site_admin=OK),
    "reports:index": ALL_SIGNED_IN,
    "reports:build": expect(FORBIDDEN, district_admin=OK, superintendent=OK),
    "reports:export": expect(FORBIDDEN, district_admin=OK, superintendent=OK),
    # GET shows what will be published, to confirm; POST publishes.
    "reports:publish": expect(FORBIDDEN, superintendent=OK),
    "reports:withdraw": expect(NOT_ALLOWED),
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
        "reports:withdraw": {"pk": published.pk},
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
    "reports:publish": {"school_year": "2025-26"},
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
    "interactions:disclosure_correct": expect(FORBIDDEN, custodian=ALLOWED, staff_other=HIDDEN),
    "reports:publish": expect(FORBIDDEN, superintendent=ALLOWED),
    "reports:withdraw": expect(FORBIDDEN, superintendent=ALLOWED),
    "interactions:family_request_fulfil": expect(FORBIDDEN, custodian=ALLOWED),
    "set_language": expect(ALLOWED, anonymous=ALLOWED),
}


def test_every_post_only_url_has_a_post_expectation():
    post_only = {n for n, row in EXPECTATIONS.items()
                 if row["staff"] == NOT_ALLOWED and n != "logout"}
    # Publishing also answers GET (the confirmation), and is posted here too.
    assert post_only <= set(POST_EXPECTATIONS)


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


# A staff-flagged site administrator over every admin URL, history and history-form included --


@pytest.fixture
def other_school_objects(world):
    """School B's records beside school A's, each with its history rows."""
    from interactions.services import interaction_void
    from reports.models import EnrollmentCount
    from sro_program.models import StaffTraining, TrainingTopic

    school_b = SchoolFactory(name="Charlie High School", cds_code="33671570000037")
    interaction_b = InteractionFactory(school=school_b, logged_by=world["people"]["staff_other"])
    voided_a = InteractionFactory(school=world["school_a"], officer=world["objects"][
        "interaction"].officer, student=world["objects"]["interaction"].student,
        logged_by=world["people"]["staff"])
    interaction_void(interaction=voided_a, acting_user=world["people"]["site_admin"],
                     reason="Logged twice")
    request_b = RecordAccessRequest.objects.create(
        student=interaction_b.student, school=school_b, agency=interaction_b.officer.agency,
        requested_by=None, records_requested="Grades", legitimate_interest="Safety",
        basis="school_official")
    DisclosureLogEntry.objects.create(student=interaction_b.student, request=request_b,
                                      kind="request", basis="school_official")
    PresentationRequest.objects.create(
        school=school_b, officer=interaction_b.officer, topic="Bike safety",
        audience="classroom", date=timezone.localdate() + dt.timedelta(days=9))
    topic = TrainingTopic.objects.filter(audience="staff").first()
    for school in (world["school_a"], school_b):
        StaffTraining.objects.create(topic=topic, school=school, person_name="T. Teacher",
                                     completed_on=dt.date(2025, 9, 1))
        EnrollmentCount.objects.create(school_year="2025-26", school=school, dimension="all",
                                       group="all", count=500)
    return {"school_b": school_b, "interaction_b": interaction_b, "voided_a": voided_a}


def _history_id(obj):
    history = getattr(type(obj), "history", None)
    if history is None:
        return None
    row = history.filter(id=obj.pk).order_by("history_date").first()
    return row.history_id if row else None


def test_staff_site_admin_over_every_admin_url(world, other_school_objects, client):
    from authz.checks import is_project_model
    from authz.core import scoped

    site_admin = world["people"]["site_admin"]
    site_admin.is_staff = True
    site_admin.save()
    client.force_login(site_admin)
    failures, outside_checked, inside_checked = [], 0, 0
    for model, _model_admin in admin.site._registry.items():
        if not is_project_model(model):
            continue  # user accounts and groups: the superuser's (and the other half of #11)
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        visible = set(scoped(model._default_manager.all(), site_admin).values_list(
            "pk", flat=True))
        changelist = client.get(reverse(f"admin:{info}_changelist"))
        if changelist.status_code not in (200, 403):
            failures.append(f"{info} changelist: {changelist.status_code}")
        for obj in model._default_manager.all()[:40]:
            inside = obj.pk in visible
            urls = {kind: reverse(f"admin:{info}_{kind}", args=[obj.pk])
                    for kind in ("change", "delete", "history")}
            history_id = _history_id(obj)
            if history_id is not None:
                urls["history_form"] = reverse(f"admin:{info}_simple_history",
                                               args=[obj.pk, history_id])
            for kind, url in urls.items():
                response = client.get(url)
                status = response.status_code
                if inside:
                    inside_checked += 1
                    ok = status in (200, 403)
                else:
                    # An outsider learns nothing: the same answer as for an id that does not
                    # exist (404, Django's redirect to the index, or a 403 for every id).
                    outside_checked += 1
                    missing = client.get(url.replace(f"/{obj.pk}/", "/987654/"))
                    ok = status != 200 and (status, response.get("Location")) == (
                        missing.status_code, missing.get("Location"))
                if not ok:
                    failures.append(f"{kind} {url} ({'inside' if inside else 'outside'}): "
                                    f"{status}")
            if not inside and changelist.status_code == 200:
                link = reverse(f"admin:{info}_change", args=[obj.pk])
                if f'href="{link}"' in changelist.content.decode():
                    failures.append(f"{info} changelist links another school's row {obj.pk}")
    assert outside_checked > 20 and inside_checked > 20
    assert not failures, "\n".join(failures)


def test_history_form_never_reverts_or_unvoids(world, other_school_objects, client):
    site_admin = world["people"]["site_admin"]
    site_admin.is_staff = True
    site_admin.save()
    client.force_login(site_admin)
    for interaction, expected in ((other_school_objects["interaction_b"], 404),
                                  (other_school_objects["voided_a"], 403)):
        first = interaction.history.order_by("history_date").first()
        url = reverse("admin:interactions_interaction_simple_history",
                      args=[interaction.pk, first.history_id])
        before = Interaction.objects.get(pk=interaction.pk)
        data = {f.name: getattr(first, f.attname) for f in Interaction._meta.fields
                if f.editable and getattr(first, f.attname) is not None}
        data.update(status="draft", voided="")
        response = client.post(url, data)
        assert response.status_code == expected, (interaction.school, response.status_code)
        after = Interaction.objects.get(pk=interaction.pk)
        assert (after.status, after.voided, after.version) == (
            before.status, before.voided, before.version)


# A student enrolled at two schools in two years ------------------------------------------------


@pytest.fixture
def transferred(world):
    """A student at school A in 2024-25 who transferred to school B for 2025-26, with a
    record-access request made at school B."""
    from tests.factories import StudentFactory

    school_a = world["school_a"]
    school_b = SchoolFactory(name="Delta High School", cds_code="33671570000045")
    student = StudentFactory(student_id="S777001", last_name="Moved")
    EnrollmentFactory(student=student, school=school_a, school_year="2024-25", grade="09",
                      race_ethnicity="white")
    EnrollmentFactory(student=student, school=school_b, school_year="2025-26", grade="10",
                      race_ethnicity="asian")
    officer_b = AssignmentFactory(school=school_b).officer
    staff_b = UserFactory(username="m.staff_b", role=roles.STAFF, schools=[school_b])
    from interactions.record_access import record_access_request

    access = record_access_request(
        student=student, school=school_b, agency=officer_b.agency, officer=officer_b,
        records_requested="Discipline file B", legitimate_interest="Interest at school B",
        basis="school_official", acting_user=staff_b)
    return {"student": student, "school_b": school_b, "officer_b": officer_b,
            "staff_b": staff_b, "request": access}


def test_transferred_student_log_and_requests_stay_with_the_requesting_school(
        world, transferred, client):
    student, access = transferred["student"], transferred["request"]
    secrets = ("Discipline file B", "Interest at school B")
    # The site administrator of school A sees the student (enrolled there last year)...
    client.force_login(world["people"]["site_admin"])
    log = client.get(reverse("interactions:disclosure_log", args=[student.student_id]))
    assert log.status_code == 200
    csv_body = client.get(reverse("interactions:disclosure_log_csv",
                                  args=[student.student_id])).content
    # ...but not school B's request, in the log, its CSV, the request list or the detail page.
    for body in (log.content.decode(), csv_body.decode("utf-8-sig")):
        for secret in secrets:
            assert secret not in body
    listing = client.get(reverse("interactions:record_access_list")).content.decode()
    assert "S777001" not in listing
    assert client.get(reverse("interactions:record_access_detail",
                              args=[access.pk])).status_code == 404
    # The requesting school and district-wide roles see it.
    for persona_user in (transferred["staff_b"], world["people"]["custodian"]):
        client.force_login(persona_user)
        assert client.get(reverse("interactions:record_access_detail",
                                  args=[access.pk])).status_code == 200
    client.force_login(world["people"]["custodian"])
    log = client.get(reverse("interactions:disclosure_log", args=[student.student_id]))
    assert "Discipline file B" in log.content.decode()


def test_transferred_student_interactions_need_an_enrollment_at_that_school(world, transferred):
    from interactions import services

    student = transferred["student"]
    officer_a = world["objects"]["interaction"].officer
    when = timezone.make_aware(dt.datetime(2025, 10, 14, 10, 30))
    data = {"school": world["school_a"], "occurred_at": when, "student": student,
            "officer": officer_a, "location": "campus", "initiated_by": "sro_observed",
            "reason": "threat_to_safety", "outcomes": ["warning"], "force_types": [],
            "injury": "", "de_escalation": False, "de_escalation_techniques": [],
            "narrative": "", "justification": "", "requested_by_role": ""}
    # Old school, current year: the student is enrolled only at school B now.
    with pytest.raises(Exception) as refused:
        services.interaction_create(data=data, acting_user=world["people"]["staff"],
                                    submit=True)
    assert "student_id" in getattr(refused.value, "message_dict", {}), refused.value
    assert "no enrollment at Alpha High School for 2025-26" in str(refused.value)
    # The new school logs it, with the demographic snapshot of the school B enrollment.
    data.update(school=transferred["school_b"], officer=transferred["officer_b"])
    logged = services.interaction_create(data=data, acting_user=transferred["staff_b"],
                                         submit=True)
    assert (logged.grade, logged.race_ethnicity) == ("10", "asian")
    # Last year at school A: allowed, with last year's school A snapshot.
    data.update(school=world["school_a"], officer=officer_a,
                occurred_at=timezone.make_aware(dt.datetime(2025, 3, 4, 9, 0)))
    old = services.interaction_create(data=data, acting_user=world["people"]["staff"],
                                      submit=True)
    assert (old.school_year, old.grade, old.race_ethnicity) == ("2024-25", "09", "white")
