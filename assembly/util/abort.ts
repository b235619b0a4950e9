// SPDX-License-Identifier: Apache-2.0
// A trap inside the core must never reach the user as a Wasm stack: abort records the
// reason in a flag the host reads after every call, then traps to unwind.
export let abortFlag: i32 = 0;

export function onAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  abortFlag = 1;
  unreachable();
}
