"""gunicorn settings; every value can be overridden by the environment."""

import multiprocessing
import os

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
# Longer than the disclosure audit's 90 s (reports.disclosure.SOLVER_TIME_LIMIT) plus the
# report itself: publishing a report that overlaps several earlier ones ends with its answer
# (published or refused, with the reason), never with a worker cut off.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
# The access log carries the path and status only; query strings may hold search terms.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    """Load the URLconf (and with it WeasyPrint and matplotlib) before the first request, so a
    fresh or recycled worker does not make one user wait two seconds."""
    from django.urls import get_resolver

    _ = get_resolver().url_patterns  # importing the views is the point
