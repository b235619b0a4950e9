// SPDX-License-Identifier: Apache-2.0
// Every chisel of issue 5, run by sysdig 0.29.3 and by Quarry (TypeScript and Lua variants) over the
// shared traces; outputs compared tie-aware. Needs the core's host/core/capture.ts.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { runChisels } from '../../../host/chisels/cli';
import { BUILTINS } from '../../../host/chisels/builtin/index';
import { splitChiselArgs } from '../../../host/chisels/args';
import { Capture } from '../../../host/core/types';
import { compareOutputs, CompareMode } from './compare';
import { haveSysdig, noSysdigReason, sysdig, trace, TRACES } from './oracle';

const CORE = path.resolve(__dirname, '..', '..', '..', 'host', 'core', 'capture.js');
const TRACE_NAMES = ['502Error.scap', 'curl_google.scap', 'cat_write.scap'];

/** name, args word, comparison mode */
export const CASES: [string, string | undefined, CompareMode][] = [
  ['topprocs_cpu', undefined, 'table'], ['topprocs_net', undefined, 'table'], ['topprocs_file', undefined, 'table'],
  ['topprocs_errors', undefined, 'table'], ['topfiles_bytes', undefined, 'table'], ['topfiles_errors', undefined, 'table'],
  ['topfiles_time', undefined, 'table'], ['topscalls', undefined, 'table'], ['topscalls_time', undefined, 'table'],
  ['topconns', undefined, 'table'], ['topports_server', undefined, 'table'], ['iobytes', undefined, 'exact'],
  ['iobytes_net', undefined, 'exact'], ['iobytes_file', undefined, 'exact'], ['fdbytes_by', 'fd.name', 'table'],
  ['fdcount_by', 'fd.name', 'count-desc'], ['echo_fds', undefined, 'exact'], ['spy_users', undefined, 'exact'],
  ['spy_file', undefined, 'exact'], ['spy_ip', '127.0.0.1', 'exact'], ['spy_port', '80', 'exact'],
  ['stdout', undefined, 'exact'], ['stderr', undefined, 'exact'], ['stdin', undefined, 'exact'],
  ['fileslower', '1000', 'exact'], ['netlower', '10', 'exact'], ['scallslower', '1000', 'exact'],
  ['proc_exec_time', undefined, 'exact'], ['bottlenecks', undefined, 'unordered'], ['list_login_shells', undefined, 'unordered'],
  ['lsof', undefined, 'unordered'], ['ps', undefined, 'exact'], ['netstat', undefined, 'unordered'],
];

/**
 * Known differences whose cause is in core state code outside the chisel layer (assembly/state,
 * assembly/scap), by `trace › chisel (variant)`.
 */
/** Cases known to differ, with the reason (none left: fd-list socket roles and the -1 fdlimit default fixed them). */
export const TODO: Record<string, string> = {};

const missing = !fs.existsSync(CORE) ? 'the core (host/core/capture.ts) has not landed: differential chisel tests skipped'
  : !haveSysdig ? noSysdigReason : !fs.existsSync(TRACES) ? `traces missing at ${TRACES}` : undefined;

async function quarry(file: string, name: string, args: string | undefined, preferLua: boolean): Promise<{ out: string; code: number; err: string }> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const core = require(CORE) as { openFileCapture(p: string): Promise<Capture> };
  const capture = await core.openFileCapture(file);
  const chunks: Buffer[] = [];
  let err = '';
  const values = args === undefined ? [] : splitChiselArgs(args, name);
  const code = await runChisels([{ name, rawArgs: args, values }], capture, {
    preferLua, write: (b) => chunks.push(Buffer.from(b)), writeErr: (s) => (err += s),
  });
  return { out: Buffer.concat(chunks).toString('latin1'), code, err };
}

if (missing) {
  test(`chisels/differential › ${missing}`, { skip: missing }, () => undefined);
} else {
  for (const t of TRACE_NAMES) {
    const file = trace(t);
    for (const [name, args, mode] of CASES) {
      const variants = BUILTINS.has(name) ? [false, true] : [true];
      for (const lua of variants) {
        const id = `${t} › ${name}${args ? ' ' + args : ''} (${lua ? 'lua' : 'ts'})`;
        test(`chisels/differential › ${id}`,
          { skip: file ? false : `trace ${t} missing in ${TRACES}`, todo: TODO[id] }, async () => {
            const ref = sysdig(['-r', file!, '-c', name, ...(args === undefined ? [] : [args])]);
            const q = await quarry(file!, name, args, lua);
            assert.equal(q.err, ref.err);
            const diff = compareOutputs(ref.out.toString('latin1'), q.out, mode);
            assert.equal(diff, undefined, diff);
          });
      }
    }
  }
}
