// SPDX-License-Identifier: Apache-2.0
// A field value as text (sinsp_filter_check::rawval_to_string) and as a JSON value
// (rawval_to_json, written the way jsoncpp's FastWriter writes it).
import * as T from "../scap/tables.gen";
import { Builder } from "../util/bytes";
import { vKind, vNum, vDbl, vPtr, vLen, vType, vFmt, K_NONE, K_NUM, K_BYTES, K_DBL } from "./value";
import { ip6To } from "../format/net";

/** Set when a value cannot be rendered; the host reports "wrong event type N" and stops. */
export let renderError: i32 = 0;
export function clearRenderError(): void { renderError = 0; }

function hexU(b: Builder, u: u64): void {
  const start = b.len;
  do { const d = <i32>(u & 15); b.c(d < 10 ? 48 + d : 55 + d); u >>= 4; } while (u != 0);
  rev(b, start);
}
function oct(b: Builder, u: u64): void {
  const start = b.len;
  do { b.c(48 + <i32>(u & 7)); u >>= 3; } while (u != 0);
  rev(b, start);
}
function rev(b: Builder, start: i32): void {
  let i = start, j = b.len - 1;
  while (i < j) { const t = b.buf[i]; b.buf[i] = b.buf[j]; b.buf[j] = t; i++; j--; }
}
function padded9(b: Builder, v: i64, signed: bool): void {
  // nine characters at least, the sign included
  if (signed && v < 0) { b.c(45); b.pad(<u64>(-v), 8); } else b.pad(<u64>v, 9);
}

function bits(ty: u8): i32 {
  switch (ty) {
    case T.PT_INT8: case T.PT_UINT8: case T.PT_L4PROTO: return 8;
    case T.PT_INT16: case T.PT_UINT16: case T.PT_PORT: return 16;
    case T.PT_INT32: case T.PT_UINT32: return 32;
  }
  return 64;
}

/** Appends the value as sysdig prints it in -p output. Returns false when it cannot be printed. */
export function valueToText(b: Builder): bool {
  const ty = vType; const fmt = vFmt;
  if (vKind == K_NONE) return false;
  switch (ty) {
    case T.PT_INT8: case T.PT_INT16: case T.PT_INT32: case T.PT_INT64: case T.PT_PID: case T.PT_ERRNO: {
      const n = bits(ty);
      let v = vNum;
      if (fmt == T.PF_OCT) oct(b, n < 64 ? <u64>v & ((<u64>1 << n) - 1) : <u64>v);
      else if (fmt == T.PF_HEX) hexU(b, n < 64 ? <u64>v & ((<u64>1 << n) - 1) : <u64>v);
      else if (fmt == T.PF_10_PADDED_DEC && n == 64) padded9(b, v, true);
      else b.i(v);
      return true;
    }
    case T.PT_L4PROTO: case T.PT_UINT8: case T.PT_PORT: case T.PT_UINT16: case T.PT_UINT32: {
      // rawval_to_string has no text for these in PF_NA (evt.type.is): the value prints as missing
      if (fmt == T.PF_NA) return false;
      const n = bits(ty);
      const u = <u64>vNum & ((<u64>1 << n) - 1);
      if (fmt == T.PF_OCT) oct(b, u); else b.u(u);
      return true;
    }
    case T.PT_UINT64: case T.PT_RELTIME: case T.PT_ABSTIME: {
      const u = <u64>vNum;
      if (fmt == T.PF_OCT) oct(b, u);
      else if (fmt == T.PF_HEX) hexU(b, u);
      else if (fmt == T.PF_10_PADDED_DEC) padded9(b, <i64>u, false);
      else b.u(u);
      return true;
    }
    case T.PT_CHARBUF: case T.PT_FSPATH: case T.PT_FSRELPATH: case T.PT_BYTEBUF: {
      if (vKind != K_BYTES) { b.i(vNum); return true; }
      let k = 0; while (k < vLen && load<u8>(vPtr + k) != 0) k++;
      b.m(vPtr, k);
      return true;
    }
    case T.PT_BOOL: b.s(vNum != 0 ? "true" : "false"); return true;
    case T.PT_IPV4ADDR: {
      const ip = <u32>vNum;
      b.u(ip & 255); b.c(46); b.u((ip >> 8) & 255); b.c(46); b.u((ip >> 16) & 255); b.c(46); b.u(ip >> 24);
      return true;
    }
    case T.PT_IPV6ADDR: {
      const a = new Uint8Array(16); memory.copy(a.dataStart, vPtr, 16); ip6To(b, a); return true;
    }
    case T.PT_IPADDR: {
      if (vKind == K_BYTES && vLen == 16) { const a = new Uint8Array(16); memory.copy(a.dataStart, vPtr, 16); ip6To(b, a); return true; }
      const ip = <u32>vNum;
      b.u(ip & 255); b.c(46); b.u((ip >> 8) & 255); b.c(46); b.u((ip >> 16) & 255); b.c(46); b.u(ip >> 24);
      return true;
    }
    case T.PT_DOUBLE: fixed1(b, vDbl); return true;
  }
  renderError = <i32>ty;
  return false;
}

