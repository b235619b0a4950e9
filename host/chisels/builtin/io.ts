// SPDX-License-Identifier: Apache-2.0
// Byte counters per second (iobytes*) and the raw stdin/stdout/stderr echo chisels.

import { ChiselArgSpec } from '../args';
import { TsChiselDef } from '../api';
import { bytes, formatBytes, localTime, luaNum, luaStr, num } from './format';

const NET = 'evt.is_io=true and (fd.type=ipv4 or fd.type=ipv6)';

/** Prints `HH:MM:SS in:N out:N tot:N` each second from the events matching `filter`. */
function iobytes(name: string, category: string, short: string, filter: string): TsChiselDef {
  return {
    name, category, shortDescription: short, description: short + ', printed once per second.', args: [],
    create(host) {
      let resH = 0;
      let readH = 0;
      let tot = 0;
      let totIn = 0;
      let totOut = 0;
      let lastTs = 0n;
      return {
        init() {
          resH = host.requestField('evt.rawarg.res');
          host.requestField('evt.time.s');
          readH = host.requestField('evt.is_io_read');
          host.setFilter(filter);
          host.setIntervalNs(1000000000n);
          return true;
        },
        onEvent(e) {
          lastTs = e.ts;
          const b = num(e.values[resH]);
          if (b !== undefined && b > 0) {
            tot += b;
            if (e.values[readH] === true) totIn += b;
            else totOut += b;
          }
          return true;
        },
        onInterval(tsS) {
          // The line shows the second of the event that closed the interval.
          void lastTs;
          host.print(`${localTime(tsS * 1000000000n).time} in:${luaNum(totIn)} out:${luaNum(totOut)} tot:${luaNum(tot)}`);
          tot = totIn = totOut = 0;
          return true;
        },
      };
    },
  };
}

export const iobytes_all = iobytes('iobytes', 'I/O', 'Sum of I/O bytes on any type of FD', 'evt.is_io=true');
export const iobytes_file = iobytes('iobytes_file', 'I/O', 'Sum of file I/O bytes', 'evt.is_io=true and fd.type=file');
export const iobytes_net = iobytes('iobytes_net', 'Net', 'Show total network I/O bytes', NET);

const COLOR_ARG: ChiselArgSpec = { name: 'disable_color', argtype: 'string', description: 'disable_color turns colours off', optional: true };

/** Echoes the data read from or written to one fd number. */
function stdio(name: string, fd: number, short: string, withContainer: boolean): TsChiselDef {
  return {
    name, category: 'I/O', shortDescription: short, description: short + '.', args: withContainer ? [COLOR_ARG] : [],
    create(host) {
      let bufH = 0;
      let cnameH = 0;
      let cidH = 0;
      let color = true;
      return {
        setArg(n, v) {
          if (n === 'disable_color' && v === 'disable_color') {
            color = false;
            return true;
          }
          return false;
        },
        init() {
          bufH = host.requestField('evt.rawarg.data');
          if (withContainer) {
            cnameH = host.requestField('container.name');
            cidH = host.requestField('container.id');
          }
          host.setFilter(`fd.num=${fd} and evt.is_io=true`);
          return true;
        },
        onEvent(e) {
          const b = bytes(e.values[bufH]);
          if (b === undefined) return true;
          if (withContainer && host.env.printContainer) {
            const cname = String(e.values[cnameH] ?? 'nil');
            const c = !color ? '' : cname !== 'host' ? '\x1b[34m' : '\x1b[32m';
            const col = (s: string) => s.slice(0, 20).padEnd(20);
            host.print(Buffer.concat([Buffer.from(`${c}${col(String(e.values[cidH] ?? 'nil'))} ${col(cname)} `), b]));
          } else host.print(b);
          return true;
        },
      };
    },
  };
}

export const stdout = stdio('stdout', 1, 'Print stdout of processes', false);
export const stderr = stdio('stderr', 2, 'Print stderr of processes', true);
export const stdin = stdio('stdin', 0, 'Print stdin of processes', false);

export const spy_file: TsChiselDef = {
  name: 'spy_file', category: 'I/O',
  shortDescription: 'Echo any read/write made by any process to all files. Optionally, you can provide the name of one file to only intercept reads/writes to that file.',
  description: 'This chisel intercepts all reads and writes to all files. Instead of all files, you can limit interception to one file.',
  args: [{ name: 'read_or_write', argtype: 'string', description: "'R', 'W' or 'RW' (the default)", optional: true },
    { name: 'spy_on_file_name', argtype: 'string', description: 'the file to spy on', optional: true }],
  create(host) {
    let file: string | undefined;
    let rw: string | undefined;
    const h: Record<string, number> = {};
    return {
      setArg(n, v) {
        if (n === 'read_or_write') rw = v;
        else if (n === 'spy_on_file_name') file = v;
        else return false;
        return true;
      },
      init() {
        for (const f of ['evt.buffer', 'evt.arg.data', 'fd.name', 'evt.is_io_write', 'proc.pid', 'proc.name', 'evt.rawarg.res', 'thread.tid', 'evt.time']) {
          h[f] = host.requestField(f);
        }
        host.setBufferFormat('ascii');
        let filter = file ? `(fd.name=${file}) and ` : '(not fd.name contains /dev/pt and not fd.name contains /dev/tty) and ';
        filter += rw === 'R' || rw === 'r' ? 'evt.is_io_read=true and ' : rw === 'W' || rw === 'w' ? 'evt.is_io_write=true and ' : 'evt.is_io=true and ';
        host.setFilter(filter + 'fd.type=file and evt.dir=< and evt.failed=false');
        return true;
      },
      onEvent(e) {
        const v = (f: string) => e.values[h[f]];
        const res = num(v('evt.rawarg.res'));
        const size = res === undefined ? 'nil' : formatBytes(res);
        const head = `${luaStr(v('evt.time'))} ${luaStr(v('proc.name'))}(${luaStr(v('proc.pid'))}) ${v('evt.is_io_write') === true ? 'W' : 'R'} ${size} ${luaStr(v('fd.name'))} `;
        const data = bytes(v('evt.arg.data'));
        host.print(data ? Buffer.concat([Buffer.from(head, 'latin1'), data]) : head + 'nil');
        return true;
      },
    };
  },
};
