from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The audit trail sits above every other app: it listens to their history signals, and
    no other app imports it."""

    name = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from . import signals  # noqa: F401
