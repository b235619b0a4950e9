// SPDX-License-Identifier: Apache-2.0
// Structured access to a capture file for chisels and pipelines: queries (filter + fields)
// run in the Wasm core, which hands back rows of typed values in event order, a batch per
// core pass (never one boundary crossing per event).
import { loadCore, Core } from './wasm';
import { CoreProgram } from './program';
import { resolveFieldName, FieldNameError } from './fieldnames';
import { EVENT_NAMES } from '../filter/events';
import { checkFilter, emitFilter } from '../filter/compile';
import { parseFormat, emitFormat, unescapeFormat } from '../format/compile';
import { scanFile } from '../sources/file';
import {
  Capture, CaptureStats, FieldValue, Query, RowBatchHandler, OrderedRowHandler, QuarryError,
  MachineInfo, ThreadInfo, ThreadTableOptions, FdInfo, BufferFormat,
} from './types';

const BUF: Record<BufferFormat, number> = { normal: 0, ascii: 1, hex: 2, hexascii: 3, base64: 4, json: 0, jsonbase64: 4, simple: 0 };

export interface FileCaptureOptions {
  /** -t time mode for evt.outputtime / %evt.outputtime in formats */
  timeType?: string;
  /** buffer rendering for text fields, sysdig's -A/-x/-X/-b */
  bufferFormat?: BufferFormat;
  /** cut data buffers at 80 characters (sysdig does not while chisels run) */
  cutBuffers?: boolean;
  /** Engine filter applied before queries (sysdig's command-line filter). */
  filter?: string;
}

const td = new TextDecoder('utf-8');

/** Decodes the core's row encoding (assembly/index.ts emitRow). */
export function decodeRows(mem: Uint8Array, ptr: number, len: number, onRow: (q: number, row: FieldValue[]) => void): void {
  const dv = new DataView(mem.buffer, mem.byteOffset + ptr, len);
  let p = 0;
  while (p + 8 <= len) {
    const size = dv.getUint32(p, true);
    const q = dv.getUint16(p + 4, true);
    const nf = dv.getUint16(p + 6, true);
    let o = p + 8;
    const row: FieldValue[] = new Array(nf);
    for (let i = 0; i < nf; i++) {
      const kind = dv.getUint8(o++);
      switch (kind) {
        case 0: row[i] = null; break;
        case 1: row[i] = dv.getBigInt64(o, true); o += 8; break;
        case 2: row[i] = dv.getBigUint64(o, true); o += 8; break;
        case 3: row[i] = dv.getFloat64(o, true); o += 8; break;
        case 4: { const n = dv.getUint32(o, true); o += 4; row[i] = td.decode(mem.subarray(ptr + o, ptr + o + n)); o += n; break; }
        case 5: row[i] = dv.getUint8(o++) !== 0; break;
        case 6: { const n = dv.getUint32(o, true); o += 4; row[i] = mem.slice(ptr + o, ptr + o + n); o += n; break; }
        default: throw new Error(`bad row encoding kind ${kind}`);
      }
    }
    onRow(q, row);
    p += size;
  }
}

/** Narrows 64-bit integers of small types to numbers, as the contract says. */
function normalise(v: FieldValue, wide: boolean): FieldValue {
  if (typeof v === 'bigint' && !wide) return Number(v);
  return v;
}

const WIDE = new Set(['PT_UINT64', 'PT_INT64', 'PT_ABSTIME', 'PT_RELTIME']);

export class FileCapture implements Capture {
  get isLive(): boolean { return false; }
  protected core: Core | null = null;
  protected machine: MachineInfo | null = null;
  /** The program of the last run's core (thread-table filters are added to it). */
  private prog: CoreProgram | null = null;

  constructor(readonly sourceName: string, private readonly opts: FileCaptureOptions = {}) {}

  /** Events the kernel probe dropped (a live source's; none for files). */
  protected probeDrops(): number { return 0; }

  /** Counters while a run is going (the pipeline's metrics read them). */
  progress(): CaptureStats { return { eventsRead: this.core?.readEvents() ?? 0, driverDrops: this.probeDrops() }; }

  checkFilter(filter: string): string | null {
    try { checkFilter(filter, { extensions: true }); return null; } catch (e) { return (e as Error).message; }
  }

