// SPDX-License-Identifier: Apache-2.0
// The contract between the Wasm core (through host/core/capture.ts) and its structured consumers:
// chisels, pipelines and sinks. They ask for named fields (sysdig field names, e.g. "proc.name",
// "evt.rawtime", "fd.name") under an optional filter, and receive rows of typed values in batches.

/**
 * One field value as the core extracts it.
 * - 64-bit integers (evt.rawtime, evt.latency, evt.num, any UINT64/INT64/ABSTIME/RELTIME field): bigint
 * - other integers and doubles: number
 * - BOOL fields: boolean
 * - strings, IP addresses, and everything sysdig renders as text: string
 * - a field the event does not have: null
 */
export type FieldValue = string | number | bigint | boolean | null;

/** A structured request: these fields, for the events that pass this filter. */
export interface Query {
  /** sysdig filter expression; empty or undefined means every event. */
  filter?: string;
  /** Field names in the order the row values come back. */
  fields: string[];
}

/** Counters for one run of a capture. */
export interface CaptureStats {
  /** Events read from the source (before filters). */
  eventsRead: number;
  /** Events dropped by the kernel probe (0 for files). */
  driverDrops: number;
  /** Source-specific extra counters (e.g. per-CPU drops). */
  extra?: Record<string, number>;
}

/** Called once per batch of rows for one query; awaiting it applies backpressure to the reader. */
export type RowBatchHandler = (queryIndex: number, rows: FieldValue[][]) => void | Promise<void>;

/** A capture that can be run once: a file (`-r`) or a live probe. */
export interface Capture {
  /** Reads the whole source, evaluating every query in the core, and hands matching rows over in batches. */
  run(queries: Query[], onRows: RowBatchHandler, signal?: AbortSignal): Promise<CaptureStats>;
}

/** A user mistake (bad filter, bad file, bad flag): printed as one line, no stack trace. */
export class QuarryError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'QuarryError';
  }
}
