// SPDX-License-Identifier: Apache-2.0
// Byte-string helpers: state keeps names as raw UTF-8 bytes (Uint8Array), never JS strings.

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

/** A growable byte builder for composing names. */
export class Builder {
  buf: Uint8Array = new Uint8Array(256);
  len: i32 = 0;
  reset(): void { this.len = 0; }
  grow(n: i32): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length << 1;
    while (size < this.len + n) size <<= 1;
    const nb = new Uint8Array(size);
    memory.copy(nb.dataStart, this.buf.dataStart, this.len);
    this.buf = nb;
  }
  c(ch: i32): void { this.grow(1); unchecked(this.buf[this.len++] = <u8>ch); }
  s(str: string): void { for (let i = 0; i < str.length; i++) this.c(str.charCodeAt(i)); }
  a(arr: Uint8Array): void { this.grow(arr.length); memory.copy(this.buf.dataStart + this.len, arr.dataStart, arr.length); this.len += arr.length; }
  m(p: usize, n: i32): void { this.grow(n); memory.copy(this.buf.dataStart + this.len, p, n); this.len += n; }
  u(v: u64): void {
    if (v == 0) { this.c(48); return; }
    const start = this.len;
    while (v != 0) { this.c(48 + <i32>(v % 10)); v /= 10; }
    let i = start, j = this.len - 1;
    while (i < j) { const t = this.buf[i]; this.buf[i] = this.buf[j]; this.buf[j] = t; i++; j--; }
  }
  i(v: i64): void { if (v < 0) { this.c(45); this.u(<u64>(-v)); } else this.u(<u64>v); }
  hexLower(v: u64): void {
    const start = this.len;
    do { const d = <i32>(v & 15); this.c(d < 10 ? 48 + d : 87 + d); v >>= 4; } while (v != 0);
    let i = start, j = this.len - 1;
    while (i < j) { const t = this.buf[i]; this.buf[i] = this.buf[j]; this.buf[j] = t; i++; j--; }
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
