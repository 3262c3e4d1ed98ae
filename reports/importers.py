"""CSV import kinds owned by the reports app (enrollment). See interactions/importers.py for
the framework and the other kinds; the `import_csv` command merges both registries.

`enrollment`: school_year, school_cds, dimension, group, count. The report's denominators:
counts per school, school year, dimension and group; dimension `all` has group `all`.
Rows are upserted by (school_year, school, dimension, group)."""

from __future__ import annotations

from interactions.codes import DIMENSIONS
from interactions.importers import (
    Counts,
    Errors,
    Importer,
    Progress,
    Row,
    _batches,
    _lookup,
    duplicates,
    school_year,
)
from sro_program.models import GRADE_ORDER, School

from .models import EnrollmentCount


def groups_of(dimension: str) -> list[str] | None:
    """The valid groups of a dimension, or None for an unknown dimension."""
    if dimension == "all":
        return ["all"]
    if dimension not in DIMENSIONS:
        return None
    choices = DIMENSIONS[dimension]
    return list(GRADE_ORDER) if choices is None else list(choices.values)


class EnrollmentImporter(Importer):
    columns = ("school_year", "school_cds", "dimension", "group", "count")
    key = ("school_year", "school_id", "dimension", "group")

    def validate(self, rows: list[Row], errors: Errors, progress: Progress) -> list[dict]:
        schools = _lookup(School, "cds_code", {r["school_cds"] for r in rows})
        items = []
        for row in progress.each(rows, "checking enrollment"):
            year = school_year(row, "school_year", errors)
            school = schools.get(row["school_cds"])
            if school is None:
                errors.add(row.line, "school_cds", f"Unknown school “{row['school_cds']}”.")
            dimension, group = row["dimension"], row["group"]
            valid = groups_of(dimension)
            if valid is None:
                errors.add(row.line, "dimension",
                           f"“{dimension}” is not one of: all, {', '.join(DIMENSIONS)}.")
            elif group not in valid:
                errors.add(row.line, "group",
                           f"“{group}” is not a group of {dimension}: {', '.join(valid)}.")
            raw = row["count"]
            if not raw.isdigit():
                errors.add(row.line, "count", f"“{raw}” is not a whole number of students.")
                count = None
            else:
                count = int(raw)
            if school is not None and count is not None:
                items.append({"school_year": year, "school_id": school.pk,
                              "dimension": dimension, "group": group, "count": count})
        duplicates(rows, lambda r: (r["school_year"], r["school_cds"], r["dimension"],
                                    r["group"]), "group", errors)
        return items

    def _existing(self, items: list[dict]) -> dict[tuple, EnrollmentCount]:
        years = {i["school_year"] for i in items}
        school_ids = {i["school_id"] for i in items}
        found = {}
        for obj in EnrollmentCount.objects.filter(school_year__in=years,
                                                  school_id__in=school_ids):
            found[(obj.school_year, obj.school_id, obj.dimension, obj.group)] = obj
        return found

    def planned(self, plan: list[dict]) -> Counts:
        existing = self._existing(plan)
        updated = sum(1 for i in plan if tuple(i[k] for k in self.key) in existing)
        return Counts(created=len(plan) - updated, updated=updated)

    def write(self, plan: list[dict], progress: Progress) -> Counts:
        existing = self._existing(plan)
        create, update, unchanged = [], [], 0
        for item in progress.each(plan, "writing enrollment"):
            obj = existing.get(tuple(item[k] for k in self.key))
            if obj is None:
                create.append(EnrollmentCount(**item))
            elif obj.count != item["count"]:
                obj.count = item["count"]
                update.append(obj)
            else:
                unchanged += 1
        for batch in _batches(create):
            EnrollmentCount.objects.bulk_create(batch)
        for batch in _batches(update):
            EnrollmentCount.objects.bulk_update(batch, ["count"])
        return Counts(len(create), len(update), unchanged)


KINDS: dict[str, Importer] = {"enrollment": EnrollmentImporter()}
