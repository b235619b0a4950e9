// SPDX-License-Identifier: Apache-2.0
// Compiled programs the host builds once through the exports in index.ts: field references,
// the engine filter, the display filter, the output format, and structured queries.
import { FieldRef, familyOf } from "./fields/extract";
import * as F from "./fields/fields.gen";
import {
  Node, evalExpr, evalErrOp, CO_EQ, CO_NE, CO_IN, CO_EXISTS, CO_PMATCH, CO_INTERSECTS, CO_LT, CO_GE, BO_NOT, BO_AND, BO_OR,
} from "./filter/eval";
import * as T from "./scap/tables.gen";
import { Format, Token } from "./format/custom";
import { fromMem } from "./util/bytes";

export const refs = new Array<FieldRef>();

export function newRef(fid: i32, argKind: i32, argNum: i64, name: Uint8Array): i32 {
  const r = new FieldRef();
  r.fid = fid; r.argKind = argKind; r.argNum = argNum; r.argName = name;
  r.family = familyOf(unchecked(F.FIELD_NAME[fid]));
  refs.push(r);
  return refs.length - 1;
}

// ---- filters: slot 0 engine filter, 1 display filter, 2.. query filters ----------------

export const filters = new Array<Node | null>();
/** Per filter slot: the event types for which the filter can be true (null: any type). Events of
 *  other types that do not change state are dropped before any field is looked at. */
export const filterTypes = new Array<StaticArray<u8> | null>();
/** The same for generic events, by their syscall code (PPM_SC_*); null: any. */
export const filterSyscalls = new Array<StaticArray<u8> | null>();
let building: Node | null = null;
let cur: Node | null = null;
let lastCheck: Node | null = null;

export function filterBegin(): void {
  building = new Node();
  building!.isExpr = true;
  cur = building;
  lastCheck = null;
}

export function filterPush(boolop: i32): void {
  const e = new Node();
  e.isExpr = true; e.boolop = boolop; e.parent = cur;
  cur!.children.push(e);
  cur = e;
}

export function filterPop(): void { if (cur!.parent != null) cur = cur!.parent; }

export function filterCheck(boolop: i32, ref: i32, cmpop: i32, ctype: u8, special: i32): void {
  const c = new Node();
  c.boolop = boolop; c.ref = refs[ref]; c.cmpop = cmpop; c.ctype = ctype; c.special = special;
  cur!.children.push(c);
  lastCheck = c;
}

export function filterValue(p: usize, n: i32, num: i64): void {
  lastCheck!.values.push(fromMem(p, n));
  lastCheck!.nums.push(num);
}

export function filterEnd(): i32 {
  precomputeTypeMasks(building!);
  // reordering and the type pre-check skip checks sysdig would have evaluated: only safe when no
  // check can stop the capture with a run-time type error
  if (!anyCanErr(building!)) {
    cheapestFirst(building!);
    filterTypes.push(mayBeTrue(building!, false));
    filterSyscalls.push(mayBeTrue(building!, true));
  } else { filterTypes.push(null); filterSyscalls.push(null); }
  filters.push(building);
  building = null;
  return filters.length - 1;
}

export function runFilter(slot: i32): bool {
  const f = filters[slot];
  if (f == null) return true;
  return evalExpr(f!);
}

// ---- formats ------------------------------------------------------------------------------

export const formats = new Array<Format>();
let fmtCur: Format | null = null;

export function formatBegin(requireAll: bool, json: bool): void {
  fmtCur = new Format();
  fmtCur!.requireAll = requireAll; fmtCur!.json = json;
}
export function formatLiteral(p: usize, n: i32): void {
  const t = new Token(); t.literal = fromMem(p, n); fmtCur!.tokens.push(t);
}
export function formatField(ref: i32, width: i32, key: i32): void {
  const t = new Token(); t.ref = refs[ref]; t.width = width; t.key = key; fmtCur!.tokens.push(t);
}
export function formatKey(p: usize, n: i32): void { fmtCur!.keys.push(fromMem(p, n)); }
export function formatEnd(): i32 { formats.push(fmtCur!); fmtCur = null; return formats.length - 1; }

// ---- queries (structured rows) ---------------------------------------------------------------

export class Query {
  filter: i32 = -1;
  fields: Array<i32> = new Array<i32>();
  format: i32 = -1;
  stopAfter: u64 = 0;
  matched: u64 = 0;
  /** buffer rendering for this query's text fields (-1: the global mode) */
  bufFormat: i32 = -1;
}
export const queries = new Array<Query>();

export function queryNew(filter: i32, format: i32): i32 {
  const q = new Query(); q.filter = filter; q.format = format;
  queries.push(q);
  return queries.length - 1;
}
export function queryField(q: i32, ref: i32): void { queries[q].fields.push(ref); }

/** evt.type comparisons become a table lookup by event type (the cheapest test first). */
function precomputeTypeMasks(e: Node): void {
  for (let i = 0; i < e.children.length; i++) {
    const c = e.children[i];
    if (c.isExpr) { precomputeTypeMasks(c); continue; }
    if (c.ref != null && c.ref!.fid == F.F_PROC_NAME && c.special == 0 && (c.cmpop == CO_EQ || c.cmpop == CO_NE) && c.values.length == 1) {
      const v = c.values[0];
      let nul = false;
      for (let k = 0; k < v.length; k++) if (v[k] == 0) { nul = true; break; }
      if (!nul) c.commEq = v;
      continue;
    }
    if (c.ref == null || c.ref!.fid != F.F_EVT_TYPE || c.special != 0) continue;
    const op = c.cmpop;
    if (op != CO_EQ && op != CO_NE && op != CO_IN) continue;
    c.typeMask = nameMask(c, T.EVT_NAME);
    // a generic event's type is its syscall's name
    c.scMask = nameMask(c, T.PPMSC_NAME);
  }
}

