import datetime as dt

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from authz.admin import ScopedAdmin
from core.admin_inlines import LabelledTabularInline

from . import services
from .forms import BoardApprovalForm, TerminateForm
from .models import MOU, Agency, MOUElement
from .selectors import ATTENTION_DAYS


@admin.register(Agency)
class AgencyAdmin(ScopedAdmin):
    list_display = ["name", "ori", "active"]
    list_filter = ["active"]
    search_fields = ["name", "ori"]


def refusal(error: Exception):
    """A ValidationError or PermissionDenied as an admin message: a list when it has several
    lines (the missing elements of an MOU), else one sentence."""
    lines = error.messages if isinstance(error, ValidationError) else [str(error)]
    if len(lines) == 1:
        return lines[0]
    # The list has its own class: the admin draws every `li` of a message as a success tick
    # otherwise (static/css/mous.css keeps these as plain bullets in the error's colours).
    return format_html('{}<ul class="mou-missing-list">{}</ul>', lines[0],
                       format_html_join("", "<li>{}</li>", ((m,) for m in lines[1:])))


class ExpiryFilter(admin.SimpleListFilter):
    title = "expiry"
    parameter_name = "expiry"

    def lookups(self, request, model_admin):
        return [
            ("expired", "Expired"),
            ("soon", f"Expiring within {ATTENTION_DAYS} days"),
            ("later", "Later"),
            ("none", "No expiry date"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        horizon = today + dt.timedelta(days=ATTENTION_DAYS)
        match self.value():
            case "expired":
                return queryset.filter(expiry_date__lt=today)
            case "soon":
                return queryset.filter(expiry_date__gte=today, expiry_date__lte=horizon)
            case "later":
                return queryset.filter(expiry_date__gt=horizon)
            case "none":
                return queryset.filter(expiry_date__isnull=True)
        return queryset


class MOUElementInline(LabelledTabularInline):
    """One form per element code. Codes the MOU lacks are offered as prefilled empty rows
    (required ones first); a row left empty is not saved. Locked once the Board approved."""

    model = MOUElement
    fields = ["code", "text", "section_ref", "supervisor", "duty_hours", "required_training"]
    max_num = len(MOUElement.Code)

    def get_queryset(self, request):
        order = Case(
            *(When(code=code, then=Value(i)) for code, i in MOUElement.ORDER.items()),
            output_field=IntegerField(),
        )
        return super().get_queryset(request).order_by(order)

    def get_extra(self, request, obj=None, **kwargs):
        return len(missing_codes(obj))

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        text = formset.form.base_fields.get("text")
        if text is not None:
            text.widget.attrs.update(rows=3, cols=40)
        return formset

    def _editable(self, obj) -> bool:
        return obj is None or not obj.is_locked

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


def missing_codes(mou: MOU | None) -> list[str]:
    if mou is not None and mou.is_locked:
        return []
    present = {e.code for e in mou.elements.all()} if mou is not None and mou.pk else set()
    return [c for c in (*MOUElement.REQUIRED, *MOUElement.OPTIONAL) if c not in present]


@admin.register(MOU)
class MOUAdmin(ScopedAdmin):
    change_form_template = "admin/mous/mou/change_form.html"

    class Media:
        # Refusals are shown on the list page too (actions), so its styles load there.
        css = {"all": ["css/mous.css"]}
    list_display = [
        "label", "agency_name", "status", "required_elements", "effective_date",
        "expiry_date", "next_review_date",
    ]
    list_filter = ["status", "agency", ExpiryFilter]
    search_fields = ["title", "agency__name", "agency__ori", "board_item"]
    inlines = [MOUElementInline]
    actions = ["submit_for_review", "record_board_approval", "create_amendment", "terminate"]
    # Status and the approval record change only through the actions (mous.services).
    always_readonly = [
        "version", "supersedes", "status", "ended_on", "board_date", "board_item",
        "approved_by", "approved_at",
    ]
    computed = ["checklist", "transition_history"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.select_related("agency", "supersedes").prefetch_related("elements")

    def get_fieldsets(self, request, obj=None):
        if obj is None:  # a new MOU is a draft with the agency's next version number
            return [
                (None, {"fields": ["agency", "title"]}),
                ("Dates", {"fields": ["effective_date", "expiry_date", "next_review_date"]}),
                ("Signed document", {"fields": ["document"]}),
            ]
        fieldsets = [
            (None, {"fields": ["agency", "title", "version", "supersedes", "status"]}),
            ("Dates", {"fields": ["effective_date", "expiry_date", "next_review_date",
                                  "ended_on"]}),
            ("Signed document", {"fields": ["document"]}),
            ("Board approval", {"fields": ["board_date", "board_item", "approved_by",
                                           "approved_at"]}),
        ]
        fieldsets.insert(1, ("Checklist of required elements (BP 3515.31)",
                             {"fields": ["checklist"]}))
        fieldsets.append(("Status history", {"fields": ["transition_history"]}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = [*self.always_readonly, *self.computed]
        if obj is not None and obj.is_locked:
            fields += ["agency", "title", "effective_date", "expiry_date"]
            if obj.document:
                fields.append("document")
        return fields

    @admin.display(description="MOU", ordering="title")
    def label(self, obj: MOU) -> str:
        return f"{obj.title} v{obj.version}"

    @admin.display(description="agency", ordering="agency__name")
    def agency_name(self, obj: MOU) -> str:
        return obj.agency.name

    @admin.display(description="required elements")
    def required_elements(self, obj: MOU) -> str:
        return services.mou_completeness(obj).summary

    @admin.display(description="checklist")
    def checklist(self, obj: MOU) -> str:
        return render_to_string(
            "admin/mous/mou/checklist.html", {"completeness": services.mou_completeness(obj)}
        )

    @admin.display(description="transitions")
    def transition_history(self, obj: MOU) -> str:
        return render_to_string(
            "admin/mous/mou/transitions.html",
            {"transitions": obj.transitions.select_related("acting_user")},
        )

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, MOUElementInline):
            kwargs["initial"] = [{"code": code} for code in missing_codes(obj)]
        return kwargs

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            services.mou_create(mou=obj, acting_user=request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # only drafts may go, one at a time
        return actions

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.can("delete"))

    def has_approve_permission(self, request, obj=None):
        return request.user.has_perm("mous.approve_mou")

    # History may be read, never reverted: a revert would bypass the transitions.
    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("History can be read, not reverted.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        extra_context["has_approve_permission"] = self.has_approve_permission(request)
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        own = [
            path("approve/", self.admin_site.admin_view(self.approve_view),
                 name="mous_mou_approve"),
            path("terminate/", self.admin_site.admin_view(self.terminate_view),
                 name="mous_mou_terminate"),
        ]
        return own + super().get_urls()

    # --- actions: each calls a service; a refusal becomes an error message ---------------

    def _each(self, request, queryset, act, done: str) -> list:
        results = []
        for mou in queryset:
            try:
                result = act(mou)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, refusal(error), messages.ERROR)
            else:
                self.message_user(request, f"{mou}: {done}.", messages.SUCCESS)
                results.append(result)
        return results

    def _back(self, request) -> HttpResponse | None:
        """From the change page's buttons (`_return_to_change`), go back there."""
        pk = request.POST.get("_return_to_change")
        if pk:
            return redirect("admin:mous_mou_change", pk)
        return None

    @admin.action(description="Submit for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        def act(mou):
            services.mou_submit_for_review(mou=mou, acting_user=request.user)
            missing = services.mou_completeness(mou).missing
            if missing:
                self.message_user(
                    request,
                    refusal(ValidationError([
                        f"{mou} still lacks {len(missing)} required element(s); the Board "
                        "approval will be refused until they are added:", *missing,
                    ])),
                    messages.WARNING,
                )

        self._each(request, queryset, act, "submitted for review")
        return self._back(request)

    @admin.action(description="Record Board approval…", permissions=["approve"])
    def record_board_approval(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return HttpResponseRedirect(f"{reverse('admin:mous_mou_approve')}?ids={ids}")

    @admin.action(description="Create amendment (new draft version)", permissions=["change"])
    def create_amendment(self, request, queryset):
        created = self._each(
            request, queryset,
            lambda mou: services.mou_create_amendment(mou=mou, acting_user=request.user),
            "amendment created as a new draft version",
        )
        if len(created) == 1:
            return redirect("admin:mous_mou_change", created[0].pk)
        return self._back(request)

    @admin.action(description="Terminate…", permissions=["change"])
    def terminate(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return HttpResponseRedirect(f"{reverse('admin:mous_mou_terminate')}?ids={ids}")

    # --- intermediate pages: GET shows the form, POST acts --------------------------------

    def _selected(self, request) -> list[MOU]:
        raw = request.POST.get("ids") if request.method == "POST" else request.GET.get("ids")
        ids = [int(part) for part in (raw or "").split(",") if part.strip().isdigit()]
        # The admin's own scope: nothing outside it can be approved or terminated from here.
        return list(self.get_queryset(request).filter(pk__in=ids))

    def _intermediate(self, request, *, form_class, template, title, act, done, allowed):
        mous = self._selected(request)
        if not mous:
            self.message_user(request, "Select at least one MOU.", messages.WARNING)
            return redirect("admin:mous_mou_changelist")
        form = form_class(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            self._each(request, mous, lambda mou: act(mou, form.cleaned_data), done)
            if len(mous) == 1:
                return redirect("admin:mous_mou_change", mous[0].pk)
            return redirect("admin:mous_mou_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "form": form,
            "rows": [(mou, services.mou_completeness(mou)) for mou in mous],
            "ids": ",".join(str(m.pk) for m in mous),
            "allowed": allowed,
        }
        return TemplateResponse(request, template, context)

    def approve_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_approve_permission(request):
            raise PermissionDenied
        return self._intermediate(
            request, form_class=BoardApprovalForm,
            template="admin/mous/mou/approve.html", title="Record Board approval",
            act=lambda mou, data: services.mou_record_board_approval(
                mou=mou, board_date=data["board_date"], board_item=data["board_item"],
                acting_user=request.user,
            ),
            done="Board approval recorded; its content is now locked",
            allowed=MOU.TRANSITIONS["approve"].sources,
        )

    def terminate_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        return self._intermediate(
            request, form_class=TerminateForm,
            template="admin/mous/mou/terminate.html", title="Terminate MOU",
            act=lambda mou, data: services.mou_terminate(
                mou=mou, acting_user=request.user, reason=data["reason"],
                ended_on=data["ended_on"],
            ),
            done="terminated",
            allowed=MOU.TRANSITIONS["terminate"].sources,
        )
