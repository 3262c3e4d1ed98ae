"""Published reports name their publisher by full name, stored at publish time."""

import json

import pytest
from django.urls import reverse

from reports import exports
from reports.models import PublishedReport
from sro_program import roles
from tests.factories import UserFactory
from tests.reports.factories import build_dataset

A = "33671570000011"


@pytest.fixture
def dataset(db, school_a, school_b):
    return build_dataset(school_a, school_b)


def test_published_by_shows_the_full_name(as_user, dataset):
    supt = UserFactory(username="jrivera", first_name="Julia", last_name="Rivera",
                       role=roles.SUPERINTENDENT, is_staff=True)
    client = as_user(supt)
    data = {"school_year": "2025-26", "schools": [A]}
    key = client.get(reverse("reports:publish"), data).context["content_key"]
    client.post(reverse("reports:publish"), {**data, "content_key": key})
    snapshot = PublishedReport.objects.get()
    assert snapshot.published_by_name == "Julia Rivera"
    assert snapshot.published_by_username == "jrivera"
    page = client.get(reverse("reports:published", args=[snapshot.pk])).content.decode()
    assert "by Julia Rivera." in page
    listing = client.get(reverse("reports:index")).content.decode()
    assert "Julia Rivera" in listing
    html = exports.to_html_for_pdf(json.loads(snapshot.exact_bytes()), published={
        "at": snapshot.published_at, "by": snapshot.publisher_name, "sha256": snapshot.sha256})
    assert "by Julia Rivera" in html and snapshot.sha256 in html


def test_publisher_name_falls_back_for_older_snapshots(db):
    user = UserFactory(username="old", first_name="Olga", last_name="Dent")
    snapshot = PublishedReport(published_by=user, published_by_username="old")
    assert snapshot.publisher_name == "Olga Dent"
    assert PublishedReport(published_by_username="gone").publisher_name == "gone"
