// SPDX-License-Identifier: Apache-2.0
// The core's only boundary. Exports take and return numbers: the host copies raw capture
// bytes into the input region, calls scan() once per chunk, and drains the output region.
import {
  SHB, MI, MI_INT, FDL, FDL_INT, FDL_V2, IL, IL_INT, IL_V2, UL, UL_INT, UL_V2,
  PL_V1, PL_V1_INT, PL_V2, PL_V2_INT, PL_V3, PL_V3_INT, PL_V4, PL_V5, PL_V6, PL_V7, PL_V8, PL_V9,
  isEventBlock, decodeEventBlock, readMachineInfo, readProcList, readFdList, readUserList,
  fail, resetReader, errCode, errOffset, errBlockType, needBytes, sawHeader, unknownBlocks, lastUnknownType,
  ERR_NOT_CAPTURE, ERR_BAD_BLOCK, ERR_BAD_EVENT, ERR_BAD_LIST, ERR_TRUNCATED, ERR_VERSION,
} from "./scap/reader";
import * as R from "./scap/reader";
import { evType, evTs, evNum } from "./scap/event";
import * as E from "./scap/event";
import * as T from "./scap/tables.gen";
import { prepareEvent, skipEvent, parseEvent, markFilteredOut, curThread, initParseTables, noteFdNameChange, cleanupEvent } from "./state/parse";
import * as P from "./state/parse";
import { ip6To } from "./format/net";
import * as G from "./engine";
import { formatEvent } from "./format/custom";
import { extract } from "./fields/extract";
import { vKind, vNum, vDbl, vPtr, vLen, vType, K_NONE, K_NUM, K_BYTES, K_DBL } from "./fields/value";
import { valueToText, renderError, clearRenderError } from "./fields/render";
import { evalErrOp, evalErrKind, genericCode } from "./filter/eval";
import { Builder } from "./util/bytes";
import * as S from "./state/tables";
import { ipv4TupleName } from "./format/net";
import * as NET from "./format/net";
import { jsonString } from "./fields/render";
import { setBufFormat, bufFormat, jsonMode, maxBufLen } from "./format/params";
import { putBytes, putc, ensure, outPos, setOutPos } from "./util/out";
import { resetState } from "./state/tables";
import { outInit, outBase, outLen, outReset, outRoom, OUT_SLACK } from "./util/out";
import { writeDefaultLine, setTimeMode, noteFirstTs, resetLine } from "./format/line";
import { setBufFormat } from "./format/params";
import { isNumericType, isSigned, maskTo } from "./fields/rowtypes";
import * as PL from "./format/pipeline-line";
import * as SP from "./format/spans";

let inBase: usize = 0;
let inCap: u32 = 0;

// configuration
let debugMode: bool = false;
let quiet: bool = false;
let maxEvents: u64 = 0;          // -n (0 = no limit)
let engineFilter: i32 = -1;      // filter slot applied in the engine (sysdig's capture filter)
let displayFilter: i32 = -1;     // -d
let outFormat: i32 = -1;         // -p / -j format slot (-1: default line)
let rowsMode: bool = false;      // structured queries instead of printing
let counting: bool = false;      // -S
let copyRecords: bool = false;   // -w with a filter: passing events are copied out as records

// counters
let eventsRead: u64 = 0;        // all events decoded
let captured: u64 = 0;          // events that passed the filter (sysdig's "Captured Events")
let fileOffset: u64 = 0;        // offset of inBase in the decompressed file
let done: bool = false;
let leading: bool = true;       // still inside the initial container-event run
let firstTsAll: u64 = 0;
let lastTsAll: u64 = 0;

export function init(inSize: u32): void {
  initParseTables();
  inBase = heap.alloc(inSize);
  inCap = inSize;
  outInit();
  reset();
}

export function reset(): void {
  resetState(); resetReader(); resetLine();
  eventsRead = 0; captured = 0; fileOffset = 0; done = false; leading = true;
  E.evNum = 0;
}

export function inputPtr(): usize { return inBase; }
export function inputCap(): u32 { return inCap; }

/** Grows the input region to at least n bytes, keeping the first keep bytes. */
export function growInput(n: u32, keep: u32): usize {
  const nb = heap.alloc(n);
  memory.copy(nb, inBase, keep);
  heap.free(inBase);
  inBase = nb; inCap = n;
  return inBase;
}

export function configure(timeMode: i32, tzOffsetSec: i32, tty: i32, debug: i32, bufFormat: i32, json: i32, maxBufLen: i32, q: i32): void {
  setTimeMode(timeMode, <i64>tzOffsetSec, tty != 0);
  setBufFormat(bufFormat, json != 0, maxBufLen);
  debugMode = debug != 0;
  quiet = q != 0;
}

