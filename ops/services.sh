#!/usr/bin/env bash
# ops/services.sh — install and run the real services the Maillage test suite needs.
#
#   ops/services.sh install   apt-get install what is missing (postgresql, redis,
#                             chromium + chromedriver, maven + JDK, gettext, fonts)
#   ops/services.sh start     start PostgreSQL and Redis if they do not answer yet,
#                             create role/database "maillage" (idempotent)
#   ops/services.sh stop      stop only what this script started (see ops/run/started)
#   ops/services.sh status    show what answers and what this script started
#   ops/services.sh env       print export lines: eval "$(ops/services.sh env)"
#
# Environment: PGPORT (default 5432), REDIS_PORT (default 6379),
#              SERVICES_RUN_DIR (default ops/run).
# All messages go to stderr, prefixed with [services]; only `env` writes to stdout.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN_DIR="${SERVICES_RUN_DIR:-$SCRIPT_DIR/run}"
STATE_FILE="$RUN_DIR/started"
PGPORT="${PGPORT:-5432}"
REDIS_PORT="${REDIS_PORT:-6379}"
DB_NAME=maillage
DB_USER=maillage
DB_PASSWORD=maillage
PG_SOCKET_DIR=/var/run/postgresql
DATABASE_URL_VALUE="postgres://${DB_USER}:${DB_PASSWORD}@127.0.0.1:${PGPORT}/${DB_NAME}"
REDIS_URL_VALUE="redis://127.0.0.1:${REDIS_PORT}/0"

export DEBIAN_FRONTEND=noninteractive

log() { echo "[services] $*" >&2; }
die() { echo "[services] ERROR: $*" >&2; exit 1; }

show_log_tail() { # file [lines]
    local file="$1" lines="${2:-30}"
    if [[ -r "$file" ]]; then
        echo "[services] --- last $lines lines of $file ---" >&2
        tail -n "$lines" "$file" >&2 || true
        echo "[services] --- end of $file ---" >&2
    else
        echo "[services] (no log file at $file)" >&2
    fi
}

is_root() { [[ "$(id -u)" -eq 0 ]]; }

# Run a command as root (directly, or through sudo when not root).
as_root() {
    if is_root; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -n -- "$@"
    else
        die "need root for: $* (run as root or install sudo)"
    fi
}

# Run a command as the postgres system user, from / so that it can read its cwd.
as_postgres() {
    if is_root; then
        (cd / && runuser -u postgres -- "$@")
    elif [[ "$(id -un)" == postgres ]]; then
        (cd / && "$@")
    elif command -v sudo >/dev/null 2>&1; then
        (cd / && sudo -n -u postgres -- "$@")
    else
        die "need root (or sudo) to run PostgreSQL admin commands as user postgres"
    fi
}

# Serialise concurrent invocations (parallel make targets, several shells).
take_lock() {
    mkdir -p "$RUN_DIR"
    exec 9>"$RUN_DIR/.lock"
    if command -v flock >/dev/null 2>&1; then
        flock -w 120 9 || die "could not take the lock $RUN_DIR/.lock within 120s (another ops/services.sh running?)"
    fi
}

# --- state file ---------------------------------------------------------------
# One line per service that this script started:
#   postgresql <major> <cluster>
#   redis <port> <pidfile or ->
record_started() {
    mkdir -p "$RUN_DIR"
    touch "$STATE_FILE"
    if ! grep -qxF -- "$*" "$STATE_FILE"; then
        echo "$*" >>"$STATE_FILE"
    fi
}

# --- install ------------------------------------------------------------------
pkg_installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

