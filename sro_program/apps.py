from django.apps import AppConfig


class SroProgramConfig(AppConfig):
    name = "sro_program"
    verbose_name = "SRO program"
