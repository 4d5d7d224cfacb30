# Maillage — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: install run test demo bench lint format messages clean

$(VENV)/.installed: pyproject.toml setup.py
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed node_modules/.installed

# The embedded default: SQLite, in-memory channel layer, immediate tasks, database search.
# Links in e-mails and calendars point at the port the site runs on.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	DJANGO_SETTINGS_MODULE=maillage.settings.dev $(PY) manage.py migrate --no-input
	DJANGO_SETTINGS_MODULE=maillage.settings.dev $(PY) manage.py demo
	DJANGO_SETTINGS_MODULE=maillage.settings.dev $(PY) manage.py runserver 127.0.0.1:$(PORT)

demo: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py demo

# Installs and starts PostgreSQL, Redis, OpenSearch and Chromium when missing, runs lint,
# deployment checks and the whole suite against them, and stops what it started.
test: install
	bash ops/test.sh

# Every benchmark on PostgreSQL, Redis and OpenSearch (started when missing).
bench: install
	bash ops/bench.sh

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djhtml --check $$(git ls-files '*.html')

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djhtml $$(git ls-files '*.html')

# French catalogues, one per app. Source strings are French already: `msgen` gives every new
# entry its own text, so that plurals follow the French rule (« 0 présent », « 2 présents »);
# a fuzzy guess from a neighbouring string is never right here, so it is replaced the same way.
MESSAGE_APPS := site formations communautes ressources analyse_pratiques recherche
messages: install
	@for app in $(MESSAGE_APPS); do \
		po=$$app/locale/fr/LC_MESSAGES/django.po; \
		mkdir -p $$app/locale && \
		(cd $$app && ../$(PY) ../manage.py makemessages -l fr --no-wrap) && \
		msgattrib --clear-fuzzy --empty --no-wrap -o $$po $$po && \
		msgen --no-wrap -o $$po $$po && \
		(cd $$app && ../$(PY) ../manage.py compilemessages -l fr) || exit 1; \
	done

clean:
	rm -rf $(VENV) node_modules var db.sqlite3 bench/results
