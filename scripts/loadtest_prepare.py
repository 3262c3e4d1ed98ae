"""Print, as JSON, what each simulated load-test user may validly log: for each of the user's
schools, some school days, the officers assigned there on each of them, and students enrolled
there that school year.

Run by scripts/loadtest.sh with the load-test database in DATABASE_URL:
    python scripts/loadtest_prepare.py > var/loadtest/fixtures.json
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.utils import timezone  # noqa: E402

from interactions.codes import school_year_of  # noqa: E402
from interactions.forms import officers_assigned  # noqa: E402
from interactions.models import Enrollment, Student  # noqa: E402
from sro_program.models import School  # noqa: E402

LOGGERS = ["staff", "site.admin"]
STUDENTS_PER_SCHOOL = 300
DAYS = 20


def candidate_days(today: date) -> list[date]:
    """Weekdays of the latest school year that has enrollment, up to today: the last DAYS of
    them when that year is the current one, else DAYS spread over its September to May (the
    demo district's history ends with a fixed school year)."""
    years = set(Enrollment.objects.values_list("school_year", flat=True).distinct())
    if not years:
        sys.exit("no enrollment in the database: was the demo district seeded?")
    year = school_year_of(today) if school_year_of(today) in years else max(years)
    start = int(year[:4])
    first, last = date(start, 9, 1), min(date(start + 1, 5, 31), today)
    days = [first + timedelta(d) for d in range((last - first).days + 1)]
    days = [d for d in days if d.weekday() < 5]
    if year == school_year_of(today):
        return days[-DAYS:]
    step = max(1, len(days) // DAYS)
    return days[::step][:DAYS]


def main() -> None:
    today = timezone.localdate()
    days = candidate_days(today)
    users = {}
    for username in LOGGERS:
        user = get_user_model().objects.get(username=username)
        visible = Student.objects.for_user(user)
        schools = []
        for school in School.objects.for_user(user).filter(active=True):
            officers = {}
            for day in days:
                badges = [o.badge_number for o in officers_assigned(school, day)]
                if badges:
                    officers[day.isoformat()] = badges
            students = list(
                Enrollment.objects.filter(
                    school=school, school_year=school_year_of(days[0]), student__in=visible
                )
                .order_by("student__student_id")
                .values_list("student__student_id", flat=True)[:STUDENTS_PER_SCHOOL]
            )
            if officers and students:
                schools.append(
                    {
                        "id": school.pk,
                        "cds": school.cds_code,
                        "officers_by_day": officers,
                        "students": students,
                    }
                )
        if not schools:
            sys.exit(f"{username}: no school with an officer assigned and enrolled students")
        users[username] = schools
    json.dump(
        {
            "today": today.isoformat(),
            "report_school_year": school_year_of(days[0]),
            "time_zone": settings.TIME_ZONE,
            "password": settings.DEMO_PASSWORD,
            "users": users,
        },
        sys.stdout,
        indent=1,
    )


if __name__ == "__main__":
    main()
