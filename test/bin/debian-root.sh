#!/usr/bin/env bash
# The root of another Debian release, for the PostgreSQL it packages (17 in Debian 13,
# trixie; 18 in unstable, sid) with its PL/Proxy and pg_partman, made once and cached:
#
#   debian-root.sh RELEASE                      makes the root when missing, prints its path
#   debian-root.sh RELEASE COMMAND...           runs COMMAND in it (the work tree at /flakeid)
#   debian-root.sh --clean RELEASE COMMAND...   runs COMMAND in a throwaway copy of the bare
#                                               root (the work tree at /flakeid), then deletes it
#
# bookworm (Debian 12, this machine's own release) is there for the last: `debian-root.sh
# --clean bookworm make test` is CI's fresh machine, for a failure CI saw and this machine
# does not (a package the machine has by chance, a file left by an earlier run).
#
# Two roots per release under /var/cache/flakeid: debian-RELEASE-base, debootstrap's
# minbase and apt's lists alone (what a user's fresh machine has), and debian-RELEASE, a
# copy of the base with what test/bin/setup-debian.sh installs there and the package
# build's tools. Each is made under a temporary name and renamed when finished, with the
# file .flakeid-complete in it; a half-made one left by an interrupted run is deleted and
# made again. A lock file keeps two runs from making the same root at once. The base comes
# from the mirror the machine's own apt sources name (test/bin/debian-mirror.sh); apt of
# the roots is configured inside them only, never on the machine.
#
# COMMAND runs chrooted, as root, in /flakeid, where the work tree is bind-mounted, with
# /proc, /dev (with /dev/shm and /dev/pts), the machine's resolv.conf and PG_TEST_PORT_DIR
# mounted: a server needs the first two. The mounts are made in a mount namespace of the
# run's own (unshare), unmounted when COMMAND ends (trap) and gone with the namespace
# whatever happens, even to a killed run; the machine never sees them. Root only.
set -euo pipefail

self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
src=$(cd "$(dirname "$0")/../.." && pwd)
cache=${FLAKEID_PG_CACHE:-/var/cache/flakeid}
marker=.flakeid-complete

say() { echo "debian-root.sh: $*" >&2; }

# ---- inside the run's own mount namespace: debian-root.sh --inside ROOT COMMAND... ----
if [ "${1:-}" = --inside ]; then
  dir=$2
  shift 2
  mounts=()
  # Unmounts what this run mounted, the last first (the namespace would drop them anyway).
  # shellcheck disable=SC2317  # run by the EXIT trap, which shellcheck does not follow
  unmount_all() {
    local i
    for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -R "${mounts[i]}" || true; done
  }
  trap unmount_all EXIT
  mount -t proc proc "$dir/proc" && mounts+=("$dir/proc")
  mount --rbind /dev "$dir/dev" && mounts+=("$dir/dev")
  mount --bind /etc/resolv.conf "$dir/etc/resolv.conf" && mounts+=("$dir/etc/resolv.conf")
  mount --bind "$src" "$dir/flakeid" && mounts+=("$dir/flakeid")
  # TAP tests choose ports through this directory: share it with runs outside the root.
  if [ -n "${PG_TEST_PORT_DIR:-}" ]; then
    mkdir -p "$PG_TEST_PORT_DIR" "$dir$PG_TEST_PORT_DIR"
    mount --bind "$PG_TEST_PORT_DIR" "$dir$PG_TEST_PORT_DIR" && mounts+=("$dir$PG_TEST_PORT_DIR")
  fi
  # The certificates the machine's own npm trusts (a registry reached through a proxy of
  # the machine's network), for npm in the root.
  extra_ca=()
  if [ -f "${NODE_EXTRA_CA_CERTS:-}" ]; then
    touch "$dir/etc/flakeid-machine-ca.crt"
    mount --bind "$NODE_EXTRA_CA_CERTS" "$dir/etc/flakeid-machine-ca.crt" &&
      mounts+=("$dir/etc/flakeid-machine-ca.crt") &&
      extra_ca=(NODE_EXTRA_CA_CERTS=/etc/flakeid-machine-ca.crt)
  fi
  status=0
  chroot "$dir" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" PG_TEST_PORT_DIR="${PG_TEST_PORT_DIR:-}" \
    "${extra_ca[@]}" \
    FLAKEID_IN_ROOT="$(basename "$dir")" \
    /bin/sh -c 'cd /flakeid && exec "$@"' sh "$@" || status=$?
  exit $status
