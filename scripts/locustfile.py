"""A busy morning for `make loadtest` (scripts/loadtest.sh runs this headless).

- Site staff (`staff`, `site.admin`) log interactions through the real form (GET, then POST with
  the CSRF token), look at the interaction list and filter it, and look a student up.
- The superintendent previews a report and looks at the district-wide list.

Every simulated user signs in once through /accounts/login/. Valid schools, officers and
students come from var/loadtest/fixtures.json (scripts/loadtest_prepare.py), so every POST is a
record the application should accept; a POST that comes back with form errors counts as a
failure, with the first error message as its reason.
"""

from __future__ import annotations

import csv
import html
import json
import os
import random
import re
import time as time_module
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import gevent
from locust import FastHttpUser, between, events, task

FIXTURES_PATH = Path(os.environ.get("LOADTEST_FIXTURES", "var/loadtest/fixtures.json"))
FIXTURES = json.loads(FIXTURES_PATH.read_text())
WAIT = between(float(os.environ.get("WAIT_MIN", "1")), float(os.environ.get("WAIT_MAX", "3")))
REPORT_PREVIEW = os.environ.get("REPORT_PREVIEW", "")  # a path instead of /reports/build/?...

# Phases. Warm-up: users arrive and sign in, each gunicorn worker serves its first requests.
# When every user has signed in and WARMUP more seconds have passed, locust's statistics are
# reset and the measured window of DURATION seconds starts; then the run stops itself.
WARMUP = float(os.environ.get("LOADTEST_WARMUP", "10"))
DURATION = float(os.environ.get("LOADTEST_DURATION", "60"))
# Every request with its start time and phase, for the summary's warm-up table.
REQUEST_LOG = os.environ.get("LOADTEST_REQUEST_LOG", "")
_requests: list[tuple[str, float, str, str, float, int]] = []
_phase = {"name": "warmup", "signed_in": 0}


@events.request.add_listener
def _record(request_type, name, response_time, exception, start_time=None, **kwargs):
    _requests.append(
        (_phase["name"], start_time or 0.0, request_type, name, response_time, int(bool(exception)))
    )


@events.spawning_complete.add_listener
def _start_measuring(user_count, **kwargs):
    environment = _phase["environment"]

    def measure():
        while _phase["signed_in"] < user_count:
            gevent.sleep(0.1)
        gevent.sleep(WARMUP)
        environment.stats.reset_all()
        _phase["name"] = "measured"
        start = cpu_sample()
        gevent.sleep(DURATION)
        end = cpu_sample()
        _phase["cpu"] = {k: end[k] - start[k] for k in start}
        environment.runner.quit()

    gevent.spawn(measure)


def gunicorn_cpu_seconds() -> float:
    """CPU time used so far by the gunicorn master LOADTEST_GUNICORN_PID and its workers."""
    master = os.environ.get("LOADTEST_GUNICORN_PID")
    if not master:
        return 0.0
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pid, rest = stat.read_text().split(" ", 1)
        except OSError:
            continue
        fields = rest.rsplit(")", 1)[1].split()
        if pid == master or fields[1] == master:  # fields[1] is the parent's pid
            ticks += int(fields[11]) + int(fields[12])  # utime + stime
    return ticks / os.sysconf("SC_CLK_TCK")


def cpu_sample() -> dict[str, float]:
    """CPU seconds so far: the whole machine (busy), gunicorn, and this locust process."""
    hz = os.sysconf("SC_CLK_TCK")
    cpu = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    idle = int(cpu[3]) + int(cpu[4])  # idle + iowait
    times = os.times()
    return {
        "wall": time_module.monotonic(),
        "machine_busy": (sum(int(v) for v in cpu[:8]) - idle) / hz,
        "gunicorn": gunicorn_cpu_seconds(),
        "locust": times.user + times.system,
    }


@events.init.add_listener
def _keep_environment(environment, **kwargs):
    _phase["environment"] = environment


