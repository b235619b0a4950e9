#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Live capture overhead (issue #4): `dd if=/dev/zero of=/dev/null bs=1 count=N` (2N syscalls, 4N
# enter/exit events) timed
#   - untraced,
#   - under the minimal probe (bench/minprobe: 32-byte records into one ring, no wake-ups, a C
#     consumer that only counts), the yardstick,
#   - under `quarry -w` (the live capture writing a .scap),
# all in the same run, so the ratios compare like with like on a shared machine. Each dd time is
# the best of REPS runs (default 3; quarry: a fresh capture per run, the best one reported).
# Reports slowdowns and their ratio, drops, whether every dd read/write is in the file, events/s
# written and quarry's CPU. Then an overload run: OVERLOAD (default 2) dd in parallel, more than
# quarry can keep up with on a 2-CPU machine: drop rate and events/s written. Needs root and a built probe (native/build.sh, npm run build).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
count="${COUNT:-1000000}"
reps="${REPS:-3}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cli="$root/dist/host/live/cli-live.js"
minprobe="$root/native/build/minprobe"
[[ -f "$cli" && -f "$root/dist/bench/ddcount.js" ]] || { echo "bench/live.sh: build first (npm run build)" >&2; exit 1; }
[[ -x "$minprobe" ]] || make -s -C "$root/bench/minprobe" >/dev/null

# dd in the background so its pid (= its only tid) is known; prints "seconds pid"
run_dd() {
  local t0 t1 pid
  t0=$(date +%s%N)
  dd if=/dev/zero of=/dev/null bs=1 count="$count" 2>/dev/null &
  pid=$!
  wait $pid
  t1=$(date +%s%N)
  echo "$(echo "scale=4; ($t1 - $t0) / 1000000000" | bc) $pid"
}
best() { sort -n | head -1; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

base=$(for i in $(seq "$reps"); do run_dd | cut -d' ' -f1; done | best)

"$minprobe" >"$out/min.txt" &
m=$!
while ! grep -q ready "$out/min.txt" 2>/dev/null; do sleep 0.05; done
mint=$(for i in $(seq "$reps"); do run_dd | cut -d' ' -f1; done | best)
kill -INT $m; wait $m
minrec=$(sed -n 's/^records \([0-9]*\) drops \([0-9]*\)$/\1 \2/p' "$out/min.txt")

# starts `quarry -w $out/bench.scap -v` in the background (pid in $q) and waits until it captures
start_quarry() {
  rm -f "$out/bench.scap"
  node -e "require('$cli').liveMain(process.argv.slice(1)).then((c) => process.exit(c))" -- -w "$out/bench.scap" -v ${QUARRY_ARGS:-} 2>"$out/v.txt" &
  q=$!
  while [[ ! -s "$out/bench.scap" ]]; do sleep 0.05; done
  sleep 0.5
}

best_q=""
for i in $(seq "$reps"); do
  start_quarry
  c0=$(ticks $q)
  read -r traced pid < <(run_dd)
  c1=$(ticks $q)
  sleep 0.3
  c2=$(ticks $q)
  kill -INT $q
  wait $q
  events=$(sed -n 's/^Driver Events:\([0-9]*\)$/\1/p' "$out/v.txt")
  drops=$(sed -n 's/^Driver Drops:\([0-9]*\)$/\1/p' "$out/v.txt")
  read -r _ fevents _ re _ rx _ we _ wx < <(node "$root/dist/bench/ddcount.js" "$out/bench.scap" "$pid")
  size=$(stat -c %s "$out/bench.scap")
  complete=no
  (( re >= count && rx >= count && we >= count && wx >= count )) && complete=yes
  line=$(printf '%s %s %s %s %s %s %s %s %s %s %s %s' "$traced" "$events" "$drops" "$fevents" "$re" "$rx" "$we" "$wx" "$size" "$((c1 - c0))" "$((c2 - c0))" "$complete")
  echo "  quarry run $i: dd $traced s, driver events $events, drops $drops, dd read/write in file $re/$rx/$we/$wx (complete: $complete), quarry CPU $(echo "scale=2; ($c1 - $c0) / $hz" | bc) s during dd ($(echo "100 * ($c1 - $c0) / $hz / $traced" | bc)% of one core)"
  if [[ -z "$best_q" ]] || (( $(echo "$traced < ${best_q%% *}" | bc) )); then best_q="$line"; fi
done
read -r traced events drops fevents re rx we wx size cdd call complete <<<"$best_q"

r_min=$(echo "$mint / $base" | bc -l)
r_q=$(echo "$traced / $base" | bc -l)
printf 'dd bs=1 count=%s (best of %s): untraced %.3f s | minimal probe %.3f s (x%.2f) | quarry -w %.3f s (x%.2f)\n' \
  "$count" "$reps" "$base" "$mint" "$r_min" "$traced" "$r_q"
printf 'quarry slowdown / minimal-probe slowdown = %.2f (goal <= 1.5); quarry +%.0f ns/syscall, minimal +%.0f ns/syscall\n' \
  "$(echo "$r_q / $r_min" | bc -l)" "$(echo "($traced - $base) * 1000000000 / (2 * $count)" | bc -l)" \
  "$(echo "($mint - $base) * 1000000000 / (2 * $count)" | bc -l)"
printf 'minimal probe: records %s drops %s (all its dd runs)\n' ${minrec% *} ${minrec#* }
printf 'quarry: driver events %s, drops %s (%.2f%%), events in file %s, dd read/write enter/exit %s/%s/%s/%s of %s each (complete: %s)\n' \
  "$events" "$drops" "$(echo "100 * $drops / ($events + $drops)" | bc -l)" "$fevents" "$re" "$rx" "$we" "$wx" "$count" "$complete"
printf 'during dd: ~%.0f events/s captured, file %s MB; quarry CPU %.2f s during dd (%.0f%% of one core), %.2f s incl. 0.3 s after\n' \
  "$(echo "4 * $count / $traced" | bc -l)" "$((size / 1000000))" "$(echo "$cdd / $hz" | bc -l)" \
  "$(echo "100 * $cdd / $hz / $traced" | bc -l)" "$(echo "$call / $hz" | bc -l)"

# overload: several dd at once (every CPU busy with traced syscalls)
par="${OVERLOAD:-2}"
if (( par > 0 )); then
  start_quarry
  c0=$(ticks $q)
  t0=$(date +%s%N)
  pids=()
  for i in $(seq "$par"); do dd if=/dev/zero of=/dev/null bs=1 count="$count" 2>/dev/null & pids+=($!); done
  wait "${pids[@]}"
  t1=$(date +%s%N)
  c1=$(ticks $q)
  sleep 0.5
  kill -INT $q
  wait $q
  el=$(echo "scale=4; ($t1 - $t0) / 1000000000" | bc)
  events=$(sed -n 's/^Driver Events:\([0-9]*\)$/\1/p' "$out/v.txt")
  drops=$(sed -n 's/^Driver Drops:\([0-9]*\)$/\1/p' "$out/v.txt")
  read -r _ fevents _ < <(node "$root/dist/bench/ddcount.js" "$out/bench.scap" 0)
  printf 'overload, %s dd in parallel: %.3f s, driver events %s, drops %s (%.2f%%), events in file %s (~%.0f/s written), quarry CPU %.2f s\n' \
    "$par" "$el" "$events" "$drops" "$(echo "100 * $drops / ($events + $drops)" | bc -l)" "$fevents" \
    "$(echo "$fevents / $el" | bc -l)" "$(echo "($c1 - $c0) / $hz" | bc -l)"
fi
