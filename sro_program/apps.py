from django.apps import AppConfig


class SroProgramConfig(AppConfig):
    name = "sro_program"
    verbose_name = "SRO program"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed
        from django.core import checks
        from django.db.models.signals import post_migrate

        from .scoping import configure_core

        configure_core()
        # After every `migrate`, the roles hold exactly the matrix of sro_program/roles.py,
        # whatever order the apps' migrations ran in (as Django creates permissions).
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="sync_roles")

        from . import client_ip, signin_throttle
        from .dates import guard_model_dates

        guard_model_dates()

        from . import language  # noqa: F401  (restores a person's language at sign-in)

        checks.register(client_ip.check_trusted_proxies, checks.Tags.security)

        user_login_failed.connect(signin_throttle.on_login_failed, dispatch_uid="signin_ceiling")
        user_logged_in.connect(signin_throttle.on_logged_in, dispatch_uid="signin_ceiling_clear")


def _sync_roles(sender, using="default", **kwargs) -> None:
    from . import roles

    roles.sync_roles()
