// SPDX-License-Identifier: Apache-2.0
// The one place pipelines compile a sysdig filter. The core's parser (host/filter/compile.ts) is the
// judge of validity, with sysdig's own error texts; the Wasm core evaluates filters for file and
// live sources. A host-side subset (field comparisons, in/contains/startswith/endswith/glob/exists,
// and/or/not, parentheses) evaluates them for the synthetic source.
import { FieldValue, QuarryError } from '../core/types';
import { checkFilter } from '../filter/compile';
import { checkFieldName } from './fields';

export type Getter = (field: string) => FieldValue;

export interface CompiledFilter {
  readonly text: string;
  /** Fields the filter reads. */
  readonly fields: string[];
  /** True when the event passes. */
  matches(get: Getter): boolean;
}

/** A filter that does not compile; `offset` is the character position in the filter text. */
export interface FilterError { message: string; offset: number }

type Node =
  | { op: 'and' | 'or'; left: Node; right: Node }
  | { op: 'not'; arg: Node }
  | { op: 'cmp'; field: string; cmp: string; values: string[] };

const CMP = ['=', '==', '!=', '<', '<=', '>', '>=', 'contains', 'icontains', 'startswith', 'endswith', 'in', 'pmatch', 'glob', 'exists'];

interface Tok { t: string; at: number; quoted?: boolean }

function lex(s: string): Tok[] | FilterError {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '(' || c === ')' || c === ',') { out.push({ t: c, at: i }); i++; continue; }
    if (c === '"' || c === "'") {
      const end = s.indexOf(c, i + 1);
      if (end < 0) return { message: 'unterminated string', offset: i };
      out.push({ t: s.slice(i + 1, end), at: i, quoted: true });
      i = end + 1; continue;
    }
    const two = s.slice(i, i + 2);
    if (two === '==' || two === '!=' || two === '<=' || two === '>=') { out.push({ t: two, at: i }); i += 2; continue; }
    if (c === '=' || c === '<' || c === '>') { out.push({ t: c, at: i }); i++; continue; }
    const m = /^[^\s()=<>!,"']+/.exec(s.slice(i));
    if (!m) return { message: `unexpected character "${c}"`, offset: i };
    out.push({ t: m[0], at: i }); i += m[0].length;
  }
  return out;
}

/** Compiles `text`; an empty filter passes everything. Errors carry sysdig's message and position. */
export function compileFilter(text: string): CompiledFilter | FilterError {
  if (text.trim() === '') return { text, fields: [], matches: () => true };
  try {
    checkFilter(text, { extensions: true });
  } catch (e) {
    const m = /^filter error at position (\d+): (?:filter error: )?(.*)$/s.exec((e as Error).message);
    if (!m) throw e;
    return { message: m[2].trim(), offset: Math.min(Number(m[1]), text.length) };
  }
  const host = compileHostFilter(text);
  if (!('message' in host)) return host;
  const why = `${host.message} at position ${host.offset}`;
  return { text, fields: [], matches: () => { throw new QuarryError(`the synthetic source cannot evaluate this filter (${why}); use a capture file or live source`); } };
}

