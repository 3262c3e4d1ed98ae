"""Grant the roles the permissions of the reports app. Published reports are suppressed and
public, so every role may read them; unsuppressed figures are the Superintendent's."""

from django.db import migrations

from sro_program import roles as r

MAPPING = {
    r.DISTRICT_ADMIN: [
        "reports.view_publishedreport", "reports.build_report",
        *r.crud("reports", "enrollmentcount"),
    ],
    r.SUPERINTENDENT: [
        "reports.view_publishedreport", "reports.build_report", "reports.publish_report",
        "reports.view_unsuppressed", "reports.view_enrollmentcount",
    ],
    r.SITE_ADMIN: ["reports.view_publishedreport"],
    r.STAFF: ["reports.view_publishedreport"],
    r.SRO: ["reports.view_publishedreport"],
    r.RECORDS_CUSTODIAN: ["reports.view_publishedreport"],
    r.BOARD_MEMBER: ["reports.view_publishedreport"],
}


def forwards(apps, schema_editor):
    r.grant_role_permissions(apps, MAPPING)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), ("interactions", "0002_roles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
