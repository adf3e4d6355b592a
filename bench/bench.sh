#!/usr/bin/env bash
# `make bench` once flakeid is built and installed: the core alone (Google Benchmark), then
# flakeid on a throwaway server (bench/run.sh, as the postgres user when run as root), then
# the report (bench/report.pl) and its chart (bench/chart.gp, gnuplot). The server is that
# of PG_CONFIG (default: the pg_config on PATH), as make passes it. Leaves the results of
# PostgreSQL MAJOR in bench/results/pgMAJOR.md and bench/results/pgMAJOR.png, beside those
# of other versions, and prints the report. Nothing here fails on a slow result: the bench
# only reports.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
pg_config=$(command -v "${PG_CONFIG:-pg_config}")
out=$(mktemp -d /tmp/flakeid-bench-out.XXXXXX)
trap 'rm -rf "$out"' EXIT

echo "bench: the core alone (build/core_bench, Google Benchmark)"
build/core_bench --benchmark_min_time=0.3 --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true 2>&1 |
  grep -Ev '_(mean|stddev|cv) ' | tee "$out/core.txt"

# The server runs as postgres, which must be able to write the measurements.
[ "$(id -u)" -eq 0 ] && chown -R postgres: "$out"
echo "bench: the server of $pg_config"
test/bin/as-postgres.sh env PG_CONFIG="$pg_config" bench/run.sh "$out"
echo "bench: the replication guard's cost to an apply worker (bench/guard_apply.sh)"
test/bin/as-postgres.sh env PG_CONFIG="$pg_config" bench/guard_apply.sh "$out"

perl bench/report.pl "$out"
name=pg$(sed -n 's/^pg_major\t//p' "$out/meta.tsv")
printf '\n' >>"$out/$name.md"
cat "$out/guard.md" >>"$out/$name.md"
version=$(sed -n 's/^pg\t\(PostgreSQL [^ ]*\).*/\1/p' "$out/meta.tsv")
chart=$PWD/bench/chart.gp
(cd "$out" && gnuplot -e "name = '$name'; version = '$version'" "$chart")
mkdir -p bench/results
cp "$out/$name.md" "$out/$name.png" bench/results/
echo
sed '/^## The core alone/,$d' "bench/results/$name.md"
echo "bench: wrote bench/results/$name.md and bench/results/$name.png in $(($(date +%s) - started)) s"
