// SPDX-License-Identifier: Apache-2.0
// `quarry -r IN -w OUT [filter]`: rewrites a capture. The input's header blocks (process, fd,
// user and interface tables) are copied as they are, then every event that passes the filter
// is written as an EV_V2 block (sysdig 0.29.3 itself writes files it cannot read back here).
import * as fs from 'fs';
import * as zlib from 'zlib';
import { loadCore } from '../core/wasm';
import { scanFile, isGzip } from '../sources/file';
import { ScapWriter } from '../scap/writer';
import { Options } from './options';
import { configureCore, programCore } from './read';
import { QuarryError } from '../core/types';
import { drainRecords } from './output';

const EVENT_BLOCKS = new Set([0x204, 0x8010abcd, 0x216, 0x221, 0x208, 0x217, 0x222]);

/** The bytes of the file before its first event block (decompressed). */
export function headerBlocks(file: string): Buffer {
  let fd: number;
  try { fd = fs.openSync(file, 'r'); } catch { throw new QuarryError(`can't open file ${file}`); }
  const gz = isGzip(fd);
  fs.closeSync(fd);
  const raw = gz ? zlib.gunzipSync(fs.readFileSync(file), { finishFlush: zlib.constants.Z_SYNC_FLUSH }) : fs.readFileSync(file);
  let p = 0;
  while (p + 8 <= raw.length) {
    const type = raw.readUInt32LE(p);
    const len = raw.readUInt32LE(p + 4);
    if (EVENT_BLOCKS.has(type) || len < 12 || p + len > raw.length) break;
    p += len;
  }
  return Buffer.from(raw.subarray(0, p));
}

export async function rewriteFile(o: Options, out: string, compress: boolean): Promise<number> {
  if (o.readFiles.length !== 1) throw new QuarryError('-w with -r takes one input file');
  const input = o.readFiles[0];
  const writer = new ScapWriter({ file: out, compress, header: [headerBlocks(input)] });
  const core = loadCore();
  configureCore(core, { ...o, quiet: false }, false);
  programCore(core, o, false);
  core.setCopyRecords(1);
  const drain = () => drainRecords(core, writer);
  try {
    await scanFile(input, core, drain);
  } finally {
    await writer.close();
  }
  return 0;
}
