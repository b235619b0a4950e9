// SPDX-License-Identifier: Apache-2.0
// What every sink is: a small object that delivers batches somewhere. Queueing, batching, retries,
// timeouts and backpressure live once in host/pipeline/worker.ts, around every sink.
import { FieldValue, SpanBatch, SpanSpec } from '../core/types';
import { Field } from '../pipeline/config/schema';
import { Logger } from '../pipeline/log';

/** One event as a sink receives it. */
export interface SinkRecord {
  /** Field values in the order of `SinkContext.fields`. */
  readonly row: FieldValue[];
  /** The event rendered in the pipeline's output shape (text line, JSON object, or -p format), no newline. */
  readonly line: string;
  /** Approximate size, used for queue and batch limits. */
  readonly bytes: number;
  /**
   * When the source rendered the line itself (bytes from the core): its UTF-8 is `raw[rawStart, rawEnd)`,
   * and `line` decodes it on every read, so sinks that copy bytes should read these instead.
   */
  readonly raw?: Buffer;
  readonly rawStart?: number;
  readonly rawEnd?: number;
}

/** A record whose line the source rendered as bytes (see `SinkRecord.raw`). */
export class RawLineRecord implements SinkRecord {
  readonly bytes: number;
  constructor(readonly row: FieldValue[], readonly raw: Buffer, readonly rawStart: number, readonly rawEnd: number) {
    this.bytes = rawEnd - rawStart + 32;
  }
  get line(): string { return this.raw.toString('utf8', this.rawStart, this.rawEnd); }
}

/** What a sink knows about where it runs. */
export interface SinkContext {
  readonly pipeline: string;
  readonly name: string;
  /** Field names of `SinkRecord.row`. */
  readonly fields: readonly string[];
  /** Reads a field from a row by name (null when the pipeline did not query it). */
  field(row: readonly FieldValue[], name: string): FieldValue;
  readonly log: Logger;
}

/**
 * Queued events in a sink's own compact form (see `Sink.pack`): bytes off the JS heap instead of
 * rows and strings, so events waiting for an acknowledgement cost the garbage collector nothing.
 */
export interface Packed {
  /** Source events it stands for (queue, batch and drop accounting are in events). */
  readonly events: number;
  /** Its size in memory, for the queue's and batches' byte limits. */
  readonly bytes: number;
  /** The first `k` events (0 < k < events) and the rest, for batch limits; neither may be empty of events. */
  split(k: number): [Packed, Packed];
}

export interface Sink {
  /** Delivers a batch. Throwing means none of it is known to be delivered: the worker retries it whole. */
  write(batch: readonly SinkRecord[]): Promise<void>;
  /**
   * Optional: turns events into the sink's compact form as they enter its queue, in source order.
   * The queue then holds what it returns, and batches go to `writePacked` instead of `write`.
   */
  pack?(records: readonly SinkRecord[]): Packed;
  /**
   * Optional: packs span records the source made for a batch of events (SinkDefinition.spans). The
   * queue holds what it returns, and batches go to `writePacked`.
   */
  packSpans?(batch: SpanBatch): Packed;
  /** Delivers packed events, with `write`'s contract. Required with `pack` and `packSpans`. */
  writePacked?(batch: readonly Packed[]): Promise<void>;
  /** Pushes out anything the sink buffers itself (files, exporters). */
  flush(): Promise<void>;
  /** Releases resources; calling it again does nothing. */
  close(): Promise<void>;
  /** Sink-specific counters (monotonic), exported as quarry_sink_<name>_total. */
  counters(): Record<string, number>;
}

/** A sink type: its config keys, a documented example, and a factory. */
export interface SinkDefinition<C = any> {
  readonly type: string;
  /** One line for COMPONENTS.md. */
  readonly doc: string;
  /** The type's own config keys (the shared buffer/batch/retry/timeout keys are added for all). */
  readonly fields: Record<string, Field>;
  /** A YAML example of this sink's config, valid as is. */
  readonly example: string;
  /** Fields the sink reads from each event, beyond the output shape's. */
  requiredFields?(cfg: C): string[];
  /**
   * Spans the sink takes from sources that make them (SourceDefinition.makesSpans) instead of events:
   * it then gets no records and no fields, only `packSpans`. Undefined: events.
   */
  spans?(cfg: C): SpanSpec | undefined;
  /** False when the sink never reads `SinkRecord.line` (the row is enough): a pipeline whose sinks all say so skips rendering. */
  usesLine?(cfg: C): boolean;
  /** Checks between keys, after each key validated on its own; `report(key, message)`. */
  check?(cfg: C, report: (key: string, message: string) => void): void;
  /** For `validate --check-connect`: an error text if the destination cannot be reached. */
  checkConnect?(cfg: C): Promise<string | undefined>;
  create(cfg: C, ctx: SinkContext): Sink;
  /** Keys whose defaults differ from the shared ones for this type (e.g. batch size). */
  readonly sharedDefaults?: Record<string, unknown>;
}
