#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the eBPF probe and the Node addon into native/build/. On a Debian machine missing the
# toolchain it installs it first (needs root). Usage: native/build.sh [--no-install]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"

pkgs=(clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev make pkg-config g++)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})) && [[ "${1:-}" != "--no-install" ]]; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "native/build.sh: missing packages ${missing[*]}; run as root or: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "native/build.sh: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [[ ! -r /sys/kernel/btf/vmlinux ]]; then
  echo "native/build.sh: this kernel has no BTF (/sys/kernel/btf/vmlinux); the probe needs CONFIG_DEBUG_INFO_BTF" >&2
  exit 1
fi
if [[ ! -d "$root/node_modules/node-addon-api" ]]; then
  (cd "$root" && npm install --no-audit --no-fund >/dev/null)
fi
make -C "$here" -j2 all
echo "native/build.sh: built $here/build/quarry_probe.node"
