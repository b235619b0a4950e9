// SPDX-License-Identifier: Apache-2.0
// Compiled filters, evaluated per event with sysdig's semantics: expressions are flat lists
// of checks joined by and/or (with not), evaluated left to right with short-circuit; a check
// compares one extracted field with its values (flt_compare).
import * as T from "../scap/tables.gen";
import * as F from "../fields/fields.gen";
import { FieldRef, extract, ancestor, ancestorValue, ARG_NONE, fdForFilter } from "../fields/extract";
import { vKind, vNum, vDbl, vPtr, vLen, vType, K_NONE, K_NUM, K_BYTES, K_DBL, sb } from "../fields/value";
import { curFd } from "../state/parse";
import { FD_IPV4_SOCK, FD_IPV6_SOCK, FD_IPV4_SERVSOCK, FD_IPV6_SERVSOCK } from "../state/tables";
import { evNum, evType, evTs, evTid, evNParams, pU16 } from "../scap/event";
import { curThread } from "../state/parse";
import { findThread } from "../state/tables";

export const BO_NONE: i32 = 0;
export const BO_NOT: i32 = 1;
export const BO_OR: i32 = 2;
export const BO_AND: i32 = 4;

export const CO_EQ: i32 = 1; export const CO_NE: i32 = 2; export const CO_LT: i32 = 3; export const CO_LE: i32 = 4;
export const CO_GT: i32 = 5; export const CO_GE: i32 = 6; export const CO_CONTAINS: i32 = 7; export const CO_IN: i32 = 8;
export const CO_EXISTS: i32 = 9; export const CO_ICONTAINS: i32 = 10; export const CO_STARTSWITH: i32 = 11;
export const CO_GLOB: i32 = 12; export const CO_PMATCH: i32 = 13; export const CO_ENDSWITH: i32 = 14;
export const CO_INTERSECTS: i32 = 15; export const CO_BCONTAINS: i32 = 16; export const CO_BSTARTSWITH: i32 = 17;
export const CO_IGLOB: i32 = 18;

/** Run-time type error (sysdig stops with a message): op and kind (1 numeric, 2 buffer, 3 ipv4net, 4 ipv6addr, 5 ipv6net). */
export let evalErrOp: i32 = 0;
export let evalErrKind: i32 = 0;

export class Node {
  boolop: i32 = BO_NONE;
  isExpr: bool = false;
  children: Array<Node> = new Array<Node>();
  parent: Node | null = null;
  ref: FieldRef | null = null;
  cmpop: i32 = 0;
  /** the type values are compared as (field type, or the param type for evt.rawarg) */
  ctype: u8 = 0;
  values: Array<Uint8Array> = new Array<Uint8Array>();
  /** numeric values pre-decoded */
  nums: Array<i64> = new Array<i64>();
  /** filter-only fd fields: 1 fd.ip, 2 fd.port, 3 fd.proto, 4 fd.net */
  special: i32 = 0;
  lastEvt: u64 = 0xffffffffffffffff;
  lastRes: bool = false;
  /** evt.type = / != / in: the answer per event type, precomputed (generic events excluded) */
  typeMask: StaticArray<u8> | null = null;
  /** the same for generic events, by syscall code (their type is the syscall's name) */
  scMask: StaticArray<u8> | null = null;
  /** proc.name = / != a NUL-free literal: compared with the thread's comm directly */
  commEq: Uint8Array | null = null;
}

/** A generic event's syscall code (PPM_SC_*), or -1 when it has none the name table knows. */
export function genericCode(): i32 {
  if (evNParams == 0) return -1;
  const id = <i32>pU16(0);
  return id < T.PPMSC_NAME.length ? id : -1;
}

export function evalExpr(e: Node): bool {
  let res = true;
  const ch = e.children;
  const n = ch.length;
  for (let j = 0; j < n; j++) {
    const c = unchecked(ch[j]);
    const op = c.boolop;
    if (j == 0) {
      if (op == BO_NOT) res = !evalNode(c); else res = evalNode(c);
    } else {
      if (op == BO_OR) { if (res) break; res = evalNode(c); }
      else if (op == BO_AND) { if (!res) break; res = evalNode(c); }
      else if (op == (BO_OR | BO_NOT)) { if (res) break; res = !evalNode(c); }
      else if (op == (BO_AND | BO_NOT)) { if (!res) break; res = !evalNode(c); }
    }
  }
  return res;
}

