// SPDX-License-Identifier: Apache-2.0
// The core's only boundary. Exports take and return numbers: the host copies raw capture
// bytes into the input region, calls scan() once per chunk, and drains the output region.
import {
  SHB, MI, MI_INT, FDL, FDL_INT, FDL_V2, IL, IL_INT, IL_V2, UL, UL_INT, UL_V2,
  PL_V1, PL_V1_INT, PL_V2, PL_V2_INT, PL_V3, PL_V3_INT, PL_V4, PL_V5, PL_V6, PL_V7, PL_V8, PL_V9,
  isEventBlock, decodeEventBlock, readMachineInfo, readProcList, readFdList, readUserList,
  fail, resetReader, errCode, errOffset, errBlockType, needBytes, sawHeader, unknownBlocks, lastUnknownType,
  ERR_NOT_CAPTURE, ERR_BAD_BLOCK, ERR_BAD_EVENT, ERR_BAD_LIST, ERR_TRUNCATED, ERR_VERSION,
} from "./scap/reader";
import * as R from "./scap/reader";
import { evType, evTs, evNum } from "./scap/event";
import * as E from "./scap/event";
import * as T from "./scap/tables.gen";
import { processEvent, curThread } from "./state/parse";
import { resetState } from "./state/tables";
import { outInit, outBase, outLen, outReset, outRoom, OUT_SLACK } from "./util/out";
import { writeDefaultLine, setTimeMode, noteFirstTs, resetLine } from "./format/line";
import { setBufFormat } from "./format/params";

let inBase: usize = 0;
let inCap: u32 = 0;

// configuration
let debugMode: bool = false;
let quiet: bool = false;
let maxEvents: u64 = 0;          // -n (0 = no limit)

// counters
let eventsRead: u64 = 0;        // all events decoded
let captured: u64 = 0;          // events that passed the filter (sysdig's "Captured Events")
let fileOffset: u64 = 0;        // offset of inBase in the decompressed file
let done: bool = false;
let leading: bool = true;       // still inside the initial container-event run

export function init(inSize: u32): void {
  inBase = heap.alloc(inSize);
  inCap = inSize;
  outInit();
  reset();
}

export function reset(): void {
  resetState(); resetReader(); resetLine();
  eventsRead = 0; captured = 0; fileOffset = 0; done = false; leading = true;
  E.evNum = 0;
}

export function inputPtr(): usize { return inBase; }
export function inputCap(): u32 { return inCap; }

/** Grows the input region to at least n bytes, keeping the first keep bytes. */
export function growInput(n: u32, keep: u32): usize {
  const nb = heap.alloc(n);
  memory.copy(nb, inBase, keep);
  heap.free(inBase);
  inBase = nb; inCap = n;
  return inBase;
}

export function configure(timeMode: i32, tzOffsetSec: i32, tty: i32, debug: i32, bufFormat: i32, json: i32, maxBufLen: i32, q: i32): void {
  setTimeMode(timeMode, <i64>tzOffsetSec, tty != 0);
  setBufFormat(bufFormat, json != 0, maxBufLen);
  debugMode = debug != 0;
  quiet = q != 0;
}

export function setMaxEvents(n: f64): void { maxEvents = <u64>n; }

export function outputPtr(): usize { return outBase; }
export function outputLen(): i32 { return outLen(); }
export function outputReset(): void { outReset(); }

export function errorCode(): i32 { return errCode; }
export function errorOffset(): f64 { return <f64>errOffset; }
export function errorBlockType(): u32 { return errBlockType; }
export function neededBytes(): u32 { return needBytes; }
export function isDone(): i32 { return done ? 1 : 0; }
export function capturedEvents(): f64 { return <f64>captured; }
export function readEvents(): f64 { return <f64>eventsRead; }
export function unknownBlockCount(): i32 { return unknownBlocks; }
export function unknownBlockType(): u32 { return lastUnknownType; }

/**
 * Consumes whole blocks from the input region [0, len). Returns the number of bytes consumed.
 * Stops early when the output region needs draining, at the -n limit, or on an error
 * (errorCode() != 0). eof says no more bytes will follow.
 */
