#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Probe cost per syscall family: with a probe capturing everything, runs `qwork hot KIND N` for
# each family and prints the average ns per run of the sys_enter and sys_exit programs during it
# (bpf_stats; tail-called programs are counted in the dispatcher that called them). The probes
# compared are this build's (native/build/qcap drains the rings), $QCAP if set (another build of
# the capture tool, e.g. the previous probe) and the minimal probe of issue #4 (bench/minprobe,
# the yardstick; MIN=0 leaves it out). Each repetition loads every probe in turn, so a load
# change on the shared machine hits them alike; per probe and family it prints the median over
# the REPS repetitions (default 5) and the range. Background syscalls of other processes run
# through the same programs: note `uptime`. Needs root and native/build.sh.
# Usage: bench/progcost.sh [KIND...]   (default: all; N from $N, default 300000)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
b="$root/native/build"
n="${N:-300000}"
reps="${REPS:-5}"
kinds=("$@")
((${#kinds[@]})) || kinds=(read pread pwrite readv writev sendrecv close)
make -s -C "$root/bench/progcost" >/dev/null
[[ "${MIN:-1}" == 0 ]] || make -s -C "$root/bench/minprobe" >/dev/null
out="$(mktemp -d)"
cap=""
trap '[[ -n "$cap" ]] && kill $cap 2>/dev/null; wait 2>/dev/null; rm -rf "$out"' EXIT

# probe label, command, enter and exit program names
probes=("quarry|$b/qcap 3600|sys_enter|sys_exit")
[[ -n "${QCAP:-}" ]] && probes+=("other|$QCAP 3600|sys_enter|sys_exit")
[[ "${MIN:-1}" == 0 ]] || probes+=("minimal|$b/minprobe|min_enter|min_exit")

uptime
for r in $(seq "$reps"); do
  for p in "${probes[@]}"; do
    IFS='|' read -r label cmd enter exit <<<"$p"
    $cmd >/dev/null 2>&1 &
    cap=$!
    export PROGCOST_ENTER="$enter" PROGCOST_EXIT="$exit"
    # attached once the programs run (loading takes seconds on a busy machine)
    for _ in $(seq 200); do
      "$b/progcost" "$cap" sleep 0.05 2>/dev/null | grep -q "^$enter runs [1-9]" && break
      sleep 0.1
    done
    for k in "${kinds[@]}"; do
      "$b/progcost" "$cap" "$b/qwork" hot "$k" "$n" | awk -v k="$k" -v l="$label" '{v[NR] = $5} END {print k, l, v[1], v[2]}' >>"$out/runs"
    done
    kill -TERM $cap
    wait $cap || true
    cap=""
  done
done
uptime
# median and range per family and probe, in the order measured
awk '
  { key = $1 " " $2; if (!(key in n)) order[++nk] = key; n[key]++; e[key, n[key]] = $3; x[key, n[key]] = $4 }
  function med(a, key, c,   i, j, t, v) {
    for (i = 1; i <= c; i++) v[i] = a[key, i]
    for (i = 2; i <= c; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
    lo = v[1]; hi = v[c]
    return c % 2 ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2
  }
  END {
    for (i = 1; i <= nk; i++) {
      k = order[i]; split(k, kl, " ")
      me = med(e, k, n[k]); el = lo; eh = hi
      mx = med(x, k, n[k])
      printf "%-8s %-7s enter %6.1f ns (%.1f-%.1f)  exit %6.1f ns (%.1f-%.1f)  [%d runs]\n", kl[1] ":", kl[2], me, el, eh, mx, lo, hi, n[k]
    }
  }' "$out/runs"