function evalNode(c: Node): bool {
  if (c.isExpr) return evalExpr(c);
  return evalCheck(c);
}

function evalCheck(c: Node): bool {
  const tm = c.typeMask;
  if (tm != null) {
    const et = evType;
    if (et != T.PPME_GENERIC_E && et != T.PPME_GENERIC_X) return unchecked(tm[et]) != 0;
    // a generic event without a known code has the table's name
    const sc = genericCode();
    return sc >= 0 ? unchecked(c.scMask![sc]) != 0 : unchecked(tm[et]) != 0;
  }
  const ce = c.commEq;
  if (ce != null) {
    let t = curThread;
    if (t == null) t = findThread(evTid);
    if (t == null) return false;
    const cm = t.comm;
    const eq = cm.length == ce.length && memory.compare(cm.dataStart, ce.dataStart, ce.length) == 0;
    return c.cmpop == CO_EQ ? eq : !eq;
  }
  if (c.special != 0) return evalSpecial(c);
  const fid = c.ref!.fid;
  if ((fid == F.F_PROC_ANAME || fid == F.F_PROC_APID) && c.ref!.argKind == ARG_NONE) return anyAncestor(c);
  if (fid == F.F_EVT_AROUND) return around(c);
  if (!extract(c.ref!)) return false;
  if (c.cmpop == CO_EXISTS) return true;
  const n = c.values.length;
  if (c.cmpop == CO_IN || c.cmpop == CO_INTERSECTS) {
    for (let i = 0; i < n; i++) if (compareOne(c, CO_EQ, i)) return true;
    return false;
  }
  if (c.cmpop == CO_PMATCH) {
    for (let i = 0; i < n; i++) if (pmatch(unchecked(c.values[i]))) return true;
    return false;
  }
  if (n == 0) return false;
  return compareOne(c, c.cmpop, 0);
}


/** proc.aname / proc.apid without an index: true when some ancestor (not the process itself) matches. */
function anyAncestor(c: Node): bool {
  for (let depth = 1; depth < 100000; depth++) {
    const a = ancestor(depth);
    if (a == null) return false;
    ancestorValue(c.ref!.fid, a);
    if (c.cmpop == CO_EXISTS) return true;
    const n = c.values.length;
    if (c.cmpop == CO_IN || c.cmpop == CO_INTERSECTS) {
      for (let i = 0; i < n; i++) if (compareOne(c, CO_EQ, i)) return true;
    } else if (n > 0 && compareOne(c, c.cmpop, 0)) return true;
    if (evalErrOp != 0) return false;
  }
  return false;
}

/** evt.around[T]=D: T (ns, carried as the ref's decimal argument) within D ms of the event. */
function around(c: Node): bool {
  const a = c.ref!.argName;
  let t: u64 = 0;
  for (let i = 0; i < a.length; i++) { const d = <u64>a[i] - 48; if (d <= 9) t = t * 10 + d; }
  const delta = (c.nums.length ? <u64>unchecked(c.nums[0]) : 0) * 1000000;
  const ts = evTs;
  return t >= ts - delta && t <= ts + delta;
}

function typeErr(op: i32, kind: i32): bool { if (evalErrOp == 0) { evalErrOp = op; evalErrKind = kind; } return false; }

