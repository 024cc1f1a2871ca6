#!/usr/bin/env bash
# Private PostgreSQL for development, tests and benchmarks.
#
#   build/postgres.sh start    start (initialising on first use); prints the connection string as the last stdout line
#   build/postgres.sh stop     stop the private server (pg_ctl -m fast)
#   build/postgres.sh status   say running/stopped (always exits 0)
#   build/postgres.sh url      print the connection string; exit 1 if the server is not running
#
# Usage from other scripts:  url=$(build/postgres.sh start)
# Only the connection string goes to stdout; everything else goes to stderr.
#
# If ConnectionStrings__RegisterEcts is set, that server is used as is and nothing is started.
#
# The cluster lives in <repo>/.data/postgres (git-ignored), listens on 127.0.0.1 only, on a port
# chosen free at first start (from 54320 upward) and remembered in the data dir.
#
# Testing knob: RECTS_PG_SEARCH overrides the directory searched for <version>/bin server
# binaries (default /usr/lib/postgresql), so the "not installed" path can be exercised.
set -euo pipefail

readonly CONN_VAR=ConnectionStrings__RegisterEcts
readonly DB_NAME=register_ects
readonly FIRST_PORT=54320
readonly LAST_PORT=54999

# Resolve the repo from this script's own location so the script works from any cwd.
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(dirname -- "$SCRIPT_DIR")
readonly SCRIPT_DIR REPO

log() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
    sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

conn_string() { printf 'Host=127.0.0.1;Port=%s;Username=postgres;Database=%s\n' "$1" "$DB_NAME"; }

# --------------------------------------------------------------------------------------------
# Server binaries
# --------------------------------------------------------------------------------------------

# Debian/Ubuntu keep each major version's server binaries in /usr/lib/postgresql/<ver>/bin and
# do not put initdb/pg_ctl on PATH. (/usr/local/bin/pg_ctl may exist as a symlink on some
# machines; we deliberately ignore PATH and pick the versioned directory.)
PG_SEARCH=${RECTS_PG_SEARCH:-/usr/lib/postgresql}

