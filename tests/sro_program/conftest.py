"""Officers with their training, and a helper to give them all required topics."""

import datetime as dt

import pytest

from sro_program.models import OfficerTraining, TrainingTopic
from tests.factories import AgencyFactory, MOUFactory, OfficerFactory

WEEKDAYS_7_30_TO_15_30 = [(d, dt.time(7, 30), dt.time(15, 30)) for d in range(5)]
START = dt.date(2024, 8, 1)


def train(officer, *codes, on=dt.date(2024, 6, 1)):
    """Record completed training; every required topic when no code is given."""
    topics = (
        TrainingTopic.objects.filter(code__in=codes)
        if codes
        else TrainingTopic.objects.filter(required_before_assignment=True)
    )
    for topic in topics:
        OfficerTraining.objects.create(
            officer=officer, topic=topic, completed_on=on, hours=8, provider="POST"
        )
    return officer


@pytest.fixture
def agency(db):
    return AgencyFactory(ori="CA0331900", name="Valle Verde PD")


@pytest.fixture
def mou(agency):
    return MOUFactory(agency=agency)


@pytest.fixture
def officer(agency):
    return train(OfficerFactory(agency=agency, last_name="Ramirez", first_name="Daniel"))


@pytest.fixture
def officer2(agency):
    return train(OfficerFactory(agency=agency, last_name="Nguyen", first_name="Tracy"))
