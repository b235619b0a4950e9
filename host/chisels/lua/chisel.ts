// SPDX-License-Identifier: Apache-2.0
// A sysdig Lua chisel run unedited in its own Lua VM, with sysdig's error texts.

import * as fs from 'fs';
import { FieldValue, QuarryError, ThreadInfo } from '../../core/types';
import { ChiselArgSpec, checkArgCount, joinChiselArgs, splitChiselArgs } from '../args';
import { prepareVm, findChisel, SearchOptions } from '../catalog';
import { ChiselInstance, ChiselPlan, RowKind, RunEnv, ThreadSource } from '../instance';
import { LuaError, LuaVm, luaLiteral } from './vm';
import { RowPacker } from './pack';

const STATE_READER = String.raw`
function __q_state()
  local Q = __q
  local out = { Q.filter or '\1', Q.formatter or '\1', tostring(Q.interval), tostring(Q.precise),
    Q.global_filter or '\1', Q.output_format or '\1', Q.exec and Q.exec.name or '\1' }
  if Q.exec then for _, a in ipairs(Q.exec.args) do out[#out + 1] = tostring(a) end end
  out[#out + 1] = '\2'
  for _, f in ipairs(Q.fields) do out[#out + 1] = f end
  return table.concat(out, '\0')
end
`;

export class LuaChisel implements ChiselInstance {
  private vm!: LuaVm;
  private args: ChiselArgSpec[] = [];
  private argValues: string[] = [];
  private state: ChiselPlan = { fields: [], intervalNs: 0n, preciseIntervalNs: 0n };
  private execTarget?: { name: string; args: string[] };
  private packer = new RowPacker();
  endedAt?: bigint;

  private constructor(public name: string, private file: string, private dirs: string[],
    private readonly write: (b: Uint8Array) => void, private readonly search: SearchOptions) {}

  /** Loads the script (sysdig: `Failed to load chisel X: …`, `… args table missing`). */
  static async load(name: string, file: string, dirs: string[], write: (b: Uint8Array) => void,
    search: SearchOptions): Promise<LuaChisel> {
    const c = new LuaChisel(name, file, dirs, write, search);
    await c.open();
    return c;
  }

  private async open(): Promise<void> {
    this.vm = await LuaVm.create();
    await prepareVm(this.vm, this.dirs);
    this.vm.run(STATE_READER, '=quarry-state');
    this.vm.run(`__q_env.name = ${luaLiteral(this.name)}`, '=quarry-env');
    try {
      this.vm.run(fs.readFileSync(this.file), '@' + this.file);
    } catch (e) {
      this.flush();
      throw new QuarryError(`Failed to load chisel ${this.name}: ${(e as Error).message}`);
    }
    this.flush();
    if (this.vm.globalType('args') !== 'table') {
      throw new QuarryError(`Failed to load chisel ${this.name}: args table missing`);
    }
    const meta = this.vm.evalString(`(function() local o = {}
      for _, a in pairs(args) do if type(a) == 'table' then
        o[#o + 1] = tostring(a.name or '') .. '\\0' .. tostring(a.argtype or '') .. '\\0' .. (a.optional == true and '1' or '0')
      end end return table.concat(o, '\\1') end)()`) ?? '';
    this.args = meta === '' ? [] : meta.split('\x01').map((r) => {
      const [n, t, o] = r.split('\0');
      return { name: n, argtype: t, description: '', optional: o === '1' };
    });
  }

  get argSpecs(): ChiselArgSpec[] {
    return this.args;
  }

  private flush(): void {
    const out = this.vm.drain();
    if (out.length) this.write(out);
  }

  /** Calls a callback; Lua errors become `prefix + message`. */
  private callback(fn: string, args: (string | number | bigint | boolean)[], errPrefix: string) {
    try {
      return this.vm.call(fn, args, 1)[0];
    } catch (e) {
      if (e instanceof LuaError) throw chiselLuaError(errPrefix, e.message);
      throw e;
    } finally {
      this.flush();
    }
  }

