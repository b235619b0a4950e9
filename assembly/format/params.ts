// SPDX-License-Identifier: Apache-2.0
// One parameter as sysdig renders it (sinsp_evt::get_param_as_str): a value text and an
// optional "resolved" text (fd name, errno name, flag names, ...), with sysdig's quirks kept.
import * as T from "../scap/tables.gen";
import { evNParams, evType, pOff, pLen } from "../scap/event";
import { Builder, sanitize, cstr, invalidChar } from "../util/bytes";
import { Thread, findThread, getFd, cwdOf, users, groups } from "../state/tables";
import { joinPaths, lastWasRelative } from "../state/paths";
import { curThread, curFd } from "../state/parse";
import { sockAddrTo, sockTupleTo } from "./net";

export const BUF_NORMAL: i32 = 0;
export const BUF_EOLS: i32 = 1;
export const BUF_HEX: i32 = 2;
export const BUF_HEXASCII: i32 = 3;
export const BUF_BASE64: i32 = 4;

/** Buffer rendering mode (-A/-x/-X/-b) and whether JSON output is on. */
export let bufFormat: i32 = BUF_NORMAL;
export let jsonMode: bool = false;
/** 80 by default; 0 disables the cut (-v, chisels, JSON). */
export let maxBufLen: i32 = 80;

export function setBufFormat(f: i32, json: bool, maxLen: i32): void { bufFormat = f; jsonMode = json; maxBufLen = maxLen; }

export const val = new Builder();
export const res = new Builder();
/** The value text of the last parameter the previous default line rendered: what sysdig's
 *  one text buffer (reused by every event) still holds when an event's first parameter is an
 *  empty path, which copies nothing into it. */
export const prevLineLast = new Builder();

let utf8Names: StaticArray<Uint8Array> | null = null;

function numFmt(v: i64, fmt: u8, unsignedBits: i32): void {
  // fmt: PF_OCT "%#o", PF_DEC signed, PF_10_PADDED_DEC "%09", PF_HEX "%X"
  if (fmt == T.PF_OCT) {
    let u = <u64>v;
    if (unsignedBits < 64) u &= (<u64>1 << unsignedBits) - 1;
    if (u != 0) val.c(48);
    octal(u);
  } else if (fmt == T.PF_HEX) {
    let u = <u64>v;
    if (unsignedBits < 64) u &= (<u64>1 << unsignedBits) - 1;
    hexUpper(u);
  } else if (fmt == T.PF_10_PADDED_DEC) {
    if (v < 0) { val.c(45); val.pad(<u64>(-v), 8); } else val.pad(<u64>v, 9);
  } else val.i(v);
}


function octal(u: u64): void {
  const start = val.len;
  do { val.c(48 + <i32>(u & 7)); u >>= 3; } while (u != 0);
  rev(start);
}

function hexUpper(u: u64): void {
  const start = val.len;
  do { const d = <i32>(u & 15); val.c(d < 10 ? 48 + d : 55 + d); u >>= 4; } while (u != 0);
  rev(start);
}

