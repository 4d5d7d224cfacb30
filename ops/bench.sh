#!/usr/bin/env bash
# Every benchmark against the real services: starts what is missing, stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."

cleanup() {
    local status=$?
    ops/opensearch.sh stop || true
    ops/services.sh stop || true
    exit "$status"
}
trap cleanup EXIT

ops/services.sh install
ops/services.sh start
eval "$(ops/services.sh env)"
ops/opensearch.sh start
export OPENSEARCH_URL="http://127.0.0.1:${OPENSEARCH_PORT:-9200}"

.venv/bin/python -m bench "$@"
