#!/usr/bin/env bash
# `make bench`, the server part: starts a throwaway PostgreSQL set up for benchmarking,
# measures flakeid against clock_timestamp(), nextval(), gen_random_uuid() and, where the
# server has it (18 and later), uuidv7() in one run, and writes the measurements to
# OUTDIR/raw.tsv and what they were taken on to OUTDIR/meta.tsv, for bench/report.pl. It
# reports; it asserts nothing about timings.
#
#   bench/run.sh OUTDIR    as a user that may run postgres (make bench uses as-postgres.sh)
#
# The server is that of PG_CONFIG (a pg_config path; default: the one on PATH).
#
# Sizes, from the environment (defaults keep all of `make bench` near 3 minutes on 2 CPUs):
# BENCH_CALL_ROUNDS interleaved rounds of the per-call table (7), BENCH_ROUNDS of the other
# sections (5), BENCH_N calls per timed statement (1000000), BENCH_INSERT_ROWS (1000000),
# BENCH_PAIR_IDS IDs per backend in the two-backend run (2000000), BENCH_PGBENCH_TX
# transactions of 10000 calls per pgbench client (30), BENCH_MEMORY_IDS (10000000), BENCH_TX
# transactions per statement of the settings-per-transaction section (20000); the fair
# shares section has its own (BENCH_FAIR_*, BENCH_BULK_IDS, below).
set -euo pipefail

out=$(cd "${1:?usage: bench/run.sh OUTDIR}" && pwd)
bindir=$("${PG_CONFIG:-pg_config}" --bindir)
call_rounds=${BENCH_CALL_ROUNDS:-7}
rounds=${BENCH_ROUNDS:-5}
n=${BENCH_N:-1000000}
insert_rows=${BENCH_INSERT_ROWS:-1000000}
pair_ids=${BENCH_PAIR_IDS:-2000000}
pgbench_tx=${BENCH_PGBENCH_TX:-30}
memory_ids=${BENCH_MEMORY_IDS:-10000000}
tx=${BENCH_TX:-20000}
port=${FLAKEID_BENCH_PORT:-54339}
started=$(date +%s)

# Prints progress, with the seconds since the start.
say() { echo "bench: $* (at $(($(date +%s) - started)) s)"; }

dir=$(mktemp -d /tmp/flakeid-bench.XXXXXX)
trap '"$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT

# ---- the server: throwaway, durability off, no background work that would add noise ----
server_conf="shared_buffers = 512MB
fsync = off
synchronous_commit = off
full_page_writes = off
autovacuum = off
jit = off
max_wal_size = 8GB
checkpoint_timeout = 30min"

"$bindir/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
cat >> "$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
port = $port
$server_conf
CONF
"$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null

# Runs psql on the bench database: quiet, unaligned, stops at the first error.
sql() { "$bindir/psql" -X -q -At -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }

# The milliseconds of the last "Time:" line psql's \timing printed on stdin.
last_time() { awk '/^Time: / { t = $2 } END { if (t == "") exit 1; print t }'; }

raw=$out/raw.tsv
: >"$raw"
# Appends one measurement: section, case, round, value...
record() { (IFS=$'\t'; echo "$*") >>"$raw"; }

sql <<'SQL'
CREATE EXTENSION flakeid;
CREATE SEQUENCE bench_seq;
CREATE SEQUENCE bench_seq_cache CACHE 1000;
SQL
# PostgreSQL 18's uuidv7() joins the anchors where the server has it.
has_uuidv7=$(sql -c "SELECT to_regprocedure('uuidv7()') IS NOT NULL")

{
  echo "date	$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "cpu	$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
  echo "nproc	$(nproc)"
  echo "kernel	$(uname -sr)"
  echo "os	$(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "pg	$(sql -c 'SELECT version()')"
  echo "pg_major	$(sql -c "SELECT current_setting('server_version_num')::int / 10000")"
  echo "pg_config	${PG_CONFIG:-pg_config}"
  echo "pg_configure	$("${PG_CONFIG:-pg_config}" --configure)"
  echo "load_before	$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "call_rounds	$call_rounds"
  echo "rounds	$rounds"
  echo "n	$n"
  echo "insert_rows	$insert_rows"
  echo "pair_ids	$pair_ids"
  echo "pgbench_tx	$pgbench_tx"
  echo "memory_ids	$memory_ids"
  echo "tx	$tx"
  echo "conf	$(echo "$server_conf" | paste -sd ';' | sed 's/;/; /g')"
} >"$out/meta.tsv"

