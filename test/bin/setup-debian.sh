#!/usr/bin/env bash
# Installs with apt what building and testing flakeid needs, when missing, for the
# PostgreSQL the Debian release packages: 15 on Debian 12 (bookworm, this machine), 17 on
# Debian 13 (trixie) and 18 on unstable (sid), the last two in the roots of
# test/bin/debian-root.sh. Idempotent: when everything is there it installs nothing and
# needs no root.
#
#   setup-debian.sh [PKG...]        the build and test packages, and PKG (e.g. the bench's)
#   setup-debian.sh --only PKG...   PKG alone (e.g. debootstrap for debian-root.sh)
set -euo pipefail

# The release's own PostgreSQL, as its `postgresql` package depends on it.
. /etc/os-release
case ${VERSION_CODENAME:-} in
  bookworm) major=15 ;;
  trixie) major=17 ;;
  *) major=18 ;;    # unstable (sid), which names itself after the next release
esac

packages=()
# Services these packages would enable and start (the tests run their own, on ports of their own).
services=()
if [ "${1:-}" = --only ]; then
  shift
else
  packages=(
    g++ make                         # the build
    "postgresql-$major" "postgresql-server-dev-$major"  # server, PGXS, pg_regress
    libgtest-dev                     # unit tests of the core
    libipc-run-perl                  # PostgreSQL::Test::Cluster for the TAP tests
    faketime                         # real clock faults in the fault tests
    python3-psycopg2 python3-sqlalchemy nodejs  # real clients in test/t/031_clients.pl
    python3-psycopg                  # psycopg 3 binary mode in test/t/101_flakeid_type_io.pl
    "postgresql-$major-plproxy"      # shards routed by the key (test/t/060_plproxy_shards.pl)
    "postgresql-$major-partman"      # time partitions by the key (test/t/061_partman_days.pl)
  )
  if [ "$major" = 15 ]; then
    # The format check, the sanitizers and the fuzzers test the core, which is the same on
    # every PostgreSQL: they run on Debian 12's 15 only. So do the static checks of make
    # lint and make boundary: clang-query (clang-tools), clang-tidy, shellcheck, python3.
    packages+=(clang-format clang libclang-rt-14-dev postgresql-contrib)
    packages+=(clang-tools clang-tidy shellcheck python3)
    # Failover under an HA manager (test/t/090_patroni_failover.pl), on Debian 12's 15.
    packages+=(patroni etcd-server python3-etcd)
    services=(etcd.service patroni.service)
    # npm fetches node-postgres for the Node client test. A Node.js from elsewhere (e.g.
    # NodeSource) bundles npm and conflicts with Debian's package: only ask for it when
    # missing.
    command -v npm >/dev/null 2>&1 || packages+=(npm)
    # The ORM recipes of docs/orm-recipes.md (test/t/102_orm_recipes.pl): Django with
    # Django REST framework, and Rails' Active Record with the pg gem (TypeORM and Knex come
    # from npm with node-postgres).
    packages+=(python3-django python3-djangorestframework ruby-activerecord ruby-pg)
  else
    # Debian 13 and unstable package node-postgres itself (npm would bring 470 packages
    # more into the root).
    packages+=(node-pg)
  fi
fi
# Extra packages a caller asks for (e.g. the benchmarks): setup-debian.sh PKG...
packages+=("$@")

# Earlier versions of this script left this file behind for good: it kept every later
# PostgreSQL package from creating its default cluster. Nothing else writes it.
if [ "$(id -u)" -eq 0 ]; then
  rm -f /etc/postgresql-common/createcluster.d/flakeid-no-main.conf
fi

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "flakeid needs these Debian packages: ${missing[*]}" >&2
  echo "Run 'make test' or 'make demo' as root once, or install them with apt-get." >&2
  exit 1
fi
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# The server package would create and start a cluster of its own: flakeid's tests run
# their own throwaway servers, so keep Debian from starting one, for this install only. The
# setting is removed again afterwards (also when the install fails), so PostgreSQL packages
# installed later create their default cluster as usual.
no_main=/etc/postgresql-common/createcluster.d/flakeid-no-main.conf
mkdir -p "$(dirname "$no_main")"
echo "create_main_cluster = false" > "$no_main"
# Likewise etcd-server and patroni would enable and start their services: a policy-rc.d
# that refuses every start keeps them down during this install (one already there is kept),
# and the units are disabled afterwards, so no boot starts them either.
policy=/usr/sbin/policy-rc.d
own_policy=
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# flakeid setup-debian.sh: no service starts while it installs\nexit 101\n' > "$policy"
  chmod 755 "$policy"
  own_policy=$policy
fi
trap 'rm -f "$no_main" $own_policy' EXIT
# Another run installing into the same machine or root holds the lock for a while: wait.
apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}"
for unit in "${services[@]}"; do
  pkg=${unit%.service}
  [ "$pkg" = etcd ] && pkg=etcd-server
  case " ${missing[*]} " in
    *" $pkg "*) DPKG_MAINTSCRIPT_PACKAGE=$pkg deb-systemd-helper disable "$unit" || true ;;
  esac
done
