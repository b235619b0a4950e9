// SPDX-License-Identifier: Apache-2.0
// The default event line, written straight into the output region:
//   *%evt.num %evt.outputtime %evt.cpu %proc.name (%thread.tid) %evt.dir %evt.type %evt.info
// and its terminal variant with colours and pid.tid.
import * as T from "../scap/tables.gen";
import { evNum, evTs, evCpu, evTid, evType, evNParams, pU16 } from "../scap/event";
import { putc, puts, putU64, putI64, putPadded, putBytes, putArr, ensure } from "../util/out";
import { curThread, curFd } from "../state/parse";
import { findThread } from "../state/tables";
import { renderParam, val, res, prevLineLast } from "./params";

export let timeMode: i32 = 0x68; // 'h'
export let tzOffset: i64 = 0;      // seconds east of UTC, fixed at start as sysdig does
export let firstTs: u64 = 0;
let lastPrintedTs: u64 = 0;
export let ttyFormat: bool = false;

export function setTimeMode(m: i32, tz: i64, tty: bool): void { timeMode = m; tzOffset = tz; ttyFormat = tty; }
export function noteFirstTs(ts: u64): void { if (firstTs == 0) firstTs = ts; }
export function resetLine(): void { firstTs = 0; lastPrintedTs = 0; }

export function putTimeOfDay(ts: u64): void {
  const sec = <i64>(ts / 1000000000);
  const ns = ts % 1000000000;
  let s = (sec + tzOffset) % 86400;
  if (s < 0) s += 86400;
  putPadded(<u64>(s / 3600), 2); putc(58);
  putPadded(<u64>((s % 3600) / 60), 2); putc(58);
  putPadded(<u64>(s % 60), 2); putc(46);
  putPadded(ns, 9);
}

function secDotNs(d: u64): void { putU64(d / 1000000000); putc(46); putPadded(d % 1000000000, 9); }

export function putOutputTime(): void {
  ensure(64);
  switch (timeMode) {
    case 0x61: putU64(evTs / 1000000000); putc(46); putU64(evTs % 1000000000); break; // 'a': not padded (sysdig bug)
    case 0x72: secDotNs(evTs - firstTs); break; // 'r'
    case 0x64: { // 'd'
      const t = curThread;
      if (t != null) secDotNs(t.latency); else puts("0.000000000");
      break;
    }
    case 0x44: { // 'D'
      if (lastPrintedTs == 0) lastPrintedTs = evTs;
      const d = evTs - lastPrintedTs;
      lastPrintedTs = evTs;
      secDotNs(d);
      break;
    }
    default: putTimeOfDay(evTs);
  }
}

/** evt.type: generic events show the syscall's own name. */
export function putEventType(): void {
  if ((evType == T.PPME_GENERIC_E || evType == T.PPME_GENERIC_X) && evNParams > 0) {
    const id = <i32>pU16(0);
    if (id < T.PPMSC_NAME.length) { puts(unchecked(T.PPMSC_NAME[id])); return; }
  }
  puts(unchecked(T.EVT_NAME[evType]));
}

/** evt.info / evt.args: "name=value(resolved) " for every parameter. */
export function putArgs(): void {
  if (evType == T.PPME_GENERIC_E || evType == T.PPME_GENERIC_X) return;
  const ps = <i32>unchecked(T.EVT_PARAM_START[evType]);
  const np = min(evNParams, <i32>unchecked(T.EVT_NPARAMS[evType]));
  for (let i = 0; i < np; i++) {
    renderParam(i);
    puts(unchecked(T.PARAM_NAME[ps + i]));
    putc(61);
    putBytes(val.buf.dataStart, val.len);
    if (res.len != 0) {
      ensure(res.len + 4);
      putc(40); putBytes(res.buf.dataStart, res.len); putc(41);
    }
    ensure(2);
    putc(32);
  }
  if (np > 0) prevLineLast.swap(val); // val is rendered afresh by the next renderParam
}

function procThread(): void {
  const t = curThread != null ? curThread : findThread(evTid);
  ensure(64);
  if (ttyFormat) puts("\x1b[01;32m");
  if (t != null) putArr(t.comm); else puts("<NA>");
  if (ttyFormat) puts("\x1b[00m");
  puts(" (");
  if (ttyFormat) {
    puts("\x1b[01;36m");
    if (t != null) putI64(t.pid); else puts("<NA>");
    puts("\x1b[00m.");
  }
  putI64(evTid);
  puts(") ");
}

export function writeDefaultLine(): void {
  ensure(256);
  putU64(evNum); putc(32);
  putOutputTime(); putc(32);
  putU64(<u64>evCpu); putc(32);
  procThread();
  putc((evType & 1) == 0 ? 62 : 60); putc(32);
  if (ttyFormat) puts("\x1b[01;34m");
  putEventType();
  if (ttyFormat) puts("\x1b[00m");
  putc(32);
  putArgs();
  putc(10);
}
