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
 * Copy-records mode (core.setCopyRecords): the output region holds [u16 cpu][u16 0][v2 record]
 * for each event that passed the filter; hand them to a capture writer and reset the region.
 */
export function drainRecords(core: Core, writer: { writeEvents(records: Uint8Array, cpus?: Uint16Array): void }): void {
  const n = core.outputLen();
  if (!n) return;
  const mem = new Uint8Array(core.memory.buffer, core.outputPtr(), n);
  const dv = new DataView(mem.buffer, mem.byteOffset, n);
  const cpus: number[] = [];
  const parts: Uint8Array[] = [];
  for (let p = 0; p + 4 <= n;) {
    const len = dv.getUint32(p + 4 + 16, true);
    cpus.push(dv.getUint16(p, true));
    parts.push(mem.slice(p + 4, p + 4 + len));
    p += 4 + len;
  }
  core.outputReset();
  writer.writeEvents(Buffer.concat(parts), Uint16Array.from(cpus));
}
