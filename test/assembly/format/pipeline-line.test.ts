// SPDX-License-Identifier: Apache-2.0
// Pipeline lines rendered by the core (assembly/format/pipeline-line.ts) against the host renderer
// (host/pipeline/format.ts) on the very same rows: every line must be the same bytes, for JSON,
// text and template shapes, over awkward strings (quotes, control characters, a BOM, invalid and
// truncated UTF-8), byte buffers, and the real traces.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, it } from 'node:test';
import { FileCapture } from '../../../host/core/capture';
import { FieldValue, LineBatch } from '../../../host/core/types';
import { compileOutput, OutputConfig } from '../../../host/pipeline/format';
import { base, Events, P, FD, CAT } from '../../util/fixture';
import { tracesDir } from '../../util/run';

const SHAPES: [string, OutputConfig][] = [
  ['json, default fields', { format: 'json' }],
  ['json, strings, numbers, booleans, buffers', { format: 'json', fields: ['evt.num', 'evt.rawtime', 'evt.type', 'evt.dir', 'evt.info', 'evt.arg.data', 'evt.buffer', 'evt.rawres', 'evt.failed', 'evt.cpu', 'proc.name', 'proc.exe', 'proc.args', 'proc.pid', 'thread.tid', 'user.uid', 'user.name', 'fd.name', 'fd.num', 'fd.type', 'fd.sport', 'fd.cip', 'evt.res', 'evt.latency', 'evt.latency.s', 'container.id', 'evt.is_io'] }],
  ['text, fields', { format: 'text', fields: ['evt.num', 'evt.type', 'evt.info', 'evt.buffer', 'proc.name', 'fd.name', 'evt.failed', 'evt.latency', 'fd.cip'] }],
  ['text, default', { format: 'text' }],
  ['template', { format: 'template', template: '%evt.num %proc.name (%thread.tid) "%evt.arg.data" %fd.name %evt.rawres %evt.is_io' }],
];

/** Runs one shape over a capture: per row, the core's line and the host's rendering of the row. */
async function lines(file: string, cfg: OutputConfig): Promise<{ core: Buffer[]; host: string[] }> {
  const shape = compileOutput(cfg);
  assert.ok(shape.line, 'the shape has a core line');
  const cap = new FileCapture(file);
  await cap.open();
  const core: Buffer[] = [];
  const host: string[] = [];
  const at = shape.fields.map((_, i) => i);
  await cap.run([{ fields: shape.fields, line: shape.line }], (_q, rows: FieldValue[][], l?: LineBatch) => {
    assert.ok(l, 'the capture rendered lines');
    assert.equal(l.start.length, rows.length);
    for (let i = 0; i < rows.length; i++) {
      core.push(Buffer.from(l.data.subarray(l.start[i], l.end[i])));
      host.push(shape.render(rows[i], at));
    }
  });
  return { core, host };
}

function same(got: { core: Buffer[]; host: string[] }): void {
  assert.ok(got.host.length > 0);
  for (let i = 0; i < got.host.length; i++) {
    const want = Buffer.from(got.host[i], 'utf8');
    if (!got.core[i].equals(want)) assert.fail(`line ${i + 1} differs:\n core: ${got.core[i].toString('utf8')}\n host: ${got.host[i]}`);
  }
}

const b = (...xs: number[]) => Buffer.from(xs);
/** Strings the host decodes with TextDecoder (U+FFFD, BOM dropped) and JSON.stringify escapes. */
const AWKWARD: Buffer[] = [
  Buffer.from('quo"te back\\slash'),
  b(0x01, 0x08, 0x09, 0x0a, 0x0c, 0x0d, 0x1b, 0x1f, 0x20, 0x7f),
  Buffer.concat([b(0xef, 0xbb, 0xbf), Buffer.from('bom')]),
  Buffer.from('héllo ✓ 😀'),
  b(0x41, 0x80, 0x42, 0xc0, 0x80, 0xc2, 0x43, 0xe0, 0x80, 0x80, 0xe0, 0xa0, 0x44),
  b(0xed, 0xa0, 0x80, 0x45, 0xf0, 0x80, 0x80, 0x80, 0xf4, 0x90, 0x80, 0x80, 0xf5, 0xff, 0x46),
  b(0x47, 0xf0, 0x9f, 0x98),
  b(0x48, 0xe2, 0x9c),
  b(0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0x49),
];

