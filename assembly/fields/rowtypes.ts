// SPDX-License-Identifier: Apache-2.0
// How a field value travels to the host in a row (assembly/index.ts emitRow) and in a pipeline
// line (format/pipeline-line.ts): which types are integers, signed, and of what width. Asked per
// value, so the answers are one table lookup.
import * as T from "../scap/tables.gen";

const NUMERIC: u8 = 1, SIGNED: u8 = 2, MASK8: u8 = 4, MASK16: u8 = 8, MASK32: u8 = 16;

function kindOf(ty: u8): u8 {
  let k: u8 = 0;
  if ((ty >= T.PT_INT8 && ty <= T.PT_UINT64) || ty == T.PT_ERRNO || ty == T.PT_FD || ty == T.PT_PID ||
    ty == T.PT_RELTIME || ty == T.PT_ABSTIME || ty == T.PT_PORT || ty == T.PT_L4PROTO || ty == T.PT_FLAGS8 ||
    ty == T.PT_FLAGS16 || ty == T.PT_FLAGS32 || ty == T.PT_UID || ty == T.PT_GID || ty == T.PT_MODE || ty == T.PT_SIGTYPE || ty == T.PT_SYSCALLID) k |= NUMERIC;
  if (ty == T.PT_INT8 || ty == T.PT_INT16 || ty == T.PT_INT32 || ty == T.PT_INT64 || ty == T.PT_ERRNO || ty == T.PT_FD || ty == T.PT_PID) k |= SIGNED;
  if (ty == T.PT_UINT8 || ty == T.PT_L4PROTO || ty == T.PT_FLAGS8 || ty == T.PT_SIGTYPE) k |= MASK8;
  else if (ty == T.PT_UINT16 || ty == T.PT_PORT || ty == T.PT_FLAGS16 || ty == T.PT_SYSCALLID) k |= MASK16;
  else if (ty == T.PT_UINT32 || ty == T.PT_FLAGS32 || ty == T.PT_UID || ty == T.PT_GID || ty == T.PT_MODE) k |= MASK32;
  return k;
}

const KIND = new StaticArray<u8>(256);
for (let i = 0; i < 256; i++) KIND[i] = kindOf(<u8>i);

// @ts-ignore: decorator
@inline export function isNumericType(ty: u8): bool { return (unchecked(KIND[ty]) & NUMERIC) != 0; }
// @ts-ignore: decorator
@inline export function isSigned(ty: u8): bool { return (unchecked(KIND[ty]) & SIGNED) != 0; }
export function maskTo(ty: u8, v: i64): i64 {
  const k = unchecked(KIND[ty]);
  if (k & MASK8) return v & 0xff;
  if (k & MASK16) return v & 0xffff;
  if (k & MASK32) return v & 0xffffffff;
  return v;
}
