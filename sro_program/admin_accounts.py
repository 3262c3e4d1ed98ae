"""Accounts in admin, restricted so that the District administrator can run them without any
way to a superuser's powers.

- A non-superuser never sees superuser accounts (they are outside the list, 404 by URL), can
  neither set nor clear superuser status, and never edits single permissions.
- Roles a non-superuser may give are the program's seven roles (sro_program.roles) and groups
  whose every permission they hold themselves; a custom group with more stays superuser-only.
- Nobody changes their own roles, staff or active status here.
- Accounts are never deleted (history and audit rows point at them): they are deactivated.
- "Unlock" lifts django-axes lockouts and the per-username sign-in pause.
"""

from axes.utils import reset as axes_reset
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q

from core.admin_inlines import LabelledTabularInline

from . import roles, signin_throttle
from .models import SchoolMembership

User = get_user_model()

SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions")
SELF_LOCKED_FIELDS = ("groups", "is_staff", "is_active", "is_superuser", "user_permissions")
FACT_FIELDS = ("last_login", "date_joined")


def grantable_groups(user):
    """Roles a user may give: every group for a superuser; otherwise the program's own roles
    (sro_program.roles, whose permissions are reviewed in code) and any other group all of
    whose permissions the user holds. A group a superuser made with more stays theirs to give."""
    groups = Group.objects.all()
    if user.is_superuser:
        return groups
    held = [
        p.pk for p in Permission.objects.select_related("content_type")
        if user.has_perm(f"{p.content_type.app_label}.{p.codename}")
    ]
    within = groups.annotate(
        beyond=Count("permissions", filter=~Q(permissions__in=held))
    ).filter(beyond=0)
    return groups.filter(Q(name__in=roles.ALL_ROLES) | Q(pk__in=within.values("pk")))


class MembershipInline(LabelledTabularInline):
    model = SchoolMembership
    extra = 1
    verbose_name = "school"
    verbose_name_plural = "schools (for school-bound roles: site administrator, staff, SRO)"
    autocomplete_fields = ["school"]


class AccountAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "roles", "is_active",
                    "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "groups"]
    actions = ["deactivate", "unlock"]

    def get_queryset(self, request):
        qs = super().get_queryset(request).prefetch_related("groups")
        if not request.user.is_superuser:
            qs = qs.filter(is_superuser=False)
        return qs

    @admin.display(description="roles")
    def roles(self, obj) -> str:
        return ", ".join(g.name for g in obj.groups.all())

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or request.user.is_superuser:
            return fieldsets
        trimmed = []
        for name, options in fieldsets:
            fields = [f for f in options["fields"] if f not in SUPERUSER_ONLY_FIELDS]
            if fields:
                trimmed.append((name, {**options, "fields": fields}))
        return trimmed

    def get_readonly_fields(self, request, obj=None):
        # When an account last signed in and when it was made are facts, not settings: shown,
        # never edited (their split date and time boxes had no names of their own, either).
        fields = list(super().get_readonly_fields(request, obj)) + list(FACT_FIELDS)
        if obj is not None and obj.pk == request.user.pk:
            fields += [f for f in SELF_LOCKED_FIELDS if f not in fields]
        return fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = grantable_groups(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            stored = User.objects.filter(pk=obj.pk).values("is_superuser").first()
            if obj.is_superuser or (stored and stored["is_superuser"]):
                raise PermissionDenied("Only a superuser may manage superuser accounts.")
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        if not request.user.is_superuser:
            beyond = user.groups.exclude(pk__in=grantable_groups(request.user))
            if beyond.exists() and user.pk != request.user.pk:
                raise PermissionDenied("A role was given with permissions you do not hold.")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deactivate instead: history and the audit trail name the account

    @admin.action(description="Deactivate selected accounts (they can no longer sign in)",
                  permissions=["change"])
    def deactivate(self, request, queryset):
        count = queryset.exclude(pk=request.user.pk).update(is_active=False)
        if queryset.filter(pk=request.user.pk).exists():
            messages.warning(request, "Your own account was left active.")
        messages.success(request, f"{count} account(s) deactivated; nothing was deleted.")

    @admin.action(description="Unlock selected accounts (lift sign-in lockouts and pauses)",
                  permissions=["change"])
    def unlock(self, request, queryset):
        for user in queryset:
            axes_reset(username=user.get_username())
            signin_throttle.clear(user.get_username())
        messages.success(request, f"{queryset.count()} account(s) unlocked.")


admin.site.unregister(User)
admin.site.register(User, AccountAdmin)
