"""WCAG 2.1 AA, guarded by a test: axe-core runs on every page that each demo persona
reaches, at a desktop and a phone viewport, and the test fails on any violation of the
WCAG 2.0/2.1 A and AA rules.

Pages are found, not listed: from each persona's front page the crawler follows same-origin
links and submits GET forms with their default values (a report preview, a filtered list),
breadth first to MAX_DEPTH. Addresses that differ only in ids count once (the same template
with other data), and each persona is capped at MAX_PAGES, so the test stays quick while a
new page is covered without anyone remembering to add it. Logout, downloads (PDF, CSV, XLSX,
JSON), uploads and POST forms are skipped. Of the Django admin, the pages program
administrators keep the program in are covered (agencies and MOUs; schools, officers,
assignments, training and presentations: lists, add and change forms, approve and terminate).

axe-core comes from npm (package.json, pinned) and is injected through the DevTools
protocol (an init script), so it runs with the page's Content Security Policy in force;
any CSP violation a page reports fails the test too.
"""

import re
from collections import deque
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import Error as PlaywrightError

from tests.factories import ensure_roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PERSONAS = ["district.admin", "superintendent", "site.admin", "staff", "sro", "custodian",
            "board"]
VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
MAX_DEPTH = 3
MAX_PAGES = 24  # per persona, application pages
MAX_ADMIN_PAGES = 45  # per persona, admin pages (its own budget: they sit deeper)

# Never followed: signing out, files rather than pages, look-up endpoints returning fragments.
SKIP = re.compile(
    r"logout|/export|/download|\.(pdf|csv|xlsx|json)$|^/media/|/delete/|/students/search/"
    r"|/officers/options/|/jsi18n/|/password/|/history/"
)
# Of the admin, its index and the program's pages (agencies, MOUs, schools, officers,
# assignments, training, presentations).
ADMIN_ALLOWED = re.compile(r"^/admin/($|mous/|sro_program/|auth/)")
ID_SEGMENT = re.compile(r"/[A-Za-z]?\d+(?=/|$|\.)")

AXE_RUN = """
async (tags) => {
  const result = await window.axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + n.failureSummary),
  }));
}
"""

# Same-origin links and GET forms (with their current values) of the page.
DISCOVER = """
() => {
  const out = [];
  for (const a of document.querySelectorAll("a[href]")) {
    if (a.hasAttribute("download")) continue;
    out.push(a.href);
  }
  for (const form of document.querySelectorAll("form")) {
    if ((form.getAttribute("method") || "get").toLowerCase() !== "get") continue;
    if (form.querySelector("input[type=file]")) continue;
    const url = new URL(form.getAttribute("action") || location.href, location.href);
    url.search = new URLSearchParams(new FormData(form)).toString();
    out.push(url.href);
  }
  return out;
}
"""


def pattern_of(url: str) -> str:
    """One key per page template: ids dropped; query parameter names kept (a report preview
    differs from the empty builder), except in the admin, whose filters are all one list."""
    parts = urlsplit(url)
    path = ID_SEGMENT.sub("/<id>", parts.path)
    if path.startswith("/admin/"):
        return path
    keys = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair} - {"page"})
    return path + ("?" + urlencode([(k, "") for k in keys]) if keys else "")


