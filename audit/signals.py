"""Turn every history record (django-simple-history) and every disclosure-log entry into an
AuditEvent, in the same transaction as the change it describes."""

from django.apps import apps
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from simple_history.signals import post_create_historical_record

from authz.core import school_of

from .models import AuditEvent

HISTORY_TYPE_ACTION = {"+": AuditEvent.Action.CREATE, "~": AuditEvent.Action.CHANGE,
                       "-": AuditEvent.Action.DELETE}
# Fields that change on every save and say nothing to a reader.
NOISE = {"updated_at", "version", "expires_on"}


def _plain(value):
    if value is None or isinstance(value, (bool, int, float, str, list, dict)):
        return value
    return str(value)


def _action_for(model_name: str, changes: dict, history_type: str) -> str:
    if history_type == "~":
        if "voided" in changes and changes["voided"][1] is True:
            return AuditEvent.Action.VOID
        status = changes.get("status")
        if status and status[1] == "approved":
            return AuditEvent.Action.APPROVAL
        if status and model_name in {"recordaccessrequest", "presentationrequest"}:
            return AuditEvent.Action.DECISION
    return HISTORY_TYPE_ACTION[history_type]


@receiver(post_create_historical_record)
def record_history(sender, instance, history_instance, history_user, **kwargs):
    model = instance._meta
    changes: dict = {}
    prev = history_instance.prev_record if history_instance.history_type == "~" else None
    if prev is not None:
        delta = history_instance.diff_against(prev)
        for change in delta.changes:
            if change.field not in NOISE:
                changes[change.field] = [_plain(change.old), _plain(change.new)]
        if not changes:
            return  # a save that changed nothing worth telling
    elif history_instance.history_type == "+":
        for field in model.concrete_fields:
            if field.name in NOISE or field.primary_key:
                continue
            value = getattr(instance, field.attname)
            if value not in (None, "", [], False):
                changes[field.name] = [None, _plain(value)]
    user = history_user if getattr(history_user, "pk", None) else None
    AuditEvent.objects.create(
        at=history_instance.history_date or timezone.now(),
        user=user,
        username=user.get_username() if user else "",
        action=_action_for(model.model_name, changes, history_instance.history_type),
        app_label=model.app_label,
        model=model.model_name,
        model_verbose=str(model.verbose_name),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes=changes,
        reason=history_instance.history_change_reason or "",
        school_id=school_of(instance),
    )


def _disclosure_saved(sender, instance, created, **kwargs):
    if not created:
        return
    user = instance.recorded_by
    AuditEvent.objects.create(
        at=instance.recorded_at or timezone.now(),
        user=user,
        username=user.get_username() if user else instance.recorded_by_username,
        action=AuditEvent.Action.DISCLOSURE,
        app_label=instance._meta.app_label,
        model=instance._meta.model_name,
        model_verbose=str(instance._meta.verbose_name),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes={
            "kind": [None, instance.kind], "basis": [None, instance.basis],
            "requester": [None, instance.requester], "agency": [None, instance.agency],
            "records": [None, instance.records],
        },
        reason=instance.note,
        school_id=school_of(instance),
    )


post_save.connect(
    _disclosure_saved, sender=apps.get_model("interactions", "DisclosureLogEntry"),
    dispatch_uid="audit_disclosure",
)
