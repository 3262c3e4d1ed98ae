import pytest
from django.core.cache import cache

from reports.selectors import board_report
from reports.services import report_publish
from tests.reports.factories import build_dataset


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def dataset(db, school_a, school_b):
    return build_dataset(school_a, school_b)


@pytest.fixture
def publish(superintendent):
    def _publish(**kwargs):
        kwargs.setdefault("school_year", "2025-26")
        report = board_report(user=superintendent, **kwargs)
        return report_publish(report=report, acting_user=superintendent)

    return _publish
