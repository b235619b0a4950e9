// SPDX-License-Identifier: Apache-2.0
// Loads the native probe addon, and when live capture cannot work explains why on one line:
// addon not built, not Linux, not root, no BTF, kernel too old, or the kernel refused the probe.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { QuarryError } from '../core/types';

/** The addon's Probe object (native/addon/addon.cc). */
export interface NativeProbe {
  start(): void;
  stop(): void;
  stats(): { events: number; drops: number; dropsSize: number; dropsCompat: number; fastEvents: number; perCpuEvents: number[]; perCpuDrops: number[] };
  /** Copies whole events, oldest first across CPUs, into buf; cpus[i] gets the CPU of event i. Returns [bytes, events]. */
  drain(buf: Uint8Array, maxEvents?: number, cpus?: Uint16Array): [number, number];
  /** Like drain, each event framed as a scap EV_V2 block (cpu included). Returns [bytes, events]. */
  drainBlocks(buf: Uint8Array, maxEvents?: number): [number, number];
  /** Appends every event as an EV_V2 block to fd, on a native thread, until stop() and the rings
   * are empty or maxEvents (0 = no limit) were written; resolves to [events, bytes]. */
  writeFile(fd: number, maxEvents: number, bufBytes: number): Promise<[number, number]>;
  /** Capture only this process (0 = all). */
  onlyTgid(tgid: number): void;
  close(): void;
}

export interface NativeProbeOptions {
  snaplen: number;
  debug: boolean;
  ringBytes?: number;
  captureSwitch?: boolean;
  /** Hot syscalls take the probe's fast paths (default true). */
  fastPaths?: boolean;
  /** 512 flags indexed by x86_64 syscall number; absent = every syscall. */
  syscalls?: Uint8Array;
}

const SUGGEST = '; to read a capture file instead use -r FILE';

export class LiveCaptureError extends QuarryError {}

function repoRoot(): string {
  // compiled: dist/host/live; from source: host/live
  for (const up of ['../../..', '../..']) {
    const r = path.resolve(__dirname, up);
    if (fs.existsSync(path.join(r, 'package.json'))) return r;
  }
  return path.resolve(__dirname, '../../..');
}

export function addonPath(): string {
  return process.env.QUARRY_PROBE_ADDON ?? path.join(repoRoot(), 'native', 'build', 'quarry_probe.node');
}

/** CAP_PERFMON (38) and CAP_BPF (39), or CAP_SYS_ADMIN (21), in the effective set. */
function hasBpfCaps(): boolean {
  if (process.getuid && process.getuid() === 0) return true;
  const m = (fs.readFileSync('/proc/self/status', 'latin1').match(/^CapEff:\s*([0-9a-f]+)/m) ?? [])[1];
  if (!m) return false;
  const caps = BigInt('0x' + m);
  const has = (n: number) => (caps >> BigInt(n)) & 1n;
  return !!has(21) || (!!has(38) && !!has(39));
}

function kernelOk(): boolean {
  const [maj, min] = os.release().split('.').map((x) => parseInt(x, 10));
  return maj > 5 || (maj === 5 && min >= 8); // BPF ring buffers and bpf_ktime_get_boot_ns
}

/** Why live capture is impossible here, or undefined if it should work. */
export function liveUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return `live capture needs Linux (this is ${process.platform})${SUGGEST}`;
  if (!fs.existsSync(addonPath()))
    return `the capture probe is not built (${addonPath()} is missing): run native/build.sh as root${SUGGEST}`;
  if (!hasBpfCaps()) return `live capture needs root, or the CAP_BPF and CAP_PERFMON capabilities${SUGGEST}`;
  if (!kernelOk()) return `kernel ${os.release()} is too old for the probe (needs 5.8 or newer)${SUGGEST}`;
  if (!fs.existsSync('/sys/kernel/btf/vmlinux'))
    return `this kernel has no BTF (/sys/kernel/btf/vmlinux), which the probe needs${SUGGEST}`;
  return undefined;
}

/** Loads and attaches the probe, or throws a LiveCaptureError with a one-line reason. */
export function openNativeProbe(opts: NativeProbeOptions): NativeProbe {
  const why = liveUnavailableReason();
  if (why) throw new LiveCaptureError(why);
  let mod: { Probe: new (o: NativeProbeOptions) => NativeProbe };
  try {
    mod = require(addonPath());
  } catch (e) {
    throw new LiveCaptureError(`cannot load ${addonPath()} (${(e as Error).message.split('\n')[0]}): rebuild with native/build.sh${SUGGEST}`);
  }
  try {
    return new mod.Probe(opts);
  } catch (e) {
    const err = e as Error & { errno?: number };
    const hint = err.errno === 1 || err.errno === 13 ? ' (permission denied: needs root, or CAP_BPF and CAP_PERFMON)' : '';
    throw new LiveCaptureError(`cannot start the capture probe: ${err.message}${hint}${SUGGEST}`);
  }
}
