"""Apply the role -> permission matrix (sro_program/roles.py) to the database."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sro_program import roles


class Command(BaseCommand):
    help = (
        "Give every role (group) exactly its permissions from sro_program/roles.py. "
        "--check: change nothing, exit 1 when the database differs from the matrix."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true",
                            help="report differences and fail, without changing anything")

    def handle(self, *args, check=False, **options):
        with transaction.atomic():
            changes = roles.sync_roles()
            if check:
                transaction.set_rollback(True)
        drift = False
        for role, (added, removed) in changes.items():
            for name in added:
                drift = True
                self.stdout.write(f"{role}: {'missing' if check else 'added'} {name}")
            for name in removed:
                drift = True
                self.stdout.write(f"{role}: {'extra' if check else 'removed'} {name}")
        if check and drift:
            raise CommandError("The roles in the database differ from sro_program/roles.py; "
                               "run `manage.py sync_roles`.")
        self.stdout.write(self.style.SUCCESS(
            "Roles match sro_program/roles.py." if not drift or check else
            "Roles now match sro_program/roles.py."))
