"""Edges of every page: no response that can carry student data may be cached, and no query
parameter value (extreme dates, garbage) makes a GET view fail with a 500."""

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from interactions.models import DisclosureLogEntry, FamilyRecordRequest, RecordAccessRequest
from mous.pdf import simple_pdf
from reports.models import PublishedReport
from sro_program.models import PresentationRequest
from tests.factories import (
    AssignmentFactory,
    EnrollmentFactory,
    InteractionFactory,
    SchoolFactory,
    UserFactory,
)

EXTREME_VALUES = [
    "9999-12-31", "0001-01-01", "10000-01-01", "2026-02-30", "-99999999999999999999",
    "garbage\u00e9", "2026-13-01T25:61", "",
]
# Query parameters read by views directly (forms' fields are found on the pages themselves).
KNOWN_PARAMS = {
    "on", "status", "page", "student", "q", "school_cds", "date", "measure", "format",
    "unsuppressed", "school_year", "date_from", "date_to", "occurred_month", "year", "month",
    "language",
}


def url_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from url_patterns(p, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}", p


class GetFormFields(HTMLParser):
    """Names of the inputs and selects of the page's GET forms."""

    def __init__(self):
        super().__init__()
        self.names: set[str] = set()
        self.in_get_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_get_form = (attrs.get("method") or "get").lower() == "get"
        elif tag in ("input", "select", "textarea") and self.in_get_form and attrs.get("name"):
            self.names.add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_get_form = False


@pytest.fixture
def world(db):
    school = SchoolFactory(name="Alpha High School", cds_code="33671570000011")
    assignment = AssignmentFactory(school=school)
    officer = assignment.officer
    enrollment = EnrollmentFactory(school=school, school_year="2025-26")
    interaction = InteractionFactory(school=school, officer=officer, student=enrollment.student)
    superuser = UserFactory(username="edge.root", is_superuser=True, is_staff=True)
    request = RecordAccessRequest.objects.create(
        student=enrollment.student, school=school, agency=officer.agency, officer=officer,
        requested_by=superuser, records_requested="Attendance",
        legitimate_interest="Truancy follow-up", basis="school_official",
    )
    entry = DisclosureLogEntry.objects.create(
        student=enrollment.student, request=request, kind="request", basis="school_official",
        requester=str(officer), agency=officer.agency.name, records="Attendance",
    )
    presentation = PresentationRequest.objects.create(
        school=school, officer=officer, topic="Internet safety", audience="classroom",
        date=timezone.localdate() + dt.timedelta(days=20), requested_by=superuser,
    )
    published = PublishedReport.objects.create(
        title="Board report 2025-26", parameters={"school_year": "2025-26"},
        content={"schema": "sro-board-report/1"}, content_bytes=b'{"schema":"sro-board-report/1"}',
        sha256="0" * 64, published_by=superuser,
    )
    family_request = FamilyRecordRequest.objects.create(
        requester_name="A parent", relationship="parent", student_name="A student",
        student_birth_date=dt.date(2010, 1, 1), school=school, contact="555-0100",
        language="en",
    )
    mou = assignment.mou
    mou.document.save("signed.pdf", ContentFile(simple_pdf(["Signed"])), save=False)
    type(mou).objects.filter(pk=mou.pk).update(document=mou.document.name)
    student_id = enrollment.student.student_id
    kwargs = {
        "protected_media": {"path": mou.document.name},
        "mous:summary": {"pk": mou.pk},
        "mous:summary_pdf": {"pk": mou.pk},
        "sro_program:presentation_decide": {"pk": presentation.pk},
        "interactions:detail": {"pk": interaction.pk},
        "interactions:edit": {"pk": interaction.pk},
        "interactions:submit": {"pk": interaction.pk},
        "interactions:void": {"pk": interaction.pk},
        "interactions:review": {"pk": interaction.pk},
        "reports:export": {"fmt": "csv"},
        "reports:published": {"pk": published.pk},
        "reports:published_download": {"pk": published.pk, "fmt": "json"},
        "reports:withdraw": {"pk": published.pk},
        "public:report": {"pk": published.pk},
        "public:download": {"pk": published.pk, "fmt": "json"},
        "interactions:family_request_detail": {"pk": family_request.pk},
        "interactions:family_request_fulfil": {"pk": family_request.pk},
        "interactions:record_access_detail": {"pk": request.pk},
        "interactions:record_access_decide": {"pk": request.pk},
        "interactions:disclosure_log": {"student_id": student_id},
        "interactions:disclosure_log_csv": {"student_id": student_id},
        "interactions:disclosure_log_pdf": {"student_id": student_id},
        "interactions:disclosure_correct": {"student_id": student_id, "entry_pk": entry.pk},
    }
    client = Client()
    client.force_login(superuser)
    urls = {}
    for name, pattern in url_patterns():
        if name.startswith("admin:"):
            continue
        if pattern.pattern.converters and name not in kwargs:
            continue  # a URL added later without an entry above: reported by the test below
        urls[name] = reverse(name, kwargs=kwargs.get(name))
    return client, urls, kwargs


