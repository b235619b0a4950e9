// SPDX-License-Identifier: Apache-2.0
// Chisel argument rules (sysdig 0.29.3): which argv word belongs to a chisel, how that one word is
// split into values, and the exact error texts for a wrong count.

import { QuarryError } from '../core/types';

/** One declared chisel argument. */
export interface ChiselArgSpec {
  name: string;
  /** string, int, filter, ipv4… (only `filter` changes how arguments are taken). */
  argtype: string;
  description: string;
  optional: boolean;
}

/** What -c NAME [ARGS] asked for. */
export interface ChiselSpec {
  /** The name as given on the command line (a name or a path). */
  name: string;
  /** The single argv word taken as arguments, if any. */
  rawArgs?: string;
  /** rawArgs split into values and checked against the declared arguments. */
  values: string[];
}

/**
 * Splits a chisel's argument word into values. Spaces separate values; a value may be wrapped in
 * '…' or `…` to keep spaces. This mirrors sysdig's scanner, including its quirks: the opening
 * quote is assumed to begin a value, a quote just before a space or the end is dropped, and
 * doubled spaces give empty values. An unclosed quote is an error.
 */
export function splitChiselArgs(args: string, chiselName: string): string[] {
  const s = args.replace(/^\s+|\s+$/g, '');
  const out: string[] = [];
  if (s.length === 0) return out;
  let begin = 0;
  let inQuotes = false;
  let dropClosing = 0;
  const take = (end: number) => {
    const n = end - dropClosing - begin;
    // sysdig computes the length unsigned: a negative one means "to the end of the string".
    out.push(n < 0 ? s.substring(begin) : s.substr(begin, n));
  };
  for (let j = 0; j < s.length; j++) {
    const c = s[j];
    if (c === ' ' && !inQuotes) {
      take(j);
      begin = j + 1;
      dropClosing = 0;
    } else if (c === "'" || c === '`') {
      if (inQuotes) {
        dropClosing = 1;
        inQuotes = false;
      } else {
        begin++;
        inQuotes = true;
      }
    }
  }
  if (inQuotes) throw new QuarryError(`corrupted parameters for chisel ${chiselName}`);
  take(s.length);
  return out;
}

/** Checks the number of values against the declared arguments (sysdig's messages). */
export function checkArgCount(values: string[], specs: ChiselArgSpec[], chiselName: string): void {
  const required = specs.filter((a) => !a.optional).length;
  const optional = specs.length - required;
  if (values.length < required) {
    throw new QuarryError(`wrong number of parameters for chisel ${chiselName}, ${required} required, ${values.length} given`);
  }
  if (values.length > required + optional) {
    throw new QuarryError(
      `too many parameters for chisel ${chiselName}, ${required} required, ${optional} optional, ${values.length} given`);
  }
}

/** Joins values back into one argument word, quoting those with spaces (what `chisel.exec` hands on). */
export function joinChiselArgs(values: string[]): string {
  return values.map((v) => (v.includes(' ') ? `'${v}'` : v)).join(' ');
}

/**
 * Decides whether the word after the chisel name is the chisel's arguments.
 * `rest` is argv after the chisel name. Returns the word taken, or undefined.
 * - no declared arguments: nothing is taken;
 * - a required argument: the next word is always taken (missing: `missing arguments for chisel X`);
 * - only optional ones: taken unless it starts with '-' or, when the chisel's only argument is not
 *   of type `filter`, the whole rest of the command line compiles as a filter.
 */
export function takeArgWord(
  name: string,
  specs: ChiselArgSpec[],
  rest: string[],
  compilesAsFilter: (s: string) => boolean,
): string | undefined {
  if (specs.length === 0) return undefined;
  const required = specs.filter((a) => !a.optional).length;
  if (rest.length === 0) {
    if (required !== 0) throw new QuarryError(`missing arguments for chisel ${name}`);
    return undefined;
  }
  const word = rest[0];
  if (required !== 0) return word;
  if (word.startsWith('-')) return undefined;
  if (specs.length === 1 && specs[0].argtype === 'filter') return word;
  return compilesAsFilter(rest.join(' ')) ? undefined : word;
}
