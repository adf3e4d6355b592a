#!/usr/bin/env bash
# `make bench` once flakeid is built and installed: the core alone (Google Benchmark), then
# flakeid on a throwaway server (bench/run.sh, as the postgres user when run as root), then
# the report (bench/report.pl) and its chart (bench/chart.gp, gnuplot). Leaves them in
# bench/results/latest.md and bench/results/latest.png and prints the report. Nothing here
# fails on a slow result: the bench only reports.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
out=$(mktemp -d /tmp/flakeid-bench-out.XXXXXX)
trap 'rm -rf "$out"' EXIT

echo "bench: the core alone (build/core_bench, Google Benchmark)"
build/core_bench --benchmark_min_time=0.3 --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true 2>&1 |
  grep -Ev '_(mean|stddev|cv) ' | tee "$out/core.txt"

# The server runs as postgres, which must be able to write the measurements.
[ "$(id -u)" -eq 0 ] && chown -R postgres: "$out"
test/bin/as-postgres.sh bench/run.sh "$out"

perl bench/report.pl "$out"
chart=$PWD/bench/chart.gp
(cd "$out" && gnuplot "$chart")
mkdir -p bench/results
cp "$out/latest.md" "$out/latest.png" bench/results/
echo
sed '/^## The core alone/,$d' bench/results/latest.md
echo "bench: wrote bench/results/latest.md and bench/results/latest.png in $(($(date +%s) - started)) s"
