from django.apps import AppConfig


class SroProgramConfig(AppConfig):
    name = "sro_program"
    verbose_name = "SRO program"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from . import signin_throttle

        user_login_failed.connect(signin_throttle.on_login_failed, dispatch_uid="signin_ceiling")
        user_logged_in.connect(signin_throttle.on_logged_in, dispatch_uid="signin_ceiling_clear")
