// SPDX-License-Identifier: Apache-2.0
// A thin byte-exact wrapper over wasmoon's Lua 5.4 (compiled to Wasm). It uses the raw C API, not
// wasmoon's proxies: chisel output and event payloads are bytes, not UTF-8 text, and the event path
// is one call per batch. Every VM shares one Wasm module; each chisel gets its own lua_State.

import * as fs from 'fs';
import * as path from 'path';
import { LuaFactory } from 'wasmoon';

type LuaWasm = Awaited<ReturnType<LuaFactory['getLuaModule']>>;

let modulePromise: Promise<LuaWasm> | undefined;
const mountedDirs = new Set<string>();

function getModule(): Promise<LuaWasm> {
  modulePromise ??= new LuaFactory().getLuaModule();
  return modulePromise;
}

const LUA_TNIL = 0;
const LUA_TBOOLEAN = 1;
const LUA_TNUMBER = 3;
const LUA_TSTRING = 4;

/** A value passed to or returned from Lua. Strings come back as bytes. */
export type LuaArg = string | Uint8Array | number | bigint | boolean | null;
export type LuaResult = Uint8Array | number | boolean | null | 'other';

/** A Lua error, with the message Lua gave. */
export class LuaError extends Error {}

export class LuaVm {
  private constructor(private readonly lua: LuaWasm, private readonly L: number) {}

  static async create(): Promise<LuaVm> {
    const lua = await getModule();
    const L = lua.luaL_newstate() as unknown as number;
    lua.luaL_openlibs(L as never);
    return new LuaVm(lua, L);
  }

  /**
   * Copies the .lua files of a real directory into the module's in-memory file system at the same
   * absolute path, so `require` (package.path) and `dofile` see them.
   */
  static async mountDir(dir: string): Promise<void> {
    const lua = await getModule();
    const abs = path.resolve(dir);
    if (mountedDirs.has(abs)) return;
    mountedDirs.add(abs);
    let names: string[];
    try {
      names = fs.readdirSync(abs).filter((n) => n.endsWith('.lua'));
    } catch {
      return;
    }
    const FS = lua.module.FS;
    let cur = '';
    for (const part of abs.split('/').filter(Boolean)) {
      cur += '/' + part;
      try {
        FS.mkdir(cur);
      } catch {
        // exists
      }
    }
    for (const n of names) {
      try {
        FS.writeFile(path.join(abs, n), fs.readFileSync(path.join(abs, n)));
      } catch {
        // unreadable file: require will report it as missing
      }
    }
  }

  private get L_(): never {
    return this.L as never;
  }

  private withBytes<T>(bytes: Uint8Array, fn: (ptr: number) => T): T {
    const m = this.lua.module;
    const ptr = m._malloc(Math.max(1, bytes.length));
    try {
      m.HEAPU8.set(bytes, ptr);
      return fn(ptr);
    } finally {
      m._free(ptr);
    }
  }

  private pushArg(v: LuaArg): void {
    const lua = this.lua;
    if (v === null || v === undefined) lua.lua_pushnil(this.L_);
    else if (typeof v === 'boolean') lua.lua_pushboolean(this.L_, v ? 1 : 0);
    else if (typeof v === 'bigint') lua.lua_pushinteger(this.L_, v);
    else if (typeof v === 'number') {
      if (Number.isInteger(v) && Math.abs(v) < 1e14) lua.lua_pushinteger(this.L_, BigInt(v));
      else lua.lua_pushnumber(this.L_, v);
    } else {
      const bytes = typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
      this.withBytes(bytes, (ptr) => (lua.module as any)._lua_pushlstring(this.L, ptr, bytes.length));
    }
  }

  private readBytes(idx: number): Uint8Array {
    const m = this.lua.module;
    const lenPtr = m._malloc(4);
    try {
      const p = (m as any)._lua_tolstring(this.L, idx, lenPtr) as number;
      const len = m.HEAPU32[lenPtr >> 2];
      return m.HEAPU8.slice(p, p + len);
    } finally {
      m._free(lenPtr);
    }
  }

  private readResult(idx: number): LuaResult {
    const t = this.lua.lua_type(this.L_, idx);
    if (t === LUA_TNIL) return null;
    if (t === LUA_TBOOLEAN) return this.lua.lua_toboolean(this.L_, idx) !== 0;
    if (t === LUA_TNUMBER) return this.lua.lua_tonumberx(this.L_, idx, null);
    if (t === LUA_TSTRING) return this.readBytes(idx);
    return 'other';
  }

