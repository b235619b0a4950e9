#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Sets up everything and runs the whole test suite (this is what CI runs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
started=()
cleanup() { for s in "${started[@]}"; do "test/services/$s" stop >/dev/null 2>&1 || true; done; }
trap cleanup EXIT
for s in kafka otel; do
  if [ -x "test/services/$s" ]; then
    if "test/services/$s" start; then started+=("$s"); else echo "test: could not start the $s service; its tests will skip" >&2; fi
  fi
done
# generated tables must match their schema (the schema itself is regenerated from falcosecurity/libs
# only where a mirror of it is available)
bash tools/check-tables.sh
bash tools/check-fields.sh
npm test