/** printf("%.1f") */
export function fixed1(b: Builder, x: f64): void {
  if (x < 0) { b.c(45); x = -x; }
  const r = Math.round(x * 10);
  const ip = <u64>(r / 10);
  b.u(ip); b.c(46); b.u(<u64>(r - <f64>ip * 10));
}

/** JSON string escaping as jsoncpp FastWriter (1.9) does by default. */
export function jsonString(b: Builder, p: usize, n: i32): void {
  // the worst case is 6 output bytes per input byte (\u00XX): reserve once, then write directly
  b.grow(n * 6 + 2);
  const base = b.buf.dataStart;
  let o = base + b.len;
  store<u8>(o++, 34);
  let i = 0;
  while (i < n) {
    const c = <u32>load<u8>(p + i);
    if (c >= 0x20 && c < 0x80 && c != 34 && c != 92) { store<u8>(o++, <u8>c); i++; continue; }
    if (c == 0) break;
    if (c == 34 || c == 92) { store<u8>(o, 92); store<u8>(o + 1, <u8>c); o += 2; i++; continue; }
    if (c < 0x20) {
      store<u8>(o++, 92);
      if (c == 8) store<u8>(o++, 98); else if (c == 12) store<u8>(o++, 102); else if (c == 10) store<u8>(o++, 110);
      else if (c == 13) store<u8>(o++, 114); else if (c == 9) store<u8>(o++, 116);
      else { o = putU(o, c); }
      i++; continue;
    }
    // decode UTF-8; invalid sequences become U+FFFD
    let cp: u32 = 0xfffd; let len = 1;
    if ((c & 0xe0) == 0xc0 && i + 1 < n && (load<u8>(p + i + 1) & 0xc0) == 0x80) {
      cp = ((c & 0x1f) << 6) | (load<u8>(p + i + 1) & 0x3f); len = 2;
    } else if ((c & 0xf0) == 0xe0 && i + 2 < n && (load<u8>(p + i + 1) & 0xc0) == 0x80 && (load<u8>(p + i + 2) & 0xc0) == 0x80) {
      cp = ((c & 0x0f) << 12) | ((<u32>load<u8>(p + i + 1) & 0x3f) << 6) | (load<u8>(p + i + 2) & 0x3f); len = 3;
    } else if ((c & 0xf8) == 0xf0 && i + 3 < n) {
      cp = ((c & 0x07) << 18) | ((<u32>load<u8>(p + i + 1) & 0x3f) << 12) | ((<u32>load<u8>(p + i + 2) & 0x3f) << 6) | (load<u8>(p + i + 3) & 0x3f); len = 4;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      store<u8>(o++, 92); o = putU(o, 0xd800 + (cp >> 10));
      store<u8>(o++, 92); o = putU(o, 0xdc00 + (cp & 0x3ff));
    } else { store<u8>(o++, 92); o = putU(o, cp); }
    i += len;
  }
  store<u8>(o++, 34);
  b.len = <i32>(o - base);
}

/** "uXXXX" (lower-case hex) at o; returns the next position. */
// @ts-ignore: decorator
@inline function putU(o: usize, v: u32): usize {
  store<u8>(o, 117);
  for (let k = 0; k < 4; k++) {
    const h = (v >> (12 - 4 * k)) & 15;
    store<u8>(o + 1 + k, <u8>(h < 10 ? 48 + h : 87 + h));
  }
  return o + 5;
}


/** Appends the value as a JSON value; "null" when missing. Returns false on a render error. */
export function valueToJson(b: Builder): bool {
  if (vKind == K_NONE) { b.s("null"); return true; }
  const ty = vType; const fmt = vFmt;
  switch (ty) {
    case T.PT_INT8: case T.PT_INT16: case T.PT_INT32: case T.PT_INT64: case T.PT_PID:
      if (fmt == T.PF_DEC || fmt == T.PF_ID || ((ty == T.PT_INT64 || ty == T.PT_PID) && fmt != T.PF_OCT && fmt != T.PF_HEX && fmt != T.PF_10_PADDED_DEC)) { b.i(vNum); return true; }
      return quoted(b);
    case T.PT_L4PROTO: case T.PT_UINT8: case T.PT_PORT: case T.PT_UINT16: case T.PT_UINT32:
      if (fmt == T.PF_DEC || fmt == T.PF_ID) { b.u(<u64>vNum & ((<u64>1 << bits(ty)) - 1)); return true; }
      if (fmt != T.PF_OCT && fmt != T.PF_HEX) { b.s("null"); return true; }
      return quoted(b);
    case T.PT_UINT64: case T.PT_RELTIME: case T.PT_ABSTIME:
      if (fmt == T.PF_DEC || fmt == T.PF_ID) { b.u(<u64>vNum); return true; }
      return quoted(b);
    case T.PT_BOOL: b.s(vNum != 0 ? "true" : "false"); return true;
    case T.PT_CHARBUF: case T.PT_FSPATH: case T.PT_BYTEBUF: case T.PT_IPV4ADDR: case T.PT_IPV6ADDR: case T.PT_IPADDR: case T.PT_FSRELPATH:
      return quoted(b);
  }
  renderError = <i32>ty;
  return false;
}

const tmp = new Builder();
function quoted(b: Builder): bool {
  tmp.reset();
  if (!valueToText(tmp)) return false;
  jsonString(b, tmp.buf.dataStart, tmp.len);
  return true;
}