@events.quitting.add_listener
def _write_request_log(environment, **kwargs):
    if REQUEST_LOG and "cpu" in _phase:
        Path(REQUEST_LOG).with_name("cpu.json").write_text(json.dumps(_phase["cpu"]))
    if REQUEST_LOG:
        with open(REQUEST_LOG, "w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["phase", "start", "method", "name", "ms", "failed"])
            writer.writerows(sorted(_requests, key=lambda r: r[1]))


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ERROR = re.compile(r'class="[^"]*invalid-feedback[^"]*"[^>]*>\s*(?:<strong>)?([^<]+)', re.S)
ALERT = re.compile(r'class="alert alert-(?:danger|block)[^"]*"[^>]*>(.*?)</div>', re.S)
TAGS = re.compile(r"<[^>]+>")

REASONS = ["welfare_check", "threat_to_safety", "truancy", "property_offense", "other"]
OUTCOMES = [
    "no_action",
    "warning",
    "referral_school_admin",
    "referral_support",
    "parent_contacted",
    "restorative",
]
LOCATIONS = ["campus", "campus", "campus", "school_activity", "off_campus"]
NARRATIVES = [
    "Student upset after a conflict in the quad; talked it through and walked to class.",
    "Checked on a student reported missing from period 3; found in the library.",
    "Student asked to speak with the SRO about a concern on the bus; referred to counselor.",
    "",
]
SEARCH_WORDS = ["Gar", "Ngu", "Smi", "Lop", "Kim", "Pat", "Her", "Mar", "Joh", "Wil"]


def csrf_token(text: str) -> str | None:
    match = CSRF.search(text or "")
    return html.unescape(match.group(1)) if match else None


def first_error(text: str) -> str:
    for pattern in (ERROR, ALERT):
        match = pattern.search(text or "")
        if match:
            return " ".join(html.unescape(TAGS.sub(" ", match.group(1))).split())[:200]
    return "no error message found in the page"


class SignedInUser(FastHttpUser):
    abstract = True
    wait_time = WAIT
    usernames: list[str] = []

    def on_start(self):
        self.username = random.choice(self.usernames)
        try:
            self.sign_in()
        finally:
            _phase["signed_in"] += 1

    def sign_in(self):
        with self.client.get(
            "/accounts/login/", name="/accounts/login/", catch_response=True
        ) as page:
            token = csrf_token(page.text)
            if not token:
                page.failure("no CSRF token on the sign-in page")
                return
        with self.client.post(
            "/accounts/login/",
            data={
                "csrfmiddlewaretoken": token,
                "username": self.username,
                "password": FIXTURES["password"],
            },
            name="/accounts/login/",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in as {self.username} answered {response.status_code}")

    def get_page(self, path: str, name: str):
        with self.client.get(
            path, name=name, catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {path}")
            return response


class SiteStaff(SignedInUser):
    """Staff and site administrators of a school: everyone but the superintendent."""

    usernames = ["staff", "site.admin"]

    def on_start(self):
        super().on_start()
        self.schools = FIXTURES["users"][self.username]

    def occurred_at(self, day: str) -> str:
        """A time during the school day (07:30-15:30), never in the future."""
        zone = ZoneInfo(FIXTURES["time_zone"])
        start = datetime.combine(datetime.fromisoformat(day).date(), time(7, 30), zone)
        minutes = 8 * 60
        now = datetime.now(zone)
        if start + timedelta(minutes=minutes) > now:
            minutes = max(1, int((now - start).total_seconds() // 60) - 1)
        return (start + timedelta(minutes=random.randrange(minutes))).strftime("%Y-%m-%dT%H:%M")

    @task(3)
    def log_interaction(self):
        form = self.get_page("/interactions/new/", "/interactions/new/")
        token = csrf_token(form.text)
        if not token:
            return
        school = random.choice(self.schools)
        day = random.choice(list(school["officers_by_day"]))
        data = {
            "csrfmiddlewaretoken": token,
            "occurred_at": self.occurred_at(day),
            "school_cds": school["cds"],
            "student_id": random.choice(school["students"]),
            "officer_badge": random.choice(school["officers_by_day"][day]),
            "location": random.choice(LOCATIONS),
            "initiated_by": "sro_observed",
            "requested_by_role": "",
            "reason": random.choice(REASONS),
            "justification": "",
            "outcomes": random.choice(OUTCOMES),
            "injury": "",
            "narrative": random.choice(NARRATIVES),
            "action": "submit",
        }
        if random.random() < 0.3:
            data["de_escalation"] = "on"
        with self.client.post(
            "/interactions/new/",
            data=data,
            name="/interactions/new/",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                response.failure("form errors: " + first_error(response.text))
            elif response.status_code != 302:
                response.failure(f"{response.status_code}")

    @task(4)
    def interaction_list(self):
        self.get_page("/interactions/", "/interactions/")

    @task(3)
    def interaction_list_filtered(self):
        school = random.choice(self.schools)
        filters = random.choice(
            [
                {"reason": random.choice(REASONS)},
                {"school": school["id"], "status": "submitted"},
                {"outcome": random.choice(OUTCOMES)},
                {"flag": "outside_role"},
                {"date_from": min(school["officers_by_day"])},
            ]
        )
        query = "&".join(f"{k}={v}" for k, v in filters.items())
        self.get_page(f"/interactions/?{query}", "/interactions/?filters")

    @task(1)
    def interaction_list_page_two(self):
        self.get_page("/interactions/?page=2", "/interactions/?page=2")

    @task(1)
    def student_search(self):
        with self.client.get(
            f"/interactions/students/search/?q={random.choice(SEARCH_WORDS)}",
            name="/interactions/students/search/",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")


class Superintendent(SignedInUser):
    """The superintendent previews the Board report and scans the district-wide list. A
    district has one: always exactly one of the simulated users."""

    fixed_count = 1
    usernames = ["superintendent"]
    measures = [
        "referral_to_law_enforcement",
        "arrest",
        "use_of_force",
        "search",
        "outside_sro_role",
    ]

    @task(2)
    def report_preview(self):
        path = REPORT_PREVIEW or (
            f"/reports/build/?school_year={FIXTURES['report_school_year']}"
            f"&measure={random.choice(self.measures)}"
        )
        self.get_page(path, "/reports/build/ (preview)")

    @task(1)
    def district_list(self):
        self.get_page("/interactions/", "/interactions/")
