#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Live capture overhead (issue #4): `dd if=/dev/zero of=/dev/null bs=1 count=N` (2N syscalls, 4N
# enter/exit events) timed
#   - untraced,
#   - under the minimal probe (bench/minprobe: 32-byte records into one ring, no wake-ups, a C
#     consumer that only counts), the yardstick,
#   - under `quarry -w` (the live capture writing a .scap, a fresh capture per run),
#   - with OTHER=DIR, also under DIR's `quarry -w` (another built tree, e.g. the previous commit),
# in ROUNDS rounds (default 9). A round times each case once, in an order that changes from round
# to round, so a load change on the shared machine hits the cases alike; the round's ratio
# (quarry slowdown / minimal-probe slowdown, slowdown = dd time / untraced dd time) compares
# runs made seconds apart. Reports per case the median dd time and its range, the median ratio,
# its range and how many rounds missed the goal (ratio <= 1.5), the drops of every quarry run,
# whether every dd read/write was in every file, events/s written and quarry's CPU. Then an
# overload run: OVERLOAD (default 2) dd in parallel, more than quarry can keep up with on a 2-CPU
# machine: drop rate and events/s written. Needs root and a built probe (native/build.sh, npm run
# build); run it under `flock /tmp/quarry-bench.lock` on a shared machine.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
count="${COUNT:-1000000}"
rounds="${ROUNDS:-9}"
out="$(mktemp -d)"
q=""
trap '[[ -n "$q" ]] && kill $q 2>/dev/null; wait 2>/dev/null; rm -rf "$out"' EXIT
minprobe="$root/native/build/minprobe"
[[ -f "$root/dist/host/live/cli-live.js" && -f "$root/dist/bench/ddcount.js" ]] || { echo "bench/live.sh: build first (npm run build)" >&2; exit 1; }
[[ -x "$minprobe" ]] || make -s -C "$root/bench/minprobe" >/dev/null
cases=(untraced minimal quarry)
if [[ -n "${OTHER:-}" ]]; then
  [[ -f "$OTHER/dist/host/live/cli-live.js" ]] || { echo "bench/live.sh: $OTHER is not a built tree" >&2; exit 1; }
  cases+=(other)
fi
hz=$(getconf CLK_TCK)

# dd in the background so its pid (= its only tid) is known; sets dd_secs and dd_pid
run_dd() {
  local t0 t1
  t0=$(date +%s%N)
  dd if=/dev/zero of=/dev/null bs=1 count="$count" 2>/dev/null &
  dd_pid=$!
  wait $dd_pid
  t1=$(date +%s%N)
  dd_secs=$(echo "scale=4; ($t1 - $t0) / 1000000000" | bc)
}
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# starts `quarry -w $out/bench.scap -v` of tree $1 in the background (pid in $q), waits until it captures
start_quarry() {
  rm -f "$out/bench.scap"
  node -e "require('$1/dist/host/live/cli-live.js').liveMain(process.argv.slice(1)).then((c) => process.exit(c))" -- -w "$out/bench.scap" -v ${QUARRY_ARGS:-} 2>"$out/v.txt" &
  q=$!
  while [[ ! -s "$out/bench.scap" ]]; do sleep 0.05; done
  sleep 0.5
}

# one dd under quarry of tree $2 (label $1); appends "label secs driver_events drops file_events
# re rx we wx bytes cpu_ticks_during_dd complete" to $out/q.txt
quarry_run() {
  local c0 c1 events drops fevents re rx we wx complete
  start_quarry "$2"
  c0=$(ticks $q)
  run_dd
  c1=$(ticks $q)
  kill -INT $q
  wait $q
  q=""
  events=$(sed -n 's/^Driver Events:\([0-9]*\)$/\1/p' "$out/v.txt")
  drops=$(sed -n 's/^Driver Drops:\([0-9]*\)$/\1/p' "$out/v.txt")
  read -r _ fevents _ re _ rx _ we _ wx < <(node "$root/dist/bench/ddcount.js" "$out/bench.scap" "$dd_pid")
  complete=no
  (( re >= count && rx >= count && we >= count && wx >= count )) && complete=yes
  echo "$1 $dd_secs $events $drops $fevents $re $rx $we $wx $(stat -c %s "$out/bench.scap") $((c1 - c0)) $complete" >>"$out/q.txt"
  printf '    %-8s %s s  drops %s  dd read/write in file %s/%s/%s/%s (complete: %s)  quarry CPU %s%% of one core\n' \
    "$1" "$dd_secs" "$drops" "$re" "$rx" "$we" "$wx" "$complete" "$(echo "100 * ($c1 - $c0) / $hz / $dd_secs" | bc)"
}

