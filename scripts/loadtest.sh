#!/usr/bin/env bash
# `make loadtest`: gunicorn (production settings) on PostgreSQL with the demo district, loaded by
# locust with a busy morning's mix -- staff logging interactions, the list and its filters, the
# superintendent previewing a report. Prints requests/s, p50/p95/p99 and errors per endpoint and
# saves them to var/loadtest/summary.txt. Exits non-zero when a goal is missed: no errors, and
# p95 under 300 ms for the interaction list and form.
#
# Traffic goes to 127.0.0.1 only. Environment (all optional):
#   USERS=20 DURATION=60 SPAWN_RATE=10   concurrent users, seconds, users started per second
#   WARMUP=10                            seconds after the last sign-in before measuring
#                                        (each gunicorn worker imports the views on first use)
#   WAIT_MIN=1 WAIT_MAX=3                think time of each simulated user between requests (s)
#   LOADTEST_PORT=8765                   gunicorn port on 127.0.0.1
#   LOADTEST_DB=sro_load                 database (dropped and rebuilt unless LOADTEST_REUSE_DB=1)
#   LOADTEST_REUSE_DB=1                  keep an already seeded database (faster reruns)
#   SEED_ARGS="--interactions 100000"    extra seed_demo options (default: the demo's own size)
#   WEB_CONCURRENCY, GUNICORN_THREADS    gunicorn workers and threads (config/gunicorn.conf.py)
#   LOADTEST_NICE=0                      nice value for gunicorn and locust (e.g. -10 on a
#                                        machine shared with other work; needs root)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

USERS=${USERS:-20}
DURATION=${DURATION:-60}
SPAWN_RATE=${SPAWN_RATE:-10}
WARMUP=${WARMUP:-10}
NICE=${LOADTEST_NICE:-0}
PORT=${LOADTEST_PORT:-8765}
DB=${LOADTEST_DB:-sro_load}
OUT=var/loadtest
PY=${PY:-.venv/bin/python}
PGHOST=127.0.0.1
PGPORT=5432
PGUSER=postgres
export PGHOST PGPORT PGUSER
mkdir -p "$OUT"

say() { printf '== %s\n' "$*"; }

# --- PostgreSQL ----------------------------------------------------------------------------
if ! command -v pg_isready >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing PostgreSQL"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
  else
    echo "PostgreSQL is not installed: apt-get install postgresql" >&2; exit 1
  fi
fi
if ! pg_isready -h "$PGHOST" -p "$PGPORT" -q; then
  say "starting PostgreSQL"
  cluster_version=$(ls /etc/postgresql | head -1)
  pg_ctlcluster --skip-systemctl-redirect "$cluster_version" main start
  for _ in $(seq 1 30); do pg_isready -h "$PGHOST" -p "$PGPORT" -q && break; sleep 1; done
fi
pg_isready -h "$PGHOST" -p "$PGPORT" -q || { echo "PostgreSQL is not answering on $PGHOST:$PGPORT" >&2; exit 1; }

# --- Production settings, plain HTTP on loopback -------------------------------------------
export DJANGO_SETTINGS_MODULE=config.settings.production
export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB"
export SECRET_KEY
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(60))')
export ALLOWED_HOSTS=127.0.0.1,localhost
# TLS is a proxy's job in production; this run speaks plain HTTP to gunicorn directly, so no
# redirect to https and cookies that a plain-HTTP client sends back.
export SECURE_SSL_REDIRECT=False SESSION_COOKIE_SECURE=False CSRF_COOKIE_SECURE=False
export LOG_LEVEL=${LOG_LEVEL:-WARNING}
unset DJANGO_ALLOW_ASYNC_UNSAFE DEBUG

