#!/usr/bin/env bash
# Starts or stops a throw-away PostgreSQL cluster on loopback for the controller's tests.
#   scripts/postgres.sh start   # installs Debian's postgresql if missing, starts a cluster, prints TEST_DATABASE_URL=…
#   scripts/postgres.sh stop    # stops it and deletes its data
#   eval "$(scripts/postgres.sh start)"   # exports TEST_DATABASE_URL into the calling shell
# The cluster lives in $TRACINGOPS_PG_DIR (default /tmp/tracingops-pg), listens on 127.0.0.1:$TRACINGOPS_PG_PORT
# (default 55432) and trusts loopback connections; it holds nothing but test data.
set -euo pipefail

PG_DIR="${TRACINGOPS_PG_DIR:-/tmp/tracingops-pg}"
PG_PORT="${TRACINGOPS_PG_PORT:-55432}"
DB_NAME=tracingops_test

log() { echo "postgres.sh: $*" >&2; }

pg_bin() {
  local dir
  dir="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -z "$dir" ]]; then
    return 1
  fi
  echo "$dir"
}

# Runs a command as the unprivileged postgres user when we are root (initdb refuses to run as root).
as_pg() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

install_postgres() {
  if pg_bin >/dev/null; then
    return
  fi
  if [[ "$(id -u)" != 0 ]]; then
    log "PostgreSQL is not installed and this is not root; install Debian's postgresql package first"
    exit 1
  fi
  log "installing Debian's postgresql package"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
}

start() {
  install_postgres
  local bin
  bin="$(pg_bin)"
  if [[ -f "$PG_DIR/data/postmaster.pid" ]] && as_pg "$bin/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then
    log "already running in $PG_DIR"
  else
    rm -rf "$PG_DIR"
    mkdir -p "$PG_DIR"
    if [[ "$(id -u)" == 0 ]]; then
      chown postgres:postgres "$PG_DIR"
    fi
    as_pg "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust --no-sync -E UTF8 >/dev/null
    # Test-only settings: loopback only, socket in our directory, no durability needed.
    as_pg "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
    as_pg "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$DB_NAME"
    log "started PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (data in $PG_DIR)"
  fi
  echo "export TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/$DB_NAME"
}

stop() {
  local bin
  if bin="$(pg_bin)" && [[ -d "$PG_DIR/data" ]]; then
    as_pg "$bin/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$PG_DIR"
  log "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