function compareOne(c: Node, op: i32, i: i32): bool {
  const ty = c.ctype;
  switch (ty) {
    case T.PT_INT8: case T.PT_INT16: case T.PT_INT32: case T.PT_INT64: case T.PT_FD: case T.PT_PID: case T.PT_ERRNO:
      return cmpSigned(op, vNum, unchecked(c.nums[i]));
    case T.PT_FLAGS8: case T.PT_UINT8: case T.PT_SIGTYPE: case T.PT_FLAGS16: case T.PT_UINT16: case T.PT_PORT:
    case T.PT_SYSCALLID: case T.PT_UINT32: case T.PT_FLAGS32: case T.PT_MODE: case T.PT_BOOL: case T.PT_IPV4ADDR:
    case T.PT_UINT64: case T.PT_RELTIME: case T.PT_ABSTIME: case T.PT_L4PROTO: case T.PT_UID: case T.PT_GID:
      return cmpUnsigned(op, <u64>vNum, <u64>unchecked(c.nums[i]), ty);
    case T.PT_CHARBUF: case T.PT_FSPATH: case T.PT_FSRELPATH:
      return cmpString(op, unchecked(c.values[i]));
    case T.PT_BYTEBUF:
      return cmpBuffer(op, unchecked(c.values[i]));
    case T.PT_DOUBLE:
      return cmpDouble(op, vDbl, <f64>load<f64>(unchecked(c.values[i]).dataStart));
    case T.PT_IPADDR: {
      const v = unchecked(c.values[i]);
      if (vKind == K_BYTES && vLen == 16) return cmpIp6(op, v);
      return cmpUnsigned(op, <u64>(<u32>vNum), <u64>load<u32>(v.dataStart), T.PT_IPV4ADDR);
    }
    case T.PT_IPNET: {
      const v = unchecked(c.values[i]);
      if (vKind == K_BYTES && vLen == 16) return cmpIp6net(op, v);
      return cmpIp4net(op, <u32>vNum, v);
    }
    case T.PT_IPV4NET: return cmpIp4net(op, <u32>vNum, unchecked(c.values[i]));
    case T.PT_IPV6ADDR: return cmpIp6(op, unchecked(c.values[i]));
    case T.PT_IPV6NET: return cmpIp6net(op, unchecked(c.values[i]));
  }
  return false;
}

function cmpSigned(op: i32, a: i64, b: i64): bool {
  switch (op) {
    case CO_EQ: return a == b; case CO_NE: return a != b; case CO_LT: return a < b;
    case CO_LE: return a <= b; case CO_GT: return a > b; case CO_GE: return a >= b;
  }
  return typeErr(op, 1);
}

function cmpUnsigned(op: i32, a: u64, b: u64, ty: u8): bool {
  // compare at the width of the type, as sysdig does through casts
  switch (op) {
    case CO_EQ: return a == b; case CO_NE: return a != b; case CO_LT: return a < b;
    case CO_LE: return a <= b; case CO_GT: return a > b; case CO_GE: return a >= b;
  }
  return typeErr(op, 1);
}

function cmpDouble(op: i32, a: f64, b: f64): bool {
  switch (op) {
    case CO_EQ: return a == b; case CO_NE: return a != b; case CO_LT: return a < b;
    case CO_LE: return a <= b; case CO_GT: return a > b; case CO_GE: return a >= b;
  }
  return typeErr(op, 1);
}

/** Length of the extracted string as a C string. */
function cLen(): i32 {
  if (vKind != K_BYTES) return 0;
  let k = 0; while (k < vLen && load<u8>(vPtr + k) != 0) k++;
  return k;
}

function strcmp(p: usize, n: i32, v: Uint8Array): i32 {
  let vn = 0; while (vn < v.length && v[vn] != 0) vn++;
  const m = min(n, vn);
  for (let i = 0; i < m; i++) {
    const a = <i32>load<u8>(p + i), b = <i32>v[i];
    if (a != b) return a - b;
  }
  return n - vn;
}

function lower(c: i32): i32 { return c >= 65 && c <= 90 ? c + 32 : c; }

function find(p: usize, n: i32, v: Uint8Array, vn: i32, icase: bool): bool {
  if (vn == 0) return true;
  for (let i = 0; i + vn <= n; i++) {
    let ok = true;
    for (let j = 0; j < vn; j++) {
      let a = <i32>load<u8>(p + i + j), b = <i32>v[j];
      if (icase) { a = lower(a); b = lower(b); }
      if (a != b) { ok = false; break; }
    }
    if (ok) return true;
  }
  return false;
}