# --- Database: migrate, demo district, static files ----------------------------------------
exists=$(psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'")
if [ "${LOADTEST_REUSE_DB:-0}" = 1 ] && [ "$exists" = 1 ]; then
  say "reusing database $DB"
  "$PY" manage.py migrate --noinput -v 0
else
  say "database $DB: drop, create, migrate, seed the demo district"
  psql -d postgres -qc "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)"
  psql -d postgres -qc "CREATE DATABASE \"$DB\""
  "$PY" manage.py migrate --noinput -v 0
  # shellcheck disable=SC2086  # SEED_ARGS is a list of options
  time "$PY" manage.py seed_demo --force ${SEED_ARGS:-}
fi
psql -d "$DB" -qc "VACUUM ANALYZE" >/dev/null
"$PY" manage.py collectstatic --noinput -v 0

say "choosing valid schools, students and officers for the simulated users"
"$PY" scripts/loadtest_prepare.py > "$OUT/fixtures.json"

# --- gunicorn -------------------------------------------------------------------------------
GUNICORN_PID=""
stop_gunicorn() {
  if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
    kill -TERM "$GUNICORN_PID" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$GUNICORN_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$GUNICORN_PID" 2>/dev/null || true
  fi
}
trap stop_gunicorn EXIT INT TERM

say "starting gunicorn on 127.0.0.1:$PORT"
BIND="127.0.0.1:$PORT" nice -n "$NICE" "$PY" -m gunicorn config.wsgi -c config/gunicorn.conf.py --no-control-socket \
  > "$OUT/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 1 60); do
  if "$PY" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$PORT/accounts/login/', timeout=2)" 2>/dev/null; then
    break
  fi
  kill -0 "$GUNICORN_PID" 2>/dev/null || { tail -40 "$OUT/gunicorn.log" >&2; echo "gunicorn exited" >&2; exit 1; }
  sleep 0.5
done

# --- locust ---------------------------------------------------------------------------------
# One run: users arrive ($SPAWN_RATE/s) and sign in, $WARMUP s more, then locust's statistics
# are reset and $DURATION s are measured (scripts/locustfile.py); -t is only a safety limit.
rm -f "$OUT"/locust_*.csv "$OUT"/requests.csv "$OUT"/cpu.json
say "locust: $USERS users against http://127.0.0.1:$PORT: sign-in and ${WARMUP}s warm-up, then ${DURATION}s measured"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
LOADTEST_FIXTURES="$OUT/fixtures.json" LOADTEST_REQUEST_LOG="$OUT/requests.csv" \
  LOADTEST_WARMUP="$WARMUP" LOADTEST_DURATION="$DURATION" LOADTEST_GUNICORN_PID="$GUNICORN_PID" \
  WAIT_MIN=${WAIT_MIN:-1} WAIT_MAX=${WAIT_MAX:-3} \
  nice -n "$NICE" .venv/bin/locust -f scripts/locustfile.py --headless --only-summary \
  --host "http://127.0.0.1:$PORT" -u "$USERS" -r "$SPAWN_RATE" \
  -t "$(( WARMUP + DURATION + 120 ))s" --stop-timeout 10 --csv "$OUT/locust" \
  --html "$OUT/report.html" --exit-code-on-error 0 > "$OUT/locust.log" 2>&1 \
  || { tail -40 "$OUT/locust.log" >&2; exit 1; }
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

stop_gunicorn
say "results (also in $OUT/summary.txt)"
workers=${WEB_CONCURRENCY:-$(( $(nproc) * 2 + 1 ))}
"$PY" scripts/loadtest_summary.py "$OUT" --cores "$(nproc)" \
  --title "Load test $(date -u +%Y-%m-%dT%H:%MZ): $USERS users (1-3 s think time), ${DURATION}s measured after sign-in and a ${WARMUP}s warm-up" \
  --note "gunicorn $workers workers x ${GUNICORN_THREADS:-2} threads (production settings), PostgreSQL and locust on the same $(nproc) cores" \
  --note "load average (1/5/15 min) before: $load_before, after: $load_after (includes other work on the machine); nice $NICE"
