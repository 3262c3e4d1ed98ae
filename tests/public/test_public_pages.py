"""The public transparency pages: no sign-in, only what published snapshots hold, cached and
rate-limited per client, in English and Spanish."""

from __future__ import annotations

import csv
import io
import json
import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interactions.models import Interaction
from public.snapshots import summary_points, withdrawal
from reports.models import PublishedReport


def _stable(content: bytes) -> bytes:
    """The page without what differs on every response (CSRF token, CSP nonce)."""
    return re.sub(rb'(name="csrfmiddlewaretoken" value|nonce)="[^"]*"', b"", content)


def _tables(queries) -> set[str]:
    found = set()
    for q in queries:
        found |= set(re.findall(r'(?:FROM|JOIN)\s+"?(\w+)"?', q["sql"]))
    return found


def test_anonymous_reads_published_reports_newest_first(client, dataset, publish):
    older = publish(min_cell=5)
    newer = publish()
    assert newer.published_at >= older.published_at
    response = client.get(reverse("public:index"))
    assert response.status_code == 200
    html = response.content.decode()
    listing = html.split('data-testid="public-report-list"')[1]
    items = re.findall(r'href="/public/reports/(\d+)/"', listing)
    assert items[:2] == [str(newer.pk), str(older.pk)]
    assert 'data-testid="public-summary"' in html
    assert 'data-testid="report-chart"' in html
    for fmt in ("pdf", "csv", "json"):
        assert reverse("public:download", args=[newer.pk, fmt]) in html
    assert "xlsx" not in html.split('data-testid="public-latest"')[1].split("</section>")[0]


def test_public_pages_read_only_the_snapshot(client, dataset, publish):
    """Every query the public report pages make reads the published snapshot table: nothing
    comes from a live report query. Changing the live data changes nothing on the page."""
    snapshot = publish()
    urls = [reverse("public:index"), reverse("public:report", args=[snapshot.pk]),
            reverse("public:download", args=[snapshot.pk, "csv"]),
            reverse("public:download", args=[snapshot.pk, "json"])]
    before = {}
    with CaptureQueriesContext(connection) as ctx:
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            before[url] = _stable(response.content)
    assert _tables(ctx.captured_queries) == {"reports_publishedreport"}

    # More interactions in the live data: the public pages still show the snapshot.
    first = Interaction.objects.filter(voided=False).exclude(status="draft").first()
    Interaction.objects.filter(pk=first.pk).update(arrest=True, use_of_force=True)
    from django.core.cache import cache

    cache.clear()
    for url in urls:
        assert _stable(client.get(url).content) == before[url], url


def test_json_download_is_the_published_bytes_and_csv_is_rendered_from_them(
    client, dataset, publish
):
    snapshot = publish()
    json_response = client.get(reverse("public:download", args=[snapshot.pk, "json"]))
    assert json_response.content == snapshot.exact_bytes()
    csv_response = client.get(reverse("public:download", args=[snapshot.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    report = json.loads(snapshot.exact_bytes())
    totals = {(r[3], r[4]): r[5] for r in rows if r and r[0] == "totals"}
    for entry in report["totals"]:
        expected = "" if entry["students"] is None else str(entry["students"])
        assert totals[(entry["measure"], "students")] == expected
    pdf = client.get(reverse("public:download", args=[snapshot.pk, "pdf"]))
    assert pdf.content.startswith(b"%PDF")
    assert client.get(reverse("public:download", args=[snapshot.pk, "xlsx"])).status_code == 404
    assert client.get(reverse("public:download", args=[9999, "csv"])).status_code == 404


def test_page_is_cached(client, dataset, publish, django_assert_num_queries):
    snapshot = publish()
    client.get(reverse("public:report", args=[snapshot.pk]))
    client.get(reverse("public:index"))
    with django_assert_num_queries(0):
        assert client.get(reverse("public:report", args=[snapshot.pk])).status_code == 200
        assert client.get(reverse("public:index")).status_code == 200


def test_a_flood_from_one_client_is_throttled(client, db, settings):
    settings.PUBLIC_RATE_LIMIT = (5, 60)
    statuses = [client.get(reverse("public:policy"), REMOTE_ADDR="127.0.0.2").status_code
                for _ in range(12)]
    assert statuses[:5] == [200] * 5
    assert set(statuses[5:]) == {429}
    throttled = client.get(reverse("public:policy"), REMOTE_ADDR="127.0.0.2")
    assert throttled["Retry-After"] == "60"
    assert b"Too many requests" in throttled.content
    # Another client is not affected.
    assert client.get(reverse("public:policy"), REMOTE_ADDR="127.0.0.3").status_code == 200


def test_spanish_from_the_browser_and_unknown_languages_fall_back_to_english(
    client, dataset, publish
):
    publish()
    es = client.get(reverse("public:index"), HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")
    assert '<html lang="es">' in es.content.decode()
    assert "Informes públicos" in es.content.decode()
    fr = client.get(reverse("public:index"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert '<html lang="en">' in fr.content.decode()
    assert "public reports" in fr.content.decode()


def test_language_switcher_cookie(client, db):
    response = client.post(reverse("set_language"),
                           {"language": "es", "next": reverse("public:policy")})
    assert response.status_code == 302 and response["Location"] == reverse("public:policy")
    page = client.get(reverse("public:policy"))
    assert '<html lang="es">' in page.content.decode()
    # An unknown language changes nothing; an off-site next is refused.
    response = client.post(reverse("set_language"),
                           {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert '<html lang="es">' in client.get(reverse("public:policy")).content.decode()


def test_policy_mou_and_methods_pages(client, dataset):
    policy = client.get(reverse("public:policy")).content.decode()
    assert "SCHOOL RESOURCE OFFICERS" in policy and "memorandum of understanding" in policy
    mou = client.get(reverse("public:mou")).content.decode()
    assert 'data-testid="public-mou"' in mou
    for heading in ("Purpose", "Roles and responsibilities", "Information sharing",
                    "SRO qualifications and training", "Assigned duty hours",
                    "Performance monitoring"):
        assert heading in mou
    from mous.models import MOUElement

    for supervisor in MOUElement.objects.exclude(supervisor="").values_list("supervisor",
                                                                          flat=True):
        assert supervisor not in mou  # never a person's name
    assert "/media/" not in mou  # never the signed document
    methods = client.get(reverse("public:methods"))
    assert methods.status_code == 200 and b"data-testid=\"methods-text\"" in methods.content


def test_withdrawn_and_summary_helpers():
    assert withdrawal(SimpleNamespace()) is None
    gone = withdrawal(SimpleNamespace(withdrawn_at="2026-01-01", withdrawal_reason="error"))
    assert gone == {"at": "2026-01-01", "reason": "error"}
    assert summary_points({}) == []
    assert summary_points({"summary": "One."}) == ["One."]
    assert summary_points({"summary": {"points": ["A", "B"]}}) == ["A", "B"]


def test_withdrawn_report_is_marked(client, dataset, publish):
    snapshot = publish()
    if not hasattr(PublishedReport, "withdrawn_at"):
        pytest.skip("PublishedReport has no withdrawal fields in this branch")
    PublishedReport.objects.filter(pk=snapshot.pk).update(withdrawn_at="2026-01-01T00:00Z")
    html = client.get(reverse("public:report", args=[snapshot.pk])).content.decode()
    assert 'data-testid="withdrawn-note"' in html
