// SPDX-License-Identifier: Apache-2.0
// -c / -cl / -i: chisel arguments are taken from argv before the flags are parsed, because
// whether the word after a chisel name is its argument depends on the chisel (sysdig's rule).
import { parseChiselArgs, runChisels, listChisels, chiselInfo, ChiselSpec } from '../chisels/cli';
import { compilesAsFilter } from '../filter/compile';
import { openFileCapture } from '../core/capture';
import { Options } from './options';
import { QuarryError } from '../core/types';
import { writeAll } from './output';

/** Pulls `-c NAME [ARGS]` out of argv; returns the remaining argv and the chisel specs. */
export async function extractChisels(argv: string[]): Promise<{ argv: string[]; specs: ChiselSpec[] }> {
  const out: string[] = [];
  const specs: ChiselSpec[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    let name: string | undefined;
    let nameIdx = -1;
    if (a === '-c' || a === '--chisel') { if (i + 1 < argv.length) { name = argv[i + 1]; nameIdx = i + 1; } }
    else if (a.startsWith('--chisel=')) { name = a.slice(9); }
    else if (a.startsWith('-c') && !a.startsWith('--') && a.length > 2) { name = a.slice(2); }
    if (name === undefined || name === 'l') { out.push(a); continue; }
    const work = nameIdx >= 0 ? argv.slice(0) : [...argv.slice(0, i), name, ...argv.slice(i + 1)];
    const at = nameIdx >= 0 ? nameIdx : i;
    const rest = (s: string) => compilesAsFilter(s);
    const { consumed, spec } = await parseChiselArgs(work, at, rest);
    specs.push(spec);
    i = (nameIdx >= 0 ? nameIdx : i) + consumed;
  }
  return { argv: out, specs };
}

export async function listChiselsCmd(): Promise<number> {
  writeAll(1, Buffer.from(await listChisels()));
  return 0;
}

export async function chiselInfoCmd(name: string): Promise<number> {
  writeAll(1, Buffer.from(await chiselInfo(name)));
  return 0;
}

export async function runChiselsOnFiles(o: Options, specs: ChiselSpec[]): Promise<number> {
  if (!o.readFiles.length) throw new QuarryError('chisels on live captures need the live source: use -r FILE');
  let code = 0;
  for (const f of o.readFiles) {
    const cap = await openFileCapture(f, { timeType: o.timeType, filter: o.filter });
    code = await runChisels(specs, cap, {
      filter: o.filter, json: o.json, tty: process.stdout.isTTY === true,
      printContainer: o.format === 'c' || o.format === 'container' || o.format === 'k' || o.format === 'm',
      write: (b) => writeAll(1, b),
    });
    if (code) return code;
  }
  return code;
}
