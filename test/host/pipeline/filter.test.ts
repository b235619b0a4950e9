// SPDX-License-Identifier: Apache-2.0
// The host-side filter subset used until the core's compiler is linked in.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { FieldValue } from '../../../host/core/types';
import { compileFilter } from '../../../host/pipeline/filter';

const ev: Record<string, FieldValue> = {
  'evt.type': 'openat', 'evt.dir': '<', 'proc.name': 'nginx', 'proc.pid': 1200n, 'evt.latency': 15000n,
  'fd.name': '/etc/passwd', 'evt.failed': false, 'evt.cpu': 1, 'container.id': null,
};
const matches = (f: string) => {
  const c = compileFilter(f);
  if ('message' in c) throw new Error(c.message);
  return c.matches((n) => ev[n] ?? null);
};

test('filter > comparisons, lists, strings and booleans', () => {
  const cases: [string, boolean][] = [
    ['', true],
    ['evt.type = openat', true], ['evt.type == read', false], ['evt.type != read', true],
    ['proc.pid = 1200', true], ['proc.pid > 1000 and proc.pid <= 1200', true], ['evt.latency >= 15001', false],
    ['evt.type in (read, openat, write)', true], ['evt.type in (read)', false],
    ['fd.name contains passwd', true], ['fd.name startswith /etc', true], ['fd.name endswith .conf', false],
    ['fd.name icontains PASSWD', true], ['fd.name pmatch (/etc, /var)', true], ['fd.name glob "/etc/*"', true],
    ['container.id exists', false], ['not container.id exists', true], ['container.id != abc', true],
    ['evt.failed = false', true], ['evt.cpu = 1', true],
    ['evt.type = read or (proc.name = nginx and not evt.dir = >)', true],
    ['proc.name = "nginx"', true], ["proc.name = 'ngin'", false],
  ];
  for (const [f, want] of cases) assert.equal(matches(f), want, f);
});

test('filter > syntax errors are sysdig\'s, with the offset of the problem', () => {
  const cases: [string, string, number][] = [
    ['(evt.type = read', 'unexpected end of filter', 16],
    ['evt.type read', 'unrecognized comparison operator after evt.type', 9],
    ['proc.name = "x', 'unclosed quotes', 14],
    ['evt.type in read', "expected '(' after 'in/intersects/pmatch' operand", 12],
    ['evt.type = read and', 'unexpected end of filter', 19],
    ['evt.type = read)', 'unexpected end of filter', 16],
    ['bogus.field = 1', 'unrecognized field bogus.field at pos 0', 11],
  ];
  for (const [f, message, offset] of cases) assert.deepEqual(compileFilter(f), { message, offset }, f);
});

test('filter > a valid filter beyond the host subset fails only when the synthetic source evaluates it', () => {
  const c = compileFilter('proc.name =');
  assert.ok(!('message' in c));
  assert.throws(() => c.matches(() => null), /the synthetic source cannot evaluate this filter \(expected a value after "=" at position 11\)/);
});
