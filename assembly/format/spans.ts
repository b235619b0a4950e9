// SPDX-License-Identifier: Apache-2.0
// Syscall-latency spans made in the core for the otel sink (host/sinks/otel/spans.ts, whose
// row-based path this mirrors decision for decision): a query in span mode pairs each thread's
// syscall enter with its exit and writes a record only for an exit that makes a span (and, when
// spans group per process, for a process exit), so the host never sees enters or non-syscall
// events. A span record holds the OTLP `Span` message from its name on (the host puts the random
// ids in front); values are what the host would have made of the same row (text decoded as
// TextDecoder does, then UTF-8 again; a missing proc.name is "null", as String(null)).
import * as T from "../scap/tables.gen";
import * as G from "../engine";
import { evType, evTid, evTs } from "../scap/event";
import { extract } from "../fields/extract";
import { vKind, vNum, vType, K_NONE, K_NUM } from "../fields/value";
import { valueToText, clearRenderError } from "../fields/render";
import { isNumericType, isSigned, maskTo } from "../fields/rowtypes";
import { Builder, copyBytes } from "../util/bytes";
import { stringOf } from "./pipeline-line";

// The fields a span reads, in the order the host sends their refs (thread.tid and evt.rawtime are
// the event's own tid and time, read directly).
const F_TYPE = 0, F_LATENCY = 1, F_NUM = 2, F_RAWRES = 3, F_FAILED = 4, F_PROC_NAME = 5, F_PID = 6,
  F_FD_NAME = 7, F_CONTAINER = 8, F_RES = 9;
const SPAN_FIELD_COUNT = 10;

// Event type marks (spanMark): not a system call; a process exit.
const NOT_SYSCALL: u8 = 1, PROCEXIT: u8 = 2;
// Grouping modes.
const GROUP_PROCESS = 1, GROUP_CONTAINER = 2;
// Record kinds (the byte after the event index).
const REC_SPAN: u8 = 1, REC_GROUP_END: u8 = 2, REC_STATS: u8 = 3;

class SpanQuery {
  refs: StaticArray<i32> = new StaticArray<i32>(SPAN_FIELD_COUNT);
  marks: StaticArray<u8> = new StaticArray<u8>(T.EVENT_COUNT);
  minLatency: u64 = 0;
  ratio: f64 = 1;
  ttl: u64 = 0;
  group: i32 = 0;
  /** Open enters: event time by thread id. */
  enters: Map<i64, u64> = new Map<i64, u64>();
  now: u64 = 0;
  /** Events of the query since the last stats record. */
  events: u32 = 0;
  expired: u64 = 0;
  unpairedExits: u64 = 0;
  below: u64 = 0;
  sampledOut: u64 = 0;
}

/** The span state of each query (null: a query of rows). */
const ofQuery = new Array<SpanQuery | null>();

export function setQuerySpans(q: i32, minLatency: u64, ratio: f64, ttl: u64, group: i32): void {
  while (ofQuery.length <= q) ofQuery.push(null);
  const s = new SpanQuery();
  s.minLatency = minLatency; s.ratio = ratio; s.ttl = ttl; s.group = group;
  ofQuery[q] = s;
}
export function setSpanRef(q: i32, i: i32, ref: i32): void { unchecked(ofQuery[q])!.refs[i] = ref; }
export function setSpanMark(q: i32, et: i32, mark: u8): void { unchecked(ofQuery[q])!.marks[et] = mark; }
export function isSpanQuery(q: i32): bool { return q < ofQuery.length && unchecked(ofQuery[q]) != null; }

const text = new Builder();

// @ts-ignore: decorator
@inline function get(s: SpanQuery, f: i32): bool { return extract(unchecked(G.refs[unchecked(s.refs[f])])); }

/** An integer field as the host's row has it (null: 0, as the sink's big()/num() make it). */
function int(s: SpanQuery, f: i32): i64 {
  if (!get(s, f) || vKind != K_NUM || !isNumericType(vType)) return 0;
  return isSigned(vType) ? vNum : maskTo(vType, vNum);
}

/** A text field as the host decodes it, into `text`; false when the host's row has null. */
function str(s: SpanQuery, f: i32): bool {
  text.reset();
  if (!get(s, f) || vKind == K_NONE) return false;
  if (valueToText(text)) return true;
  clearRenderError();
  return false;
}

// ---- protobuf --------------------------------------------------------------------------

function varint(b: Builder, v: u64): void {
  b.grow(10);
  while (v >= 0x80) { b.c(<i32>(v & 0x7f) | 0x80); v >>= 7; }
  b.c(<i32>v);
}
function fixed64(b: Builder, v: u64): void { b.grow(8); store<u64>(b.buf.dataStart + b.len, v); b.len += 8; }