pg_binaries_present() {
    local d
    for d in /usr/lib/postgresql/*/bin/postgres; do
        [[ -x "$d" ]] && return 0
    done
    return 1
}

# Echo the Debian packages that are missing (one per line).
missing_packages() {
    { pg_binaries_present && command -v pg_ctlcluster >/dev/null && command -v psql >/dev/null; } \
        || echo postgresql
    { command -v redis-server >/dev/null && command -v redis-cli >/dev/null; } || echo redis-server
    command -v chromium >/dev/null || pkg_installed chromium || echo chromium
    command -v chromedriver >/dev/null || pkg_installed chromium-driver || echo chromium-driver
    command -v mvn >/dev/null || echo maven
    command -v javac >/dev/null || echo default-jdk-headless
    { command -v msgfmt >/dev/null && command -v xgettext >/dev/null; } || echo gettext
    pkg_installed fonts-dejavu-core || echo fonts-dejavu-core
    pkg_installed fonts-liberation || echo fonts-liberation
    command -v flock >/dev/null || echo util-linux
    return 0
}

cmd_install() {
    local missing
    missing="$(missing_packages | tr '\n' ' ')"
    missing="${missing% }"
    if [[ -z "$missing" ]]; then
        log "install: everything is already installed"
        return 0
    fi
    command -v apt-get >/dev/null || die "install: apt-get not found (Debian/Ubuntu only); missing: $missing"
    take_lock

    # Remember what answered before, so that a service started by a package's
    # postinst (machines without a policy-rc.d) is recorded as started by us.
    local pg_before=0 redis_before=0
    pg_ready && pg_before=1
    redis_ping && redis_before=1

    log "install: missing packages: $missing"
    local t0=$SECONDS
    log "install: apt-get update"
    if ! as_root apt-get update -q -o Acquire::Retries=3 >&2; then
        log "install: apt-get update failed, retrying once in 5s"
        sleep 5
        as_root apt-get update -q -o Acquire::Retries=3 >&2 || die "install: apt-get update failed"
    fi
    log "install: apt-get install -y --no-install-recommends $missing"
    # LANG: the postgresql postinst initdb-s cluster "main" with this locale (UTF8, not SQL_ASCII).
    # 9>&-: a service started by a package's postinst must not inherit the lock.
    # shellcheck disable=SC2086
    as_root env DEBIAN_FRONTEND=noninteractive LANG="${LANG:-C.UTF-8}" apt-get install -y -q --no-install-recommends \
        -o Acquire::Retries=3 -o Dpkg::Use-Pty=0 $missing >&2 9>&- \
        || die "install: apt-get install failed for: $missing"

    local still
    still="$(missing_packages | tr '\n' ' ')"
    [[ -z "${still% }" ]] || die "install: still missing after apt-get install: $still"

    if [[ $pg_before -eq 0 ]] && pg_ready; then
        local c
        c="$(cluster_on_port || true)"
        if [[ -n "$c" ]]; then
            log "install: the postgresql package started cluster $c; recording it as ours"
            record_started "postgresql $c"
        fi
    fi
    if [[ $redis_before -eq 0 ]] && redis_ping; then
        log "install: the redis-server package started redis on port $REDIS_PORT; recording it as ours"
        record_started redis "$REDIS_PORT" -
    fi
    log "install: done in $((SECONDS - t0))s"
}

# --- PostgreSQL ---------------------------------------------------------------
pg_ready() {
    command -v pg_isready >/dev/null 2>&1 || return 1
    pg_isready -q -h 127.0.0.1 -p "$PGPORT" -t 3 >/dev/null 2>&1
}

# Echo "<major> <name>" of the Debian cluster configured on $PGPORT, if any.
cluster_on_port() {
    command -v pg_lsclusters >/dev/null 2>&1 || return 1
    pg_lsclusters -h 2>/dev/null | awk -v p="$PGPORT" '$3 == p { print $1, $2; found=1; exit } END { exit !found }'
}

# Highest PostgreSQL major installed under /usr/lib/postgresql.
pg_major() {
    local d best=""
    for d in /usr/lib/postgresql/*/bin/postgres; do
        [[ -x "$d" ]] || continue
        d="${d#/usr/lib/postgresql/}"
        best="$(printf '%s\n%s\n' "$best" "${d%%/*}" | sed '/^$/d' | sort -V | tail -n 1)"
    done
    [[ -n "$best" ]] || return 1
    echo "$best"
}

pg_log_file() { # major name
    local f
    f="$(pg_lsclusters -h 2>/dev/null | awk -v v="$1" -v n="$2" '$1 == v && $2 == n { print $7 }')"
    echo "${f:-/var/log/postgresql/postgresql-$1-$2.log}"
}

psql_admin() { # psql as the postgres superuser over the Unix socket
    as_postgres psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$PGPORT" -d postgres "$@"
}

psql_app() { # psql as the application role over TCP
    PGPASSWORD="$DB_PASSWORD" PGCONNECT_TIMEOUT=5 psql -X -q -A -t -v ON_ERROR_STOP=1 \
        -h 127.0.0.1 -p "$PGPORT" -U "$DB_USER" "$@"
}

start_postgres() {
    if pg_ready; then
        log "postgresql: already answering on 127.0.0.1:$PGPORT"
    else
        if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! pg_binaries_present; then
            die "postgresql: not installed (run: ops/services.sh install)"
        fi
        local major name cluster
        cluster="$(cluster_on_port || true)"
        if [[ -n "$cluster" ]]; then
            read -r major name <<<"$cluster"
        else
            major="$(pg_major)" || die "postgresql: no server binaries under /usr/lib/postgresql"
            name=main
            [[ -d "/etc/postgresql/$major/main" ]] && name=maillage
            [[ -d "/etc/postgresql/$major/$name" ]] \
                && die "postgresql: cluster $major/$name exists but not on port $PGPORT; set PGPORT or fix its port"
            log "postgresql: creating cluster $major/$name on port $PGPORT"
            as_root pg_createcluster "$major" "$name" -p "$PGPORT" --locale C.UTF-8 -e UTF8 >&2 9>&- \
                || die "postgresql: pg_createcluster $major $name failed"
            # Debian's postgresql.conf includes conf.d/; listen on IPv4 loopback only.
            as_root install -d -o postgres -g postgres "/etc/postgresql/$major/$name/conf.d"
            echo "listen_addresses = '127.0.0.1'  # ops/services.sh" \
                | as_root tee "/etc/postgresql/$major/$name/conf.d/maillage.conf" >/dev/null
        fi
        as_root install -d -m 2775 -o postgres -g postgres "$PG_SOCKET_DIR"
        log "postgresql: starting cluster $major/$name (port $PGPORT)"
        # 9>&-: the daemon must not inherit (and keep) the lock file descriptor.
        if ! as_root pg_ctlcluster "$major" "$name" start >&2 9>&-; then
            show_log_tail "$(pg_log_file "$major" "$name")"
            die "postgresql: cluster $major/$name failed to start"
        fi
        record_started postgresql "$major" "$name"
        local i
        for ((i = 0; i < 60; i++)); do
            pg_ready && break
            sleep 0.5
        done
        if ! pg_ready; then
            show_log_tail "$(pg_log_file "$major" "$name")"
            die "postgresql: cluster $major/$name started but does not answer on 127.0.0.1:$PGPORT (check listen_addresses)"
        fi
        log "postgresql: ready on 127.0.0.1:$PGPORT"
    fi
    ensure_pg_role_and_db
}

ensure_pg_role_and_db() {
    # Fast path (second run): the role logs in, is superuser, and the database exists.
    local out
    if out="$(psql_app -d "$DB_NAME" -c 'select rolsuper from pg_roles where rolname = current_user' 2>/dev/null)" \
        && [[ "$out" == t ]]; then
        log "postgresql: role and database '$DB_NAME' already present"
        return 0
    fi
    if ! psql_admin -c 'select 1' >/dev/null 2>&1; then
        die "postgresql: cannot connect as superuser 'postgres' via $PG_SOCKET_DIR port $PGPORT to create role '$DB_USER'; create it yourself (SUPERUSER, password '$DB_PASSWORD') and database '$DB_NAME'"
    fi
    local super
    super="$(psql_admin -c "select rolsuper from pg_roles where rolname = '$DB_USER'")"
    if [[ -z "$super" ]]; then
        log "postgresql: creating role $DB_USER (SUPERUSER)"
        psql_admin -c "CREATE ROLE $DB_USER LOGIN SUPERUSER PASSWORD '$DB_PASSWORD'" >/dev/null
    else
        log "postgresql: updating role $DB_USER (LOGIN SUPERUSER, password)"
        psql_admin -c "ALTER ROLE $DB_USER LOGIN SUPERUSER PASSWORD '$DB_PASSWORD'" >/dev/null
    fi
    if [[ -z "$(psql_admin -c "select 1 from pg_database where datname = '$DB_NAME'")" ]]; then
        log "postgresql: creating database $DB_NAME owned by $DB_USER"
        psql_admin -c "CREATE DATABASE $DB_NAME OWNER $DB_USER ENCODING 'UTF8' TEMPLATE template0" >/dev/null
    fi
    local enc
    enc="$(psql_admin -c "select pg_encoding_to_char(encoding) from pg_database where datname = 'template1'")"
    [[ "$enc" == UTF8 ]] || log "postgresql: WARNING: template1 encoding is $enc (not UTF8); test databases inherit it"
    psql_app -d "$DB_NAME" -c 'select 1' >/dev/null \
        || die "postgresql: role $DB_USER cannot log in over TCP 127.0.0.1:$PGPORT (check pg_hba.conf)"
    log "postgresql: role and database '$DB_NAME' ready"
}

stop_postgres() { # major name
    local major="$1" name="$2"
    if ! command -v pg_ctlcluster >/dev/null 2>&1; then
        log "postgresql: pg_ctlcluster not found; cannot stop $major/$name"
        return 1
    fi
    if as_root pg_ctlcluster "$major" "$name" status >/dev/null 2>&1; then
        log "postgresql: stopping cluster $major/$name"
        as_root pg_ctlcluster "$major" "$name" stop -m fast >&2 || {
            log "postgresql: ERROR: failed to stop cluster $major/$name"
            return 1
        }
    else
        log "postgresql: cluster $major/$name is not running"
    fi
}

# --- Redis --------------------------------------------------------------------
redis_ping() { # [timeout seconds]
    command -v redis-cli >/dev/null 2>&1 || return 1
    [[ "$(timeout "${1:-5}" redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]
}

start_redis() {
    if redis_ping; then
        log "redis: already answering on 127.0.0.1:$REDIS_PORT"
        return 0
    fi
    command -v redis-server >/dev/null 2>&1 || die "redis: redis-server not installed (run: ops/services.sh install)"
    mkdir -p "$RUN_DIR"
    local pidfile="$RUN_DIR/redis-$REDIS_PORT.pid" logfile="$RUN_DIR/redis-$REDIS_PORT.log"
    rm -f "$pidfile"
    log "redis: starting redis-server on 127.0.0.1:$REDIS_PORT"
    if ! redis-server --daemonize yes --port "$REDIS_PORT" --bind 127.0.0.1 \
        --save '' --appendonly no --dir "$RUN_DIR" \
        --pidfile "$pidfile" --logfile "$logfile" >&2 9>&-; then
        show_log_tail "$logfile"
        die "redis: redis-server failed to start"
    fi
    record_started redis "$REDIS_PORT" "$pidfile"
    local i pid
    for ((i = 0; i < 40; i++)); do
        redis_ping 1 && break
        # redis-server exited (port taken, bad option...): no point waiting.
        pid="$(cat "$pidfile" 2>/dev/null || true)"
        [[ $i -ge 4 ]] && ! pid_is_redis "$pid" && break
        sleep 0.25
    done
    if ! redis_ping 2; then
        show_log_tail "$logfile"
        die "redis: started but does not answer PING on 127.0.0.1:$REDIS_PORT"
    fi
    log "redis: ready on 127.0.0.1:$REDIS_PORT"
}

pid_is_redis() {
    [[ -n "$1" && -r "/proc/$1/cmdline" ]] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -q redis-server
}

stop_redis() { # port pidfile|-
    local port="$1" pidfile="$2" pid=""
    [[ "$pidfile" != - && -r "$pidfile" ]] && pid="$(cat "$pidfile" 2>/dev/null || true)"
    if pid_is_redis "$pid"; then
        log "redis: stopping redis-server (pid $pid, port $port)"
        kill -TERM "$pid" 2>/dev/null || true
    elif [[ "$(timeout 5 redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == PONG ]]; then
        log "redis: stopping redis-server on port $port (SHUTDOWN NOSAVE)"
        timeout 10 redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
    else
        log "redis: not running on port $port"
        return 0
    fi
    local i
    for ((i = 0; i < 40; i++)); do
        if [[ -n "$pid" ]]; then pid_is_redis "$pid" || break; fi
        [[ -z "$pid" && "$(timeout 2 redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" != PONG ]] && break
        sleep 0.25
    done
    if [[ -n "$pid" ]] && pid_is_redis "$pid"; then
        log "redis: still running after 10s, sending SIGKILL to $pid"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    [[ "$pidfile" != - ]] && rm -f "$pidfile"
    return 0
}

# --- commands -----------------------------------------------------------------
cmd_start() {
    take_lock
    start_postgres
    start_redis
    if [[ -s "$STATE_FILE" ]]; then
        log "start: started by this script (to be stopped by 'stop'): $(tr '\n' ';' <"$STATE_FILE" | sed 's/;$//; s/;/; /g')"
    else
        log "start: nothing was started by this script (services were already running)"
    fi
}

cmd_stop() {
    take_lock
    if [[ ! -s "$STATE_FILE" ]]; then
        log "stop: nothing to stop (no $STATE_FILE)"
        rm -f "$STATE_FILE"
        return 0
    fi
    local rc=0 kind a b
    # Stop in reverse order of start.
    while read -r kind a b; do
        case "$kind" in
            postgresql) stop_postgres "$a" "$b" || rc=1 ;;
            redis) stop_redis "$a" "$b" || rc=1 ;;
            '') ;;
            *) log "stop: unknown entry '$kind $a $b' in $STATE_FILE (ignored)" ;;
        esac
    done < <(tac "$STATE_FILE")
    if [[ $rc -eq 0 ]]; then
        rm -f "$STATE_FILE"
        log "stop: done"
    else
        die "stop: some services failed to stop; state kept in $STATE_FILE"
    fi
}

cmd_status() {
    if pg_ready; then log "postgresql: answering on 127.0.0.1:$PGPORT"; else log "postgresql: not answering on 127.0.0.1:$PGPORT"; fi
    if redis_ping; then log "redis: answering on 127.0.0.1:$REDIS_PORT"; else log "redis: not answering on 127.0.0.1:$REDIS_PORT"; fi
    if [[ -s "$STATE_FILE" ]]; then
        log "started by this script:"
        sed 's/^/[services]   /' "$STATE_FILE" >&2
    else
        log "started by this script: nothing"
    fi
    local missing
    missing="$(missing_packages | tr '\n' ' ')"
    [[ -z "${missing% }" ]] || log "missing packages: ${missing% }"
}

cmd_env() {
    printf 'export DATABASE_URL=%q\n' "$DATABASE_URL_VALUE"
    printf 'export REDIS_URL=%q\n' "$REDIS_URL_VALUE"
}

usage() {
    cat >&2 <<EOF
usage: $0 {install|start|stop|status|env}
  install  apt-get install the missing system packages (postgresql, redis, chromium, ...)
  start    start PostgreSQL/Redis if they do not answer; create role/db '$DB_NAME'
  stop     stop only what this script started (listed in ${STATE_FILE#"$PWD"/})
  status   show what answers and what this script started
  env      print export lines for DATABASE_URL and REDIS_URL
EOF
}

main() {
    local cmd="${1:-}"
    case "$cmd" in
        install) cmd_install ;;
        start) cmd_start ;;
        stop) cmd_stop ;;
        status) cmd_status ;;
        env) cmd_env ;;
        -h | --help | help) usage ;;
        *)
            usage
            exit 2
            ;;
    esac
}

main "$@"
