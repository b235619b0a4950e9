// SPDX-License-Identifier: Apache-2.0
// Each built-in TypeScript chisel against sysdig's Lua chisel of the same name, over one synthetic
// capture (no core needed): the outputs must be the same, tie-aware.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { runChisels } from '../../../../host/chisels/cli';
import { compareOutputs, CompareMode } from '../compare';
import { haveSysdig, noSysdigReason } from '../oracle';
import { SyntheticCapture, SynthEvent } from '../synthetic';

function events(): SynthEvent[] {
  const out: SynthEvent[] = [];
  for (let i = 0; i < 60; i++) {
    const io = i % 5 !== 0;
    out.push({
      'evt.num': BigInt(i + 1), 'evt.rawtime': 1500000000000000000n + BigInt(i) * 97000000n, 'evt.cpu': i % 4,
      'evt.type': io ? (i % 2 ? 'read' : 'write') : 'procinfo', 'evt.dir': '<', 'evt.is_io': io, 'evt.is_io_read': i % 2 === 1,
      'fd.type': i % 3 ? 'ipv4' : 'file', 'fd.num': BigInt(i % 4), 'fd.name': `/f${i % 7}`, 'fd.l4proto': 'tcp', 'fd.sport': 80 + (i % 2),
      'fd.port': 80, 'proc.name': ['curl', 'nginx', 'bash'][i % 3], 'proc.pid': BigInt(100 + (i % 5)), 'thread.cpu': i % 3,
      'evt.rawarg.res': BigInt(i % 11 === 0 ? -2 : i * 37), 'evt.rawres': BigInt(i % 11 === 0 ? -2 : i * 37),
      'evt.failed': i % 11 === 0, 'evt.count': 1, 'evt.latency': BigInt(i * 12345), 'container.name': 'host', 'container.id': 'host',
      'evt.rawarg.data': Buffer.from(`payload ${i}\n`), 'evt.arg.data': `payload ${i}.`,
    });
  }
  return out;
}

const CASES: [string, string[], CompareMode][] = [
  ['topprocs_cpu', [], 'table'], ['topprocs_net', [], 'table'], ['topprocs_file', [], 'table'], ['topprocs_errors', [], 'table'],
  ['topfiles_bytes', [], 'table'], ['topfiles_errors', [], 'table'], ['topfiles_time', [], 'table'], ['topscalls', [], 'table'],
  ['topscalls_time', [], 'table'], ['topconns', [], 'table'], ['topports_server', [], 'table'], ['fdbytes_by', ['fd.name'], 'table'],
  ['fdcount_by', ['proc.name'], 'count-desc'], ['echo_fds', [], 'exact'], ['spy_port', ['80'], 'exact'], ['spy_ip', ['127.0.0.1'], 'exact'],
  ['stdout', [], 'exact'], ['stderr', [], 'exact'], ['stdin', [], 'exact'],
];

async function run(name: string, values: string[], preferLua: boolean, printContainer: boolean): Promise<string> {
  const chunks: Buffer[] = [];
  let err = '';
  const code = await runChisels([{ name, values }], new SyntheticCapture(events()), {
    preferLua, printContainer, env: { HOME: '/nonexistent' }, write: (b) => chunks.push(Buffer.from(b)), writeErr: (s) => (err += s),
  });
  assert.equal(code, 0, err);
  return Buffer.concat(chunks).toString('latin1');
}

for (const [name, values, mode] of CASES) {
  for (const pc of [false, true]) {
    test(`chisels/builtin › ${name}${pc ? ' -pc' : ''} prints what the Lua chisel prints`, { skip: haveSysdig ? false : noSysdigReason }, async () => {
      const lua = await run(name, values, true, pc);
      const ts = await run(name, values, false, pc);
      const diff = compareOutputs(lua, ts, mode);
      assert.equal(diff, undefined, diff);
    });
  }
}
