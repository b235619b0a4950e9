#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Probe cost per syscall family: with the probe capturing everything (native/build/qcap drains
# the rings), runs `qwork hot KIND N` for each family and prints the average ns per run of the
# sys_enter and sys_exit programs during it (bpf_stats; tail-called programs are counted in the
# dispatcher that called them). Background syscalls of other processes run through the same
# programs, so run it on a quiet machine and repeat. Needs root and native/build.sh.
# Usage: bench/progcost.sh [KIND...]   (default: all; N from $N, default 300000; REPS default 3;
# QCAP: another build of the capture tool, e.g. the previous probe, to compare)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
b="$root/native/build"
n="${N:-300000}"
reps="${REPS:-3}"
kinds=("$@")
((${#kinds[@]})) || kinds=(read pread pwrite readv writev sendrecv close)
make -s -C "$root/bench/progcost" >/dev/null
"${QCAP:-$b/qcap}" 3600 >/dev/null 2>&1 &
cap=$!
trap 'kill $cap 2>/dev/null; wait $cap 2>/dev/null || true' EXIT
# attached once the programs run (loading takes seconds on a busy machine)
for _ in $(seq 200); do
  "$b/progcost" "$cap" sleep 0.05 2>/dev/null | grep -q '^sys_enter runs [1-9]' && break
  sleep 0.1
done
uptime
for k in "${kinds[@]}"; do
  for r in $(seq "$reps"); do
    "$b/progcost" "$cap" "$b/qwork" hot "$k" "$n" | awk -v k="$k" '{printf "%s%s %s %.1f", (NR>1?" | ":k": "), $1, $3, $5} END {print ""}'
  done
done
