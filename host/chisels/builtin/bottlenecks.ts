// SPDX-License-Identifier: Apache-2.0
// bottlenecks: the 10 slowest system calls, each with its enter event.

import { TsChiselDef } from '../api';
import { luaStr, num } from './format';

const HOW_MANY = 10;

export const bottlenecks: TsChiselDef = {
  name: 'bottlenecks', category: 'Performance', shortDescription: 'Slowest system calls',
  description: `Lists the ${HOW_MANY} system calls that took the longest to return during the capture interval.`, args: [],
  create(host) {
    const h: Record<string, number> = {};
    const slow: [number, string, string][] = [];
    const lastLines = new Map<string, string>();
    return {
      init() {
        for (const f of ['evt.num', 'evt.time', 'evt.type', 'evt.args', 'evt.latency', 'proc.name', 'thread.tid']) h[f] = host.requestField(f);
        return true;
      },
      onEvent(e) {
        const v = (f: string) => e.values[h[f]];
        const lat = num(v('evt.latency'));
        const type = luaStr(v('evt.type'));
        if (type === 'switch' || lat === undefined) return true;
        const tid = luaStr(v('thread.tid'));
        const pname = v('proc.name') === null ? '' : luaStr(v('proc.name'));
        const line = (dir: string, s: number, ns: number) =>
          `${luaStr(v('evt.num'))}) ${s}.${String(ns).padStart(9, '0')} ${pname} (${tid}) ${dir} ${type} ${luaStr(v('evt.args'))}`;
        if (lat === 0) {
          lastLines.set(tid, line('>', 0, 0));
          return true;
        }
        for (let j = 0; j < HOW_MANY; j++) {
          if (j >= slow.length || lat > slow[j][0]) {
            slow.splice(j, 0, [lat, lastLines.get(tid) ?? 'nil', line('<', Math.floor(lat / 1e9), lat % 1e9)]);
            break;
          }
        }
        if (slow.length > HOW_MANY) slow.pop();
        return true;
      },
      captureEnd() {
        for (const [, a, b] of slow) {
          host.print(a);
          host.print(b);
        }
      },
    };
  },
};
