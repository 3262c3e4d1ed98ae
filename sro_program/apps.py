from django.apps import AppConfig


class SroProgramConfig(AppConfig):
    name = "sro_program"
    verbose_name = "SRO program"

    def ready(self) -> None:
        from .scoping import configure_core

        configure_core()
