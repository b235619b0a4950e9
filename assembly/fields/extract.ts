// SPDX-License-Identifier: Apache-2.0
// Field extraction for the current event (sinsp_filter_check_*::extract), one field at a time.
// A FieldRef is a compiled field name with its argument (evt.arg.NAME, proc.aname[2], ...).
import * as F from "./fields.gen";
import * as T from "../scap/tables.gen";
import {
  evNum, evTs, evTid, evType, evCpu, evNParams, pOff, pLen, pI64, pU16,
} from "../scap/event";
import { curThread, curFd, containers, ifAddr, ifNet6, fdNameChanged } from "../state/parse";
import {
  Thread, Fd, findThread, getFd, fdOwner, cwdOf, users, userHome, userShell, groups, threads,
  FD_FILE, FD_FILE_V2, FD_DIRECTORY, FD_IPV4_SOCK, FD_IPV6_SOCK, FD_IPV4_SERVSOCK, FD_IPV6_SERVSOCK,
  FD_UNIX_SOCK, FD_FIFO, FD_EVENT, FD_SIGNALFD, FD_EVENTPOLL, FD_INOTIFY, FD_TIMERFD, FD_NETLINK,
  FD_UNSUPPORTED, FD_UNKNOWN, L4_TCP, L4_UDP, L4_ICMP, L4_RAW, CL_CLONE_THREAD,
} from "../state/tables";
import { renderParam, val, res, renderBuffer, bufFormat, jsonMode } from "../format/params";
import { firstTs, tzOffset, timeMode } from "../format/line";
import { Builder, sanitize, EMPTY, eqAscii } from "../util/bytes";
import {
  setNone, setNum, setDbl, setBool, setBytes, setArr, setSb, setStr, sb, setTypeFmt, vType,
} from "./value";
import { sockInfoName } from "../state/parse";
import { extractCpu, extractExectime, extractTotExectime } from "./cpu";

/** Set while a format is being rendered: some fields print differently from what filters compare. */
export let inFormat: bool = false;
export function setInFormat(on: bool): void { inFormat = on; }

/** The ancestor DEPTH levels above the current thread's main thread (sinsp's traverse_parent_state). */
export function ancestor(depth: i32): Thread | null {
  const t = thr();
  if (t == null) return null;
  let mt = mainThread(t);
  for (let j = 0; j < depth && mt != null; j++) {
    const p = parentOf(mt!);
    if (p == null || p.tid == -1 || p === mt) return null;
    mt = p;
  }
  return mt;
}

/** Sets the value registers to ancestor A's pid (apid) or name (aname). */
export function ancestorValue(fid: i32, a: Thread): bool {
  setTypeFmt(unchecked(F.FIELD_TYPE[fid]), unchecked(F.FIELD_PRINT[fid]));
  return fid == F.F_PROC_APID ? setNum(a.pid) : setArr(a.comm);
}

export const ARG_NONE: i32 = 0;
export const ARG_NAME: i32 = 1;   // .NAME
export const ARG_INDEX: i32 = 2;  // [N]

export class FieldRef {
  fid: i32 = 0;
  argKind: i32 = ARG_NONE;
  argNum: i64 = 0;
  argName: Uint8Array = EMPTY;
  /** evt.around: the timestamp and the delta (ms) */
  aroundTs: u64 = 0;
  /** evt.type.is: the event ids matched */
  typeIs0: i32 = -1;
  typeIs1: i32 = -1;
  /** per-event-type cache of the param index for evt.arg.NAME (-1 = not present) */
  argIdxCache: StaticArray<i16> = new StaticArray<i16>(T.EVENT_COUNT).fill(-2);
  /** state for evt.deltatime */
  lastTs: u64 = 0;
  /** thread.cpu*: last total per thread; thread.exectime: last switch time per cpu */
  cpuState: Map<i64, u64> = new Map<i64, u64>();
  switchTimes: Array<u64> = new Array<u64>();
  /** thread.totexectime: the run time accumulated per thread by this reference */
  totExec: Map<i64, u64> = new Map<i64, u64>();
  /** 1 evt, 2 proc/thread, 3 fd, 4 user, 5 group, 6 container, 7 fdlist, 0 always missing */
  family: i32 = 0;
}

export function familyOf(name: string): i32 {
  if (name.startsWith("evt.") || name == "syscall.type") return 1;
  if (name.startsWith("proc.") || name.startsWith("thread.")) return 2;
  if (name.startsWith("fd.")) return 3;
  if (name.startsWith("user.")) return 4;
  if (name.startsWith("group.")) return 5;
  if (name.startsWith("container.")) return 6;
  if (name.startsWith("fdlist.")) return 7;
  return 0;
}

/** The type that sysdig renders a field value with. */
export function fieldType(fid: i32): u8 { return unchecked(F.FIELD_TYPE[fid]); }

// ---- helpers ------------------------------------------------------------------------

function thr(): Thread | null {
  if (curThread != null) return curThread;
  return findThread(evTid);
}

function mainThread(t: Thread): Thread | null {
  if (t.isMain()) return t;
  return findThread(t.pid);
}

function parentOf(t: Thread): Thread | null {
  return findThread(t.ptid);
}

function paramIndexByName(ref: FieldRef): i32 {
  const et = evType;
  let c = <i32>unchecked(ref.argIdxCache[et]);
  if (c != -2) return c;
  c = -1;
  const ps = <i32>unchecked(T.EVT_PARAM_START[et]);
  const n = <i32>unchecked(T.EVT_NPARAMS[et]);
  for (let i = 0; i < n; i++) {
    const nm = unchecked(T.PARAM_NAME[ps + i]);
    if (nm.length != ref.argName.length) continue;
    let ok = true;
    for (let j = 0; j < nm.length; j++) if (nm.charCodeAt(j) != <i32>ref.argName[j]) { ok = false; break; }
    if (ok) { c = i; break; }
  }
  unchecked(ref.argIdxCache[et] = <i16>c);
  return c;
}

function paramIndexByNameStr(name: string): i32 {
  const et = evType;
  const ps = <i32>unchecked(T.EVT_PARAM_START[et]);
  const n = min(<i32>unchecked(T.EVT_NPARAMS[et]), evNParams);
  for (let i = 0; i < n; i++) if (unchecked(T.PARAM_NAME[ps + i]) == name) return i;
  return -1;
}

function putTimeOfDayTo(b: Builder, ts: u64, withNs: bool): void {
  const sec = <i64>(ts / 1000000000);
  let s = (sec + tzOffset) % 86400;
  if (s < 0) s += 86400;
  pad2(b, s / 3600); b.c(58); pad2(b, (s % 3600) / 60); b.c(58); pad2(b, s % 60);
  if (withNs) { b.c(46); padN(b, ts % 1000000000, 9); }
}

function pad2(b: Builder, v: i64): void { b.pad(<u64>v, 2); }
function padN(b: Builder, v: u64, w: i32): void { b.pad(v, w); }

/** Civil date from days since 1970-01-01 (proleptic Gregorian). */
function putDate(b: Builder, days: i64): void {
  let z = days + 719468;
  const era = (z >= 0 ? z : z - 146096) / 146097;
  const doe = z - era * 146097;
  const yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  let y = yoe + era * 400;
  const doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const mp = (5 * doy + 2) / 153;
  const d = doy - (153 * mp + 2) / 5 + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) y++;
  padN(b, <u64>y, 4); b.c(45); pad2(b, m); b.c(45); pad2(b, d);
}

