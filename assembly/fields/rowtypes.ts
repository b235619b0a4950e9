// SPDX-License-Identifier: Apache-2.0
// How a field value travels to the host in a row (assembly/index.ts emitRow) and in a pipeline
// line (format/pipeline-line.ts): which types are integers, signed, and of what width.
import * as T from "../scap/tables.gen";

export function isNumericType(ty: u8): bool {
  return (ty >= T.PT_INT8 && ty <= T.PT_UINT64) || ty == T.PT_ERRNO || ty == T.PT_FD || ty == T.PT_PID ||
    ty == T.PT_RELTIME || ty == T.PT_ABSTIME || ty == T.PT_PORT || ty == T.PT_L4PROTO || ty == T.PT_FLAGS8 ||
    ty == T.PT_FLAGS16 || ty == T.PT_FLAGS32 || ty == T.PT_UID || ty == T.PT_GID || ty == T.PT_MODE || ty == T.PT_SIGTYPE || ty == T.PT_SYSCALLID;
}
export function isSigned(ty: u8): bool {
  return ty == T.PT_INT8 || ty == T.PT_INT16 || ty == T.PT_INT32 || ty == T.PT_INT64 || ty == T.PT_ERRNO || ty == T.PT_FD || ty == T.PT_PID;
}
export function maskTo(ty: u8, v: i64): i64 {
  if (ty == T.PT_UINT8 || ty == T.PT_L4PROTO || ty == T.PT_FLAGS8 || ty == T.PT_SIGTYPE) return v & 0xff;
  if (ty == T.PT_UINT16 || ty == T.PT_PORT || ty == T.PT_FLAGS16 || ty == T.PT_SYSCALLID) return v & 0xffff;
  if (ty == T.PT_UINT32 || ty == T.PT_FLAGS32 || ty == T.PT_UID || ty == T.PT_GID || ty == T.PT_MODE) return v & 0xffffffff;
  return v;
}
