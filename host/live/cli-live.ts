// SPDX-License-Identifier: Apache-2.0
// `quarry -w FILE` (no -r): capture live into a scap file, with sysdig's -z -s -n -M -C -G -W -e -D
// -v -S meanings. SIGINT/SIGTERM stop the capture; every file is flushed and closed before exit.
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from '../cli/args';
import { QuarryError } from '../core/types';
import { openLiveCapture, LiveCapture } from './capture';
import { scanAll } from './procscan';
import { RotatingWriter } from '../scap/rotate';
import { DirectScapWriter } from '../scap/writer';
import { fileHeader } from '../scap/blocks';
import { TypeTally, cutBlocksAtDuration } from '../scap/evblocks';
import { summarySlots, summaryTable } from '../cli/summary';
import { EVENTS } from '../filter/events';

export interface LiveOptions {
  writeFile?: string;
  compress: boolean;
  snaplen: number;
  numEvents: number;
  seconds: number;      // -M
  sizeMB: number;       // -C
  rotateSecs: number;   // -G
  fileLimit: number;    // -W
  eventLimit: number;   // -e
  verbose: boolean;
  summary: boolean;
  debug: boolean;
  ringBytes?: number;
}

function positive(v: string | undefined, err: string): number {
  const n = Number((v ?? '').trim());
  if (!/^\s*\d+\s*$/.test(v ?? '') || n <= 0) throw new QuarryError(err);
  return n;
}

export function parseLiveOptions(argv: string[]): LiveOptions {
  const o: LiveOptions = {
    compress: false, snaplen: 80, numEvents: 0, seconds: 0, sizeMB: 0, rotateSecs: 0, fileLimit: 0,
    eventLimit: 0, verbose: false, summary: false, debug: false,
  };
  for (const { key, value } of parseArgs(argv).opts) {
    switch (key) {
      case 'w': o.writeFile = value; break;
      case 'z': o.compress = true; break;
      case 's': o.snaplen = positive(value, `invalid snaplen ${value}`); break;
      case 'n': o.numEvents = positive(value, value === '0' ? 'invalid event count 0' : "can't parse the -n argument, make sure it's a number"); break;
      case 'M': o.seconds = positive(value, `invalid duration${value}`); break;
      case 'C': o.sizeMB = positive(value, `invalid file size${value}`); break;
      case 'G': o.rotateSecs = positive(value, `invalid duration${value}`); break;
      case 'W': o.fileLimit = positive(value, `invalid file limit${value}`); break;
      case 'e': o.eventLimit = positive(value, `invalid event limit${value}`); break;
      case 'v': o.verbose = true; break;
      case 'S': o.summary = true; break;
      case 'D': o.debug = true; break;
      case 'ring-bytes': o.ringBytes = Number(value); break;
    }
  }
  if (process.env.QUARRY_RING_BYTES) o.ringBytes = Number(process.env.QUARRY_RING_BYTES);
  return o;
}

/** The /proc scan, taken once: every rotated file starts with the state at capture start (a scan
 * per file would take about a second each, far too slow for -e/-C rotation). */
function cachedScan(): () => ReturnType<typeof scanAll> {
  let snap: ReturnType<typeof scanAll> | undefined;
  return () => (snap ??= scanAll());
}

