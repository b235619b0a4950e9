// SPDX-License-Identifier: Apache-2.0
// A pipeline's output shape: how one event becomes one line for its sinks. The core will render
// sysdig's text and -p formats byte for byte; this host renderer covers the structured cases.
import { resolveFieldName } from '../core/fieldnames';
import { FieldValue, LineSpec } from '../core/types';
import { EVENT_NAMES } from '../filter/events';
import { checkFieldName } from './fields';
import { renderValue } from './template';

export interface OutputConfig { format: 'text' | 'json' | 'template'; template?: string; fields?: string[] }

export interface Shape {
  /** Fields the shape reads. */
  readonly fields: string[];
  /** Renders one row; `at(i)` is the row index of `fields[i]`. */
  render(row: readonly FieldValue[], at: readonly number[]): string;
  /** The same rendering for a source that renders lines itself (Query.line); undefined when it cannot be exact. */
  readonly line?: LineSpec;
}

type Part = { literal: string } | { field: string };

/** Adjacent literals merged. */
function spec(json: boolean, parts: Part[]): LineSpec {
  const out: Part[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if ('literal' in p && last && 'literal' in last) out[out.length - 1] = { literal: last.literal + p.literal };
    else if (!('literal' in p && p.literal === '')) out.push(p);
  }
  return { json, parts: out };
}

/**
 * The core writes values as the host does except for numbers of double and dynamic type (it does
 * not reproduce JavaScript's number formatting), so a line over such a field is rendered here.
 */
function coreRenders(fields: readonly string[]): boolean {
  return fields.every((f) => {
    const r = resolveFieldName(f, EVENT_NAMES);
    return r !== null && r.length === f.length && r.field.type !== 'PT_DOUBLE' && r.field.type !== 'PT_DYN';
  });
}

function withLine(shape: Shape, json: boolean, parts: Part[]): Shape {
  let exact = false;
  try { exact = coreRenders(shape.fields); } catch { /* a name the core does not know: rendered here */ }
  return exact ? { ...shape, line: spec(json, parts) } : shape;
}

export const DEFAULT_TEXT = '%evt.num %evt.time %evt.cpu %proc.name (%thread.tid) %evt.dir %evt.type %evt.info';
export const DEFAULT_JSON_FIELDS = ['evt.num', 'evt.rawtime', 'evt.type', 'evt.dir', 'proc.name', 'proc.pid', 'thread.tid', 'fd.name', 'evt.res', 'evt.latency', 'container.id'];

/** Thrown for a bad -p style template; `offset` points into it. */
export class FormatError extends Error { constructor(message: string, readonly offset: number) { super(message); } }

export function jsonValue(v: FieldValue): string {
  if (v === null) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return JSON.stringify(v);
}

/** Parses a sysdig -p format: %field or %{field}, %% for a percent sign. */
export function parseTemplate(t: string): (string | { field: string })[] {
  const parts: (string | { field: string })[] = [];
  let lit = '';
  for (let i = 0; i < t.length; i++) {
    if (t[i] !== '%') { lit += t[i]; continue; }
    if (t[i + 1] === '%') { lit += '%'; i++; continue; }
    const braced = t[i + 1] === '{';
    const m = (braced ? /^\{([^}]*)\}/ : /^[a-z0-9]+\.[A-Za-z0-9_.]+(\[[^\]]*\])?/).exec(t.slice(i + 1));
    if (!m) throw new FormatError(braced ? 'unterminated "%{"' : `"%" must be followed by a field name (or %% for a percent sign)`, i);
    const name = braced ? m[1].trim() : m[0].replace(/\.+$/, '');
    const bad = checkFieldName(name);
    if (bad) throw new FormatError(bad, i);
    if (lit) { parts.push(lit); lit = ''; }
    parts.push({ field: name });
    i += braced ? m[0].length : name.length;
  }
  if (lit) parts.push(lit);
  return parts;
}

export function compileOutput(cfg: OutputConfig): Shape {
  if (cfg.format === 'json') {
    const fields = cfg.fields ?? DEFAULT_JSON_FIELDS;
    const keys = fields.map((f) => JSON.stringify(f) + ':');
    return withLine({
      fields,
      render(row, at) {
        let s = '{';
        for (let i = 0; i < keys.length; i++) s += (i ? ',' : '') + keys[i] + jsonValue(row[at[i]]);
        return s + '}';
      },
    }, true, [...fields.flatMap((field, i) => [{ literal: (i ? ',' : '{') + keys[i] }, { field }]), { literal: fields.length ? '}' : '{}' }]);
  }
  if (cfg.format === 'text' && cfg.fields) {
    const fields = cfg.fields;
    return withLine({ fields, render: (row, at) => fields.map((_, i) => renderValue(row[at[i]])).join(' ') },
      false, fields.flatMap((field, i) => (i ? [{ literal: ' ' }, { field }] : [{ field }])));
  }
  const parts = parseTemplate(cfg.format === 'template' ? cfg.template ?? '' : DEFAULT_TEXT);
  const fields = [...new Set(parts.flatMap((p) => (typeof p === 'string' ? [] : [p.field])))];
  const slots = parts.map((p) => (typeof p === 'string' ? p : fields.indexOf(p.field)));
  return withLine({
    fields,
    render(row, at) {
      let s = '';
      for (const p of slots) s += typeof p === 'string' ? p : renderValue(row[at[p]]);
      return s;
    },
  }, false, parts.map((p) => (typeof p === 'string' ? { literal: p } : p)));
}
