// SPDX-License-Identifier: Apache-2.0
// Byte-string helpers: state keeps names as raw UTF-8 bytes (Uint8Array), never JS strings.
import { writeDec } from "./digits";

export const EMPTY = new Uint8Array(0);

export function fromAscii(s: string): Uint8Array {
  const a = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) a[i] = <u8>s.charCodeAt(i);
  return a;
}

export function fromMem(p: usize, n: i32): Uint8Array {
  const a = new Uint8Array(n);
  memory.copy(a.dataStart, p, n);
  return a;
}

/** Bytes up to the first NUL (or n). */
export function cstr(p: usize, n: i32): Uint8Array {
  let k = 0;
  while (k < n && load<u8>(p + k) != 0) k++;
  return fromMem(p, k);
}

export function eq(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  return memory.compare(a.dataStart, b.dataStart, a.length) == 0;
}

export function eqAscii(a: Uint8Array, s: string): bool {
  if (a.length != s.length) return false;
  for (let i = 0; i < s.length; i++) if (<i32>unchecked(a[i]) != s.charCodeAt(i)) return false;
  return true;
}

export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const r = new Uint8Array(a.length + b.length);
  memory.copy(r.dataStart, a.dataStart, a.length);
  memory.copy(r.dataStart + a.length, b.dataStart, b.length);
  return r;
}

/** memory.copy, with the short copies most output pieces are done inline (a bulk-memory call
 *  costs more than copying a few words). */
// @ts-ignore: decorator
@inline export function copyBytes(dst: usize, src: usize, n: i32): void {
  if (n > 32) { memory.copy(dst, src, n); return; }
  let i = 0;
  for (; i + 8 <= n; i += 8) store<u64>(dst + i, load<u64>(src + i));
  for (; i < n; i++) store<u8>(dst + i, load<u8>(src + i));
}

/** A growable byte builder for composing names and output lines. */
export class Builder {
  buf: Uint8Array = new Uint8Array(256);
  len: i32 = 0;
  reset(): void { this.len = 0; }
  /** Exchanges contents with `o` (no copy). */
  swap(o: Builder): void {
    const b = this.buf; this.buf = o.buf; o.buf = b;
    const l = this.len; this.len = o.len; o.len = l;
  }
  // @ts-ignore: decorator
  @inline grow(n: i32): void { if (this.len + n > this.buf.length) this.enlarge(n); }
  private enlarge(n: i32): void {
    let size = this.buf.length << 1;
    while (size < this.len + n) size <<= 1;
    const nb = new Uint8Array(size);
    memory.copy(nb.dataStart, this.buf.dataStart, this.len);
    this.buf = nb;
  }
  // @ts-ignore: decorator
  @inline c(ch: i32): void {
    if (this.len >= this.buf.length) this.enlarge(1);
    store<u8>(this.buf.dataStart + this.len, <u8>ch);
    this.len++;
  }
  s(str: string): void {
    const n = str.length;
    this.grow(n);
    const p = this.buf.dataStart + this.len;
    for (let i = 0; i < n; i++) store<u8>(p + i, <u8>str.charCodeAt(i));
    this.len += n;
  }
  a(arr: Uint8Array): void { this.m(arr.dataStart, arr.length); }
  m(p: usize, n: i32): void { this.grow(n); copyBytes(this.buf.dataStart + this.len, p, n); this.len += n; }
  u(v: u64): void {
    this.grow(20);
    this.len += writeDec(this.buf.dataStart + this.len, v);
  }
  /** v zero-padded to at least `width` digits. */
  pad(v: u64, width: i32): void {
    this.grow(width + 20);
    this.len += writeDec(this.buf.dataStart + this.len, v, width);
  }
  i(v: i64): void { if (v < 0) { this.c(45); this.u(<u64>(-v)); } else this.u(<u64>v); }
  hexLower(v: u64): void {
    this.grow(16);
    let d = 0; let x = v; do { x >>= 4; d++; } while (x != 0);
    let p = this.buf.dataStart + this.len + d;
    do { p--; const h = <i32>(v & 15); store<u8>(p, <u8>(h < 10 ? 48 + h : 87 + h)); v >>= 4; } while (v != 0);
    this.len += d;
  }
  take(): Uint8Array { return fromMem(this.buf.dataStart, this.len); }
}

/** sysdig's notion of an invalid character in names: anything but printable ASCII. */
// @ts-ignore: decorator
@inline export function invalidChar(c: u32): bool { return c < 0x20 || c > 0x7e; }

/** Removes invalid characters (sanitize_string). */
export function sanitize(a: Uint8Array): Uint8Array {
  let bad = 0;
  for (let i = 0; i < a.length; i++) if (invalidChar(a[i])) bad++;
  if (bad == 0) return a;
  const r = new Uint8Array(a.length - bad);
  let k = 0;
  for (let i = 0; i < a.length; i++) if (!invalidChar(a[i])) r[k++] = a[i];
  return r;
}