/** Runs a live capture to -w; returns the exit code. */
export async function liveMain(argv: string[]): Promise<number> {
  const o = parseLiveOptions(argv);
  if (!o.writeFile) throw new QuarryError('live capture without -w needs the core; use -w FILE');
  const t0 = process.cpuUsage();
  let cap: LiveCapture;
  try {
    // smaller batches when rotating, so a stop or a slow disk is noticed between rotations
    const rotating = o.sizeMB || o.rotateSecs || o.eventLimit;
    cap = openLiveCapture({ snaplen: o.snaplen, debug: o.debug, ringBytes: o.ringBytes, batchBytes: rotating ? 256 << 10 : undefined });
  } catch (e) {
    if (e instanceof QuarryError) throw e;
    throw new QuarryError(`quarry: ${(e as Error).message}`);
  }
  // Plain -w (no -z, rotation, -M or -S): a thread of the addon drains the rings as framed events
  // and appends them to the file, with no JavaScript per batch.
  if (!o.compress && !o.sizeMB && !o.rotateSecs && !o.eventLimit && !o.seconds && !o.summary)
    return directCapture(o, cap, t0);
  const writer = new RotatingWriter({
    file: o.writeFile, compress: o.compress, sizeMB: o.sizeMB, seconds: o.rotateSecs,
    fileLimit: o.fileLimit, eventLimit: o.eventLimit, snapshot: cachedScan(),
  });
  const stopNow = () => { void cap.stop(); };
  process.once('SIGINT', stopNow);
  process.once('SIGTERM', stopNow);
  const tally = new TypeTally(EVENTS.length, summarySlots());
  let captured = 0;
  let first: bigint | undefined;
  const left = () => (o.numEvents ? o.numEvents - captured : 0xffffffff);
  try {
    // events come framed as blocks by the addon; JavaScript only reads the few header fields that
    // -M, -S and rotation need
    for await (const batch of cap.blockBatches(left)) {
      let blocks = batch.blocks, count = batch.count;
      if (o.seconds) {
        const cut = cutBlocksAtDuration(blocks, count, first, o.seconds);
        first = cut.first;
        if (cut.count < count) { count = cut.count; blocks = blocks.subarray(0, cut.end); void cap.stop(); }
      }
      writer.writeBlocks(blocks, count);
      if (o.summary) tally.add(blocks, count);
      captured += count;
      if ((o.numEvents && captured >= o.numEvents) || writer.done) void cap.stop();
      await writer.drain();
    }
  } finally {
    process.removeListener('SIGINT', stopNow);
    process.removeListener('SIGTERM', stopNow);
    await cap.stop();
    await writer.close();
  }
  if (o.verbose) printVerbose(cap, t0, captured);
  if (o.summary) process.stdout.write(summaryTable(tally.counts.length, (i) => tally.counts[i]));
  return 0;
}

/** -v: sysdig's driver summary, on stderr. */
export function printVerbose(cap: LiveCapture, t0: NodeJS.CpuUsage, captured: number): void {
  const st = cap.stats();
  const u = process.cpuUsage(t0);
  const secs = (u.user + u.system) / 1e6;
  process.stderr.write(`Driver Events:${st.events}\nDriver Drops:${st.drops}\nSuppressed by Comm:0\n` +
    `Elapsed time: ${secs.toFixed(3)}, Captured Events: ${captured}, ${(secs > 0 ? captured / secs : 0).toFixed(2)} eps\n`);
}

async function directCapture(o: LiveOptions, cap: LiveCapture, t0: NodeJS.CpuUsage): Promise<number> {
  let writer: DirectScapWriter;
  try {
    writer = new DirectScapWriter(o.writeFile!, fileHeader(scanAll()));
  } catch (e) {
    await cap.stop();
    throw e;
  }
  const stopNow = () => { void cap.stop(); };
  process.once('SIGINT', stopNow);
  process.once('SIGTERM', stopNow);
  let captured = 0;
  try {
    // the addon's thread drains the rings and appends to the file until stop() (or -n events)
    const { events, bytes } = await cap.writeTo(writer.fd, o.numEvents).catch((e: Error) => {
      throw new QuarryError(`quarry: cannot write ${o.writeFile}: ${e.message}`);
    });
    writer.appended(bytes, events);
    captured = events;
  } finally {
    process.removeListener('SIGINT', stopNow);
    process.removeListener('SIGTERM', stopNow);
    await cap.stop();
    writer.close();
  }
  if (o.verbose) printVerbose(cap, t0, captured);
  return 0;
}
