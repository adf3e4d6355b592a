#!/usr/bin/env bash
# Prints the Debian mirror the machine's own apt sources name (deb822 .sources files first,
# then sources.list), or deb.debian.org when they name none. Reads, never changes, them.
set -euo pipefail
mirror=$(sed -n 's/^URIs:[[:space:]]*\(.*\/debian\)\/\?$/\1/p' /etc/apt/sources.list.d/*.sources \
  2>/dev/null | head -n 1)
[ -n "$mirror" ] || mirror=$(sed -n 's/^deb[[:space:]]\+\(http[^[:space:]]*\/debian\)\/\?[[:space:]].*/\1/p' \
  /etc/apt/sources.list 2>/dev/null | head -n 1)
echo "${mirror:-http://deb.debian.org/debian}"
