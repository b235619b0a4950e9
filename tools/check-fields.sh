#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# CI drift check for the field table: regenerates schema/fields.json from the libs sources
# (QUARRY_LIBS_MIRROR=<bare libs git dir>, default /work/.mirror/falcosecurity+libs/repo when it
# exists; skipped otherwise) and the generated field tables from the committed schema, into a
# temporary directory, and fails (exit 1, naming each file) when a committed file differs.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
status=0

mirror=${QUARRY_LIBS_MIRROR:-/work/.mirror/falcosecurity+libs/repo}
if [ -d "$mirror" ]; then
  node "$root/tools/gen-fields.mjs" --mirror "$mirror" --out "$tmp/fields.json" 2>/dev/null
  if ! cmp -s "$tmp/fields.json" "$root/schema/fields.json"; then
    echo "check-fields: schema/fields.json differs from what tools/gen-fields.mjs generates" >&2
    status=1
  fi
else
  echo "check-fields: no libs mirror at $mirror; schema/fields.json not regenerated" >&2
fi

node "$root/tools/gen-field-tables.mjs" --schema "$root/schema/fields.json" \
  --events "$root/schema/events.json" --out-dir "$tmp/out" 2>/dev/null
for f in assembly/fields/fields.gen.ts host/core/fields.gen.ts; do
  if [ ! -f "$root/$f" ]; then
    echo "check-fields: $f is missing (run: node tools/gen-field-tables.mjs)" >&2
    status=1
  elif ! cmp -s "$tmp/out/$f" "$root/$f"; then
    echo "check-fields: $f differs from what tools/gen-field-tables.mjs generates (run: node tools/gen-field-tables.mjs)" >&2
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "check-fields: field table and generated files are up to date"
exit "$status"
