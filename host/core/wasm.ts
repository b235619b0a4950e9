// SPDX-License-Identifier: Apache-2.0
// Loads the Wasm core and gives typed access to its exports and memory regions.
import * as fs from 'fs';
import * as path from 'path';

export interface CoreExports {
  memory: WebAssembly.Memory;
  init(inSize: number): void;
  reset(): void;
  inputPtr(): number;
  inputCap(): number;
  growInput(n: number, keep: number): number;
  configure(timeMode: number, tzOffsetSec: number, tty: number, debug: number, bufFormat: number, json: number, maxBufLen: number, quiet: number): void;
  setMaxEvents(n: number): void;
  outputPtr(): number;
  outputLen(): number;
  outputReset(): void;
  errorCode(): number;
  errorOffset(): number;
  errorBlockType(): number;
  neededBytes(): number;
  isDone(): number;
  capturedEvents(): number;
  readEvents(): number;
  unknownBlockCount(): number;
  unknownBlockType(): number;
  scan(len: number, eof: number): number;
  scanAt(start: number, len: number, eof: number): number;
  consumeInput(n: number, keep: number): void;
}

export const CORE_PATH = path.join(__dirname, '..', '..', '..', 'build', 'core.wasm');

let compiled: WebAssembly.Module | null = null;

/** Instantiates a fresh core (each capture gets its own state). */
export function loadCore(inputSize = 8 << 20): Core {
  if (!compiled) compiled = new WebAssembly.Module(fs.readFileSync(CORE_PATH));
  const inst = new WebAssembly.Instance(compiled, {
    env: {
      abort: () => { throw new Error('core abort'); },
      seed: () => Date.now(),
    },
  });
  const core = inst.exports as unknown as Core;
  (inst.exports._start as () => void)();   // runs the module's top-level initialisers
  core.init(inputSize);
  return core;
}

/** Error codes from assembly/scap/reader.ts. */
export const CORE_ERRORS: Record<number, string> = {
  1: 'not a capture file (no section header block)',
  2: 'corrupted block (bad length or trailer)',
  3: 'corrupted event record',
  4: 'corrupted process, fd or user list',
  5: 'file is truncated',
  6: 'capture format version is newer than this reader supports',
};

/** Program-building exports (see assembly/index.ts). */
export interface CoreProgramExports {
  scratchPtr(size: number): number;
  refNew(fid: number, argKind: number, argNum: number, nameLen: number): number;
  refSetTypeIs(ref: number, t0: number, t1: number): void;
  refSetAround(ref: number, ts: number, delta: number): void;
  filterBegin(): void;
  filterPush(boolop: number): void;
  filterPop(): void;
  filterCheck(boolop: number, ref: number, cmpop: number, ctype: number, special: number): void;
  filterValue(len: number, num: number, numHi: number, numLo: number): void;
  filterEnd(): number;
  setEngineFilter(slot: number): void;
  setDisplayFilter(slot: number): void;
  formatBegin(requireAll: number, json: number): void;
  formatLiteral(len: number): void;
  formatField(ref: number, width: number, key: number): void;
  formatKey(len: number): void;
  formatEnd(): number;
  setOutputFormat(slot: number): void;
  queryNew(filter: number, format: number): number;
  queryField(q: number, ref: number): void;
  /** Pipeline lines: begin (json 1/0), a literal from the scratch region, a field (wide: 64-bit integers stay exact), end (its slot). */
  lineBegin(json: number): void;
  lineLiteral(len: number): void;
  lineField(ref: number, wide: number): void;
  lineEnd(): number;
  /** Ends each row of query q with line `slot` (row kind 7). */
  queryLine(q: number, slot: number): void;
  /** Span mode for query q (assembly/format/spans.ts): times in ns; group 0 none, 1 process, 2 container. */
  querySpans(q: number, minLatency: number, ratio: number, ttl: number, group: number): void;
  /** The ref of span field `i` (SPAN_CORE_FIELDS order) of span query q. */
  querySpanRef(q: number, i: number, ref: number): void;
  /** Marks event type `et` for span query q: 1 not a syscall, 2 a process exit. */
  querySpanMark(q: number, et: number, mark: number): void;
  /** Appends every span query's stats record to the rows region (ends a batch). */
  spanBatchEnd(): void;
  setCounting(on: number): void;
  setCopyRecords(on: number): void;
  /** Filter `slot`'s possible event types (sc: syscall codes of generic events) into the scratch region; 0 = any. */
  filterMask(slot: number, sc: number): number;
  queryCount(): number;
  queryFilter(q: number): number;
  engineFilterSlot(): number;
  /** Copy-records mode: event blocks in the output region since the last outputReset. */
  copiedRecords(): number;
  serviceAdd(port: number, proto: number, nameLen: number): void;
  setResolvePorts(on: number): void;
  evalError(): number;
  evalErrorKind(): number;
  renderErrorType(): number;
  rowsPtr(): number;
  rowsLen(): number;
  rowsReset(): void;
  countOf(i: number): number;
  countSlots(): number;
  queryStopAfter(q: number, n: number): void;
  queryBufFormat(q: number, f: number): void;
  firstEventTsHi(): number;
  firstEventTsLo(): number;
  lastEventTsHi(): number;
  lastEventTsLo(): number;
  machineJson(): void;
  /** filterPlus1: a filter slot + 1 (0: no filter) */
  threadTableJson(withFds: number, filterPlus1?: number): void;
}

export type Core = CoreExports & CoreProgramExports;
