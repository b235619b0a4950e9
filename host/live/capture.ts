// SPDX-License-Identifier: Apache-2.0
// The live source: drains the probe's per-CPU rings into batches of raw scap event records,
// merged in timestamp order. The rings are written without wake-ups, so we poll: straight away
// while there is data, otherwise sleeping 0.5 ms doubling up to 10 ms (a burst of 4 M events/s
// fills an 8 MiB ring in about 35 ms).
import { openNativeProbe, NativeProbe, NativeProbeOptions } from './probe';

export interface LiveCaptureOptions {
  snaplen: number;
  /** Also capture Quarry's own process (sysdig -D). */
  debug: boolean;
  /** Bytes per CPU ring: a power of two, at least a page (default 8 MiB: 32 MiB measured slower). */
  ringBytes?: number;
  /** Bytes per batch (default 4 MiB). */
  batchBytes?: number;
  /** Emit context-switch events (default true, as sysdig). */
  captureSwitch?: boolean;
  /** Hot syscalls take the probe's fast paths (default true; tests turn them off to compare). */
  fastPaths?: boolean;
  syscalls?: Uint8Array;
  /** Capture only this process and its children, from the first event on. */
  onlyPid?: number;
}

/** One batch: records back to back, and the CPU of each record. */
export interface LiveBatch {
  records: Uint8Array;
  cpus: Uint16Array;
  count: number;
}

/** Events framed as scap EV_V2 blocks, in a buffer the capture reuses for the next batch. */
export interface LiveBlocks {
  blocks: Uint8Array;
  count: number;
}

export interface LiveStats {
  /** Events the probe wrote to the rings. */
  events: number;
  /** Events lost: ring full or too large. */
  drops: number;
  perCpuDrops: number[];
  perCpuEvents: number[];
  /** Events handed out by batches(). */
  delivered: number;
  /** Of events, those the probe wrote on its fast paths (hot syscalls). */
  fastEvents: number;
}

export interface LiveCapture {
  /** Batches until stop(); each batch is a fresh copy the consumer may keep. */
  batches(): AsyncIterable<LiveBatch>;
  /** Batches of events already framed as scap EV_V2 blocks (one copy, from the rings into a
   * buffer that is reused): consume each batch (e.g. write it synchronously) before asking for the
   * next. maxEvents, asked before each drain, caps the batch (-n). */
  blockBatches(maxEvents?: () => number): AsyncIterable<LiveBlocks>;
  /** Like blockBatches, but each batch is drained straight into the buffer room() returns (e.g.
   * the free part of the core's input region in Wasm memory, asked again before every drain since
   * the memory may have grown): one copy from the rings, none after. */
  blocksInto(room: () => Uint8Array, maxEvents?: () => number): AsyncIterable<{ bytes: number; count: number }>;
  /** Appends every event, framed as an EV_V2 block, to the open file fd until stop() and the
   * rings are empty, or maxEvents (0 = no limit) were written; resolves to the events written.
   * The loop runs on a native thread: no JavaScript per batch (plain `-w`). */
  writeTo(fd: number, maxEvents?: number): Promise<{ events: number; bytes: number }>;
  /** Drains into a caller's buffer (e.g. Wasm memory) without copying twice. */
  drainInto(buf: Uint8Array, cpus?: Uint16Array, maxEvents?: number): { bytes: number; events: number };
  stats(): LiveStats;
  /** Capture only this process from now on (0 = every process). */
  onlyProcess(pid: number): void;
  /** Stops the probe; batches() then hands out what is left in the rings and ends. */
  stop(): Promise<void>;
}

const MIN_SLEEP_MS = 0.5;
const MAX_SLEEP_MS = 10;
/** A drain with fewer events than this did not find the rings filling up: the reader waits
 * MIN_SLEEP_MS before the next one instead of draining again at once. Without the wait, a reader
 * that has a CPU to itself chases the producer and takes a few dozen events per drain, and the
 * per-drain cost (the call, the write, the async iteration) made its CPU use vary 3-4x between
 * runs of the same workload. A millisecond of events is far below the 8 MiB per-CPU ring. */
const SMALL_BATCH_EVENTS = 4096;

