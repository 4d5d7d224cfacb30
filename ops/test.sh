#!/usr/bin/env bash
# The whole suite against the real services: starts what is missing, stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

step() { printf '\n[test] %s — %s\n' "$(date +%H:%M:%S)" "$*"; }

cleanup() {
    local status=$?
    step "stopping the services this run started"
    ops/opensearch.sh stop || true
    ops/services.sh stop || true
    exit "$status"
}
trap cleanup EXIT

step "installing and starting PostgreSQL, Redis, Chromium (when missing)"
ops/services.sh install
ops/services.sh start
eval "$(ops/services.sh env)"

step "starting the OpenSearch node"
ops/opensearch.sh start
export OPENSEARCH_URL="http://127.0.0.1:${OPENSEARCH_PORT:-9200}"
# A service the suite was told about must answer: never skip silently.
export MAILLAGE_REQUIRE_SERVICES=1

step "lint"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/djhtml --check $(git ls-files '*.html')

step "deployment checks (production settings)"
DJANGO_SETTINGS_MODULE=maillage.settings.production \
DJANGO_SECRET_KEY="$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')" \
DJANGO_ALLOWED_HOSTS=maillage.example.org \
    $PY manage.py check --deploy --fail-level WARNING

step "migrations are up to date"
DJANGO_SETTINGS_MODULE=maillage.settings.test $PY manage.py makemigrations --check --dry-run

step "test suite"
$PY -m pytest "$@"
