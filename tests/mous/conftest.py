import datetime as dt

import pytest

from mous.models import MOU
from tests.factories import AgencyFactory, MOUFactory, add_required_elements

BOARD_DATE = dt.date(2024, 6, 18)


def make_draft(agency=None, *, skip=(), **kw) -> MOU:
    """A draft MOU in 2024-07-01 .. 2028-06-30 holding the six required elements but `skip`."""
    mou = MOUFactory(
        agency=agency or AgencyFactory(), status=MOU.Status.DRAFT, board_date=None,
        board_item="", elements=False, **kw,
    )
    return add_required_elements(mou, skip=tuple(skip))


@pytest.fixture
def agency(db):
    return AgencyFactory(name="Valle Verde Police Department", ori="CA0331900")


@pytest.fixture
def draft(agency):
    return make_draft(agency, version=1)


@pytest.fixture
def incomplete_draft(agency):
    """Lacks performance monitoring, and its roles element names no supervisor."""
    mou = make_draft(agency, version=1, skip=("performance_monitoring",))
    roles = mou.elements.get(code="roles_responsibilities")
    roles.supervisor = ""
    roles.save()
    return mou
