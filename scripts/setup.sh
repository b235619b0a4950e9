#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Sets up Quarry on a fresh Debian machine (run as root): system packages, npm packages,
# the Wasm core and the TypeScript host, and (when the toolchain is there) the eBPF probe.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
need=()
command -v sysdig >/dev/null 2>&1 || need+=(sysdig)            # the reference reader (tests, chisels' Lua files)
command -v script >/dev/null 2>&1 || need+=(util-linux)        # terminal-output tests
command -v clang >/dev/null 2>&1 || need+=(clang llvm)         # eBPF probe
[ -f /usr/include/bpf/libbpf.h ] || need+=(libbpf-dev libelf-dev zlib1g-dev pkg-config make)
command -v bpftool >/dev/null 2>&1 || need+=(bpftool)
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)   # Kafka test broker
command -v mvn >/dev/null 2>&1 || need+=(maven)                      # resolves the broker's jars
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update
    # --no-install-recommends: sysdig would otherwise build a kernel module it does not need to read files
    apt-get install -y --no-install-recommends "${need[@]}" || apt-get install -y --no-install-recommends sysdig util-linux
  else
    echo "setup: not root; skipping system packages (${need[*]})" >&2
  fi
fi

npm ci --no-audit --no-fund
npm run build
if [ -x native/build.sh ]; then
  bash native/build.sh || echo "setup: the eBPF probe did not build; live capture is unavailable, -r works" >&2
fi
