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
 * - (addition for chisels) raw byte buffers (BYTEBUF fields: evt.buffer, evt.rawarg.data): Uint8Array,
 *   the bytes as captured (a chisel prints them unchanged, non-UTF-8 bytes included)
 */
export type FieldValue = string | number | bigint | boolean | Uint8Array | null;

/** How byte-buffer parameters are rendered as text (`%evt.arg.data`, evt.info): sysdig's -A/-x/-X/-b/-j modes. */
export type BufferFormat = 'normal' | 'ascii' | 'hex' | 'hexascii' | 'base64' | 'json' | 'jsonbase64' | 'simple';

/** A structured request: these fields, for the events that pass this filter. */
export interface Query {
  /** sysdig filter expression; empty or undefined means every event. */
  filter?: string;
  /** Field names in the order the row values come back. */
  fields: string[];
  /**
   * (addition for chisels) A `-p`-style format: when set, each row gets one extra trailing value, the
   * event rendered with this format (string), or null when the format skips the event (a missing
   * field without a leading `*`). Used by `chisel.set_event_formatter`.
   */
  format?: string;
  /**
   * (addition for chisels) Stop the whole run right after this query's Nth matching event, so that
   * `Capture.threadTable()` afterwards shows the state exactly as it was after that event
   * (`sysdig.end_capture()` in ps/lsof/netstat: N = 1).
   */
  stopAfter?: number;
  /** (addition for chisels) Text rendering of byte buffers for this query's string fields; default 'normal'. */
  bufferFormat?: BufferFormat;
  /**
   * (addition for pipelines) A pipeline line the source renders itself, as bytes (`LineBatch`):
   * literals and field values, each value written as host/pipeline/format.ts writes the field's
   * value (`json`: JSON.stringify-like; else String()-like, a missing field empty). Sources that
   * cannot render lines ignore it; a consumer knows by the `lines` argument of its handler.
   */
  line?: LineSpec;
  /**
   * (addition for pipelines) Syscall-latency spans the source makes itself instead of rows
   * (`SpanBatch`); `fields` are then not read. Only sources that say so (SourceDefinition.makesSpans) honour it.
   */
  spans?: SpanSpec;
}

/** (addition for pipelines) See `Query.spans`; the otel sink's span options (host/sinks/otel/spans.ts). */
export interface SpanSpec {
  minLatencyNs: number;
  sampleRatio: number;
  enterTtlNs: number;
  group: 'none' | 'process' | 'container';
  /** Event types that never pair an enter with an exit. */
  notSyscall: ReadonlySet<string>;
  /** The event type that ends a process's parent span (group: process). */
  processExit: string;
}

/**
 * (addition for pipelines) The span records a source made for one batch of events (`Query.spans`):
 * record i is `data[start[i], end[i])`, laid out as assembly/format/spans.ts writes them; the last
 * one is the batch's stats record.
 */
export interface SpanBatch {
  data: Buffer;
  start: Uint32Array;
  end: Uint32Array;
}

/** (addition for pipelines) See `Query.line`. */
export interface LineSpec {
  json: boolean;
  parts: ({ literal: string } | { field: string })[];
}

/**
 * (addition for pipelines) Lines a source rendered for a batch of rows (`Query.line`): the line of
 * row i is the UTF-8 bytes `data[start[i], end[i])`.
 */
export interface LineBatch {
  data: Buffer;
  start: Uint32Array;
  end: Uint32Array;
}

/** Counters for one run of a capture. */
export interface CaptureStats {
  /** Events read from the source (before filters). */
  eventsRead: number;
  /** Events dropped by the kernel probe (0 for files). */
  driverDrops: number;
  /** Source-specific extra counters (e.g. per-CPU drops). */
  extra?: Record<string, number>;
  /** (addition for chisels) Timestamp (ns) of the first event read, before filters; sysdig's m_firstevent_ts. */
  firstEventTs?: bigint;
  /** (addition for chisels) Timestamp (ns) of the last event read, before filters; sysdig's m_lastevent_ts. */
  lastEventTs?: bigint;
}

