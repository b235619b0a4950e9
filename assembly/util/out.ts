// SPDX-License-Identifier: Apache-2.0
// The output region: formatted UTF-8 bytes the host drains after each call.
// Writers append without bounds checks; the scanner stops feeding events once fewer than
// OUT_SLACK bytes remain, and a single event never formats more than that.

import { writeDec } from "./digits";

export const OUT_SIZE: i32 = 8 << 20;
export const OUT_SLACK: i32 = 1 << 20;

export let outBase: usize = 0;
export let outPos: usize = 0;
let outEnd: usize = 0;

export function outInit(): void {
  outBase = heap.alloc(OUT_SIZE);
  outPos = outBase;
  outEnd = outBase + OUT_SIZE;
}

export function outReset(): void { outPos = outBase; }
export function outLen(): i32 { return <i32>(outPos - outBase); }
export function outRoom(): i32 { return <i32>(outEnd - outPos); }

/** Makes sure at least n more bytes fit (long fields may exceed the slack). */
export function ensure(n: i32): void {
  if (outPos + <usize>n <= outEnd) return;
  let used = outPos - outBase;
  let size = <usize>(outEnd - outBase);
  while (used + <usize>n > size) size <<= 1;
  const nb = heap.alloc(size);
  memory.copy(nb, outBase, used);
  heap.free(outBase);
  outBase = nb;
  outPos = nb + used;
  outEnd = nb + size;
}

// @ts-ignore: decorator
@inline export function putc(c: i32): void { store<u8>(outPos, <u8>c); outPos++; }

export function putBytes(ptr: usize, len: i32): void {
  ensure(len);
  memory.copy(outPos, ptr, len);
  outPos += len;
}

export function putArr(a: Uint8Array): void { putBytes(a.dataStart, a.length); }

/** ASCII-only literal strings (names, punctuation). */
export function puts(s: string): void {
  const n = s.length;
  ensure(n);
  for (let i = 0; i < n; i++) store<u8>(outPos + i, <u8>s.charCodeAt(i));
  outPos += n;
}

const DIGITS = memory.data(32);

export function putU64(v: u64): void {
  ensure(24);
  outPos += writeDec(outPos, v);
}

export function putI64(v: i64): void {
  if (v < 0) { ensure(1); putc(45); putU64(<u64>(-v)); } else putU64(<u64>v);
}

/** Zero-padded decimal of fixed width. */
export function putPadded(v: u64, width: i32): void {
  ensure(width + 24);
  outPos += writeDec(outPos, v, width);
}

const HEX_UP = "0123456789ABCDEF";
const HEX_LO = "0123456789abcdef";

export function putHex(v: u64, upper: bool): void {
  ensure(20);
  const tab = upper ? HEX_UP : HEX_LO;
  let n = 0;
  while (v != 0 || n == 0) { store<u8>(DIGITS + n, <u8>tab.charCodeAt(<i32>(v & 15))); v >>= 4; n++; }
  while (n > 0) { n--; putc(load<u8>(DIGITS + n)); }
}

export function putOct(v: u64): void {
  ensure(26);
  let n = 0;
  while (v != 0 || n == 0) { store<u8>(DIGITS + n, <u8>(48 + <i32>(v & 7))); v >>= 3; n++; }
  while (n > 0) { n--; putc(load<u8>(DIGITS + n)); }
}

export function setOutPos(p: usize): void { outPos = p; }
