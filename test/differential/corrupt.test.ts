// SPDX-License-Identifier: Apache-2.0
// Damaged captures. For each real trace (decompressed into a temp file):
//  - in process, a cut at every block boundary (every 8th for traces over 2000 blocks) and a
//    cut inside every 97th block: the output is exactly the bytes printed for the blocks
//    before the cut, and a mid-block cut is reported as an error naming a byte offset;
//  - as a CLI run, a sample of cuts and 50 seeded random byte flips: bounded time, exit 0 or
//    exactly one stderr line naming the file and an offset, no stack trace, and stdout that
//    starts with everything printed for the blocks before the damage.
// Plus: missing file, a file that is not a capture, an empty file, a directory.
import { describe, it, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  quarry, traceFiles, tracesMissing, TRACES_SKIP, tmpDir, readCapture, blockOffsets, firstDiff, RunResult,
} from '../util/run';
import { loadCore, CoreExports } from '../../host/core/wasm';
import { scanFile } from '../../host/sources/file';
import { configureCore } from '../../host/cli/read';
import { parseOptions } from '../../host/cli/options';

const TIME_LIMIT_MS = 10000;
const FLIPS = 50;        // per trace, in process; the first CLI_FLIPS of them also as CLI runs
const CLI_FLIPS = 5;
const MAX_CUTS = 150;    // block-boundary cuts per trace (every boundary when the trace has fewer blocks)
const ARGS = ['-D'];

/** xorshift32: the same flips on every run */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 0x100000000; };
}

/** the seeded flips of a trace: same positions on every run */
function flips(t: { raw: Buffer }, n: number): { at: number; bit: number }[] {
  const rand = rng(0x5eed + t.raw.length);
  return Array.from({ length: n }, () => ({ at: Math.floor(rand() * t.raw.length), bit: 1 << Math.floor(rand() * 8) }));
}

function newCore(file: string): CoreExports {
  const core = loadCore();
  configureCore(core, parseOptions(['-r', file, ...ARGS]), false);
  return core;
}

/** Output bytes printed after each block when the capture is fed one block at a time. */
function outputAfterEachBlock(raw: Buffer, blocks: { off: number; len: number }[]): { out: Buffer; after: number[] } {
  const core = newCore('x');
  const chunks: Buffer[] = [];
  let total = 0;
  const after: number[] = [];
  for (const b of blocks) {
    if (b.len > core.inputCap()) core.growInput(b.len + 1024, 0);
    new Uint8Array(core.memory.buffer, core.inputPtr(), b.len).set(raw.subarray(b.off, b.off + b.len));
    const used = core.scan(b.len, 0);
    assert.equal(used, b.len, `block at ${b.off} not consumed whole`);
    assert.equal(core.errorCode(), 0, `error on the intact capture at block ${b.off}`);
    const n = core.outputLen();
    if (n) { chunks.push(Buffer.from(new Uint8Array(core.memory.buffer, core.outputPtr(), n))); total += n; core.outputReset(); }
    after.push(total);
  }
  return { out: Buffer.concat(chunks), after };
}

/** Reads a file through the host source in process: the bytes printed and the error, if any. */
async function readInProcess(file: string): Promise<{ out: Buffer; err: string | null }> {
  const core = newCore(file);
  const chunks: Buffer[] = [];
  const drain = () => {
    const n = core.outputLen();
    if (n) { chunks.push(Buffer.from(new Uint8Array(core.memory.buffer, core.outputPtr(), n))); core.outputReset(); }
  };
  let err: string | null = null;
  try { await scanFile(file, core, drain); } catch (e) { err = (e as Error).message; }
  return { out: Buffer.concat(chunks), err };
}

interface Trace { name: string; file: string; raw: Buffer; blocks: { off: number; type: number; len: number }[]; out: Buffer; after: number[] }

/** bytes printed for the blocks wholly before offset off */
function prefixBefore(t: Trace, off: number): Buffer {
  let i = -1;
  for (let k = 0; k < t.blocks.length; k++) { if (t.blocks[k].off + t.blocks[k].len <= off) i = k; else break; }
  return t.out.subarray(0, i < 0 ? 0 : t.after[i]);
}

function checkCliRun(r: RunResult, file: string, what: string): void {
  const err = r.stderr.toString();
  assert.equal(r.timedOut, false, `${what}: did not finish within ${TIME_LIMIT_MS} ms`);
  assert.doesNotMatch(err, /RuntimeError|wasm|\n\s+at |internal error/i, `${what}: stderr ${JSON.stringify(err)}`);
  if (r.code === 0) {
    assert.equal(err, '', `${what}: exit 0 but stderr ${JSON.stringify(err)}`);
  } else {
    assert.equal(r.code, 1, `${what}: exit code ${r.code}, stderr ${JSON.stringify(err)}`);
    const lines = err.split('\n').filter((l) => l.length);
    assert.equal(lines.length, 1, `${what}: stderr should be one line: ${JSON.stringify(err)}`);
    assert.ok(lines[0].includes(file), `${what}: stderr does not name the file: ${lines[0]}`);
    assert.match(lines[0], /offset \d+/, `${what}: stderr does not name a byte offset: ${lines[0]}`);
  }
}