function cmpString(op: i32, v: Uint8Array): bool {
  // fast path for the common equality on NUL-free values: lengths first, then one memcmp
  if ((op == CO_EQ || op == CO_NE) && vKind == K_BYTES) {
    const vl = v.length;
    if (vl == 0 || v[vl - 1] != 0) {
      let same = vLen == vl && memory.compare(vPtr, v.dataStart, vl) == 0;
      // a NUL inside the extracted value would end it early (C string): only the first vl+1 bytes matter
      let nul = false;
      const lim = min(vLen, vl + 1);
      for (let i = 0; i < lim; i++) if (load<u8>(vPtr + i) == 0) { nul = true; break; }
      if (!nul) return (op == CO_EQ) == same;
    }
  }
  const p = vPtr; const n = cLen();
  let vn = 0; while (vn < v.length && v[vn] != 0) vn++;
  switch (op) {
    case CO_EQ: return strcmp(p, n, v) == 0;
    case CO_NE: return strcmp(p, n, v) != 0;
    case CO_LT: return strcmp(p, n, v) < 0;
    case CO_LE: return strcmp(p, n, v) <= 0;
    case CO_GT: return strcmp(p, n, v) > 0;
    case CO_GE: return strcmp(p, n, v) >= 0;
    case CO_CONTAINS: case CO_BCONTAINS: return find(p, n, v, vn, false);
    case CO_ICONTAINS: return find(p, n, v, vn, true);
    case CO_STARTSWITH: case CO_BSTARTSWITH: {
      if (vn > n) return false;
      for (let i = 0; i < vn; i++) if (load<u8>(p + i) != v[i]) return false;
      return true;
    }
    case CO_ENDSWITH: {
      if (vn > n) return false;
      for (let i = 0; i < vn; i++) if (load<u8>(p + n - vn + i) != v[i]) return false;
      return true;
    }
    case CO_GLOB: return glob(v.dataStart, vn, p, n, false);
    case CO_IGLOB: return glob(v.dataStart, vn, p, n, true);
  }
  return false;
}

function cmpBuffer(op: i32, v: Uint8Array): bool {
  const p = vPtr; const n = vKind == K_BYTES ? vLen : 0; const vn = v.length;
  switch (op) {
    case CO_EQ: return n == vn && memory.compare(p, v.dataStart, n) == 0;
    case CO_NE: return n != vn || memory.compare(p, v.dataStart, n) != 0;
    case CO_CONTAINS: case CO_BCONTAINS: return find(p, n, v, vn, false);
    case CO_STARTSWITH: case CO_BSTARTSWITH: return vn <= n && memory.compare(p, v.dataStart, vn) == 0;
    case CO_ENDSWITH: return vn <= n && memory.compare(p + n - vn, v.dataStart, vn) == 0;
  }
  return typeErr(op, 2);
}

function cmpIp4net(op: i32, ip: u32, v: Uint8Array): bool {
  const net = load<u32>(v.dataStart); const mask = load<u32>(v.dataStart, 4);
  if (op == CO_EQ || op == CO_IN) return (ip & mask) == (net & mask);
  if (op == CO_NE) return (ip & mask) != (net & mask);
  return typeErr(op, 3);
}

function cmpIp6(op: i32, v: Uint8Array): bool {
  if (vKind != K_BYTES || vLen != 16) return false;
  const eq = memory.compare(vPtr, v.dataStart, 16) == 0;
  if (op == CO_EQ || op == CO_IN) return eq;
  if (op == CO_NE) return !eq;
  return typeErr(op, 4);
}

function cmpIp6net(op: i32, v: Uint8Array): bool {
  if (vKind != K_BYTES || vLen != 16) return false;
  // in_subnet compares the first 64 bits (sinsp ipv6addr::in_subnet)
  const inNet = load<u64>(vPtr) == load<u64>(v.dataStart);
  if (op == CO_EQ || op == CO_IN) return inNet;
  if (op == CO_NE) return !inNet;
  return typeErr(op, 5);
}

/** pmatch: the value starts with the path, matching whole components. */
function pmatch(v: Uint8Array): bool {
  const p = vPtr; const n = cLen();
  let vn = v.length;
  while (vn > 1 && v[vn - 1] == 0x2f) vn--;
  if (vn > n) return false;
  for (let i = 0; i < vn; i++) if (load<u8>(p + i) != v[i]) return false;
  return vn == n || load<u8>(p + vn) == 0x2f || (vn > 0 && v[vn - 1] == 0x2f);
}

