// SPDX-License-Identifier: Apache-2.0
// Shared by the live probe tests: run the qwork workload under a capture and decode its events.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { openLiveCapture } from '../../host/live/capture';
import { liveUnavailableReason } from '../../host/live/probe';
import { walkRecords, RawEvent } from '../../host/scap/records';

export const ROOT = path.resolve(__dirname, '../../..');
export const QWORK = path.join(ROOT, 'native', 'build', 'qwork');

/** Why the live tests cannot run here (printed once, then the tests skip), or undefined. */
export function skipReason(): string | undefined {
  const why = liveUnavailableReason();
  if (why) return `live probe tests skipped: ${why}`;
  if (!fs.existsSync(QWORK)) return `live probe tests skipped: ${QWORK} is missing (run native/build.sh)`;
  return undefined;
}

const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schema', 'events.json'), 'utf8'));
const byCode = new Map<string, number>(schema.events.map((e: { code: string; id: number }) => [e.code, e.id]));
/** Event id from its PPME_ name, e.g. ev('SYSCALL_OPEN_E'). */
export function ev(code: string): number {
  const id = byCode.get('PPME_' + code);
  if (id === undefined) throw new Error(`unknown event ${code}`);
  return id;
}
/** Parameter names of an event, from the schema. */
export function paramNames(type: number): string[] {
  return schema.events[type].params.map((p: { name: string }) => p.name);
}
export function ppmSc(name: string): number {
  return schema.ppmSyscalls.find((s: { name: string }) => s.name === name).id;
}

export interface Run {
  pid: number;
  stdout: string;
  events: RawEvent[];
  stats: { events: number; drops: number; delivered: number; fastEvents: number };
}

export interface RunOpts {
  ringBytes?: number;
  snaplen?: number;
  slowReader?: boolean;
  /** the probe's fast paths for hot syscalls (default on) */
  fastPaths?: boolean;
  /** working directory of the workload */
  cwd?: string;
  /** called with the workload's pid while it waits for go (e.g. to move it to other cgroups) */
  beforeGo?: (pid: number) => void;
}

/** Runs `qwork args` under a capture of that process only; the workload starts once we say go. */
export async function runCaptured(args: string[], opts: RunOpts = {}): Promise<Run> {
  // The workload starts blocked on stdin; the capture then opens on that process only.
  const child = spawn(QWORK, args, { cwd: opts.cwd, env: { ...process.env, QWORK_WAIT: '1' }, stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise((r) => setTimeout(r, 30));
  const cap = openLiveCapture({ snaplen: opts.snaplen ?? 80, debug: false, ringBytes: opts.ringBytes, captureSwitch: false, fastPaths: opts.fastPaths, onlyPid: child.pid });
  const events: RawEvent[] = [];
  const collecting = (async () => {
    for await (const b of cap.batches()) {
      for (const e of walkRecords(b.records, b.cpus)) events.push(e);
      if (opts.slowReader) await new Promise((r) => setTimeout(r, 20));
    }
  })();
  let stdout = '';
  child.stdout!.on('data', (d) => { stdout += d; });
  const exited = new Promise<void>((res) => child.on('close', () => res()));
  opts.beforeGo?.(child.pid!);
  child.stdin!.end('g');
  await exited;
  await new Promise((r) => setTimeout(r, 100));
  await cap.stop();
  await collecting;
  return { pid: child.pid!, stdout, events, stats: cap.stats() };
}

/** The events after the workload's go-read returned (its first captured event): the scenario itself. */
export function scenario(run: Run): RawEvent[] {
  const readX = ev('SYSCALL_READ_X');
  const j = run.events.findIndex((e) => e.type === readX && e.tid === BigInt(run.pid));
  return j < 0 ? [] : run.events.slice(j + 1);
}

export const i64 = (b: Buffer) => Number(b.readBigInt64LE(0));
export const u64 = (b: Buffer) => b.readBigUInt64LE(0);
export const u32 = (b: Buffer) => b.readUInt32LE(0);
export const u16 = (b: Buffer) => b.readUInt16LE(0);
export const u8 = (b: Buffer) => b.readUInt8(0);
/** A NUL-terminated string parameter, without its NUL. */
export const str = (b: Buffer) => { if (b[b.length - 1] !== 0) throw new Error(`not NUL-terminated: ${b.toString('latin1')}`); return b.subarray(0, b.length - 1).toString('latin1'); };
/** NUL-separated strings (args, env). */
export const strs = (b: Buffer) => b.toString('latin1').split('\0').filter((s, i, a) => !(i === a.length - 1 && s === ''));