function putDateTime(b: Builder, ts: u64, withNs: bool, utc: bool): void {
  const sec = <i64>(ts / 1000000000) + (utc ? 0 : tzOffset);
  let days = sec / 86400; if (sec % 86400 < 0) days--;
  putDate(b, days);
  b.c(utc ? 84 : 32);
  putTimeOfDayTo(b, <u64>(sec - (utc ? 0 : tzOffset)) * 1000000000 + ts % 1000000000, withNs);
}

// ---- entry ----------------------------------------------------------------------------

/** Extracts ref for the current event into the value registers; false = missing. */
export function extract(ref: FieldRef): bool {
  const fid = ref.fid;
  setTypeFmt(unchecked(F.FIELD_TYPE[fid]), unchecked(F.FIELD_PRINT[fid]));
  switch (ref.family) {
    case 1: return extractEvt(ref, fid);
    case 2: return extractThread(ref, fid);
    case 3: return extractFd(ref, fid);
    case 4: return extractUser(fid);
    case 5: return extractGroup(fid);
    case 6: return extractContainer(ref, fid);
    case 7: return extractFdlist(fid);
  }
  return setNone();
}

// ---- evt.* -----------------------------------------------------------------------------

function isInternal(): bool { return (unchecked(T.EVT_CATEGORY[evType]) & T.EC_INTERNAL) != 0; }


export function formatTime(b: Builder, v: u64): void {
  const S: u64 = 1000000000;
  if (v >= 3600 * S) { pad2(b, <i64>(v / (3600 * S))); b.c(58); pad2(b, <i64>((v / (60 * S)) % 60)); b.c(58); pad2(b, <i64>((v / S) % 60)); }
  else if (v >= 60 * S) { b.u(v / (60 * S)); b.c(58); b.u((v / S) % 60); }
  else if (v >= S) { b.u(v / S); b.c(46); pad2(b, <i64>((v % S) / 10000000)); b.c(115); }
  else if (v >= S / 100) { b.u(v / 1000000); b.s("ms"); }
  else if (v >= S / 1000) { b.u(v / 1000000); b.c(46); pad2(b, <i64>((v % 1000000) / 10000)); b.s("ms"); }
  else if (v >= S / 100000) { b.u(v / 1000); b.s("us"); }
  else if (v >= S / 1000000) { b.u(v / 1000); b.c(46); pad2(b, <i64>((v % 1000) / 10)); b.s("us"); }
  else { b.u(v); b.s("ns"); }
}

