// SPDX-License-Identifier: Apache-2.0
// Access to the reference: sysdig 0.29.3, its installed Lua chisels and the shared traces.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const SYSDIG = '/usr/bin/sysdig';
export const LUA_DIR = '/usr/share/sysdig/chisels';
/** ../shared/traces relative to the repository root (dist/test/host/chisels → 4 levels up). */
export const TRACES = path.resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'traces');

export const haveSysdig = fs.existsSync(SYSDIG) && fs.existsSync(LUA_DIR);
export const noSysdigReason = `sysdig 0.29.3 or ${LUA_DIR} missing (apt-get install sysdig)`;

export function trace(name: string): string | undefined {
  const p = path.join(TRACES, name);
  return fs.existsSync(p) ? p : undefined;
}

/** Runs sysdig; stdout as bytes, stderr as text. */
export function sysdig(args: string[]): { out: Buffer; err: string; code: number } {
  const r = spawnSync(SYSDIG, args, { env: { ...process.env, TZ: 'UTC' }, maxBuffer: 1 << 28 });
  return { out: r.stdout, err: r.stderr.toString('utf8'), code: r.status ?? -1 };
}
