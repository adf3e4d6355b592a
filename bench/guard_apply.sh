#!/usr/bin/env bash
# `make bench`, the replication guard: what flakeid_guard() costs the apply worker of a
# subscriber. Two throwaway servers, a publisher (node 1/2, twitter layout) and a
# subscriber; each round the publisher inserts BENCH_GUARD_ROWS rows (100000) in one
# transaction and the subscriber applies them, alternately with the guard's trigger
# enabled (ENABLE ALWAYS) and disabled. The subscriber's table has one more column,
# applied_at DEFAULT clock_timestamp(), so the apply time of a round is the span between
# its first and its last applied row, taken by the server itself (no polling in it).
# Then the trigger alone, in one session of the subscriber that sets the subscription's
# replication origin. Writes OUTDIR/guard.tsv (round, guard, rows, apply ms), OUTDIR/guard_local.tsv
# (the same for the trigger alone) and OUTDIR/guard.md; asserts nothing about timings.
#
#   bench/guard_apply.sh OUTDIR   as a user that may run postgres (make bench uses as-postgres.sh)
set -euo pipefail

out=$(cd "${1:?usage: bench/guard_apply.sh OUTDIR}" && pwd)
bindir=$("${PG_CONFIG:-pg_config}" --bindir)
rows=${BENCH_GUARD_ROWS:-100000}
rounds=${BENCH_GUARD_ROUNDS:-5}
port=${FLAKEID_BENCH_GUARD_PORT:-54341}
started=$(date +%s)

# Prints progress, with the seconds since the start.
say() { echo "bench guard: $* (at $(($(date +%s) - started)) s)"; }

dir=$(mktemp -d /tmp/flakeid-bench-guard.XXXXXX)
stop_all() {
  for s in pub sub; do "$bindir/pg_ctl" -D "$dir/$s" -m immediate stop >/dev/null 2>&1 || true; done
  rm -rf "$dir"
}
trap stop_all EXIT

# Starts server $1 on port $2 with the settings that follow.
start_server() {
  local name=$1 p=$2
  shift 2
  "$bindir/initdb" -D "$dir/$name" -A trust -U postgres >/dev/null
  cat >>"$dir/$name/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
port = $p
shared_buffers = 256MB
fsync = off
synchronous_commit = off
full_page_writes = off
autovacuum = off
jit = off
max_wal_size = 4GB
wal_level = logical
flakeid.layout = 'twitter'
$*
CONF
  "$bindir/pg_ctl" -D "$dir/$name" -l "$dir/$name.log" -w start >/dev/null
}

# Runs psql on server $1 (pub or sub): quiet, unaligned, stops at the first error.
sql() {
  local p=$port
  [ "$1" = sub ] && p=$((port + 1))
  shift
  "$bindir/psql" -X -q -At -h "$dir" -p "$p" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"
}

start_server pub "$port" "flakeid.datacenter_id = 1
flakeid.machine_id = 2"
start_server sub $((port + 1)) "flakeid.datacenter_id = 1
flakeid.machine_id = 9"
sql pub -c "CREATE EXTENSION flakeid;
  CREATE TABLE events (id bigint PRIMARY KEY DEFAULT flakeid_next(), payload text);
  CREATE PUBLICATION pub FOR TABLE events WITH (publish = 'insert');"
sql sub -c "CREATE EXTENSION flakeid;
  CREATE TABLE events (id bigint PRIMARY KEY, payload text,
                       applied_at timestamptz DEFAULT clock_timestamp());
  SELECT flakeid_guard('events');"
sql sub -c "CREATE SUBSCRIPTION sub CONNECTION 'host=$dir port=$port user=postgres dbname=postgres'
  PUBLICATION pub"
until [ "$(sql sub -c "SELECT count(*) FROM pg_subscription_rel WHERE srsubstate <> 'r'")" = 0 ]; do
  sleep 0.2
done