function extractEvt(ref: FieldRef, fid: i32): bool {
  const t = curThread;
  const et = evType;
  const eflags = unchecked(T.EVT_FLAGS[et]);
  switch (fid) {
    case F.F_EVT_NUM: return setNum(<i64>evNum);
    case F.F_EVT_TIME: sb.reset(); putTimeOfDayTo(sb, evTs, true); return setSb();
    case F.F_EVT_TIME_S: sb.reset(); putTimeOfDayTo(sb, evTs, false); return setSb();
    case F.F_EVT_TIME_ISO8601: {
      sb.reset(); putDateTime(sb, evTs, true, true); sb.s("+0000"); return setSb();
    }
    case F.F_EVT_DATETIME: sb.reset(); putDateTime(sb, evTs, true, false); return setSb();
    case F.F_EVT_DATETIME_S: sb.reset(); putDateTime(sb, evTs, false, false); return setSb();
    case F.F_EVT_RAWTIME: return setNum(<i64>evTs);
    case F.F_EVT_RAWTIME_S: return setNum(<i64>(evTs / 1000000000));
    case F.F_EVT_RAWTIME_NS: return setNum(<i64>(evTs % 1000000000));
    case F.F_EVT_RELTIME: return setNum(<i64>(evTs - firstTs));
    case F.F_EVT_RELTIME_S: return setNum(<i64>((evTs - firstTs) / 1000000000));
    case F.F_EVT_RELTIME_NS: return setNum(<i64>((evTs - firstTs) % 1000000000));
    case F.F_EVT_PLUGINNAME: case F.F_EVT_PLUGININFO: return setNone();
    case F.F_EVT_LATENCY: case F.F_EVT_LATENCY_S: case F.F_EVT_LATENCY_NS: {
      let lat: u64 = 0;
      if (t != null) { if (isInternal()) return setNone(); lat = t.latency; }
      if (fid == F.F_EVT_LATENCY_S) lat /= 1000000000; else if (fid == F.F_EVT_LATENCY_NS) lat %= 1000000000;
      return setNum(<i64>lat);
    }
    case F.F_EVT_LATENCY_HUMAN: {
      sb.reset();
      if (t != null) { if (isInternal()) return setNone(); formatTime(sb, t.latency); }
      else formatTime(sb, 0);
      return setSb();
    }
    case F.F_EVT_DELTATIME: case F.F_EVT_DELTATIME_S: case F.F_EVT_DELTATIME_NS: {
      let d: u64 = 0;
      if (ref.lastTs == 0) ref.lastTs = evTs;
      else {
        const x = evTs - ref.lastTs;
        d = fid == F.F_EVT_DELTATIME ? x : fid == F.F_EVT_DELTATIME_S ? x / 1000000000 : x % 1000000000;
        ref.lastTs = evTs;
      }
      return setNum(<i64>d);
    }
    case F.F_EVT_DIR: return setStr((et & 1) == 0 ? ">" : "<");
    case F.F_EVT_OUTPUTTIME: {
      sb.reset();
      switch (timeMode) {
        case 0x61: sb.u(evTs / 1000000000); sb.c(46); sb.u(evTs % 1000000000); break;
        case 0x72: { const d = evTs - firstTs; sb.u(d / 1000000000); sb.c(46); padN(sb, d % 1000000000, 9); break; }
        case 0x64: { const lat: u64 = t != null ? t.latency : 0; sb.u(lat / 1000000000); sb.c(46); padN(sb, lat % 1000000000, 9); break; }
        case 0x44: {
          if (ref.lastTs == 0) ref.lastTs = evTs;
          const d = evTs - ref.lastTs; ref.lastTs = evTs;
          sb.u(d / 1000000000); sb.c(46); padN(sb, d % 1000000000, 9); break;
        }
        default: putTimeOfDayTo(sb, evTs, true);
      }
      return setSb();
    }
    case F.F_EVT_TYPE: {
      if ((et == T.PPME_GENERIC_E || et == T.PPME_GENERIC_X) && evNParams > 0) {
        const id = <i32>pU16(0);
        if (id < T.PPMSC_NAME.length) return setStr(unchecked(T.PPMSC_NAME[id]));
      }
      return setArr(evtNameBytes(et));
    }
    case F.F_EVT_TYPE_IS: return setNum(et == ref.typeIs0 || et == ref.typeIs1 ? 1 : 0);
    case F.F_SYSCALL_TYPE: {
      if (et == T.PPME_SCHEDSWITCH_6_E || (unchecked(T.EVT_CATEGORY[et]) & T.EC_INTERNAL) || (eflags & T.EF_SKIPPARSERESET)) return setNone();
      if ((et == T.PPME_GENERIC_E || et == T.PPME_GENERIC_X) && evNParams > 0) {
        const id = <i32>pU16(0);
        if (id < T.PPMSC_NAME.length) return setStr(unchecked(T.PPMSC_NAME[id]));
      }
      return setStr(unchecked(T.EVT_NAME[et]));
    }
    case F.F_EVT_CATEGORY: return setStr(categoryName());
    case F.F_EVT_CPU: return setNum(<i64>evCpu);
    case F.F_EVT_ARGS: case F.F_EVT_INFO: {
      sb.reset();
      if (et == T.PPME_GENERIC_E || et == T.PPME_GENERIC_X) return setSb();
      const ps = <i32>unchecked(T.EVT_PARAM_START[et]);
      const np = min(evNParams, <i32>unchecked(T.EVT_NPARAMS[et]));
      for (let i = 0; i < evNParams; i++) {
        renderParam(i);
        if (i < np) sb.s(unchecked(T.PARAM_NAME[ps + i])); else sb.s("(n.a.)");
        sb.c(61);
        sb.m(val.buf.dataStart, val.len);
        if (res.len != 0) { sb.c(40); sb.m(res.buf.dataStart, res.len); sb.c(41); }
        sb.c(32);
      }
      return setSb();
    }
    case F.F_EVT_ARG: {
      let i: i32 = ref.argKind == ARG_INDEX ? <i32>ref.argNum : paramIndexByName(ref);
      if (i < 0 || i >= evNParams) return setNone();
      renderParam(i);
      sb.reset();
      if (res.len != 0) sb.m(res.buf.dataStart, res.len); else sb.m(val.buf.dataStart, val.len);
      return setSb();
    }
    case F.F_EVT_RAWARG: {
      const i = paramIndexByName(ref);
      if (i < 0 || i >= evNParams) return setNone();
      const pi = <i32>unchecked(T.EVT_PARAM_START[et]) + i;
      const ty = unchecked(T.PARAM_TYPE[pi]);
      // the parameter's type with the field's own print format (m_field->m_print_format)
      setTypeFmt(ty, unchecked(F.FIELD_PRINT[fid]));
      return rawParam(i, ty);
    }
    case F.F_EVT_BUFFER: {
      const i = paramIndexByNameStr("data");
      if (i < 0) return setNone();
      if (inFormat) {
        // printed, it is the data parameter as -p shows it (buffer format and length limit)
        renderParam(i);
        sb.reset(); sb.m(val.buf.dataStart, val.len);
        return setSb();
      }
      return setBytes(unchecked(pOff[i]), <i32>unchecked(pLen[i]));
    }
    case F.F_EVT_BUFLEN: {
      if (curFd == null || !(eventCategory() & T.EC_IO_BASE)) return setNone();
      return bufLen();
    }
    case F.F_EVT_RES: {
      const i = resIndex();
      if (i < 0) return setNone();
      const r = pI64(i);
      if (r >= 0) return setStr("SUCCESS");
      renderParam(i);
      sb.reset();
      if (res.len != 0) sb.m(res.buf.dataStart, res.len); else sb.m(val.buf.dataStart, val.len);
      return setSb();
    }
    case F.F_EVT_RAWRES: {
      const i = resIndex();
      if (i < 0) return setNone();
      return setNum(pI64(i));
    }
    case F.F_EVT_FAILED: {
      const i = resIndex();
      return setBool(i >= 0 && pI64(i) < 0);
    }
    case F.F_EVT_IS_IO: return setBool((eflags & (T.EF_READS_FROM_FD | T.EF_WRITES_TO_FD)) != 0);
    case F.F_EVT_IS_IO_READ: return setBool((eflags & T.EF_READS_FROM_FD) != 0);
    case F.F_EVT_IS_IO_WRITE: return setBool((eflags & T.EF_WRITES_TO_FD) != 0);
    case F.F_EVT_IO_DIR: {
      if (eflags & T.EF_WRITES_TO_FD) return setStr("write");
      if (eflags & T.EF_READS_FROM_FD) return setStr("read");
      return setNone();
    }
    case F.F_EVT_IS_WAIT: return setBool((eflags & T.EF_WAITS) != 0);
    case F.F_EVT_WAIT_LATENCY: {
      if ((eflags & T.EF_WAITS) && (et & 1) == 1) return setNum(t != null ? <i64>t.latency : 0);
      return setNone();
    }
    case F.F_EVT_IS_SYSLOG: {
      let r = false;
      if ((eflags & T.EF_WRITES_TO_FD) && curFd != null) r = contains(curFd!.name, "/dev/log");
      return setBool(r);
    }
    case F.F_EVT_COUNT: return setNum(1);
    case F.F_EVT_COUNT_ERROR: return errorCount();
    case F.F_EVT_COUNT_ERROR_FILE: {
      const f = curFd;
      if (f != null) { if (f.type == FD_FILE || f.type == FD_FILE_V2 || f.type == FD_DIRECTORY) return errorCount(); return setNone(); }
      if (et == T.PPME_SYSCALL_OPEN_X || et == T.PPME_SYSCALL_CREAT_X || et == T.PPME_SYSCALL_OPENAT_X || et == T.PPME_SYSCALL_OPENAT_2_X || et == T.PPME_SYSCALL_OPENAT2_X) return errorCount();
      return setNone();
    }
    case F.F_EVT_COUNT_ERROR_NET: {
      const f = curFd;
      if (f != null) { if (f.isIpSock() || f.type == FD_UNIX_SOCK) return errorCount(); return setNone(); }
      if (et == T.PPME_SOCKET_ACCEPT_X || et == T.PPME_SOCKET_ACCEPT_5_X || et == T.PPME_SOCKET_ACCEPT4_X || et == T.PPME_SOCKET_ACCEPT4_5_X || et == T.PPME_SOCKET_CONNECT_X) return errorCount();
      return setNone();
    }
    case F.F_EVT_COUNT_ERROR_MEMORY: {
      if (unchecked(T.EVT_CATEGORY[et]) == T.EC_MEMORY) return errorCount();
      return setNone();
    }
    case F.F_EVT_COUNT_ERROR_OTHER: {
      const f = curFd;
      if (f != null) {
        if (!(f.type == FD_FILE || f.type == FD_FILE_V2 || f.type == FD_DIRECTORY || f.isIpSock() || f.type == FD_UNIX_SOCK)) return errorCount();
        return setNone();
      }
      if (!(et == T.PPME_SYSCALL_OPEN_X || et == T.PPME_SYSCALL_CREAT_X || et == T.PPME_SYSCALL_OPENAT_X || et == T.PPME_SYSCALL_OPENAT_2_X || et == T.PPME_SYSCALL_OPENAT2_X ||
            et == T.PPME_SOCKET_ACCEPT_X || et == T.PPME_SOCKET_ACCEPT_5_X || et == T.PPME_SOCKET_ACCEPT4_X || et == T.PPME_SOCKET_ACCEPT4_5_X || et == T.PPME_SOCKET_CONNECT_X) &&
          unchecked(T.EVT_CATEGORY[et]) != T.EC_MEMORY) return errorCount();
      return setNone();
    }
    case F.F_EVT_COUNT_EXIT: return (et & 1) == 1 ? setNum(1) : setNone();
    case F.F_EVT_AROUND: return setNone(); // filter only: evaluated by eval.ts around()
    case F.F_EVT_IS_OPEN_READ: case F.F_EVT_IS_OPEN_WRITE: case F.F_EVT_IS_OPEN_EXEC: {
      if (!(et == T.PPME_SYSCALL_OPEN_X || et == T.PPME_SYSCALL_OPENAT_X || et == T.PPME_SYSCALL_OPENAT_2_X || et == T.PPME_SYSCALL_OPENAT2_X)) return setBool(false);
      const i = paramIndexByNameStr("flags");
      if (i < 0) return setBool(false);
      const fl = load<u32>(unchecked(pOff[i]));
      if (fid == F.F_EVT_IS_OPEN_READ) return setBool((fl & 1) != 0);
      if (fid == F.F_EVT_IS_OPEN_WRITE) return setBool((fl & 2) != 0);
      return setBool((fl & (1 << 13)) != 0);
    }
  }
  return setNone();
}

