#!/usr/bin/env bash
# Single-node OpenSearch 2.19 test node, assembled from Maven Central jars (ops/opensearch/).
#
#   ops/opensearch.sh build    resolve jars into ops/opensearch/lib (only if missing or pom.xml changed)
#   ops/opensearch.sh start    build, start in the background, wait until the cluster is yellow
#   ops/opensearch.sh stop     stop the node this script started
#   ops/opensearch.sh status   exit 0 if a node answers on the port, 3 otherwise
#   ops/opensearch.sh logs     last lines of the node's logs
#
# Environment:
#   OPENSEARCH_PORT            HTTP port (default 9200), bound to 127.0.0.1 only
#   OPENSEARCH_TRANSPORT_PORT  transport port (default 9300)
#   OPENSEARCH_RUN_DIR         runtime dir: pid, data, logs (default ops/opensearch/run)
#   OPENSEARCH_JAVA_OPTS       JVM flags (default "-Xms512m -Xmx1g")
#   OPENSEARCH_START_TIMEOUT   seconds to wait for yellow (default 120)
#   OPENSEARCH_KEEP_DATA=1     keep the data dir across starts (wiped by default: it is a test node)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OS_DIR="$HERE/opensearch"
LIB="$OS_DIR/lib"
RUN_DIR="${OPENSEARCH_RUN_DIR:-$OS_DIR/run}"
PORT="${OPENSEARCH_PORT:-9200}"
TPORT="${OPENSEARCH_TRANSPORT_PORT:-9300}"
PID_FILE="$RUN_DIR/opensearch.pid"
OUT_LOG="$RUN_DIR/logs/stdout.log"
NODE_LOG="$RUN_DIR/logs/maillage-test.log"
JAVA_OPTS="${OPENSEARCH_JAVA_OPTS:--Xms512m -Xmx1g}"
START_TIMEOUT="${OPENSEARCH_START_TIMEOUT:-120}"
URL="http://127.0.0.1:$PORT"

