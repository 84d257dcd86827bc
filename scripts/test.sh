#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on a free loopback port, runs the whole suite (every
# database test runs on SQLite and on PostgreSQL) on one pytest-xdist worker per core, each
# with a PostgreSQL database of its own (tests/conftest.py), stops the cluster. pytest's exit 5
# ("no tests collected") is a failure here, as it should be. Arguments go to pytest, after
# ours: `bash scripts/test.sh tests/web/test_pages.py -n 0` runs one file in one process.
set -euo pipefail
cd "$(dirname "$0")/.."
# Everything the run writes (the PostgreSQL cluster, every test's SQLite file, the demo server's,
# the schedulers' in the reliability tests, documents, bundles) goes to a memory file system
# when there is one: SQLite syncs each commit to disk (synchronous=FULL, as in production), which
# took 4 ms a commit on this machine's disk and 0.15 ms on tmpfs. Nothing a test checks depends
# on the disk; the data is thrown away at the end either way.
SCRATCH_ROOT=/tmp
if [ -d /dev/shm ] && [ -w /dev/shm ] && [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ]; then SCRATCH_ROOT=/dev/shm; fi
# A short name: clamd's socket lives in a test's folder and a socket path holds 107 bytes at most.
SCRATCH=$(mktemp -d "$SCRATCH_ROOT/cw.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
chmod 755 "$SCRATCH"
export TMPDIR="$SCRATCH"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGPORT=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PGDATA="$SCRATCH/pg"
mkdir "$PGDATA"
if [ "$(id -u)" -eq 0 ]; then AS_PG="runuser -u postgres --"; chown postgres:postgres "$PGDATA"; else AS_PG=""; fi
$AS_PG "$PGBIN/initdb" -D "$PGDATA" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
$AS_PG "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
  -o "-p $PGPORT -k $PGDATA -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
trap '$AS_PG "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null; rm -rf "$SCRATCH"' EXIT
"$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "CREATE DATABASE casework_test" >/dev/null
export CASEWORK_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/casework_test"
export CASEWORK_REQUIRE_POSTGRES=1
rc=0
# worksteal: when a worker runs out of tests it takes half of the other's queue, so both finish
# within one test of each other (with --dist load, tests once sent to a worker stay there, and the
# run ended on one worker alone for up to a minute). tests/conftest.py puts the longest tests first
# (LONG_FIRST), so the last tests left are short ones.
.venv/bin/python -m pytest -n auto --dist worksteal --basetemp="$SCRATCH/t" "$@" || rc=$?
if [ "$rc" -eq 5 ]; then echo "No tests were collected: that is a failure."; rc=1; fi
exit "$rc"
