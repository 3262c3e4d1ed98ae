"""Build a believable, reproducible demo district (docs/formats.md)."""

from random import Random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

import interactions.demo
import mous.demo
import reports.demo
import sro_program.demo
from sro_program.demo import DemoContext

# Order matters: each step reads what the earlier ones made.
STEPS = [
    ("organisation", sro_program.demo.seed),
    ("MOUs", mous.demo.seed),
    ("assignments and training", getattr(sro_program.demo, "seed_program", None)),
    ("roster and interactions", interactions.demo.seed),
    ("enrollment and reports", reports.demo.seed),
]


class Command(BaseCommand):
    help = "Create the demo district: schools, agency, officers, users, MOUs, roster, interactions."

    def add_arguments(self, parser):
        parser.add_argument("--students", type=int, default=6000)
        parser.add_argument(
            "--interactions", type=int, default=None,
            help="Interactions to create (default: realistic rates for the roster).",
        )
        parser.add_argument("--years", type=int, default=2, help="School years of history.")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--if-empty", action="store_true",
            help="Do nothing when the database already holds schools (used by `make run`).",
        )
        parser.add_argument(
            "--force", action="store_true",
            help="Create demo users with the shared demo password even when DEBUG is off.",
        )

    def handle(self, *args, **opts):
        from sro_program.models import School

        if opts["if_empty"] and School.objects.exists():
            self.stdout.write("The database already holds a district; leaving it as it is.")
            return
        if not settings.DEBUG and not opts["force"]:
            raise CommandError(
                "Demo users share a published password; refusing with DEBUG off. "
                "Pass --force on a machine that holds no real data."
            )
        if opts["students"] < 50:
            raise CommandError("--students must be at least 50.")
        ctx = DemoContext(
            rng=Random(opts["seed"]), students=opts["students"],
            interactions=opts["interactions"], years=max(1, opts["years"]), stdout=self.stdout,
        )
        for label, step in STEPS:
            if step is None:
                continue
            self.stdout.write(f"Seeding {label}…")
            with transaction.atomic():
                step(ctx)
        self.stdout.write(self.style.SUCCESS("Demo district ready."))
        self.stdout.write(
            f"Demo users (password {settings.DEMO_PASSWORD}): "
            + ", ".join(u for u, *_ in sro_program.demo.DEMO_USERS)
        )