function rev(start: i32): void {
  let i = start, j = val.len - 1;
  const a = val.buf;
  while (i < j) { const t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
}

function isprint(c: u32): bool { return c >= 0x20 && c < 0x7f; }

/** Renders a data buffer in the current buffer mode into val; returns the length before any cut. */
export function renderBuffer(p: usize, n: i32, into: Builder, mode: i32, json: bool, cut: bool): void {
  if (n == 0) return;
  const start = into.len;
  if (mode == BUF_HEX || mode == BUF_HEXASCII) { hexDump(p, n, into, mode == BUF_HEXASCII); return; }
  if (mode == BUF_BASE64) { base64(p, n, into); return; }
  if (mode == BUF_EOLS) {
    into.c(10);
    for (let j = 0; j < n; j++) {
      const c = <u32>load<u8>(p + j);
      if (isprint(c)) into.c(c);
      else if (c == 13) into.c(10);
      else if (c == 10) { if (j > 0 && load<u8>(p + j - 1) != 13) into.c(10); }
    }
    return;
  }
  into.grow(n);
  for (let j = 0; j < n; j++) {
    const c = <u32>load<u8>(p + j);
    unchecked(into.buf[into.len++] = <u8>(isprint(c) ? c : 46));
  }
  if (cut && !json && maxBufLen != 0 && n > maxBufLen) {
    into.len = start + maxBufLen;
    if (maxBufLen > 3) { into.buf[into.len - 3] = 46; into.buf[into.len - 2] = 46; into.buf[into.len - 1] = 46; }
  }
}

function hexDump(p: usize, n: i32, into: Builder, ascii: bool): void {
  for (let j = 0; j < n; j += 16) {
    into.s("\n\t0x");
    const o = <u32>j;
    for (let s = 12; s >= 0; s -= 4) { const d = <i32>((o >> s) & 15); into.c(d < 10 ? 48 + d : 87 + d); }
    into.c(58);
    let chunks = 0;
    let k = j;
    while (chunks < 8 && k < n) {
      into.c(32);
      if (k == n - 1) { hex2(into, load<u8>(p + k)); }
      else { hex2(into, load<u8>(p + k)); hex2(into, load<u8>(p + k + 1)); }
      chunks++; k += 2;
    }
    if (ascii) {
      while (chunks < 8) { into.s("     "); chunks++; }
      into.s("  ");
      for (let q = j; q < j + 16 && q < n; q++) { const c = <u32>load<u8>(p + q); into.c(isprint(c) ? c : 46); }
    }
  }
  into.c(10);
}

function hex2(into: Builder, v: u8): void {
  const hi = v >> 4, lo = v & 15;
  into.c(hi < 10 ? 48 + hi : 87 + hi); into.c(lo < 10 ? 48 + lo : 87 + lo);
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
function base64(p: usize, n: i32, into: Builder): void {
  let j = 0;
  while (j < n) {
    const a: u32 = load<u8>(p + j); j++;
    const bb: u32 = j < n ? <u32>load<u8>(p + j) : 0; const hb = j < n; j++;
    const c: u32 = j < n ? <u32>load<u8>(p + j) : 0; const hc = j < n; j++;
    const t = (a << 16) | (bb << 8) | c;
    into.c(B64.charCodeAt((t >> 18) & 63)); into.c(B64.charCodeAt((t >> 12) & 63));
    into.c(hb ? B64.charCodeAt((t >> 6) & 63) : 61); into.c(hc ? B64.charCodeAt(t & 63) : 61);
  }
}

function putName(into: Builder, s: string): void { into.s(s); }

function flagsNames(v: u32, tab: i32): void {
  if (tab < 0) return;
  const start = <i32>unchecked(T.FLAGTAB_START[tab]);
  const cnt = <i32>unchecked(T.FLAGTAB_LEN[tab]);
  let sep = false;
  const initial = v;
  let i = 0;
  for (; i < cnt; i++) {
    const fv = unchecked(T.FLAG_VALUE[start + i]);
    if (fv == initial) break;
    if ((fv == 0 && initial == 0) || (fv != 0 && (v & fv) == fv && v != 0)) {
      if (sep) res.c(124);
      res.s(unchecked(T.FLAG_NAME[start + i]));
      sep = true;
      v &= ~fv;
    }
  }
  if (i < cnt) {
    if (sep) res.c(124);
    res.s(unchecked(T.FLAG_NAME[start + i]));
  }
}

function errnoName(code: i32): string {
  const c = code < 0 ? -code : code;
  if (c >= 0 && c < T.ERRNO_NAME.length) return unchecked(T.ERRNO_NAME[c]);
  return "";
}

export function renderFdValue(fd: i64, t: Thread | null): void {
  val.i(fd);
  if (t == null) return;
  if (fd >= 0) {
    const f = getFd(t, fd);
    if (f != null) {
      res.c(60); res.c(f.typeChar());
      if (f.isIpSock()) {
        const l4 = f.l4();
        if (l4 == 2) res.c(116); else if (l4 == 3) res.c(117); else if (l4 == 4) res.c(105); else if (l4 == 5) res.c(114);
      }
      res.c(62);
      res.a(sanitize(f.name));
    }
  } else if (fd == -100) {
    res.s("AT_FDCWD");
  } else {
    const e = errnoName(<i32>fd);
    if (e.length) res.s(e);
  }
}

/**
 * Renders param i of the current event into val/res (both reset first).
 * Returns false when the param does not exist.
 */
export function renderParam(i: i32): bool {
  val.reset(); res.reset();
  if (i >= evNParams) return false;
  const et = evType;
  const pi = <i32>unchecked(T.EVT_PARAM_START[et]) + i;
  if (i >= <i32>unchecked(T.EVT_NPARAMS[et])) { val.s("(n.a.)"); return true; }
  let p = unchecked(pOff[i]);
  let n = <i32>unchecked(pLen[i]);
  let type = unchecked(T.PARAM_TYPE[pi]);
  const fmt = unchecked(T.PARAM_FMT[pi]);
  let info = <i32>unchecked(T.PARAM_INFO[pi]);
  if (type == T.PT_DYN && info >= 0 && n != 0) {
    const idx = <i32>load<u8>(p);
    if (idx < <i32>unchecked(T.DYNTAB_LEN[info])) {
      const di = <i32>unchecked(T.DYNTAB_START[info]) + idx;
      type = unchecked(T.DYN_TYPE[di]);
      p += 1; n -= 1;
      info = -1;
    }
  }
  const t = curThread;
  switch (type) {
    case T.PT_INT8: numFmt(<i64>load<i8>(p), fmt, 8); break;
    case T.PT_INT16: numFmt(<i64>load<i16>(p), fmt, 16); break;
    case T.PT_INT32: numFmt(<i64>load<i32>(p), fmt, 32); break;
    case T.PT_INT64: numFmt(load<i64>(p), fmt, 64); break;
    case T.PT_UINT8: numFmt(<i64>load<u8>(p), fmt, 8); break;
    case T.PT_UINT16: numFmt(<i64>load<u16>(p), fmt, 16); break;
    case T.PT_UINT32: numFmt(<i64>load<i32>(p), fmt, 32); break;
    case T.PT_UINT64: numFmt(load<i64>(p), fmt, 64); break;
    case T.PT_FD: renderFdValue(load<i64>(p), t); break;
    case T.PT_PID: {
      const pid = load<i64>(p);
      val.i(pid);
      const pt = findThread(pid);
      if (pt != null) res.a(pt.comm);
      break;
    }
    case T.PT_ERRNO: {
      const v = load<i64>(p);
      val.i(v);
      if (v < 0) { const e = errnoName(<i32>v); if (e.length) res.s(e); }
      break;
    }
    case T.PT_CHARBUF: {
      let k = 0; while (k < n && load<u8>(p + k) != 0) k++;
      val.m(p, k);
      break;
    }
    case T.PT_FSPATH: case T.PT_FSRELPATH: {
      // sysdig copies nothing for an empty path, so its text buffer still holds the previous
      // param's value (e.g. openat name=-100 when the probe could not read the name), or for a
      // first parameter the last one the previous line rendered (open name=-1)
      if (n == 0 && i > 0) { renderParam(i - 1); res.reset(); break; }
      if (n == 0) { val.m(prevLineLast.buf.dataStart, prevLineLast.len); break; }
      let k = 0; while (k < n && load<u8>(p + k) != 0) k++;
      for (let j = 0; j < k; j++) { const c = <u32>load<u8>(p + j); if (!invalidChar(c)) val.c(c); }
      if (t != null && n > 0) {
        if (!(k >= 4 && load<u8>(p) == 60 && load<u8>(p + 1) == 78 && load<u8>(p + 2) == 65 && load<u8>(p + 3) == 62)) {
          const base = baseDir(type, info, t);
          const j = joinPaths(base, p, n);
          if (lastWasRelative) res.a(j);
        }
      }
      break;
    }
    case T.PT_BYTEBUF: renderBuffer(p, n, val, bufFormat, jsonMode, bufFormat == BUF_NORMAL); break;
    case T.PT_SOCKADDR: sockAddrTo(val, p, n, curFd != null ? curFd!.l4() : 0); break;
    case T.PT_SOCKTUPLE: sockTupleTo(val, p, n, curFd != null ? curFd!.l4() : 0); break;
    case T.PT_FDLIST: {
      if (t == null) break;
      const nfds = <i32>load<u16>(p);
      let pos = 2;
      for (let j = 0; j < nfds && pos + 10 <= n; j++) {
        const fd = load<i64>(p + pos);
        const f = getFd(t, fd);
        val.u(<u64>fd); val.c(58); val.c(f != null ? f.typeChar() : 63);
        val.hexLower(<u64><u32><i32>load<i16>(p + pos + 8));
        if (j < nfds - 1) val.c(32);
        pos += 10;
      }
      break;
    }
    case T.PT_SYSCALLID: {
      const id = <i32>load<u16>(p);
      if (id >= T.PPMSC_NAME.length) { val.s("<unknown syscall>"); break; }
      val.u(id);
      res.s(unchecked(T.PPMSC_NAME[id]));
      break;
    }
    case T.PT_SIGTYPE: {
      const s = <i32>load<u8>(p);
      val.u(s);
      if (s < T.SIGNAL_NAME.length && T.SIGNAL_NAME[s].length) res.s(T.SIGNAL_NAME[s]);
      break;
    }
    case T.PT_RELTIME: {
      const v = load<u64>(p);
      if (v == 0xffffffffffffffff) { val.s("none"); break; }
      val.u(v);
      gFormat(res, <f64>v / 1000000000.0);
      res.c(115);
      break;
    }
    case T.PT_FLAGS8: case T.PT_FLAGS16: case T.PT_FLAGS32: {
      const v: u32 = type == T.PT_FLAGS8 ? <u32>load<u8>(p) : type == T.PT_FLAGS16 ? <u32>load<u16>(p) : load<u32>(p);
      val.u(v);
      flagsNames(v, info);
      break;
    }
    case T.PT_MODE: {
      const v = load<u32>(p);
      numFmt(<i64>v, fmt, 32);
      flagsNames(v, info);
      break;
    }
    case T.PT_ABSTIME: case T.PT_DYN: val.s("INVALID DYNAMIC PARAMETER"); break;
    case T.PT_UID: case T.PT_GID: {
      const v = load<u32>(p);
      if (v != 0xffffffff) {
        val.i(<i32>v);
        const m = type == T.PT_UID ? users : groups;
        if (m.has(v)) res.a(sanitize(m.get(v))); else res.s("<NA>");
      } else { val.s("-1"); res.s("<NONE>"); }
      break;
    }
    case T.PT_SIGSET: {
      const v = load<u32>(p);
      let first = true;
      for (let s = 0; s < 32; s++) {
        if (v & (1 << s)) {
          const id = s + 1;
          if (id < T.SIGNAL_NAME.length && T.SIGNAL_NAME[id].length) {
            if (!first) val.c(32);
            val.s(T.SIGNAL_NAME[id]);
            first = false;
          }
        }
      }
      break;
    }
    default: val.s("(n.a.)"); break;
  }
  return true;
}

function baseDir(type: u8, info: i32, t: Thread): Uint8Array {
  const cwd = cwdOf(t);
  if (type != T.PT_FSRELPATH) return cwd;
  if (info < 0 || info >= evNParams) return cwd;
  const dpi = <i32>unchecked(T.EVT_PARAM_START[evType]) + info;
  if (unchecked(T.PARAM_TYPE[dpi]) != T.PT_FD) return cwd;
  const dirfd = load<i64>(unchecked(pOff[info]));
  if (dirfd == -100) return cwd;
  const f = getFd(t, dirfd);
  if (f == null || f.name.length == 0) return new Uint8Array(0);
  const s = sanitize(f.name);
  const r = new Uint8Array(s.length + 1);
  memory.copy(r.dataStart, s.dataStart, s.length);
  r[s.length] = 0x2f;
  return r;
}

/** printf("%g") for non-negative doubles (6 significant digits). */
export function gFormat(into: Builder, x: f64): void {
  if (x == 0) { into.c(48); return; }
  let neg = x < 0; if (neg) { into.c(45); x = -x; }
  let e = <i32>Math.floor(Math.log10(x));
  // round to 6 significant digits
  let m = Math.round(x / Math.pow(10, <f64>(e - 5)));
  if (m >= 1000000) { e++; m = Math.round(x / Math.pow(10, <f64>(e - 5))); }
  const digits = <u64>m; // 6 digits
  if (e < -4 || e >= 6) {
    // mantissa d.ddddd without trailing zeros, then e±XX
    mantissa(into, digits, 1);
    into.c(101); into.c(e < 0 ? 45 : 43);
    const ae = e < 0 ? -e : e;
    if (ae < 10) into.c(48);
    into.u(<u64>ae);
  } else {
    mantissa(into, digits, e + 1);
  }
}

function mantissa(into: Builder, digits: u64, intDigits: i32): void {
  // digits holds 6 significant digits; place the decimal point after intDigits (may be <= 0)
  const d = new StaticArray<u8>(6);
  let v = digits;
  for (let i = 5; i >= 0; i--) { d[i] = <u8>(v % 10); v /= 10; }
  let last = 5;
  while (last > 0 && d[last] == 0 && last >= intDigits) last--;
  if (intDigits <= 0) {
    into.c(48); into.c(46);
    for (let i = 0; i < -intDigits; i++) into.c(48);
    for (let i = 0; i <= last; i++) into.c(48 + d[i]);
    return;
  }
  for (let i = 0; i < intDigits; i++) into.c(48 + (i < 6 ? d[i] : 0));
  if (last >= intDigits) {
    into.c(46);
    for (let i = intDigits; i <= last; i++) into.c(48 + d[i]);
  }
}