function contains(a: Uint8Array, s: string): bool {
  const n = s.length;
  for (let i = 0; i + n <= a.length; i++) {
    let ok = true;
    for (let j = 0; j < n; j++) if (<i32>a[i + j] != s.charCodeAt(j)) { ok = false; break; }
    if (ok) return true;
  }
  return false;
}

function resIndex(): i32 {
  let i = paramIndexByNameStr("res");
  if (i >= 0) return i;
  if ((unchecked(T.EVT_FLAGS[evType]) & T.EF_CREATES_FD) && (evType & 1) == 1) return paramIndexByNameStr("fd");
  return -1;
}

function errorCount(): bool {
  const i = resIndex();
  if (i >= 0 && pI64(i) < 0) return setNum(1);
  return setNone();
}

/** extract_buflen: the return value (param 0) of any exit event, when not negative. */
function bufLen(): bool {
  if ((evType & 1) == 1 && evNParams > 0) {
    const r = pI64(0);
    if (r >= 0) return setNum(r);
  }
  return setNone();
}

/** sinsp_evt::get_category: generic events take their syscall's category. */
function eventCategory(): u32 {
  let c = unchecked(T.EVT_CATEGORY[evType]);
  if ((evType == T.PPME_GENERIC_E || evType == T.PPME_GENERIC_X) && evNParams > 0) {
    const id = <i32>pU16(0);
    if (id < T.PPMSC_CATEGORY.length) c = unchecked(T.PPMSC_CATEGORY[id]);
  }
  return c;
}

function categoryName(): string {
  const c = eventCategory() & ~T.EC_INTERNAL;
  switch (c) {
    case T.EC_UNKNOWN: return "unknown";
    case T.EC_OTHER: return "other";
    case T.EC_FILE: return "file";
    case T.EC_NET: return "net";
    case T.EC_IPC: return "IPC";
    case T.EC_MEMORY: return "memory";
    case T.EC_PROCESS: return "process";
    case T.EC_SLEEP: return "sleep";
    case T.EC_SYSTEM: return "system";
    case T.EC_SIGNAL: return "signal";
    case T.EC_USER: return "user";
    case T.EC_TIME: return "time";
    case T.EC_PROCESSING: return "processing";
    case T.EC_IO_READ: case T.EC_IO_WRITE: case T.EC_IO_OTHER: {
      const f = curFd;
      if (f == null) return "unknown";
      if (f.type == FD_FILE || f.type == FD_FILE_V2 || f.type == FD_DIRECTORY) return "file";
      if (f.isIpSock()) return "net";
      if (f.type == FD_FIFO || f.type == FD_UNIX_SOCK || f.type == FD_EVENT || f.type == FD_SIGNALFD || f.type == FD_INOTIFY) return "ipc";
      return "unknown";
    }
    case T.EC_WAIT: return "wait";
    case T.EC_SCHEDULER: return "scheduler";
  }
  return "unknown";
}

/** evt.rawarg: the typed parameter value. */
function rawParam(i: i32, ty: u8): bool {
  const p = unchecked(pOff[i]);
  const n = <i32>unchecked(pLen[i]);
  switch (ty) {
    case T.PT_INT8: return setNum(<i64>load<i8>(p));
    case T.PT_INT16: return setNum(<i64>load<i16>(p));
    case T.PT_INT32: return setNum(<i64>load<i32>(p));
    case T.PT_INT64: case T.PT_ERRNO: case T.PT_FD: case T.PT_PID: return setNum(load<i64>(p));
    case T.PT_UINT8: case T.PT_FLAGS8: case T.PT_SIGTYPE: case T.PT_L4PROTO: case T.PT_SOCKFAMILY: return setNum(<i64>load<u8>(p));
    case T.PT_UINT16: case T.PT_FLAGS16: case T.PT_PORT: case T.PT_SYSCALLID: return setNum(<i64>load<u16>(p));
    case T.PT_UINT32: case T.PT_FLAGS32: case T.PT_MODE: case T.PT_UID: case T.PT_GID: case T.PT_BOOL: case T.PT_IPV4ADDR: case T.PT_SIGSET:
      return setNum(<i64>load<u32>(p));
    case T.PT_UINT64: case T.PT_RELTIME: case T.PT_ABSTIME: return setNum(load<i64>(p));
    case T.PT_DOUBLE: return setDbl(load<f64>(p));
    case T.PT_CHARBUF: case T.PT_FSPATH: case T.PT_FSRELPATH: {
      let k = 0; while (k < n && load<u8>(p + k) != 0) k++;
      return setBytes(p, k);
    }
  }
  return setBytes(p, n);
}

// ---- proc.* / thread.* ------------------------------------------------------------------