/** fnmatch(pattern, string, 0) */
export function glob(pp: usize, pn: i32, sp: usize, sn: i32, icase: bool): bool {
  let pi = 0, si = 0;
  let starP = -1, starS = -1;
  while (si < sn) {
    if (pi < pn) {
      const c = <i32>load<u8>(pp + pi);
      if (c == 42) { starP = pi++; starS = si; continue; }
      if (c == 63) { pi++; si++; continue; }
      if (c == 91) {
        const r = bracket(pp, pn, pi, <i32>load<u8>(sp + si), icase);
        if (r > 0) { pi = r; si++; continue; }
        if (r == 0) { /* no match */ }
        else if (<i32>load<u8>(sp + si) == 91) { pi++; si++; continue; } // malformed: literal
      } else {
        let pc = c;
        if (c == 92 && pi + 1 < pn) pc = <i32>load<u8>(pp + pi + 1);
        let a = <i32>load<u8>(sp + si), bb = pc;
        if (icase) { a = lower(a); bb = lower(bb); }
        if (a == bb) { pi += c == 92 && pi + 1 < pn ? 2 : 1; si++; continue; }
      }
    }
    if (starP >= 0) { pi = starP + 1; si = ++starS; continue; }
    return false;
  }
  while (pi < pn && load<u8>(pp + pi) == 42) pi++;
  return pi == pn;
}

/** Returns the index after ']' on a match, 0 when no match, -1 when malformed. */
function bracket(pp: usize, pn: i32, pi: i32, ch: i32, icase: bool): i32 {
  let i = pi + 1;
  let neg = false;
  if (i < pn && (load<u8>(pp + i) == 33 || load<u8>(pp + i) == 94)) { neg = true; i++; }
  let matched = false;
  let first = true;
  if (icase) ch = lower(ch);
  while (i < pn) {
    let c = <i32>load<u8>(pp + i);
    if (c == 93 && !first) {
      return matched != neg ? i + 1 : 0;
    }
    first = false;
    if (c == 92 && i + 1 < pn) { i++; c = <i32>load<u8>(pp + i); }
    let lo = c, hi = c;
    if (i + 2 < pn && load<u8>(pp + i + 1) == 45 && load<u8>(pp + i + 2) != 93) {
      hi = <i32>load<u8>(pp + i + 2); i += 2;
    }
    if (icase) { lo = lower(lo); hi = lower(hi); }
    if (ch >= lo && ch <= hi) matched = true;
    i++;
  }
  return -1;
}

// ---- filter-only fd fields (sinsp_filter_check_fd::compare_ip / compare_port / compare_net) -------

/** Run-time error kinds beyond the flt_compare ones: 6 IP operator, 7 port operator. */
const KIND_IP_OP: i32 = 6;
const KIND_PORT_OP: i32 = 7;

function evalSpecial(c: Node): bool {
  const f = fdForFilter();
  if (f == null) return false;
  if (c.special == 1) return compareIp(c, f!);
  if (c.special == 2 || c.special == 3) return comparePort(c, f!);
  if (c.special == 4) return compareNet(c, f!);
  return false;
}

/** The first value's bytes, at least N long (sinsp reads its value storage, zero-filled here). */
function firstBytes(c: Node, n: i32): Uint8Array {
  const v = c.values.length ? unchecked(c.values[0]) : new Uint8Array(0);
  if (v.length >= n) return v;
  const out = new Uint8Array(n);
  memory.copy(out.dataStart, v.dataStart, v.length);
  return out;
}

function ip4Cmp(c: Node, ip: u32): bool {
  if (c.cmpop == CO_IN) {
    for (let i = 0; i < c.values.length; i++) {
      const v = unchecked(c.values[i]);
      if (v.length == 4 && load<u32>(v.dataStart) == ip) return true;
    }
    return false;
  }
  const w = load<u32>(firstBytes(c, 4).dataStart);
  return c.cmpop == CO_EQ ? ip == w : ip != w;
}

function ip6Cmp(c: Node, p: usize): bool {
  if (c.cmpop == CO_IN) {
    for (let i = 0; i < c.values.length; i++) {
      const v = unchecked(c.values[i]);
      if (v.length == 16 && memory.compare(p, v.dataStart, 16) == 0) return true;
    }
    return false;
  }
  const eq = memory.compare(p, firstBytes(c, 16).dataStart, 16) == 0;
  return c.cmpop == CO_EQ ? eq : !eq;
}

