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
}

export const CORE_PATH = path.join(__dirname, '..', '..', '..', 'build', 'core.wasm');

let compiled: WebAssembly.Module | null = null;

/** Instantiates a fresh core (each capture gets its own state). */
export function loadCore(inputSize = 8 << 20): CoreExports {
  if (!compiled) compiled = new WebAssembly.Module(fs.readFileSync(CORE_PATH));
  const inst = new WebAssembly.Instance(compiled, {
    env: {
      abort: () => { throw new Error('core abort'); },
      seed: () => Date.now(),
    },
  });
  const core = inst.exports as unknown as CoreExports;
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
