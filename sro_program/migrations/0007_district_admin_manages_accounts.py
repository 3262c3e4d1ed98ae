"""District administrators manage accounts: create users, give them roles (groups) and schools
(memberships), deactivate and unlock them. Superuser status and single permissions stay with
superusers (sro_program/admin_accounts.py enforces that)."""

from django.db import migrations

from sro_program import roles as r

MAPPING = {
    r.DISTRICT_ADMIN: [
        "auth.add_user", "auth.change_user", "auth.view_user", "auth.view_group",
        "sro_program.delete_schoolmembership",
    ],
}


def forwards(apps, schema_editor):
    r.grant_role_permissions(apps, MAPPING)


class Migration(migrations.Migration):

    dependencies = [
        ("sro_program", "0006_signin_throttle"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