printf 'round\tguard\trows\tapply_ms\n' >"$out/guard.tsv"
# Round 0 of each kind warms up (and binds node 1/2); rounds 1..N are kept.
for round in $(seq 0 "$rounds"); do
  for guard in off on; do
    if [ $guard = on ]; then
      sql sub -c "ALTER TABLE events ENABLE ALWAYS TRIGGER flakeid_guard"
    else
      sql sub -c "ALTER TABLE events DISABLE TRIGGER flakeid_guard"
    fi
    sql sub -c "TRUNCATE events"
    sql pub -c "TRUNCATE events; CHECKPOINT"
    sql pub -c "INSERT INTO events (payload) SELECT 'row ' || r FROM generate_series(1, $rows) r"
    until [ "$(sql sub -c "SELECT count(*) FROM events")" = "$rows" ]; do sleep 0.1; done
    ms=$(sql sub -c "SELECT round(extract(epoch FROM max(applied_at) - min(applied_at)) * 1000, 1)
      FROM events")
    say "round $round, guard $guard: $rows rows applied in $ms ms"
    [ "$round" -gt 0 ] && printf '%s\t%s\t%s\t%s\n' "$round" "$guard" "$rows" "$ms" >>"$out/guard.tsv"
  done
done
# The trigger alone, without the noise of decoding and sending: one session of the
# subscriber with a replication origin set inserts the same rows into a guarded
# table, trigger enabled and disabled in alternate rounds (the same code path as an apply
# worker's, warm after round 0).
# The session takes the subscription's origin (to which the node is bound), once its apply
# worker has stopped.
sql sub -c "ALTER SUBSCRIPTION sub DISABLE"
until [ "$(sql sub -c "SELECT count(*) FROM pg_stat_subscription WHERE pid IS NOT NULL")" = 0 ]; do
  sleep 0.1
done
origin=$(sql sub -c "SELECT 'pg_' || oid FROM pg_subscription WHERE subname = 'sub'")
sql sub -c "CREATE TABLE local_events (id bigint PRIMARY KEY, payload text);
  SELECT flakeid_guard('local_events');
  CREATE TABLE keys AS SELECT id FROM events"
printf 'round\tguard\trows\tinsert_ms\n' >"$out/guard_local.tsv"
for round in $(seq 0 "$rounds"); do
  for guard in off on; do
    toggle="ALTER TABLE local_events DISABLE TRIGGER flakeid_guard"
    [ $guard = on ] && toggle="ALTER TABLE local_events ENABLE ALWAYS TRIGGER flakeid_guard"
    ms=$(sql sub <<SQL | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -n 1
$toggle;
TRUNCATE local_events;
SELECT pg_replication_origin_session_setup('$origin');
\\timing on
INSERT INTO local_events SELECT id, 'row' FROM keys;
SQL
    )
    say "round $round, guard $guard: $rows rows inserted with an origin in $ms ms"
    [ "$round" -gt 0 ] && printf '%s\t%s\t%s\t%s\n' "$round" "$guard" "$rows" "$ms" >>"$out/guard_local.tsv"
  done
done

errors=$(grep -c ERROR "$dir/sub.log" || true)
# How often the apply worker read the binding table over all rounds: once when it bound the
# node, then never (the cache), if the guard does what it says. Statistics reach the view
# within a second of the worker's last transaction.
sleep 2
lookups=$(sql sub -c "SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) FROM pg_stat_user_tables
  WHERE relname = 'flakeid_guard_binding'")
bindings=$(sql sub -c "SELECT string_agg(datacenter_id || '/' || machine_id || '=' || subscription, ' ')
  FROM flakeid_guard_bindings")

# The report: the median apply time of each kind and the guard's cost per row.
perl -e '
  my ($tsv, $rows, $errors, $bindings, $lookups, $rounds) = @ARGV;
  open my $fh, "<", $tsv or die "$tsv: $!";
  my %ms; <$fh>;
  while (<$fh>) { chomp; my (undef, $g, undef, $t) = split /\t/; push @{ $ms{$g} }, $t; }
  sub median { my @s = sort { $a <=> $b } @_; my $n = @s;
    return $n % 2 ? $s[$n / 2] : ($s[$n / 2 - 1] + $s[$n / 2]) / 2; }
  my ($off, $on) = (median(@{ $ms{off} }), median(@{ $ms{on} }));
  printf "## The replication guard: apply of %d rows\n\n", $rows;
  print "One transaction of $rows rows, applied by a subscriber, with flakeid_guard()\x27s trigger ",
    "enabled and disabled in alternate rounds (medians of ", scalar @{ $ms{on} }, " rounds each; ",
    "the apply time is the span of the rows\x27 applied_at DEFAULT clock_timestamp()).\n\n";
  print "| guard | apply ms (median) | all rounds, ms | per row |\n|---|---:|---|---:|\n";
  printf "| off | %.1f | %s | %.2f us |\n", $off, join(", ", @{ $ms{off} }), $off * 1000 / $rows;
  printf "| on | %.1f | %s | %.2f us |\n", $on, join(", ", @{ $ms{on} }), $on * 1000 / $rows;
  open my $lf, "<", "$tsv" =~ s/guard\.tsv$/guard_local.tsv/r or die "guard_local.tsv: $!";
  my %lms; <$lf>;
  while (<$lf>) { chomp; my (undef, $g, undef, $t) = split /\t/; push @{ $lms{$g} }, $t; }
  my ($loff, $lon) = (median(@{ $lms{off} }), median(@{ $lms{on} }));
  print "\nThe trigger alone: one session with the subscription\x27s replication origin inserts the same ",
    "$rows keys into a guarded table of the subscriber (INSERT ... SELECT, psql \\timing):\n\n";
  print "| guard | insert ms (median) | all rounds, ms | per row |\n|---|---:|---|---:|\n";
  printf "| off | %.1f | %s | %.2f us |\n", $loff, join(", ", @{ $lms{off} }), $loff * 1000 / $rows;
  printf "| on | %.1f | %s | %.2f us |\n", $lon, join(", ", @{ $lms{on} }), $lon * 1000 / $rows;
  printf "\nThe trigger costs %.2f us per row there (%+.1f %%).\n", ($lon - $loff) * 1000 / $rows,
    ($lon / $loff - 1) * 100;
  printf "\nThe guard adds %.2f us per applied row (%+.1f %%). Errors in the subscriber\x27s log: %d; " .
    "bindings: %s; reads of the binding table (scans) over the whole run, %d guarded rows in " .
    "%d sessions (the apply worker and one psql session a round): %d.\n",
    ($on - $off) * 1000 / $rows, ($on / $off - 1) * 100, $errors, $bindings,
    2 * ($rounds + 1) * $rows, $rounds + 2, $lookups;
' "$out/guard.tsv" "$rows" "$errors" "$bindings" "$lookups" "$rounds" >"$out/guard.md"
cat "$out/guard.md"
say "done"
