// SPDX-License-Identifier: Apache-2.0
// The typed chisel API for Quarry's own chisels: the same life cycle and calls as sysdig's Lua API
// (request_field, set_filter, set_interval, on_event…), as TypeScript interfaces.

import { BufferFormat, FieldValue, MachineInfo, ThreadInfo } from '../core/types';
import { ChiselArgSpec } from './args';

/** A field handle from `requestField`: the index of the value in `ChiselEvent.values`. */
export type FieldHandle = number;

/** The event a chisel sees in `onEvent`. */
export interface ChiselEvent {
  /** evt.num */
  num: bigint;
  /** evt.rawtime (ns) */
  ts: bigint;
  /** evt.cpu */
  cpu: number;
  /** evt.type (the syscall name for generic events) */
  type: string;
  /** Requested field values, by handle. */
  values: FieldValue[];
}

/** What a chisel knows about the run (sysdig.is_live, get_output_format, …). */
export interface ChiselEnv {
  /** -j given: table chisels print JSON. */
  json: boolean;
  /** -pc/-pk/-pm given: show container columns. */
  printContainer: boolean;
  live: boolean;
  tty: boolean;
  /** The input file name, "" when live. */
  sourceName: string;
  /** The command-line filter. */
  filter: string;
}

/** Calls available to a chisel (sysdig.* and chisel.* in Lua). */
export interface ChiselHost {
  readonly env: ChiselEnv;
  /** chisel.request_field: valid until capture start. */
  requestField(name: string): FieldHandle;
  /** chisel.set_filter */
  setFilter(filter: string): void;
  /** chisel.set_event_formatter: after onEvent returns true the event is printed with this format. */
  setEventFormatter(format: string): void;
  /** sysdig.set_output_format: how buffer fields (evt.arg.data…) are rendered. */
  setBufferFormat(f: BufferFormat): void;
  /** chisel.set_interval_ns / set_interval_s(n) = n * 1e9 */
  setIntervalNs(ns: bigint): void;
  /** sysdig.end_capture: stop after the current event. */
  endCapture(): void;
  /** Declares up front that the chisel ends the capture after its Nth matching event (exact state for threadTable). */
  stopAfter(n: number): void;
  /** print(): text or bytes, then a newline. */
  print(line: string | Uint8Array): void;
  /** io.write(): no newline. */
  write(text: string | Uint8Array): void;
  /** sysdig.get_machine_info (in captureStart). */
  machineInfo(): MachineInfo | null;
  /** sysdig.get_thread_table (in captureEnd). */
  threadTable(filter?: string): Promise<ThreadInfo[] | null>;
}

/** One running chisel: every callback is optional, as in Lua. */
export interface TsChisel {
  /** on_set_arg: false fails the chisel with `set_arg() for chisel X failed.` */
  setArg?(name: string, value: string): boolean;
  /** on_init: false gives `init() for chisel X failed.` */
  init?(): boolean;
  /** on_capture_start */
  captureStart?(): boolean;
  /** on_event: false means "don't print this event with the formatter". */
  onEvent?(e: ChiselEvent): boolean;
  /** on_interval(ts_s, ts_ns, delta_ns): false ends the run. */
  onInterval?(tsS: bigint, tsNs: bigint, deltaNs: bigint): boolean;
  /** on_capture_end(last ts_s, last ts_ns, last - first ns) */
  captureEnd?(tsS: bigint, tsNs: bigint, deltaNs: bigint): void | Promise<void>;
}

/** A built-in chisel: its description (used only when no Lua twin is installed) and its factory. */
export interface TsChiselDef {
  name: string;
  category: string;
  shortDescription: string;
  description: string;
  args: ChiselArgSpec[];
  create(host: ChiselHost): TsChisel;
}
