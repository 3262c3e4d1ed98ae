"""The program's roles. Each is a Django group; each app's data migration grants the group
the permissions of that app's own models, so no lower app names a higher app's permissions."""

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


def crud(app_label: str, *models: str, actions=("add", "change", "view")) -> list[str]:
    return [f"{app_label}.{a}_{m}" for m in models for a in actions]


def grant_role_permissions(apps, mapping: dict[str, list[str]]) -> None:
    """Create the groups if needed and add the named permissions ("app_label.codename")."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        original = getattr(app_config, "models_module", None)
        if original is None:  # migration state apps: create_permissions skips these otherwise
            app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = original
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
