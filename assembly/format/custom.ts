// SPDX-License-Identifier: Apache-2.0
// User formats (-p) and JSON lines (-j): a compiled list of literal and field tokens
// (sinsp_evt_formatter). Without a leading '*', an event with any missing field prints nothing.
import { FieldRef, extract, setInFormat } from "../fields/extract";
import { valueToText, valueToJson, renderError } from "../fields/render";
import { vKind, vNum, K_NONE, K_NUM } from "../fields/value";
import { Builder } from "../util/bytes";
import { putBytes, ensure, putc } from "../util/out";
import * as F from "../fields/fields.gen";
import { evTs } from "../scap/event";

/** JSON prints these as signed 64-bit numbers of their value (extract_as_js), whatever their print format. */
function jsonAsInt64(fid: i32): bool {
  return fid == F.F_EVT_LATENCY || fid == F.F_EVT_LATENCY_S || fid == F.F_EVT_LATENCY_NS || fid == F.F_EVT_DELTATIME ||
    fid == F.F_EVT_DELTATIME_S || fid == F.F_EVT_DELTATIME_NS || fid == F.F_EVT_RAWTIME || fid == F.F_EVT_RAWTIME_S ||
    fid == F.F_EVT_RAWTIME_NS || fid == F.F_EVT_RELTIME || fid == F.F_EVT_RELTIME_S || fid == F.F_EVT_RELTIME_NS;
}

/** JSON prints these as the raw timestamp (extract_as_js). */
function jsonAsTimestamp(fid: i32): bool {
  return fid == F.F_EVT_OUTPUTTIME || fid == F.F_EVT_TIME || fid == F.F_EVT_TIME_S || fid == F.F_EVT_TIME_ISO8601 ||
    fid == F.F_EVT_DATETIME || fid == F.F_EVT_DATETIME_S;
}

export class Token {
  literal: Uint8Array | null = null;
  ref: FieldRef | null = null;
  width: i32 = 0;
  /** JSON: index of this token's key in the sorted key list (-1: literal) */
  key: i32 = -1;
}

export class Format {
  tokens: Array<Token> = new Array<Token>();
  requireAll: bool = true;
  json: bool = false;
  keys: Array<Uint8Array> = new Array<Uint8Array>();
}

const line = new Builder();
const piece = new Builder();
const jv = new Builder();
let jStart = new StaticArray<i32>(16);
let jLen = new StaticArray<i32>(16);

function setSlot(key: i32, start: i32): void {
  unchecked(jStart[key] = start);
  unchecked(jLen[key] = jv.len - start);
}

/** Formats the current event; returns false when the line must be skipped. */
export function formatEvent(fmt: Format, into: Builder): bool {
  setInFormat(true);
  const r = formatEventInner(fmt, into);
  setInFormat(false);
  return r;
}

function formatEventInner(fmt: Format, into: Builder): bool {
  into.reset();
  let ok = true;
  const toks = fmt.tokens;
  if (!fmt.json) {
    // values are rendered straight into the line; a value that turns out missing is taken back
    for (let i = 0; i < toks.length; i++) {
      const t = unchecked(toks[i]);
      if (t.literal != null) { if (ok) into.a(t.literal!); continue; }
      const start = into.len;
      const have = extract(t.ref!) && valueToText(into);
      if (renderError != 0) return false;
      if (!ok) { into.len = start; continue; }
      if (!have) {
        into.len = start;
        if (fmt.requireAll) { ok = false; continue; }
        into.s("<NA>");
      }
      const w = t.width;
      if (w != 0) {
        const n = into.len - start;
        if (n > w) into.len = start + w;
        else for (let k = n; k < w; k++) into.c(32);
      }
    }
    return ok;
  }
  // JSON: values by key, written in key order; values are kept in one buffer (no allocation)
  const nk = fmt.keys.length;
  if (jStart.length < nk) { jStart = new StaticArray<i32>(nk * 2); jLen = new StaticArray<i32>(nk * 2); }
  for (let k = 0; k < nk; k++) unchecked(jLen[k] = -1);
  jv.reset();
  for (let i = 0; i < toks.length; i++) {
    const t = unchecked(toks[i]);
    if (t.literal != null) continue;
    // time fields are the raw timestamp in JSON (extract_as_js): no text to build
    if (jsonAsTimestamp(t.ref!.fid)) { if (ok) { const st = jv.len; jv.u(evTs); setSlot(t.key, st); } continue; }
    const have = extract(t.ref!);
    if (!ok) {
      // sysdig converts every token to JSON even after a missing one: conversion errors still stop it
      piece.reset();
      if (have && !jsonAsInt64(t.ref!.fid) && !valueToJson(piece)) return false;
      continue;
    }
    const start = jv.len;
    if (have && jsonAsInt64(t.ref!.fid) && vKind == K_NUM) {
      // extract_as_js extracts once more: the delta fields then measure from this same event
      const fid = t.ref!.fid;
      if (fid == F.F_EVT_DELTATIME || fid == F.F_EVT_DELTATIME_S || fid == F.F_EVT_DELTATIME_NS) extract(t.ref!);
      jv.i(vNum); setSlot(t.key, start); continue;
    }
    if (!have && fmt.requireAll) { ok = false; continue; }
    if (!valueToJson(jv)) return false;
    setSlot(t.key, start);
  }
  if (!ok) return false;
  into.c(123);
  let first = true;
  for (let k = 0; k < nk; k++) {
    const l = unchecked(jLen[k]);
    if (l < 0) continue;
    if (!first) into.c(44);
    first = false;
    into.c(34); into.a(unchecked(fmt.keys[k])); into.c(34); into.c(58);
    into.m(jv.buf.dataStart + unchecked(jStart[k]), l);
  }
  into.c(125);
  return true;
}
