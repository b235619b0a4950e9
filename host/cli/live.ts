// SPDX-License-Identifier: Apache-2.0
// `quarry` without -r: live capture. Events go through the same core as files: a /proc scan
// becomes the header blocks (process, fd, user and interface tables), then each drained batch
// of probe records is framed as event blocks and fed in, so filters, formats and the default
// line behave exactly as with a capture file. `-w FILE` without a filter takes the direct path
// (records to file, no decoding).
import { loadCore } from '../core/wasm';
import { selectionForCore } from '../live/syscalls';
import { Feeder } from '../sources/file';
import { drainTo, drainRecords } from './output';
import { Options } from './options';
import { configureCore, programCore } from './read';
import { openLiveCapture, LiveCapture } from '../live/capture';
import { scanAll } from '../live/procscan';
import { fileHeader } from '../scap/blocks';
import { summaryTable } from './summary';
import { liveMain, printVerbose } from '../live/cli-live';
import { QuarryError } from '../core/types';

export async function runLive(o: Options, argv: string[]): Promise<number> {
  if (o.writeFile) return o.filter.trim() ? runLiveFiltered(o, argv) : liveMain(argv);
  const snaplen = Number(o.other.find((x) => x.key === 's')?.value ?? 80);
  const tty = process.stdout.isTTY === true && o.format === undefined;
  const core = loadCore();
  configureCore(core, o, tty);
  programCore(core, o, tty);
  let cap: LiveCapture;
  try {
    cap = openLiveCapture({ snaplen, debug: o.debug, ...selectionForCore(core) });
  } catch (e) {
    if (e instanceof QuarryError) throw e;
    throw new QuarryError(`quarry: ${(e as Error).message}`);
  }
  const feeder = new Feeder(core, drainTo(core, 1), '<live>');
  const t0 = process.cpuUsage();
  const stop = () => { void cap.stop(); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    for (const b of fileHeader(scanAll())) feeder.push(b);
    // the addon frames the events as blocks straight into the core's input region
    await feeder.feedInPlace(cap);
    feeder.push(new Uint8Array(0), true);
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    await cap.stop();
  }
  if (tty && !o.quiet) process.stdout.write('\x1b[00m');
  if (o.verbose) printVerbose(cap, t0, core.capturedEvents());
  if (o.summary) process.stdout.write(summaryTable(core.countSlots(), (i) => core.countOf(i)));
  return 0;
}

/** `-w FILE` with a filter: events go through the core, and only those that pass are written. */
export async function runLiveFiltered(o: Options, argv: string[]): Promise<number> {
  const { parseLiveOptions } = await import('../live/cli-live');
  const { RotatingWriter } = await import('../scap/rotate');
  const lo = parseLiveOptions(argv);
  const core = loadCore();
  const t0 = process.cpuUsage();
  configureCore(core, { ...o, quiet: false }, false);
  programCore(core, o, false);
  core.setCopyRecords(1);
  let cap: LiveCapture;
  try {
    cap = openLiveCapture({ snaplen: lo.snaplen, debug: lo.debug, ringBytes: lo.ringBytes, ...selectionForCore(core) });
  } catch (e) {
    if (e instanceof QuarryError) throw e;
    throw new QuarryError(`quarry: ${(e as Error).message}`);
  }
  const snap = scanAll();
  const writer = new RotatingWriter({
    file: lo.writeFile!, compress: lo.compress, sizeMB: lo.sizeMB, seconds: lo.rotateSecs,
    fileLimit: lo.fileLimit, eventLimit: lo.eventLimit, snapshot: () => snap,
  });
  const drain = () => drainRecords(core, writer);
  const feeder = new Feeder(core, drain, '<live>');
  const stop = () => { void cap.stop(); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    for (const b of fileHeader(snap)) feeder.push(b);
    await feeder.feedInPlace(cap, async () => { await writer.drain(); return writer.done; });
    feeder.push(new Uint8Array(0), true);
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    await cap.stop();
    await writer.close();
  }
  if (o.verbose) printVerbose(cap, t0, core.capturedEvents());
  if (o.summary) process.stdout.write(summaryTable(core.countSlots(), (i) => core.countOf(i)));
  return 0;
}
