// SPDX-License-Identifier: Apache-2.0
// Pipeline lines (host/pipeline/format.ts) rendered in the core, so a pipeline gets each event's
// line as bytes instead of rows it renders in JavaScript. The bytes are exactly what the host
// renderer makes of the same row: a value is what emitRow would send, as the host decodes it
// (text as UTF-8 with U+FFFD for invalid sequences and a leading BOM dropped, as TextDecoder does;
// 64-bit integers exact only for the wide types, others through a double as Number() does), then
// written as JSON.stringify would (json) or as String() would (text). A line is literals (the host
// writes the JSON keys and separators) and field values.
import * as T from "../scap/tables.gen";
import * as G from "../engine";
import { extract } from "../fields/extract";
import { vKind, vNum, vDbl, vPtr, vLen, vType, K_NONE, K_NUM, K_BYTES, K_DBL } from "../fields/value";
import { valueToText, clearRenderError } from "../fields/render";
import { isNumericType, isSigned, maskTo } from "../fields/rowtypes";
import { Builder } from "../util/bytes";

class Part {
  literal: Uint8Array | null = null;
  ref: i32 = -1;
  /** The host keeps this field's 64-bit integers as bigint (exact); otherwise as a double. */
  wide: bool = false;
}

class Line {
  parts: Array<Part> = new Array<Part>();
  json: bool = false;
}

const lines = new Array<Line>();
let cur: Line | null = null;
/** The line slot of each query (-1: none). */
const ofQuery = new Array<i32>();

export function lineBegin(json: bool): void { cur = new Line(); cur!.json = json; }
export function lineLiteral(a: Uint8Array): void { const p = new Part(); p.literal = a; cur!.parts.push(p); }
export function lineField(ref: i32, wide: bool): void { const p = new Part(); p.ref = ref; p.wide = wide; cur!.parts.push(p); }
export function lineEnd(): i32 { lines.push(cur!); cur = null; return lines.length - 1; }
export function setQueryLine(q: i32, slot: i32): void {
  while (ofQuery.length <= q) ofQuery.push(-1);
  ofQuery[q] = slot;
}
export function lineOfQuery(q: i32): i32 { return q < ofQuery.length ? unchecked(ofQuery[q]) : -1; }

const text = new Builder();

/** Appends the current event's line `slot` to `b`. */
export function renderLine(slot: i32, b: Builder): void {
  const ln = unchecked(lines[slot]);
  const json = ln.json;
  const parts = ln.parts;
  for (let i = 0; i < parts.length; i++) {
    const part = unchecked(parts[i]);
    if (part.literal != null) { b.a(part.literal!); continue; }
    const ok = extract(unchecked(G.refs[part.ref]));
    if (!ok || vKind == K_NONE) { if (json) word(b, NULL, 4); continue; }
    const ty = vType;
    if (ty == T.PT_BOOL) { if (vNum != 0) word(b, TRUE, 4); else { word(b, FALS, 4); b.c(101); } continue; }
    if (vKind == K_NUM && isNumericType(ty)) {
      const signed = isSigned(ty);
      const v = signed ? vNum : maskTo(ty, vNum);
      if (part.wide) { if (signed) b.i(v); else b.u(<u64>v); }
      else numberOf(b, signed ? <f64>v : <f64><u64>v, json);
      continue;
    }
    if (vKind == K_DBL) { numberOf(b, vDbl, json); continue; }
    if (ty == T.PT_BYTEBUF && vKind == K_BYTES) { byteArray(b, vPtr, vLen, json); continue; }
    // the text goes straight into the line; only text that needs escaping or replacing is redone
    const start = b.len;
    if (json) b.c(34);
    const from = b.len;
    if (!valueToText(b)) { clearRenderError(); b.len = start; if (json) word(b, NULL, 4); continue; }
    if (plain(b.buf.dataStart + from, b.len - from, json)) { if (json) b.c(34); continue; }
    text.reset();
    text.m(b.buf.dataStart + from, b.len - from);
    b.len = start;
    stringOf(b, text.buf.dataStart, text.len, json);
  }
}