function compileHostFilter(text: string): CompiledFilter | FilterError {
  const toks = lex(text);
  if (!Array.isArray(toks)) return toks;
  const fields: string[] = [];
  let p = 0;
  const peek = () => toks[p];
  const end = text.length;
  const isWord = (tok: Tok | undefined, w: string) => tok !== undefined && !tok.quoted && tok.t === w;

  function orExpr(): Node | FilterError {
    let left = andExpr();
    while (!('message' in left) && isWord(peek(), 'or')) { p++; const r = andExpr(); if ('message' in r) return r; left = { op: 'or', left, right: r }; }
    return left;
  }
  function andExpr(): Node | FilterError {
    let left = notExpr();
    while (!('message' in left) && isWord(peek(), 'and')) { p++; const r = notExpr(); if ('message' in r) return r; left = { op: 'and', left, right: r }; }
    return left;
  }
  function notExpr(): Node | FilterError {
    if (isWord(peek(), 'not')) { p++; const a = notExpr(); return 'message' in a ? a : { op: 'not', arg: a }; }
    const tok = peek();
    if (!tok) return { message: 'expected a field or "("', offset: end };
    if (tok.t === '(' && !tok.quoted) {
      p++;
      const e = orExpr();
      if ('message' in e) return e;
      if (peek()?.t !== ')') return { message: 'missing ")"', offset: peek()?.at ?? end };
      p++; return e;
    }
    const bad = checkFieldName(tok.t);
    if (tok.quoted || bad) return { message: bad ?? 'expected a field name', offset: tok.at };
    p++;
    if (!fields.includes(tok.t)) fields.push(tok.t);
    const op = peek();
    if (!op || !CMP.includes(op.t) || op.quoted) return { message: `expected an operator after "${tok.t}" (=, !=, <, >, contains, in, exists ...)`, offset: op?.at ?? end };
    p++;
    if (op.t === 'exists') return { op: 'cmp', field: tok.t, cmp: 'exists', values: [] };
    if (op.t === 'in' || op.t === 'pmatch') {
      if (peek()?.t !== '(') return { message: `"${op.t}" needs a list: ${op.t} (a, b)`, offset: peek()?.at ?? end };
      p++;
      const values: string[] = [];
      while (peek() && peek().t !== ')') {
        values.push(peek().t); p++;
        if (peek()?.t === ',') p++;
      }
      if (!peek()) return { message: 'missing ")" after the list', offset: end };
      p++;
      return { op: 'cmp', field: tok.t, cmp: op.t, values };
    }
    const v = peek();
    if (!v || (!v.quoted && ['(', ')', 'and', 'or'].includes(v.t))) return { message: `expected a value after "${op.t}"`, offset: v?.at ?? end };
    p++;
    return { op: 'cmp', field: tok.t, cmp: op.t === '==' ? '=' : op.t, values: [v.t] };
  }

  if (toks.length === 0) return { text, fields, matches: () => true };
  const root = orExpr();
  if ('message' in root) return root;
  if (p < toks.length) return { message: `unexpected "${toks[p].t}"`, offset: toks[p].at };
  return { text, fields, matches: (get) => evaluate(root, get) };
}

function compare(v: FieldValue, cmp: string, want: string): boolean {
  if (v === null) return false;
  if (typeof v === 'number' || typeof v === 'bigint') {
    const n = Number(want);
    if (want.trim() !== '' && !Number.isNaN(n) && ['=', '!=', '<', '<=', '>', '>='].includes(cmp)) {
      const x = Number(v);
      switch (cmp) { case '=': return x === n; case '!=': return x !== n; case '<': return x < n; case '<=': return x <= n; case '>': return x > n; default: return x >= n; }
    }
  }
  const s = String(v);
  switch (cmp) {
    case '=': return s === want;
    case '!=': return s !== want;
    case '<': return s < want;
    case '<=': return s <= want;
    case '>': return s > want;
    case '>=': return s >= want;
    case 'contains': return s.includes(want);
    case 'icontains': return s.toLowerCase().includes(want.toLowerCase());
    case 'startswith': return s.startsWith(want);
    case 'endswith': return s.endsWith(want);
    case 'glob': return new RegExp('^' + want.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$').test(s);
    default: return false;
  }
}

function evaluate(n: Node, get: Getter): boolean {
  switch (n.op) {
    case 'and': return evaluate(n.left, get) && evaluate(n.right, get);
    case 'or': return evaluate(n.left, get) || evaluate(n.right, get);
    case 'not': return !evaluate(n.arg, get);
    default: {
      const v = get(n.field);
      if (n.cmp === 'exists') return v !== null;
      if (n.cmp === 'in') return n.values.some((w) => compare(v, '=', w));
      if (n.cmp === 'pmatch') return v !== null && n.values.some((w) => String(v).startsWith(w));
      if (n.cmp === '!=') return v === null || compare(v, '!=', n.values[0]);
      return compare(v, n.cmp, n.values[0]);
    }
  }
}