  async setArgs(values: string[]): Promise<void> {
    checkArgCount(values, this.args, this.name);
    this.argValues = values;
    for (let j = 0; j < values.length; j++) {
      if (this.vm.globalType('on_set_arg') !== 'function') {
        throw new QuarryError(`chisel ${this.name} misses a set_arg() function.`);
      }
      const r = this.callback('on_set_arg', [this.args[j].name, values[j]], `${this.name} chisel error: `);
      if (typeof r !== 'boolean') throw new QuarryError(`${this.name} chisel error: wrong set_arg() return value.`);
      if (!r) throw new QuarryError(`set_arg() for chisel ${this.name} failed.`);
    }
  }

  private setEnv(env: RunEnv): void {
    this.vm.run(`local e = __q_env
      e.json = ${env.json}; e.print_container = ${env.printContainer}; e.live = ${env.live}; e.tty = ${env.tty}
      e.source = ${luaLiteral(env.sourceName)}; e.filter = ${luaLiteral(env.filter)}`, '=quarry-env');
  }

  async init(env: RunEnv): Promise<void> {
    this.setEnv(env);
    if (this.vm.globalType('on_init') !== 'function') return this.readState();
    const r = this.callback('on_init', [], `${this.name}: error in init(): `);
    this.readState();
    if (this.execTarget) {
      // chisel.exec(): this chisel is replaced by the named one, fed the given arguments.
      const { name, args } = this.execTarget;
      const found = findChisel(name, this.search);
      if (found.kind !== 'lua') throw new QuarryError(`chisel.exec(${name}): only Lua chisels can be exec'd`);
      this.vm.close();
      this.name = found.name;
      this.file = found.file;
      this.execTarget = undefined;
      this.packer = new RowPacker();
      await this.open();
      await this.setArgs(splitChiselArgs(joinChiselArgs(args), this.name));
      return this.init(env);
    }
    if (typeof r !== 'boolean') throw new QuarryError(`${this.name} chisel error: wrong init() return value.`);
    if (!r) throw new QuarryError(`init() for chisel ${this.name} failed.`);
  }

  private readState(): void {
    const s = this.vm.call('__q_state', [], 1)[0];
    const parts = Buffer.from(s as Uint8Array).toString('utf8').split('\0');
    const opt = (v: string) => (v === '\x01' ? undefined : v);
    const sep = parts.indexOf('\x02');
    this.state = {
      filter: opt(parts[0]), format: opt(parts[1]),
      intervalNs: BigInt(parts[2]), preciseIntervalNs: BigInt(parts[3]),
      globalFilter: opt(parts[4]), bufferFormat: opt(parts[5]) as ChiselPlan['bufferFormat'],
      fields: parts.slice(sep + 1),
    };
    const exec = opt(parts[6]);
    this.execTarget = exec === undefined ? undefined : { name: exec, args: parts.slice(7, sep) };
  }

  async captureStart(env: RunEnv): Promise<void> {
    this.setEnv(env);
    if (env.machine) {
      const m = env.machine;
      this.vm.run(`__q_env.machine = ${luaLiteral({ num_cpus: m.numCpus, memory_size_bytes: Number(m.memorySizeBytes),
        max_pid: Number(m.maxPid), hostname: m.hostname })}`, '=quarry-env');
    }
    if (this.vm.globalType('on_capture_start') === 'function') {
      const r = this.callback('on_capture_start', [], `${this.name} chisel error: `);
      if (typeof r !== 'boolean') {
        throw new QuarryError(`${this.name} chisel error: wrong on_capture_start() return value. Boolean expected.`);
      }
      if (!r) throw new QuarryError(`init() for chisel ${this.name} failed.`);
    }
    this.vm.run('__q_env.machine = nil; __q.started = true', '=quarry-env');
    this.readState();
  }

  plan(): ChiselPlan {
    return this.state;
  }

  threadFilters(): (string | undefined)[] {
    return [undefined, ...this.argValues.filter((_, i) => this.args[i]?.argtype === 'filter')];
  }

