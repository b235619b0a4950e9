// SPDX-License-Identifier: Apache-2.0
// What the runner needs from one running chisel, Lua or TypeScript alike.

import { BufferFormat, FieldValue, MachineInfo, ThreadInfo } from '../core/types';

/** The run as chisels see it (sysdig.is_live, get_output_format, is_print_container_data, …). */
export interface RunEnv {
  json: boolean;
  printContainer: boolean;
  live: boolean;
  tty: boolean;
  sourceName: string;
  filter: string;
  machine: MachineInfo | null;
}

/** What a chisel asks of the capture, known after on_capture_start. */
export interface ChiselPlan {
  filter?: string;
  fields: string[];
  format?: string;
  intervalNs: bigint;
  preciseIntervalNs: bigint;
  stopAfter?: number;
  /** sysdig.set_filter: replaces the command-line filter for every chisel. */
  globalFilter?: string;
  bufferFormat?: BufferFormat;
}

/**
 * Row kinds handed to `deliver`. A row starts with evt.num, evt.rawtime, evt.cpu, evt.type, then the
 * plan's fields (VALUES), or holds only the formatter line, if any (RUN).
 */
export const enum RowKind {
  /** An event's values, for the interval check; it becomes the current event. */
  VALUES = 1,
  /** The current event passed the chisel filter: call on_event (row: [formatter line]). */
  RUN = 2,
  /** VALUES and RUN at once (chisels without an interval). */
  BOTH = 3,
}

/** Fetches thread tables after the run (filter → table). */
export type ThreadSource = (filter?: string) => Promise<ThreadInfo[] | null>;

export interface ChiselInstance {
  readonly name: string;
  /** on_set_arg for each value, in order. */
  setArgs(values: string[]): Promise<void>;
  /** on_init (and any chisel.exec hand-over). */
  init(env: RunEnv): Promise<void>;
  /** on_capture_start */
  captureStart(env: RunEnv): Promise<void>;
  plan(): ChiselPlan;
  /** Filter-type argument values (thread tables to prepare for on_capture_end). */
  threadFilters(): (string | undefined)[];
  /** A run of rows for this chisel, in event order; returns true when the chisel ended the capture. */
  deliver(kinds: RowKind[], rows: FieldValue[][]): boolean;
  /** on_capture_end(last ts, last - first) */
  captureEnd(lastTs: bigint, deltaNs: bigint, threads: ThreadSource): Promise<void>;
  close(): void;
}