uptime
for r in $(seq "$rounds"); do
  echo "  round $r ($(cut -d' ' -f1-3 /proc/loadavg))"
  n=${#cases[@]}
  line="$r"
  for i in $(seq 0 $((n - 1))); do
    # rotated, and reversed every other round, so no case always runs right after another
    j=$(((i + r / 2) % n))
    (( r % 2 )) && j=$((n - 1 - j))
    c=${cases[$j]}
    case $c in
      untraced) run_dd; printf '    %-8s %s s\n' untraced "$dd_secs" ;;
      minimal)
        "$minprobe" >"$out/min.txt" &
        q=$!
        while ! grep -q ready "$out/min.txt" 2>/dev/null; do sleep 0.05; done
        run_dd
        kill -INT $q
        wait $q
        q=""
        printf '    %-8s %s s  (%s)\n' minimal "$dd_secs" "$(grep records "$out/min.txt")" ;;
      quarry) quarry_run quarry "$root" ;;
      other) quarry_run other "$OTHER" ;;
    esac
    echo "$r $c $dd_secs" >>"$out/t.txt"
  done
done
uptime

# medians and ranges; per round, ratio = (quarry / untraced) / (minimal / untraced)
awk -v count="$count" -v hz="$hz" -v rounds="$rounds" -v goal=1.5 '
  function sort(a, n,   i, j, t) { for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t } }
  function med(a, n) { sort(a, n); return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  FILENAME ~ /t.txt$/ { t[$1, $2] = $3; next }
  { k = $1; nq[k]++; drops[k] += $4; ev[k] += $3; if ($12 != "yes") incomplete[k]++
    cpu[k, nq[k]] = 100 * $11 / hz / $2; rate[k, nq[k]] = 4 * count / $2 }
  END {
    for (r = 1; r <= rounds; r++) { ub[r] = t[r, "untraced"]; mb[r] = t[r, "minimal"] }
    mu = med(ub, rounds); mm = med(mb, rounds)
    for (r = 1; r <= rounds; r++) { ub[r] = t[r, "untraced"]; mb[r] = t[r, "minimal"] }
    sort(ub, rounds); sort(mb, rounds)
    printf "dd bs=1 count=%d, %d rounds, median (range): untraced %.3f s (%.3f-%.3f) | minimal probe %.3f s (%.3f-%.3f), x%.2f\n", \
      count, rounds, mu, ub[1], ub[rounds], mm, mb[1], mb[rounds], mm / mu
    split("quarry other", ks, " ")
    for (i = 1; i <= 2; i++) {
      k = ks[i]; if (!nq[k]) continue
      over = 0
      for (r = 1; r <= rounds; r++) {
        qt[r] = t[r, k]; ratio[r] = (t[r, k] / t[r, "untraced"]) / (t[r, "minimal"] / t[r, "untraced"])
        extra[r] = (t[r, k] - t[r, "minimal"]) * 1e9 / (4 * count)
        if (ratio[r] > goal) over++
        c[r] = cpu[k, r]; w[r] = rate[k, r]
      }
      mq = med(qt, rounds); mr = med(ratio, rounds); mx = med(extra, rounds); mc = med(c, rounds); mw = med(w, rounds)
      printf "%s -w: dd %.3f s (%.3f-%.3f), x%.2f; quarry slowdown / minimal-probe slowdown: median %.2f (%.2f-%.2f), over %.1f in %d of %d rounds\n", \
        k, mq, qt[1], qt[rounds], mq / mu, mr, ratio[1], ratio[rounds], goal, over, rounds
      printf "  %+.0f ns per event more than the minimal probe (median); drops %d of %d driver events (%.3f%%); runs missing a dd read/write in the file: %d of %d\n", \
        mx, drops[k], ev[k] + drops[k], 100 * drops[k] / (ev[k] + drops[k]), incomplete[k] + 0, nq[k]
      printf "  ~%.0f events/s written during dd, quarry CPU %.0f%% of one core (medians; CPU range %.0f-%.0f%%)\n", mw, mc, c[1], c[rounds]
    }
  }' "$out/t.txt" "$out/q.txt"

# overload: several dd at once (every CPU busy with traced syscalls)
par="${OVERLOAD:-2}"
if (( par > 0 )); then
  start_quarry "$root"
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
  q=""
  el=$(echo "scale=4; ($t1 - $t0) / 1000000000" | bc)
  events=$(sed -n 's/^Driver Events:\([0-9]*\)$/\1/p' "$out/v.txt")
  drops=$(sed -n 's/^Driver Drops:\([0-9]*\)$/\1/p' "$out/v.txt")
  read -r _ fevents _ < <(node "$root/dist/bench/ddcount.js" "$out/bench.scap" 0)
  printf 'overload, %s dd in parallel: %.3f s, driver events %s, drops %s (%.2f%%), events in file %s (~%.0f/s written), quarry CPU %.2f s\n' \
    "$par" "$el" "$events" "$drops" "$(echo "100 * $drops / ($events + $drops)" | bc -l)" "$fevents" \
    "$(echo "$fevents / $el" | bc -l)" "$(echo "($c1 - $c0) / $hz" | bc -l)"
fi