function compareIp(c: Node, f: Fd): bool {
  const op = c.cmpop;
  const eqLike = op == CO_EQ || op == CO_IN;
  if (f.type == FD_IPV4_SOCK) {
    if (eqLike) return ip4Cmp(c, f.sip) || ip4Cmp(c, f.dip);
    if (op == CO_NE) return ip4Cmp(c, f.sip) && ip4Cmp(c, f.dip);
    return typeErr(op, KIND_IP_OP);
  }
  if (f.type == FD_IPV4_SERVSOCK) {
    if (eqLike || op == CO_NE) return ip4Cmp(c, f.srvIp);
    return typeErr(op, KIND_IP_OP);
  }
  if (f.type == FD_IPV6_SOCK) {
    if (eqLike) return ip6Cmp(c, f.s.dataStart) || ip6Cmp(c, f.s.dataStart + 16);
    if (op == CO_NE) return ip6Cmp(c, f.s.dataStart) && ip6Cmp(c, f.s.dataStart + 16);
    return typeErr(op, KIND_IP_OP);
  }
  if (f.type == FD_IPV6_SERVSOCK) {
    if (eqLike || op == CO_NE) return ip6Cmp(c, f.s.dataStart);
    return typeErr(op, KIND_IP_OP);
  }
  return false;
}

function comparePort(c: Node, f: Fd): bool {
  let sp: u64 = 0, dp: u64 = 0;
  if (f.type == FD_IPV4_SOCK) { sp = f.sport; dp = f.dport; }
  else if (f.type == FD_IPV4_SERVSOCK) { sp = f.srvPort; dp = f.srvPort; }
  else if (f.type == FD_IPV6_SOCK) { sp = f.sport6; dp = f.dport6; }
  else if (f.type == FD_IPV6_SERVSOCK) { sp = f.srv6Port; dp = f.srv6Port; }
  else return false;
  const op = c.cmpop;
  if (op == CO_IN) {
    for (let i = 0; i < c.nums.length; i++) {
      const w = <u64>(<u16>unchecked(c.nums[i]));
      if (sp == w || dp == w) return true;
    }
    return false;
  }
  const w = c.nums.length ? <u64>(<u16>unchecked(c.nums[0])) : 0;
  switch (op) {
    case CO_EQ: return sp == w || dp == w;
    case CO_NE: return sp != w && dp != w;
    case CO_LT: return sp < w || dp < w;
    case CO_LE: return sp <= w || dp <= w;
    case CO_GT: return sp > w || dp > w;
    case CO_GE: return sp >= w || dp >= w;
  }
  return typeErr(op, KIND_PORT_OP);
}

function compareNet(c: Node, f: Fd): bool {
  const op = c.cmpop;
  const eqLike = op == CO_EQ || op == CO_IN;
  if (f.type == FD_IPV4_SOCK) {
    const v = firstBytes(c, 8);
    if (eqLike) return cmpIp4net(CO_EQ, f.sip, v) || cmpIp4net(CO_EQ, f.dip, v);
    if (op == CO_NE) return cmpIp4net(CO_NE, f.sip, v) && cmpIp4net(CO_NE, f.dip, v);
    return typeErr(op, KIND_IP_OP);
  }
  if (f.type == FD_IPV4_SERVSOCK) return cmpIp4net(op, f.srvIp, firstBytes(c, 8));
  if (f.type == FD_IPV6_SOCK) {
    const v = firstBytes(c, 16);
    if (eqLike) return in6net(f.s.dataStart, v) || in6net(f.s.dataStart + 16, v);
    if (op == CO_NE) return !in6net(f.s.dataStart, v) && !in6net(f.s.dataStart + 16, v);
    return typeErr(op, KIND_IP_OP);
  }
  if (f.type == FD_IPV6_SERVSOCK) {
    const v = firstBytes(c, 16);
    if (eqLike) return in6net(f.s.dataStart, v);
    if (op == CO_NE) return !in6net(f.s.dataStart, v);
    return typeErr(op, 5);
  }
  return false;
}

function in6net(p: usize, v: Uint8Array): bool { return load<u64>(p) == load<u64>(v.dataStart); }

import { Fd } from "../state/tables";