function extractThread(ref: FieldRef, fid: i32): bool {
  const t = thr();
  if (fid == F.F_THREAD_TID) return setNum(evTid);
  if (t == null) return setNone();
  switch (fid) {
    case F.F_PROC_PID: return setNum(t.pid);
    case F.F_PROC_SID: return setNum(t.sid);
    case F.F_PROC_VPGID: return setNum(t.vpgid);
    case F.F_PROC_SNAME: {
      const s = findThread(t.sid);
      if (s != null) return setArr(s.comm);
      let mt = mainThread(t);
      if (mt == null) return setNone();
      const sid = mt.sid;
      let p = parentOf(mt);
      let guard = 0;
      while (p != null && p.sid == sid && guard++ < 10000) { mt = p; p = parentOf(p); }
      return setArr(mt!.comm);
    }
    case F.F_PROC_TTY: return setNum(<i64>t.tty);
    case F.F_PROC_NAME: return setArr(t.comm);
    case F.F_PROC_EXE: return setArr(t.exe);
    case F.F_PROC_EXEPATH: return setArr(t.exepath);
    case F.F_PROC_ARGS: { sb.reset(); joinArgs(sb, t.args); return setSb(); }
    case F.F_PROC_ENV: {
      sb.reset();
      const mt = mainThread(t);
      const env = t.env.length == 0 && mt != null ? mt.env : t.env;
      joinArgs(sb, env);
      return setSb();
    }
    case F.F_PROC_CMDLINE: { sb.reset(); cmdline(sb, t); return setSb(); }
    case F.F_PROC_EXELINE: { sb.reset(); sb.a(t.exe); sb.c(32); joinArgs(sb, t.args); return setSb(); }
    case F.F_PROC_CWD: return setArr(cwdOf(t));
    case F.F_PROC_NTHREADS: {
      const mt = mainThread(t);
      if (mt == null) return setNone();
      return setNum(mt.nchilds + 1);
    }
    case F.F_PROC_NCHILDS: return setNum(t.nchilds);
    case F.F_THREAD_ISMAIN: return setBool(t.isMain());
    case F.F_THREAD_EXECTIME: return extractExectime(ref);
    case F.F_THREAD_TOTEXECTIME: return extractTotExectime(ref, t);
    case F.F_THREAD_CPU: case F.F_THREAD_CPU_USER: case F.F_THREAD_CPU_SYSTEM: return extractCpu(ref, fid, t);
    case F.F_PROC_PPID: {
      if (t.isMain()) return setNum(t.ptid);
      const mt = mainThread(t);
      return mt != null ? setNum(mt.ptid) : setNone();
    }
    case F.F_PROC_PNAME: { const p = findThread(t.ptid); return p != null ? setArr(p.comm) : setNone(); }
    case F.F_PROC_PCMDLINE: { const p = findThread(t.ptid); if (p == null) return setNone(); sb.reset(); cmdline(sb, p); return setSb(); }
    case F.F_PROC_APID: case F.F_PROC_ANAME: {
      let mt = mainThread(t);
      if (mt == null) return setNone();
      const n = <i32>ref.argNum;
      for (let j = 0; j < n; j++) { mt = findThread(mt!.ptid); if (mt == null) return setNone(); }
      return fid == F.F_PROC_APID ? setNum(mt!.pid) : setArr(mt!.comm);
    }
    case F.F_PROC_LOGINSHELLID: {
      let mt = mainThread(t);
      if (mt == null) return setNone();
      let found = false; let res: i64 = 0;
      let p: Thread | null = mt;
      let guard = 0;
      while (p != null && guard++ < 10000) {
        const c = p.comm; const n = c.length;
        if (n >= 2 && c[n - 2] == 0x73 && c[n - 1] == 0x68) { found = true; res = p.pid; }
        p = findThread(p.ptid);
      }
      return found ? setNum(res) : setNone();
    }
    case F.F_PROC_DURATION: return t.cloneTs != 0 ? setNum(<i64>(evTs - t.cloneTs)) : setNone();
    case F.F_PROC_FDOPENCOUNT: { const o = fdOwner(t); return setNum(o != null ? o.fds.map.size : 0); }
    // threadinfo::get_fd_limit: the main thread's (process) value
    case F.F_PROC_FDLIMIT: { const m = mainThread(t); return setNum(m != null ? m.fdlimit : t.fdlimit); }
    case F.F_PROC_FDUSAGE: {
      const m = mainThread(t);
      const o = m != null ? m : fdOwner(t);
      const cnt = o != null ? o.fds.map.size : 0;
      const lim = m != null ? m.fdlimit : t.fdlimit;
      return setDbl(lim > 0 ? (<i64>cnt <= lim ? <f64>cnt * 100.0 / <f64>lim : 100.0) : 0);
    }
    case F.F_PROC_VMSIZE: return setNum(<i64>t.vmsize);
    case F.F_PROC_VMRSS: return setNum(<i64>t.vmrss);
    case F.F_PROC_VMSWAP: return setNum(<i64>t.vmswap);
    case F.F_THREAD_VMSIZE: return setNum(t.isMain() ? <i64>t.vmsize : 0);
    case F.F_THREAD_VMRSS: return setNum(t.isMain() ? <i64>t.vmrss : 0);
    case F.F_THREAD_PFMAJOR: return setNum(<i64>t.pfmajor);
    case F.F_THREAD_PFMINOR: return setNum(<i64>t.pfminor);
    case F.F_THREAD_CGROUPS: {
      if (t.cgroups.length == 0) return setNone();
      sb.reset();
      for (let j = 0; j < t.cgroups.length; j++) {
        if (j) sb.c(32);
        const cg = t.cgroups[j];
        const eq = lastEq(cg);
        if (eq < 0) { sb.a(cg); continue; }
        sb.s(subsysName(cg, eq)); sb.m(cg.dataStart + eq, cg.length - eq);
      }
      return setSb();
    }
    case F.F_THREAD_CGROUP: {
      const want = String.UTF8.decode(ref.argName.buffer);
      for (let j = 0; j < t.cgroups.length; j++) {
        const cg = t.cgroups[j];
        const eq = lastEq(cg);
        if (eq >= 0 && subsysName(cg, eq) == want) return setBytes(cg.dataStart + eq + 1, cg.length - eq - 1);
      }
      return setNone();
    }
    case F.F_THREAD_VTID: return t.vtid == -1 ? setNone() : setNum(t.vtid);
    case F.F_PROC_VPID: return t.vpid == -1 ? setNone() : setNum(t.vpid);
    case F.F_PROC_IS_EXE_WRITABLE: return setBool(false);
    case F.F_PROC_IS_CONTAINER_HEALTHCHECK: case F.F_PROC_IS_CONTAINER_LIVENESS_PROBE: case F.F_PROC_IS_CONTAINER_READINESS_PROBE:
      return setBool(false);
  }
  return setNone();
}

function lastEq(cg: Uint8Array): i32 {
  for (let k = cg.length - 1; k >= 0; k--) if (cg[k] == 61) return k;
  return -1;
}

/** sinsp_threadinfo::set_cgroups renames subsystems: "_cgroup" dropped, perf, mem and io spelled out. */
function subsysName(cg: Uint8Array, eq: i32): string {
  let s = String.UTF8.decode(cg.buffer.slice(0, eq));
  const pos = s.indexOf("_cgroup");
  if (pos >= 0) s = s.slice(0, pos) + s.slice(pos + 7);
  if (s == "perf") return "perf_event";
  if (s == "mem") return "memory";
  if (s == "io") return "blkio";
  return s;
}


function joinArgs(b: Builder, a: Array<Uint8Array>): void {
  for (let j = 0; j < a.length; j++) { if (j) b.c(32); b.a(a[j]); }
}

function cmdline(b: Builder, t: Thread): void {
  b.a(t.comm);
  if (t.args.length) { b.c(32); joinArgs(b, t.args); }
}

// ---- user.* / group.* --------------------------------------------------------------------

function extractUser(fid: i32): bool {
  const t = thr();
  if (t == null) return setNone();
  if (fid == F.F_USER_UID) return setNum(<i64>t.uid);
  if (fid == F.F_USER_LOGINUID) return setNum(<i64><i32>t.loginuid);
  if (fid == F.F_USER_LOGINNAME) return users.has(t.loginuid) ? setArr(users.get(t.loginuid)) : setNone();
  if (!users.has(t.uid)) return setNone();
  if (fid == F.F_USER_NAME) return setArr(users.get(t.uid));
  if (fid == F.F_USER_HOMEDIR) return setArr(userHome.get(t.uid));
  if (fid == F.F_USER_SHELL) return setArr(userShell.get(t.uid));
  return setNone();
}

