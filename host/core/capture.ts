// SPDX-License-Identifier: Apache-2.0
// Structured access to a capture file for chisels and pipelines: queries (filter + fields)
// run in the Wasm core, which hands back rows of typed values in event order, a batch per
// core pass (never one boundary crossing per event).
import { loadCore, Core } from './wasm';
import { CoreProgram } from './program';
import { resolveFieldName, FieldNameError, ResolvedField } from './fieldnames';
import { EVENTS, EVENT_NAMES } from '../filter/events';
import { checkFilter, emitFilter } from '../filter/compile';
import { parseFormat, emitFormat, unescapeFormat } from '../format/compile';
import { Drain, scanFile } from '../sources/file';
import {
  Capture, CaptureStats, FieldValue, Query, RowBatchHandler, OrderedRowHandler, QuarryError,
  MachineInfo, ThreadInfo, ThreadTableOptions, FdInfo, BufferFormat, LineSpec, SpanSpec,
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

/**
 * Decodes the core's row encoding (assembly/index.ts emitRow). A pipeline line (kind 7, the last
 * value of the rows of queries with `hasLine[q]`) is not decoded: `onRow` gets its offsets in `mem`.
 * With `wide`, 64-bit integers of fields that are not wide (`wide[q][i]` false) come as numbers.
 * Text is decoded as TextDecoder does (invalid UTF-8 as U+FFFD, a leading BOM dropped). Records of
 * span queries (`spans.of[q]`) are not decoded either: `spans.on` gets their offsets in `mem`.
 */
export function decodeRows(mem: Uint8Array, ptr: number, len: number, onRow: (q: number, row: FieldValue[], lineStart: number, lineEnd: number) => void,
  hasLine?: readonly boolean[], wide?: readonly (readonly boolean[])[], spans?: { of: readonly boolean[]; on: (q: number, start: number, end: number) => void }): void {
  const dv = new DataView(mem.buffer, mem.byteOffset + ptr, len);
  const text = Buffer.from(mem.buffer, mem.byteOffset + ptr, len);
  let p = 0;
  while (p + 8 <= len) {
    const size = dv.getUint32(p, true);
    const q = dv.getUint16(p + 4, true);
    if (spans?.of[q]) { spans.on(q, ptr + p + 8, ptr + p + size); p += size; continue; }
    let nf = dv.getUint16(p + 6, true);
    let o = p + 8;
    const line = hasLine !== undefined && hasLine[q];
    if (line) nf--;
    const w = wide?.[q];
    const row: FieldValue[] = new Array(nf);
    for (let i = 0; i < nf; i++) {
      const kind = dv.getUint8(o++);
      switch (kind) {
        case 0: row[i] = null; break;
        // Number(bigint) rounds once; so does hi * 2^32 + lo (the product is exact)
        case 1: row[i] = w && !w[i] ? dv.getInt32(o + 4, true) * 4294967296 + dv.getUint32(o, true) : dv.getBigInt64(o, true); o += 8; break;
        case 2: row[i] = w && !w[i] ? dv.getUint32(o + 4, true) * 4294967296 + dv.getUint32(o, true) : dv.getBigUint64(o, true); o += 8; break;
        case 3: row[i] = dv.getFloat64(o, true); o += 8; break;
        case 4: {
          const n = dv.getUint32(o, true);
          o += 4;
          const bom = n >= 3 && text[o] === 0xef && text[o + 1] === 0xbb && text[o + 2] === 0xbf ? 3 : 0;
          row[i] = text.toString('utf8', o + bom, o + n);
          o += n;
          break;
        }
        case 5: row[i] = dv.getUint8(o++) !== 0; break;
        case 6: { const n = dv.getUint32(o, true); o += 4; const a = new Uint8Array(n); a.set(mem.subarray(ptr + o, ptr + o + n)); row[i] = a; o += n; break; }
        default: throw new Error(`bad row encoding kind ${kind}`);
      }
    }
    if (line) {
      if (dv.getUint8(o) !== 7) throw new Error('row without its line');
      const n = dv.getUint32(o + 1, true);
      onRow(q, row, ptr + o + 5, ptr + o + 5 + n);
    } else onRow(q, row, -1, -1);
    p += size;
  }
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
  protected async feed(core: Core, drain: Drain, afterPump: () => Promise<void>, signal?: AbortSignal): Promise<void> {
    await scanFile(this.sourceName, core, drain, afterPump);
  }

  async run(queries: Query[], onRows: RowBatchHandler, signal?: AbortSignal): Promise<CaptureStats> {
    return this.runOrdered(queries, async (qi, rows, lines, spans) => {
      if (queries.length === 1) { await onRows(0, rows, lines, spans?.[0]); return; }
      // regroup per query, keeping order within each query
      const per = new Map<number, number[]>();
      for (let i = 0; i < rows.length; i++) {
        let a = per.get(qi[i]);
        if (!a) per.set(qi[i], (a = []));
        a.push(i);
      }
      for (const [q, at] of per) {
        const rs = at.map((i) => rows[i]);
        if (lines && queries[q].line) await onRows(q, rs, { data: lines.data, start: Uint32Array.from(at, (i) => lines.start[i]), end: Uint32Array.from(at, (i) => lines.end[i]) });
        else await onRows(q, rs);
      }
      if (spans) for (let q = 0; q < spans.length; q++) if (spans[q]) await onRows(q, [], undefined, spans[q]);
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
      if (q.line) core.queryLine(id, emitLine(prog, q.line));
      if (q.spans) spanQuery(prog, id, q.spans);
    });
    const hasLine = queries.map((q) => q.line !== undefined);
    const lines = hasLine.includes(true);
    const isSpans = queries.map((q) => q.spans !== undefined);
    const spans = isSpans.includes(true);
    let pending: Promise<void> | null = null;
    const drain = () => {
      if (spans) core.spanBatchEnd();
      const n = core.rowsLen();
      if (!n) return pending !== null;
      const idx: number[] = [];
      const rows: FieldValue[][] = [];
      const starts: number[] = [];
      const ends: number[] = [];
      const records = spans ? queries.map((q) => (q.spans ? { start: [] as number[], end: [] as number[] } : undefined)) : [];
      // with lines or spans, the rows region is copied out once: lines and span records stay bytes in that copy
      const data = lines || spans ? Buffer.from(new Uint8Array(core.memory.buffer, core.rowsPtr(), n)) : undefined;
      decodeRows(data ?? new Uint8Array(core.memory.buffer), data ? 0 : core.rowsPtr(), n, (q, row, ls, le) => {
        idx.push(q); rows.push(row);
        if (lines) { starts.push(ls); ends.push(le); }
      }, hasLine, wide, spans ? { of: isSpans, on: (q, s, e) => { records[q]!.start.push(s); records[q]!.end.push(e); } } : undefined);
      core.rowsReset();
      core.outputReset();
      const batches = spans ? records.map((r) => r && { data: data!, start: Uint32Array.from(r.start), end: Uint32Array.from(r.end) }) : undefined;
      const r = onRows(idx, rows, lines ? { data: data!, start: Uint32Array.from(starts), end: Uint32Array.from(ends) } : undefined, batches);
      if (r && typeof (r as Promise<void>).then === 'function') pending = (pending ?? Promise.resolve()).then(() => r as Promise<void>);
      return pending !== null; // a consumer still waiting: the reader holds back until afterPump
    };
    const STOP = new Error('stop');
    try {
      await this.feed(core, () => {
        const wait = drain();
        if (signal?.aborted) throw STOP;
        return wait;
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

/** True when the field's 64-bit integers reach the host as bigint (the rest become numbers). */
function isWide(r: ResolvedField): boolean {
  return WIDE.has(r.field.type) || r.field.name === 'evt.rawarg';
}

function resolveOrThrow(name: string): ResolvedField {
  let r;
  try { r = resolveFieldName(name, EVENT_NAMES); } catch (e) {
    if (e instanceof FieldNameError) throw new QuarryError(e.message);
    throw e;
  }
  if (!r || r.length === 0 || r.length !== name.length) throw new QuarryError(`unknown field ${name}`);
  return r;
}

/** The fields a span query reads, in the order of assembly/format/spans.ts. */
const SPAN_REFS = ['evt.type', 'evt.latency', 'evt.num', 'evt.rawres', 'evt.failed', 'proc.name', 'proc.pid', 'fd.name', 'container.id', 'evt.res'];

/** Makes core query `q` a span query (Query.spans). */
function spanQuery(prog: CoreProgram, q: number, spec: SpanSpec): void {
  const core = prog.core;
  core.querySpans(q, spec.minLatencyNs, spec.sampleRatio, spec.enterTtlNs, ['none', 'process', 'container'].indexOf(spec.group));
  SPAN_REFS.forEach((f, i) => core.querySpanRef(q, i, prog.ref(resolveOrThrow(f))));
  for (const e of EVENTS) {
    const mark = (spec.notSyscall.has(e.name) ? 1 : 0) | (e.name === spec.processExit ? 2 : 0);
    if (mark) core.querySpanMark(q, e.id, mark);
  }
}

/** Builds a pipeline line (Query.line) in the core; returns its slot. */
function emitLine(prog: CoreProgram, spec: LineSpec): number {
  const core = prog.core;
  core.lineBegin(spec.json ? 1 : 0);
  for (const part of spec.parts) {
    if ('literal' in part) core.lineLiteral(prog.scratch(Buffer.from(part.literal, 'utf8')));
    else { const r = resolveOrThrow(part.field); core.lineField(prog.ref(r), isWide(r) ? 1 : 0); }
  }
  return core.lineEnd();
}

/**
 * (for pipelines) Whether the core renders a line over these fields exactly as the host would:
 * not for fields of double or dynamic type (JavaScript's number formatting is not reproduced).
 */
export function coreRendersLine(fields: readonly string[]): boolean {
  return fields.every((f) => {
    try { const t = resolveOrThrow(f).field.type; return t !== 'PT_DOUBLE' && t !== 'PT_DYN'; } catch { return false; }
  });
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
