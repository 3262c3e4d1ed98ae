"""`manage.py publish_report (--school-year 2025-26 | --from DATE --to DATE) [--school CDS ...]
--as USERNAME`: publish a board report through the same service, and with the same permission
check, as the Publish button. Prints `published <id>` on its first line, then the audit.
Publishing the same parameters and figures again prints the same id."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from reports.selectors import PeriodError, report_for_publishing
from reports.services import audit_summary, report_publish, report_title
from sro_program.models import School

from .board_report import _date


class Command(BaseCommand):
    help = "Publish a suppressed, audited board report as a snapshot (as the given user)."

    def add_arguments(self, parser):
        parser.add_argument("--school-year", help="e.g. 2025-26 (July 1 to June 30)")
        parser.add_argument("--from", dest="date_from", help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", help="last day, YYYY-MM-DD")
        parser.add_argument("--school", action="append", default=[], metavar="CDS",
                            help="a school's CDS code; repeat for several (default: all)")
        parser.add_argument("--as", dest="username", required=True, metavar="USERNAME",
                            help="the user who publishes (needs the permission to publish)")

    def handle(self, *args, **o):
        if o["school_year"] and (o["date_from"] or o["date_to"]):
            raise CommandError("Give either --school-year or --from and --to, not both.")
        if not o["school_year"] and not (o["date_from"] and o["date_to"]):
            raise CommandError("Give --school-year, or both --from and --to.")
        user = get_user_model().objects.filter(username=o["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"--as: no active user “{o['username']}”.")
        if not user.has_perm("reports.publish_report"):
            raise CommandError(f"--as: {o['username']} may not publish board reports "
                               "(needs the permission reports.publish_report).")
        if o["school"]:
            visible = set(School.objects.for_user(user).filter(cds_code__in=o["school"])
                          .values_list("cds_code", flat=True))
            unknown = [c for c in o["school"] if c not in visible]
            if unknown:
                raise CommandError(f"--school: unknown or out of {o['username']}'s scope: "
                                   f"{', '.join(unknown)}.")
        try:
            raw = report_for_publishing(
                user=user,
                school_year=o["school_year"],
                date_from=_date(o["date_from"]) if o["date_from"] else None,
                date_to=_date(o["date_to"]) if o["date_to"] else None,
                schools=o["school"] or None,
            )
            snapshot = report_publish(raw=raw, acting_user=user, title=report_title(raw))
        except PeriodError as exc:
            raise CommandError(str(exc)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"published {snapshot.pk}")
        self.stdout.write(audit_line(snapshot))


def audit_line(snapshot) -> str:
    """One line: what the disclosure audit of a snapshot found."""
    return audit_summary(snapshot.audit, snapshot.parameters.get("min_cell"))
