// SPDX-License-Identifier: Apache-2.0
// Field-name resolution as libsinsp does it (filter_check_list::new_filter_check_from_fldname with
// each class's parse_field_name): classes are tried in registration order and the first class that
// recognises a prefix wins; inside a class the longest field name that prefixes the text wins, then
// that field's argument rule (from the generated table) decides how much more text it takes.
// A filter needs `length === text.length`; a format string (`%proc.name)`) takes `length` chars.
// Not checked here: EPF_FILTER_ONLY in formats (sinsp refuses those only on its generic path).
import { FIELDS, FIELD_CLASSES, FieldInfo, FieldArg } from './fields.gen';

/** The parts of schema/events.json the argument rules look at. */
export interface EventNames {
  events: readonly { name: string; params: readonly { name: string }[] }[];
}

/** A recognised field. length 0 means sinsp's "recognised but invalid": report it as unknown. */
export interface ResolvedField {
  /** Index into FIELDS (the F_* id of the core). */
  id: number;
  field: FieldInfo;
  /** How many characters of the text the field (with its argument) takes. */
  length: number;
  /** `evt.arg.NAME` (the matched parameter name), `thread.cgroup.X`, `k8s.pod.label.X`, mount path… */
  argName?: string;
  /** `evt.arg[N]`, `proc.aname[N]`, `span.tag[N]`, `container.mount[N]`… */
  argIndex?: number;
  /** `evt.around[T]`: the timestamp. */
  argU64?: bigint;
}

/** An error sinsp raises while parsing a field name (the message is sinsp's). */
export class FieldNameError extends Error {}

const CLASS_FIELDS: number[][] = FIELD_CLASSES.map(() => []);
FIELDS.forEach((f, i) => CLASS_FIELDS[f.classIndex].push(i));

/** sscanf("%d%c") == 1: optional leading blanks and sign, digits, nothing after. */
const INT_RE = /^[ \t\n\v\f\r]*[+-]?\d+$/;

/** Resolves the field name at the start of TEXT; null when no class knows it. */
export function resolveFieldName(text: string, ev: EventNames): ResolvedField | null {
  for (const ids of CLASS_FIELDS) {
    let best = -1;
    for (const id of ids) {
      const n = FIELDS[id].name;
      if (text.startsWith(n) && (best < 0 || n.length > FIELDS[best].name.length)) best = id;
    }
    if (best < 0) continue;
    const field = FIELDS[best];
    const r: ResolvedField = { id: best, field, length: field.name.length };
    if (field.arg) withArg(text, r, field.arg, ids, ev);
    return r;
  }
  return null;
}

function withArg(text: string, r: ResolvedField, a: FieldArg, classIds: number[], ev: EventNames): void {
  const name = r.field.name;
  const c = text[name.length];
  const fail = (msg: string): void => {
    if (a.onError === 'unrecognized') r.length = 0;
    else throw new FieldNameError(msg);
  };
  const syntax = (): void => fail(`filter syntax error: ${text}`);

  if (a.bracket === 'index-or-path') {
    // container.mount.<unknown>… is refused; otherwise '[' is searched from the end of the name.
    if (c === '.' && classIds.some((id) => FIELDS[id].name.startsWith(name + '.'))) return syntax();
    const open = text.indexOf('[', name.length);
    const close = open < 0 ? -1 : text.indexOf(']', open);
    if (close < 0) return syntax();
    const inner = text.slice(open + 1, close);
    if (INT_RE.test(inner)) r.argIndex = Number.parseInt(inner, 10); else r.argName = inner;
    r.length = close + 1;
    return;
  }
  if (c === '[' && a.bracket !== null) {
    if (a.bracket === 'reject') return fail(a.bracketError ?? '');
    const close = text.indexOf(']');
    const inner = text.slice(name.length + 1, close < 0 ? undefined : close);
    if (!INT_RE.test(inner)) return fail(`${inner} is not a valid number`);
    if (a.bracket === 'uint64') r.argU64 = BigInt.asUintN(64, BigInt(inner.trim()));
    else r.argIndex = Number.parseInt(inner, 10);
    r.length = close < 0 ? 0 : close + 1; // sinsp's length wraps to 0 when ']' is missing
    return;
  }
  if (c === '.' && a.dot !== null) {
    const rest = text.slice(name.length + 1);
    switch (a.dot) {
      case 'reject': return fail(a.dotError ?? '');
      case 'evtparam': {
        let p = '';
        for (const e of ev.events) for (const q of e.params) if (q.name.length > p.length && rest.startsWith(q.name)) p = q.name;
        if (p === '') return fail(`unknown event argument ${rest}`);
        r.argName = p;
        r.length = name.length + 1 + p.length;
        return;
      }
      case 'evttype': {
        const known = /^[ \t\n\v\f\r]*\+?\d+$/.test(rest) || ev.events.some((e) => e.name === rest);
        r.argName = rest;
        r.length = known ? text.length : 0;
        return;
      }
      case 'cgroup': return run(text, r, /[A-Za-z_]/);
      case 'label': return run(text, r, /[A-Za-z0-9/_.-]/);
      case 'rest': r.argName = rest; r.length = text.length; return;
      case 'choice': {
        const ch = (a.choices ?? []).find((w) => rest.startsWith(w));
        if (ch !== undefined) { r.argName = ch; r.length = name.length + 1 + ch.length; }
        return;
      }
      default: return syntax();
    }
  }
  if (a.dot === 'choice') return; // evt.abspath alone
  if (a.bare && text === name) return;
  return syntax();
}

/** Takes the longest run of characters matching CH after `name.`. */
function run(text: string, r: ResolvedField, ch: RegExp): void {
  let end = r.field.name.length + 1;
  while (end < text.length && ch.test(text[end])) end++;
  r.argName = text.slice(r.field.name.length + 1, end);
  r.length = end;
}

/** Edit distance with adjacent transpositions (optimal string alignment), capped at `limit + 1`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > limit) return limit + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length];
}

/** The known field names closest to an unknown one (at most `max`, best first). */
export function suggestFields(unknown: string, max = 3): string[] {
  const name = (/^[A-Za-z0-9_.]+/.exec(unknown) ?? [''])[0];
  if (name.length < 2) return [];
  const limit = Math.max(1, Math.floor(name.length / 4));
  const scored: [number, string][] = [];
  for (const f of FIELDS) {
    const d = editDistance(name, f.name, limit);
    if (d <= limit) scored.push([d, f.name]);
  }
  scored.sort((x, y) => x[0] - y[0] || x[1].localeCompare(y[1]));
  return [...new Set(scored.map((s) => s[1]))].slice(0, max);
}

/** " (did you mean a, b?)" for an unknown field, or "" when nothing is close. */
export function didYouMean(unknown: string): string {
  const s = suggestFields(unknown);
  return s.length ? ` (did you mean ${s.join(', ')}?)` : '';
}
