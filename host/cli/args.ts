// SPDX-License-Identifier: Apache-2.0
// getopt_long as sysdig uses it: sysdig's short-option string, long names (unique prefixes
// accepted), GNU argument permutation, and leftover words joined into the filter.
import { QuarryError } from '../core/types';

/** sysdig 0.29.3's short options: a letter, ':' = required argument, '::' = optional. */
export const SHORT_OPTS = 'AbB::c:C:dDEe:FG:hH:I:i:jk:K:lLm:M:n:Pp:qRr:Ss:t:TU:uvW:w:xXz';

interface LongOpt { name: string; arg: 0 | 1 | 2; key: string }

/** Long options; key is the short letter or the long name when there is none. */
export const LONG_OPTS: LongOpt[] = [
  { name: 'print-ascii', arg: 0, key: 'A' }, { name: 'print-base64', arg: 0, key: 'b' },
  { name: 'bpf', arg: 2, key: 'B' }, { name: 'chisel', arg: 1, key: 'c' },
  { name: 'list-chisels', arg: 0, key: 'list-chisels' }, { name: 'cri', arg: 1, key: 'cri' },
  { name: 'cri-timeout', arg: 1, key: 'cri-timeout' }, { name: 'displayflt', arg: 0, key: 'd' },
  { name: 'debug', arg: 0, key: 'D' }, { name: 'exclude-users', arg: 0, key: 'E' },
  { name: 'event-limit', arg: 1, key: 'e' }, { name: 'fatfile', arg: 0, key: 'F' },
  { name: 'filter-proclist', arg: 0, key: 'filter-proclist' }, { name: 'seconds', arg: 1, key: 'G' },
  { name: 'help', arg: 0, key: 'h' }, { name: 'plugin', arg: 1, key: 'H' }, { name: 'input', arg: 1, key: 'I' },
  { name: 'chisel-info', arg: 1, key: 'i' }, { name: 'file-size', arg: 1, key: 'C' },
  { name: 'json', arg: 0, key: 'j' }, { name: 'k8s-api', arg: 1, key: 'k' }, { name: 'node-name', arg: 1, key: 'N' },
  { name: 'k8s-api-cert', arg: 1, key: 'K' }, { name: 'large-environment', arg: 0, key: 'large-environment' },
  { name: 'list', arg: 0, key: 'l' }, { name: 'list-events', arg: 0, key: 'L' },
  { name: 'list-markdown', arg: 0, key: 'list-markdown' }, { name: 'libs-version', arg: 0, key: 'libs-version' },
  { name: 'mesos-api', arg: 1, key: 'm' }, { name: 'numevents', arg: 1, key: 'n' },
  { name: 'page-faults', arg: 0, key: 'page-faults' }, { name: 'plugin-config-file', arg: 1, key: 'plugin-config-file' },
  { name: 'progress', arg: 1, key: 'P' }, { name: 'print', arg: 1, key: 'p' }, { name: 'quiet', arg: 0, key: 'q' },
  { name: 'resolve-ports', arg: 0, key: 'R' }, { name: 'readfile', arg: 1, key: 'r' },
  { name: 'snaplen', arg: 1, key: 's' }, { name: 'summary', arg: 0, key: 'S' },
  { name: 'suppress-comm', arg: 1, key: 'U' }, { name: 'udig', arg: 1, key: 'u' },
  { name: 'timetype', arg: 1, key: 't' }, { name: 'force-tracers-capture', arg: 1, key: 'T' },
  { name: 'unbuffered', arg: 0, key: 'unbuffered' }, { name: 'verbose', arg: 0, key: 'v' },
  { name: 'version', arg: 0, key: 'version' }, { name: 'writefile', arg: 1, key: 'w' },
  { name: 'limit', arg: 1, key: 'W' }, { name: 'print-hex', arg: 0, key: 'x' },
  { name: 'print-hex-ascii', arg: 0, key: 'X' }, { name: 'compress', arg: 0, key: 'z' },
];

export interface ParsedOpt { key: string; value?: string }

export interface ParsedArgs { opts: ParsedOpt[]; rest: string[] }

function shortSpec(c: string): -1 | 0 | 1 | 2 {
  const i = SHORT_OPTS.indexOf(c);
  if (i < 0 || c === ':') return -1;
  if (SHORT_OPTS[i + 1] !== ':') return 0;
  return SHORT_OPTS[i + 2] === ':' ? 2 : 1;
}

/** Parses argv; errors use getopt's own wording. */
export function parseArgs(argv: string[], prog = 'quarry'): ParsedArgs {
  const opts: ParsedOpt[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { rest.push(...argv.slice(i + 1)); break; }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const exact = LONG_OPTS.find((o) => o.name === name);
      const cands = exact ? [exact] : LONG_OPTS.filter((o) => o.name.startsWith(name));
      if (cands.length === 0) throw new QuarryError(`${prog}: unrecognized option '${a}'`);
      if (cands.length > 1) throw new QuarryError(`${prog}: option '${a}' is ambiguous`);
      const o = cands[0];
      if (o.arg === 0) {
        if (eq >= 0) throw new QuarryError(`${prog}: option '--${o.name}' doesn't allow an argument`);
        opts.push({ key: o.key });
      } else if (o.arg === 1) {
        if (eq >= 0) opts.push({ key: o.key, value: a.slice(eq + 1) });
        else if (i + 1 < argv.length) opts.push({ key: o.key, value: argv[++i] });
        else throw new QuarryError(`${prog}: option '--${o.name}' requires an argument`);
      } else {
        opts.push({ key: o.key, value: eq >= 0 ? a.slice(eq + 1) : undefined });
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j];
        const spec = shortSpec(c);
        if (spec < 0) throw new QuarryError(`${prog}: invalid option -- '${c}'`);
        if (spec === 0) { opts.push({ key: c }); continue; }
        const tail = a.slice(j + 1);
        if (spec === 2) { opts.push({ key: c, value: tail.length ? tail : undefined }); break; }
        if (tail.length) { opts.push({ key: c, value: tail }); break; }
        if (i + 1 < argv.length) { opts.push({ key: c, value: argv[++i] }); break; }
        throw new QuarryError(`${prog}: option requires an argument -- '${c}'`);
      }
      continue;
    }
    rest.push(a);
  }
  return { opts, rest };
}
