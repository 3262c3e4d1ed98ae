"""Every free-text field of every model is guarded by the Ed Code 234.7 check or exempted here
with its reason. A new text field fails this test until someone decides which it is."""

from django.apps import apps
from django.db import models

from core.text_guard import is_guarded

PROJECT_APPS = {"mous", "sro_program", "interactions", "reports", "audit"}

# (model label, field) -> why no one can record status there.
EXEMPT = {
    # Codes and identifiers, checked against their formats or lists.
    ("mous.Agency", "ori"): "identifier (ORI format)",
    ("sro_program.School", "cds_code"): "identifier (CDS format)",
    ("sro_program.Officer", "badge_number"): "identifier",
    ("interactions.Student", "student_id"): "identifier",
    ("interactions.Interaction", "external_id"): "identifier of the source system",
    ("interactions.Enrollment", "school_year"): "code (2025-26)",
    ("interactions.Interaction", "school_year"): "derived by the system from the date",
    ("sro_program.TrainingTopic", "code"): "slug code",
    ("reports.EnrollmentCount", "school_year"): "code (2025-26)",
    ("reports.EnrollmentCount", "dimension"): "code from the dimension list",
    ("reports.EnrollmentCount", "group"): "code from the dimension's groups",
    ("reports.PublishedReport", "sha256"): "digest written by the system",
    ("reports.PublishedReport", "content_key"): "digest written by the system",
    ("sro_program.SignInThrottle", "username"): "a sign-in name as typed, kept only to pause it",
    # Names of people, schools and agencies (proper names, not descriptions).
    ("mous.Agency", "name"): "name of an agency",
    ("sro_program.School", "name"): "name of a school",
    ("sro_program.Officer", "last_name"): "a person's name",
    ("sro_program.Officer", "first_name"): "a person's name",
    ("sro_program.StaffTraining", "person_name"): "a person's name",
    ("interactions.Student", "last_name"): "a person's name",
    ("interactions.Student", "first_name"): "a person's name",
    ("interactions.FamilyRecordRequest", "requester_name"): "a person's name",
    ("interactions.FamilyRecordRequest", "student_name"): "a person's name",
    ("interactions.FamilyRecordRequest", "contact"): "a phone number or address to reply to",
    # Written by the system from the signed-in account, never typed.
    ("mous.MOUTransition", "acting_username"): "account name, written by the system",
    ("interactions.DisclosureLogEntry", "decided_by"): "account name, written by the system",
    ("interactions.DisclosureLogEntry", "recorded_by_username"): "account name, by the system",
    ("reports.PublishedReport", "published_by_username"): "account name, by the system",
    ("reports.PublishedReport", "published_by_name"): "account name, by the system",
    ("reports.PublishedReport", "withdrawn_by_name"): "account name, by the system",
    ("audit.AuditEvent", "username"): "account name, written by the system",
    ("audit.AuditEvent", "app_label"): "written by the system",
    ("audit.AuditEvent", "model"): "written by the system",
    ("audit.AuditEvent", "model_verbose"): "written by the system",
    ("audit.AuditEvent", "object_id"): "written by the system",
    ("audit.AuditEvent", "object_repr"): "written by the system from a guarded record",
    ("audit.AuditEvent", "reason"): "copied from a guarded change reason",
}


def _free_text_fields():
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField) and not field.choices:
                yield model._meta.label, field


def test_every_free_text_field_is_guarded_or_exempted():
    unguarded = [
        f"{label}.{field.name}" for label, field in _free_text_fields()
        if not is_guarded(field) and (label, field.name) not in EXEMPT
    ]
    assert not unguarded, (
        "Free-text fields without the Ed Code 234.7 guard: add "
        "validators=[no_immigration_status] or exempt them with a reason: " + ", ".join(unguarded)
    )


def test_exemptions_name_real_unguarded_fields():
    fields = {(label, field.name): field for label, field in _free_text_fields()}
    stale = [key for key in EXEMPT if key not in fields or is_guarded(fields[key])]
    assert not stale, stale


def test_the_fields_named_in_the_issue_are_guarded():
    for label, name in [
        ("interactions.Interaction", "void_reason"),
        ("interactions.RecordAccessRequest", "legitimate_interest"),
        ("interactions.DisclosureLogEntry", "legitimate_interest"),
        ("interactions.DisclosureLogEntry", "note"),
        ("sro_program.PresentationRequest", "topic"),
        ("sro_program.PresentationDecision", "note"),
        ("sro_program.Assignment", "override_reason"),
        ("mous.MOUElement", "text"),
        ("mous.MOUTransition", "reason"),
    ]:
        assert is_guarded(apps.get_model(label)._meta.get_field(name)), (label, name)
