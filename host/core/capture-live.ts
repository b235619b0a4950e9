// SPDX-License-Identifier: Apache-2.0
// The Capture API over a live probe (chisels on a running machine): the same core and queries
// as files; the header blocks come from a /proc scan, then each drained batch of records.
// It runs until SIGINT/SIGTERM or until a chisel ends the capture.
import * as os from 'os';
import { Core } from './wasm';
import { FileCapture } from './capture';
import { Drain, Feeder } from '../sources/file';
import { openLiveCapture, LiveCapture } from '../live/capture';
import { scanAll } from '../live/procscan';
import { selectionForCore } from '../live/syscalls';
import { fileHeader } from '../scap/blocks';

export class LiveCoreCapture extends FileCapture {
  constructor(private readonly snaplen = 80, private readonly debug = false, private readonly ringBytes?: number) {
    super('');
    this.machine = { numCpus: os.cpus().length, memorySizeBytes: BigInt(os.totalmem()), maxPid: 0n, hostname: os.hostname() };
  }

  get isLive(): boolean { return true; }

  private live?: LiveCapture;
  protected probeDrops(): number { return this.live?.stats().drops ?? 0; }

  async open(): Promise<void> {
    this.machine = { numCpus: os.cpus().length, memorySizeBytes: BigInt(os.totalmem()), maxPid: 0n, hostname: os.hostname() };
  }

  protected async feed(core: Core, drain: Drain, afterPump: () => Promise<void>, signal?: AbortSignal): Promise<void> {
    // the probe is asked only for what the engine filter or the queries can need (host/live/syscalls)
    const cap = openLiveCapture({ snaplen: this.snaplen, debug: this.debug, ringBytes: this.ringBytes, ...selectionForCore(core) });
    this.live = cap;
    const stop = () => { void cap.stop(); };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    signal?.addEventListener('abort', stop);
    const feeder = new Feeder(core, drain, '<live>');
    try {
      for (const b of fileHeader(scanAll())) feeder.push(b);
      await feeder.feedInPlace(cap, afterPump);
      await feeder.pumpAll(true, afterPump);
    } finally {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      await cap.stop();
    }
  }
}
