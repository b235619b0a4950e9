// SPDX-License-Identifier: Apache-2.0
// Finding chisels: the search path (sysdig's, plus Quarry's built-in TypeScript chisels), reading a
// Lua chisel's description globals, and the -cl / -i texts, laid out byte for byte as sysdig 0.29.3.

import * as fs from 'fs';
import * as path from 'path';
import { QuarryError } from '../core/types';
import { ChiselArgSpec } from './args';
import { BUILTINS, TsChiselDef } from './builtin/index';
import { LuaVm } from './lua/vm';
import { COMPAT_PRELUDE, API_PRELUDE } from './lua/prelude';

/** The directory sysdig was built with; Debian's package installs the Lua chisels there. */
export const SYSDIG_CHISELS_DIR = '/usr/share/sysdig/chisels';
/** Marks Quarry's built-in chisels in the search path. */
export const BUILTIN_DIR = '<quarry-builtin>';
/** Set (to anything but "" or "0") to run sysdig's Lua chisels even where a TypeScript one exists. */
export const LUA_CHISELS_ENV = 'QUARRY_LUA_CHISELS';

export interface SearchOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Prefer the Lua chisel over Quarry's TypeScript one (`--lua-chisels`). */
  preferLua?: boolean;
}

/** What -cl and -i show about one chisel. */
export interface ChiselDesc {
  name: string;
  category: string;
  shortDescription: string;
  description: string;
  args: ChiselArgSpec[];
}

/** A chisel found on the search path. */
export type FoundChisel =
  | { kind: 'lua'; name: string; file: string; dirs: string[] }
  | { kind: 'builtin'; name: string; def: TsChiselDef; dirs: string[] };

function wantsLua(opts: SearchOptions): boolean {
  const v = (opts.env ?? process.env)[LUA_CHISELS_ENV];
  return opts.preferLua === true || (v !== undefined && v !== '' && v !== '0');
}

/**
 * The chisel directories in lookup order, as sysdig builds them: SYSDIG_CHISEL_DIR entries (each
 * put in front, so the last one first), the name as given (""), ./chisels/, ~/.chisels/ (only if
 * it exists), then the compiled-in directory. Quarry's built-ins sit just before the compiled-in
 * directory, so a user's own chisel of the same name still wins.
 */
export function chiselDirs(opts: SearchOptions = {}): string[] {
  const env = opts.env ?? process.env;
  const dirs = ['', './chisels/'];
  const home = env.HOME;
  if (home) {
    try {
      dirs.push(fs.realpathSync(path.join(home, '.chisels')).replace(/\/?$/, '/'));
    } catch {
      // sysdig leaves it out when it does not resolve
    }
  }
  if (!wantsLua(opts)) dirs.push(BUILTIN_DIR);
  dirs.push(SYSDIG_CHISELS_DIR + '/');
  for (const d of (env.SYSDIG_CHISEL_DIR ?? '').split(';')) {
    const t = d.trim();
    if (env.SYSDIG_CHISEL_DIR !== undefined && t !== '') dirs.unshift(t.endsWith('/') ? t : t + '/');
  }
  return dirs;
}

function resolveIn(dir: string, file: string, cwd: string): string | undefined {
  const p = path.resolve(cwd, dir + file);
  try {
    return fs.statSync(p).isFile() ? p : undefined;
  } catch {
    return undefined;
  }
}

/** Finds `-c NAME`: NAME.lua in every directory first, then NAME as is; else `can't open file NAME`. */
export function findChisel(nameArg: string, opts: SearchOptions = {}): FoundChisel {
  const name = nameArg.trim();
  const cwd = opts.cwd ?? process.cwd();
  const dirs = chiselDirs(opts);
  const luaDirs = dirs.filter((d) => d !== BUILTIN_DIR && d !== '').map((d) => path.resolve(cwd, d));
  for (const suffix of ['.lua', '']) {
    for (const d of dirs) {
      if (d === BUILTIN_DIR) {
        const def = suffix === '.lua' ? BUILTINS.get(name) : undefined;
        if (def) return { kind: 'builtin', name, def, dirs: luaDirs };
        continue;
      }
      const file = resolveIn(d, name + suffix, cwd);
      if (file) return { kind: 'lua', name, file, dirs: luaDirs };
    }
  }
  throw new QuarryError(`can't open file ${name}`);
}

