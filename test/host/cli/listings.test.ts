// SPDX-License-Identifier: Apache-2.0
// Differential tests: Quarry's listings against the real sysdig 0.29.3, byte for byte.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { listFields, listEvents } from '../../../host/cli/listings';

/** sysdig's stdout for ARGS, or null when sysdig is not installed. */
function sysdig(args: string[]): string | null {
  const r = spawnSync('sysdig', args, { encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.error) return null;
  assert.equal(r.status, 0, `sysdig ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** Compares whole outputs, reporting the first differing line. */
function sameOutput(ours: string, theirs: string): void {
  if (ours === theirs) return;
  const a = ours.split('\n');
  const b = theirs.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  assert.fail(`first difference at line ${i + 1}:\n quarry: ${JSON.stringify(a[i])}\n sysdig: ${JSON.stringify(b[i])}`);
}

const cases: [string, string[], () => string][] = [
  ['-l', ['-l'], () => listFields(false, false)],
  ['-lv', ['-lv'], () => listFields(true, false)],
  ['--list-markdown', ['--list-markdown'], () => listFields(false, true)],
  ['--list-markdown -v', ['--list-markdown', '-v'], () => listFields(true, true)],
  ['-l with a word after it (sysdig ignores it)', ['-l', 'proc'], () => listFields(false, false)],
  ['-L', ['-L'], () => listEvents()],
];

const haveSysdig = spawnSync('sysdig', ['--version']).error === undefined;

for (const [title, args, ours] of cases) {
  test(`cli › listings › ${title} is byte-identical to sysdig`, { skip: haveSysdig ? false : 'sysdig not installed' }, () => {
    const theirs = sysdig(args);
    assert.ok(theirs !== null);
    sameOutput(ours(), theirs);
  });
}

test('cli › listings › -l lists 257 fields in 13 class blocks', () => {
  const out = listFields(false, false);
  assert.equal(out.split('Field Class:').length - 1, 13);
  assert.equal(out.split('\n').filter((l) => /^[a-z0-9]+\.[a-z0-9._]+/.test(l)).length, 257);
});

test('cli › listings › onlyClass keeps the blocks of that class name', () => {
  const evt = listFields(false, false, 'evt');
  assert.deepEqual(evt.match(/^Field Class: +.*$/gm), [
    'Field Class:                  evt (All event types)',
    'Field Class:                  evt (Syscall events only)',
  ]);
  assert.equal(listFields(false, false, 'nosuch'), '');
  const fd = listFields(true, true, 'fd');
  assert.ok(fd.startsWith('\n## Field Class: fd\n\n'));
  assert.ok(fd.includes('`fd.ip` | IPADDR | matches the ip address (client or server) of the fd.\n'));
});

test('cli › listings › hidden and table-only fields are not listed', () => {
  const out = listFields(true, false);
  for (const name of ['util.cnt', 'evt.outputtime', 'thread.nametid', 'evt.buflen.in', 'span.count']) {
    assert.ok(!new RegExp(`^${name.replace(/\./g, '\\.')} `, 'm').test(out), name);
  }
  assert.ok(out.includes('fd.ip                         (Type: IPADDR) (FILTER ONLY) matches'));
});
