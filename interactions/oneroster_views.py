"""The District administrator's OneRoster page: upload a bundle, read the dry run's preview,
then import it while a progress bar follows (the page is streamed: no polling, no job table).

The upload waits between preview and import in a private folder outside the media root
(ONEROSTER_UPLOAD_DIR), named by a random token kept in the session, and is deleted after the
import."""

from __future__ import annotations

import queue
import secrets
import threading
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import escape
from django.views.decorators.http import require_http_methods

from sro_program import roles

from .importers import Progress
from .oneroster import end_year, import_bundle

MARKER = "<!--oneroster-stream-->"
SESSION_KEY = "oneroster_upload"
MAX_BYTES = 512 * 1024 * 1024


def upload_dir() -> Path:
    default = Path(settings.MEDIA_ROOT).parent / "oneroster-uploads"
    path = Path(getattr(settings, "ONEROSTER_UPLOAD_DIR", default))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


class BundleForm(forms.Form):
    bundle = forms.FileField(label="OneRoster 1.1 CSV bundle (.zip)")
    supplement = forms.FileField(
        label="Supplementary CSV (optional)", required=False,
        help_text="Disability, English learner, foster, homeless and SED, in the roster CSV "
                  "format of import_csv; OneRoster has no such fields.")
    school_year = forms.CharField(
        label="School year (optional)", required=False, max_length=7,
        help_text="e.g. 2025-26; needed only when the bundle holds several years.")
    with_staff = forms.BooleanField(
        label="Create inactive staff accounts for teachers and administrators", required=False)

    def clean_bundle(self):
        bundle = self.cleaned_data["bundle"]
        if bundle.size > MAX_BYTES:
            raise forms.ValidationError("The bundle is larger than 512 MB.")
        if not bundle.name.lower().endswith(".zip"):
            raise forms.ValidationError("Upload the bundle as a .zip file.")
        return bundle

    def clean_school_year(self):
        value = self.cleaned_data["school_year"].strip()
        if value and end_year(value) is None:
            raise forms.ValidationError("Give a school year like 2025-26, or leave it empty.")
        return value


def _require_district_admin(user) -> None:
    if not (user.is_authenticated and (
        user.is_superuser or roles.has_role(user, roles.DISTRICT_ADMIN)
    )):
        raise PermissionDenied("Only the District administrator imports rosters.")


@require_http_methods(["GET", "POST"])
def oneroster_import(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    _require_district_admin(request.user)
    if request.method == "POST" and request.POST.get("action") == "import":
        return _import(request)
    form = BundleForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        token = secrets.token_urlsafe(24)
        folder = upload_dir()
        _save(form.cleaned_data["bundle"], folder / f"{token}.zip")
        has_supplement = bool(form.cleaned_data["supplement"])
        if has_supplement:
            _save(form.cleaned_data["supplement"], folder / f"{token}.csv")
        options = {"token": token, "school_year": form.cleaned_data["school_year"] or None,
                   "with_staff": form.cleaned_data["with_staff"],
                   "supplement": has_supplement, "name": form.cleaned_data["bundle"].name}
        report = _run(options, dry_run=True)
        context.update(report=report, name=options["name"])
        if report.errors:
            _discard(options)
        else:
            request.session[SESSION_KEY] = options
            context["lines"] = report.outcome.lines(report.plan,
                                                    with_staff=options["with_staff"])
            context["token"] = token
    return render(request, "interactions/oneroster.html", context)


def _save(upload, path: Path) -> None:
    with open(path, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)


def _discard(options: dict) -> None:
    for suffix in (".zip", ".csv"):
        (upload_dir() / f"{options['token']}{suffix}").unlink(missing_ok=True)


def _run(options: dict, *, dry_run: bool, progress: Progress | None = None):
    folder = upload_dir()
    supplement = (folder / f"{options['token']}.csv").read_bytes() if options["supplement"] \
        else None
    return import_bundle(folder / f"{options['token']}.zip", school_year=options["school_year"],
                         dry_run=dry_run, with_staff=options["with_staff"],
                         supplement=supplement, progress=progress)


class QueueProgress(Progress):
    """Progress events (stage, percent) into a queue, every 5%."""

    def __init__(self, events: queue.Queue):
        super().__init__(enabled=True)
        self.events = events

    def start(self, stage: str, total: int) -> None:
        super().start(stage, total)
        self.next_mark = 5
        self.events.put(("progress", stage, 0))

    def update(self, done: int) -> None:
        if not self.total:
            return
        percent = done * 100 // self.total
        if percent >= self.next_mark:
            self.events.put(("progress", self.stage, percent))
            self.next_mark = (percent // 5 + 1) * 5


def _import(request: HttpRequest) -> HttpResponse:
    options = request.session.get(SESSION_KEY)
    if not options or request.POST.get("token") != options["token"] or not (
        upload_dir() / f"{options['token']}.zip"
    ).exists():
        return render(request, "interactions/oneroster.html", {
            "form": BundleForm(), "expired": True}, status=400)
    del request.session[SESSION_KEY]
    page = render_to_string("interactions/oneroster_progress.html",
                            {"name": options["name"], "marker": MARKER}, request=request)
    head, tail = page.split(MARKER, 1)
    events: queue.Queue = queue.Queue()

    def work():
        try:
            report = _run(options, dry_run=False, progress=QueueProgress(events))
            events.put(("done", report, None))
        except IntegrityError:
            events.put(("busy", None, None))
        except Exception as exc:  # reported on the page; nothing was written (one transaction)
            events.put(("failed", repr(exc), None))
            raise
        finally:
            _discard(options)
            connection.close()

    thread = threading.Thread(target=work, daemon=True)

    def stream():
        # Started on the first chunk, once the response middleware (which saves the session)
        # has finished: SQLite allows one writer at a time.
        thread.start()
        yield head
        while True:
            kind, value, percent = events.get()
            if kind == "progress":
                yield (f'<div class="step"><p class="mb-1">{escape(value)}: {percent}%</p>'
                       f'<progress class="w-100" max="100" value="{percent}">{percent}%'
                       "</progress></div>\n")
                continue
            yield '</div>'  # closes the steps
            yield render_to_string("interactions/oneroster_result.html", {
                "kind": kind, "report": value if kind == "done" else None,
                "lines": value.outcome.lines(value.plan, with_staff=options["with_staff"])
                if kind == "done" and not value.errors else None,
                "message": value if kind == "failed" else None,
            }, request=request)
            break
        thread.join()
        yield tail

    response = StreamingHttpResponse(stream(), content_type="text/html; charset=utf-8")
    response["X-Accel-Buffering"] = "no"  # let a proxy pass the progress through
    response["Cache-Control"] = "no-store"
    return response
