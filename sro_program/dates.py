"""Dates typed into query strings and forms: only a sane range is accepted, so that date
arithmetic (a year later, the next day, the school year) can never leave Python's range."""

import datetime as dt

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2999, 12, 31)


def parse_query_date(value: str) -> tuple[dt.date | None, str]:
    """(the date, "") when `value` is an ISO date in range; (None, why) otherwise."""
    try:
        day = dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None, "The date was not understood (use YYYY-MM-DD)"
    if not EARLIEST <= day <= LATEST:
        return None, f"The date must be between {EARLIEST} and {LATEST}"
    return day, ""


def validate_date_in_range(value) -> None:
    from django.core.exceptions import ValidationError

    day = value.date() if isinstance(value, dt.datetime) else value
    if day is not None and not EARLIEST <= day <= LATEST:
        raise ValidationError(
            f"Enter a date between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d}.",
            code="date_out_of_range",
        )


PROJECT_APPS = ("mous", "sro_program", "interactions", "reports", "audit")


def guard_model_dates() -> None:
    """Every date and date-time field of the project's models refuses dates outside
    EARLIEST..LATEST in forms and admin (model validation), so that later arithmetic (renewal
    dates, a year after, school years) cannot overflow. Added as a default validator of each
    field instance, which migrations do not record."""
    from django.apps import apps
    from django.db import models

    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateField):  # DateTimeField is a DateField too
                field.default_validators = [*field.default_validators, validate_date_in_range]
                field.__dict__.pop("validators", None)  # drop a cached list, if any