fi

clean=
if [ "${1:-}" = --clean ]; then
  clean=1
  shift
fi
release=${1:-}
case $release in
  bookworm | trixie | sid) shift ;;
  *)
    echo "usage: debian-root.sh [--clean] bookworm|trixie|sid [COMMAND...]" >&2
    exit 2
    ;;
esac
if [ -n "$clean" ] && [ $# -eq 0 ]; then
  echo "debian-root.sh --clean: a COMMAND to run is needed" >&2
  exit 2
fi
[ "$(id -u)" -eq 0 ] || { say "needs root (debootstrap, chroot, mounts)"; exit 1; }

base=$cache/debian-$release-base
root=$cache/debian-$release

# Runs COMMAND in root directory $1, in a mount namespace of its own.
run_in() {
  local dir=$1
  shift
  unshare --mount --propagation private "$self" --inside "$dir" "$@"
}

# Deletes a root directory of the cache, never crossing into a mount on it.
remove_root() {
  local dir=$1
  [ -e "$dir" ] || return 0
  if grep -qF " $dir/" /proc/self/mounts; then
    say "$dir has mounts on it: not deleting it"
    exit 1
  fi
  rm -rf --one-file-system "$dir"
}

# Makes the base root of the release when no finished one is there.
make_base() {
  [ -f "$base/$marker" ] && return 0
  remove_root "$base"
  remove_root "$base.partial"
  "$src/test/bin/setup-debian.sh" --only debootstrap >&2
  local mirror started=$SECONDS
  mirror=$("$src/test/bin/debian-mirror.sh")
  say "debootstrap --variant=minbase $release from $mirror into $base"
  debootstrap --variant=minbase "$release" "$base.partial" "$mirror" >"$base.log" 2>&1 ||
    { tail -n 30 "$base.log" >&2; say "debootstrap failed"; exit 1; }
  # This mirror's unstable Release file is past its Valid-Until: the root's apt, only
  # that, is told to accept it.
  if [ "$release" = sid ]; then
    echo 'Acquire::Check-Valid-Until "false";' >"$base.partial/etc/apt/apt.conf.d/99flakeid-valid-until"
  fi
  # No service starts in the root when its package is installed.
  printf '#!/bin/sh\nexit 101\n' >"$base.partial/usr/sbin/policy-rc.d"
  chmod +x "$base.partial/usr/sbin/policy-rc.d"
  mkdir -p "$base.partial/flakeid"
  touch "$base.partial/etc/resolv.conf"
  run_in "$base.partial" apt-get update -q >&2
  touch "$base.partial/$marker"
  mv "$base.partial" "$base"
  say "made $base in $((SECONDS - started)) s"
}

# Makes the test root of the release when no finished one is there.
make_root() {
  [ -f "$root/$marker" ] && return 0
  make_base
  remove_root "$root"
  remove_root "$root.partial"
  local started=$SECONDS
  cp -a "$base" "$root.partial"
  rm "$root.partial/$marker"
  say "installing PostgreSQL and the test tools into $root"
  run_in "$root.partial" test/bin/setup-debian.sh build-essential debhelper postgresql-server-dev-all \
    >"$root.log" 2>&1 || { tail -n 30 "$root.log" >&2; say "the install failed"; exit 1; }
  touch "$root.partial/$marker"
  mv "$root.partial" "$root"
  say "made $root in $((SECONDS - started)) s"
}

mkdir -p "$cache"
exec {lock}>"$cache/debian-$release.lock"
flock "$lock"
if [ -n "$clean" ]; then make_base; else make_root; fi
flock -u "$lock"
exec {lock}>&-

if [ $# -eq 0 ]; then
  echo "$root"
  exit 0
fi
if [ -z "$clean" ]; then
  run_in "$root" "$@"
  exit
fi

# A copy of the base for this run alone, deleted when it ends.
copy=$(mktemp -d "$cache/debian-$release-clean.XXXXXX")
trap 'remove_root "$copy"' EXIT
chmod 755 "$copy"
cp -a "$base/." "$copy/"
rm "$copy/$marker"
run_in "$copy" "$@"
