from django.apps import AppConfig


class AuthzConfig(AppConfig):
    name = "authz"
    verbose_name = "Authorization core"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the scope declaration check)
