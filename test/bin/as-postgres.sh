#!/usr/bin/env bash
# Runs a command on a copy of the source tree as the postgres user: initdb and postgres
# refuse to run as root, and pg_regress writes results/ next to the tests. Run by anyone
# else, it runs the command in place. On failure it prints the regression diffs and the
# tail of every TAP log, so a CI log tells what went wrong. A failed assertion (TRAP) or a
# backend killed by a signal in any server log of the run fails it too: on an
# assert-enabled server that is how a misuse of PostgreSQL's API shows.
set -uo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)

# Prints, from the server logs of the run in directory $1, every failed assertion and
# crash; fails when there is one. (pg_regress's temporary instance logs to log/postmaster.log.)
crashes() {
  local pattern='TRAP: |was terminated by signal|PANIC: ' found=0 log
  for log in "$1"/tmp_check/log/*.log "$1"/tmp_check_regress/log/*.log "$1"/log/*.log; do
    if [ ! -f "$log" ] || ! grep -qE "$pattern" "$log"; then continue; fi
    echo "==== $log: a failed assertion or a crash"
    grep -nE -B2 -A8 "$pattern" "$log"
    found=1
  done
  return $found
}

# Prints, last, one line for each test that failed in the run in directory $1 (each pg_regress
# file, each TAP file with its first failed assertions), so that the end of a CI log, which
# may be all that is kept of it, names them.
failures() {
  local log failed='^(\[[^]]*\]\([^)]*\) )?(not ok|# Looks like your test (exited|died))'
  echo "==== failed tests"
  if [ -f "$1/regression.diffs" ]; then
    grep -oE '^diff .*/expected/[^ ]+\.out' "$1/regression.diffs" |
      sed -E 's|.*/expected/(.*)\.out|FAILED pg_regress \1|' | sort -u
  fi
  for log in "$1"/tmp_check/log/regress_log_*; do
    [ -f "$log" ] || continue
    # (A TAP log's lines may begin with the time: "[16:41:09.772](0.002s) not ok 5 ...".)
    grep -qE "$failed" "$log" || continue
    grep -E "$failed" "$log" | head -n 3 | sed -E 's/^\[[^]]*\]\([^)]*\) //' |
      sed "s|^|FAILED ${log##*/regress_log_}: |"
  done
}

if [ "$(id -u)" -ne 0 ]; then
  cd "$src" || exit 1
  "$@"
  status=$?
  crashes "$src" || status=1
  exit $status
fi

work=$(mktemp -d /tmp/flakeid-check.XXXXXX)
tar -C "$src" --exclude=.git -cf - . | tar -C "$work" -xf -
chown -R postgres: "$work"
cd "$work" || exit 1
runuser -u postgres -- env HOME="$work" "$@"
status=$?
crashes "$work" || status=1
if [ $status -ne 0 ]; then
  [ -f regression.diffs ] && { echo "==== regression.diffs"; cat regression.diffs; }
  for log in tmp_check/log/regress_log_* tmp_check/log/*.log; do
    [ -f "$log" ] && { echo "==== $log (tail)"; tail -n 60 "$log"; }
  done
  echo "(test tree kept in $work)"
  failures "$work"
else
  rm -rf "$work"
fi
exit $status