/** Result of reading a Lua file's description globals. */
type LuaMeta = { ok: true; desc: ChiselDesc } | { ok: false; view: boolean };

const META_READER = String.raw`
local function s(v) if type(v) == 'string' or type(v) == 'number' then return tostring(v) end end
function __q_meta()
  if type(description) ~= 'string' and type(description) ~= 'number' then return 'V' end
  if s(short_description) == nil then return 'F' end
  if hidden == true then return 'F' end
  if args == nil then return 'F' end
  local out = { 'C', s(description), s(short_description), s(category) or '' }
  if type(args) ~= 'table' then return 'F' end
  for _, a in pairs(args) do
    if type(a) == 'table' then
      local name, typ, desc, opt = '', '', '', false
      for k, v in pairs(a) do
        if s(v) ~= nil then
          if k == 'name' then name = s(v) elseif k == 'argtype' then typ = s(v) elseif k == 'description' then desc = s(v) end
        elseif type(v) == 'boolean' then
          if k == 'optional' then opt = v end
        else
          return 'F'
        end
      end
      out[#out + 1] = name; out[#out + 1] = typ; out[#out + 1] = desc; out[#out + 1] = opt and '1' or '0'
    elseif type(a) ~= 'string' and type(a) ~= 'number' then
      return 'F'
    end
  end
  return table.concat(out, '\0')
end
`;

/** Sets package.path the way sysdig does (every chisel dir's ?.lua appended) and mounts the dirs. */
export async function prepareVm(vm: LuaVm, dirs: string[]): Promise<void> {
  for (const d of dirs) await LuaVm.mountDir(d);
  vm.run(COMPAT_PRELUDE, '=quarry-compat');
  vm.run(API_PRELUDE, '=quarry-api');
  const extra = dirs.map((d) => ';' + path.join(d, '?.lua')).join('');
  vm.run(`package.path = package.path .. ${JSON.stringify(extra)}`, '=quarry-path');
}

/** Loads a Lua chisel file in a scratch VM and reads its description globals. */
export async function readLuaMeta(file: string, name: string, dirs: string[]): Promise<LuaMeta> {
  const vm = await LuaVm.create();
  try {
    await prepareVm(vm, dirs);
    vm.run(META_READER, '=quarry-meta');
    try {
      vm.run(fs.readFileSync(file), '@' + file);
    } catch {
      return { ok: false, view: false };
    }
    const r = vm.call('__q_meta', [], 1)[0];
    const text = r instanceof Uint8Array ? Buffer.from(r).toString('utf8') : '';
    if (text === 'V') return { ok: false, view: true };
    if (!text.startsWith('C')) return { ok: false, view: false };
    const parts = text.split('\0');
    const args: ChiselArgSpec[] = [];
    for (let i = 4; i + 3 < parts.length; i += 4) {
      args.push({ name: parts[i], argtype: parts[i + 1], description: parts[i + 2], optional: parts[i + 3] === '1' });
    }
    return { ok: true, desc: { name, description: parts[1], shortDescription: parts[2], category: parts[3], args } };
  } finally {
    vm.close();
  }
}

/** The description of a built-in: its Lua twin's, read from disk, when one exists; else its own, marked. */
async function builtinDesc(def: TsChiselDef, luaDirs: string[]): Promise<ChiselDesc> {
  for (const d of luaDirs) {
    const f = path.join(d, def.name + '.lua');
    if (fs.existsSync(f)) {
      const m = await readLuaMeta(f, def.name, luaDirs);
      if (m.ok) return m.desc;
    }
  }
  return {
    name: def.name, category: def.category, args: def.args,
    shortDescription: def.shortDescription + ' [quarry]', description: def.description,
  };
}

