"""Apply the whole role -> permission matrix of sro_program/roles.py (the same as
`manage.py sync_roles`). It lives in the top app so every app's permissions exist."""

from django.db import migrations

from sro_program import roles


def forwards(apps, schema_editor):
    roles.sync_roles(apps, strict=False)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_auditevent_school"),
        ("sro_program", "0003_assignment_override_permission"),
        ("interactions", "0005_interaction_occurred_month"),
        ("reports", "0003_published_by_name"),
        ("mous", "0002_ended_on_and_board_record"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
