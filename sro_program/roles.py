"""The program's roles and what each may do: the one role -> permission matrix.

Each role is a Django group. `ROLE_PERMISSIONS` below is the whole matrix; the migration
`audit/0004_roles_from_matrix` and the command `manage.py sync_roles` apply it (each role gets
exactly these permissions of the project's apps), and the tests build their roles from it.
Permissions are named as strings, so this module imports no app above it.

Designee decision: the District administrator is the Superintendent's designee (BP 3515.31,
"Superintendent or designee") for approving SRO classroom and parent presentations and for
recording the Board's approval of an MOU (the Board approves; the record is clerical). The
Superintendent keeps alone: publishing board reports and seeing unsuppressed figures.
"""

DISTRICT_ADMIN = "District administrator"
SUPERINTENDENT = "Superintendent"
SITE_ADMIN = "Site administrator"
STAFF = "Staff"
SRO = "SRO"
RECORDS_CUSTODIAN = "Records custodian"
BOARD_MEMBER = "Board member"

ALL_ROLES = [
    DISTRICT_ADMIN,
    SUPERINTENDENT,
    SITE_ADMIN,
    STAFF,
    SRO,
    RECORDS_CUSTODIAN,
    BOARD_MEMBER,
]

# The apps whose permissions this matrix governs (sync_roles sets exactly these).
MATRIX_APPS = ("auth", "mous", "sro_program", "interactions", "reports", "audit")


def crud(app_label: str, *models: str, actions=("add", "change", "view")) -> list[str]:
    return [f"{app_label}.{a}_{m}" for m in models for a in actions]


def _views(perms: list[str]) -> list[str]:
    return [p for p in perms if ".view_" in p]


_MOUS = crud("mous", "agency", "mou", "mouelement") + [
    "mous.delete_mouelement", "mous.view_moutransition",
]
_PROGRAM = crud(
    "sro_program", "school", "officer", "schoolmembership", "assignment", "dutyhours",
    "trainingtopic", "officertraining", "stafftraining", "presentationrequest",
) + ["sro_program.delete_dutyhours", "sro_program.view_presentationdecision"]
# District-wide: the role sees every school's records (authz: lifts the school filter).
VIEW_ALL_SCHOOLS = "sro_program.view_all_schools"
# The Superintendent's decisions; the District administrator holds them as designee.
DESIGNEE_DECISIONS = ["mous.approve_mou", "sro_program.approve_presentation"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    DISTRICT_ADMIN: [
        *_MOUS, *_PROGRAM, VIEW_ALL_SCHOOLS, *DESIGNEE_DECISIONS,
        "sro_program.override_training_requirement",
        *crud("interactions", "student", "enrollment"),
        "interactions.view_interaction", "interactions.void_interaction",
        "interactions.view_recordaccessrequest", "interactions.view_disclosurelogentry",
        "reports.view_publishedreport", "reports.build_report",
        *crud("reports", "enrollmentcount"),
        "audit.view_auditevent",
        # Accounts (sro_program.admin_accounts): create, edit, deactivate and unlock users,
        # give program roles and schools; never superuser powers, never delete.
        "auth.add_user", "auth.change_user", "auth.view_user", "auth.view_group",
        "sro_program.delete_schoolmembership",
        "interactions.view_familyrecordrequest",
    ],
    SUPERINTENDENT: [
        *_views(_MOUS), *_views(_PROGRAM), VIEW_ALL_SCHOOLS, *DESIGNEE_DECISIONS,
        "interactions.view_student", "interactions.view_enrollment",
        "interactions.view_interaction", "interactions.view_recordaccessrequest",
        "interactions.view_disclosurelogentry",
        "reports.view_publishedreport", "reports.build_report", "reports.publish_report",
        "reports.withdraw_report", "reports.view_unsuppressed", "reports.view_enrollmentcount",
        "audit.view_auditevent",
    ],
    SITE_ADMIN: [
        "mous.view_agency", "mous.view_mou", "mous.view_mouelement",
        "sro_program.view_school", "sro_program.view_officer", "sro_program.view_assignment",
        "sro_program.view_dutyhours", "sro_program.view_trainingtopic",
        "sro_program.view_officertraining",
        *crud("sro_program", "stafftraining"),
        "sro_program.add_presentationrequest", "sro_program.view_presentationrequest",
        "sro_program.view_presentationdecision",
        *crud("interactions", "interaction"),
        "interactions.review_interaction", "interactions.void_interaction",
        "interactions.view_student", "interactions.view_enrollment",
        "interactions.add_recordaccessrequest", "interactions.view_recordaccessrequest",
        "interactions.view_disclosurelogentry",
        "reports.view_publishedreport",
    ],
    STAFF: [
        "sro_program.view_school", "sro_program.view_officer",
        *crud("interactions", "interaction"),
        "interactions.view_student", "interactions.view_enrollment",
        "interactions.add_recordaccessrequest", "interactions.view_recordaccessrequest",
        "reports.view_publishedreport",
    ],
    SRO: [
        "sro_program.view_school", "sro_program.view_officer",
        "interactions.view_interaction",
        "interactions.add_recordaccessrequest", "interactions.view_recordaccessrequest",
        "reports.view_publishedreport",
    ],
    RECORDS_CUSTODIAN: [
        "sro_program.view_school", "sro_program.view_officer", VIEW_ALL_SCHOOLS,
        "interactions.view_student", "interactions.view_enrollment",
        "interactions.view_recordaccessrequest", "interactions.decide_recordaccessrequest",
        "interactions.view_disclosurelogentry", "interactions.add_disclosurelogentry",
        # Families' requests for their child's disclosure record (34 CFR 99.32(c)).
        "interactions.view_familyrecordrequest", "interactions.handle_familyrecordrequest",
        "reports.view_publishedreport",
    ],
    BOARD_MEMBER: ["reports.view_publishedreport"],
}

