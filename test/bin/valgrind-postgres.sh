#!/usr/bin/env bash
# Stands in for `postgres` in the Valgrind build of PostgreSQL (test/bin/postgres.sh 18
# valgrind), where `make valgrind` installs it as BINDIR/postgres and keeps the real binary
# as BINDIR/postgres.orig. pg_ctl, pg_regress and PostgreSQL::Test::Cluster start the server
# through it, so the postmaster and every process it forks (backends, background workers,
# the checkpointer) run under Valgrind's memcheck, each writing its reports to
# $FLAKEID_VALGRIND_LOGS/PID.log between the markers VALGRINDERROR-BEGIN and -END, which
# `make valgrind` scans. A backend with an error also exits with 128, which the postmaster
# takes for a crash: the tests of that run fail as well.
#
# initdb's bootstrap and single-user runs, and the queries pg_ctl and initdb make of the
# binary (-V, -C, --describe-config, --check), run the real binary directly: flakeid's
# library is never loaded there, and Valgrind would only make every initdb a minute
# longer.
set -euo pipefail

bindir=$(dirname "$0")
real=$bindir/postgres.orig

for arg in "$@"; do
  case $arg in
    --boot | --single | --describe-config | --check | -C | -V | --version)
      exec "$real" "$@"
      ;;
  esac
done

logs=${FLAKEID_VALGRIND_LOGS:-/tmp/flakeid-valgrind}
mkdir -p "$logs"
# More options for a closer look, e.g. FLAKEID_VALGRIND_OPTS=--track-origins=yes.
read -r -a more <<< "${FLAKEID_VALGRIND_OPTS:-}"
# PostgreSQL's own suppressions (known false reports, such as padding bytes written to
# disk), which postgres.sh copies from the source tree into the build's sharedir.
exec valgrind --quiet --trace-children=yes --leak-check=no --track-origins=no \
  --error-exitcode=128 --error-markers=VALGRINDERROR-BEGIN,VALGRINDERROR-END \
  --gen-suppressions=all --num-callers=30 \
  --suppressions="$("$bindir/pg_config" --sharedir)/valgrind.supp" \
  --log-file="$logs/%p.log" ${more[@]+"${more[@]}"} "$real" "$@"