  machineInfo(): MachineInfo | null { return this.machine; }

  /** Reads the file's header blocks (machine info) so it is known before the run. */
  async open(): Promise<void> {
    const core = loadCore(1 << 20);
    core.configure(104, 0, 0, 0, 0, 0, 80, 1);
    core.setMaxEvents(1);
    await scanFile(this.sourceName, core, () => core.outputReset());
    this.readMachine(core);
  }

  private readMachine(core: Core): void {
    core.machineJson();
    const m = JSON.parse(Buffer.from(new Uint8Array(core.memory.buffer, core.rowsPtr(), core.rowsLen())).toString('utf8'));
    core.rowsReset();
    this.machine = { numCpus: m.numCpus, memorySizeBytes: BigInt(m.memorySizeBytes), maxPid: BigInt(m.maxPid), hostname: m.hostname };
  }

  /**
   * sysdig's get_thread_table, on the state of the last run (after its last parsed event). A filter
   * is evaluated per (thread, fd) in the core, as sysdig does it (a made-up read event).
   */
  async threadTable(opts: ThreadTableOptions = {}): Promise<ThreadInfo[]> {
    const core = this.core;
    if (!core) return [];
    let slot = -1;
    if (opts.filter !== undefined && opts.filter.trim() !== '') {
      const prog = this.prog ?? (this.prog = new CoreProgram(core));
      let tree;
      try { tree = checkFilter(opts.filter, { extensions: true }); } catch (e) { throw new QuarryError((e as Error).message); }
      slot = emitFilter(prog, tree);
    }
    core.threadTableJson(opts.fds === false ? 0 : 1, slot + 1);
    const raw = JSON.parse(Buffer.from(new Uint8Array(core.memory.buffer, core.rowsPtr(), core.rowsLen())).toString('utf8'));
    core.rowsReset();
    if (slot >= 0 && core.evalError()) throw new QuarryError('filter evaluation error');
    const TYPES: Record<number, string> = { 1: 'file', 2: 'directory', 3: 'ipv4', 4: 'ipv6', 5: 'ipv4', 6: 'ipv6', 7: 'pipe', 8: 'unix', 9: 'event', 10: 'unsupported', 11: 'signalfd', 12: 'eventpoll', 13: 'inotify', 14: 'timerfd', 15: 'netlink', 16: 'file' };
    return raw.map((t: any): ThreadInfo => ({
      tid: t.tid, pid: t.pid, ptid: t.ptid, comm: t.comm, name: t.comm, exe: t.exe, args: t.args, env: t.env,
      flags: t.flags, fdlimit: BigInt(t.fdlimit), uid: t.uid, gid: t.gid, username: t.username, nchilds: t.nchilds,
      pfmajor: BigInt(t.pfmajor), pfminor: BigInt(t.pfminor), cloneTs: BigInt(t.cloneTs),
      vmsizeKb: t.vmsizeKb, vmrssKb: t.vmrssKb, vmswapKb: t.vmswapKb,
      fds: t.fds?.map((f: any): FdInfo => {
        const out: FdInfo = { fd: f.fd, name: f.name, type: TYPES[f.type] ?? 'unknown' };
        if (f.sipText !== undefined) {
          // chisel_api.cpp: client fields only for connected sockets, not for server sockets
          out.isServer = f.isServer; out.sip = f.sipText; out.sport = f.sportNum; out.l4proto = f.l4proto;
          if (f.cipText !== undefined) { out.cip = f.cipText; out.cport = f.cportNum; }
        }
        return out;
      }),
    }));
  }

  /** Pushes the source's bytes through the core (a file here; a live probe in a subclass). */
  protected async feed(core: Core, drain: () => void, afterPump: () => Promise<void>, signal?: AbortSignal): Promise<void> {
    await scanFile(this.sourceName, core, drain, afterPump);
  }

  async run(queries: Query[], onRows: RowBatchHandler, signal?: AbortSignal): Promise<CaptureStats> {
    return this.runOrdered(queries, async (qi, rows) => {
      // regroup per query, keeping order within each query
      const per = new Map<number, FieldValue[][]>();
      for (let i = 0; i < rows.length; i++) {
        let a = per.get(qi[i]);
        if (!a) per.set(qi[i], (a = []));
        a.push(rows[i]);
      }
      for (const [q, r] of per) await onRows(q, r);
    }, signal);
  }

