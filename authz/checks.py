"""System check: every model of the project's own apps declares its authorization scope."""

from functools import lru_cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from .core import scope_of


def project_app_configs():
    base = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        if Path(config.path).resolve().is_relative_to(base) and ".venv" not in config.path:
            yield config


@lru_cache(maxsize=1)
def _project_labels() -> frozenset[str]:
    return frozenset(config.label for config in project_app_configs())


def is_project_model(model) -> bool:
    return model._meta.app_label in _project_labels()


@checks.register(checks.Tags.security)
def check_scopes_declared(app_configs=None, **kwargs):
    errors = []
    project = list(project_app_configs())
    configs = [c for c in (app_configs or project) if c in project]
    for config in configs:
        for model in config.get_models():
            try:
                scope_of(model)
            except ImproperlyConfigured as exc:
                errors.append(checks.Error(str(exc), obj=model, id="authz.E001"))
    return errors