function extractGroup(fid: i32): bool {
  const t = thr();
  if (t == null) return setNone();
  // 0.29.3 declares group.gid 64-bit but points at the 32-bit m_gid: the high half is the low
  // half of the next member, m_nchilds (a process with threads prints e.g. 4294967296 for gid 0)
  if (fid == F.F_GROUP_GID) return setNum(<i64>(((<u64>t.nchilds) << 32) | <u64>t.gid));
  if (fid == F.F_GROUP_NAME) return groups.has(t.gid) ? setArr(groups.get(t.gid)) : setNone();
  return setNone();
}

// ---- container.* -------------------------------------------------------------------------

function extractContainer(ref: FieldRef, fid: i32): bool {
  const t = thr();
  if (t == null) return setNone();
  const id = containerIdOf(t);
  if (id.length == 0) {
    if (fid == F.F_CONTAINER_ID || fid == F.F_CONTAINER_NAME || fid == F.F_CONTAINER_TYPE) return setStr("host");
    return setNone();
  }
  if (fid == F.F_CONTAINER_ID) return setArr(id);
  const key = String.UTF8.decode(id.buffer);
  if (!containers.has(key)) return setNone();
  const c = containers.get(key);
  switch (fid) {
    case F.F_CONTAINER_NAME: return setArr(c.name);
    case F.F_CONTAINER_IMAGE: return setArr(c.image);
    case F.F_CONTAINER_IMAGE_ID: return c.imageId.length ? setArr(c.imageId) : setNone();
    case F.F_CONTAINER_IMAGE_REPOSITORY: return c.imageRepo.length ? setArr(c.imageRepo) : setNone();
    case F.F_CONTAINER_IMAGE_TAG: return c.imageTag.length ? setArr(c.imageTag) : setNone();
    case F.F_CONTAINER_IMAGE_DIGEST: return c.imageDigest.length ? setArr(c.imageDigest) : setNone();
    case F.F_CONTAINER_TYPE: {
      const ty = c.type;
      if (ty < 0 || ty >= CONTAINER_TYPES.length) return setStr("");
      return setStr(CONTAINER_TYPES[ty]);
    }
    // a true/false only for docker-compatible engines (docker, cri, containerd, cri-o, podman)
    case F.F_CONTAINER_PRIVILEGED:
      return c.type == 0 || c.type == 6 || c.type == 7 || c.type == 8 || c.type == 11 ? setBool(c.privileged) : setNone();
    case F.F_CONTAINER_MOUNTS: return setArr(c.mounts);
    case F.F_CONTAINER_HEALTHCHECK: { const h = c.healthcheck; return h != null ? setArr(h) : setStr("NONE"); }
    case F.F_CONTAINER_LIVENESS_PROBE: { const h = c.liveness; return h != null ? setArr(h) : setStr("NONE"); }
    case F.F_CONTAINER_READINESS_PROBE: { const h = c.readiness; return h != null ? setArr(h) : setStr("NONE"); }
    default: return setNone();
  }
}

/** sinsp_container_type names, by value (0.29.3 names no custom, static or podman type). */
const CONTAINER_TYPES: string[] = ["docker", "lxc", "libvirt-lxc", "mesos", "rkt", "", "cri", "containerd", "cri-o", "bpm", "", ""];

/** The container id of a thread, from its cgroups (docker: a 64-hex-digit path component, shown as 12). */
export function containerIdOf(t: Thread): Uint8Array {
  if (t.containerId.length) return t.containerId;
  if (t.noContainerIn === t.cgroupv) return EMPTY;
  for (let j = 0; j < t.cgroups.length; j++) {
    const cg = t.cgroups[j];
    // look for 64 consecutive hex digits
    let run = 0;
    for (let k = 0; k < cg.length; k++) {
      const c = cg[k];
      const hex = (c >= 48 && c <= 57) || (c >= 97 && c <= 102);
      if (hex) { run++; if (run == 64) { const s = k - 63; const r = new Uint8Array(12); memory.copy(r.dataStart, cg.dataStart + s, 12); t.containerId = r; return r; } }
      else run = 0;
    }
  }
  t.noContainerIn = t.cgroupv;
  return EMPTY;
}

// ---- fdlist.* -----------------------------------------------------------------------------

function extractFdlist(fid: i32): bool { return setNone(); }

// ---- fd.* -------------------------------------------------------------------------------

function fdTypeString(f: Fd): string {
  switch (f.type) {
    case FD_FILE: case FD_FILE_V2: return "file";
    case FD_DIRECTORY: return "directory";
    case FD_IPV4_SOCK: case FD_IPV4_SERVSOCK: return "ipv4";
    case FD_IPV6_SOCK: case FD_IPV6_SERVSOCK: return "ipv6";
    case FD_UNIX_SOCK: return "unix";
    case FD_FIFO: return "pipe";
    case FD_EVENT: return "event";
    case FD_SIGNALFD: return "signalfd";
    case FD_EVENTPOLL: return "eventpoll";
    case FD_INOTIFY: return "inotify";
    case FD_TIMERFD: return "timerfd";
    case FD_NETLINK: return "netlink";
    case FD_UNSUPPORTED: return "unsupported";
    case FD_UNKNOWN: return "unknown";
  }
  return "<NA>";
}

let fdT: Thread | null = null;

/**
 * The thread's last event fd as sinsp has it: sinsp_threadinfo::add_fd also sets it, so the exit of
 * an fd-creating call carries the new fd (the state tracker leaves -1 there; found back by the fd).
 */
function lastEventFd(t: Thread): i64 {
  if (t.lastEventFd != -1) return t.lastEventFd;
  const et = evType;
  if ((et & 1) == 0 || !(unchecked(T.EVT_FLAGS[et]) & T.EF_CREATES_FD) || curFd == null) return t.lastEventFd;
  const o = fdOwner(t);
  if (o == null) return t.lastEventFd;
  const keys = o.fds.map.keys();
  let found: i64 = -1;
  for (let i = 0; i < keys.length; i++) if (o.fds.map.get(keys[i]) === curFd && keys[i] > found) found = keys[i];
  return found;
}
let fdF: Fd | null = null;

/** The fd the filter-only fd fields look at (extract_fd), or null. */
export function fdForFilter(): Fd | null { return fdCtx() ? fdF : null; }

/** sinsp_filter_check_fd::extract_fd */
function fdCtx(): bool {
  const eflags = unchecked(T.EVT_FLAGS[evType]);
  if (!(eflags & (T.EF_CREATES_FD | T.EF_USES_FD | T.EF_DESTROYS_FD))) return false;
  fdT = thr();
  if (fdT == null) return false;
  fdF = curFd;
  if (fdF == null && fdT!.lastEventFd != -1) fdF = getFd(fdT!, fdT!.lastEventFd);
  return true;
}

function isLocalV4(ip: u32): bool {
  for (let i = 0; i < ifAddr.length; i++) if (ifAddr[i] == ip) return true;
  return false;
}

/** sinsp is_ipv6addr_in_local_machine: never in a container; else in the network of an interface. */
function isLocalV6(addr: usize, t: Thread): bool {
  if (containerIdOf(t).length) return false;
  const net = load<u64>(addr);
  for (let i = 0; i < ifNet6.length; i++) if (unchecked(ifNet6[i]) == net) return true;
  return false;
}

