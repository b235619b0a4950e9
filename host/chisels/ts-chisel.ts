// SPDX-License-Identifier: Apache-2.0
// Runs a built-in TypeScript chisel behind the same interface as a Lua one.

import { FieldValue, QuarryError } from '../core/types';
import { checkArgCount } from './args';
import { ChiselEvent, ChiselHost, TsChisel, TsChiselDef } from './api';
import { ChiselInstance, ChiselPlan, RowKind, RunEnv, ThreadSource } from './instance';

const NL = Buffer.from('\n');

export class TsChiselInstance implements ChiselInstance {
  readonly name: string;
  private readonly impl: TsChisel;
  private readonly host: ChiselHost;
  private plan_: ChiselPlan = { fields: [], intervalNs: 0n, preciseIntervalNs: 0n };
  private env: RunEnv | undefined;
  private started = false;
  private ended = false;
  endedAt?: bigint;
  private threads: ThreadSource | undefined;
  private argValues: string[] = [];
  private cur: ChiselEvent = { num: 0n, ts: 0n, cpu: 0, type: '', values: [] };
  private firstEvent = true;
  private lastSample = 0n;
  private lastTs = 0n;

  constructor(private readonly def: TsChiselDef, private readonly write: (b: Uint8Array) => void) {
    this.name = def.name;
    const self = this;
    const out = (t: string | Uint8Array) => write(typeof t === 'string' ? Buffer.from(t, 'utf8') : t);
    this.host = {
      get env() {
        const e = self.env!;
        return { json: e.json, printContainer: e.printContainer, live: e.live, tty: e.tty, sourceName: e.sourceName, filter: e.filter };
      },
      requestField(name) {
        if (self.started) throw new QuarryError(`${self.name} chisel error: field ${name} requested after the capture started`);
        const i = self.plan_.fields.indexOf(name);
        if (i >= 0) return i;
        self.plan_.fields.push(name);
        return self.plan_.fields.length - 1;
      },
      setFilter(f) { self.plan_.filter = f; },
      setEventFormatter(f) { self.plan_.format = f; },
      setBufferFormat(f) { self.plan_.bufferFormat = f; },
      setIntervalNs(ns) { self.plan_.intervalNs = ns; },
      endCapture() { self.ended = true; },
      stopAfter(n) { self.plan_.stopAfter = n; },
      print(line) { out(line); write(NL); },
      write: out,
      machineInfo: () => self.env?.machine ?? null,
      threadTable: (filter) => (self.threads ? self.threads(filter) : Promise.resolve(null)),
    };
    this.impl = def.create(this.host);
  }

  async setArgs(values: string[]): Promise<void> {
    checkArgCount(values, this.def.args, this.name);
    this.argValues = values;
    values.forEach((v, j) => {
      if (!this.impl.setArg) throw new QuarryError(`chisel ${this.name} misses a set_arg() function.`);
      if (!this.impl.setArg(this.def.args[j].name, v)) throw new QuarryError(`set_arg() for chisel ${this.name} failed.`);
    });
  }

  async init(env: RunEnv): Promise<void> {
    this.env = env;
    if (this.impl.init && !this.impl.init()) throw new QuarryError(`init() for chisel ${this.name} failed.`);
  }

  async captureStart(env: RunEnv): Promise<void> {
    this.env = env;
    if (this.impl.captureStart && !this.impl.captureStart()) throw new QuarryError(`init() for chisel ${this.name} failed.`);
    this.started = true;
  }

  plan(): ChiselPlan {
    return this.plan_;
  }

  threadFilters(): (string | undefined)[] {
    return [undefined, ...this.argValues.filter((_, i) => this.def.args[i]?.argtype === 'filter')];
  }

  private tick(ts: bigint): void {
    const iv = this.plan_.intervalNs;
    if (this.firstEvent) {
      this.firstEvent = false;
      this.lastSample = ts - ts % iv;
      return;
    }
    const sample = ts - ts % iv;
    if (sample === this.lastSample) return;
    let delta = 0n;
    if (this.lastTs !== 0n) {
      delta = ts - this.lastTs;
      if (delta === 0n) return;
    }
    if (this.impl.onInterval && !this.impl.onInterval(ts / 1000000000n, ts % 1000000000n, delta)) {
      throw new QuarryError(`execution terminated by the ${this.name} chisel`);
    }
    this.lastSample = sample;
    this.lastTs = ts;
  }

  deliver(kinds: RowKind[], rows: FieldValue[][]): boolean {
    const hasFormat = this.plan_.format !== undefined;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      const kind = kinds[i];
      if (kind !== RowKind.RUN) {
        this.cur = { num: row[0] as bigint, ts: row[1] as bigint, cpu: Number(row[2]), type: String(row[3]), values: row.slice(4) };
        if (kind === RowKind.VALUES && this.plan_.intervalNs !== 0n) this.tick(this.cur.ts);
      }
      if (kind !== RowKind.VALUES) {
        const show = this.impl.onEvent ? this.impl.onEvent(this.cur) : true;
        if (this.ended) { this.endedAt = this.cur.num; return true; }
        const line = hasFormat ? row[kind === RowKind.RUN ? 0 : 4 + this.plan_.fields.length] : null;
        if (show && typeof line === 'string') this.host.print(line);
      }
    }
    return false;
  }

  async captureEnd(lastTs: bigint, deltaNs: bigint, threads: ThreadSource): Promise<void> {
    this.threads = threads;
    await this.impl.captureEnd?.(lastTs / 1000000000n, lastTs % 1000000000n, deltaNs);
  }

  close(): void {}
}
