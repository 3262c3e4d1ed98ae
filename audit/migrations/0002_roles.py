"""The audit trail is for district administrators (and the Superintendent)."""

from django.db import migrations

from sro_program import roles as r

MAPPING = {
    r.DISTRICT_ADMIN: ["audit.view_auditevent"],
    r.SUPERINTENDENT: ["audit.view_auditevent"],
}


def forwards(apps, schema_editor):
    r.grant_role_permissions(apps, MAPPING)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial"), ("reports", "0002_roles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
