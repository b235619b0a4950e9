// SPDX-License-Identifier: Apache-2.0
// `-l` / `-lv` / `--list-markdown` (the field classes) and `-L` (the events), laid out as sysdig
// 0.29.3 prints them (libsinsp gen_filter.cpp filter_fieldclass_info::as_string, fields_info.cpp
// list_fields_markdown / list_events). The facts come from the generated field table and from
// schema/events.json; only the layout is written here.
import * as fs from 'fs';
import * as path from 'path';
import { FIELDS, FIELD_CLASSES, FieldInfo, EPF_FILTER_ONLY, EPF_PRINT_ONLY, EPF_TABLE_ONLY, FL_HIDDEN }
  from '../core/fields.gen';

/** Column where descriptions start, and the total line width sysdig wraps to. */
const RIGHT_BLOCK = 30;
const WIDTH = 120;

interface ListedClass {
  name: string;
  shortDesc: string;
  desc: string;
  fields: FieldInfo[];
}

/**
 * The classes as sysdig hands them to the printers: hidden classes and print-only fields are
 * dropped here; table-only fields are dropped by each printer (sysdig tags them, then skips them).
 */
function listedClasses(onlyClass?: string): ListedClass[] {
  const out: ListedClass[] = [];
  FIELD_CLASSES.forEach((c, i) => {
    if (c.flags & FL_HIDDEN) return;
    if (onlyClass !== undefined && c.name !== onlyClass) return;
    const fields = FIELDS.filter((f) => f.classIndex === i && !(f.flags & EPF_PRINT_ONLY) && !(f.flags & EPF_TABLE_ONLY));
    out.push({ name: c.name, shortDesc: c.shortDesc, desc: c.desc, fields });
  });
  return out;
}

const pad = (s: string): string => s.padEnd(RIGHT_BLOCK, ' ');

/**
 * Word wrap as sysdig's wrapstring: words split on any whitespace, each followed by one space; a
 * word that would pass the width starts a new line indented to the description column (even the
 * first word of a text, which then leaves an empty first line).
 */
function wrap(text: string): string {
  let out = '';
  let len = 0;
  for (const word of text.split(/[ \t\n\v\f\r]+/)) {
    if (word === '') continue;
    const wordLen = word.length + 1;
    if (len + wordLen <= WIDTH - RIGHT_BLOCK) {
      len += wordLen;
    } else {
      out += '\n' + pad(' ');
      len = wordLen;
    }
    out += word + ' ';
  }
  return out;
}

function classAsText(c: ListedClass, verbose: boolean): string {
  let out = '-------------------------------\n';
  out += pad('Field Class:') + c.name + (c.shortDesc !== '' ? ` (${c.shortDesc})` : '') + '\n';
  if (c.desc !== '') out += pad('Description:') + wrap(c.desc) + '\n';
  out += '\n';
  for (const f of c.fields) {
    out += f.name.length > RIGHT_BLOCK ? f.name + '\n' + pad(' ') : pad(f.name);
    let desc = f.desc;
    if (f.flags & EPF_FILTER_ONLY) desc = '(FILTER ONLY) ' + desc;
    if (verbose) desc = `(Type: ${f.typeName}) ` + desc;
    out += wrap(desc) + '\n';
  }
  return out;
}

function classAsMarkdown(c: ListedClass): string {
  let out = `\n## Field Class: ${c.name}\n\n${c.desc}\n\n`;
  out += 'Name | Type | Description\n:----|:-----|:-----------\n';
  for (const f of c.fields) out += `\`${f.name}\` | ${f.typeName} | ${f.desc}\n`;
  return out;
}

/**
 * The field listing: `sysdig -l` (verbose false), `-lv` (verbose true), `--list-markdown`
 * (markdown true; verbose makes no difference there). sysdig takes no class argument (a word after
 * -l is an unused filter); onlyClass is Quarry's: it keeps only the classes of that name.
 */
export function listFields(verbose: boolean, markdown: boolean, onlyClass?: string): string {
  const classes = listedClasses(onlyClass);
  if (markdown) return classes.map(classAsMarkdown).join('');
  return classes.map((c) => classAsText(c, verbose) + '\n').join('');
}

interface SchemaEvent {
  id: number;
  name: string;
  dir: string;
  categoryValue: number;
  flagsValue: number;
  params: { name: string; typeValue: number }[];
}
interface EventSchema {
  events: SchemaEvent[];
  eventFlags: Record<string, number>;
  categories: Record<string, number>;
  paramTypeNames: Record<string, string>;
}

let eventSchema: EventSchema | undefined;
function loadEvents(): EventSchema {
  if (!eventSchema) {
    const file = path.resolve(__dirname, '..', '..', '..', 'schema', 'events.json');
    eventSchema = JSON.parse(fs.readFileSync(file, 'utf8')) as EventSchema;
  }
  return eventSchema;
}

/** `sysdig -L`: every event that is neither unused, an old version, nor internal. */
export function listEvents(): string {
  const s = loadEvents();
  const hide = s.eventFlags.EF_UNUSED | s.eventFlags.EF_OLD_VERSION;
  let out = '';
  for (const e of s.events) {
    if ((e.flagsValue & hide) !== 0 || (e.categoryValue & s.categories.EC_INTERNAL) !== 0) continue;
    const params = e.params.map((p) => `${s.paramTypeNames[String(p.typeValue)] ?? '<NA>'} ${p.name}`);
    out += `${e.id % 2 === 0 ? '>' : '<'} ${e.name}(${params.join(', ')})\n`;
  }
  return out;
}
