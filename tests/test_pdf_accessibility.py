"""Every PDF the application produces is tagged (PDF/UA-1): a structure tree with headings,
table headers, the document's language and title, and alternative text on every chart that
states its figures; the tree follows the page's reading order (the title heading first).

The board report, the MOU summary and the disclosure log are fetched through their views,
as a user gets them, from the demo district."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from interactions.models import DisclosureLogEntry
from mous.models import MOU
from tests.factories import ensure_roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    ensure_roles()
    call_command("seed_demo", students=300, interactions=300, years=2, force=True,
                 stdout=io.StringIO())


def structure(pdf: bytes) -> tuple[PdfReader, list[DictionaryObject]]:
    """The PDF and its structure elements in tree order (depth first = reading order)."""
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root, "untagged PDF: no structure tree"
    elements: list[DictionaryObject] = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, ArrayObject):
            for kid in node:
                walk(kid)
            return
        if not isinstance(node, DictionaryObject):
            return  # a marked-content id
        if "/S" in node:
            elements.append(node)
        if "/K" in node:
            walk(node["/K"])

    walk(root["/StructTreeRoot"])
    return reader, elements


def assert_tagged(pdf: bytes, title: str) -> list[DictionaryObject]:
    reader, elements = structure(pdf)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert root["/MarkInfo"]["/Marked"] in (True, "true")
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] in (True, "true")
    assert reader.metadata.title and title in reader.metadata.title
    types = [str(e["/S"]) for e in elements]
    headings = [t for t in types if re.fullmatch(r"/H[1-6]", t)]
    assert headings and headings[0] == "/H1", f"the title heading comes first: {headings[:3]}"
    assert "/Table" in types and "/TH" in types, "tables keep their header cells"
    for figure in (e for e in elements if e["/S"] == "/Figure"):
        assert str(figure.get("/Alt", "")).strip(), "a figure without alternative text"
    return elements


def test_board_report_mou_summary_and_disclosure_log_pdfs_are_tagged(as_user, demo):
    """One demo district for the three documents (seeding it is the slow part)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects

    # Board report: every chart is a Figure whose Alt is the chart's text, with figures.
    client = as_user(users.get(username="superintendent"))
    year = client.get(reverse("reports:build")).context["form"].fields["school_year"].initial
    # Unsuppressed (the superintendent's confidential copy): a 300-student demo withholds
    # nearly every rate in the published one, and this test is about the charts' tagging.
    query = f"?school_year={year}&unsuppressed=on"
    response = client.get(reverse("reports:export", args=["pdf"]) + query)
    assert response.status_code == 200, response.content[:300]
    elements = assert_tagged(response.content, "report to the Board")
    figures = [e for e in elements if e["/S"] == "/Figure"]
    preview = client.get(reverse("reports:build") + query)
    charts = [c for c in preview.context["charts"] if c["uri"]]
    assert charts, "the demo report draws at least one chart"
    assert len(figures) == len(charts)
    for figure, chart in zip(figures, charts, strict=True):
        alt = str(figure["/Alt"])
        assert alt == chart["alt"]
        assert re.search(r"\d", alt) and "chart" in alt.lower(), alt  # figures, not "chart"

    # MOU summary (Board packet).
    mou = MOU.objects.order_by("pk").first()
    client = as_user(users.get(username="district.admin"))
    response = client.get(reverse("mous:summary_pdf", args=[mou.pk]))
    assert response.status_code == 200
    assert_tagged(response.content, "Board packet summary")

    # Disclosure log of a student.
    student = DisclosureLogEntry.objects.order_by("pk").first().student
    client = as_user(users.get(username="custodian"))
    response = client.get(reverse("interactions:disclosure_log_pdf", args=[student.student_id]))
    assert response.status_code == 200
    assert_tagged(response.content, "Disclosure log")
