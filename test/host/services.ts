// SPDX-License-Identifier: Apache-2.0
// Test helpers for the real services under test/services: start them (idempotent) or say in one line why not.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export function repoRoot(): string {
  let d = __dirname;
  while (!fs.existsSync(path.join(d, 'package.json'))) d = path.dirname(d);
  return d;
}

/** Runs `test/services/NAME ARGS`; returns stdout, or throws with its stderr. */
export function service(name: 'kafka' | 'otel', ...args: string[]): string {
  const r = spawnSync(path.join(repoRoot(), 'test', 'services', name), args, { encoding: 'utf8', timeout: 600_000, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${name} ${args.join(' ')}: ${(r.stderr || r.stdout || String(r.error)).trim().split('\n').pop()}`);
  return r.stdout;
}

/** Starts a service; returns a one-line skip reason when it cannot start. */
export function startService(name: 'kafka' | 'otel'): string | undefined {
  if (process.env.QUARRY_SKIP_SERVICES) return `${name} not started (QUARRY_SKIP_SERVICES is set)`;
  try { service(name, 'start'); return undefined; } catch (e) { return `${name} could not start: ${(e as Error).message}`; }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `cond` until it is true or `ms` pass; returns its last value. */
export async function until(cond: () => boolean | Promise<boolean>, ms: number, every = 100): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await cond()) return true;
    if (Date.now() > end) return false;
    await sleep(every);
  }
}