/** Per name in the table: whether the check is true for that name. */
function nameMask(c: Node, names: StaticArray<string>): StaticArray<u8> {
  const m = new StaticArray<u8>(names.length);
  for (let i = 0; i < names.length; i++) {
    let hit = false;
    for (let v = 0; v < c.values.length; v++) if (eqName(c.values[v], names[i])) { hit = true; break; }
    m[i] = (c.cmpop == CO_NE ? !hit : hit) ? 1 : 0;
  }
  return m;
}

function eqName(v: Uint8Array, name: string): bool {
  let n = 0; while (n < v.length && v[n] != 0) n++;
  if (n != name.length) return false;
  for (let i = 0; i < n; i++) if (<i32>v[i] != name.charCodeAt(i)) return false;
  return true;
}

// ---- the filter's possible event types, and cheapest checks first ------------------------------

function isStringType(t: u8): bool { return t == T.PT_CHARBUF || t == T.PT_FSPATH || t == T.PT_FSRELPATH; }
function isNumericType(t: u8): bool {
  return t == T.PT_INT8 || t == T.PT_INT16 || t == T.PT_INT32 || t == T.PT_INT64 || t == T.PT_FD || t == T.PT_PID ||
    t == T.PT_ERRNO || t == T.PT_FLAGS8 || t == T.PT_UINT8 || t == T.PT_SIGTYPE || t == T.PT_FLAGS16 ||
    t == T.PT_UINT16 || t == T.PT_PORT || t == T.PT_SYSCALLID || t == T.PT_UINT32 || t == T.PT_FLAGS32 ||
    t == T.PT_MODE || t == T.PT_BOOL || t == T.PT_UINT64 || t == T.PT_RELTIME || t == T.PT_ABSTIME ||
    t == T.PT_L4PROTO || t == T.PT_UID || t == T.PT_GID || t == T.PT_DOUBLE;
}

/** Whether a check might raise a run-time type error (conservative). */
function canErr(c: Node): bool {
  const op = c.cmpop;
  if (op == CO_EQ || op == CO_NE || op == CO_IN || op == CO_EXISTS || op == CO_PMATCH || op == CO_INTERSECTS) return false;
  if (c.special != 0) return true;
  if (isStringType(c.ctype)) return false;
  return !(op >= CO_LT && op <= CO_GE && isNumericType(c.ctype));
}

function anyCanErr(e: Node): bool {
  for (let i = 0; i < e.children.length; i++) {
    const c = e.children[i];
    if (c.isExpr ? anyCanErr(c) : canErr(c)) return true;
  }
  return false;
}

function cost(c: Node): i32 {
  if (c.isExpr) return 3;
  if (c.typeMask != null) return 0;
  if (c.commEq != null) return 1;
  return 2;
}

/** Within a list joined only by `and` (or only by `or`), cheaper checks go first: the result
 *  of pure checks does not depend on their order. */
function cheapestFirst(e: Node): void {
  const ch = e.children;
  for (let i = 0; i < ch.length; i++) if (ch[i].isExpr) cheapestFirst(ch[i]);
  if (ch.length < 2) return;
  const join = ch[1].boolop & ~BO_NOT;
  for (let i = 2; i < ch.length; i++) if ((ch[i].boolop & ~BO_NOT) != join) return;
  if (join != BO_AND && join != BO_OR) return;
  const sorted = new Array<Node>();
  for (let k = 0; k <= 3; k++) for (let i = 0; i < ch.length; i++) if (cost(ch[i]) == k) sorted.push(ch[i]);
  for (let i = 0; i < sorted.length; i++) {
    const c = sorted[i];
    const neg = c.boolop & BO_NOT;
    c.boolop = i == 0 ? neg : neg | join;
  }
  e.children = sorted;
}

/** The event types (sc: the syscall codes of generic events) for which child c (negated or
 *  not) can be true; null: any. */
function childTypes(c: Node, negated: bool, sc: bool): StaticArray<u8> | null {
  if (c.isExpr) return negated ? null : mayBeTrue(c, sc);
  const tm = sc ? c.scMask : c.typeMask;
  if (tm == null) return null;
  const m = new StaticArray<u8>(tm.length);
  for (let i = 0; i < tm.length; i++) m[i] = negated ? (tm[i] ? 0 : 1) : tm[i];
  // generic events compare their syscall's name, not the table's: decided by code (sc)
  if (!sc) { m[T.PPME_GENERIC_E] = 1; m[T.PPME_GENERIC_X] = 1; }
  return m;
}

function mayBeTrue(e: Node, sc: bool): StaticArray<u8> | null {
  const ch = e.children;
  if (ch.length == 0) return null;
  let acc = childTypes(ch[0], (ch[0].boolop & BO_NOT) != 0, sc);
  for (let j = 1; j < ch.length; j++) {
    const m = childTypes(ch[j], (ch[j].boolop & BO_NOT) != 0, sc);
    if (ch[j].boolop & BO_AND) {
      if (acc == null) acc = m;
      else if (m != null) for (let i = 0; i < acc.length; i++) acc[i] = acc[i] & m[i];
    } else {
      if (acc == null || m == null) acc = null;
      else for (let i = 0; i < acc.length; i++) acc[i] = acc[i] | m[i];
    }
  }
  return acc;
}
