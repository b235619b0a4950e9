#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Live capture overhead: `dd if=/dev/zero of=/dev/null bs=1 count=N` (about 2N syscalls) untraced,
# then under `quarry -w` (the live capture writing a .scap). Reports dd slowdown, driver events and
# drops, events/s and the CPU quarry used. Needs root and a built probe (native/build.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
count="${COUNT:-1000000}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cli="$root/dist/host/live/cli-live.js"
[[ -f "$cli" ]] || { echo "bench/live.sh: build first (npx tsc -p tsconfig.json)" >&2; exit 1; }

run_dd() { local t0 t1; t0=$(date +%s.%N); dd if=/dev/zero of=/dev/null bs=1 count="$count" 2>/dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

base=$(run_dd); base2=$(run_dd)
base=$(echo "if ($base < $base2) $base else $base2" | bc)

node -e "require('$cli').liveMain(process.argv.slice(1)).then((c) => process.exit(c))" -- -w "$out/bench.scap" -v 2>"$out/v.txt" &
q=$!
while [[ ! -s "$out/bench.scap" ]]; do sleep 0.05; done
sleep 0.5
c0=$(ticks $q)
traced=$(run_dd)
sleep 0.3
c1=$(ticks $q)
kill -INT $q
wait $q
hz=$(getconf CLK_TCK)
events=$(sed -n 's/^Driver Events:\([0-9]*\)$/\1/p' "$out/v.txt")
drops=$(sed -n 's/^Driver Drops:\([0-9]*\)$/\1/p' "$out/v.txt")
size=$(stat -c %s "$out/bench.scap")
cpu=$(echo "scale=3; ($c1 - $c0) / $hz" | bc)
printf 'dd bs=1 count=%s: untraced %.3f s, under quarry -w %.3f s (x%.2f slower, +%.0f ns/syscall)\n' \
  "$count" "$base" "$traced" "$(echo "$traced / $base" | bc -l)" "$(echo "($traced - $base) * 1000000000 / (2 * $count)" | bc -l)"
# dd makes a read and a write per byte: 4 events (enter + exit) per byte
printf 'driver events %s, drops %s (%.2f%%), ~%.0f events/s during dd, file %s MB\n' \
  "$events" "$drops" "$(echo "100 * $drops / ($events + $drops)" | bc -l)" "$(echo "4 * $count / $traced" | bc -l)" "$((size / 1000000))"
printf 'quarry CPU during dd: %s s (%.0f%% of one core)\n' "$cpu" "$(echo "100 * $cpu / $traced" | bc -l)"
cat "$out/v.txt" | sed 's/^/  -v: /'
