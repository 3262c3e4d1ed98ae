"""The Board packet: a printable summary of one MOU, as HTML and as PDF."""

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from authz.core import get_for_action

from .models import MOU
from .services import mou_completeness

VIEW_MOU = "mous.view_mou"


def _summary_context(request: HttpRequest, pk: int) -> dict:
    mou = get_for_action(
        request.user,
        MOU.objects.select_related("agency", "supersedes", "approved_by").prefetch_related(
            "elements"
        ),
        "view",
        pk=pk,
    )
    elements = {e.code: e for e in mou.elements.all()}
    completeness = mou_completeness(mou)
    return {
        "mou": mou,
        "completeness": completeness,
        "rows": [(status, elements.get(status.code)) for status in completeness.elements],
        "transitions": mou.transitions.select_related("acting_user").order_by("at", "id"),
        "generated_at": timezone.localtime(),
    }


@login_required
@permission_required(VIEW_MOU, raise_exception=True)
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "mous/summary.html", _summary_context(request, pk))


@login_required
@permission_required(VIEW_MOU, raise_exception=True)
def summary_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    context = _summary_context(request, pk)
    html = render_to_string("mous/summary_pdf.html", context, request=request)
    # The PDF template inlines its CSS and links nothing. Should anything be referenced, it is
    # never fetched over HTTP: fetching from the app itself deadlocks a single sync worker.
    pdf = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf(
        pdf_variant=settings.PDF_VARIANT
    )
    mou = context["mou"]
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="mou-{mou.agency.ori}-v{mou.version}-summary.pdf"'
    )
    return response
