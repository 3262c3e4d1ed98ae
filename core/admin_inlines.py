"""Django admin pieces shared by every app (docs/accessibility.md)."""

from django.contrib import admin
from django.utils.translation import gettext


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline shows its labels only as column headers, which a screen reader does
    not announce for the field: every field of every row, the "Delete?" box included, gets
    its label as an accessible name too (WCAG 1.3.1, 4.1.2)."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        for field in formset.form.base_fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label))

        def add_fields(self, form, index):
            formset.add_fields(self, form, index)
            if "DELETE" in form.fields:
                form.fields["DELETE"].widget.attrs.setdefault("aria-label", gettext("Delete"))

        return type(formset.__name__, (formset,), {"add_fields": add_fields})