export function setMaxEvents(n: f64): void { maxEvents = <u64>n; }

// ---- programs ----------------------------------------------------------------------------

/** Scratch region the host writes names and values into before the calls below. */
let scratch: usize = 0;
export function scratchPtr(size: i32): usize { if (scratch == 0) scratch = heap.alloc(1 << 16); return scratch; }

export function refNew(fid: i32, argKind: i32, argNum: f64, nameLen: i32): i32 {
  return G.newRef(fid, argKind, <i64>argNum, fromMemScratch(nameLen));
}
export function refSetTypeIs(ref: i32, t0: i32, t1: i32): void { G.refs[ref].typeIs0 = t0; G.refs[ref].typeIs1 = t1; }
export function refSetAround(ref: i32, ts: f64, delta: f64): void { G.refs[ref].aroundTs = <u64>ts; G.refs[ref].argNum = <i64>delta; }
export function filterBegin(): void { G.filterBegin(); }
export function filterPush(boolop: i32): void { G.filterPush(boolop); }
export function filterPop(): void { G.filterPop(); }
export function filterCheck(boolop: i32, ref: i32, cmpop: i32, ctype: i32, special: i32): void { G.filterCheck(boolop, ref, cmpop, <u8>ctype, special); }
export function filterValue(len: i32, num: f64, numHi: i32, numLo: u32): void {
  // 64-bit numbers arrive as two halves to stay exact
  const v = (<i64>numHi << 32) | <i64>numLo;
  G.filterValue(scratch, len, v);
}
export function filterEnd(): i32 { return G.filterEnd(); }
/** The engine filter's possible event types (null: any), looked up once rather than per event. */
let engineTypes: StaticArray<u8> | null = null;
let engineSyscalls: StaticArray<u8> | null = null;
export function setEngineFilter(slot: i32): void {
  engineFilter = slot;
  engineTypes = slot >= 0 ? G.filterTypes[slot] : null;
  engineSyscalls = slot >= 0 ? G.filterSyscalls[slot] : null;
}
export function setDisplayFilter(slot: i32): void { displayFilter = slot; }
/** The event types (sc != 0: the syscall codes of generic events) filter `slot` can be true for,
 *  one byte each, copied to the scratch region; returns the count, 0 when it can be any. */
export function filterMask(slot: i32, sc: i32): i32 {
  const m = sc != 0 ? G.filterSyscalls[slot] : G.filterTypes[slot];
  if (m == null) return 0;
  const p = scratchPtr(0);
  for (let i = 0; i < m.length; i++) store<u8>(p + i, unchecked(m[i]));
  return m.length;
}
export function formatBegin(requireAll: i32, json: i32): void { G.formatBegin(requireAll != 0, json != 0); }
export function formatLiteral(len: i32): void { G.formatLiteral(scratch, len); }
export function formatField(ref: i32, width: i32, key: i32): void { G.formatField(ref, width, key); }
export function formatKey(len: i32): void { G.formatKey(scratch, len); }
export function formatEnd(): i32 { return G.formatEnd(); }
export function setOutputFormat(slot: i32): void { outFormat = slot; }
export function queryNew(filter: i32, format: i32): i32 { rowsMode = true; return G.queryNew(filter, format); }
export function queryField(q: i32, ref: i32): void { G.queryField(q, ref); }
export function queryCount(): i32 { return G.queries.length; }
/** Query q's filter slot (-1: none). */
export function queryFilter(q: i32): i32 { return G.queries[q].filter; }
/** The engine filter's slot (-1: none). */
export function engineFilterSlot(): i32 { return engineFilter; }
/** Pipeline lines (format/pipeline-line.ts): literals from the scratch region and fields; a query with a line ends each row with it. */
export function lineBegin(json: i32): void { PL.lineBegin(json != 0); }
export function lineLiteral(len: i32): void { PL.lineLiteral(fromMemScratch(len)); }
export function lineField(ref: i32, wide: i32): void { PL.lineField(ref, wide != 0); }
export function lineEnd(): i32 { return PL.lineEnd(); }
export function queryLine(q: i32, slot: i32): void { PL.setQueryLine(q, slot); }
/** Span mode (format/spans.ts): the query's rows are span records; times in ns, group 0 none, 1 process, 2 container. */
export function querySpans(q: i32, minLatency: f64, ratio: f64, ttl: f64, group: i32): void { SP.setQuerySpans(q, <u64>minLatency, ratio, <u64>ttl, group); }
/** Field `i` of a span query (format/spans.ts lists them). */
export function querySpanRef(q: i32, i: i32, ref: i32): void { SP.setSpanRef(q, i, ref); }
/** Event type `et` is not a syscall (mark 1) or a process exit (mark 2), for a span query. */
export function querySpanMark(q: i32, et: i32, mark: i32): void { SP.setSpanMark(q, et, <u8>mark); }
/** Appends each span query's stats record (expiring old enters) to the rows region: the end of a batch. */
export function spanBatchEnd(): void { SP.spanBatchEnd(rows); }
export function queryStopAfter(q: i32, n: f64): void { G.queries[q].stopAfter = <u64>n; }
export function queryBufFormat(q: i32, f: i32): void { G.queries[q].bufFormat = f; }
export function firstEventTsHi(): u32 { return <u32>(firstTsAll >> 32); }
export function firstEventTsLo(): u32 { return <u32>firstTsAll; }
export function lastEventTsHi(): u32 { return <u32>(lastTsAll >> 32); }
export function lastEventTsLo(): u32 { return <u32>lastTsAll; }