/** Starts a length-delimited field; `endLen` writes its length (moving the content when it takes more than a byte). */
function beginLen(b: Builder, tag: i32): i32 { b.c(tag); b.c(0); return b.len; }
function endLen(b: Builder, at: i32): void {
  const n = b.len - at;
  if (n < 0x80) { store<u8>(b.buf.dataStart + at - 1, <u8>n); return; }
  let extra = 1;
  while ((<u64>n >> (7 * (extra + 1))) != 0) extra++;
  b.grow(extra);
  const p = b.buf.dataStart;
  memory.copy(p + at + extra, p + at, n);
  b.len += extra;
  let o = p + at - 1;
  let v = <u32>n;
  while (v >= 0x80) { store<u8>(o++, <u8>((v & 0x7f) | 0x80)); v >>= 7; }
  store<u8>(o, <u8>v);
}

/** The text in `text` as the host's string (TextDecoder, then UTF-8 again). */
function putText(b: Builder): void { stringOf(b, text.buf.dataStart, text.len, false); }

function strField(b: Builder, tag: i32): void { const m = beginLen(b, tag); putText(b); endLen(b, m); }

/** An attribute's KeyValue.key field (tag, length, the key), made once. */
function keyField(key: string): StaticArray<u8> {
  const a = new StaticArray<u8>(key.length + 2);
  a[0] = 0x0a; a[1] = <u8>key.length;
  for (let i = 0; i < key.length; i++) a[i + 2] = <u8>key.charCodeAt(i);
  return a;
}
const K_EXE = keyField("process.executable.name"), K_PID = keyField("process.pid"), K_TID = keyField("thread.id"),
  K_RESULT = keyField("syscall.result"), K_FD = keyField("fd.name"), K_CONTAINER = keyField("container.id"), K_ERRNO = keyField("syscall.errno");

function putKey(b: Builder, key: StaticArray<u8>): void {
  const n = key.length;
  b.grow(n);
  copyBytes(b.buf.dataStart + b.len, changetype<usize>(key), n);
  b.len += n;
}

/** KeyValue attribute (Span field 9) with a string value from `text`. */
function strAttr(b: Builder, key: StaticArray<u8>): void {
  const kv = beginLen(b, 0x4a);
  putKey(b, key);
  const any = beginLen(b, 0x12);
  strField(b, 0x0a);
  endLen(b, any); endLen(b, kv);
}
/** KeyValue attribute with an int value (lengths known up front: keys are short, a varint at most 10 bytes). */
function intAttr(b: Builder, key: StaticArray<u8>, v: i64): void {
  let n = 1;
  for (let u = <u64>v; u >= 0x80; u >>= 7) n++;
  b.grow(5);
  b.c(0x4a); b.c(key.length + 3 + n);
  putKey(b, key);
  b.c(0x12); b.c(1 + n); b.c(0x18);
  varint(b, <u64>v);
}

// ---- records ---------------------------------------------------------------------------
// In the rows region, behind the row header (u32 length, u16 query, u16 0):
//   u32 event index (among the query's events since the last stats record; stats: their number) | u8 kind, then
//   span:      u64 start | u64 end | u16 n + group key | u16 n + group label | Span fields 5.. to the end
//   group end: u16 n + group key
//   stats:     u64 now | u64 expired enters | u64 unpaired exits | u64 below threshold | u64 sampled out | u32 open enters
// The group key is proc.pid as text (process) or container.id ("host" when missing); the label is proc.name (process).

function header(b: Builder, q: i32, event: u32, kind: u8): i32 {
  const start = b.len;
  b.grow(13);
  store<u16>(b.buf.dataStart + b.len + 4, <u16>q);
  store<u16>(b.buf.dataStart + b.len + 6, 0);
  store<u32>(b.buf.dataStart + b.len + 8, event);
  b.len += 12;
  b.c(kind);
  return start;
}
function end(b: Builder, start: i32): void { store<u32>(b.buf.dataStart + start, <u32>(b.len - start)); }

/** A u16 length, then what `fill` writes. */
function short(b: Builder): i32 { b.grow(2); b.len += 2; return b.len; }
function endShort(b: Builder, at: i32): void { store<u16>(b.buf.dataStart + at - 2, <u16>(b.len - at)); }

/** The group key (see above) of the current event. */
function groupKey(b: Builder, s: SpanQuery): void {
  const at = short(b);
  if (s.group == GROUP_PROCESS) {
    if (get(s, F_PID) && vKind == K_NUM) b.i(int(s, F_PID)); else b.s("null");
  } else if (str(s, F_CONTAINER)) putText(b);
  else b.s("host");
  endShort(b, at);
}

