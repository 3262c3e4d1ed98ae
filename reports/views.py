"""Board report pages: the published list, the builder with its preview and exports, publishing,
published snapshots and the CRDC file. Short views; the work is in selectors, compute, exports
and services."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from interactions.codes import MEASURES
from sro_program.authz import get_for_action, require_perm

from . import exports
from .display import report_context
from .forms import ReportForm
from .models import PublishedReport, content_key
from .selectors import board_report, crdc_counts, report_for_publishing
from .services import (
    Publication,
    publication_preview,
    report_publish_once,
    report_title,
    report_withdraw,
)


def _file_language(request: HttpRequest) -> str:
    """The language of a downloaded file: ?language=es|en, else the page's language."""
    chosen = request.GET.get("language", "")
    codes = [code for code, _name in settings.LANGUAGES]
    return chosen if chosen in codes else (translation.get_language() or settings.LANGUAGE_CODE)


def _download(content: bytes, fmt: str, name: str, request: HttpRequest | None = None
              ) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.FORMATS[fmt][0])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    token = request.GET.get("dl", "") if request is not None else ""
    if token.isdigit() and len(token) <= 40:
        # static/js/reports.js waits for this cookie to take its "Preparing…" note away.
        response.set_cookie(f"dl_{token}", "1", max_age=60, samesite="Lax", httponly=False)
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
        "parameters", "published_by__first_name", "published_by__last_name", "withdrawn_at",
        "withdrawn_reason",
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
        messages.error(request, _("Choose a school year or a period inside one first."))
        return redirect("reports:build")
    report = _report_from(request, form)
    with translation.override(_file_language(request)):
        content = exports.render(report, fmt)
    return _download(content, fmt, exports.filename(report, fmt), request)


def _confirm_page(request: HttpRequest, form: ReportForm, publication: Publication,
                  status: int = 200) -> HttpResponse:
    report = publication.report
    context = report_context(report, measures=["referral_to_law_enforcement"])
    context.update(
        form=form, title=report_title(report), content_key=content_key(report),
        existing=publication.existing, audit_line=publication.audit_line,
        selected_schools=form.cleaned_data.get("schools") and report["parameters"]["schools"],
    )
    return render(request, "reports/publish_confirm.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest) -> HttpResponse:
    """GET: what will be published, to confirm. POST with the confirmed content key: publish,
    or land on the snapshot that already holds the same parameters and figures."""
    require_perm(request.user, "reports.publish_report")
    form = ReportForm(request.POST if request.method == "POST" else request.GET,
                      user=request.user)
    if not form.is_valid():
        messages.error(request, _("The report could not be published:") + " " + " ".join(
            str(e) for errors in form.errors.values() for e in errors))
        return redirect("reports:index")
    kwargs = form.report_kwargs()
    kwargs.pop("unsuppressed", None)  # published output is always suppressed (and audited)
    raw = report_for_publishing(user=request.user, **kwargs)
    try:
        publication = publication_preview(raw=raw, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reports:index")
    if request.method == "GET":  # the page says when these figures are already published
        return _confirm_page(request, form, publication)
    if publication.existing is not None:
        messages.info(request, _("These parameters and figures are already published; this "
                                 "is that report. Nothing new was published."))
        return redirect("reports:published", pk=publication.existing.pk)
    confirmed = request.POST.get("content_key", "")
    if confirmed != content_key(publication.report):
        if confirmed:
            messages.warning(request, _("The figures changed since you checked them. Check "
                                        "them again, then confirm."))
        else:
            messages.info(request, _("Check what will be published, then confirm."))
        return _confirm_page(request, form, publication)
    snapshot, created = report_publish_once(publication=publication, acting_user=request.user,
                                            title=report_title(publication.report))
    if created:
        messages.success(request, _("Published. SHA-256 %(sha)s.") % {"sha": snapshot.sha256})
    else:
        messages.info(request, _("These parameters and figures were published a moment ago; "
                                 "this is that report. Nothing new was published."))
    return redirect("reports:published", pk=snapshot.pk)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = get_for_action(request.user, PublishedReport, "reports.withdraw_report", pk=pk)
    try:
        report_withdraw(snapshot=snapshot, reason=request.POST.get("reason", ""),
                        acting_user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, _("Not withdrawn. %(message)s") % {"message": message})
        return redirect(reverse("reports:published", args=[pk]) + "#withdraw")
    messages.success(request, _("Withdrawn. The report stays listed, marked withdrawn with "
                                "your reason, and its files stay downloadable."))
    return redirect("reports:published", pk=pk)


@login_required
def published(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = get_for_action(request.user, PublishedReport, "view", pk=pk)
    report = json.loads(snapshot.exact_bytes())
    measure = request.GET.get("measure") or "referral_to_law_enforcement"
    if measure not in MEASURES:
        measure = "referral_to_law_enforcement"
    context = report_context(report, measures=[measure])
    context.update(snapshot=snapshot, measure=measure, formats=list(exports.FORMATS),
                   can_withdraw=request.user.has_perm("reports.withdraw_report")
                   and not snapshot.withdrawn,
                   languages=settings.LANGUAGES, file_language=_file_language(request))
    return render(request, "reports/published.html", context)


@login_required
def published_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    require_perm(request.user, "reports.view_publishedreport")
    if fmt not in exports.FORMATS:
        raise Http404
    snapshot = get_for_action(request.user, PublishedReport, "view", pk=pk)
    content = snapshot.exact_bytes()
    report = json.loads(content)
    if fmt != "json":  # the other formats are rendered again from the published bytes
        with translation.override(_file_language(request)):
            content = exports.render(report, fmt, published={
                "at": snapshot.published_at, "by": snapshot.publisher_name,
                "sha256": snapshot.sha256, "withdrawn": snapshot.withdrawn,
                "withdrawn_at": snapshot.withdrawn_at,
                "withdrawn_reason": snapshot.withdrawn_reason,
            })
    prefix = f"published-{pk}" + ("-WITHDRAWN" if snapshot.withdrawn else "")
    response = _download(content, fmt, exports.filename(report, fmt, prefix=prefix), request)
    if fmt == "json":
        response["X-Content-SHA256"] = snapshot.sha256
    if snapshot.withdrawn:
        response["X-Report-Withdrawn"] = snapshot.withdrawn_at.isoformat()
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
