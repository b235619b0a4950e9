// SPDX-License-Identifier: Apache-2.0
// The source registry: each source type, its config keys and how to open it as a Capture.
// This is the one place the pipeline meets the core (file, live) or stands in for it (synthetic).
import { Capture } from '../../core/types';
import { Field, int, num, size, str } from '../config/schema';
import { openFile } from './capture-file';
import { openLive } from './live';
import { SyntheticCapture } from './synthetic';

export interface SourceDefinition {
  readonly type: string;
  readonly doc: string;
  readonly fields: Record<string, Field>;
  readonly example: string;
  /** The source honours Query.line (its captures render pipeline lines as bytes in the core). */
  readonly rendersLines?: boolean;
  /** The source honours Query.spans (its captures make syscall spans in the core). */
  readonly makesSpans?: boolean;
  open(cfg: any): Capture;
}

export const SOURCES: Record<string, SourceDefinition> = {
  synthetic: {
    type: 'synthetic',
    doc: 'Deterministic syscall enter/exit pairs from a few processes (tests, demos, benchmarks).',
    fields: {
      count: int('events to produce; 0 = until stopped', 0, undefined, { default: 0 }),
      rate: int('events per second; 0 = as fast as the pipeline takes them', 0, 10_000_000, { default: 1000 }),
      seed: int('PRNG seed; the same seed gives the same events', 0, 2 ** 32 - 1, { default: 1 }),
      processes: int('number of processes', 1, 10_000, { default: 8 }),
      batch_size: int('rows per batch', 1, 65_536, { default: 256 }),
      lost_exit_ratio: num('share of syscalls whose exit is lost', 0, 1, { default: 0 }),
    },
    example: 'type: synthetic\nrate: 1000\ncount: 0\n',
    open: (c) => new SyntheticCapture({ count: c.count, rate: c.rate, seed: c.seed, processes: c.processes, batchSize: c.batch_size, lostExitRatio: c.lost_exit_ratio }),
  },
  file: {
    type: 'file',
    doc: 'Reads a .scap capture file through the Wasm core, once.',
    fields: { path: str('capture file', {}, { required: true }) },
    example: 'type: file\npath: traces/cat_write.scap\n',
    rendersLines: true,
    makesSpans: true,
    open: (c) => openFile(c.path),
  },
  live: {
    type: 'live',
    doc: 'Captures live from the kernel probe (needs root and the native addon).',
    fields: {
      snaplen: int('bytes of I/O buffers captured per event', 0, 65_535, { default: 80 }),
      buffer_size: size('ring buffer size per CPU', '8MiB', 4096),
    },
    example: 'type: live\nsnaplen: 80\n',
    rendersLines: true,
    makesSpans: true,
    open: (c) => openLive(c),
  },
};