/** Machine info and the thread table as JSON text in the rows region (for chisels). */
export function machineJson(): void {
  rows.reset();
  rows.s("{\"numCpus\":"); rows.u(R.numCpus);
  rows.s(",\"memorySizeBytes\":\""); rows.u(R.memorySize);
  rows.s("\",\"maxPid\":\""); rows.u(R.maxPid);
  rows.s("\",\"hostname\":"); jsonStr(rows, R.hostname);
  rows.s("}");
}

/**
 * The thread table as sysdig's get_thread_table builds it (chisel_api.cpp). With `filterPlus1` > 0
 * (a filter slot + 1; 0 or a missing argument: no filter),
 * the filter runs on a made-up read exit event for every (thread, fd) pair, and only threads with a
 * matching fd, and only their matching fds, are listed. A thread's fds are its fd table's (the main
 * thread's when it shares it: threadinfo::get_fd_table).
 */
export function threadTableJson(withFds: i32, filterPlus1: i32): void {
  collectIfDue();
  const filterSlot = filterPlus1 - 1;
  rows.reset();
  rows.c(91);
  const ts = S.threads.values();
  // the made-up event: PPME_SYSCALL_READ_X without params, at the last event's time
  const sType = E.evType, sN = E.evNParams, sTid = E.evTid, sCpu = E.evCpu, sNum = E.evNum;
  const sThr = P.curThread, sFd = P.curFd;
  const filtering = filterSlot >= 0;
  if (filtering) { E.evType = T.PPME_SYSCALL_READ_X; E.evNParams = 0; E.evCpu = 0; E.evNum = 0; }
  let first = true;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i];
    const owner = S.fdOwner(t);
    const keys = owner != null ? owner.fds.map.keys() : new Array<i64>();
    let pass: Array<bool> | null = null;
    if (filtering) {
      pass = new Array<bool>(keys.length);
      let any = false;
      const saveLe = t.lastEventFd;
      E.evTid = t.tid; P.curThread = t;
      for (let j = 0; j < keys.length; j++) {
        P.curFd = owner!.fds.map.get(keys[j]);
        t.lastEventFd = keys[j];
        const ok = G.runFilter(filterSlot);
        pass[j] = ok;
        if (ok) any = true;
      }
      t.lastEventFd = saveLe;
      if (!any) continue;
    }
    if (!first) rows.c(44);
    first = false;
    rows.s("{\"tid\":"); rows.i(t.tid); rows.s(",\"pid\":"); rows.i(t.pid); rows.s(",\"ptid\":"); rows.i(t.ptid);
    rows.s(",\"comm\":"); jsonStr(rows, t.comm); rows.s(",\"exe\":"); jsonStr(rows, t.exe);
    rows.s(",\"args\":["); for (let j = 0; j < t.args.length; j++) { if (j) rows.c(44); jsonStr(rows, t.args[j]); } rows.c(93);
    rows.s(",\"env\":["); for (let j = 0; j < t.env.length; j++) { if (j) rows.c(44); jsonStr(rows, t.env[j]); } rows.c(93);
    rows.s(",\"flags\":"); rows.u(t.flags); rows.s(",\"fdlimit\":\""); rows.i(t.fdlimit);
    rows.s("\",\"uid\":"); rows.u(t.uid); rows.s(",\"gid\":"); rows.u(t.gid);
    rows.s(",\"username\":"); if (S.users.has(t.uid)) jsonStr(rows, S.users.get(t.uid)); else rows.s("\"<NA>\"");
    rows.s(",\"nchilds\":"); rows.i(t.nchilds);
    rows.s(",\"pfmajor\":\""); rows.u(t.pfmajor); rows.s("\",\"pfminor\":\""); rows.u(t.pfminor);
    rows.s("\",\"cloneTs\":\""); rows.u(t.cloneTs);
    rows.s("\",\"vmsizeKb\":"); rows.u(t.vmsize); rows.s(",\"vmrssKb\":"); rows.u(t.vmrss); rows.s(",\"vmswapKb\":"); rows.u(t.vmswap);
    if (withFds) {
      rows.s(",\"fds\":[");
      let firstFd = true;
      for (let j = 0; j < keys.length; j++) {
        if (pass != null && !pass[j]) continue;
        const f = owner!.fds.map.get(keys[j]);
        if (!firstFd) rows.c(44);
        firstFd = false;
        rows.s("{\"fd\":"); rows.i(keys[j]); rows.s(",\"name\":"); jsonPrintable(rows, f.name);
        rows.s(",\"typechar\":\""); rows.c(f.typeChar()); rows.s("\",\"type\":"); rows.u(f.type);
        rows.s(",\"role\":"); rows.u(f.role); rows.s(",\"l4\":"); rows.u(f.l4());
        rows.s(",\"sip\":"); rows.u(f.sip); rows.s(",\"dip\":"); rows.u(f.dip);
        rows.s(",\"sport\":"); rows.u(f.sport); rows.s(",\"dport\":"); rows.u(f.dport);
        rows.s(",\"srvIp\":"); rows.u(f.srvIp); rows.s(",\"srvPort\":"); rows.u(f.srvPort);
        sockJson(f);
        rows.c(125);
      }
      rows.c(93);
    }
    rows.c(125);
  }
  rows.c(93);
  if (filtering) {
    E.evType = sType; E.evNParams = sN; E.evTid = sTid; E.evCpu = sCpu; E.evNum = sNum;
    P.curThread = sThr; P.curFd = sFd;
  }
}