/** Every listable chisel, first one of a name wins, in directory order (sysdig's get_chisel_list). */
export async function collectChisels(opts: SearchOptions = {}): Promise<ChiselDesc[]> {
  const cwd = opts.cwd ?? process.cwd();
  const dirs = chiselDirs(opts);
  const luaDirs = dirs.filter((d) => d !== BUILTIN_DIR && d !== '').map((d) => path.resolve(cwd, d));
  const seen = new Set<string>();
  const out: ChiselDesc[] = [];
  for (const d of dirs) {
    if (d === '') continue;
    if (d === BUILTIN_DIR) {
      for (const def of BUILTINS.values()) {
        if (seen.has(def.name)) continue;
        seen.add(def.name);
        out.push(await builtinDesc(def, luaDirs));
      }
      continue;
    }
    const abs = path.resolve(cwd, d);
    let names: string[] = [];
    try {
      names = fs.readdirSync(abs);
    } catch {
      continue;
    }
    for (const f of names) {
      const dot = f.lastIndexOf('.');
      if (dot < 0) continue;
      const base = f.slice(0, dot);
      const ext = f.slice(dot + 1);
      if (ext !== 'lua' || seen.has(base)) continue;
      const m = await readLuaMeta(path.join(abs, f), base, luaDirs);
      if (m.ok) {
        seen.add(base);
        out.push(m.desc);
      }
    }
  }
  return out;
}

const TEXT_START = 16;
const LINE_LEN = 79;

/** The -cl body: chisels sorted by category then name, each category under a dashed header. */
export function formatList(chisels: ChiselDesc[], withFooter: boolean): string {
  const sorted = [...chisels].sort((a, b) =>
    a.category === b.category ? cmp(a.name, b.name) : cmp(a.category, b.category));
  let out = '';
  let last = '';
  for (const c of sorted) {
    if (c.category !== last) {
      const head = 'Category: ' + c.category;
      out += '\n' + head + '\n' + '-'.repeat(Buffer.byteLength(head)) + '\n';
      last = c.category;
    }
    out += c.name;
    let nameLen = c.name.length;
    if (nameLen >= TEXT_START) {
      out += '\n';
      nameLen = 0;
    }
    out += ' '.repeat(TEXT_START - nameLen);
    out += wrapEvery(c.shortDescription, LINE_LEN - TEXT_START, '\n' + ' '.repeat(TEXT_START));
    out += '\n';
  }
  if (withFooter) out += '\nUse the -i flag to get detailed information about a specific chisel\n';
  return out;
}

/** The -i text: the one-line listing, the long description cut every 79 characters, then Args. */
export function formatInfo(c: ChiselDesc): string {
  let out = formatList([c], false) + '\n';
  out += wrapEvery(c.description, LINE_LEN, '\n') + '\n';
  let args = 'Args:\n';
  if (c.args.length) for (const a of c.args) args += `[${a.argtype}] ${a.name} - ${a.description}\n`;
  else args += '(None)';
  // Wrapped per line at 63 columns, continuation lines indented by 16 (as sysdig does).
  let linePos = 0;
  for (const ch of args) {
    if (ch === '\n') linePos = -1;
    else if (linePos % (LINE_LEN - TEXT_START) === 0 && linePos !== 0) out += '\n' + ' '.repeat(TEXT_START);
    out += ch;
    linePos++;
  }
  return out + '\n';
}

/** Byte-wise comparison, as std::string's operator<. */
function cmp(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Inserts `sep` before every `width`-th character (sysdig cuts in mid-word). */
function wrapEvery(s: string, width: number, sep: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (i % width === 0 && i !== 0) out += sep;
    out += s[i];
  }
  return out;
}

