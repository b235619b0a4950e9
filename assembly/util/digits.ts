// SPDX-License-Identifier: Apache-2.0
// Decimal text of integers, the hot part of most output lines (event numbers, timestamps, fds,
// sizes). Two digits per step from a 200-byte table, and 32-bit division whenever the value
// fits: a 64-bit division costs several times a 32-bit one in Wasm engines.

const PAIRS = memory.data<u8>([
  48,48,48,49,48,50,48,51,48,52,48,53,48,54,48,55,48,56,48,57,49,48,49,49,49,50,49,51,49,52,49,53,49,54,49,55,49,56,49,57,
  50,48,50,49,50,50,50,51,50,52,50,53,50,54,50,55,50,56,50,57,51,48,51,49,51,50,51,51,51,52,51,53,51,54,51,55,51,56,51,57,
  52,48,52,49,52,50,52,51,52,52,52,53,52,54,52,55,52,56,52,57,53,48,53,49,53,50,53,51,53,52,53,53,53,54,53,55,53,56,53,57,
  54,48,54,49,54,50,54,51,54,52,54,53,54,54,54,55,54,56,54,57,55,48,55,49,55,50,55,51,55,52,55,53,55,54,55,55,55,56,55,57,
  56,48,56,49,56,50,56,51,56,52,56,53,56,54,56,55,56,56,56,57,57,48,57,49,57,50,57,51,57,52,57,53,57,54,57,55,57,56,57,57,
]);

/** Number of decimal digits of v (1 for 0). */
export function decLen32(v: u32): i32 {
  if (v < 100000) return v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : 5;
  return v < 1000000 ? 6 : v < 10000000 ? 7 : v < 100000000 ? 8 : v < 1000000000 ? 9 : 10;
}

export function decLen(v: u64): i32 {
  if (v <= 0xffffffff) return decLen32(<u32>v);
  let n = 10; let x = v / 10000000000;
  while (x != 0) { n++; x /= 10; }
  return n;
}

/** Writes exactly `n` digits of v (its low digits, zero-padded) ending at end (exclusive). */
// @ts-ignore: decorator
@inline function put32(end: usize, v: u32, n: i32): void {
  let p = end;
  while (n >= 2) { const q = v / 100; p -= 2; store<u16>(p, load<u16>(PAIRS + ((v - q * 100) << 1))); v = q; n -= 2; }
  if (n > 0) store<u8>(p - 1, <u8>(48 + v % 10));
}

/** Writes v's decimal digits at p, zero-padded to at least `width` digits; returns the length. */
export function writeDec(p: usize, v: u64, width: i32 = 1): i32 {
  let n = decLen(v);
  if (n < width) n = width;
  if (v <= 0xffffffff) { put32(p + n, <u32>v, n); return n; }
  // low 9 digits with 32-bit arithmetic, then the rest (at most 11 more digits)
  const hi = v / 1000000000;
  put32(p + n, <u32>(v - hi * 1000000000), 9);
  writeDec(p, hi, n - 9);
  return n;
}
