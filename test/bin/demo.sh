#!/usr/bin/env bash
# `make demo`: a throwaway PostgreSQL with flakeid installed, a table filled through
# DEFAULT flakeid_next(), and its rows taken apart again. Leaves nothing behind.
set -euo pipefail
bindir=$(pg_config --bindir)
dir=$(mktemp -d /tmp/flakeid-demo.XXXXXX)
port=${FLAKEID_DEMO_PORT:-54329}
trap '"$bindir/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT

"$bindir/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
cat >> "$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
port = $port
flakeid.datacenter_id = 1
flakeid.machine_id = 7
CONF
"$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null

run() { "$bindir/psql" -X -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }
run -e <<'SQL'
CREATE EXTENSION flakeid;
ALTER DATABASE postgres SET flakeid.layout = 'twitter';
SQL
run -e <<'SQL'
SET timezone = 'UTC';
CREATE TABLE orders (id bigint PRIMARY KEY DEFAULT flakeid_next(), item text NOT NULL);
INSERT INTO orders (item) SELECT 'item ' || n FROM generate_series(1, 5) AS n;
SELECT o.id, o.item, d.generated_at, d.datacenter_id, d.machine_id, d.sequence
  FROM orders AS o, flakeid_decode(o.id) AS d ORDER BY o.id;
SELECT layout, round(years::numeric, 1) AS years, nodes, ids_per_sec, ends_at
  FROM flakeid_capacity();
SELECT count(*) AS ids, count(DISTINCT id) AS distinct_ids,
       bool_and(id > 0) AS all_positive
  FROM flakeid_next_ids(100000) AS id;
SELECT layout, ids_issued, last_issued_at, high_water, machine_id, machine_id_source
  FROM flakeid_status();
SQL
echo "flakeid demo: OK"
