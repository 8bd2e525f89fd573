#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the tests and prints the URL the tests use.
#
#   eval "$(bash .ci/postgres.sh start)"   # exports PG_TEST_URL, PG_TEST_DIR (and stops nothing)
#   bash .ci/postgres.sh stop "$PG_TEST_DIR"
#
# The cluster lives in a new temporary directory owned by an unprivileged user (`pgtest`,
# created when run as root), listens on 127.0.0.1 only (port PG_TEST_PORT, default 55432),
# and has one database, `deal`, owned by a non-superuser role `deal` (password `secret`).
# Installs Debian's `postgresql` package when the server binaries are missing.
set -euo pipefail

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

as_owner() { # runs a command as the cluster's owner
  if [ "$(id -u)" = 0 ]; then runuser -u pgtest -- "$@"; else "$@"; fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  local port="${PG_TEST_PORT:-55432}" bin dir
  if [ -z "${PG_TEST_PORT:-}" ]; then # another run on this machine may hold 55432: take the next free port
    while port_in_use "$port" && [ "$port" -lt 55500 ]; do port=$((port + 1)); done
  fi
  bin=$(pg_bin || true)
  if [ -z "$bin" ]; then
    echo "--- installing Debian's postgresql" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    bin=$(pg_bin)
  fi
  if [ "$(id -u)" = 0 ] && ! id pgtest >/dev/null 2>&1; then
    useradd --system --create-home --shell /usr/sbin/nologin pgtest
  fi
  dir=$(mktemp -d "${TMPDIR:-/tmp}/deal-pg.XXXXXX")
  chmod 0755 "$dir"
  [ "$(id -u)" = 0 ] && chown pgtest "$dir"
  cd "$dir" # the owner must be able to read its working directory
  # Peer-free setup: the owner signs in over the socket in $dir; everyone else needs a password over TCP.
  as_owner "$bin/initdb" -D "$dir/data" -U pgtest --no-locale -E UTF8 --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off -c max_connections=200" start >/dev/null
  as_owner "$bin/psql" -q -h "$dir" -p "$port" -U pgtest -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE deal LOGIN PASSWORD 'secret' NOSUPERUSER NOCREATEDB NOCREATEROLE" \
    -c "CREATE DATABASE deal OWNER deal" >/dev/null
  echo "export PG_TEST_DIR='$dir'"
  echo "export PG_TEST_URL='postgres://deal:secret@127.0.0.1:$port/deal'"
}

stop() {
  local dir="$1" bin
  bin=$(pg_bin)
  [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:?usage: postgres.sh stop <dir>}" ;;
  *) echo "usage: bash .ci/postgres.sh start | stop <dir>" >&2; exit 2 ;;
esac
