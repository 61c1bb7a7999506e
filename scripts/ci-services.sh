#!/usr/bin/env bash
# Throwaway PostgreSQL for the team-mode tests: a private cluster in a temp dir on 127.0.0.1.
#
#   eval "$(scripts/ci-services.sh pg-start DIR)"   # prints export INCIDENT_DESK_TEST_PG=...
#   scripts/ci-services.sh pg-stop DIR              # stops the cluster and deletes DIR
#
# PG_DURABLE=1 keeps PostgreSQL's durability (fsync, synchronous commit) for timing that means
# something (make bench); the tests turn it off for speed.
# DIR must not exist yet (pg-start creates it) and its parent must be searchable by the
# postgres user. Runs the server as the `postgres` user when
# started as root (initdb refuses root), as the caller otherwise. Needs the Debian
# `postgresql` package; logs go to DIR/server.log (kept until pg-stop).
set -euo pipefail

PG_DB=${PG_DB:-incident_desk_test}
PG_USER=${PG_USER:-incident_desk}

die() { echo "ci-services: $*" >&2; exit 1; }

pg_bindir() {
    local dir=${PG_BINDIR:-}
    [ -n "$dir" ] || dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$dir" ] && [ -x "$dir/initdb" ] || die "initdb not found (apt-get install postgresql, or set PG_BINDIR)"
    echo "$dir"
}

# Run a command as the cluster owner.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pg_start() {
    local dir=$1 bin port
    [ -e "$dir" ] && die "$dir already exists"
    bin=$(pg_bindir)
    local speed="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    [ "${PG_DURABLE:-0}" = 1 ] && speed="-c max_connections=200"
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U "$PG_USER" --auth=trust -E UTF8 --locale=C.UTF-8 \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    # A free port can be taken between the probe and the bind; try a few.
    for _ in 1 2 3 4 5; do
        port=$(free_port)
        if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir $speed" \
            >>"$dir/pg_ctl.log" 2>&1; then
            as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U "$PG_USER" "$PG_DB" \
                || die "createdb failed"
            echo "$port" >"$dir/port"
            echo "export INCIDENT_DESK_TEST_PG=postgresql://$PG_USER@127.0.0.1:$port/$PG_DB"
            return 0
        fi
    done
    cat "$dir/server.log" >&2 || true
    die "PostgreSQL did not start"
}

pg_stop() {
    local dir=$1 bin
    [ -d "$dir" ] || return 0
    bin=$(pg_bindir)
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >>"$dir/pg_ctl.log" 2>&1 || true
    fi
    rm -rf "$dir"
}

case "${1:-}" in
    pg-start) [ $# = 2 ] || die "usage: $0 pg-start DIR"; pg_start "$2" ;;
    pg-stop)  [ $# = 2 ] || die "usage: $0 pg-stop DIR"; pg_stop "$2" ;;
    *) die "usage: $0 pg-start DIR | pg-stop DIR" ;;
esac
