// SPDX-License-Identifier: Apache-2.0
// -p formats as sysdig parses them (sinsp_evt_formatter::set_format, after sysdig's own
// escape_output_format), built into the core as literal and field tokens.
import { resolveFieldName, FieldNameError, didYouMean } from '../core/fieldnames';
import { EPF_FILTER_ONLY } from '../core/fields.gen';
import { EVENT_NAMES } from '../filter/events';
import { CoreProgram } from '../core/program';
import { QuarryError } from '../core/types';

export const DEFAULT_FORMAT = '*%evt.num %evt.outputtime %evt.cpu %proc.name (%thread.tid) %evt.dir %evt.type %evt.info';
export const DEFAULT_FORMAT_TTY = '*%evt.num %evt.outputtime %evt.cpu \x1b[01;32m%proc.name\x1b[00m (\x1b[01;36m%proc.pid\x1b[00m.%thread.tid) %evt.dir \x1b[01;34m%evt.type\x1b[00m %evt.info';
export const FORMAT_CONTAINER = '*%evt.num %evt.outputtime %evt.cpu %container.name (%container.id) %proc.name (%thread.tid:%thread.vtid) %evt.dir %evt.type %evt.info';
export const FORMAT_K8S = '*%evt.num %evt.outputtime %evt.cpu %k8s.pod.name (%container.id) %proc.name (%thread.tid:%thread.vtid) %evt.dir %evt.type %evt.info';
export const FORMAT_MESOS = '*%evt.num %evt.outputtime %evt.cpu %mesos.task.name (%container.id) %proc.name (%thread.tid:%thread.vtid) %evt.dir %evt.type %evt.info';

/** sysdig.cpp escape_output_format: \n \t \e \\ become the characters. */
export function unescapeFormat(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) {
      const c = s[i + 1];
      if (c === 'n') { out += '\n'; i++; continue; }
      if (c === 't') { out += '\t'; i++; continue; }
      if (c === 'e') { out += '\x1b'; i++; continue; }
      if (c === '\\') { out += '\\'; i++; continue; }
      out += '\\';
      continue;
    }
    out += s[i];
  }
  return out;
}

export type FormatToken = { literal: string } | { field: ReturnType<typeof resolveFieldName> & object; text: string; width: number };

export interface ParsedFormat { requireAll: boolean; tokens: FormatToken[] }

export function parseFormat(fmt: string): ParsedFormat {
  if (fmt === '') throw new QuarryError('empty formatting token');
  let s = fmt;
  let requireAll = true;
  if (s[0] === '*') { requireAll = false; s = s.slice(1); }
  const tokens: FormatToken[] = [];
  let lastStart = 0;
  let j = 0;
  for (; j < s.length; j++) {
    if (s[j] !== '%') continue;
    if (lastStart !== j) tokens.push({ literal: s.slice(lastStart, j) });
    if (j === s.length - 1) throw new QuarryError('invalid formatting syntax: formatting cannot end with a %');
    let width = 0;
    if (/\d/.test(s[j + 1])) {
      width = parseInt(s.slice(j + 1), 10);
      for (;;) {
        if (j === s.length - 1) throw new QuarryError('invalid formatting syntax: formatting cannot end with a number');
        if (/\d/.test(s[j + 1])) { j++; continue; }
        break;
      }
    }
    const rest = s.slice(j + 1);
    let field;
    try {
      field = resolveFieldName(rest, EVENT_NAMES);
    } catch (e) {
      if (e instanceof FieldNameError) throw new QuarryError(e.message);
      throw e;
    }
    if (!field) throw new QuarryError(`invalid formatting token ${rest}${didYouMean(rest)}`);
    // the generic parse_field_name refuses filter-only fields, naming the whole rest of the format;
    // evt.around has its own parser, which does not check
    if ((field.field.flags & EPF_FILTER_ONLY) && field.field.name !== 'evt.around') {
      throw new QuarryError(`${rest} is filter only and cannot be used as a display field`);
    }
    const text = rest.slice(0, field.length);
    tokens.push({ field, text, width });
    j += field.length;
    lastStart = j + 1;
  }
  if (lastStart < s.length) tokens.push({ literal: s.slice(lastStart) });
  return { requireAll, tokens };
}

/** Builds the format in the core; returns its slot. JSON keys are the field texts, sorted. */
export function emitFormat(prog: CoreProgram, f: ParsedFormat, json: boolean): number {
  const core = prog.core;
  core.formatBegin(f.requireAll ? 1 : 0, json ? 1 : 0);
  const keys = json ? [...new Set(f.tokens.flatMap((t) => ('field' in t ? [t.text] : [])))].sort(byteOrder) : [];
  for (const k of keys) core.formatKey(prog.scratch(Buffer.from(k, 'utf8')));
  for (const t of f.tokens) {
    if ('literal' in t) core.formatLiteral(prog.scratch(Buffer.from(t.literal, 'utf8')));
    else core.formatField(prog.ref(t.field), t.width, json ? keys.indexOf(t.text) : -1);
  }
  return core.formatEnd();
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
