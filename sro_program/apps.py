from django.apps import AppConfig


class SroProgramConfig(AppConfig):
    name = "sro_program"
    verbose_name = "SRO program"

    def ready(self) -> None:
        from . import language  # noqa: F401  (restores a person's language at sign-in)