const addrB = new Builder();

/** get_thread_table's socket entries: client/server address text and ports (inet_ntop). */
function sockJson(f: S.Fd): void {
  const ty = f.type;
  if (!(ty == S.FD_IPV4_SOCK || ty == S.FD_IPV4_SERVSOCK || ty == S.FD_IPV6_SOCK || ty == S.FD_IPV6_SERVSOCK)) return;
  let isServer = true;
  addrB.reset();
  if (ty == S.FD_IPV4_SOCK) {
    ip4To(addrB, f.sip); rows.s(",\"cipText\":"); jsonStr(rows, addrB.take());
    addrB.reset(); ip4To(addrB, f.dip); rows.s(",\"sipText\":"); jsonStr(rows, addrB.take());
    rows.s(",\"cportNum\":"); rows.u(f.sport); rows.s(",\"sportNum\":"); rows.u(f.dport);
    isServer = f.isServer();
  } else if (ty == S.FD_IPV4_SERVSOCK) {
    ip4To(addrB, f.srvIp); rows.s(",\"sipText\":"); jsonStr(rows, addrB.take());
    rows.s(",\"sportNum\":"); rows.u(f.srvPort);
  } else if (ty == S.FD_IPV6_SOCK) {
    ip6To(addrB, f.sip6()); rows.s(",\"cipText\":"); jsonStr(rows, addrB.take());
    addrB.reset(); ip6To(addrB, f.dip6()); rows.s(",\"sipText\":"); jsonStr(rows, addrB.take());
    rows.s(",\"cportNum\":"); rows.u(f.sport6); rows.s(",\"sportNum\":"); rows.u(f.dport6);
    isServer = f.isServer();
  } else {
    ip6To(addrB, f.sip6()); rows.s(",\"sipText\":"); jsonStr(rows, addrB.take());
    rows.s(",\"sportNum\":"); rows.u(f.srv6Port);
  }
  rows.s(",\"isServer\":"); rows.s(isServer ? "true" : "false");
  const l4 = f.l4();
  rows.s(",\"l4proto\":\""); rows.s(l4 == S.L4_TCP ? "tcp" : l4 == S.L4_UDP ? "udp" : l4 == S.L4_ICMP ? "icmp" : l4 == S.L4_RAW ? "raw" : "<NA>"); rows.c(34);
}

function ip4To(bb: Builder, ip: u32): void {
  bb.u(ip & 255); bb.c(46); bb.u((ip >> 8) & 255); bb.c(46); bb.u((ip >> 16) & 255); bb.c(46); bb.u(ip >> 24);
}