# ---- per call: one session per case and round, a warm-up, then the timed statement ----
# Each case: a name, the layout it runs under (none when absent) and its statement, @N@
# standing for the number of calls (report.pl gives the names their labels). Rounds
# interleave the cases, each round in a rotated order, so drift on the machine spreads over
# all of them.
call_cases=(base clock nextval nextval_cache uuid next_ht next_tw next_min ids_ht ids_min ids_min_stream)
declare -A call_layout=(
  [next_ht]=high_throughput [next_tw]=twitter [next_min]=minimal
  [ids_ht]=high_throughput [ids_min]=minimal [ids_min_stream]=minimal
)
declare -A call_sql=(
  [base]="SELECT count(*) FROM generate_series(1, @N@)"
  [clock]="SELECT count(clock_timestamp()) FROM generate_series(1, @N@)"
  [nextval]="SELECT count(nextval('bench_seq')) FROM generate_series(1, @N@)"
  [nextval_cache]="SELECT count(nextval('bench_seq_cache')) FROM generate_series(1, @N@)"
  [uuid]="SELECT count(gen_random_uuid()) FROM generate_series(1, @N@)"
  [next_ht]="SELECT count(flakeid_next()) FROM generate_series(1, @N@)"
  [next_tw]="SELECT count(flakeid_next()) FROM generate_series(1, @N@)"
  [next_min]="SELECT count(flakeid_next()) FROM generate_series(1, @N@)"
  [ids_ht]="SELECT count(*) FROM flakeid_next_ids(@N@)"
  [ids_min]="SELECT count(*) FROM flakeid_next_ids(@N@)"
  [ids_min_stream]="SELECT count(id) FROM (SELECT flakeid_next_ids(@N@) AS id) AS s"
)
if [ "$has_uuidv7" = t ]; then
  call_cases+=(uuidv7)
  call_sql[uuidv7]="SELECT count(uuidv7()) FROM generate_series(1, @N@)"
fi

