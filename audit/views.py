from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .filters import AuditEventFilter
from .models import AuditEvent


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Every create, change, void, approval and disclosure, for district administrators."""
    if not request.user.has_perm("audit.view_auditevent"):
        raise PermissionDenied
    filterset = AuditEventFilter(request.GET, queryset=AuditEvent.objects.all())
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/audit_log.html",
        {"filter": filterset, "page": page, "query": query.urlencode()},
    )
