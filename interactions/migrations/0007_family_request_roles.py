"""The records custodian sees, verifies and fulfils families' requests for the disclosure
record; the district administrator may see them."""

from django.db import migrations

from sro_program import roles as r

MAPPING = {
    r.RECORDS_CUSTODIAN: [
        "interactions.view_familyrecordrequest", "interactions.handle_familyrecordrequest",
    ],
    r.DISTRICT_ADMIN: ["interactions.view_familyrecordrequest"],
}


def forwards(apps, schema_editor):
    r.grant_role_permissions(apps, MAPPING)


class Migration(migrations.Migration):
    dependencies = [("interactions", "0006_family_record_request")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
