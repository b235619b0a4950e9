// SPDX-License-Identifier: Apache-2.0
// Field names as sysdig resolves them (filter_check_list::new_filter_check_from_fldname and each
// class's parse_field_name): the first class with a prefix match wins, the longest name in it,
// then the argument rules of that field.
import { FIELDS, FIELD_CLASSES, FieldInfo, EPF_REQUIRES_ARGUMENT } from '../core/fields.gen';
import { EVENTS } from './events';

export const ARG_NONE = 0;
export const ARG_NAME = 1;
export const ARG_INDEX = 2;

export interface ResolvedField {
  fid: number;
  info: FieldInfo;
  /** characters of the input taken by the field (with its argument) */
  consumed: number;
  argKind: number;
  argNum: number;
  argName: string;
  /** the field was given as the bare name of an argument field (proc.aname: any ancestor) */
  bare: boolean;
  /** evt.type.is: matching event ids */
  typeIds?: number[];
}

export class FieldError extends Error {}

const byClass: FieldInfo[][] = FIELD_CLASSES.map(() => []);
const ids = new Map<FieldInfo, number>();
FIELDS.forEach((f, i) => { byClass[f.classIndex].push(f); ids.set(f, i); });

let paramNames: string[] | null = null;
function allParamNames(): string[] {
  if (!paramNames) {
    const s = new Set<string>();
    for (const e of EVENTS) for (const p of e.params) s.add(p.name);
    paramNames = [...s];
  }
  return paramNames;
}

/**
 * Resolves the field at the start of `text`. Returns null when no field matches
 * (the caller words the "unrecognized field" error); throws FieldError for a bad argument.
 */
export function resolveField(text: string): ResolvedField | null {
  for (let c = 0; c < byClass.length; c++) {
    let best: FieldInfo | null = null;
    for (const f of byClass[c]) {
      if (text.startsWith(f.name) && (!best || f.name.length > best.name.length)) best = f;
    }
    if (!best) continue;
    const r = withArgument(best, text);
    if (r) return r;
    return null;
  }
  return null;
}

function withArgument(f: FieldInfo, text: string): ResolvedField | null {
  const base: ResolvedField = { fid: ids.get(f)!, info: f, consumed: f.name.length, argKind: ARG_NONE, argNum: 0, argName: '', bare: false };
  const a = f.arg;
  if (!a) return base;
  const rest = text.slice(f.name.length);
  const fail = (msg: string): null => { if (a.onError === 'unrecognized') return null; throw new FieldError(msg); };
  if (rest.startsWith('.') && a.dot) {
    const word = rest.slice(1);
    switch (a.dot) {
      case 'reject': return fail(a.dotError ?? `filter syntax error: ${f.name}`);
      case 'evtparam': {
        let best = '';
        for (const p of allParamNames()) if (word.startsWith(p) && p.length > best.length) best = p;
        if (!best) return fail(`unknown event argument ${word}`);
        return { ...base, consumed: f.name.length + 1 + best.length, argKind: ARG_NAME, argName: best };
      }
      case 'evttype': {
        const typeIds: number[] = [];
        let best = '';
        for (const e of EVENTS) if (word.startsWith(e.name) && e.name.length >= best.length) best = e.name;
        if (!best) return fail(`unknown event type ${word}`);
        for (const e of EVENTS) if (e.name === best) typeIds.push(e.id);
        return { ...base, consumed: f.name.length + 1 + best.length, argKind: ARG_NAME, argName: best, typeIds };
      }
      default: {
        let w = word;
        const m = /^[^\s()!=<>]*/.exec(word);
        w = m ? m[0] : word;
        return { ...base, consumed: f.name.length + 1 + w.length, argKind: ARG_NAME, argName: w };
      }
    }
  }
  if (rest.startsWith('[') && a.bracket) {
    const close = rest.indexOf(']');
    const inner = close >= 0 ? rest.slice(1, close) : rest.slice(1);
    const consumed = f.name.length + (close >= 0 ? close + 1 : rest.length);
    switch (a.bracket) {
      case 'reject': return fail(a.bracketError ?? `filter syntax error: ${f.name}`);
      case 'int32': case 'uint64': {
        if (!/^-?\d+$/.test(inner)) return fail(`${inner} is not a valid number`);
        return { ...base, consumed, argKind: ARG_INDEX, argNum: Number(inner) };
      }
      default:
        return { ...base, consumed, argKind: ARG_NAME, argName: inner };
    }
  }
  if (a.bare) return { ...base, bare: true };
  if (f.flags & EPF_REQUIRES_ARGUMENT) return fail(`filter syntax error: ${f.name}`);
  return base;
}
