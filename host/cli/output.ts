// SPDX-License-Identifier: Apache-2.0
// Writes the core's output region to stdout synchronously (no JS string per line).
import * as fs from 'fs';
import { CoreExports, Core } from '../core/wasm';

export function writeAll(fd: number, buf: Uint8Array): void {
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      if (code === 'EPIPE') process.exit(0);
      throw e;
    }
  }
}

export function drainTo(core: CoreExports, fd: number): () => void {
  return () => {
    const n = core.outputLen();
    if (n > 0) {
      writeAll(fd, new Uint8Array(core.memory.buffer, core.outputPtr(), n));
      core.outputReset();
    }
  };
}

/**
 * Copy-records mode (core.setCopyRecords): the output region holds each event that passed the
 * filter as a scap event block; hand them to a capture writer (which copies them) and reset.
 */
export function drainRecords(core: Core, writer: { writeBlocks(blocks: Uint8Array, count: number): void }): void {
  const n = core.outputLen();
  if (!n) return;
  const count = core.copiedRecords();
  writer.writeBlocks(new Uint8Array(core.memory.buffer, core.outputPtr(), n), count);
  core.outputReset();
}
