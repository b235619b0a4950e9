// SPDX-License-Identifier: Apache-2.0
// Field names as pipelines see them, checked with the core's resolver (libsinsp's rules and field
// table), so a config names exactly the fields the core can extract.
import { resolveFieldName } from '../core/fieldnames';
import { FIELDS } from '../core/fields.gen';
import { EVENT_NAMES } from '../filter/events';
import { didYouMean } from './config/schema';

let names: string[] | undefined;

/** Returns an error text if `name` is not a field the core knows (e.g. "proc.nmae"). */
export function checkFieldName(name: string): string | undefined {
  if (!/^[a-z0-9]+\.[a-zA-Z0-9_.]+(\[[^\]]*\])?$/.test(name)) return `"${name}" is not a field name (fields look like proc.name or evt.arg.fd)`;
  let ok = false;
  try { ok = resolveFieldName(name, EVENT_NAMES)?.length === name.length; } catch (e) { return `${(e as Error).message}`; }
  if (ok) return undefined;
  names ??= FIELDS.map((f) => f.name);
  return `unknown field "${name}"${didYouMean(name, names)}`;
}
