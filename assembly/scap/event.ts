// SPDX-License-Identifier: Apache-2.0
// The event being processed. Scap event record layout (little endian):
//   ts u64 | tid u64 | len u32 | type u16 | nparams u32   (v2; v1 lacks nparams: 22 bytes)
//   param lengths: u16 each (u32 in the large block variants)
//   param bytes, back to back
import { EVT_NPARAMS } from "./tables.gen";

export const MAX_PARAMS: i32 = 64;

export let evPtr: usize = 0;
export let evTs: u64 = 0;
export let evTid: i64 = 0;
export let evType: i32 = 0;
export let evCpu: i32 = 0;
export let evNum: u64 = 0;
export let evNParams: i32 = 0;
export let evDumpFlags: u32 = 0;
export const pOff = new StaticArray<usize>(MAX_PARAMS);
export const pLen = new StaticArray<u32>(MAX_PARAMS);

/**
 * Decodes one record at ptr (len bytes available). hdrLen is 26 (v2) or 22 (v1);
 * lenSize is 2 or 4. Returns false when the record is inconsistent.
 */
export function decodeEvent(ptr: usize, avail: u32, hdrLen: i32, lenSize: i32, cpu: i32): bool {
  if (avail < <u32>hdrLen) return false;
  evPtr = ptr;
  evTs = load<u64>(ptr);
  evTid = load<i64>(ptr, 8);
  const len = load<u32>(ptr, 16);
  evType = <i32>load<u16>(ptr, 20);
  evCpu = cpu;
  let n: i32;
  if (hdrLen == 26) {
    n = <i32>load<u32>(ptr, 22);
    if (n > MAX_PARAMS) return false;
    if (!layout(ptr, min(len, avail), hdrLen, lenSize, n, true)) return false;
  } else {
    // v1: the count is not stored; start from the table's count and go down until the
    // lengths add up to the record length.
    n = <i32>EVT_NPARAMS[evType];
    while (n >= 0) {
      if (layout(ptr, min(len + 4, avail + 4) - 4, hdrLen, lenSize, n, false)) break;
      n--;
    }
    if (n < 0) return false;
  }
  evNParams = n;
  return true;
}

function layout(ptr: usize, len: u32, hdrLen: i32, lenSize: i32, n: i32, lenient: bool): bool {
  let off: u32 = <u32>hdrLen + <u32>(n * lenSize);
  if (off > len) return false;
  for (let i = 0; i < n; i++) {
    const l: u32 = lenSize == 2 ? <u32>load<u16>(ptr + hdrLen + i * 2) : load<u32>(ptr + hdrLen + i * 4);
    unchecked(pOff[i] = ptr + off);
    unchecked(pLen[i] = l);
    off += l;
    if (off > len) return false;
  }
  return lenient ? true : off == len;
}

// @ts-ignore: decorator
@inline export function pI64(i: i32): i64 { return unchecked(pLen[i]) >= 8 ? load<i64>(unchecked(pOff[i])) : 0; }
// @ts-ignore: decorator
@inline export function pU32(i: i32): u32 { return unchecked(pLen[i]) >= 4 ? load<u32>(unchecked(pOff[i])) : 0; }
// @ts-ignore: decorator
@inline export function pU16(i: i32): u16 { return unchecked(pLen[i]) >= 2 ? load<u16>(unchecked(pOff[i])) : 0; }
// @ts-ignore: decorator
@inline export function pU8(i: i32): u8 { return unchecked(pLen[i]) >= 1 ? load<u8>(unchecked(pOff[i])) : 0; }

/** Copies a param's bytes, without a trailing NUL, into a new array. */
export function pStr(i: i32): Uint8Array {
  if (i >= evNParams) return new Uint8Array(0);
  let l = <i32>unchecked(pLen[i]);
  const p = unchecked(pOff[i]);
  let n = 0;
  while (n < l && load<u8>(p + n) != 0) n++;
  const a = new Uint8Array(n);
  memory.copy(a.dataStart, p, n);
  return a;
}

export function pRaw(i: i32): Uint8Array {
  const l = <i32>unchecked(pLen[i]);
  const a = new Uint8Array(l);
  memory.copy(a.dataStart, unchecked(pOff[i]), l);
  return a;
}
