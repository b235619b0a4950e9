// SPDX-License-Identifier: Apache-2.0
// Field templates for sink keys such as a Kafka topic: "syscalls.${proc.name}". A reference with a
// dot is a field; environment references (${NAME}) are resolved earlier, when the config loads.
import { FieldValue } from '../core/types';
import { checkFieldName } from './fields';

export interface Template {
  /** Field names the template reads, in order of first use. */
  readonly fields: string[];
  /** Renders the template for one event; a missing field renders as `fallback`. */
  render(get: (field: string) => FieldValue): string;
}

/** Thrown for a template that cannot be parsed; `offset` points into the template text. */
export class TemplateError extends Error {
  constructor(message: string, readonly offset: number) { super(message); }
}

export function renderValue(v: FieldValue): string {
  return v === null ? '' : typeof v === 'string' ? v : String(v);
}

export function compileTemplate(text: string, fallback = 'unknown'): Template {
  const parts: (string | { field: string })[] = [];
  const fields: string[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('${', i);
    if (open < 0) { parts.push(text.slice(i)); break; }
    if (open > i) parts.push(text.slice(i, open));
    const close = text.indexOf('}', open);
    if (close < 0) throw new TemplateError(`unterminated "\${" in template "${text}"`, open);
    const name = text.slice(open + 2, close).trim();
    const bad = checkFieldName(name);
    if (bad) throw new TemplateError(`bad template "${text}": ${bad}`, open);
    parts.push({ field: name });
    if (!fields.includes(name)) fields.push(name);
    i = close + 1;
  }
  if (fields.length === 0) {
    const constant = text;
    return { fields, render: () => constant };
  }
  return {
    fields,
    render(get) {
      let out = '';
      for (const p of parts) {
        if (typeof p === 'string') out += p;
        else { const v = renderValue(get(p.field)); out += v === '' ? fallback : v; }
      }
      return out;
    },
  };
}