# Prints the bin dir of the highest installed version that has everything we need, or nothing.
# With an argument, only that major version is considered (an existing cluster must be run by
# the version that created it).
find_bindir() {
    local want=${1:-} dir
    while IFS= read -r dir; do
        if [[ -n $want && $dir != "$PG_SEARCH/$want/bin" ]]; then continue; fi
        if [[ -x $dir/initdb && -x $dir/pg_ctl && -x $dir/postgres ]]; then
            printf '%s\n' "$dir"
            return 0
        fi
    done < <(printf '%s\n' "$PG_SEARCH"/*/bin | sort -V -r)
}

install_postgres() {
    command -v apt-get >/dev/null ||
        die "no PostgreSQL server binaries under $PG_SEARCH and no apt-get to install them; install PostgreSQL (initdb, pg_ctl, postgres) or set $CONN_VAR"
    local -a sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null ||
            die "PostgreSQL is not installed and installing it needs root; run as root, install sudo, run 'apt-get install postgresql' yourself, or set $CONN_VAR"
        # Without a terminal there is nobody to type a password: fail instead of hanging.
        if [[ -t 0 ]]; then sudo=(sudo); else sudo=(sudo -n); fi
    fi
    log "no PostgreSQL server found under $PG_SEARCH; installing it with apt-get (this takes a minute)"
    # apt's chatter goes to stderr: stdout is reserved for the connection string. fd 9 (our
    # lock) is closed so that a service the package starts cannot inherit and hold it.
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update >&2 9>&- ||
        die "apt-get update failed"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2 9>&- ||
        die "apt-get install -y postgresql failed"
}

# Sets BIN (server binaries) and PSQL; installs PostgreSQL when allowed and needed.
resolve_binaries() {
    local install=$1 cluster_version=
    [[ -f $PGDATA/PG_VERSION ]] && cluster_version=$(<"$PGDATA/PG_VERSION")
    BIN=$(find_bindir "$cluster_version")
    if [[ -z $BIN && -n $cluster_version ]]; then
        die "the cluster in $PGDATA was created by PostgreSQL $cluster_version, which is not installed under $PG_SEARCH; install it, or delete $PGDATA to start afresh"
    fi
    if [[ -z $BIN ]]; then
        [[ $install == yes ]] || return 0
        install_postgres
        BIN=$(find_bindir)
        [[ -n $BIN ]] || die "installed postgresql, but still found no initdb/pg_ctl/postgres under $PG_SEARCH/*/bin"
    fi
    if [[ -x $BIN/psql ]]; then PSQL=$BIN/psql; else PSQL=$(command -v psql || true); fi
    [[ -n $PSQL ]] || die "psql not found (looked in $BIN and on PATH)"
    log "using PostgreSQL server binaries in $BIN"
}

# --------------------------------------------------------------------------------------------
# Who runs the server, and where its data lives
# --------------------------------------------------------------------------------------------

# initdb, pg_ctl and postgres refuse to run as root. As root we run them as an unprivileged
# user: the owner of an existing cluster, else the `postgres` system user, else our own `rects`.
pick_run_user() {
    if [[ $(id -u) -ne 0 ]]; then RUN_USER=$(id -un); return; fi
    local owner=
    [[ -f $PGDATA/PG_VERSION ]] && owner=$(stat -c %U "$PGDATA")
    if [[ -n $owner && $owner != root && $owner != UNKNOWN ]]; then
        RUN_USER=$owner
    elif id postgres >/dev/null 2>&1; then
        RUN_USER=postgres
    else
        if ! id rects >/dev/null 2>&1; then
            log "creating system user 'rects' to run PostgreSQL (it refuses to run as root)"
            useradd --system --user-group --no-create-home --home-dir /nonexistent \
                --shell /usr/sbin/nologin rects >&2 || die "useradd rects failed"
        fi
        RUN_USER=rects
    fi
}

# Runs a command as RUN_USER, from / (the caller's cwd may not be readable by that user).
# fd 9 (our lock) is closed so a started postmaster does not inherit and hold it forever.
as_run_user() {
    if [[ $(id -u) -ne 0 ]]; then
        (cd / && "$@") 9>&-
    elif command -v runuser >/dev/null; then
        (cd / && runuser -u "$RUN_USER" -- "$@") 9>&-
    elif command -v setpriv >/dev/null; then
        (cd / && setpriv --reuid="$RUN_USER" --regid="$(id -g "$RUN_USER")" --init-groups -- "$@") 9>&-
    else
        die "need runuser or setpriv to run PostgreSQL as $RUN_USER"
    fi
}

# The preferred location is <repo>/.data/postgres. If the server's user can't reach it (e.g. the
# repo is under /root, mode 700) we use /tmp/rects-postgres-<hash of repo path> instead.
REPO_DATA_ROOT=$REPO/.data
FALLBACK_DATA_ROOT=/tmp/rects-postgres-$(printf '%s' "$REPO" | md5sum | cut -c1-12)

# For commands that must not create anything (status/url/stop): wherever a cluster exists.
locate_existing_cluster() {
    DATA_ROOT=$REPO_DATA_ROOT
    if [[ ! -f $REPO_DATA_ROOT/postgres/PG_VERSION && -f $FALLBACK_DATA_ROOT/postgres/PG_VERSION ]]; then
        DATA_ROOT=$FALLBACK_DATA_ROOT
    fi
    set_paths
}

set_paths() {
    PGDATA=$DATA_ROOT/postgres
    PGLOG=$DATA_ROOT/postgres.log
}

# For `start`: choose the data root, create it, and make sure RUN_USER can use it.
prepare_data_root() {
    locate_existing_cluster
    if [[ -f $PGDATA/PG_VERSION ]]; then
        pick_run_user
        return
    fi
    DATA_ROOT=$REPO_DATA_ROOT
    set_paths
    pick_run_user
    [[ -d $PGDATA ]] || mkdir -m 0700 "$PGDATA"
    touch "$PGLOG"
    if [[ $(id -u) -eq 0 ]]; then chown "$RUN_USER:" "$PGDATA" "$PGLOG"; fi
    if ! as_run_user test -w "$PGDATA" -a -w "$PGLOG"; then
        rmdir "$PGDATA" 2>/dev/null || true
        rm -f "$PGLOG"
        DATA_ROOT=$FALLBACK_DATA_ROOT
        set_paths
        log "user $RUN_USER cannot reach $REPO_DATA_ROOT (a parent directory is not traversable);"
        log "keeping the cluster in $PGDATA instead"
        mkdir -p "$PGDATA"
        chmod 0700 "$DATA_ROOT" "$PGDATA"
        touch "$PGLOG"
        if [[ $(id -u) -eq 0 ]]; then chown "$RUN_USER:" "$DATA_ROOT" "$PGDATA" "$PGLOG"; fi
        as_run_user test -w "$PGDATA" -a -w "$PGLOG" || die "user $RUN_USER cannot write $PGDATA"
    fi
}

# --------------------------------------------------------------------------------------------
# Server state
# --------------------------------------------------------------------------------------------

# What a PID from postmaster.pid is now: "ours" (a live postmaster of PGDATA), "gone",
# "zombie" (killed, not yet reaped by its parent) or "other" (reused by an unrelated process,
# e.g. after a reboot, or a postgres of another cluster).
pid_state() {
    local pid=$1 stat cwd
    if [[ ! -d /proc/self ]]; then # no /proc: the best we can do
        if kill -0 "$pid" 2>/dev/null; then echo ours; else echo gone; fi
        return 0
    fi
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || { echo gone; return 0; }
    # Format: "pid (comm) state ...".
    if [[ $stat != *"(postgres) "* ]]; then echo other; return 0; fi
    if [[ ${stat##*) } == Z* ]]; then echo zombie; return 0; fi
    # A postmaster's working directory is its data directory.
    cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null || true)
    if [[ -n $cwd && $cwd != "$(cd "$PGDATA" 2>/dev/null && pwd -P)" ]]; then echo other; return 0; fi
    echo ours
}

postmaster_pid() {
    local pid
    pid=$(head -n 1 "$PGDATA/postmaster.pid" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    printf '%s\n' "$pid"
}

# Prints the postmaster's PID if one is really running for PGDATA; postmaster.pid alone may be
# a leftover of kill -9 or a reboot.
running_pid() {
    local pid
    pid=$(postmaster_pid) || return 1
    [[ $(pid_state "$pid") == ours ]] || return 1
    printf '%s\n' "$pid"
}

# Called when no postmaster runs for PGDATA but postmaster.pid is there (kill -9, reboot).
# If its PID is simply gone we leave the file alone: postgres removes it itself and, using the
# shared-memory key recorded in it, refuses to start while orphaned backends of the killed
# postmaster are still attached. But if that PID is now another process, postgres would refuse
# to start ("lock file already exists"), so then the file goes. A killed postmaster that stays
# an unreaped zombie gets 10 s to disappear first.
clear_stale_pidfile() {
    local pid state i
    pid=$(postmaster_pid) || return 0
    for ((i = 0; i < 10; i++)); do
        state=$(pid_state "$pid")
        [[ $state == zombie ]] || break
        sleep 1
    done
    case $state in
        gone) ;;
        *)
            log "removing stale $PGDATA/postmaster.pid (PID $pid is not a live postmaster of this cluster)"
            rm -f "$PGDATA/postmaster.pid"
            ;;
    esac
}

# The port of the running server: line 4 of postmaster.pid is authoritative.
running_port() { sed -n '4p' "$PGDATA/postmaster.pid"; }

configured_port() {
    [[ -f $PGDATA/rects.conf ]] || return 0
    sed -n 's/^port = \([0-9][0-9]*\).*/\1/p' "$PGDATA/rects.conf"
}

# A port is taken if anything listens on it. `ss` sees listeners on any address; without it,
# a connect over bash's /dev/tcp to 127.0.0.1 is a good enough test.
port_in_use() {
    local port=$1
    if command -v ss >/dev/null; then
        [[ -n $(ss -Htln "sport = :$port" 2>/dev/null) ]] && return 0
    fi
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

pick_free_port() {
    local port
    for ((port = FIRST_PORT; port <= LAST_PORT; port++)); do
        if ! port_in_use "$port"; then printf '%s\n' "$port"; return 0; fi
    done
    die "no free TCP port in $FIRST_PORT..$LAST_PORT"
}

# Returns 0 once the server accepts connections, 1 if the postmaster went away meanwhile (it was
# shutting down, or had just been killed); dies if it neither answers nor exits within 60 s.
wait_until_ready() {
    local port=$1 i
    for ((i = 0; i < 60; i++)); do
        "$BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -t 1 && return 0
        running_pid >/dev/null || return 1
        sleep 1
    done
    die "server on port $port did not accept connections within 60 s; see $PGLOG"
}

# --------------------------------------------------------------------------------------------
# Initialisation and configuration
# --------------------------------------------------------------------------------------------

init_cluster() {
    # initdb wants an empty directory; a leftover from an interrupted initdb is just wiped.
    if [[ -n $(ls -A "$PGDATA") ]]; then
        log "$PGDATA holds an incomplete cluster (no PG_VERSION); wiping it"
        find "$PGDATA" -mindepth 1 -delete
    fi
    # C.UTF-8 gives byte-order collation (fast, same on every machine) with UTF-8 ctype.
    # Minimal images may lack it; plain C works everywhere.
    local locale=C
    if locale -a 2>/dev/null | grep -qixE 'c\.utf-?8'; then locale=C.UTF-8; fi
    log "initialising a new cluster in $PGDATA (user $RUN_USER, locale $locale)"
    as_run_user "$BIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale="$locale" >&2 ||
        die "initdb failed"
}

write_config() {
    local port=$1
    # Our settings live in their own file, included from postgresql.conf, so they can be
    # rewritten on every start (and the port changed) without touching initdb's file.
    if ! grep -q "^include_if_exists = 'rects.conf'" "$PGDATA/postgresql.conf"; then
        printf "\n# Settings for register-ects, maintained by build/postgres.sh\ninclude_if_exists = 'rects.conf'\n" |
            as_run_user tee -a "$PGDATA/postgresql.conf" >/dev/null
    fi
    # Written through the server's user so the file keeps the cluster's ownership.
    as_run_user tee "$PGDATA/rects.conf" >/dev/null <<EOF
# Generated by build/postgres.sh on every start; edits are overwritten.
# TCP on loopback only, no unix socket: socket paths have a length limit and deep checkouts hit it.
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
port = $port
# Sized for a 2-core / 24 GiB test box running many test connections in parallel.
max_connections = 200
shared_buffers = 256MB
# Durability stays real: crash/recovery tests depend on committed data surviving.
fsync = on
synchronous_commit = on
full_page_writes = on
# Same results on every machine whatever the host's time zone.
timezone = 'UTC'
log_timezone = 'UTC'
EOF
}

ensure_database() {
    local port=$1 exists
    exists=$("$PSQL" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -tA \
        -c "select 1 from pg_database where datname = '$DB_NAME'") ||
        die "could not connect to the server on port $port; see $PGLOG"
    if [[ $exists != 1 ]]; then
        log "creating database $DB_NAME"
        "$PSQL" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
            -c "create database $DB_NAME" >&2 || die "create database $DB_NAME failed"
    fi
}

# --------------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------------

cmd_start() {
    # Two concurrent starts (say run.sh and test.sh) must not both install, create the user,
    # initdb or pick the same port. The lock is released when this script exits.
    # -m 0755: a restrictive umask must not lock the server's user out of .data itself.
    # (A concurrent start may create it first, hence the second test.)
    mkdir -m 0755 "$REPO_DATA_ROOT" 2>/dev/null || [[ -d $REPO_DATA_ROOT ]] ||
        die "cannot create $REPO_DATA_ROOT"
    if command -v flock >/dev/null; then
        exec 9>"$REPO_DATA_ROOT/postgres.lock"
        flock -w 300 9 || die "timed out waiting for another postgres.sh (lock $REPO_DATA_ROOT/postgres.lock)"
    fi
    locate_existing_cluster
    resolve_binaries yes
    prepare_data_root

    [[ -f $PGDATA/PG_VERSION ]] || init_cluster

    local pid port
    if pid=$(running_pid); then
        port=$(running_port)
        log "already running (pid $pid, port $port, data $PGDATA)"
        if wait_until_ready "$port"; then
            ensure_database "$port"
            conn_string "$port"
            return 0
        fi
        log "the server exited while we waited for it; starting it again"
    fi
    start_server
}

start_server() {
    local port attempt
    clear_stale_pidfile
    port=$(configured_port)
    if [[ -z $port ]]; then
        port=$(pick_free_port)
        log "chose port $port"
    elif port_in_use "$port"; then
        local old=$port
        port=$(pick_free_port)
        log "port $old is taken by another program; moving to port $port"
    fi
    write_config "$port"
    # Keep the log from growing without bound across many restarts.
    if [[ $(stat -c %s "$PGLOG" 2>/dev/null || echo 0) -gt 104857600 ]]; then
        mv -f "$PGLOG" "$PGLOG.old"
        touch "$PGLOG"
        if [[ $(id -u) -eq 0 ]]; then chown "$RUN_USER:" "$PGLOG"; fi
    fi
    log "starting PostgreSQL on 127.0.0.1:$port (data $PGDATA, log $PGLOG)"
    # After a kill -9 of the postmaster its children take a moment to notice and exit; until
    # then postgres refuses to start ("pre-existing shared memory block is still in use").
    for attempt in 1 2 3 4 5; do
        as_run_user "$BIN/pg_ctl" -D "$PGDATA" -l "$PGLOG" -w -t 60 start >&2 && break
        # pg_ctl gives up after 60 s while a long crash recovery goes on: keep waiting below.
        if running_pid >/dev/null; then log "still starting up"; break; fi
        if [[ $attempt == 5 ]]; then
            log "pg_ctl start failed; last lines of $PGLOG:"
            tail -n 20 "$PGLOG" >&2 || true
            exit 1
        fi
        log "pg_ctl start failed (attempt $attempt); retrying in 2 s"
        sleep 2
    done
    wait_until_ready "$port" || die "the server exited right after starting; see $PGLOG"
    ensure_database "$port"
    conn_string "$port"
}

cmd_stop() {
    locate_existing_cluster
    if [[ ! -f $PGDATA/PG_VERSION ]]; then log "no cluster in $PGDATA; nothing to stop"; return 0; fi
    local pid
    if ! pid=$(running_pid); then log "not running (data $PGDATA)"; return 0; fi
    resolve_binaries no
    [[ -n $BIN ]] || die "server is running (pid $pid) but no pg_ctl found under $PG_SEARCH"
    pick_run_user
    log "stopping PostgreSQL (pid $pid, data $PGDATA)"
    as_run_user "$BIN/pg_ctl" -D "$PGDATA" -m fast -w -t 60 stop >&2
}

cmd_status() {
    locate_existing_cluster
    local pid
    if [[ ! -f $PGDATA/PG_VERSION ]]; then
        echo "stopped (no cluster yet; 'build/postgres.sh start' creates one in $REPO_DATA_ROOT/postgres)"
    elif pid=$(running_pid); then
        echo "running (pid $pid, port $(running_port), data $PGDATA)"
    else
        echo "stopped (data $PGDATA)"
    fi
}

cmd_url() {
    locate_existing_cluster
    if [[ -f $PGDATA/PG_VERSION ]] && running_pid >/dev/null; then
        conn_string "$(running_port)"
    else
        log "not running; use 'build/postgres.sh start'"
        exit 1
    fi
}

main() {
    [[ $# -eq 1 ]] || usage
    local cmd=$1
    case $cmd in start | stop | status | url) ;; *) usage ;; esac

    # An externally provided server is used as is: never start or stop anything for it.
    if [[ -n ${!CONN_VAR:-} ]]; then
        case $cmd in
            start | url) log "using the server from $CONN_VAR"; printf '%s\n' "${!CONN_VAR}" ;;
            stop) log "$CONN_VAR is set: that server is not managed here; nothing stopped" ;;
            status) echo "external server ($CONN_VAR is set); not managed by this script" ;;
        esac
        return 0
    fi

    "cmd_$cmd"
}

main "$@"