// "null", "true", "fals" as little-endian words
const NULL: u32 = 0x6c6c756e, TRUE: u32 = 0x65757274, FALS: u32 = 0x736c6166;
// @ts-ignore: decorator
@inline function word(b: Builder, w: u32, n: i32): void { b.grow(4); store<u32>(b.buf.dataStart + b.len, w); b.len += n; }

/** True when the text is its own rendering: ASCII without a leading BOM, and for JSON nothing to escape. */
function plain(p: usize, n: i32, json: bool): bool {
  for (let i = 0; i < n; i++) {
    const c = <u32>load<u8>(p + i);
    if (c >= 0x80) return false;
    if (json && (c < 0x20 || c == 34 || c == 92)) return false;
  }
  return true;
}

/** String(v) of a double (JSON: null when not finite). Integers below 1e21 are exact; other
 *  fractions use the core's shortest form, which can differ from JavaScript's in rare cases (the
 *  host does not send fields of double type here). */
function numberOf(b: Builder, v: f64, json: bool): void {
  if (!isFinite(v)) { b.s(json ? "null" : isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity"); return; }
  if (v == Math.trunc(v) && Math.abs(v) < 1e21) {
    let a = Math.abs(v);
    if (v < 0) b.c(45);
    if (a >= 18446744073709551616.0) { b.s(a == 18446744073709551616.0 ? "18446744073709551616" : a.toString()); return; }
    b.u(<u64>a);
    return;
  }
  b.s(v.toString());
}

/** A byte buffer as the host renders a Uint8Array: JSON.stringify gives {"0":b0,...}, String() gives b0,b1,... */
function byteArray(b: Builder, p: usize, n: i32, json: bool): void {
  if (json) b.c(123);
  for (let i = 0; i < n; i++) {
    if (i) b.c(44);
    if (json) { b.c(34); b.u(<u64>i); b.c(34); b.c(58); }
    b.u(<u64>load<u8>(p + i));
  }
  if (json) b.c(125);
}

/** Length of the valid UTF-8 sequence at p (WHATWG decoder), or minus the bytes one U+FFFD replaces. */
function utf8Seq(p: usize, n: i32): i32 {
  const c = <u32>load<u8>(p);
  let need = 0; let lo: u32 = 0x80; let hi: u32 = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) need = 1;
  else if (c >= 0xe0 && c <= 0xef) { need = 2; if (c == 0xe0) lo = 0xa0; else if (c == 0xed) hi = 0x9f; }
  else if (c >= 0xf0 && c <= 0xf4) { need = 3; if (c == 0xf0) lo = 0x90; else if (c == 0xf4) hi = 0x8f; }
  else return -1;
  for (let k = 1; k <= need; k++) {
    if (k >= n) return -k;
    const d = <u32>load<u8>(p + k);
    if (d < lo || d > hi) return -k;
    lo = 0x80; hi = 0xbf;
  }
  return need + 1;
}

const HEX = "0123456789abcdef";

/** Text as the host decodes it (TextDecoder, non-fatal, BOM dropped), then JSON.stringify'd (json) or as is. */
export function stringOf(b: Builder, p: usize, n: i32, json: bool): void {
  let i = 0;
  if (n >= 3 && load<u8>(p) == 0xef && load<u8>(p + 1) == 0xbb && load<u8>(p + 2) == 0xbf) i = 3;
  if (json) b.c(34);
  let run = i;
  while (i < n) {
    const c = <u32>load<u8>(p + i);
    if (c < 0x80) {
      if (!json || (c >= 0x20 && c != 34 && c != 92)) { i++; continue; }
      if (i > run) b.m(p + run, i - run);
      b.c(92);
      if (c == 34 || c == 92) b.c(c);
      else if (c == 8) b.c(98);
      else if (c == 9) b.c(116);
      else if (c == 10) b.c(110);
      else if (c == 12) b.c(102);
      else if (c == 13) b.c(114);
      else { b.s("u00"); b.c(HEX.charCodeAt(c >> 4)); b.c(HEX.charCodeAt(c & 15)); }
      i++; run = i;
      continue;
    }
    const k = utf8Seq(p + i, n - i);
    if (k > 0) { i += k; continue; }
    if (i > run) b.m(p + run, i - run);
    b.c(0xef); b.c(0xbf); b.c(0xbd);
    i -= k; run = i;
  }
  if (i > run) b.m(p + run, i - run);
  if (json) b.c(34);
}
