"""The permission to assign an officer who misses required training (BP 3515.31 "when
possible"), granted to district administrators; training evidence accepts PDF, PNG or JPEG."""

import sro_program.validators
from django.db import migrations, models

from sro_program import roles as r

MAPPING = {r.DISTRICT_ADMIN: ["sro_program.override_training_requirement"]}


def forwards(apps, schema_editor):
    r.grant_role_permissions(apps, MAPPING)


class Migration(migrations.Migration):

    dependencies = [
        ('sro_program', '0002_roles_and_training_topics'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='assignment',
            options={'ordering': ['school__name', '-start_date'], 'permissions': [('override_training_requirement', 'Can assign an officer missing required training, recording a reason')]},
        ),
        migrations.AlterField(
            model_name='historicalofficertraining',
            name='evidence',
            field=models.TextField(blank=True, max_length=100, validators=[sro_program.validators.validate_training_evidence]),
        ),
        migrations.AlterField(
            model_name='officertraining',
            name='evidence',
            field=models.FileField(blank=True, upload_to='training/%Y/', validators=[sro_program.validators.validate_training_evidence]),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