/**
 * (addition for chisels) Rows of all queries in one stream, in event (file) order. `queryIndexes[i]`
 * says which query `rows[i]` answers; when one event matches several queries their rows come in
 * query-index order; `spans[q]` are span query q's records of the batch. Awaiting applies backpressure.
 */
export type OrderedRowHandler = (queryIndexes: ArrayLike<number>, rows: FieldValue[][], lines?: LineBatch, spans?: readonly (SpanBatch | undefined)[]) => void | Promise<void>;

/** (addition for chisels) `sysdig.get_machine_info()`: from the file's machine-info block or the live host. */
export interface MachineInfo {
  numCpus: number;
  memorySizeBytes: bigint;
  maxPid: bigint;
  hostname: string;
}

/** (addition for chisels) One fd of a thread, as `sysdig.get_thread_table()` returns it. */
export interface FdInfo {
  fd: number;
  /** fd.name */
  name: string;
  /** fd.type: file, directory, ipv4, ipv6, unix, pipe, event, signalfd, eventpoll, inotify, timerfd, netlink… */
  type: string;
  /** Present for sockets. */
  isServer?: boolean;
  sip?: string;
  cip?: string;
  sport?: number;
  cport?: number;
  /** tcp, udp, icmp, raw */
  l4proto?: string;
}

/** (addition for chisels) One thread of the core's thread table (sysdig's sinsp_threadinfo, as chisels see it). */
export interface ThreadInfo {
  tid: number;
  pid: number;
  ptid: number;
  /** comm */
  comm: string;
  /** proc.name */
  name: string;
  exe: string;
  args: string[];
  env: string[];
  flags: number;
  fdlimit: bigint;
  uid: number;
  gid: number;
  /** user.name, or "<NA>" when unknown */
  username: string;
  nchilds: number;
  pfmajor: bigint;
  pfminor: bigint;
  cloneTs: bigint;
  vmsizeKb: number;
  vmrssKb: number;
  vmswapKb: number;
  /** Absent when fds were not asked for. */
  fds?: FdInfo[];
}

/** (addition for chisels) Options of `Capture.threadTable()`. */
export interface ThreadTableOptions {
  /** A filter on thread and fd fields only; threads (and fds) that do not match are left out. */
  filter?: string;
  /** Include each thread's fd table (default true). */
  fds?: boolean;
}

/**
 * Called once per batch of rows for one query; awaiting it applies backpressure to the reader.
 * `lines` is there when the query asked for a line and the source rendered it; `spans` (and no
 * rows) when the query asked for spans, once per batch of the source.
 */
export type RowBatchHandler = (queryIndex: number, rows: FieldValue[][], lines?: LineBatch, spans?: SpanBatch) => void | Promise<void>;

/** A capture that can be run once: a file (`-r`) or a live probe. */
export interface Capture {
  /** Reads the whole source, evaluating every query in the core, and hands matching rows over in batches. */
  run(queries: Query[], onRows: RowBatchHandler, signal?: AbortSignal): Promise<CaptureStats>;
  /**
   * (addition for chisels) Like `run`, but rows of all queries come in one stream in event order (a
   * chisel with several filters, or interval callbacks driven by every event, needs that order).
   */
  runOrdered?(queries: Query[], onRows: OrderedRowHandler, signal?: AbortSignal): Promise<CaptureStats>;
  /**
   * (addition for chisels) Checks a filter without running anything: null if it compiles, else the
   * error text exactly as sysdig prints it (`filter error at position N: …`).
   */
  checkFilter?(filter: string): string | null;
  /** (addition for chisels) The thread table after the last event processed (the end of the run, or a `stopAfter` stop). */
  threadTable?(opts?: ThreadTableOptions): Promise<ThreadInfo[]>;
  /** (addition for chisels) Machine info; available once the source is open. */
  machineInfo?(): MachineInfo | null;
  /** (addition for chisels) The input file name (`sysdig.get_evtsource_name()`), or "" when live. */
  readonly sourceName?: string;
  /** (addition for chisels) True for a live capture (`sysdig.is_live()`). */
  readonly isLive?: boolean;
}

/** A user mistake (bad filter, bad file, bad flag): printed as one line, no stack trace. */
export class QuarryError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'QuarryError';
  }
}