  private errorText(): string {
    const t = this.lua.lua_type(this.L_, -1);
    if (t === LUA_TSTRING || t === LUA_TNUMBER) return Buffer.from(this.readBytes(-1)).toString('utf8');
    return `(error object is a ${t === LUA_TNIL ? 'nil' : 'non-string'} value)`;
  }

  /** Compiles and runs a chunk. `chunkName` is what error messages show (`@file` gives `file:line:`). */
  run(source: string | Uint8Array, chunkName: string): void {
    const bytes = typeof source === 'string' ? Buffer.from(source, 'utf8') : source;
    const top = this.lua.lua_gettop(this.L_);
    try {
      const rc = this.withBytes(bytes, (ptr) =>
        this.lua.luaL_loadbufferx(this.L_, ptr, bytes.length, chunkName, null));
      if (rc !== 0) throw new LuaError(this.errorText());
      if (this.lua.lua_pcallk(this.L_, 0, 0, 0, 0, null) !== 0) throw new LuaError(this.errorText());
    } finally {
      this.lua.lua_settop(this.L_, top);
    }
  }

  /** Type of a global: 'function', 'string', 'nil', … */
  globalType(name: string): string {
    const t = this.lua.lua_getglobal(this.L_, name);
    this.lua.lua_settop(this.L_, -2);
    return ['nil', 'boolean', 'lightuserdata', 'number', 'string', 'table', 'function', 'userdata', 'thread'][t] ?? 'none';
  }

  /** Calls a global function; returns its results (strings as bytes). A Lua error throws LuaError. */
  call(name: string, args: LuaArg[] = [], nresults = 1): LuaResult[] {
    const top = this.lua.lua_gettop(this.L_);
    try {
      this.lua.lua_getglobal(this.L_, name);
      for (const a of args) this.pushArg(a);
      if (this.lua.lua_pcallk(this.L_, args.length, nresults, 0, 0, null) !== 0) throw new LuaError(this.errorText());
      const out: LuaResult[] = [];
      for (let i = 0; i < nresults; i++) out.push(this.readResult(top + 1 + i));
      return out;
    } finally {
      this.lua.lua_settop(this.L_, top);
    }
  }

  /** Evaluates an expression and returns it as text (for reading small state back). */
  evalString(expr: string): string | null {
    this.run(`__q_tmp = ${expr}`, '=quarry');
    const r = this.call('__q_tmp_get_', [], 1);
    return r[0] instanceof Uint8Array ? Buffer.from(r[0]).toString('utf8') : r[0] === null ? null : String(r[0]);
  }

  /** Output printed since the last drain, as raw bytes. */
  drain(): Uint8Array {
    const r = this.call('__q_drain', [], 1)[0];
    return r instanceof Uint8Array ? r : new Uint8Array(0);
  }

  close(): void {
    this.lua.lua_close(this.L_);
  }
}

/** Lua source for a JS value (used to hand tables such as the thread table to Lua). */
export function luaLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Math.abs(v) < 1e14) return String(v);
    if (Number.isNaN(v)) return '(0/0)';
    if (!Number.isFinite(v)) return v > 0 ? 'math.huge' : '-math.huge';
    return v.toPrecision(17) + '';
  }
  if (typeof v === 'string') {
    let s = '"';
    for (const b of Buffer.from(v, 'utf8')) {
      if (b === 0x22 || b === 0x5c) s += '\\' + String.fromCharCode(b);
      else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
      else s += '\\' + b.toString().padStart(3, '0');
    }
    return s + '"';
  }
  if (Array.isArray(v)) return '{' + v.map(luaLiteral).join(',') + '}';
  if (v instanceof Map) {
    return '{' + [...v].map(([k, x]) => `[${luaLiteral(k)}]=${luaLiteral(x)}`).join(',') + '}';
  }
  if (typeof v === 'object') {
    return '{' + Object.entries(v as object).filter(([, x]) => x !== undefined)
      .map(([k, x]) => `[${luaLiteral(k)}]=${luaLiteral(x)}`).join(',') + '}';
  }
  return 'nil';
}