log() { echo "opensearch: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

answers() { curl -fsS -m 2 "$URL/" >/dev/null 2>&1; }
healthy() { curl -fsS -m 5 "$URL/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1; }

# pid of the node we started, if it is still alive and really is our launcher
our_pid() {
    [[ -f "$PID_FILE" ]] || return 1
    local pid; pid="$(cat "$PID_FILE" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'Launcher.java' || return 1
    echo "$pid"
}

show_logs() {
    local n="${1:-40}"
    if [[ -s "$NODE_LOG" ]] && grep -qE '^\[[^]]*\]\[(ERROR|FATAL)' "$NODE_LOG"; then
        echo "----- errors in $NODE_LOG -----" >&2
        grep -E '^\[[^]]*\]\[(ERROR|FATAL)' "$NODE_LOG" | tail -n 5 | cut -c1-400 >&2
    fi
    for f in "$OUT_LOG" "$NODE_LOG"; do
        if [[ -s "$f" ]]; then echo "----- last $n lines of $f -----" >&2; tail -n "$n" "$f" >&2; fi
    done
    return 0
}

pom_hash() { sha256sum "$OS_DIR/pom.xml" | cut -d' ' -f1; }

cmd_build() {
    command -v curl >/dev/null || { log "installing curl"; apt-get update -qq && apt-get install -y -qq curl >/dev/null; }
    if ! command -v javac >/dev/null; then
        # Launcher.java is run as a single-file source program: it needs a JDK (jdk.compiler), not just a JRE
        log "installing a JDK (openjdk-17-jdk-headless)"
        apt-get update -qq && apt-get install -y -qq openjdk-17-jdk-headless >/dev/null
    fi
    if [[ -d "$LIB" && -f "$LIB/.pom.sha256" && "$(cat "$LIB/.pom.sha256")" == "$(pom_hash)" ]]; then
        return 0
    fi
    if ! command -v mvn >/dev/null; then
        log "installing maven"
        apt-get update -qq && apt-get install -y -qq maven >/dev/null
    fi
    log "resolving jars into $LIB (mvn dependency:copy-dependencies)"
    rm -rf "$OS_DIR/lib.tmp"
    mkdir -p "$RUN_DIR/logs"
    if ! (cd "$OS_DIR" && mvn -q -B -Dstyle.color=never dependency:copy-dependencies -DoutputDirectory=lib.tmp) \
            >"$RUN_DIR/logs/maven.log" 2>&1; then
        tail -n 40 "$RUN_DIR/logs/maven.log" >&2
        die "maven could not resolve the jars (full output: $RUN_DIR/logs/maven.log)"
    fi
    pom_hash >"$OS_DIR/lib.tmp/.pom.sha256"
    rm -rf "$LIB"
    mv "$OS_DIR/lib.tmp" "$LIB"
    log "jars ready: $(ls "$LIB"/*.jar | wc -l) in $LIB"
}

cmd_start() {
    local pid
    if pid="$(our_pid)"; then
        local running_port; running_port="$(cat "$RUN_DIR/opensearch.port" 2>/dev/null || echo "$PORT")"
        [[ "$running_port" == "$PORT" ]] \
            || die "a node from $RUN_DIR already runs on port $running_port (pid $pid); stop it or set OPENSEARCH_RUN_DIR"
        if healthy; then log "already running (pid $pid) on $URL"; return 0; fi
        log "node pid $pid exists but is not healthy yet; waiting for it"
    elif answers; then
        log "something already answers on $URL (not started by this script); doing nothing"
        return 0
    else
        rm -f "$PID_FILE"
        cmd_build
        mkdir -p "$RUN_DIR/logs"
        if [[ "${OPENSEARCH_KEEP_DATA:-0}" != "1" ]]; then
            rm -rf "$RUN_DIR/data" "$RUN_DIR/home"
        fi
        rm -f "$OUT_LOG" "$NODE_LOG"
        log "starting on $URL (transport $TPORT, run dir $RUN_DIR)"
        # shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
        (cd "$OS_DIR" && OPENSEARCH_PORT="$PORT" OPENSEARCH_TRANSPORT_PORT="$TPORT" \
            OPENSEARCH_LOG4J="$OS_DIR/log4j2.properties" \
            exec nohup java $JAVA_OPTS -Dlog4j2.disable.jmx=true -Dlog4j.shutdownHookEnabled=false \
                -cp "$LIB/*" "$OS_DIR/Launcher.java" "$RUN_DIR" \
                >"$OUT_LOG" 2>&1 </dev/null) &
        pid=$!
        echo "$pid" >"$PID_FILE"
        echo "$PORT" >"$RUN_DIR/opensearch.port"
    fi
    local t0=$SECONDS
    while (( SECONDS - t0 < START_TIMEOUT )); do
        if healthy; then
            log "ready on $URL after $((SECONDS - t0))s (pid $pid)"
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$PID_FILE"
            show_logs 60
            die "the node exited during start-up (see logs above)"
        fi
        sleep 1
    done
    show_logs 60
    log "not healthy after ${START_TIMEOUT}s: stopping it"
    cmd_stop || true
    die "start-up timed out after ${START_TIMEOUT}s"
}

cmd_stop() {
    local pid
    if ! pid="$(our_pid)"; then
        rm -f "$PID_FILE"
        if answers; then log "not started by this script, but something answers on $URL: left alone"
        else log "not running"; fi
        return 0
    fi
    log "stopping pid $pid"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 60); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "still alive after 30s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
    fi
    rm -f "$PID_FILE" "$RUN_DIR/opensearch.port"
    log "stopped"
}

cmd_status() {
    local pid=""
    pid="$(our_pid)" || pid=""
    if answers; then
        local health
        health="$(curl -fsS -m 5 "$URL/_cluster/health" 2>/dev/null | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p' || true)"
        if [[ -n "$pid" ]]; then log "running on $URL, health ${health:-unknown}, pid $pid"
        else log "something answers on $URL (health ${health:-unknown}) but was not started by this script"; fi
        return 0
    fi
    if [[ -n "$pid" ]]; then log "pid $pid alive but $URL does not answer (starting?)"; return 3; fi
    log "not running"
    return 3
}

case "${1:-}" in
    build) cmd_build ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    restart) cmd_stop; cmd_start ;;
    status) cmd_status ;;
    logs) show_logs "${2:-80}" ;;
    *) echo "usage: $0 {build|start|stop|restart|status|logs [N]}" >&2; exit 2 ;;
esac
