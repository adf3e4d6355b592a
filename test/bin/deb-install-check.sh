#!/usr/bin/env bash
# Installs the flakeid package DEB with apt as a user of its Debian release would, into a
# clean root of that release (run as `debian-root.sh --clean RELEASE deb-install-check.sh
# DEB`), apt fetching the PostgreSQL it depends on; then starts the cluster the server
# package made and, in it, runs CREATE EXTENSION flakeid and SELECT flakeid_next(). Fails
# when any step does. The cluster listens on its Unix socket only (the root shares the
# machine's network) and is stopped again, also when a step fails.
set -euo pipefail
deb=$(realpath "${1:?usage: deb-install-check.sh DEB}")
package=$(dpkg-deb -f "$deb" Package)
major=$(echo "$package" | sed -n 's/^postgresql-\([0-9]*\)-flakeid$/\1/p')
[ -n "$major" ] || { echo "deb-install-check.sh: $deb is not a postgresql-N-flakeid" >&2; exit 1; }

echo "deb-install-check.sh: apt-get install $deb"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends "$deb" >/tmp/apt.log 2>&1 ||
  { tail -n 30 /tmp/apt.log; exit 1; }
grep -E "^(Setting up|Unpacking) (postgresql-$major|$package) " /tmp/apt.log || true

pg_conftool "$major" main set listen_addresses ''
trap 'pg_ctlcluster "$major" main stop -m immediate >/dev/null 2>&1 || true' EXIT
pg_ctlcluster "$major" main start
runuser -u postgres -- psql -X -v ON_ERROR_STOP=1 -c 'SELECT version()' \
  -c 'CREATE EXTENSION flakeid' -c 'SELECT flakeid_next()' \
  -c "SELECT extversion FROM pg_extension WHERE extname = 'flakeid'"
pg_ctlcluster "$major" main stop
trap - EXIT
echo "deb-install-check.sh: $package installs into a clean root and makes an ID"
