// SPDX-License-Identifier: Apache-2.0
// Latency chisels: proc_exec_time (finished processes), scallslower, fileslower and netlower.

import { FieldValue } from '../../core/types';
import { TsChiselDef } from '../api';
import { formatTimeInterval, luaNum, luaStr, num, numericArg } from './format';

const GREEN = '\x1b[32m';
const BLUE = '\x1b[34m';
const YELLOW = '\x1b[33m';
const RED = '\x1b[31m';
const RESET = '\x1b[0m';

/** C's `%-W.Ps` (P defaults to no cut). */
export function col(v: FieldValue | string, w: number, cut = true): string {
  const s = typeof v === 'string' ? v : luaStr(v);
  return (cut ? s.slice(0, w) : s).padEnd(w);
}

const COLOR_ARG = { name: 'disable_color', argtype: 'string', description: "Set to 'disable_colors' if you want to disable color output", optional: true };

export const proc_exec_time: TsChiselDef = {
  name: 'proc_exec_time', category: 'Performance', shortDescription: 'Show process execution time',
  description: 'List the processes that have finished running, along with their execution time.', args: [COLOR_ARG],
  create(host) {
    let color = true;
    const h: Record<string, number> = {};
    let pc = false;
    return {
      setArg(_n, v) {
        if (v === 'disable_colors') color = false;
        return true;
      },
      init() {
        for (const f of ['evt.type', 'proc.name', 'proc.args', 'evt.time.s', 'proc.duration', 'container.name', 'container.id']) h[f] = host.requestField(f);
        pc = host.env.printContainer;
        host.setFilter('evt.type=procexit');
        if (pc) {
          host.print(`${col('proc.duration', 13)} ${col('container.id', 20)} ${col('container.name', 20)} ${col('proc.name', 12)} proc.args`);
          host.print(`${'-'.repeat(13)} ${'-'.repeat(20)} ${'-'.repeat(20)} ${'-'.repeat(12)} ${'-'.repeat(20)}`);
        } else {
          host.print(`${col('proc.duration', 13)} ${col('proc.name', 12)} proc.args`);
          host.print(`${'-'.repeat(13)} ${'-'.repeat(12)} ${'-'.repeat(20)}`);
        }
        return true;
      },
      onEvent(e) {
        const v = (f: string) => e.values[h[f]];
        const d = num(v('proc.duration'));
        if (d === undefined) return true;
        let c = d > 10e9 ? RED : d > 3e9 ? YELLOW : v('container.name') !== 'host' ? BLUE : GREEN;
        if (!color) c = '';
        const dur = col(formatTimeInterval(d), 13);
        if (pc) host.print(`${c}${dur} ${col(v('container.id'), 20)} ${col(v('container.name'), 20)} ${col(v('proc.name'), 12)} ${luaStr(v('proc.args'))}`);
        else host.print(`${c}${dur} ${col(v('proc.name'), 12)} ${luaStr(v('proc.args'))}`);
        return true;
      },
      captureEnd() {
        host.print(color ? RESET : '');
      },
    };
  },
};

/** scallslower / fileslower / netlower: events whose latency exceeds min_ms. */
function slower(name: string, short: string, filter: string | undefined): TsChiselDef {
  const io = filter !== undefined;
  return {
    name, category: 'Performance', shortDescription: short, description: short + ' slower than a threshold.',
    args: [{ name: 'min_ms', argtype: 'int', description: 'Minimum millisecond threshold', optional: false }, COLOR_ARG],
    create(host) {
      let color = true;
      let minMs = 0;
      let pc = false;
      const h: Record<string, number> = {};
      return {
        setArg(n, v) {
          if (n === 'disable_color' && v === 'disable_color') color = false;
          else if (n === 'min_ms') {
            minMs = numericArg(host, name, n, v);
          }
          return true;
        },
        init() {
          const fields = ['evt.type', 'evt.dir', 'evt.datetime', ...(io ? ['fd.name'] : []), 'proc.name', 'evt.latency', 'container.name', 'container.id'];
          for (const f of fields) h[f] = host.requestField(f);
          pc = host.env.printContainer;
          if (filter) host.setFilter(filter);
          const d = (n: number) => '-'.repeat(n);
          if (!io && pc) {
            host.print(`${col('evt.datetime', 23)} ${col('container.id', 20)}  ${col('container.name', 20)} ${col('proc.name', 23)} ${col('LATENCY(ms)', 20)} evt.type`);
            host.print(`${d(23)} ${d(20)} ${d(20)} ${d(23)} ${d(20)} ${d(20)}`);
          } else if (!io) {
            host.print(`${col('evt.datetime', 23)} ${col('proc.name', 23)} ${col('LATENCY(ms)', 20)} evt.type`);
            host.print(`${d(23)} ${d(23)} ${d(20)} ${d(20)}`);
          } else if (pc) {
            host.print(`${col('evt.datetime', 23)} ${col('container.id', 20)} ${col('container.name', 20)} ${col('proc.name', 12)} ${col('evt.type', 8)} ${col('LATENCY(ms)', 12)} fd.name`);
            host.print(`${d(23)} ${d(20)} ${d(20)} ${d(12)} ${d(8)} ${d(12)} ${d(41)}`);
          } else {
            host.print(`${col('evt.datetime', 23)} ${col('proc.name', 12)} ${col('evt.type', 8)} ${col('LATENCY(ms)', 12)} fd.name`);
            host.print(`${d(23)} ${d(12)} ${d(8)} ${d(12)} ${d(41)}`);
          }
          return true;
        },
        onEvent(e) {
          const v = (f: string) => e.values[h[f]];
          const raw = num(v('evt.latency'));
          if (raw === undefined && !io) return true;
          const lat = (raw ?? 0) / 1000000;
          if (io && v('evt.dir') !== '<') return true;
          if (!(lat > minMs)) return true;
          const fn = v('fd.name');
          if (name === 'fileslower' && typeof fn === 'string' && fn.startsWith('/dev/')) return true;
          const c = !color ? '' : v('container.name') !== 'host' ? BLUE : GREEN;
          const ctr = pc ? `${col(v('container.id'), 20)} ${col(v('container.name'), 20)} ` : '';
          if (!io) host.print(`${c}${col(v('evt.datetime'), 23)} ${ctr}${col(v('proc.name'), 23)} ${col(luaNum(lat), 20, false)} ${luaStr(v('evt.type'))}`);
          else host.print(`${c}${col(v('evt.datetime'), 23)} ${ctr}${col(v('proc.name'), 12)} ${col(v('evt.type'), 8, false)} ${String(Math.trunc(lat)).padStart(12)} ${luaStr(fn)}`);
          return !io;
        },
      };
    },
  };
}

export const scallslower = slower('scallslower', 'Trace slow syscalls', undefined);
export const fileslower = slower('fileslower', 'Trace slow file I/O', 'evt.is_io=true and fd.type=file');
export const netlower = slower('netlower', 'Trace slow network I/0', 'evt.is_io=true and (fd.type=ipv4 or fd.type=ipv6)');