# Times one case in a session of its own and records its milliseconds.
measure_call() {
  local name=$1 round=$2 set_layout="" ms warm=$((n / 10))
  [ -n "${call_layout[$name]:-}" ] && set_layout="SET flakeid.layout = '${call_layout[$name]}';"
  ms=$(sql <<SQL | last_time
$set_layout
${call_sql[$name]//@N@/$warm};
\\timing on
${call_sql[$name]//@N@/$n};
SQL
  )
  record call "$name" "$round" "$ms"
}

say "per call, $call_rounds rounds of ${#call_cases[@]} statements of $n calls"
for ((round = 1; round <= call_rounds; round++)); do
  for ((i = 0; i < ${#call_cases[@]}; i++)); do
    measure_call "${call_cases[(i + round) % ${#call_cases[@]}]}" "$round"
  done
done

# ---- two backends flat out under twitter: released together by an advisory lock ----
# A holder session takes the lock, both workers queue behind it, the holder lets go once
# both wait. The rate is all IDs over the span from the first start to the last finish,
# read on the server's clock; generate_series streams (in the select list), so the span
# is spent making IDs.
pair_round() {
  local round=$1 w
  sql >/dev/null <<'SQL' &
SELECT pg_advisory_lock(4242);
DO $$
BEGIN
  FOR i IN 1..6000 LOOP
    EXIT WHEN (SELECT count(*) FROM pg_locks
               WHERE locktype = 'advisory' AND objid = 4242 AND NOT granted) >= 2;
    PERFORM pg_sleep(0.005);
  END LOOP;
END
$$;
SELECT pg_advisory_unlock(4242);
SQL
  local holder=$!
  until [ "$(sql -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242 AND granted")" = 1 ]; do
    sleep 0.01
  done
  local pids=()
  for w in 1 2; do
    sql >"$dir/pair.$w" 2>"$dir/pair.$w.err" <<SQL &
SET flakeid.layout = 'twitter';
SELECT count(flakeid_next()) FROM generate_series(1, 1000);
SELECT pg_advisory_lock_shared(4242);
SELECT 'T0', (extract(epoch FROM clock_timestamp()) * 1000000)::bigint;
SELECT 'IDS', count(flakeid_next()) FROM (SELECT generate_series(1, $pair_ids)) AS s;
SELECT 'T1', (extract(epoch FROM clock_timestamp()) * 1000000)::bigint;
SQL
    pids+=($!)
  done
  wait "${pids[@]}" || true
  wait "$holder" || true
  if grep -q '^T1|' "$dir/pair.1" && grep -q '^T1|' "$dir/pair.2"; then
    awk -F'|' -v round="$round" '
      $1 == "T0" && (t0 == "" || $2 < t0) { t0 = $2 }
      $1 == "T1" && (t1 == "" || $2 > t1) { t1 = $2 }
      $1 == "IDS" { ids += $2 }
      END { printf "pair\ttwitter\t%s\t%.3f\t%d\n", round, (t1 - t0) / 1000, ids }
    ' "$dir/pair.1" "$dir/pair.2" >>"$raw"
  else
    # A backend failed: the round counts as failed, with the error it gave.
    record pair twitter "$round" 0 0 "$(grep -h -m 1 -o 'ERROR: .*' "$dir"/pair.*.err | head -n 1)"
  fi
}

say "two backends under twitter, $rounds rounds of 2 x $pair_ids IDs"
for ((round = 1; round <= rounds; round++)); do pair_round "$round"; done

# ---- inserts: INSERT ... SELECT into a table whose primary key has a DEFAULT ----
# flakeid_type: the same DEFAULT into a column of the flakeid type (issue 24), whose cost
# against the bigint column should be within noise (the same 8 bytes, bigint's index).
declare -A insert_key=(
  [flakeid]="id bigint PRIMARY KEY DEFAULT flakeid_next()"
  [flakeid_type]="id flakeid PRIMARY KEY DEFAULT flakeid_next()"
  [bigserial]="id bigserial PRIMARY KEY"
  [uuid]="id uuid PRIMARY KEY DEFAULT gen_random_uuid()"
)
declare -A insert_warm=(
  [flakeid]="flakeid_next()" [flakeid_type]="flakeid_next()" [bigserial]="clock_timestamp()"
  [uuid]="gen_random_uuid()"
)
insert_cases=(flakeid flakeid_type bigserial uuid)
if [ "$has_uuidv7" = t ]; then
  insert_cases+=(uuidv7)
  insert_key[uuidv7]="id uuid PRIMARY KEY DEFAULT uuidv7()"
  insert_warm[uuidv7]="uuidv7()"
fi

# Times one insert into a fresh table (after a checkpoint) and records it with the sizes.
measure_insert() {
  local name=$1 round=$2 result
  result=$(sql <<SQL
SET flakeid.layout = 'high_throughput';
SET client_min_messages = warning;
SELECT count(${insert_warm[$name]}) FROM generate_series(1, 1000);
DROP TABLE IF EXISTS bench_insert;
CREATE TABLE bench_insert (${insert_key[$name]}, n integer NOT NULL);
CHECKPOINT;
\\timing on
INSERT INTO bench_insert (n) SELECT g FROM generate_series(1, $insert_rows) AS g;
\\timing off
SELECT 'SIZE', pg_relation_size('bench_insert_pkey'), pg_relation_size('bench_insert');
DROP TABLE bench_insert;
SQL
  )
  record insert "$name" "$round" "$(last_time <<<"$result")" \
    "$(awk -F'|' '$1 == "SIZE" { print $2 "\t" $3 }' <<<"$result")"
}

say "inserts, $rounds rounds of ${#insert_cases[@]} tables of $insert_rows rows"
for ((round = 1; round <= rounds; round++)); do
  for ((i = 0; i < ${#insert_cases[@]}; i++)); do
    measure_insert "${insert_cases[(i + round) % ${#insert_cases[@]}]}" "$round"
  done
done

# ---- contention: 8 backends, pgbench, each transaction 10000 calls ----
contention_cases=(flakeid nextval)
declare -A contention_sql=(
  [flakeid]="SELECT count(flakeid_next()) FROM generate_series(1, 10000);"
  [nextval]="SELECT count(nextval('bench_seq')) FROM generate_series(1, 10000);"
)

# Runs pgbench on one case and records tps, average latency and clients that aborted.
measure_contention() {
  local name=$1 round=$2 log=$dir/pgbench.log
  echo "${contention_sql[$name]}" >"$dir/$name.sql"
  PGOPTIONS="-c flakeid.layout=high_throughput" "$bindir/pgbench" -n -c 8 -j 2 \
    -t "$pgbench_tx" -f "$dir/$name.sql" -h "$dir" -p "$port" -U postgres postgres >"$log" 2>&1 || true
  local tps latency aborted error
  tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' "$log")
  latency=$(sed -n 's/^latency average = \([0-9.]*\) ms$/\1/p' "$log")
  aborted=$(grep -c 'aborted in command' "$log" || true)
  error=$(grep -m 1 -o 'ERROR: .*' "$log" || true)
  record contention "$name" "$round" "${tps:-0}" "${latency:-0}" "$aborted" "$error"
}

say "8 backends (pgbench -c 8 -j 2), $rounds rounds of 8 x $pgbench_tx x 10000 calls"
for ((round = 1; round <= rounds; round++)); do
  for ((i = 0; i < ${#contention_cases[@]}; i++)); do
    measure_contention "${contention_cases[(i + round) % ${#contention_cases[@]}]}" "$round"
  done
done

# ---- settings per transaction: one flakeid_next() per transaction, the layout set once for
# the session, by SET LOCAL in each transaction, or by the SET clause of a function. Each
# change of a setting makes the next call resolve the settings again; once the database has
# resumed, that must cost no catalog lookup, sequence read or mark-file access. A procedure
# commits after each call, so every iteration is a transaction of its own.
sql <<'SQL'
CREATE FUNCTION bench_next_twitter() RETURNS bigint LANGUAGE sql
  SET flakeid.layout = 'twitter' AS 'SELECT flakeid_next()';
CREATE PROCEDURE bench_tx(n integer, how text) LANGUAGE plpgsql AS $$
BEGIN
  FOR i IN 1..n LOOP
    IF how IN ('set_local', 'set_local_only') THEN
      PERFORM set_config('flakeid.layout', 'twitter', true);
    END IF;
    IF how = 'function_set' THEN
      PERFORM bench_next_twitter();
    ELSIF how <> 'set_local_only' THEN
      PERFORM flakeid_next();
    END IF;
    COMMIT;
  END LOOP;
END
$$;
SQL
tx_cases=(session set_local function_set set_local_only)

# Times $tx transactions of one case in a session of its own and records its milliseconds.
measure_tx() {
  local name=$1 round=$2 ms
  ms=$(sql <<SQL | last_time
SET flakeid.layout = 'twitter';
CALL bench_tx($((tx / 10)), '$name');
\\timing on
CALL bench_tx($tx, '$name');
SQL
  )
  record tx "$name" "$round" "$ms"
}

say "settings per transaction, $rounds rounds of ${#tx_cases[@]} x $tx transactions"
for ((round = 1; round <= rounds; round++)); do
  for ((i = 0; i < ${#tx_cases[@]}; i++)); do
    measure_tx "${tx_cases[(i + round) % ${#tx_cases[@]}]}" "$round"
  done
done

# ---- fair shares (issue 10): a bulk call alone against the layout's ceiling, and two
# pgbench clients inserting through DEFAULT flakeid_next() under twitter, alone and beside
# a bulk call flat out. Sizes: BENCH_FAIR_ROUNDS (3), BENCH_FAIR_SECONDS per pgbench run
# (3), BENCH_BULK_IDS of the bulk call alone under twitter (20000000; a quarter of it
# under minimal, a quarter of the IDs per ms).
fair_rounds=${BENCH_FAIR_ROUNDS:-3}
fair_seconds=${BENCH_FAIR_SECONDS:-3}
bulk_ids=${BENCH_BULK_IDS:-20000000}
echo "fair_seconds	$fair_seconds" >>"$out/meta.tsv"
sql -c "CREATE TABLE bench_fair (id bigint PRIMARY KEY DEFAULT flakeid_next())"
echo "INSERT INTO bench_fair DEFAULT VALUES;" >"$dir/fair.sql"

# Times one bulk call alone, streamed in the select list, and records its milliseconds.
measure_bulk() {
  local layout=$1 ids=$2 round=$3
  record bulk "$layout" "$round" "$(sql <<SQL | last_time
SET flakeid.layout = '$layout';
\\timing on
SELECT count(*) FROM (SELECT flakeid_next_ids($ids)) AS s;
SQL
  )" "$ids"
}

# IDs made so far under twitter (flakeid_status(); backends flush their counts each second).
twitter_ids() { sql -c "SELECT ids_issued FROM flakeid_status() WHERE layout = 'twitter'"; }

# Runs the two clients for fair_seconds, each transaction logged; records tps, the average
# and the 99th percentile latency (ms), and the IDs a second of the whole server meanwhile.
measure_clients() {
  local name=$1 round=$2 log=$dir/fair.log ids0 ids1 t0 t1
  rm -f "$dir"/fairlog.*
  sql -c "TRUNCATE bench_fair"
  ids0=$(twitter_ids) t0=$(date +%s.%N)
  PGOPTIONS="-c flakeid.layout=twitter" "$bindir/pgbench" -n -c 2 -j 2 -T "$fair_seconds" -l \
    --log-prefix="$dir/fairlog" -f "$dir/fair.sql" -h "$dir" -p "$port" -U postgres postgres \
    >"$log" 2>&1 || true
  ids1=$(twitter_ids) t1=$(date +%s.%N)
  record fair "$name" "$round" \
    "$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' "$log")" \
    "$(sed -n 's/^latency average = \([0-9.]*\) ms$/\1/p' "$log")" \
    "$(cat "$dir"/fairlog.* | awk '{ print $3 }' | sort -n |
      awk '{ v[NR] = $1 } END { i = int(NR * 0.99); if (i < 1) i = 1; printf "%.3f", v[i] / 1000 }')" \
    "$(awk -v a="${ids0:-0}" -v b="${ids1:-0}" -v s="$t0" -v e="$t1" 'BEGIN { printf "%.0f", (b - a) / (e - s) }')"
}

# The clients beside a bulk call from a session of its own, cancelled once they are done.
measure_beside_bulk() {
  local round=$1
  PGAPPNAME=flakeid_bulk sql >/dev/null 2>&1 <<'SQL' &
SET flakeid.layout = 'twitter';
SELECT count(*) FROM (SELECT flakeid_next_ids(100000000)) AS s;
SQL
  local bulk=$!
  until [ "$(sql -c "SELECT count(*) FROM pg_stat_activity
                     WHERE application_name = 'flakeid_bulk' AND query LIKE '%flakeid_next_ids%'")" = 1 ]; do
    sleep 0.05
  done
  sleep 0.3
  measure_clients beside "$round"
  sql -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'flakeid_bulk'" >/dev/null
  wait "$bulk" || true
}

say "fair shares, $fair_rounds rounds: bulk calls alone, and two clients for $fair_seconds s alone and beside one"
sql -c "SET flakeid.layout = 'twitter'; SELECT count(flakeid_next()) FROM generate_series(1, 1000)" >/dev/null
for ((round = 1; round <= fair_rounds; round++)); do
  measure_bulk twitter "$bulk_ids" "$round"
  measure_bulk minimal $((bulk_ids / 4)) "$round"
  if ((round % 2)); then
    measure_clients alone "$round"
    measure_beside_bulk "$round"
  else
    measure_beside_bulk "$round"
    measure_clients alone "$round"
  fi
done

# ---- memory: one backend's RSS around many IDs; the shared memory flakeid takes ----
# The table is a row of pg_shmem_allocations when it lives in the main segment (up to 16, or
# preloaded). From 17 it is a DSM-registry segment, which that view does not list: then the
# row of pg_dsm_registry_allocations where the server has that view (PostgreSQL 19 adds it;
# 18.6 does not have it), else the size flakeid_status() reports, with the view checked to
# hold no row.
if [ "$(sql -c "SELECT to_regclass('pg_catalog.pg_dsm_registry_allocations') IS NOT NULL")" = t ]; then
  shmem_sql="SELECT 'SHMEM', size, NULL, 'pg_dsm_registry_allocations'
  FROM pg_dsm_registry_allocations WHERE name = 'flakeid state table'"
else
  shmem_sql="SELECT 'SHMEM', size, allocated_size, 'pg_shmem_allocations'
  FROM pg_shmem_allocations WHERE name = 'flakeid state table'
UNION ALL
SELECT 'SHMEM', max(shared_memory_bytes), NULL, 'flakeid_status()' FROM flakeid_status()
  HAVING NOT EXISTS (SELECT FROM pg_shmem_allocations WHERE name = 'flakeid state table')"
fi
say "memory, $memory_ids IDs in one backend"
status_fields="substring(s FROM 'VmRSS:\\s+(\\d+)'), substring(s FROM 'RssAnon:\\s+(\\d+)'),
  substring(s FROM 'RssShmem:\\s+(\\d+)'), substring(s FROM 'VmHWM:\\s+(\\d+)')"
sql <<SQL | awk -F'|' '$1 == "BEFORE" || $1 == "AFTER" { printf "memory\t%s\t1\t%s\t%s\t%s\t%s\n", $1, $2, $3, $4, $5 }
                        $1 == "SHMEM" { printf "shmem\tflakeid\t1\t%s\t%s\t%s\n", $2, $3, $4 }' >>"$raw"
SET flakeid.layout = 'high_throughput';
SELECT count(flakeid_next()) FROM (SELECT generate_series(1, 1000)) AS s;
SELECT 'BEFORE', $status_fields FROM pg_read_file('/proc/self/status') AS s;
SELECT count(flakeid_next()) FROM (SELECT generate_series(1, $memory_ids)) AS s;
SELECT 'AFTER', $status_fields FROM pg_read_file('/proc/self/status') AS s;
$shmem_sql;
SQL

{
  echo "load_after	$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "server_seconds	$(($(date +%s) - started))"
} >>"$out/meta.tsv"