  deliver(kinds: RowKind[], rows: FieldValue[][]): boolean {
    const batch = this.packer.pack(kinds, rows, this.state.fields.length, this.state.format !== undefined);
    let r;
    try {
      r = this.vm.call('__q_events', [batch], 1)[0];
    } catch (e) {
      this.flush();
      if (!(e instanceof LuaError)) throw e;
      if (e.message.startsWith('\x01')) throw new QuarryError(`${this.name} chisel error: ${e.message.slice(1)}`);
      if (e.message === '\x02') throw new QuarryError(`execution terminated by the ${this.name} chisel`);
      throw new QuarryError(`${this.name} chisel error: ${e.message}`);
    }
    this.flush();
    if (r instanceof Uint8Array && r[0] === 0x45) { // 'E' + the event number
      this.endedAt = BigInt(Buffer.from(r.subarray(1)).toString('latin1') || '0');
      return true;
    }
    return false;
  }

  async captureEnd(lastTs: bigint, deltaNs: bigint, threads: ThreadSource): Promise<void> {
    if (this.vm.globalType('on_capture_end') !== 'function') return;
    const tables: string[] = [];
    for (const f of new Set(this.threadFilters())) {
      const t = await threads(f);
      if (t) tables.push(`[${luaLiteral(f ?? '')}] = ${threadTableLiteral(t)}`);
    }
    this.vm.run(`__q_env.threads = {${tables.join(',')}}`, '=quarry-threads');
    // get_thread_table(filter) with a filter known only inside on_capture_end (netstat builds its
    // own): Lua cannot wait for the host, so the call fails with the filter, the host builds that
    // table and on_capture_end runs again from the start, its output so far discarded.
    for (let attempt = 0; ; attempt++) {
      try {
        this.vm.call('on_capture_end', [lastTs / 1000000000n, lastTs % 1000000000n, deltaNs], 1);
      } catch (e) {
        if (e instanceof LuaError && e.message.startsWith('\x03') && attempt < 32) {
          this.vm.drain();
          const f = e.message.slice(1);
          const t = await threads(f === '' ? undefined : f);
          this.vm.run(`__q_env.threads[${luaLiteral(f)}] = ${t ? threadTableLiteral(t) : '{}'}`, '=quarry-threads');
          continue;
        }
        this.flush();
        if (e instanceof LuaError) throw chiselLuaError(`${this.name} chisel error: `, e.message);
        throw e;
      }
      this.flush();
      return;
    }
  }

  close(): void {
    this.vm.close();
  }
}

/** lua_pushnumber((uint32_t)x), as get_thread_table pushes its numbers. */
function u32(x: number | bigint): number {
  return Number(BigInt.asUintN(32, BigInt(x)));
}

/**
 * The thread table as sysdig's get_thread_table builds it (chisel_api.cpp): keyed by tid, fds keyed
 * by fd number, numbers cut to 32 bits, clone_ts as a decimal string.
 */
function threadTableLiteral(threads: ThreadInfo[]): string {
  const m = new Map<number, unknown>();
  for (const t of threads) {
    const fdtable = new Map<number, unknown>();
    for (const fd of t.fds ?? []) {
      fdtable.set(u32(fd.fd), { name: fd.name, type: fd.type, is_server: fd.isServer, sip: fd.sip, cip: fd.cip,
        sport: fd.sport, cport: fd.cport, l4proto: fd.l4proto });
    }
    m.set(u32(t.tid), {
      tid: u32(t.tid), pid: u32(t.pid), ptid: u32(t.ptid), comm: t.comm, exe: t.exe, args: t.args, env: t.env,
      flags: u32(t.flags), fdlimit: u32(t.fdlimit), uid: u32(t.uid), gid: u32(t.gid), username: t.username,
      nchilds: u32(t.nchilds), pfmajor: u32(t.pfmajor), pfminor: u32(t.pfminor), clone_ts: t.cloneTs.toString(),
      vmsize_kb: u32(t.vmsizeKb), vmrss_kb: u32(t.vmrssKb), vmswap_kb: u32(t.vmswapKb), fdtable,
    });
  }
  return luaLiteral(m);
}

/** os.exit() inside a chisel ends sysdig quietly with status 0; any other Lua error is reported. */
function chiselLuaError(prefix: string, message: string): QuarryError {
  if (message === '__q_exit__') return new QuarryError('', 0);
  return new QuarryError(prefix + message);
}
