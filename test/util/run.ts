// SPDX-License-Identifier: Apache-2.0
// Shared test helpers: where the repo and the real traces are, running quarry and sysdig,
// and a byte comparison that names the first differing line.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';

function findRoot(dir: string): string {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'package.json')) && fs.existsSync(path.join(d, 'bin', 'quarry.js'))) return d;
    if (path.dirname(d) === d) throw new Error('repository root not found from ' + dir);
  }
}

export const repoRoot = findRoot(__dirname);
export const tracesDir = path.resolve(repoRoot, '../shared/traces');
export const QUARRY = path.join(repoRoot, 'bin', 'quarry.js');
export const SYSDIG = '/usr/bin/sysdig';

export const tracesMissing = !fs.existsSync(tracesDir);
export const TRACES_SKIP = `real traces not found at ${tracesDir}; skipping`;
export const sysdigMissing = !fs.existsSync(SYSDIG);
export const SYSDIG_SKIP = `sysdig not installed at ${SYSDIG}; skipping`;

export function traceFiles(): string[] {
  if (tracesMissing) return [];
  return fs.readdirSync(tracesDir).filter((f) => f.endsWith('.scap')).sort().map((f) => path.join(tracesDir, f));
}

export interface RunResult { code: number | null; signal: string | null; stdout: Buffer; stderr: Buffer; timedOut: boolean; ms: number }

export function run(cmd: string, args: string[], o: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: o.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = o.timeoutMs ? setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, o.timeoutMs) : null;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err), timedOut, ms: Date.now() - t0 });
    });
  });
}

export function quarry(args: string[], o: { timeoutMs?: number } = {}): Promise<RunResult> {
  return run(process.execPath, [QUARRY, ...args], o);
}

export function sysdig(args: string[], o: { timeoutMs?: number } = {}): Promise<RunResult> {
  return run(SYSDIG, args, o);
}

export function quarrySync(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [QUARRY, ...args], { encoding: 'latin1', maxBuffer: 1 << 30 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** null when equal; otherwise a message with the first differing line number and both lines. */
export function firstDiff(expected: Buffer | string, actual: Buffer | string, labels = ['sysdig', 'quarry']): string | null {
  const a = Buffer.isBuffer(expected) ? expected : Buffer.from(expected, 'latin1');
  const b = Buffer.isBuffer(actual) ? actual : Buffer.from(actual, 'latin1');
  if (a.equals(b)) return null;
  const la = a.toString('latin1').split('\n');
  const lb = b.toString('latin1').split('\n');
  const n = Math.max(la.length, lb.length);
  for (let i = 0; i < n; i++) {
    if (la[i] !== lb[i]) {
      const show = (s: string | undefined) => (s === undefined ? '<end of output>' : JSON.stringify(s));
      return `first difference at line ${i + 1} (of ${la.length} / ${lb.length}):\n  ${labels[0]}: ${show(la[i])}\n  ${labels[1]}: ${show(lb[i])}`;
    }
  }
  return `outputs differ only in bytes not split by lines (${a.length} vs ${b.length} bytes)`;
}

export function tmpDir(prefix = 'quarry-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The raw (decompressed) bytes of a capture file. */
export function readCapture(file: string): Buffer {
  const b = fs.readFileSync(file);
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b ? zlib.gunzipSync(b) : b;
}

/** Offsets of every block in an uncompressed capture (walking the framing). */
export function blockOffsets(raw: Buffer): { off: number; type: number; len: number }[] {
  const res: { off: number; type: number; len: number }[] = [];
  let p = 0;
  while (p + 8 <= raw.length) {
    const type = raw.readUInt32LE(p);
    const len = raw.readUInt32LE(p + 4);
    if (len < 12 || p + len > raw.length) break;
    res.push({ off: p, type, len });
    p += len;
  }
  return res;
}

/** Writes a capture to a fresh temp file and returns its path. */
export function writeTemp(dir: string, name: string, data: Buffer): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, data);
  return f;
}