function awkwardCapture(): string {
  const procs = AWKWARD.map((name, i) => ({ ...CAT, tid: 200 + i, pid: 200 + i, comm: name as unknown as string, exe: name as unknown as string, args: ['a"b', 'c\nd'] }));
  const w = base({
    procs: [CAT, ...procs],
    fds: AWKWARD.map((name, i) => ({ fd: 10 + i, type: FD.FILE, name: name as unknown as string })),
  });
  const ev = new Events(w);
  AWKWARD.forEach((name, i) => {
    ev.add(6, [P.i64(10 + i), P.u32(64)]);
    ev.add(7, [P.i64(name.length), name]);
    ev.add(198, [P.u32(1000)], 200 + i);
  });
  ev.add(5, [P.i64(-2)]);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'quarry-line-')), 'awkward.scap');
  fs.writeFileSync(file, w.bytes());
  return file;
}

describe('assembly / format / pipeline-line: the core renders pipeline lines as the host does', () => {
  const file = awkwardCapture();
  for (const [name, cfg] of SHAPES) {
    it(`${name}: awkward strings and buffers, byte for byte`, async () => { same(await lines(file, cfg)); });
  }

  it('invalid UTF-8 becomes U+FFFD and control characters are escaped, as JSON.stringify does', async () => {
    const { core } = await lines(file, { format: 'json', fields: ['proc.name'] });
    const names = core.map((l) => JSON.parse(l.toString('utf8'))['proc.name']);
    assert.ok(names.includes('quo"te back\\slash'));
    assert.ok(names.includes('A\ufffdB\ufffd\ufffd\ufffdC\ufffd\ufffd\ufffd\ufffdD'));
    assert.ok(names.includes('\ufffd\ufffd\ufffdE\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffdF'));
    assert.ok(names.includes('G\ufffd'));
    assert.ok(names.includes('bom'));
    assert.ok(core.some((l) => l.includes('"\\u0001\\b\\t\\n\\f\\r\\u001b\\u001f \x7f"')));
  });

  it('evt.buffer is a JSON object of byte values, as JSON.stringify writes a Uint8Array', async () => {
    const { core } = await lines(file, { format: 'json', fields: ['evt.type', 'evt.buffer'] });
    assert.ok(core.some((l) => l.toString() === '{"evt.type":"read","evt.buffer":{"0":71,"1":240,"2":159,"3":152}}'));
  });

  const traces = fs.existsSync(tracesDir) ? fs.readdirSync(tracesDir).filter((f) => f.endsWith('.scap')) : [];
  for (const t of traces) {
    it(`${t}: every shape, byte for byte`, async () => {
      for (const [, cfg] of SHAPES) same(await lines(path.join(tracesDir, t), cfg));
    });
  }

  it('fields of double type are left to the host (no core line)', () => {
    assert.equal(compileOutput({ format: 'json', fields: ['evt.num', 'thread.cpu'] }).line, undefined);
    assert.equal(compileOutput({ format: 'json', fields: ['evt.num', 'evt.rawarg.res'] }).line, undefined);
    assert.deepEqual(compileOutput({ format: 'json', fields: ['evt.num', 'proc.name'] }).line,
      { json: true, parts: [{ literal: '{"evt.num":' }, { field: 'evt.num' }, { literal: ',"proc.name":' }, { field: 'proc.name' }, { literal: '}' }] });
  });
});