# What each role is for (the README's roles table says the same).
ROLE_DESCRIPTIONS = {
    DISTRICT_ADMIN: "Runs the program district-wide in admin: agencies, MOUs, schools, officers, "
    "assignments, training, students and enrollment; the Superintendent's designee for "
    "presentation approvals and for recording the Board's MOU approval",
    SUPERINTENDENT: "Reads everything district-wide; approves presentations, records the Board's "
    "MOU approval, sees unsuppressed figures and publishes board reports",
    SITE_ADMIN: "At their schools: logs, reviews and voids interactions, requests presentations, "
    "records staff training",
    STAFF: "At their schools: logs interactions and asks for record access for an officer",
    SRO: "At their schools: reads interactions and asks for record access",
    RECORDS_CUSTODIAN: "District-wide: decides record-access requests and keeps the disclosure "
    "log",
    BOARD_MEMBER: "Reads published (suppressed) board reports only",
}


def _create_all_permissions(apps) -> None:
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        original = getattr(app_config, "models_module", None)
        if original is None:  # migration state apps: create_permissions skips these otherwise
            app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = original


def grant_role_permissions(apps, mapping: dict[str, list[str]]) -> None:
    """Create the groups if needed and add the named permissions ("app_label.codename").
    (The early role migrations use it; `sync_roles` applies the whole matrix.)"""
    _create_all_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in ALL_ROLES:
        Group.objects.get_or_create(name=role)
    for role, perms in mapping.items():
        group = Group.objects.get(name=role)
        for name in perms:
            app_label, codename = name.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def sync_roles(apps=None, *, strict: bool = True) -> dict[str, tuple[list[str], list[str]]]:
    """Give every role exactly its permissions of MATRIX_APPS (adding the missing, removing
    the others; permissions of other apps, e.g. auth, are left alone). Returns, per role,
    (added, removed).

    `strict=False` is for a migration, which runs at a point of the schema's history where a
    permission added later may not exist yet: that one is skipped there, and granted by the
    post_migrate sync (sro_program.apps) that runs after every `migrate`."""
    if apps is None:
        from django.apps import apps
    _create_all_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    by_name = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    missing = sorted({p for perms in ROLE_PERMISSIONS.values() for p in perms} - set(by_name))
    if missing and strict:
        raise LookupError(f"The role matrix names unknown permissions: {', '.join(missing)}")
    changes = {}
    for role in ALL_ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        wanted = {by_name[p] for p in ROLE_PERMISSIONS[role] if p in by_name}
        held = dict(
            group.permissions.filter(content_type__app_label__in=MATRIX_APPS).values_list(
                "pk", "content_type__app_label"
            )
        )
        add = wanted - set(held)
        remove = set(held) - wanted
        names = {pk: name for name, pk in by_name.items()}
        group.permissions.add(*add)
        group.permissions.remove(*remove)
        changes[role] = (sorted(names[pk] for pk in add), sorted(names[pk] for pk in remove))
    return changes


def role_names(user) -> list[str]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = list(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(set(role_names(user)) & set(roles))
