// SPDX-License-Identifier: Apache-2.0
// Output shapes, field templates, and the duration/size units of configs.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { FormatError, compileOutput, parseTemplate } from '../../../host/pipeline/format';
import { TemplateError, compileTemplate } from '../../../host/pipeline/template';
import { parseDuration, parseSize } from '../../../host/pipeline/units';

const row = { 'evt.num': 42n, 'evt.type': 'read', 'proc.name': 'say "hi"', 'evt.failed': true, 'fd.name': null, 'evt.cpu': 3 } as const;
const render = (cfg: Parameters<typeof compileOutput>[0]) => {
  const shape = compileOutput(cfg);
  return shape.render(shape.fields.map((f) => (row as any)[f] ?? null), shape.fields.map((_, i) => i));
};

test('format > json renders 64-bit integers exactly, strings escaped, absent fields as null', () => {
  assert.equal(render({ format: 'json', fields: ['evt.num', 'proc.name', 'evt.failed', 'fd.name', 'evt.cpu'] }),
    '{"evt.num":42,"proc.name":"say \\"hi\\"","evt.failed":true,"fd.name":null,"evt.cpu":3}');
  assert.equal(JSON.stringify(compileOutput({ format: 'json', fields: ['evt.rawtime'] }).render([1795771609280026317n], [0])), JSON.stringify('{"evt.rawtime":1795771609280026317}'));
});

test('format > text with fields joins values; templates follow -p syntax', () => {
  assert.equal(render({ format: 'text', fields: ['evt.num', 'evt.type', 'fd.name'] }), '42 read ');
  assert.equal(render({ format: 'template', template: '%evt.num: %{proc.name} did %evt.type (100%%)' }), '42: say "hi" did read (100%)');
  assert.deepEqual(parseTemplate('a %evt.type.'), ['a ', { field: 'evt.type' }, '.']);
  assert.throws(() => parseTemplate('x %{evt.type'), (e: FormatError) => e.message === 'unterminated "%{"' && e.offset === 2);
});

test('template > renders fields per event with a fallback for absent values', () => {
  const t = compileTemplate('syscalls.${proc.name}.${container.id}');
  assert.deepEqual(t.fields, ['proc.name', 'container.id']);
  assert.equal(t.render((f) => (f === 'proc.name' ? 'nginx' : null)), 'syscalls.nginx.unknown');
  assert.equal(compileTemplate('fixed').render(() => null), 'fixed');
  assert.throws(() => compileTemplate('a.${proc.name'), (e: TemplateError) => e.offset === 2);
});

test('units > durations and sizes', () => {
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('5us'), 0.005);
  assert.equal(parseDuration('0'), 0);
  assert.equal(parseDuration('5 sec'), '"5 sec" is not a duration (examples: 250ms, 5s, 1h30m)');
  assert.equal(parseDuration('3w'), 'unknown duration unit "w" in "3w" (use ns, us, ms, s, m, h, d)');
  assert.equal(parseSize('4096'), 4096);
  assert.equal(parseSize('8MiB'), 8 * 1024 * 1024);
  assert.equal(parseSize('10MB'), 10_000_000);
  assert.equal(parseSize('1.5KiB'), 1536);
  assert.equal(parseSize('lots'), '"lots" is not a size (examples: 4096, 512KiB, 10MB, 1GiB)');
});
