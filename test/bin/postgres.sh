#!/usr/bin/env bash
# Prints the path of a pg_config for PostgreSQL MAJOR, building that version from Debian's
# source package when no installed one exists:
#
#   test/bin/postgres.sh 15            Debian 12's package (installed by setup-debian.sh)
#   test/bin/postgres.sh 18            Debian's package when installed (as in the root of
#                                      test/bin/debian-root.sh sid), else as cassert
#   test/bin/postgres.sh 18 cassert    an assert-enabled build, for the tests
#   test/bin/postgres.sh 18 release    a build configured as distributions do, for benchmarks
#   test/bin/postgres.sh 18 valgrind   cassert built for Valgrind (USE_VALGRIND, -Og), with
#                                      PostgreSQL's suppressions in its sharedir, for make valgrind
#
# Without a flavour, a PostgreSQL installed the way the PostgreSQL apt packages lay it out
# (/usr/lib/postgresql/MAJOR/bin/pg_config) is used as it is and nothing is built. With
# one, or when none is installed, the newest MAJOR.x of Debian's `postgresql-MAJOR` source
# package (suite unstable) is fetched with a private apt configuration, on the mirror the
# machine's own sources name, leaving those sources untouched, and built once into
# /var/cache/flakeid/postgresql-MAJOR.x-FLAVOUR; later runs reuse the build. Building needs
# root (for apt); reusing a build does not. Progress goes to stderr, the path to stdout.
set -euo pipefail

major=${1:?usage: postgres.sh MAJOR [cassert|release|valgrind]}
flavour=${2:-cassert}
cache=${FLAKEID_PG_CACHE:-/var/cache/flakeid}

case $flavour in
  cassert) configure_flags=(--enable-cassert --enable-debug --enable-tap-tests) ;;
  # As Debian configures its packages: OpenSSL gives uuidv7()/gen_random_uuid() their
  # real speed (without it they read /dev/urandom on every call).
  release) configure_flags=(--enable-tap-tests --with-openssl) ;;
  # As PostgreSQL's docs and wiki advise for Valgrind: USE_VALGRIND tells Valgrind which
  # bytes of palloc'd chunks and shared buffers are defined; -Og keeps line numbers true.
  valgrind) configure_flags=(--enable-cassert --enable-debug --enable-tap-tests
    CPPFLAGS=-DUSE_VALGRIND "CFLAGS=-Og -g") ;;
  *) echo "postgres.sh: unknown flavour '$flavour' (cassert, release or valgrind)" >&2; exit 2 ;;
esac

say() { echo "postgres.sh: $*" >&2; }

installed=/usr/lib/postgresql/$major/bin/pg_config
if [ -z "${2:-}" ] && [ -x "$installed" ]; then
  echo "$installed"
  exit 0
fi

# A build of this major and flavour made by an earlier run (the newest, if several).
cached_build() {
  local dir
  dir=$(find "$cache" -maxdepth 1 -name "postgresql-$major.*-$flavour" 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && [ -f "$dir/.complete" ] && echo "$dir/bin/pg_config"
  return 0
}
found=$(cached_build)
if [ -n "$found" ]; then
  echo "$found"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  say "PostgreSQL $major ($flavour) is not built yet: run this once as root"
  exit 1
fi

# Build tools. --no-install-recommends keeps the machine as small as the tests need.
build_packages=(build-essential bison flex pkg-config libreadline-dev zlib1g-dev libssl-dev
  libipc-run-perl bzip2 dpkg-dev)
missing=()
for pkg in "${build_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing build tools: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 \
    || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive \
           apt-get install -y -q --no-install-recommends "${missing[@]}" >&2; }
fi

# The private apt configuration: only a deb-src line for unstable, on the machine's mirror.
scratch=$(mktemp -d "/tmp/flakeid-pg$major.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mirror=$("$(dirname "$0")/debian-mirror.sh")
mkdir -p "$scratch/lists/partial" "$scratch/parts"
echo "deb-src $mirror unstable main" > "$scratch/sources.list"
apt_private=(-o "Dir::Etc::SourceList=$scratch/sources.list" -o "Dir::Etc::SourceParts=$scratch/parts"
  -o "Dir::State::Lists=$scratch/lists")
say "fetching postgresql-$major from $mirror (unstable, source)"
apt-get "${apt_private[@]}" update -q >&2
(cd "$scratch" && apt-get "${apt_private[@]}" source --download-only "postgresql-$major" >&2)
tarball=$(find "$scratch" -maxdepth 1 -name "postgresql-${major}_*.orig.tar.bz2" | head -n 1)
[ -n "$tarball" ] || { say "no postgresql-$major orig tarball was downloaded"; exit 1; }
version=$(basename "$tarball" | sed 's/^postgresql-[0-9]*_\(.*\)\.orig\.tar\.bz2$/\1/')

prefix=$cache/postgresql-$version-$flavour
say "building PostgreSQL $version ($flavour) into $prefix; log in $scratch/build.log"
tar -C "$scratch" -xjf "$tarball"
src=$(find "$scratch" -maxdepth 1 -type d -name "postgresql-$version*" | head -n 1)
build() {
  rm -rf "$prefix"
  cd "$src"
  ./configure --prefix="$prefix" --without-icu "${configure_flags[@]}"
  make -j"$(nproc)" world-bin
  make install-world-bin
  # The suppressions for PostgreSQL's own known reports, kept beside the build.
  if [ "$flavour" = valgrind ]; then
    cp src/tools/valgrind.supp "$("$prefix/bin/pg_config" --sharedir)/valgrind.supp"
  fi
}
if ! (build) > "$scratch/build.log" 2>&1; then
  tail -n 60 "$scratch/build.log" >&2
  say "the build of PostgreSQL $version failed"
  exit 1
fi
# A build is only found by later runs once it is complete.
touch "$prefix/.complete"
echo "$prefix/bin/pg_config"