/** fdinfo::tostring_clean: the name without non-printable bytes (sanitize_string). */
function jsonPrintable(b: Builder, a: Uint8Array): void {
  let clean = true;
  for (let i = 0; i < a.length; i++) { const c = a[i]; if (c < 0x20 || c > 0x7e) { clean = false; break; } }
  if (clean) { jsonStr(b, a); return; }
  addrB.reset();
  for (let i = 0; i < a.length; i++) { const c = a[i]; if (c >= 0x20 && c <= 0x7e) addrB.c(c); }
  jsonStr(b, addrB.take());
}

function fdOwnerIsSelf(t: S.Thread): bool { return !(t.flags & S.CL_CLONE_FILES) || t.isMain(); }

function jsonStr(b: Builder, a: Uint8Array): void { jsonString(b, a.dataStart, a.length); }
export function setCounting(on: i32): void { counting = on != 0; }
/** -R: port names (proto 0 any, 1 tcp, 2 udp); the name is in the scratch region. */
export function serviceAdd(port: i32, proto: i32, nameLen: i32): void {
  const k = (<u32>port) * 4 + <u32>proto;
  if (!NET.services.has(k)) NET.services.set(k, fromMemScratch(nameLen));
}
export function setResolvePorts(on: i32): void { NET.setResolvePorts(on != 0); }
/** Output region carries [u16 cpu][u16 0][v2 record] for every event that passes the filter. */
export function setCopyRecords(on: i32): void { copyRecords = on != 0; }
export function evalError(): i32 { return evalErrOp; }
export function evalErrorKind(): i32 { return evalErrKind; }
export function renderErrorType(): i32 { return renderError; }

function fromMemScratch(n: i32): Uint8Array {
  const a = new Uint8Array(n);
  if (n > 0) memory.copy(a.dataStart, scratch, n);
  return a;
}

// ---- rows ----------------------------------------------------------------------------------
// Row encoding: u32 byte length | u16 query | u16 nfields | per field: u8 kind + payload
//   kind 0 null | 1 i64 | 2 u64 | 3 f64 | 4 text (u32 len + UTF-8) | 5 bool (u8) | 6 bytes (u32 len + raw)
//   | 7 pipeline line (u32 len + UTF-8; last)
// Span queries write span records instead (format/spans.ts), with 0 fields in the header.
const rows = new Builder();
export function rowsPtr(): usize { return rows.buf.dataStart; }
export function rowsLen(): i32 { return rows.len; }
export function rowsReset(): void { rows.reset(); }

const text = new Builder();

function emitRow(qi: i32): void {
  const q = G.queries[qi];
  const start = rows.len;
  rows.grow(8);
  rows.len += 8;
  const nf = q.fields.length;
  for (let i = 0; i < nf; i++) {
    const ref = G.refs[q.fields[i]];
    const ok = extract(ref);
    if (!ok || vKind == K_NONE) { rows.c(0); continue; }
    const ty = vType;
    if (ty == T.PT_BOOL) { rows.c(5); rows.c(vNum != 0 ? 1 : 0); continue; }
    if (vKind == K_NUM && isNumericType(ty)) {
      rows.grow(9);
      const signed = isSigned(ty);
      rows.c(signed ? 1 : 2);
      store<i64>(rows.buf.dataStart + rows.len, signed ? vNum : maskTo(ty, vNum));
      rows.len += 8;
      continue;
    }
    if (vKind == K_DBL) { rows.grow(9); rows.c(3); store<f64>(rows.buf.dataStart + rows.len, vDbl); rows.len += 8; continue; }
    if (ty == T.PT_BYTEBUF && vKind == K_BYTES) {
      rows.grow(5 + vLen); rows.c(6);
      store<u32>(rows.buf.dataStart + rows.len, <u32>vLen); rows.len += 4;
      rows.m(vPtr, vLen);
      continue;
    }
    text.reset();
    if (!valueToText(text)) { clearRenderError(); rows.c(0); continue; }
    rows.grow(5 + text.len); rows.c(4);
    store<u32>(rows.buf.dataStart + rows.len, <u32>text.len); rows.len += 4;
    rows.m(text.buf.dataStart, text.len);
  }
  if (q.format >= 0) {
    text.reset();
    if (formatEvent(G.formats[q.format], text)) {
      rows.grow(5 + text.len); rows.c(4);
      store<u32>(rows.buf.dataStart + rows.len, <u32>text.len); rows.len += 4;
      rows.m(text.buf.dataStart, text.len);
    } else rows.c(0);
  }
  const line = PL.lineOfQuery(qi);
  if (line >= 0) {
    // kind 7: the pipeline line (u32 len + UTF-8), always the row's last value
    rows.grow(5); rows.c(7);
    const at = rows.len;
    rows.len += 4;
    PL.renderLine(line, rows);
    store<u32>(rows.buf.dataStart + at, <u32>(rows.len - at - 4));
  }
  store<u32>(rows.buf.dataStart + start, <u32>(rows.len - start));
  store<u16>(rows.buf.dataStart + start + 4, <u16>qi);
  store<u16>(rows.buf.dataStart + start + 6, <u16>(nf + (q.format >= 0 ? 1 : 0) + (line >= 0 ? 1 : 0)));
}