export function scan(len: u32, eof: i32): u32 {
  let pos: u32 = 0;
  R.needBytes = 0;
  while (!done) {
    if (outRoom() < OUT_SLACK) break;
    if (len - pos < 8) {
      if (eof && len != pos) fail(ERR_TRUNCATED, fileOffset + pos, 0);
      if (len - pos < 8) { if (!eof) R.needBytes = 8; }
      break;
    }
    const p = inBase + pos;
    const bt = load<u32>(p);
    const bl = load<u32>(p, 4);
    if (!sawHeader) {
      if (bt != SHB || bl < 28 || len - pos >= 12 && load<u32>(p, 8) != 0x1A2B3C4D) { fail(ERR_NOT_CAPTURE, fileOffset + pos, bt); break; }
    }
    if (bl < 12 || (bl & 3) != 0) { fail(ERR_BAD_BLOCK, fileOffset + pos, bt); break; }
    if (<u64>pos + <u64>bl > <u64>len) {
      if (eof) { fail(ERR_TRUNCATED, fileOffset + pos, bt); break; }
      R.needBytes = bl;
      break;
    }
    if (load<u32>(p + bl - 4) != bl) { fail(ERR_BAD_BLOCK, fileOffset + pos, bt); break; }
    const body = p + 8;
    const blen = bl - 12;
    if (isEventBlock(bt)) {
      if (!handleEvent(bt, body, blen)) { fail(ERR_BAD_EVENT, fileOffset + pos, bt); break; }
    } else if (bt == SHB) {
      if (blen < 16 || load<u32>(body) != 0x1A2B3C4D) { fail(ERR_NOT_CAPTURE, fileOffset + pos, bt); break; }
      if (load<u16>(body, 4) > 1) { fail(ERR_VERSION, fileOffset + pos, bt); break; }
      R.sawHeader = true;
    } else if (bt == MI || bt == MI_INT) {
      readMachineInfo(body, blen);
    } else if (bt == PL_V1 || bt == PL_V1_INT || bt == PL_V2 || bt == PL_V2_INT || bt == PL_V3 || bt == PL_V3_INT ||
               bt == PL_V4 || bt == PL_V5 || bt == PL_V6 || bt == PL_V7 || bt == PL_V8 || bt == PL_V9) {
      if (!readProcList(bt, body, blen)) { fail(ERR_BAD_LIST, fileOffset + pos, bt); break; }
    } else if (bt == FDL || bt == FDL_INT || bt == FDL_V2) {
      if (!readFdList(bt, body, blen)) { fail(ERR_BAD_LIST, fileOffset + pos, bt); break; }
    } else if (bt == UL || bt == UL_INT || bt == UL_V2) {
      if (!readUserList(bt, body, blen)) { fail(ERR_BAD_LIST, fileOffset + pos, bt); break; }
    } else if (bt == IL || bt == IL_INT || bt == IL_V2) {
      if (!R.readIfList(bt, body, blen)) { fail(ERR_BAD_LIST, fileOffset + pos, bt); break; }
    } else {
      R.unknownBlocks++;
      R.lastUnknownType = bt;
    }
    pos += bl;
  }
  fileOffset += pos;
  return pos;
}

function handleEvent(bt: u32, body: usize, blen: u32): bool {
  if (!decodeEventBlock(bt, body, blen)) return false;
  const et = evType;
  if (et >= T.EVENT_COUNT) return true; // newer event types: skipped, as sysdig does
  eventsRead++;
  E.evNum++;
  const isContainer = et == T.PPME_CONTAINER_JSON_E || et == T.PPME_CONTAINER_JSON_2_E;
  if (!isContainer) { noteFirstTs(evTs); leading = false; }
  processEvent();
  if (leading && isContainer) return true; // initial container state: consumed at open
  captured++;
  if (!quiet) {
    const internal = (unchecked(T.EVT_CATEGORY[et]) & T.EC_INTERNAL) != 0;
    if (!internal || debugMode) writeDefaultLine();
  }
  if (maxEvents != 0 && captured >= maxEvents) done = true;
  return true;
}

/** A failed assertion traps; the host catches the trap and names the byte offset being read. */
export function onAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  unreachable();
}
