#!/usr/bin/env bash
# Runs a command on a copy of the source tree as the postgres user: initdb and postgres
# refuse to run as root, and pg_regress writes results/ next to the tests. Run by anyone
# else, it runs the command in place. On failure it prints the regression diffs and the
# tail of every TAP log, so a CI log tells what went wrong.
set -uo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)

if [ "$(id -u)" -ne 0 ]; then
  cd "$src" && exec "$@"
fi

work=$(mktemp -d /tmp/flakeid-check.XXXXXX)
tar -C "$src" --exclude=.git -cf - . | tar -C "$work" -xf -
chown -R postgres: "$work"
cd "$work"
runuser -u postgres -- env HOME="$work" "$@"
status=$?
if [ $status -ne 0 ]; then
  [ -f regression.diffs ] && { echo "==== regression.diffs"; cat regression.diffs; }
  for log in tmp_check/log/regress_log_* tmp_check/log/*.log; do
    [ -f "$log" ] && { echo "==== $log (tail)"; tail -n 60 "$log"; }
  done
  echo "(test tree kept in $work)"
else
  rm -rf "$work"
fi
exit $status
