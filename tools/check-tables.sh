#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# CI drift check: regenerates the tables from schema/events.json into a temporary directory and
# fails (exit 1, naming each file) if a committed generated file differs from what
# tools/gen-tables.mjs produces now. Optionally, with QUARRY_LIBS_MIRROR=<bare libs git dir>, also
# regenerates schema/events.json itself and compares it.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
status=0

if [ -n "${QUARRY_LIBS_MIRROR:-}" ]; then
  node "$root/tools/gen-schema.mjs" --mirror "$QUARRY_LIBS_MIRROR" --out "$tmp/events.json" 2>/dev/null
  if ! cmp -s "$tmp/events.json" "$root/schema/events.json"; then
    echo "check-tables: schema/events.json differs from what tools/gen-schema.mjs generates" >&2
    status=1
  fi
fi

node "$root/tools/gen-tables.mjs" --schema "$root/schema/events.json" --out-dir "$tmp/out" 2>/dev/null
for f in assembly/scap/tables.gen.ts native/probe/events.gen.h; do
  if [ ! -f "$root/$f" ]; then
    echo "check-tables: $f is missing (run: node tools/gen-tables.mjs)" >&2
    status=1
  elif ! cmp -s "$tmp/out/$f" "$root/$f"; then
    echo "check-tables: $f differs from what tools/gen-tables.mjs generates (run: node tools/gen-tables.mjs)" >&2
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "check-tables: generated tables are up to date"
exit "$status"