def followable(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return False
    if SKIP.search(parts.path):
        return False
    if parts.path.startswith("/admin/") and not ADMIN_ALLOWED.match(parts.path):
        return False
    return True


@pytest.fixture
def demo_district(db):
    ensure_roles()
    call_command("seed_demo", students=300, interactions=300, years=2, force=True,
                 stdout=open("/dev/null", "w"))  # noqa: SIM115


def sign_in_demo(page, origin: str, username: str) -> None:
    page.goto(f"{origin}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    assert "/accounts/login/" not in page.url, f"{username} could not sign in"


def crawl(page, origin: str) -> list[str]:
    """Breadth first from the front page; returns one address per page pattern."""
    seen: set[str] = set()
    found: list[str] = []
    queue = deque([(f"{origin}/", 0)])
    counts = {"admin": 0, "app": 0}
    while queue and sum(counts.values()) < MAX_PAGES + MAX_ADMIN_PAGES:
        url, depth = queue.popleft()
        key = pattern_of(url)
        if key in seen:
            continue
        area = "admin" if key.startswith("/admin/") else "app"
        if counts[area] >= (MAX_ADMIN_PAGES if area == "admin" else MAX_PAGES):
            continue
        seen.add(key)
        try:
            response = page.goto(url)
        except PlaywrightError as error:  # a GET form that answers with a file download
            if "Download is starting" in str(error):
                continue
            raise
        if response is None or response.status != 200:
            continue
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        found.append(url)
        counts[area] += 1
        if depth >= MAX_DEPTH:
            continue
        for link in page.evaluate(DISCOVER):
            link = link.split("#")[0]
            if followable(link, origin) and pattern_of(link) not in seen:
                queue.append((link, depth + 1))
    return found


axe_running = False


def check(page, url: str) -> list[dict]:
    global axe_running
    page.goto(url)
    page.wait_for_load_state("load")
    axe_running = True
    try:
        return page.evaluate(AXE_RUN, WCAG_TAGS)
    finally:
        page.wait_for_timeout(50)  # let the console reports of the run arrive first
        axe_running = False


def test_every_page_every_persona_meets_wcag_21_aa(browser, live_server, demo_district):
    axe_source = AXE_JS.read_text(encoding="utf-8")
    origin = live_server.url
    failures: list[str] = []
    csp: list[str] = []
    views = 0
    covered: set[str] = set()
    for username in PERSONAS:
        context = browser.new_context(viewport=VIEWPORTS["desktop"])
        context.add_init_script(script=axe_source)
        page = context.new_page()
        # Reported by the page while it loads and runs its scripts. axe itself, while it
        # runs, tries to copy stylesheets into <style> elements (its CSS preload), which the
        # policy rightly refuses; those reports are axe's, not the page's, and are left out.
        page.on("console", lambda msg, who=username, p=page: csp.append(
            f"{who} {p.url}: {msg.text}")
            if "Content Security Policy" in msg.text and not axe_running else None)
        try:
            sign_in_demo(page, origin, username)
            pages = crawl(page, origin)
            print(f"\n{username}: " + " ".join(sorted(pattern_of(u) for u in pages)))
            for viewport, size in VIEWPORTS.items():
                page.set_viewport_size(size)
                for url in pages:
                    views += 1
                    covered.add(pattern_of(url))
                    violations = check(page, url)
                    if viewport == "phone":  # reflow (1.4.10): the page never scrolls sideways
                        wide = page.evaluate("document.documentElement.scrollWidth")
                        if wide > size["width"] + 1:
                            failures.append(f"{username} {viewport} {url.removeprefix(origin)}: "
                                            f"page is {wide}px wide, wider than the screen")
                    for v in violations:
                        failures.append(
                            f"{username} {viewport} {url.removeprefix(origin)}: {v['id']} "
                            f"({v['impact']}) {v['help']}\n    " + "\n    ".join(v["nodes"])
                        )
        finally:
            context.close()
    print(f"\naxe-core: {views} page views ({len(covered)} page patterns, "
          f"{len(PERSONAS)} personas x {len(VIEWPORTS)} viewports)")
    assert not failures, f"{len(failures)} axe violations:\n" + "\n".join(failures)
    assert csp == [], f"CSP violations: {csp}"
    # The crawl itself is guarded: it must have reached the pages it exists for.
    for expected in ["/", "/admin/mous/mou/", "/admin/mous/mou/add/",
                     "/admin/mous/mou/<id>/change/", "/interactions/new/", "/reports/build/",
                     "/accessibility/", "/admin/auth/user/add/",
                     "/admin/auth/user/<id>/change/"]:
        assert any(k.split("?")[0] == expected for k in covered), f"not reached: {expected}"
    assert any(k.startswith("/reports/build/?") for k in covered), "no report preview reached"
    assert views >= 100
