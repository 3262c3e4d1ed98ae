"""A polyglot upload cannot run in the browser: the upload form refuses it, and a hostile file
that is already stored (from before the checks) is served inert, so a page on the app's own
origin can neither run it as a script nor render it as HTML."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from sro_program import roles
from tests.factories import AgencyFactory, UserFactory
from tests.mous.conftest import make_draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCRIPT = "window.top.polyglotRan = true;"
HTML_POLYGLOT = f"%PDF-1.7\n<html><body><script>{SCRIPT}</script></body></html>".encode()
UTF16_JS_POLYGLOT = b"%PDF-" + ("\n" + SCRIPT).encode("utf-16-le")


def stored_as_document(mou, name: str, content: bytes) -> str:
    stored = default_storage.save(name, ContentFile(content))
    type(mou).objects.filter(pk=mou.pk).update(document=stored)
    return stored


def test_polyglot_upload_cannot_run(page, live_server, sign_in, tmp_path):
    UserFactory(username="dadmin", role=roles.DISTRICT_ADMIN, is_staff=True)
    agency = AgencyFactory()
    draft = make_draft(agency, version=1, title="SRO Services Agreement")
    sign_in(page, "dadmin")

    # The upload form refuses the polyglots, by name and by content.
    for name, content, message in (
        ("evil.html", HTML_POLYGLOT, "does not end in .pdf"),
        ("evil.pdf", UTF16_JS_POLYGLOT, "The file is not a PDF"),
    ):
        path = tmp_path / name
        path.write_bytes(content)
        page.goto(f"{live_server.url}/admin/mous/mou/{draft.pk}/change/")
        page.set_input_files("#id_document", str(path))
        page.locator("input[name=_save]").click()
        page.wait_for_load_state("domcontentloaded")
        assert message in page.locator(".errorlist").first.inner_text()
    draft.refresh_from_db()
    assert not draft.document

    # Files that got in before the checks, each the current document of an MOU.
    other = make_draft(agency, version=2, title="SRO Services Agreement")
    html_url = "/media/" + stored_as_document(draft, "mous/2025/evil.html", HTML_POLYGLOT)
    js_url = "/media/" + stored_as_document(other, "mous/2025/evil.js", UTF16_JS_POLYGLOT)

    # An attacker's page on the app's own origin (as stored XSS would give): it loads the
    # polyglot as a script and frames it as a page. A control script proves scripts run here.
    attack = f"{live_server.url}/attack-page"
    page.route(attack, lambda route: route.fulfill(content_type="text/html", body=f"""
        <html><body>
        <script src="/control.js"></script>
        <script src="{js_url}"></script>
        <iframe src="{html_url}"></iframe>
        </body></html>"""))
    page.route(f"{live_server.url}/control.js", lambda route: route.fulfill(
        content_type="text/javascript", body="window.controlRan = true;"))
    page.goto(attack)
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)
    assert page.evaluate("window.controlRan") is True
    assert page.evaluate("window.polyglotRan") is None

    # Opened directly, the polyglot is a download, never a page of the app's origin.
    with page.expect_download() as download:
        page.evaluate(f"window.location.href = '{html_url}'")
    assert download.value.suggested_filename == "evil.html"
    assert page.evaluate("window.polyglotRan") is None
