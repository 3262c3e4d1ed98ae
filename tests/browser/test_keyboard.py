"""Keyboard only, on a phone: from the front page to a saved interaction, with Tab, Enter,
Space, arrow keys and typing, never a click. At every stop the focus must be visible: an
outline at least 2px wide whose colour has at least 3:1 contrast with the background around
it, computed from the page's styles (Bootstrap's own `outline: 0` must lose). A submission
with errors puts focus on the error summary, also after "Skip to main content"."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from interactions.models import Interaction
from sro_program import roles
from tests.factories import (
    AssignmentFactory,
    EnrollmentFactory,
    MOUFactory,
    OfficerFactory,
    StudentFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
CHOICES = {"id_location": "campus", "id_initiated_by": "sro_observed",
           "id_reason": "threat_to_safety"}

# The focused element's outline and its contrast with the first opaque background around it
# (the outline sits outside the element, so the element's own background does not count).
FOCUS_STYLE = """
() => {
  const el = document.activeElement;
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const lum = (c) => {
    const ch = [c.r, c.g, c.b].map(v => {
      v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
  };
  let bg = null;
  for (let node = el.parentElement; node; node = node.parentElement) {
    const c = parse(getComputedStyle(node).backgroundColor);
    if (c && c.a > 0.5) { bg = c; break; }
  }
  bg = bg || {r: 255, g: 255, b: 255, a: 1};
  const style = getComputedStyle(el);
  const outline = parse(style.outlineColor);
  const l1 = lum(outline), l2 = lum(bg);
  return {
    tag: el.tagName, id: el.id, text: (el.textContent || "").trim().slice(0, 40),
    style: style.outlineStyle, width: parseFloat(style.outlineWidth),
    ratio: (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05),
  };
}
"""


@pytest.fixture
def scene(school_a):
    UserFactory(username="staff", role=roles.STAFF, schools=[school_a])
    officer = OfficerFactory(last_name="Ramirez", first_name="Luis", badge_number="4711")
    AssignmentFactory(officer=officer, school=school_a, start_date=dt.date(2025, 8, 1),
                      mou=MOUFactory(agency=officer.agency))
    student = StudentFactory(student_id="S200001", last_name="Garcia", first_name="Ana")
    EnrollmentFactory(student=student, school=school_a, school_year="2025-26")


class Keyboard:
    def __init__(self, page):
        self.page = page
        self.stops = []

    def tab(self) -> dict:
        self.page.keyboard.press("Tab")
        focus = self.page.evaluate(FOCUS_STYLE)
        if focus["tag"] != "BODY":
            self.stops.append(focus)
            where = f"{focus['tag']}#{focus['id']} '{focus['text']}' on {self.page.url}"
            assert focus["style"] not in ("none", "hidden") and focus["width"] >= 2, (
                f"no visible focus outline: {where}")
            assert focus["ratio"] >= 3, f"focus outline {focus['ratio']:.2f}:1 < 3:1: {where}"
        return focus

    def tab_to(self, matches, limit: int = 80) -> dict:
        for _ in range(limit):
            focus = self.tab()
            if matches(focus):
                return focus
        raise AssertionError("not reached by Tab")


def test_log_an_interaction_with_the_keyboard_on_a_phone(page, live_server, sign_in, scene):
    sign_in(page, "staff")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/")
    keys = Keyboard(page)

    # The menu is collapsed on a phone: open it, then follow "Log interaction".
    keys.tab_to(lambda f: f["tag"] == "BUTTON" and f["text"] == "")  # the menu toggle
    page.keyboard.press("Enter")
    keys.tab_to(lambda f: f["tag"] == "A" and f["text"] == "Log interaction")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Log an interaction")).to_be_visible()
    page.wait_for_load_state("load")  # the page's scripts, not only its first paint

    # "Skip to main content", then submit the empty form: focus lands on the error summary
    # (the address carries no #main, so the browser does not move focus to <main>).
    keys.tab_to(lambda f: f["text"] == "Skip to main content")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    keys.tab_to(lambda f: f["tag"] == "BUTTON" and f["text"] == "Submit")
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert "#" not in page.url

    # Fill in every field by keyboard, from the summary on, and submit.
    done = set()
    for _ in range(120):
        focus = keys.tab()
        field = focus["id"]
        if field and field in done:
            continue
        done.add(field)
        if field == "id_occurred_at":
            page.keyboard.type("10142025")
            page.keyboard.press("Tab")
            page.keyboard.type("1030A")
        elif field == "id_student_id":
            page.keyboard.type("S200001")
        elif field == "id_officer_badge":
            # The list is refreshed for each date typed: let those look-ups settle first.
            page.wait_for_load_state("networkidle")
            expect(page.locator("#id_officer_badge option[value='4711']")).to_have_count(1)
            page.keyboard.press("ArrowDown")
            assert page.input_value("#id_officer_badge") == "4711"
        elif field in CHOICES:
            for _ in range(20):  # arrow keys through the closed list to the choice
                if page.input_value(f"#{field}") == CHOICES[field]:
                    break
                page.keyboard.press("ArrowDown")
            assert page.input_value(f"#{field}") == CHOICES[field]
        elif field == "id_outcomes_0":
            page.keyboard.press("Space")
        elif field == "id_narrative":
            page.keyboard.type("Talked with the student in the hallway; no further action.")
        elif focus["tag"] == "BUTTON" and focus["text"] == "Submit":
            assert page.input_value("#id_officer_badge") == "4711"
            page.keyboard.press("Enter")
            break
    else:
        raise AssertionError("the Submit button was never reached")

    # The saved confirmation.
    expect(page.get_by_role("heading", name=re.compile(r"Interaction \d+"))).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("submitted")
    interaction = Interaction.objects.get()
    assert interaction.status == Interaction.Status.SUBMITTED
    assert interaction.student.student_id == "S200001"
    assert len(keys.stops) > 20  # every one of them checked for a visible focus
