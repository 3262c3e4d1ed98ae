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
