"""Roles (groups) with the permissions of mous and sro_program, and the training topics of
docs/codes.md."""

from django.db import migrations

from sro_program import roles as r

MOUS = (
    r.crud("mous", "agency", "mou", "mouelement")
    + ["mous.delete_mouelement", "mous.view_moutransition"]
)
PROGRAM = r.crud(
    "sro_program", "school", "officer", "schoolmembership", "assignment", "dutyhours",
    "trainingtopic", "officertraining", "stafftraining", "presentationrequest",
) + ["sro_program.delete_dutyhours", "sro_program.view_presentationdecision"]
VIEW_PROGRAM = [p for p in PROGRAM if ".view_" in p]
VIEW_MOUS = [p for p in MOUS if ".view_" in p]

MAPPING = {
    r.DISTRICT_ADMIN: MOUS + PROGRAM + [
        "mous.approve_mou", "sro_program.view_all_schools", "sro_program.approve_presentation",
    ],
    r.SUPERINTENDENT: VIEW_MOUS + VIEW_PROGRAM + [
        "mous.approve_mou", "sro_program.approve_presentation", "sro_program.view_all_schools",
    ],
    r.SITE_ADMIN: [
        "mous.view_agency", "mous.view_mou", "mous.view_mouelement",
        "sro_program.view_school", "sro_program.view_officer", "sro_program.view_assignment",
        "sro_program.view_dutyhours", "sro_program.view_trainingtopic",
        "sro_program.view_officertraining",
        *r.crud("sro_program", "stafftraining"),
        "sro_program.add_presentationrequest", "sro_program.view_presentationrequest",
        "sro_program.view_presentationdecision",
    ],
    r.STAFF: ["sro_program.view_school", "sro_program.view_officer"],
    r.SRO: ["sro_program.view_school", "sro_program.view_officer"],
    r.RECORDS_CUSTODIAN: [
        "sro_program.view_school", "sro_program.view_officer", "sro_program.view_all_schools",
    ],
    r.BOARD_MEMBER: [],
}

TOPICS = [
    # code, name, audience, required before assignment, renewal months, policy reference
    ("school_policing", "School policing", "officer", True, 24, "BP 3515.31 (training)"),
    ("diverse_populations", "Diverse populations of the school community", "officer", True, 24,
     "BP 3515.31 (training)"),
    ("use_of_force_policy", "Agency use-of-force policy", "officer", True, 12,
     "BP 3515.31; GC 7286"),
    ("de_escalation", "De-escalation", "officer", False, 24, "GC 7286"),
    ("disproportionality", "Disproportionality and implicit bias", "officer", False, 24,
     "BP 3515.31 (nondiscrimination)"),
    ("restorative_practices", "Restorative practices", "officer", False, 36, "PC 13651"),
    ("adolescent_development", "Adolescent development", "officer", False, 36, ""),
    ("sro_role_and_contact", "The SRO role and when to contact an SRO", "staff", False, 12,
     "BP 3515.31 (staff training)"),
]


def forwards(apps, schema_editor):
    r.grant_role_permissions(apps, MAPPING)
    TrainingTopic = apps.get_model("sro_program", "TrainingTopic")
    for code, name, audience, required, months, ref in TOPICS:
        TrainingTopic.objects.update_or_create(
            code=code,
            defaults={
                "name": name, "audience": audience, "required_before_assignment": required,
                "renewal_months": months, "policy_reference": ref,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("sro_program", "0001_initial"),
        ("mous", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
