"""Each audit event records the school of the record it describes (empty: district-wide), so
the audit log is restricted like every other list. Existing events are backfilled from the
records that still exist, through each model's declared path to a school."""

import django.db.models.deletion
from django.db import migrations, models

# The declared paths (authz_scope) at the time of this migration.
SCHOOL_PATHS = {
    ("sro_program", "school"): "pk",
    ("sro_program", "schoolmembership"): "school",
    ("sro_program", "assignment"): "school",
    ("sro_program", "dutyhours"): "assignment__school",
    ("sro_program", "stafftraining"): "school",
    ("sro_program", "presentationrequest"): "school",
    ("sro_program", "presentationdecision"): "request__school",
    ("interactions", "enrollment"): "school",
    ("interactions", "interaction"): "school",
    ("interactions", "recordaccessrequest"): "school",
    ("interactions", "disclosurelogentry"): "request__school",
    ("reports", "enrollmentcount"): "school",
}


def backfill(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    for (app_label, model_name), path in SCHOOL_PATHS.items():
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        ids = set(
            AuditEvent.objects.filter(app_label=app_label, model=model_name)
            .values_list("object_id", flat=True)
        )
        numeric = [int(i) for i in ids if i.isdigit()]
        school_of = dict(
            model._base_manager.filter(pk__in=numeric).values_list("pk", path)
        )
        for pk, school_id in school_of.items():
            if school_id is not None:
                AuditEvent.objects.filter(
                    app_label=app_label, model=model_name, object_id=str(pk)
                ).update(school_id=school_id)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_roles"),
        ("sro_program", "0003_assignment_override_permission"),
        ("interactions", "0005_interaction_occurred_month"),
        ("reports", "0003_published_by_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="school",
            field=models.ForeignKey(
                blank=True,
                help_text="The school the record belongs to; empty for district-wide records.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="sro_program.school",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