  async runOrdered(queries: Query[], onRows: OrderedRowHandler, signal?: AbortSignal): Promise<CaptureStats> {
    const core = loadCore();
    this.core = core;
    const o = this.opts;
    core.configure((o.timeType ?? 'h').charCodeAt(0), -new Date().getTimezoneOffset() * 60, 0, 1,
      BUF[o.bufferFormat ?? 'normal'], 0, o.cutBuffers ? 80 : 0, 1);
    const prog = new CoreProgram(core);
    this.prog = prog;
    if (o.filter && o.filter.trim()) core.setEngineFilter(emitFilter(prog, checkFilter(o.filter, { extensions: true })));
    const wide: boolean[][] = [];
    queries.forEach((q, qi) => {
      const fslot = q.filter && q.filter.trim() ? emitFilter(prog, checkFilter(q.filter, { extensions: true })) : -1;
      const fmt = q.format !== undefined ? emitFormat(prog, parseFormat(unescapeFormat(q.format)), false) : -1;
      const id = core.queryNew(fslot, fmt);
      wide[qi] = [];
      for (const name of q.fields) {
        let r;
        try { r = resolveFieldName(name, EVENT_NAMES); } catch (e) {
          if (e instanceof FieldNameError) throw new QuarryError(e.message);
          throw e;
        }
        if (!r || r.length === 0 || r.length !== name.length) throw new QuarryError(`unknown field ${name}`);
        core.queryField(id, prog.ref(r));
        wide[qi].push(WIDE.has(r.field.type) || (r.field.name === 'evt.rawarg'));
      }
      if (q.format !== undefined) wide[qi].push(false);
      if (q.stopAfter) core.queryStopAfter(id, q.stopAfter);
      if (q.bufferFormat) core.queryBufFormat(id, BUF[q.bufferFormat]);
    });
    let pending: Promise<void> | null = null;
    const drain = () => {
      const n = core.rowsLen();
      if (!n) return;
      const idx: number[] = [];
      const rows: FieldValue[][] = [];
      decodeRows(new Uint8Array(core.memory.buffer), core.rowsPtr(), n, (q, row) => {
        const w = wide[q];
        for (let i = 0; i < row.length; i++) row[i] = normalise(row[i], w[i]);
        idx.push(q); rows.push(row);
      });
      core.rowsReset();
      core.outputReset();
      const r = onRows(idx, rows);
      if (r && typeof (r as Promise<void>).then === 'function') pending = (pending ?? Promise.resolve()).then(() => r as Promise<void>);
    };
    const STOP = new Error('stop');
    try {
      await this.feed(core, () => {
        drain();
        if (signal?.aborted) throw STOP;
      }, async () => {
        if (pending) { const p = pending; pending = null; await p; }
        if (signal?.aborted) throw STOP;
      }, signal);
    } catch (e) {
      if (e !== STOP) throw e;
    }
    if (pending) await pending;
    const err = core.evalError() || core.renderErrorType();
    if (err) throw new QuarryError(core.renderErrorType() ? `wrong event type ${core.renderErrorType()}` : 'filter evaluation error');
    return {
      eventsRead: core.readEvents(), driverDrops: this.probeDrops(),
      firstEventTs: (BigInt(core.firstEventTsHi() >>> 0) << 32n) | BigInt(core.firstEventTsLo() >>> 0),
      lastEventTs: (BigInt(core.lastEventTsHi() >>> 0) << 32n) | BigInt(core.lastEventTsLo() >>> 0),
    };
  }
}

export interface FeedHooks { drain: () => void; afterPump: () => Promise<void> }

export async function openFileCapture(path: string, opts: FileCaptureOptions = {}): Promise<FileCapture> {
  const c = new FileCapture(path, opts);
  await c.open();
  return c;
}

/** A live capture behind the same Capture API (pipelines' live source). */
export function openLiveCapture(o: { snaplen: number; bufferSize?: number; debug?: boolean }): Capture {
  // loaded here, not at the top: capture-live extends FileCapture
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { LiveCoreCapture } = require('./capture-live') as typeof import('./capture-live');
  return new LiveCoreCapture(o.snaplen, o.debug ?? false, o.bufferSize);
}