// ---- -S summary ----------------------------------------------------------------------------
const counts = new StaticArray<u64>(T.EVENT_COUNT + 2 * 1024);
export function countOf(i: i32): f64 { return <f64>counts[i]; }
export function countSlots(): i32 { return counts.length; }

export function outputPtr(): usize { return outBase; }
export function outputLen(): i32 { return outLen(); }
export function outputReset(): void { outReset(); copied = 0; }

export function errorCode(): i32 { return errCode; }
export function errorOffset(): f64 { return <f64>errOffset; }
export function errorBlockType(): u32 { return errBlockType; }
export function neededBytes(): u32 { return needBytes; }
export function isDone(): i32 { return done ? 1 : 0; }
export function capturedEvents(): f64 { return <f64>captured; }
export function readEvents(): f64 { return <f64>eventsRead; }
export function unknownBlockCount(): i32 { return unknownBlocks; }
export function unknownBlockType(): u32 { return lastUnknownType; }

/**
 * Consumes whole blocks from the input region [0, len). Returns the number of bytes consumed.
 * Stops early when the output region needs draining, at the -n limit, or on an error
 * (errorCode() != 0). eof says no more bytes will follow.
 */
export function scan(len: u32, eof: i32): u32 {
  const end = scanAt(0, len, eof);
  fileOffset += end;
  return end;
}

/** Drops the first n bytes of the input region (consumed by scanAt), keeping the next `keep`. */
export function consumeInput(n: u32, keep: u32): void {
  memory.copy(inBase, inBase + n, keep);
  fileOffset += n;
}

/**
 * scan() from `start` (the end of what an earlier scanAt consumed) without moving the input: returns
 * where it stopped; the host drops the consumed bytes once (consumeInput) instead of after every
 * pass. Rows are handed over in small batches (ROWS_BATCH), so a host that turns them into objects
 * keeps few alive at a time.
 */
export function scanAt(start: u32, len: u32, eof: i32): u32 {
  collectIfDue();
  let pos: u32 = start;
  R.needBytes = 0;
  while (!done) {
    if (outRoom() < OUT_SLACK || rows.len > ROWS_BATCH) break;
    if (evalErrOp != 0 || renderError != 0) break;
    if (len - pos < 8) {
      if (eof && len != pos) fail(ERR_TRUNCATED, fileOffset + pos, 0);
      else if (eof && !sawHeader) fail(ERR_NOT_CAPTURE, fileOffset + pos, 0);
      if (len - pos < 8) { if (!eof) R.needBytes = 8; }
      break;
    }
    const p = inBase + pos;
    const bt = load<u32>(p);
    const bl = load<u32>(p, 4);
    if (!sawHeader) {
      if (bt != SHB || bl < 28 || len - pos >= 12 && load<u32>(p, 8) != 0x1A2B3C4D) { fail(ERR_NOT_CAPTURE, fileOffset + pos, bt); break; }
    }
    if (bl < 12 || (bl & 3) != 0) { fail(ERR_BAD_BLOCK, fileOffset + pos, bt); break; }
    if (<u64>pos + <u64>bl > <u64>len) {
      if (eof) { fail(ERR_TRUNCATED, fileOffset + pos, bt); break; }
      R.needBytes = bl;
      break;
    }
    if (load<u32>(p + bl - 4) != bl) { fail(ERR_BAD_BLOCK, fileOffset + pos, bt); break; }
    const body = p + 8;
    const blen = bl - 12;
    if (isEventBlock(bt)) {
      if (!handleEvent(bt, body, blen)) { fail(ERR_BAD_EVENT, fileOffset + pos, bt); break; }
    } else if (bt == SHB) {
      if (blen < 16 || load<u32>(body) != 0x1A2B3C4D) { fail(ERR_NOT_CAPTURE, fileOffset + pos, bt); break; }
      if (load<u16>(body, 4) > 1) { fail(ERR_VERSION, fileOffset + pos, bt); break; }
      R.sawHeader = true;
    } else if (bt == MI || bt == MI_INT) {
      readMachineInfo(body, blen);
    } else if (bt == PL_V1 || bt == PL_V1_INT || bt == PL_V2 || bt == PL_V2_INT || bt == PL_V3 || bt == PL_V3_INT ||
               bt == PL_V4 || bt == PL_V5 || bt == PL_V6 || bt == PL_V7 || bt == PL_V8 || bt == PL_V9) {
      if (!readProcList(bt, body, blen)) { fail(ERR_BAD_LIST, fileOffset + pos, bt); break; }
    } else if (bt == FDL || bt == FDL_INT || bt == FDL_V2) {
      if (!readFdList(bt, body, blen)) { fail(ERR_BAD_LIST, fileOffset + pos, bt); break; }
    } else if (bt == UL || bt == UL_INT || bt == UL_V2) {
      if (!readUserList(bt, body, blen)) { fail(ERR_BAD_LIST, fileOffset + pos, bt); break; }
    } else if (bt == IL || bt == IL_INT || bt == IL_V2) {
      if (!R.readIfList(bt, body, blen)) { fail(ERR_BAD_LIST, fileOffset + pos, bt); break; }
    } else {
      R.unknownBlocks++;
      R.lastUnknownType = bt;
    }
    pos += bl;
  }
  return pos;
}

