"""Board report pages: the published list, the builder with its preview and exports, publishing,
published snapshots and the CRDC file. Short views; the work is in selectors, compute, exports
and services."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods, require_POST

from interactions.codes import MEASURES
from sro_program.scoping import require_perm

from . import exports
from .display import report_context
from .forms import ReportForm
from .models import PublishedReport
from .selectors import board_report, crdc_counts
from .services import report_publish, report_title


def _file_language(request: HttpRequest) -> str:
    """The language of a downloaded file: ?language=es|en, else the page's language."""
    chosen = request.GET.get("language", "")
    codes = [code for code, _ in settings.LANGUAGES]
    return chosen if chosen in codes else (translation.get_language() or settings.LANGUAGE_CODE)


def _download(content: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.FORMATS[fmt][0])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def _bound_form(request: HttpRequest) -> ReportForm:
    return ReportForm(request.GET or None, user=request.user)


def _report_from(request: HttpRequest, form: ReportForm) -> dict:
    kwargs = form.report_kwargs()
    if kwargs["unsuppressed"]:
        require_perm(request.user, "reports.view_unsuppressed")
    return board_report(user=request.user, **kwargs)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "reports.view_publishedreport")
    published = PublishedReport.objects.select_related("published_by").only(
        "pk", "title", "sha256", "published_at", "published_by_username", "published_by_name",
        "parameters", "published_by__first_name", "published_by__last_name",
    )
    can_build = request.user.has_perm("reports.build_report")
    return render(request, "reports/index.html", {
        "published": published,
        "can_build": can_build,
        "min_cell": settings.REPORT_MIN_CELL,
    })


@login_required
def build(request: HttpRequest) -> HttpResponse:
    """The builder and its preview (GET, so a preview can be bookmarked and exported)."""
    require_perm(request.user, "reports.build_report")
    if request.GET.get("unsuppressed"):
        require_perm(request.user, "reports.view_unsuppressed")
    form = _bound_form(request)
    context = {"form": form, "query": request.GET.urlencode()}
    if form.is_bound and form.is_valid():
        report = _report_from(request, form)
        measure = form.cleaned_data.get("measure") or "referral_to_law_enforcement"
        context.update(report_context(report, measures=[measure]))
        context["measure"] = measure
        context["can_publish"] = request.user.has_perm("reports.publish_report")
        context["can_crdc"] = request.user.has_perm("reports.view_unsuppressed")
        context["formats"] = list(exports.FORMATS)
    return render(request, "reports/build.html", context)


@login_required
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    require_perm(request.user, "reports.build_report")
    if fmt not in exports.FORMATS:
        raise Http404
    if request.GET.get("unsuppressed"):
        require_perm(request.user, "reports.view_unsuppressed")
    form = _bound_form(request)
    if not form.is_bound or not form.is_valid():
        messages.error(request, "Choose a school year or a period inside one first.")
        return redirect("reports:build")
    report = _report_from(request, form)
    with translation.override(_file_language(request)):
        content = exports.render(report, fmt)
    return _download(content, fmt, exports.filename(report, fmt))


@login_required
@require_POST
def publish(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "reports.publish_report")
    form = ReportForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, "The report could not be published: " + " ".join(
            str(e) for errors in form.errors.values() for e in errors))
        return redirect("reports:index")
    kwargs = form.report_kwargs()
    kwargs["unsuppressed"] = False  # published output is always suppressed
    report = board_report(user=request.user, **kwargs)
    snapshot = report_publish(report=report, acting_user=request.user,
                              title=report_title(report))
    messages.success(request, f"Published. SHA-256 {snapshot.sha256}.")
    return redirect("reports:published", pk=snapshot.pk)


@login_required
def published(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "reports.view_publishedreport")
    snapshot = get_object_or_404(PublishedReport, pk=pk)
    report = json.loads(snapshot.exact_bytes())
    measure = request.GET.get("measure") or "referral_to_law_enforcement"
    if measure not in MEASURES:
        measure = "referral_to_law_enforcement"
    context = report_context(report, measures=[measure])
    context.update(snapshot=snapshot, measure=measure, formats=list(exports.FORMATS),
                   languages=settings.LANGUAGES, file_language=_file_language(request))
    return render(request, "reports/published.html", context)


@login_required
def published_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    require_perm(request.user, "reports.view_publishedreport")
    if fmt not in exports.FORMATS:
        raise Http404
    snapshot = get_object_or_404(PublishedReport, pk=pk)
    content = snapshot.exact_bytes()
    report = json.loads(content)
    if fmt != "json":  # the other formats are rendered again from the published bytes
        with translation.override(_file_language(request)):
            content = exports.render(report, fmt, published={
                "at": snapshot.published_at, "by": snapshot.publisher_name,
                "sha256": snapshot.sha256,
            })
    response = _download(content, fmt, exports.filename(report, fmt, prefix=f"published-{pk}"))
    if fmt == "json":
        response["X-Content-SHA256"] = snapshot.sha256
    return response


@login_required
@require_http_methods(["GET"])
def crdc(request: HttpRequest) -> HttpResponse:
    """Civil Rights Data Collection counts per school: unsuppressed, so confidential."""
    require_perm(request.user, "reports.build_report")
    require_perm(request.user, "reports.view_unsuppressed")
    form = _bound_form(request)
    if not form.is_bound or not form.is_valid():
        return redirect(reverse("reports:build"))
    fmt = request.GET.get("format", "csv")
    kwargs = form.report_kwargs()
    data = crdc_counts(user=request.user, school_year=kwargs["school_year"],
                       schools=kwargs["schools"])
    name = f"crdc-{kwargs['school_year']}-CONFIDENTIAL"
    if fmt == "xlsx":
        return _download(exports.crdc_xlsx_bytes(data), "xlsx", f"{name}.xlsx")
    return _download(exports.crdc_csv_text(data).encode("utf-8"), "csv", f"{name}.csv")
