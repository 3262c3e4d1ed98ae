from django.contrib import admin  # noqa: F401

# Student, enrollment and record-access admins live in admin_records.py (keep this import).
from . import admin_records  # noqa: F401