const ROWS_BATCH: i32 = 512 << 10;

// ---- garbage collection ----------------------------------------------------------------------
// The core is built with AssemblyScript's minimal runtime: a mark & sweep collector that runs only
// when called, with no shadow stack and no write barrier. The incremental runtime's shadow stack
// (a frame pushed, bounds-checked and zero-filled on every call of a function holding a reference)
// cost ~40% of a filtered read. Collecting is only safe while no Wasm frame holds a reference, so
// collectIfDue runs first thing in scanAt and in threadTableJson (which a chisel's timer may call
// while no events come): every GC_EVENTS events, or when the heap had to grow since the last
// collection. A 200 MB capture leaves ~50 bytes of garbage per event, so memory stays near its size
// with the incremental runtime.
const GC_EVENTS: u64 = 100_000;
let eventsAtGc: u64 = 0;
let pagesAtGc: i32 = 0;

function collectIfDue(): void {
  const pages = memory.size();
  if (eventsRead - eventsAtGc < GC_EVENTS && pages == pagesAtGc) return;
  __collect();
  eventsAtGc = eventsRead;
  pagesAtGc = memory.size();
}

const lineB = new Builder();

function handleEvent(bt: u32, body: usize, blen: u32): bool {
  if (!decodeEventBlock(bt, body, blen)) return false;
  const et = evType;
  if (et >= T.EVENT_COUNT) return true; // newer event types: skipped, as sysdig does
  eventsRead++;
  E.evNum++;
  lastTsAll = evTs;
  const isContainer = et == T.PPME_CONTAINER_JSON_E || et == T.PPME_CONTAINER_JSON_2_E;
  if (!isContainer) { noteFirstTs(evTs); leading = false; if (firstTsAll == 0) firstTsAll = evTs; }
  if (eventsRead == 1) fixSocketsFromProc();
  const types = engineTypes;
  if (types != null) {
    let possible = unchecked(types[et]) != 0;
    if (possible && (et == T.PPME_GENERIC_E || et == T.PPME_GENERIC_X) && engineSyscalls != null) {
      const sc = genericCode();
      if (sc >= 0) possible = unchecked(engineSyscalls![sc]) != 0;
    }
    if (!possible && (unchecked(T.EVT_FLAGS[et]) & T.EF_MODIFIES_STATE) == 0 &&
        !(debugMode && (unchecked(T.EVT_CATEGORY[et]) & T.EC_INTERNAL) != 0)) {
      skipEvent();
      return true;
    }
  }
  prepareEvent();
  if (leading && isContainer) { parseEvent(); return true; } // initial container state: consumed at open
  if (engineFilter >= 0) {
    // sysdig filters state-changing events after parsing them, all others before; with -D an
    // internal event the filter drops is still returned (sinsp::next, m_isinternal_events_enabled)
    const passInternal = debugMode && (unchecked(T.EVT_CATEGORY[et]) & T.EC_INTERNAL) != 0;
    if ((unchecked(T.EVT_FLAGS[et]) & T.EF_MODIFIES_STATE) == 0) {
      if (!G.runFilter(engineFilter)) { markFilteredOut(); if (!passInternal) return true; }
      else parseEvent();
    } else {
      parseEvent();
      if (!G.runFilter(engineFilter) && !passInternal) return true;
    }
    if (evalErrOp != 0) return true;
  } else parseEvent();
  noteFdNameChange();
  cleanupEvent();
  captured++;
  if (counting) countEvent(et);
  if (copyRecords) {
    copyRecord();
  } else if (rowsMode) {
    for (let q = 0; q < G.queries.length; q++) {
      const qq = G.queries[q];
      const f = qq.filter;
      if (f >= 0 && !G.runFilter(f)) continue;
      if (SP.isSpanQuery(q)) SP.spanEvent(q, rows);
      else if (qq.bufFormat >= 0) {
        const saveF = bufFormat, saveJ = jsonMode, saveM = maxBufLen;
        setBufFormat(qq.bufFormat, false, 0);
        emitRow(q);
        setBufFormat(saveF, saveJ, saveM);
      } else emitRow(q);
      qq.matched++;
      if (qq.stopAfter != 0 && qq.matched >= qq.stopAfter) done = true;
    }
  } else {
    if (!quiet) {
      const internal = (unchecked(T.EVT_CATEGORY[et]) & T.EC_INTERNAL) != 0;
      if (!internal || debugMode) {
        if (outFormat < 0) {
          if (displayFilter < 0 || G.runFilter(displayFilter)) writeDefaultLine();
        } else if (formatEvent(G.formats[outFormat], lineB)) {
          if (displayFilter < 0 || G.runFilter(displayFilter)) { putBytes(lineB.buf.dataStart, lineB.len); ensure(1); putc(10); }
        }
        if (renderError != 0) { done = true; return true; }
      }
    }
  }
  if (maxEvents != 0 && captured >= maxEvents) done = true;
  return true;
}

