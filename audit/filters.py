import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent


class AuditEventFilter(django_filters.FilterSet):
    username = django_filters.CharFilter(label=_("Who (username)"), lookup_expr="icontains")
    date_from = django_filters.DateFilter(
        field_name="at", lookup_expr="date__gte", label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        field_name="at", lookup_expr="date__lte", label=_("To"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    model = django_filters.ChoiceFilter(label=_("What"), choices=[], empty_label=_("Any record"))
    action = django_filters.ChoiceFilter(
        choices=AuditEvent.Action.choices, empty_label=_("Any action")
    )
    object_id = django_filters.CharFilter(label=_("Record id"))

    class Meta:
        model = AuditEvent
        fields = ["username", "date_from", "date_to", "model", "action", "object_id"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pairs = (
            AuditEvent.objects.order_by().values_list("model", "model_verbose").distinct()
        )
        self.filters["model"].extra["choices"] = sorted(
            {(m, v.capitalize()) for m, v in pairs}, key=lambda c: c[1]
        )
