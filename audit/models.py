from django.conf import settings
from django.db import models

from authz.core import RestrictedQuerySet, SchoolScope


class AuditEvent(models.Model):
    """One create, change, void, approval, decision or disclosure, with before and after.

    Who acted is kept as a username string beside the foreign key, so the trail outlives a
    deleted user account."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        CHANGE = "change", "Changed"
        DELETE = "delete", "Deleted"
        VOID = "void", "Voided"
        APPROVAL = "approval", "Approved"
        DECISION = "decision", "Decided"
        DISCLOSURE = "disclosure", "Disclosure log entry"

    at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(max_length=150, blank=True, db_index=True)
    action = models.CharField(max_length=12, choices=Action.choices, db_index=True)
    app_label = models.CharField(max_length=50)
    model = models.CharField(max_length=50)
    model_verbose = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    changes = models.JSONField(
        default=dict, help_text="{field: [before, after]}; for a creation, after only."
    )
    reason = models.TextField(blank=True)
    school = models.ForeignKey(
        "sro_program.School", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The school the record belongs to; empty for district-wide records.",
    )

    # A school-bound reader sees the events of their schools; district-wide records (MOUs,
    # agencies, officers, students) only district-wide roles.
    authz_scope = SchoolScope("school")
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["app_label", "model", "object_id"])]

    def __str__(self) -> str:
        who = self.username or "system"
        return f"{self.at:%Y-%m-%d %H:%M} {who} {self.action} {self.object_repr}"
