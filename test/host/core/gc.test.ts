// SPDX-License-Identifier: Apache-2.0
// The core runs AssemblyScript's minimal runtime, whose collector runs only when the core calls it
// (at the top of host calls, every 100k events or when the heap grew). A long capture must leave
// the core's memory where a short one leaves it: 502Error.scap's event blocks fed again and again
// (4 M events) to one core. Without collections the garbage of 4 M events grows the memory past
// 64 MiB.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { loadCore } from '../../../host/core/wasm';
import { Feeder } from '../../../host/sources/file';
import { readCapture, blockOffsets, tracesDir, tracesMissing, TRACES_SKIP } from '../../util/run';

const EVENT_BLOCKS = new Set([0x204, 0x8010abcd, 0x216, 0x221, 0x208, 0x217, 0x222]);
const MiB = 1 << 20;

function feedRepeated(args: { quiet: boolean }, events: number): { read: number; memory: number; first: number } {
  const raw = readCapture(path.join(tracesDir, '502Error.scap'));
  const first = blockOffsets(raw).find((b) => EVENT_BLOCKS.has(b.type))!.off;
  const core = loadCore();
  core.configure(0, 0, 0, 0, 0, 0, 80, args.quiet ? 1 : 0);
  const feeder = new Feeder(core, () => { core.outputReset(); }, '502Error.scap (repeated)');
  feeder.push(raw);
  const afterFirst = core.memory.buffer.byteLength;
  const body = raw.subarray(first);
  while (core.readEvents() < events) feeder.push(body);
  feeder.push(new Uint8Array(0), true);
  assert.equal(core.errorCode(), 0);
  return { read: core.readEvents(), memory: core.memory.buffer.byteLength, first: afterFirst };
}

test('core > garbage is collected during a long capture: memory after 4 M events stays as after the first 22 k', { skip: tracesMissing ? TRACES_SKIP : false }, () => {
  for (const quiet of [true, false]) {
    const r = feedRepeated({ quiet }, 4_000_000);
    assert.ok(r.read >= 4_000_000, `read ${r.read}`);
    assert.ok(r.memory <= Math.max(r.first, 40 * MiB), `${quiet ? '-q' : 'default output'}: memory ${r.memory / MiB} MiB after ${r.read} events, ${r.first / MiB} MiB after the first file`);
  }
});
