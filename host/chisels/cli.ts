// SPDX-License-Identifier: Apache-2.0
// What the CLI calls for -c, -cl and -i.

import { Capture, QuarryError } from '../core/types';
import { ChiselArgSpec, ChiselSpec, splitChiselArgs, checkArgCount, takeArgWord } from './args';
import { collectChisels, findChisel, formatInfo, formatList, readLuaMeta, SearchOptions, FoundChisel } from './catalog';
import { ChiselInstance, RunEnv } from './instance';
import { LuaChisel } from './lua/chisel';
import { TsChiselInstance } from './ts-chisel';
import { streamChisels, threadSource } from './runner';

export { ChiselSpec } from './args';
export { LUA_CHISELS_ENV } from './catalog';

/** The -cl text. */
export async function listChisels(opts: SearchOptions = {}): Promise<string> {
  return formatList(await collectChisels(opts), true);
}

/** The -i NAME text; unknown: `chisel NAME not found - use -cl to list them.` */
export async function chiselInfo(name: string, opts: SearchOptions = {}): Promise<string> {
  const c = (await collectChisels(opts)).find((d) => d.name === name);
  if (!c) throw new QuarryError(`chisel ${name} not found - use -cl to list them.`);
  return formatInfo(c);
}

async function argSpecs(found: FoundChisel): Promise<ChiselArgSpec[]> {
  if (found.kind === 'builtin') return found.def.args;
  const m = await readLuaMeta(found.file, found.name, found.dirs);
  if (m.ok) return m.desc.args;
  // Not listable (hidden, view…): load it the way -c does, which reports load errors.
  const c = await LuaChisel.load(found.name, found.file, found.dirs, () => undefined, {});
  try {
    return c.argSpecs;
  } finally {
    c.close();
  }
}

/**
 * `-c NAME [ARGS]`: `argv[i]` is NAME. Decides whether `argv[i + 1]` holds the chisel's arguments
 * (sysdig's rule, see takeArgWord), splits and counts them. `consumed` is how many words after NAME
 * were taken (0 or 1); the rest is left for the event filter.
 */
export async function parseChiselArgs(
  argv: string[],
  i: number,
  compilesAsFilter: (s: string) => boolean,
  opts: SearchOptions = {},
): Promise<{ consumed: number; spec: ChiselSpec }> {
  const name = argv[i];
  const found = findChisel(name, opts);
  const specs = await argSpecs(found);
  const word = takeArgWord(name, specs, argv.slice(i + 1), compilesAsFilter);
  const values = word === undefined ? [] : splitChiselArgs(word, found.name);
  if (word !== undefined) checkArgCount(values, specs, found.name);
  return { consumed: word === undefined ? 0 : 1, spec: { name, rawArgs: word, values } };
}

export interface RunChiselsOptions extends SearchOptions {
  /** The command-line event filter. */
  filter?: string;
  /** -j */
  json?: boolean;
  /** -pc / -pk / -pm */
  printContainer?: boolean;
  /** stdout is a terminal (sysdig.is_tty). */
  tty?: boolean;
  /** Where chisel output goes (default: process.stdout). */
  write?: (b: Uint8Array) => void;
  /** Where the one-line error goes (default: process.stderr). */
  writeErr?: (s: string) => void;
  signal?: AbortSignal;
}

async function instantiate(spec: ChiselSpec, opts: RunChiselsOptions, write: (b: Uint8Array) => void) {
  const found = findChisel(spec.name, opts);
  let inst: ChiselInstance;
  if (found.kind === 'builtin') inst = new TsChiselInstance(found.def, write);
  else inst = await LuaChisel.load(found.name, found.file, found.dirs, write, opts);
  await inst.setArgs(spec.values);
  return inst;
}

/**
 * Runs the chisels over the capture (sysdig's order: load and set args, on_init, open, on_capture_start,
 * events, on_capture_end). Returns the exit code; an error is printed as one line.
 */
export async function runChisels(specs: ChiselSpec[], capture: Capture, opts: RunChiselsOptions = {}): Promise<number> {
  const write = opts.write ?? ((b: Uint8Array) => void process.stdout.write(b));
  const writeErr = opts.writeErr ?? ((s: string) => void process.stderr.write(s));
  const chisels: ChiselInstance[] = [];
  try {
    for (const s of specs) chisels.push(await instantiate(s, opts, write));
    const env: RunEnv = {
      json: opts.json ?? false, printContainer: opts.printContainer ?? false, live: capture.isLive ?? false,
      tty: opts.tty ?? false, sourceName: capture.sourceName ?? '', filter: opts.filter ?? '', machine: null,
    };
    for (const c of chisels) await c.init(env);
    env.machine = capture.machineInfo?.() ?? null;
    for (const c of chisels) await c.captureStart(env);
    env.machine = null;
    const { first, last, endedAt } = await streamChisels(chisels, capture, env, opts.signal);
    const threads = threadSource(capture, endedAt);
    for (const c of chisels) await c.captureEnd(last, last - first, threads);
    return 0;
  } catch (e) {
    if (e instanceof QuarryError) {
      if (e.message) writeErr(e.message + '\n');
      return e.exitCode;
    }
    throw e;
  } finally {
    for (const c of chisels) c.close();
  }
}