function extractFd(ref: FieldRef, fid: i32): bool {
  if (!fdCtx()) return setNone();
  const t = fdT!;
  if (fid == F.F_FD_NUM) return setNum(lastEventFd(t));
  const f = fdF;
  switch (fid) {
    case F.F_FD_NAME: case F.F_FD_CONTAINERNAME: {
      if (f == null || (evType == T.PPME_SOCKET_CONNECT_X && pI64(0) < 0)) return fromNullFd(fid);
      if (fid == F.F_FD_CONTAINERNAME) { sb.reset(); sb.a(containerIdOf(t)); sb.c(58); sb.a(f.name); return setSb(); }
      return setArr(f.name);
    }
    case F.F_FD_TYPE: return f == null ? setNone() : setStr(fdTypeString(f));
    case F.F_FD_DIRECTORY: case F.F_FD_CONTAINERDIRECTORY: {
      if (f == null) return fromNullFd(fid);
      const isFile = f.type == FD_FILE || f.type == FD_FILE_V2;
      if (!(isFile || f.type == FD_DIRECTORY)) return setNone();
      sb.reset();
      if (fid == F.F_FD_CONTAINERDIRECTORY) { sb.a(containerIdOf(t)); sb.c(58); }
      dirOf(sb, f.name, isFile);
      return setSb();
    }
    case F.F_FD_FILENAME: {
      if (f == null) return fromNullFd(fid);
      if (!(f.type == FD_FILE || f.type == FD_FILE_V2)) return setNone();
      sb.reset(); baseOf(sb, f.name, true); return setSb();
    }
    case F.F_FD_TYPECHAR: {
      if (f == null) return fromNullFd(fid);
      sb.reset(); sb.c(f.typeChar()); return setSb();
    }
    case F.F_FD_CIP: case F.F_FD_CNET: {
      if (f == null || f.isRoleNone()) return setNone();
      if (f.type == FD_IPV4_SOCK) return ipv4Val(f.sip);
      if (f.type == FD_IPV6_SOCK) return ipv6Val(f.s.dataStart);
      return setNone();
    }
    case F.F_FD_SIP: case F.F_FD_SNET: {
      if (f == null || f.isRoleNone()) return setNone();
      if (f.type == FD_IPV4_SOCK) return ipv4Val(f.dip);
      if (f.type == FD_IPV4_SERVSOCK) return ipv4Val(f.srvIp);
      if (f.type == FD_IPV6_SOCK) return ipv6Val(f.s.dataStart + 16);
      if (f.type == FD_IPV6_SERVSOCK) return ipv6Val(f.s.dataStart);
      return setNone();
    }
    case F.F_FD_LIP: case F.F_FD_RIP: case F.F_FD_LNET: case F.F_FD_RNET: {
      if (f == null || !(f.type == FD_IPV4_SOCK || f.type == FD_IPV6_SOCK) || f.isRoleNone()) return setNone();
      const local = f.type == FD_IPV4_SOCK ? isLocalV4(f.sip) : isLocalV6(f.s.dataStart, t);
      const wantLocal = fid == F.F_FD_LIP || fid == F.F_FD_LNET;
      const src = local == wantLocal;
      if (f.type == FD_IPV4_SOCK) return ipv4Val(src ? f.sip : f.dip);
      return ipv6Val(f.s.dataStart + (src ? 0 : 16));
    }
    case F.F_FD_CPORT: {
      if (f == null || f.isRoleNone()) return setNone();
      if (f.type == FD_IPV4_SOCK) return setNum(<i64>f.sport);
      if (f.type == FD_IPV6_SOCK) return setNum(<i64>f.sport6);
      // sysdig falls through to fd.cproto, which returns an empty string that is then read as the
      // field's port type: its NUL bytes make port 0
      return setNum(0);
    }
    case F.F_FD_CPROTO: {
      if (f == null || f.isRoleNone()) return setNone();
      sb.reset();
      if (f.type == FD_IPV4_SOCK) portText(sb, f.sport, f.l4());
      else if (f.type == FD_IPV6_SOCK) portText(sb, f.sport6, f.l4());
      return setSb();
    }
    case F.F_FD_SPORT: case F.F_FD_SPROTO: {
      if (f == null) return setNone();
      let port: u16 = 0;
      if (f.type == FD_IPV4_SOCK) { if (f.isRoleNone()) return setNone(); port = f.dport; }
      else if (f.type == FD_IPV4_SERVSOCK) port = f.srvPort;
      else if (f.type == FD_IPV6_SOCK) { if (f.isRoleNone()) return setNone(); port = f.dport6; }
      else if (f.type == FD_IPV6_SERVSOCK) port = f.srv6Port;
      else return setNone();
      if (fid == F.F_FD_SPORT) return setNum(<i64>port);
      sb.reset();
      if (f.type == FD_IPV4_SOCK || f.type == FD_IPV6_SOCK) portText(sb, port, f.l4());
      return setSb();
    }
    case F.F_FD_LPORT: case F.F_FD_RPORT: case F.F_FD_LPROTO: case F.F_FD_RPROTO: {
      if (f == null || !(f.type == FD_IPV4_SOCK || f.type == FD_IPV6_SOCK) || f.isRoleNone()) return setNone();
      const local = f.type == FD_IPV4_SOCK ? isLocalV4(f.sip) : isLocalV6(f.s.dataStart, t);
      const wantLocal = fid == F.F_FD_LPORT || fid == F.F_FD_LPROTO;
      const src = local == wantLocal;
      const port = f.type == FD_IPV4_SOCK ? (src ? f.sport : f.dport) : (src ? f.sport6 : f.dport6);
      if (fid == F.F_FD_LPORT || fid == F.F_FD_RPORT) return setNum(<i64>port);
      sb.reset(); portText(sb, port, f.l4()); return setSb();
    }
    case F.F_FD_L4PROTO: {
      if (f == null) return setNone();
      const l4 = f.l4();
      return setStr(l4 == L4_TCP ? "tcp" : l4 == L4_UDP ? "udp" : l4 == L4_ICMP ? "icmp" : l4 == L4_RAW ? "raw" : "<NA>");
    }
    case F.F_FD_IS_SERVER: {
      if (f == null) return setNone();
      if (f.type == FD_IPV4_SERVSOCK || f.type == FD_IPV6_SERVSOCK) return setBool(true);
      // sinsp asks whether the server address is one of this machine's (is_ipv*addr_in_local_machine)
      if (f.type == FD_IPV4_SOCK) {
        // in a known container, an address equal to a container's IP counts (offline, every IP is 0)
        const cid = containerIdOf(t);
        if (cid.length && f.dip == 0 && containers.has(String.UTF8.decode(cid.buffer))) return setBool(true);
        return setBool(isLocalV4(f.dip));
      }
      if (f.type == FD_IPV6_SOCK) {
        return setBool(isLocalV6(f.s.dataStart + 16, t));
      }
      return setBool(false);
    }
    case F.F_FD_SOCKFAMILY: {
      if (f == null) return setNone();
      if (f.isIpSock()) return setStr("ip");
      if (f.type == FD_UNIX_SOCK) return setStr("unix");
      return setNone();
    }
    case F.F_FD_UID: {
      if (evType == T.PPME_CONTAINER_JSON_E || evType == T.PPME_CONTAINER_JSON_2_E) return setNone();
      sb.reset(); sb.i(t.tid); sb.i(lastEventFd(t)); return setSb();
    }
    case F.F_FD_CONNECTED: return f == null ? setNone() : setBool(f.isConnected());
    case F.F_FD_NAME_CHANGED: return f == null ? setNone() : setBool(fdNameChanged);
    case F.F_FD_DEV: return f == null ? setNone() : setNum(<i64>f.dev);
    case F.F_FD_DEV_MAJOR: return f == null ? setNone() : setNum(<i64>((f.dev & 0xfff00) >> 8));
    case F.F_FD_DEV_MINOR: return f == null ? setNone() : setNum(<i64>((f.dev & 0xff) | ((f.dev >> 12) & 0xfff00)));
  }
  return setNone();
}

