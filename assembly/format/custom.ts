// SPDX-License-Identifier: Apache-2.0
// User formats (-p) and JSON lines (-j): a compiled list of literal and field tokens
// (sinsp_evt_formatter). Without a leading '*', an event with any missing field prints nothing.
import { FieldRef, extract } from "../fields/extract";
import { valueToText, valueToJson, renderError } from "../fields/render";
import { vKind, K_NONE } from "../fields/value";
import { Builder } from "../util/bytes";
import { putBytes, ensure, putc } from "../util/out";
import * as F from "../fields/fields.gen";
import { evTs } from "../scap/event";

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
const jsonVals = new Array<Uint8Array | null>();

/** Formats the current event; returns false when the line must be skipped. */
export function formatEvent(fmt: Format, into: Builder): bool {
  into.reset();
  let ok = true;
  const toks = fmt.tokens;
  if (!fmt.json) {
    for (let i = 0; i < toks.length; i++) {
      const t = unchecked(toks[i]);
      if (t.literal != null) { if (ok) into.a(t.literal!); continue; }
      piece.reset();
      const have = extract(t.ref!) && valueToText(piece);
      if (renderError != 0) return false;
      if (!ok) continue;
      if (!have) {
        if (fmt.requireAll) { ok = false; continue; }
        piece.reset(); piece.s("<NA>");
      }
      if (t.width != 0) {
        if (piece.len > t.width) piece.len = t.width;
        into.m(piece.buf.dataStart, piece.len);
        for (let k = piece.len; k < t.width; k++) into.c(32);
      } else into.m(piece.buf.dataStart, piece.len);
    }
    return ok;
  }
  // JSON: values by key, written in key order
  const nk = fmt.keys.length;
  jsonVals.length = nk;
  for (let k = 0; k < nk; k++) unchecked(jsonVals[k] = null);
  for (let i = 0; i < toks.length; i++) {
    const t = unchecked(toks[i]);
    if (t.literal != null) continue;
    piece.reset();
    const have = extract(t.ref!);
    if (!ok) continue;
    if (have && jsonAsTimestamp(t.ref!.fid)) { piece.u(evTs); unchecked(jsonVals[t.key] = piece.take()); continue; }
    if (!have && fmt.requireAll) { ok = false; continue; }
    if (!valueToJson(piece)) return false;
    unchecked(jsonVals[t.key] = piece.take());
  }
  if (!ok) return false;
  into.c(123);
  let first = true;
  for (let k = 0; k < nk; k++) {
    const v = unchecked(jsonVals[k]);
    if (v == null) continue;
    if (!first) into.c(44);
    first = false;
    into.c(34); into.a(unchecked(fmt.keys[k])); into.c(34); into.c(58);
    into.a(v!);
  }
  into.c(125);
  return true;
}
