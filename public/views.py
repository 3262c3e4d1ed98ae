"""Public pages: no sign-in. Published reports come only from their snapshots (public/
snapshots.py); every page is rate-limited per client; the family request form stores what it
is given and answers the same whatever it holds."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from interactions.family_requests import family_request_submit
from mous.models import MOU, MOUElement

from . import snapshots
from .forms import FamilyRequestForm, issue_stamp
from .throttle import hit, throttled

POLICY_FILE = settings.BASE_DIR / "docs" / "policy" / "BP-3515.31.txt"
METHODS_FILES = {"en": settings.BASE_DIR / "docs" / "methods.md",
                 "es": settings.BASE_DIR / "docs" / "methods.es.md"}


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


@throttled("page", "PUBLIC_RATE_LIMIT")
def index(request: HttpRequest) -> HttpResponse:
    reports = snapshots.published_list()
    latest_row = next((r for r in reports if not r["withdrawn"]), None)
    latest = snapshots.public_report(latest_row["pk"]) if latest_row else None
    return render(request, "public/index.html", {
        "reports": reports, "latest": latest, "formats": snapshots.PUBLIC_FORMATS,
    })


@throttled("page", "PUBLIC_RATE_LIMIT")
def report(request: HttpRequest, pk: int) -> HttpResponse:
    context = snapshots.public_report(pk)
    if context is None:
        raise Http404(_("No published report has this number."))
    context["formats"] = snapshots.PUBLIC_FORMATS
    return render(request, "public/report.html", context)


@throttled("download", "PUBLIC_RATE_LIMIT")
def download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    found = snapshots.public_download(pk, fmt)
    if found is None:
        raise Http404(_("No such file."))
    content, name = found
    from reports.exports import FORMATS

    response = HttpResponse(content, content_type=FORMATS[fmt][0])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _paragraphs(text: str) -> list[dict]:
    """Plain text or simple Markdown -> blocks: headings, list items and paragraphs."""
    blocks = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("#"):
            level = min(len(lines[0]) - len(lines[0].lstrip("#")) + 1, 4)
            blocks.append({"kind": "heading", "level": level, "text": lines[0].lstrip("# ")})
            lines = lines[1:]
            if not lines:
                continue
        if all(line.startswith(("- ", "* ")) for line in lines):
            blocks.append({"kind": "list", "items": [line[2:] for line in lines]})
        else:
            blocks.append({"kind": "paragraph", "text": " ".join(lines)})
    return blocks


def _file_blocks(path: Path, key: str) -> list[dict]:
    blocks = cache.get(key)
    if blocks is None:
        blocks = _paragraphs(path.read_text(encoding="utf-8")) if path.exists() else []
        cache.set(key, blocks, settings.PUBLIC_CACHE_SECONDS)
    return blocks


@throttled("page", "PUBLIC_RATE_LIMIT")
def policy(request: HttpRequest) -> HttpResponse:
    return render(request, "public/policy.html", {
        "blocks": _file_blocks(POLICY_FILE, "public:policy"),
    })


@throttled("page", "PUBLIC_RATE_LIMIT")
def methods(request: HttpRequest) -> HttpResponse:
    path = METHODS_FILES.get(_language())
    blocks = _file_blocks(path, f"public:methods:{_language()}") if path else []
    return render(request, "public/methods.html", {"blocks": blocks})


def mous_in_force() -> list[dict]:
    """One page per agency: the MOU in force today, its term, the Board's approval and the six
    required elements' headings and summaries. Never the signed document, never a person's
    name (who supervises, who approved)."""
    language = _language()
    key = f"public:mous:{language}:{timezone.localdate()}"
    rows = cache.get(key)
    if rows is None:
        rows = []
        mous = (MOU.objects.in_force_on(timezone.localdate()).select_related("agency")
                .prefetch_related("elements").order_by("agency__name"))
        for mou in mous:
            by_code = {e.code: e for e in mou.elements.all()}
            rows.append({
                "agency": mou.agency.name,
                "title": mou.title,
                "effective_date": mou.effective_date,
                "expiry_date": mou.expiry_date,
                "board_date": mou.board_date,
                "board_item": mou.board_item,
                "elements": [
                    {"code": code, "heading": str(MOUElement.Code(code).label),
                     "summary": by_code[code].text if code in by_code else ""}
                    for code in MOUElement.REQUIRED
                ],
            })
        cache.set(key, rows, settings.PUBLIC_CACHE_SECONDS)
    return rows


@throttled("page", "PUBLIC_RATE_LIMIT")
def mou(request: HttpRequest) -> HttpResponse:
    return render(request, "public/mou.html", {"mous": mous_in_force()})


def _too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > settings.PUBLIC_FORM_MAX_BYTES


@require_http_methods(["GET", "POST"])
@throttled("page", "PUBLIC_RATE_LIMIT")
def family_request(request: HttpRequest) -> HttpResponse:
    """Ask for a student's record of disclosures. The answer never depends on whether the
    student exists: the form is not compared with any record."""
    if request.method == "GET":
        return render(request, "public/family_request.html",
                      {"form": FamilyRequestForm(), "stamp": issue_stamp()})
    if _too_large(request):
        return render(request, "public/family_request.html", {
            "form": FamilyRequestForm(), "stamp": issue_stamp(),
            "form_error": _("The form you sent is too large. Please keep each answer short "
                            "and send it again."),
        }, status=413)
    limit, window = settings.PUBLIC_FORM_RATE_LIMIT
    if not hit("family-request", request, limit, window):
        response = render(request, "public/throttled.html", {
            "message": _("Too many requests were sent from your connection. Please try again "
                         "in an hour, or call the district office."),
        }, status=429)
        response["Retry-After"] = str(window)
        return response
    form = FamilyRequestForm(request.POST)
    if form.is_robot():
        return redirect("public:family_request_sent")  # same answer; nothing stored
    if not form.is_valid():
        return render(request, "public/family_request.html",
                      {"form": form, "stamp": issue_stamp()}, status=400)
    data = form.cleaned_data
    family_request_submit(
        requester_name=data["requester_name"], relationship=data["relationship"],
        student_name=data["student_name"], student_birth_date=data["student_birth_date"],
        school=data["school"], contact=data["contact"], language=_language(),
    )
    return redirect("public:family_request_sent")


@throttled("page", "PUBLIC_RATE_LIMIT")
def family_request_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "public/family_request_sent.html")
