// SPDX-License-Identifier: Apache-2.0
// Payload echo chisels: echo_fds (every fd), spy_port and spy_ip (one port or address), and
// fdcount_by (distinct fds per key).

import { TsChiselDef } from '../api';
import { bytes, formatBytes, luaNum, luaStr, num } from './format';

const RED = '\x1b[31m';
const BLUE = '\x1b[34m';
const GREEN = '\x1b[32m';
const CYAN = '\x1b[36m';
const RESET = '\x1b[0m';

export const echo_fds: TsChiselDef = {
  name: 'echo_fds', category: 'I/O', shortDescription: 'Print the data read and written by processes.',
  description: 'Prints each successful read and write with its size, fd name and process, then the data.',
  args: [{ name: 'disable_color', argtype: 'string', description: 'disable_color turns colours off', optional: true }],
  create(host) {
    let color = true;
    const h: Record<string, number> = {};
    const c = (code: string) => (color ? code : '');
    return {
      setArg(n, v) {
        if (n === 'disable_color' && v === 'disable_color') color = false;
        return true;
      },
      init() {
        for (const f of ['evt.rawarg.data', 'evt.is_io_read', 'evt.rawarg.res', 'fd.name', 'proc.name', 'container.name', 'container.id']) {
          h[f] = host.requestField(f);
        }
        host.setFilter('evt.is_io=true and evt.dir=< and evt.rawres>0');
        host.setEventFormatter('%evt.arg.data');
        return true;
      },
      onEvent(e) {
        const v = (f: string) => e.values[h[f]];
        const res = num(v('evt.rawarg.res')) ?? 0;
        if (res <= 0) return true;
        const name = v('fd.name') === null ? '<NA>' : luaStr(v('fd.name'));
        let container = '';
        if (host.env.printContainer) {
          const cname = luaStr(v('container.name'));
          container = `${c(cname === 'host' ? GREEN : CYAN)} [${cname}] [${luaStr(v('container.id'))}]`;
        }
        const pname = luaStr(v('proc.name'));
        if (v('evt.is_io_read') === true) {
          host.print(`${c(RED)}------ Read ${formatBytes(res)} from ${container} ${c(RED)} ${name} (${pname})`);
        } else {
          host.print(`${c(BLUE)}------ Write ${formatBytes(res)} to ${container} ${c(BLUE)} ${name} (${pname})`);
        }
        return true;
      },
      captureEnd() {
        host.print(c(RESET));
      },
    };
  },
};

/** spy_port / spy_ip: payloads on one port or address; a header line before each payload. */
function spy(name: string, argName: string, argtype: string, filterOf: (v: string) => string, writeWord: string): TsChiselDef {
  return {
    name, category: 'Net', shortDescription: `Show the data exchanged using the given ${argtype === 'int' ? 'IP port number' : 'IP address'}`,
    description: 'Prints the network payloads exchanged with the given endpoint.',
    args: [{ name: argName, argtype, description: 'the endpoint', optional: false },
      { name: 'disable_color', argtype: 'string', description: 'disable_colors turns colours off', optional: true }],
    create(host) {
      let target = '';
      let color = true;
      let dataH = 0;
      let readH = 0;
      let resH = 0;
      let direction = 0;
      let info: string | undefined;
      return {
        setArg(n, v) {
          if (n === argName) target = v;
          else if (n === 'disable_color') {
            if (v === 'disable_colors') color = false;
          } else return false;
          return true;
        },
        init() {
          dataH = host.requestField('evt.arg.data');
          readH = host.requestField('evt.is_io_read');
          resH = host.requestField('evt.rawarg.res');
          host.setFilter(filterOf(target));
          return true;
        },
        onEvent(e) {
          const res = num(e.values[resH]);
          const data = bytes(e.values[dataH]);
          if (res === undefined || res <= 0 || data === undefined) return true;
          const isRead = e.values[readH] === true;
          // Like the Lua chisel, the last header is repeated while the direction stays the same.
          if (isRead && direction !== 1) {
            info = `${color ? RED : ''}------ Read ${formatBytes(res)}`;
            direction = 1;
          } else if (!isRead && direction !== 2) {
            info = `${color ? BLUE : ''}------ ${writeWord} ${formatBytes(res)}`;
            direction = 2;
          }
          host.print(info ?? 'nil');
          host.print(data);
          return true;
        },
        captureEnd() {
          host.print(color ? RESET : '');
        },
      };
    },
  };
}

const NET = 'evt.is_io=true and (fd.type=ipv4 or fd.type=ipv6)';
export const spy_port = spy('spy_port', 'host_port', 'int', (p) => `${NET} and fd.port=${p}`, 'Write');
// sysdig's spy_ip labels writes "Read" too; kept for identical output.
export const spy_ip = spy('spy_ip', 'host_ip', 'ipv4', (a) => `${NET} and fd.ip=${a}`, 'Read');

export const fdcount_by: TsChiselDef = {
  name: 'fdcount_by', category: 'I/O', shortDescription: 'FD count, aggregated by an arbitrary filter field',
  description: 'Counts the distinct fds seen per value of the given field.',
  args: [{ name: 'key', argtype: 'string', description: 'the field to group by', optional: false }],
  create(host) {
    let key = '';
    let keyH = 0;
    let numH = 0;
    let nameH = 0;
    const groups = new Map<string, Set<string>>();
    return {
      setArg(n, v) {
        if (n !== 'key') return false;
        key = v;
        return true;
      },
      init() {
        keyH = host.requestField(key);
        numH = host.requestField('fd.num');
        nameH = host.requestField('fd.name');
        return true;
      },
      onEvent(e) {
        const k = e.values[keyH];
        const fd = num(e.values[numH]);
        const name = e.values[nameH];
        if (k === null || fd === undefined || fd <= 0 || name === null || name === '') return true;
        const g = groups.get(luaStr(k)) ?? new Set<string>();
        g.add(luaNum(fd) + luaStr(name));
        groups.set(luaStr(k), g);
        return true;
      },
      captureEnd() {
        for (const [k, s] of [...groups].sort((a, b) => b[1].size - a[1].size)) host.print(`${k}\t${s.size}`);
      },
    };
  },
};

