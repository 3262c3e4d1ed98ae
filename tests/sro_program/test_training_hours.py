"""Training hours cannot be negative: the database refuses them, and the admin form says why.
History cannot be reverted through admin."""

import datetime as dt

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from sro_program.models import OfficerTraining, TrainingTopic


def test_database_refuses_negative_training_hours(officer):
    topic = TrainingTopic.objects.filter(audience=TrainingTopic.Audience.OFFICER).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficerTraining.objects.create(
            officer=officer, topic=topic, completed_on=dt.date(2025, 9, 1), hours=-3
        )
    record = officer.trainings.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficerTraining.objects.filter(pk=record.pk).update(hours=-0.5)


def test_admin_form_names_the_field_and_the_fix(as_user, district_admin, officer):
    topic = TrainingTopic.objects.filter(audience=TrainingTopic.Audience.OFFICER).first()
    response = as_user(district_admin).post(
        reverse("admin:sro_program_officertraining_add"),
        {"officer": officer.pk, "topic": topic.pk, "completed_on": "2025-09-01",
         "hours": "-2", "provider": "POST"},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Training hours cannot be negative" in str(errors["hours"])
    assert not OfficerTraining.objects.filter(hours__lt=0).exists()


def test_history_revert_is_off():
    assert settings.SIMPLE_HISTORY_REVERT_DISABLED is True
