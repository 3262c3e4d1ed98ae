from django.apps import AppConfig


class MousConfig(AppConfig):
    name = "mous"
    verbose_name = "Agencies and MOUs"
