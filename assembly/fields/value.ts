// SPDX-License-Identifier: Apache-2.0
// The extracted value of one field for the current event, as sinsp's extract() returns it:
// a typed scalar (vNum / vDbl) or bytes (vPtr, vLen), or nothing (the field is missing).
import { Builder } from "../util/bytes";

export const K_NONE: i32 = 0;   // missing
export const K_NUM: i32 = 1;    // integer in vNum (signedness follows the field type)
export const K_BYTES: i32 = 2;  // bytes at vPtr/vLen (strings: without NUL)
export const K_DBL: i32 = 3;    // double in vDbl

export let vKind: i32 = K_NONE;
export let vNum: i64 = 0;
export let vDbl: f64 = 0;
export let vPtr: usize = 0;
export let vLen: i32 = 0;
/** The type the value is rendered with (normally the field's own type; evt.arg/rawarg vary). */
export let vType: u8 = 0;
/** The print format of the value (PF_*). */
export let vFmt: u8 = 1;

/** Scratch text for string results. */
export const sb = new Builder();

export function setNone(): bool { vKind = K_NONE; return false; }
export function setNum(v: i64): bool { vKind = K_NUM; vNum = v; return true; }
export function setDbl(v: f64): bool { vKind = K_DBL; vDbl = v; return true; }
export function setBool(b: bool): bool { vKind = K_NUM; vNum = b ? 1 : 0; return true; }
export function setBytes(p: usize, n: i32): bool { vKind = K_BYTES; vPtr = p; vLen = n; return true; }
export function setArr(a: Uint8Array): bool { keep = a; return setBytes(a.dataStart, a.length); }
/** Uses whatever was written into sb. */
export function setSb(): bool { return setBytes(sb.buf.dataStart, sb.len); }
export function setStr(s: string): bool { sb.reset(); sb.s(s); return setSb(); }
export function setTypeFmt(t: u8, f: u8): void { vType = t; vFmt = f; }

let keep: Uint8Array = new Uint8Array(0);