/** The current event, for span query `q`: pairing state, counters, and a record when it makes a span. */
export function spanEvent(q: i32, b: Builder): void {
  const s = unchecked(ofQuery[q])!;
  s.events++;
  const tid = evTid;
  const t = evTs;
  if (t > s.now) s.now = t;
  const mark = unchecked(s.marks[evType]);
  if ((mark & PROCEXIT) != 0 && s.group == GROUP_PROCESS) {
    const r = header(b, q, s.events - 1, REC_GROUP_END);
    groupKey(b, s);
    end(b, r);
    return;
  }
  if (mark & NOT_SYSCALL) return;
  if ((evType & 1) == 0) {
    if (s.enters.has(tid)) s.expired++;
    s.enters.set(tid, t);
    return;
  }
  const latency = <u64>int(s, F_LATENCY);
  // an enter older than enter_ttl has expired, whether or not a batch end swept it yet
  let paired = false;
  if (s.enters.has(tid)) {
    if (s.now - s.enters.get(tid) > s.ttl) s.expired++; else paired = true;
    s.enters.delete(tid);
  }
  if (latency == 0 && !paired) { s.unpairedExits++; return; }
  if (latency < s.minLatency) { s.below++; return; }
  if (s.ratio < 1 && <f64>(<u32>(<u64>int(s, F_NUM) * 2654435761)) / 4294967296.0 >= s.ratio) { s.sampledOut++; return; }
  const start = t - latency;
  const r = header(b, q, s.events - 1, REC_SPAN);
  fixed64(b, start); fixed64(b, t);
  if (s.group != 0) groupKey(b, s); else { b.grow(2); store<u16>(b.buf.dataStart + b.len, 0); b.len += 2; }
  const label = short(b);
  if (s.group == GROUP_PROCESS) { if (str(s, F_PROC_NAME)) putText(b); else b.s("null"); }
  endShort(b, label);
  // Span fields 5 (name) to 16 (flags), as host/sinks/otel/otlp-encode.ts writes them
  if (str(s, F_TYPE)) strField(b, 0x2a); else { b.c(0x2a); b.c(4); b.s("null"); }
  b.c(0x30); b.c(1);
  b.c(0x39); fixed64(b, start);
  b.c(0x41); fixed64(b, t);
  if (str(s, F_PROC_NAME)) strAttr(b, K_EXE);
  else { text.reset(); text.s("null"); strAttr(b, K_EXE); }
  intAttr(b, K_PID, int(s, F_PID));
  intAttr(b, K_TID, tid);
  intAttr(b, K_RESULT, int(s, F_RAWRES));
  if (str(s, F_FD_NAME)) strAttr(b, K_FD);
  if (str(s, F_CONTAINER)) strAttr(b, K_CONTAINER);
  const failed = get(s, F_FAILED) && vKind == K_NUM && vNum != 0;
  const hasRes = failed && str(s, F_RES);
  if (failed) { if (!hasRes) { text.reset(); text.s("null"); } strAttr(b, K_ERRNO); }
  const st = beginLen(b, 0x7a);
  if (failed) { if (text.len > 0) strField(b, 0x12); b.c(0x18); b.c(2); } // an empty message is left out, as the host's encoder does
  endLen(b, st);
  b.grow(6);
  b.c(0x85); b.c(0x01); store<u32>(b.buf.dataStart + b.len, 0x101); b.len += 4;
  end(b, r);
}

/**
 * Ends the batch of every span query: enters older than the query's enter_ttl (in event time)
 * expire and are counted, and a stats record carries the counters and the newest event time.
 */
export function spanBatchEnd(b: Builder): void {
  for (let q = 0; q < ofQuery.length; q++) {
    const s = unchecked(ofQuery[q]);
    if (s == null) continue;
    const tids = s.enters.keys();
    for (let i = 0; i < tids.length; i++) {
      const tid = unchecked(tids[i]);
      if (s.now - s.enters.get(tid) > s.ttl) { s.enters.delete(tid); s.expired++; }
    }
    const r = header(b, q, s.events, REC_STATS);
    s.events = 0;
    fixed64(b, s.now); fixed64(b, s.expired); fixed64(b, s.unpairedExits); fixed64(b, s.below); fixed64(b, s.sampledOut);
    b.grow(4); store<u32>(b.buf.dataStart + b.len, <u32>s.enters.size); b.len += 4;
    end(b, r);
  }
}
