from django.apps import AppConfig


class SroProgramConfig(AppConfig):
    name = "sro_program"
    verbose_name = "SRO program"

    def ready(self) -> None:
        from .scoping import configure_core

        configure_core()
        from django.contrib.auth.signals import user_logged_in, user_login_failed
        from django.core import checks

        from . import client_ip, signin_throttle
        from .dates import guard_model_dates

        guard_model_dates()

        checks.register(client_ip.check_trusted_proxies, checks.Tags.security)

        user_login_failed.connect(signin_throttle.on_login_failed, dispatch_uid="signin_ceiling")
        user_logged_in.connect(signin_throttle.on_logged_in, dispatch_uid="signin_ceiling_clear")