async function pool<T>(items: T[], width: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => { while (next < items.length) await fn(items[next++]); }));
}

describe('differential / corrupt: damaged captures', () => {
  describe('real traces, cut and flipped', { skip: tracesMissing ? TRACES_SKIP : false }, () => {
    let dir = '';
    const traces: Trace[] = [];
    before(() => {
      dir = tmpDir('quarry-corrupt-');
      for (const f of traceFiles()) {
        const raw = readCapture(f);
        const blocks = blockOffsets(raw);
        const name = path.basename(f);
        const file = path.join(dir, name);
        fs.writeFileSync(file, raw);
        const { out, after } = outputAfterEachBlock(raw, blocks);
        traces.push({ name, file, raw, blocks, out, after });
      }
    });
    after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

    for (const f of traceFiles()) {
      const name = path.basename(f);
      const T = () => traces.find((t) => t.name === name)!;

      it(`${name} / block framing covers the whole file and the streamed output equals one CLI run`, async () => {
        const t = T();
        const last = t.blocks[t.blocks.length - 1];
        assert.equal(last.off + last.len, t.raw.length);
        const full = await quarry(['-r', t.file, ...ARGS]);
        assert.equal(full.code, 0);
        const d = firstDiff(full.stdout, t.out, ['cli', 'streamed']);
        if (d) assert.fail(d);
      });

      it(`${name} / cut at block boundaries and inside blocks (in process)`, async () => {
        const t = T();
        const cutFile = path.join(dir, 'cut-' + name);
        const stride = Math.max(1, Math.ceil(t.blocks.length / MAX_CUTS));
        const cuts: { at: number; mid: boolean }[] = [];
        for (let i = 1; i < t.blocks.length; i += stride) cuts.push({ at: t.blocks[i].off, mid: false });
        for (let i = 0; i < t.blocks.length; i += Math.max(1, Math.ceil(t.blocks.length / 20))) {
          const b = t.blocks[i];
          cuts.push({ at: b.off + 4, mid: true }, { at: b.off + Math.max(9, b.len >> 1), mid: true });
        }
        for (const c of cuts) {
          fs.writeFileSync(cutFile, t.raw.subarray(0, c.at));
          const r = await readInProcess(cutFile);
          const want = prefixBefore(t, c.at);
          const d = firstDiff(want, r.out, ['intact prefix', `cut at ${c.at}`]);
          if (d) assert.fail(`cut at ${c.at}: ${d}`);
          if (c.mid) {
            assert.ok(r.err, `cut at ${c.at} inside a block was not reported`);
            assert.ok(r.err!.includes(cutFile) && /offset \d+/.test(r.err!), `cut at ${c.at}: ${r.err}`);
          } else {
            assert.equal(r.err, null, `cut at block boundary ${c.at} reported an error`);
          }
        }
      });

      // 502Error.scap has v1 event blocks: a flip in the type's high byte makes a type beyond
      // the event table, which the core skips as sysdig does (see reader.test.ts)
      it(`${name} / ${FLIPS} seeded byte flips (in process)`, { timeout: 300000 }, async () => {
        const t = T();
        const file = path.join(dir, 'flip-' + name);
        const failures: string[] = [];
        for (const f of flips(t, FLIPS)) {
          const data = Buffer.from(t.raw);
          data[f.at] ^= f.bit;
          fs.writeFileSync(file, data);
          const t0 = Date.now();
          let r: { out: Buffer; err: string | null };
          try {
            r = await readInProcess(file);
          } catch (e) {
            failures.push(`flip bit ${f.bit} at ${f.at}: ${(e as Error).message}`);
            continue;
          }
          const what = `flip bit ${f.bit} at ${f.at}`;
          if (Date.now() - t0 > TIME_LIMIT_MS) failures.push(`${what}: took ${Date.now() - t0} ms`);
          if (r.err !== null && !(r.err.includes(file) && /offset \d+/.test(r.err))) failures.push(`${what}: error ${r.err}`);
          const want = prefixBefore(t, f.at);
          const d = firstDiff(want, r.out.subarray(0, want.length), ['intact prefix', what]);
          if (d) failures.push(`${what}: ${d}`);
        }
        if (failures.length) assert.fail(`${failures.length} of ${FLIPS} flips failed; first: ${failures.slice(0, 3).join('\n---\n')}`);
      });

      it(`${name} / CLI: sample of cuts and ${CLI_FLIPS} seeded byte flips`, async () => {
        const t = T();
        const jobs: { what: string; data: Buffer; prefix: Buffer; exact: boolean }[] = [];
        const nb = t.blocks.length;
        const pick = new Set<number>([1, Math.floor(nb / 2), nb - 1]);
        for (const i of [...pick].filter((i) => i > 0 && i < nb).sort((a, b) => a - b)) {
          const at = t.blocks[i].off;
          jobs.push({ what: `cut at block boundary ${at}`, data: t.raw.subarray(0, at), prefix: prefixBefore(t, at), exact: true });
          const mid = at + Math.floor(t.blocks[i].len / 2);
          jobs.push({ what: `cut inside block at ${mid}`, data: t.raw.subarray(0, mid), prefix: prefixBefore(t, mid), exact: true });
        }
        for (const { at, bit } of flips(t, CLI_FLIPS)) {
          const data = Buffer.from(t.raw);
          data[at] ^= bit;
          jobs.push({ what: `flip bit ${bit} at ${at}`, data, prefix: prefixBefore(t, at), exact: false });
        }
        const failures: string[] = [];
        let seq = 0;
        await pool(jobs, Math.max(1, Math.min(4, os.cpus().length)), async (j) => {
          const file = path.join(dir, `job-${seq++}-${name}`);
          fs.writeFileSync(file, j.data);
          const r = await quarry(['-r', file, ...ARGS], { timeoutMs: TIME_LIMIT_MS });
          try {
            checkCliRun(r, file, j.what);
            if (j.exact) {
              const d = firstDiff(j.prefix, r.stdout, ['intact prefix', j.what]);
              if (d) assert.fail(d);
              assert.equal(r.code, j.what.startsWith('cut at block') ? 0 : 1, `${j.what}: exit code`);
            } else {
              const head = r.stdout.subarray(0, j.prefix.length);
              const d = firstDiff(j.prefix, head, ['intact prefix', j.what]);
              if (d) assert.fail(d);
            }
          } catch (e) {
            failures.push(`${j.what}: ${(e as Error).message}`);
          } finally {
            fs.rmSync(file, { force: true });
          }
        });
        if (failures.length) assert.fail(`${failures.length} of ${jobs.length} runs failed; first: ${failures.slice(0, 3).join('\n---\n')}`);
      });
    }
  });

  describe('files that are not readable captures', () => {
    let dir = '';
    before(() => { dir = tmpDir('quarry-bad-'); });
    after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

    it('missing file: "can\'t open file X", exit 1', async () => {
      const f = path.join(dir, 'nope.scap');
      const r = await quarry(['-r', f], { timeoutMs: TIME_LIMIT_MS });
      assert.deepEqual([r.code, r.stdout.toString(), r.stderr.toString()], [1, '', `can't open file ${f}\n`]);
    });
    it('a text file: exit 1, one line naming the file and offset 0', async () => {
      const f = path.join(dir, 'text.scap');
      fs.writeFileSync(f, 'hello, this is not a capture\n');
      const r = await quarry(['-r', f], { timeoutMs: TIME_LIMIT_MS });
      assert.deepEqual([r.code, r.stdout.toString(), r.stderr.toString()],
        [1, '', `${f}: not a capture file (no section header block) at byte offset 0\n`]);
    });
    it('a gzip file holding text: exit 1, one line naming the file', async () => {
      const f = path.join(dir, 'text.scap.gz');
      fs.writeFileSync(f, require('zlib').gzipSync(Buffer.from('not a capture, compressed\n'.repeat(10))));
      const r = await quarry(['-r', f], { timeoutMs: TIME_LIMIT_MS });
      checkCliRun(r, f, 'gzip text');
      assert.equal(r.code, 1);
    });
    it('a directory: exit 1, one line naming it', async () => {
      const r = await quarry(['-r', dir], { timeoutMs: TIME_LIMIT_MS });
      assert.deepEqual([r.code, r.stdout.toString(), r.stderr.toString()], [1, '', `can't open file ${dir}: is a directory\n`]);
    });
    it('an empty file: exit 1 with one stderr line naming the file (sysdig: "error reading from file")',
async () => {
        const f = path.join(dir, 'empty.scap');
        fs.writeFileSync(f, '');
        const r = await quarry(['-r', f], { timeoutMs: TIME_LIMIT_MS });
        assert.equal(r.code, 1);
        checkCliRun(r, f, 'empty file');
      });
    it('fewer than 8 bytes: exit 1, one line naming the file and an offset', async () => {
      const f = path.join(dir, 'short.scap');
      fs.writeFileSync(f, Buffer.from([0x0a, 0x0d, 0x0d]));
      const r = await quarry(['-r', f], { timeoutMs: TIME_LIMIT_MS });
      checkCliRun(r, f, 'short file');
      assert.equal(r.code, 1);
    });
    it('a section header with major version 2: exit 1, one line', async () => {
      const b = Buffer.alloc(28);
      b.writeUInt32LE(0x0a0d0d0a, 0); b.writeUInt32LE(28, 4); b.writeUInt32LE(0x1a2b3c4d, 8);
      b.writeUInt16LE(2, 12); b.writeBigInt64LE(-1n, 16); b.writeUInt32LE(28, 24);
      const f = path.join(dir, 'v2.scap');
      fs.writeFileSync(f, b);
      const r = await quarry(['-r', f], { timeoutMs: TIME_LIMIT_MS });
      checkCliRun(r, f, 'major version 2');
      assert.equal(r.code, 1);
    });
  });
});