def test_every_parameterised_url_is_swept(world):
    _client, urls, kwargs = world
    missing = [
        name for name, pattern in url_patterns()
        if not name.startswith("admin:") and pattern.pattern.converters and name not in kwargs
    ]
    assert not missing, f"Give these URLs arguments in the world fixture: {missing}"
    assert len(urls) >= 30


STUDENT_DATA_URLS = [
    "interactions:list", "interactions:detail", "interactions:export_csv",
    "interactions:review_queue", "interactions:disclosure_log",
    "interactions:disclosure_log_csv", "interactions:disclosure_log_pdf",
    "interactions:record_access_list", "interactions:record_access_detail",
    "protected_media", "reports:index", "reports:export", "dashboard", "audit:log",
]


def test_signed_in_responses_are_never_cached(world):
    client, urls, _ = world
    assert set(STUDENT_DATA_URLS) <= set(urls)
    for name, url in urls.items():
        response = client.get(url)
        assert response["Cache-Control"] == "no-store, private", (name, response.status_code)


def test_extreme_query_values_never_give_a_500(world):
    client, urls, _ = world
    client.raise_request_exception = False
    failures, form_fields = [], set()
    for name, url in urls.items():
        # Every parameter at once (views that read request.GET directly) ...
        for value in EXTREME_VALUES:
            response = client.get(url, {p: value for p in KNOWN_PARAMS})
            if response.status_code >= 500:
                failures.append((name, "all known", value))
        # ... and each field of the page's own GET forms on its own (a form that refuses one
        # bad field must not hide another).
        page = client.get(url)
        if not page.get("Content-Type", "").startswith("text/html"):
            continue
        parser = GetFormFields()
        parser.feed(page.content.decode())
        form_fields |= {(name, p) for p in parser.names}
        for param in sorted(parser.names):
            for value in EXTREME_VALUES:
                response = client.get(url, {param: value})
                if response.status_code >= 500:
                    failures.append((name, param, value))
    assert not failures, failures
    # The pages' own filter forms were found and swept field by field.
    assert {("interactions:list", "date_from"), ("sro_program:compliance", "on")} <= form_fields


ADMIN_DATE_VALUES = [
    {"year": "9999", "month": "12", "day": "31"}, {"year": "10000"}, {"year": "0"},
    {"year": "1", "month": "1", "day": "1"}, {"year": "2026", "month": "13"},
    {"year": "x", "month": "y", "day": "z"},
]


def test_admin_date_drilldowns_with_extreme_values_never_give_a_500(world):
    from django.contrib import admin

    client, _urls, _ = world
    client.raise_request_exception = False
    failures, swept = [], 0
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        field = model_admin.date_hierarchy
        if field:
            for parts in ADMIN_DATE_VALUES:
                params = {f"{field}__{part}": value for part, value in parts.items()}
                swept += 1
                if client.get(url, params).status_code >= 500:
                    failures.append((url, params))
        for value in EXTREME_VALUES:
            params = {f"{f.name}__{lookup}": value for f in model._meta.fields
                      if f.get_internal_type() in ("DateField", "DateTimeField")
                      for lookup in ("gte", "lt", "exact")}
            if params:
                swept += 1
                if client.get(url, params).status_code >= 500:
                    failures.append((url, params))
    assert swept > 20
    assert not failures, failures


class FormValues(HTMLParser):
    """The named inputs, selects and textareas of a page's main form, with their values (the
    first option of each select)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self.date_fields: set[str] = set()
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "file", "checkbox"):
            self.values.setdefault(name, attrs.get("value") or "")
            if "vDateField" in (attrs.get("class") or "") or attrs.get("type") == "date":
                self.date_fields.add(name)
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and attrs.get("value"):
            self.values.setdefault(self._select, attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def test_admin_forms_refuse_extreme_dates_without_a_500(world):
    """Every admin add form, filled with its first choices and each extreme date in every date
    field: a page with a form error, or a redirect, never a 500."""
    from django.contrib import admin

    client, _urls, _ = world
    client.raise_request_exception = False
    failures, swept = [], 0
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        page = client.get(url)
        if page.status_code != 200:
            continue
        form = FormValues()
        form.feed(page.content.decode())
        if not form.date_fields:
            continue
        for value in ("9999-12-31", "0001-01-01", "10000-01-01"):
            data = {**form.values, **{name: value for name in form.date_fields}}
            data.update({k: "1" for k in data if k.endswith("hours") and not data[k]})
            swept += 1
            response = client.post(url, data)
            if response.status_code >= 500:
                failures.append((url, value))
            elif response.status_code == 200 and value == "9999-12-31":
                assert "between 1900-01-01 and 2999-12-31" in response.content.decode(), url
    assert swept >= 15
    assert not failures, failures