/** -S: one more event of this type (generic events under their syscall code). */
function countEvent(et: i32): void {
  if ((et == T.PPME_GENERIC_E || et == T.PPME_GENERIC_X) && E.evNParams > 0) {
    const id = <i32>E.pU16(0);
    const slot = T.EVENT_COUNT + id * 2 + (et == T.PPME_GENERIC_X ? 1 : 0);
    if (slot < counts.length) counts[slot]++;
  } else counts[et]++;
}

/** A failed assertion traps; the host catches the trap and names the byte offset being read. */
export function onAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  unreachable();
}

/** sinsp fix_sockets_coming_from_proc: IPv4 sockets from the fd list get a role (and the
 *  server side first) once the process table is loaded. */
function fixSocketsFromProc(): void {
  const ts = S.threads.values();
  for (let i = 0; i < ts.length; i++) {
    const vals = ts[i].fds.map.values();
    for (let j = 0; j < vals.length; j++) {
      const f = vals[j];
      if (f.type != S.FD_IPV4_SOCK) continue;
      if (S.serverPorts.has(f.sport)) {
        const ip = f.sip; const port = f.sport;
        f.sip = f.dip; f.dip = ip; f.sport = f.dport; f.dport = port;
        f.name = ipv4TupleName(f.sip, f.sport, f.dip, f.dport, f.l4v4);
        f.role |= S.ROLE_SERVER;
      } else f.role |= S.ROLE_CLIENT;
    }
  }
}

/** The current event as a scap EV_V2 block (type, length, cpu, the v2 record with its 26-byte
 *  header and u16 lengths, padding to 4, length again), ready to append to a capture file. */
let copied: i32 = 0;
export function copiedRecords(): i32 { return copied; }
function copyRecord(): void {
  const n = E.evNParams;
  let data: u32 = 0;
  let large = false;
  for (let i = 0; i < n; i++) { const l = unchecked(E.pLen[i]); data += l; if (l > 0xffff) large = true; }
  // a parameter over 64 KiB needs the large variant (u32 lengths)
  const lw = large ? 4 : 2;
  const len = 26 + n * lw + <i32>data;
  const total = 8 + ((2 + len + 3) & ~3) + 4;
  ensure(total);
  const o = outPos;
  store<u32>(o, large ? 0x221 : 0x216); store<u32>(o, <u32>total, 4);
  store<u16>(o, <u16>E.evCpu, 8);
  const p = o + 10;
  memory.copy(p, E.evPtr, 22);
  store<u32>(p, <u32>len, 16);
  store<u32>(p, <u32>n, 22);
  let off: usize = 26 + n * lw;
  for (let i = 0; i < n; i++) {
    const l = unchecked(E.pLen[i]);
    if (large) store<u32>(p + 26 + i * 4, l); else store<u16>(p + 26 + i * 2, <u16>l);
    memory.copy(p + off, unchecked(E.pOff[i]), l);
    off += l;
  }
  memory.fill(p + len, 0, total - 4 - 10 - len);
  store<u32>(o + total - 4, <u32>total);
  setOutPos(o + total);
  copied++;
}
