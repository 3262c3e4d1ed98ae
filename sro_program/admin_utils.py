"""The admin base classes of the authorization core (authz/admin.py), for the apps above mous."""

from django.contrib import admin

from authz.admin import ScopedAdmin, ScopedInlineMixin, ScopedModelAdmin

__all__ = ["ScopedAdmin", "ScopedInlineMixin", "ScopedModelAdmin", "admin"]