export function openLiveCapture(opts: LiveCaptureOptions): LiveCapture {
  const native: NativeProbe = openNativeProbe({
    snaplen: opts.snaplen, debug: opts.debug, ringBytes: opts.ringBytes,
    captureSwitch: opts.captureSwitch ?? true, fastPaths: opts.fastPaths ?? true, syscalls: opts.syscalls,
  } as NativeProbeOptions);
  const batchBytes = opts.batchBytes ?? 4 << 20;
  let stopping = false;
  let closed = false;
  let delivered = 0;
  let wake: (() => void) | undefined;
  let finalStats: LiveStats | undefined;
  let iterating = false;
  let iterDone: Promise<void> = Promise.resolve();

  const sleep = (ms: number) => new Promise<void>((res) => {
    const t = setTimeout(() => { wake = undefined; res(); }, ms);
    wake = () => { clearTimeout(t); wake = undefined; res(); };
  });

  const stats = (): LiveStats => {
    if (finalStats) return finalStats;
    const s = native.stats();
    return { events: s.events, drops: s.drops, perCpuDrops: s.perCpuDrops, perCpuEvents: s.perCpuEvents, delivered, fastEvents: s.fastEvents };
  };

  const close = () => {
    if (closed) return;
    finalStats = stats();
    closed = true;
    native.close();
  };

  /** Drains with take() straight away while there is data, otherwise sleeps, backing off; ends
   * once stopped and empty. */
  function poll<T extends { count: number }>(take: () => T | undefined): AsyncIterable<T> {
    iterating = true;
    let finish!: () => void;
    iterDone = new Promise((r) => { finish = r; });
    return {
      async *[Symbol.asyncIterator]() {
        try {
          let nap = MIN_SLEEP_MS;
          for (;;) {
            if (closed) return;
            const b = take();
            if (b) {
              delivered += b.count;
              nap = MIN_SLEEP_MS;
              yield b;
              if (b.count < SMALL_BATCH_EVENTS && !stopping) await sleep(MIN_SLEEP_MS);
              continue;
            }
            if (stopping) return; // stopped and the rings are empty
            await sleep(nap);
            nap = Math.min(nap * 2, MAX_SLEEP_MS);
          }
        } finally {
          close();
          finish();
        }
      },
    };
  }

  if (opts.onlyPid) native.onlyTgid(opts.onlyPid);
  native.start();

  return {
    batches(): AsyncIterable<LiveBatch> {
      const buf = new Uint8Array(batchBytes);
      const cpus = new Uint16Array(batchBytes / 26);
      return poll(() => {
        const [bytes, events] = native.drain(buf, cpus.length, cpus);
        return events > 0 ? { records: buf.slice(0, bytes), cpus: cpus.slice(0, events), count: events } : undefined;
      });
    },
    blockBatches(maxEvents?: () => number): AsyncIterable<LiveBlocks> {
      const buf = new Uint8Array(batchBytes);
      return poll(() => {
        const [bytes, events] = native.drainBlocks(buf, maxEvents ? maxEvents() : 0xffffffff);
        return events > 0 ? { blocks: buf.subarray(0, bytes), count: events } : undefined;
      });
    },
    blocksInto(room: () => Uint8Array, maxEvents?: () => number) {
      return poll(() => {
        const [bytes, events] = native.drainBlocks(room(), maxEvents ? maxEvents() : 0xffffffff);
        return events > 0 ? { bytes, count: events } : undefined;
      });
    },
    writeTo(fd: number, maxEvents = 0) {
      iterating = true;
      const run = native.writeFile(fd, maxEvents, batchBytes).then(([events, bytes]) => {
        delivered += events;
        return { events, bytes };
      }).finally(close);
      iterDone = run.then(() => undefined, () => undefined);
      return run;
    },
    drainInto(buf, cpus, maxEvents) {
      if (closed) return { bytes: 0, events: 0 };
      const [bytes, events] = native.drain(buf, maxEvents ?? (cpus ? cpus.length : 0xffffffff), cpus);
      delivered += events;
      return { bytes, events };
    },
    stats,
    onlyProcess(pid: number) {
      if (!closed) native.onlyTgid(pid);
    },
    async stop() {
      if (stopping) return iterDone;
      stopping = true;
      if (!closed) native.stop();
      if (iterating) {
        wake?.();
        return iterDone;
      }
      close();
    },
  };
}
