// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { compareOutputs } from './compare';

const D = '-'.repeat(80);
const row = (v: string, k: string) => v.padEnd(20) + k;

test('chisels/compare › table rows with equal values may come in any order', () => {
  const e = ['H', D, row('10', 'a'), row('5', 'b'), row('5', 'c'), ''].join('\n');
  const a = ['H', D, row('10', 'a'), row('5', 'c'), row('5', 'b'), ''].join('\n');
  assert.equal(compareOutputs(e, a, 'table'), undefined);
  const bad = ['H', D, row('5', 'b'), row('10', 'a'), row('5', 'c'), ''].join('\n');
  assert.notEqual(compareOutputs(e, bad, 'table'), undefined);
});

test('chisels/compare › exact mode names the first differing line', () => {
  assert.equal(compareOutputs('a\nb\n', 'a\nc\n', 'exact'), 'line 2: expected "b", got "c"');
});
