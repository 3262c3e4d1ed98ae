# Two commands: `make run` and `make test`. Each does all set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.base

.PHONY: run test install system-deps assets migrate seed lint bench bench-oneroster loadtest clean messages

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

# Message catalogues: the .po files are in git, the compiled .mo files are built here (GNU
# gettext's msgfmt). `make messages` after editing a .po file.
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	msgfmt --check-format -o $@ $<

messages: $(MO_FILES)

# WeasyPrint needs Pango; browser tests need Chromium. Installed when we may (root with apt).
system-deps:
	@if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  missing=""; \
	  dpkg -s libpango-1.0-0 >/dev/null 2>&1 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	  [ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	  command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	  command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	  command -v msgfmt >/dev/null 2>&1 || missing="$$missing gettext"; \
	  if [ -n "$$missing" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi; \
	else echo "Not root or no apt-get: install libpango-1.0-0, chromium and npm yourself."; fi

migrate: install
	$(PY) manage.py migrate --noinput

run: system-deps install messages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	@echo "Demo logins (password sro-demo-2026): district.admin superintendent site.admin staff staff2 sro custodian board"
	@echo "Serving http://127.0.0.1:$(PORT)/"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: system-deps install messages
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .

bench: install
	DJANGO_SETTINGS_MODULE=config.settings.base $(PY) manage.py bench_pages
	DJANGO_SETTINGS_MODULE=config.settings.base $(PY) manage.py bench_report
	$(MAKE) bench-oneroster

# import_oneroster on a generated bundle of 50,000 students; rolled back afterwards.
bench-oneroster: install
	DJANGO_SETTINGS_MODULE=config.settings.base $(PY) manage.py bench_oneroster

loadtest: install
	./scripts/loadtest.sh

clean:
	rm -rf $(VENV) node_modules var db.sqlite3
