// SPDX-License-Identifier: Apache-2.0
// The capture-file source: plain and gzip inputs (hand-built headers, several members)
// must all print the same lines.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'path';
import * as zlib from 'zlib';
import { base, Events, check, writeCapture, P } from '../../util/fixture';
import { gzipMember } from '../../util/scapwriter';
import { quarry, sysdig, sysdigMissing, firstDiff, traceFiles, tracesMissing, TRACES_SKIP, readCapture } from '../../util/run';

function smallCapture(): Buffer {
  const w = base();
  const ev = new Events(w);
  for (let i = 0; i < 40; i++) {
    ev.add(6, [P.i64(3), P.u32(i)]).add(7, [P.i64(i), P.buf('x'.repeat(i))]);
  }
  return w.bytes();
}

/** splits data at the given offsets into separate gzip members */
function multiMember(data: Buffer, cuts: number[]): Buffer {
  const pts = [0, ...cuts, data.length];
  const members: Buffer[] = [];
  for (let i = 0; i + 1 < pts.length; i++) members.push(gzipMember(data.subarray(pts[i], pts[i + 1]), { fname: `part${i}` }));
  return Buffer.concat(members);
}

function variants(raw: Buffer): [string, Buffer][] {
  return [
    ['plain', raw],
    ['gzip (zlib.gzipSync)', zlib.gzipSync(raw)],
    ['gzip with FNAME and FCOMMENT headers', gzipMember(raw, { fname: 'capture.scap', comment: 'made by the quarry tests', mtime: 1700000000 })],
    ['multi-member gzip, cut mid-block', multiMember(raw, [7, Math.floor(raw.length / 3), Math.floor(raw.length / 2) + 1])],
    ['gzip member holding nothing, then the capture', Buffer.concat([gzipMember(Buffer.alloc(0)), gzipMember(raw)])],
  ];
}

async function sameForAll(raw: Buffer, args: string[] = []): Promise<void> {
  const plain = await quarry(['-r', writeCapture(raw, 'plain'), ...args]);
  assert.equal(plain.code, 0, plain.stderr.toString());
  assert.ok(plain.stdout.length > 0);
  for (const [name, data] of variants(raw)) {
    const f = writeCapture(data, 'gz');
    const q = await quarry(['-r', f, ...args]);
    assert.equal(q.code, 0, `${name}: ${q.stderr}`);
    const d = firstDiff(plain.stdout, q.stdout, ['plain', name]);
    if (d) assert.fail(d);
    if (!sysdigMissing) {
      const s = await sysdig(['-r', f, ...args]);
      const ds = firstDiff(s.stdout, q.stdout);
      if (ds) assert.fail(`${name}: ${ds}`);
    }
  }
}

describe('host / sources / file: plain and gzip captures', () => {
  it('test capture: plain, gzip, FNAME+FCOMMENT, multi-member and empty-member all print the same lines', async () => {
    await sameForAll(smallCapture());
  });

  it('real trace (502Error.scap): every variant prints the same lines', { skip: tracesMissing ? TRACES_SKIP : false }, async () => {
    const f = traceFiles().find((x) => path.basename(x) === '502Error.scap') ?? traceFiles()[0];
    await sameForAll(readCapture(f), ['-n', '3000']);
  });

  it('real gzip traces decompressed to plain print the same lines as the original', { skip: tracesMissing ? TRACES_SKIP : false }, async () => {
    for (const f of traceFiles()) {
      const [a, b] = await Promise.all([quarry(['-r', f, '-D']), quarry(['-r', writeCapture(readCapture(f), 'dec'), '-D'])]);
      const d = firstDiff(a.stdout, b.stdout, [path.basename(f), 'decompressed']);
      if (d) assert.fail(d);
    }
  });

  it('blocks straddling the 4 MiB read chunks (plain and gzip)', async () => {
    const w = base();
    const ev = new Events(w);
    for (let i = 0; i < 160; i++) ev.add(7, [P.i64(60000), Buffer.alloc(60000 + (i % 7), 0x41 + (i % 26))]);
    const raw = w.bytes();
    await check(raw);
    await check(writeCapture(zlib.gzipSync(raw), 'big'));
  });

  it('gzip with damaged compressed data: exit 1, one stderr line naming the file', async () => {
    const gz = zlib.gzipSync(smallCapture());
    gz[Math.floor(gz.length / 2)] ^= 0xff;
    const f = writeCapture(gz, 'badgz');
    const q = await quarry(['-r', f], { timeoutMs: 10000 });
    assert.equal(q.code, 1);
    const err = q.stderr.toString();
    assert.equal(err.split('\n').filter((l) => l).length, 1, err);
    assert.ok(err.includes(f), err);
    assert.doesNotMatch(err, /RuntimeError|wasm|\n\s+at /);
  });
});
