// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { chiselInfo, listChisels, parseChiselArgs } from '../../../host/chisels/cli';
import { haveSysdig, noSysdigReason, sysdig } from './oracle';

const skip = haveSysdig ? false : noSysdigReason;
const env = { HOME: '/nonexistent', PATH: process.env.PATH };
const search = { env, cwd: '/' };

test('chisels › -cl is byte-identical to sysdig -cl', { skip }, async () => {
  assert.equal(await listChisels(search), sysdig(['-cl']).out.toString('utf8'));
});

for (const name of ['topprocs_cpu', 'spy_port', 'fdbytes_by', 'echo_fds', 'spy_file', 'ps', 'netlower', 'topcontainers_error']) {
  test(`chisels › -i ${name} is byte-identical to sysdig`, { skip }, async () => {
    assert.equal(await chiselInfo(name, search), sysdig(['-i', name]).out.toString('utf8'));
  });
}

test('chisels › -i of an unknown chisel gives sysdig\'s message', { skip }, async () => {
  const s = sysdig(['-i', 'nosuch']);
  await assert.rejects(chiselInfo('nosuch', search), (e: Error) => e.message + '\n' === s.err);
});

test('chisels › --lua-chisels listing is the same text', { skip }, async () => {
  assert.equal(await listChisels({ ...search, preferLua: true }), await listChisels(search));
});

/** A rough stand-in for the core's filter compiler: "field op value" words. */
const compiles = (s: string) => /^[a-z]+\.[a-z_.]+\s*(=|!=|<|>|contains|exists)/.test(s);

const argCases: string[][] = [
  ['-c', 'nosuch'],
  ['-c', 'spy_port'],
  ['-c', 'spy_port', '80 a b'],
  ['-c', 'spy_ip', "'127.0.0.1"],
  ['-c', 'fdbytes_by', 'a b'],
  ['-c', 'fdcount_by', ''],
  ['-c', 'spy_file', 'R /etc/x extra'],
];
for (const argv of argCases) {
  test(`chisels › argument error for ${JSON.stringify(argv.slice(1))} matches sysdig`, { skip }, async () => {
    const s = sysdig(['-r', '/nonexistent.scap', ...argv]);
    let msg = '';
    try {
      await parseChiselArgs(argv, 1, compiles, search);
    } catch (e) {
      msg = (e as Error).message;
    }
    assert.ok(s.code !== 0);
    assert.equal(msg + '\n', s.err);
  });
}

test('chisels › an optional-args chisel leaves a filter word alone', async () => {
  const r = await parseChiselArgs(['-c', 'echo_fds', 'fd.port=80'], 1, compiles, search);
  assert.deepEqual(r, { consumed: 0, spec: { name: 'echo_fds', rawArgs: undefined, values: [] } });
});

test('chisels › a filter-typed single argument is always taken', async () => {
  const r = await parseChiselArgs(['-c', 'ps', 'proc.name=curl'], 1, compiles, search);
  assert.deepEqual(r, { consumed: 1, spec: { name: 'ps', rawArgs: 'proc.name=curl', values: ['proc.name=curl'] } });
});

test('chisels › a required argument takes the next word even if it looks like a flag', async () => {
  const r = await parseChiselArgs(['-c', 'spy_port', '-r'], 1, compiles, search);
  assert.equal(r.consumed, 1);
  assert.deepEqual(r.spec.values, ['-r']);
});
