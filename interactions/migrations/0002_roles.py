"""Grant the roles the permissions of the interactions app."""

from django.db import migrations

from sro_program import roles as r

MAPPING = {
    r.DISTRICT_ADMIN: [
        *r.crud("interactions", "student", "enrollment"),
        "interactions.view_interaction", "interactions.void_interaction",
        "interactions.view_recordaccessrequest", "interactions.view_disclosurelogentry",
    ],
    r.SUPERINTENDENT: [
        "interactions.view_student", "interactions.view_enrollment",
        "interactions.view_interaction", "interactions.view_recordaccessrequest",
        "interactions.view_disclosurelogentry",
    ],
    r.SITE_ADMIN: [
        *r.crud("interactions", "interaction"),
        "interactions.review_interaction", "interactions.void_interaction",
        "interactions.view_student", "interactions.view_enrollment",
        "interactions.add_recordaccessrequest", "interactions.view_recordaccessrequest",
        "interactions.view_disclosurelogentry",
    ],
    r.STAFF: [
        *r.crud("interactions", "interaction"),
        "interactions.view_student", "interactions.view_enrollment",
        "interactions.add_recordaccessrequest", "interactions.view_recordaccessrequest",
    ],
    r.SRO: [
        "interactions.view_interaction",
        "interactions.add_recordaccessrequest", "interactions.view_recordaccessrequest",
    ],
    r.RECORDS_CUSTODIAN: [
        "interactions.view_student", "interactions.view_enrollment",
        "interactions.view_recordaccessrequest", "interactions.decide_recordaccessrequest",
        "interactions.view_disclosurelogentry", "interactions.add_disclosurelogentry",
    ],
}


def forwards(apps, schema_editor):
    r.grant_role_permissions(apps, MAPPING)


class Migration(migrations.Migration):
    dependencies = [("interactions", "0001_initial"), ("sro_program", "0002_roles_and_training_topics")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