function portText(b: Builder, port: u16, l4: u8): void { b.u(port); }

function ipv4Val(ip: u32): bool { return setNum(<i64>ip); }

let ip6scratch = new Uint8Array(16);
function ipv6Val(p: usize): bool {
  memory.copy(ip6scratch.dataStart, p, 16);
  setTypeFmt(T.PT_IPV6ADDR, T.PF_NA);
  return setBytes(ip6scratch.dataStart, 16);
}

function dirOf(b: Builder, name: Uint8Array, isFile: bool): void {
  if (!isFile) { b.a(name); return; }
  let pos = -1;
  for (let i = name.length - 1; i >= 0; i--) if (name[i] == 0x2f) { pos = i; break; }
  if (pos > 0) {
    if (pos < name.length - 1) b.m(name.dataStart, pos); else b.a(name);
  } else b.c(0x2f);
}

function baseOf(b: Builder, name: Uint8Array, slashIfNone: bool): void {
  let pos = -1;
  for (let i = name.length - 1; i >= 0; i--) if (name[i] == 0x2f) { pos = i; break; }
  if (pos >= 0) {
    if (pos < name.length - 1) b.m(name.dataStart + pos + 1, name.length - pos - 1); else b.a(name);
  } else if (slashIfNone) b.c(0x2f); else b.a(name);
}

/** extract_from_null_fd: failed creators still carry a name in their params. */
function fromNullFd(fid: i32): bool {
  const et = evType;
  if (fid == F.F_FD_TYPECHAR) {
    // sysdig guesses the type from the (enter) event type; 'o' for everything else.
    const ee = et & ~1;
    let c = 0x6f;
    if (ee == T.PPME_SYSCALL_OPEN_E || ee == T.PPME_SYSCALL_OPENAT_E || ee == T.PPME_SYSCALL_OPENAT_2_E ||
        ee == T.PPME_SYSCALL_OPENAT2_E || ee == T.PPME_SYSCALL_CREAT_E) c = 0x66;
    else if (ee == T.PPME_SOCKET_SOCKET_E || ee == T.PPME_SOCKET_ACCEPT_E || ee == T.PPME_SOCKET_ACCEPT_5_E ||
        ee == T.PPME_SOCKET_ACCEPT4_E || ee == T.PPME_SOCKET_ACCEPT4_5_E) c = 0x34;
    else if (ee == T.PPME_SYSCALL_PIPE_E) c = 0x70;
    else if (ee == T.PPME_SYSCALL_EVENTFD_E) c = 0x65;
    else if (ee == T.PPME_SYSCALL_SIGNALFD_E) c = 0x73;
    else if (ee == T.PPME_SYSCALL_TIMERFD_CREATE_E) c = 0x74;
    else if (ee == T.PPME_SYSCALL_INOTIFY_INIT_E) c = 0x69;
    sb.reset(); sb.c(c); return setSb();
  }
  // extract_fdname_from_creator: nothing for enter events
  if ((et & 1) == 0) return setNone();
  sb.reset();
  if (et == T.PPME_SYSCALL_OPEN_X || et == T.PPME_SOCKET_ACCEPT_X || et == T.PPME_SOCKET_ACCEPT_5_X || et == T.PPME_SOCKET_ACCEPT4_X ||
      et == T.PPME_SOCKET_ACCEPT4_5_X || et == T.PPME_SYSCALL_CREAT_X || et == T.PPME_SOCKET_CONNECT_X) {
    if (evNParams > 1) {
      renderParam(1);
      if (res.len != 0) sb.m(res.buf.dataStart, res.len); else sb.m(val.buf.dataStart, val.len);
    }
  } else if (et == T.PPME_SYSCALL_OPENAT_X) {
    // sysdig re-reads the enter event here; Quarry does not keep it
    return setNone();
  } else if (et == T.PPME_SYSCALL_OPENAT_2_X || et == T.PPME_SYSCALL_OPENAT2_X) {
    if (evNParams > 2) {
      const t = thr();
      const name = unchecked(pOff[2]); const nl = <i32>unchecked(pLen[2]);
      const dirfd = pI64(1);
      let base: Uint8Array;
      if (nl > 0 && load<u8>(name) == 0x2f) base = EMPTY;
      else if (dirfd == -100) base = t != null ? cwdOf(t) : EMPTY;
      else {
        const df = t != null ? getFd(t, dirfd) : null;
        if (df == null) { const s = "<UNKNOWN>"; base = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) base[i] = <u8>s.charCodeAt(i); }
        else { base = new Uint8Array(df.name.length + 1); memory.copy(base.dataStart, df.name.dataStart, df.name.length); base[df.name.length] = 0x2f; }
      }
      const j = joinPaths(base, name, nl);
      sb.a(j);
    }
  }
  // every other exit event: an empty name (sysdig's default case)
  if (fid == F.F_FD_NAME) return setSb();
  const cur = sb.take();
  sb.reset();
  if (fid == F.F_FD_CONTAINERNAME) { const t = thr(); if (t != null) sb.a(containerIdOf(t)); sb.c(58); sb.a(cur); return setSb(); }
  if (fid == F.F_FD_DIRECTORY || fid == F.F_FD_CONTAINERDIRECTORY) {
    if (fid == F.F_FD_CONTAINERDIRECTORY) { const t = thr(); if (t != null) sb.a(containerIdOf(t)); sb.c(58); }
    dirOf(sb, cur, true);
    return setSb();
  }
  // fd.filename: only enter events of open/creat, which have no creator name
  return setNone();
}

import { joinPaths } from "../state/paths";

/** Event names as bytes, made once (evt.type is extracted for most events of a JSON run). */
let evtNames: StaticArray<Uint8Array> | null = null;
function evtNameBytes(et: i32): Uint8Array {
  let t = evtNames;
  if (t == null) {
    t = new StaticArray<Uint8Array>(T.EVENT_COUNT);
    for (let i = 0; i < T.EVENT_COUNT; i++) {
      const s = T.EVT_NAME[i];
      const a = new Uint8Array(s.length);
      for (let j = 0; j < s.length; j++) a[j] = <u8>s.charCodeAt(j);
      t[i] = a;
    }
    evtNames = t;
  }
  return unchecked(t![et]);
}
