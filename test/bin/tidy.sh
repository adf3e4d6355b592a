#!/usr/bin/env bash
# Runs clang-tidy (Debian's clang-tidy-14) with the committed .clang-tidy on every source
# file of src/core and src/pg, two at a time; fails on any finding.
#
#   tidy.sh [PG_CONFIG]
set -euo pipefail
cd "$(dirname "$0")/../.."
pg_config=${1:-pg_config}
clang_tidy=$(command -v clang-tidy-14 || command -v clang-tidy || true)
if [ -z "$clang_tidy" ]; then
  echo "tidy.sh: clang-tidy is missing (Debian package clang-tidy)" >&2
  exit 1
fi
includedir=$("$pg_config" --includedir-server)
version=$(sed -n "s/^default_version = '\(.*\)'/\1/p" flakeid.control)
export clang_tidy includedir version
# clang-tidy counts the warnings it suppressed in PostgreSQL's headers on stderr: not ours.
# shellcheck disable=SC2016  # the quoted script is bash -c's, expanded there
find src/core src/pg -name '*.cpp' | sort | xargs -P2 -n8 bash -c \
  '"$clang_tidy" --quiet "$@" -- -x c++ -std=c++17 -Wno-register -isystem "$includedir" -Isrc \
     "-DFLAKEID_VERSION=\"$version\"" 2> >(grep -v "warnings generated\.$" >&2)' tidy
echo "tidy.sh: clang-tidy found nothing in src/core and src/pg"
