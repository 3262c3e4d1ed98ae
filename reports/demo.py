"""Demo data for this app; called by `seed_demo` in order (see sro_program.demo.DemoContext).

Enrollment counts are imported for the most recent school year only, as a district would load
its census-day counts, so the older year's report shows the roster fallback (and says so)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count

from interactions.codes import DIMENSIONS
from interactions.models import Enrollment

from .models import EnrollmentCount


def seed(ctx) -> None:
    year = ctx.extra.get("current_school_year") or (
        Enrollment.objects.order_by("-school_year").values_list("school_year", flat=True).first()
    )
    if not year:
        return
    if EnrollmentCount.objects.filter(school_year=year).exists():
        ctx.say(f"  enrollment counts for {year} already imported")
        return
    fields = list(DIMENSIONS)
    counts: dict[tuple, int] = defaultdict(int)
    rows = (
        Enrollment.objects.filter(school_year=year)
        .order_by()
        .values_list("school_id", *fields)
        .annotate(n=Count("id"))
    )
    for school_id, *rest in rows:
        *demo, n = rest
        counts[(school_id, "all", "all")] += n
        for dimension, group in zip(fields, demo, strict=True):
            counts[(school_id, dimension, group)] += n
    EnrollmentCount.objects.bulk_create(
        [
            EnrollmentCount(school_year=year, school_id=school_id, dimension=d, group=g, count=n)
            for (school_id, d, g), n in sorted(counts.items())
        ],
        batch_size=2000,
    )
    ctx.say(f"  enrollment counts imported for {year} ({len(counts)} rows); earlier years use "
            "the roster")
