// SPDX-License-Identifier: Apache-2.0
// The "top N by value" engine behind the top* chisels: group by key fields, sum a value, print a
// sorted table at the end (or JSON under -j), in the layout of sysdig's table chisels.

import { FieldValue } from '../../core/types';
import { ChiselArgSpec } from '../args';
import { ChiselHost, TsChisel, TsChiselDef } from '../api';
import { extendString, formatBytes, formatTimeInterval, luaStr, num } from './format';

export type Units = 'none' | 'bytes' | 'time' | 'timepct';

export interface TableSpec {
  keys: string[];
  keyDescs: string[];
  value: string;
  valueDesc: string;
  filter?: string;
  top: number;
  units: Units;
}

const COL = 20;
const SEP = '\x01\x01';

/** Prints a grouped table the way common.lua's print_sorted_table does. */
export function printTable(host: ChiselHost, spec: TableSpec, table: Map<string, number>, tsS: bigint, deltaNs: bigint) {
  let rows = [...table].sort((a, b) => b[1] - a[1]);
  if (spec.top > 0) rows = rows.slice(0, spec.top);
  if (host.env.json) {
    const data = rows.map(([k, v]) => [...k.split(SEP), v]);
    const info = spec.keys.map((name, i) => ({ name, desc: spec.keyDescs[i], is_key: true }));
    info[2] = { name: spec.value, desc: spec.valueDesc, is_key: false };
    host.print(JSON.stringify({ ts: (tsS * 1000000000n).toString(), data, info }, null, 2));
    return;
  }
  host.print(extendString(spec.valueDesc, COL) + spec.keyDescs.map((d) => extendString(d, COL)).join(''));
  host.print('-'.repeat(80));
  for (const [k, v] of rows) {
    const keys = k.split(SEP);
    const keystr = keys.map((s, i) => (i < keys.length - 1 ? extendString(s.slice(0, COL), COL) : s)).join('');
    let vs: string;
    if (spec.units === 'bytes') vs = formatBytes(v);
    else if (spec.units === 'time') vs = formatTimeInterval(v);
    else if (spec.units === 'timepct') vs = deltaNs > 0n ? (v / Number(deltaNs) * 100).toFixed(2) + '%' : '0.00%';
    else vs = luaStr(v);
    host.print(extendString(vs, COL) + keystr);
  }
}

/** A chisel that sums `spec.value` by `spec.keys` for events matching `spec.filter`. */
export function tableChisel(host: ChiselHost, spec: (host: ChiselHost) => TableSpec): TsChisel {
  let s: TableSpec;
  let keyH: number[] = [];
  let valH = 0;
  const table = new Map<string, number>();
  return {
    init() {
      s = spec(host);
      keyH = s.keys.map((k) => host.requestField(k));
      valH = host.requestField(s.value);
      if (s.filter) host.setFilter(s.filter);
      return true;
    },
    onEvent(e) {
      let key = '';
      for (let i = 0; i < keyH.length; i++) {
        const v: FieldValue = e.values[keyH[i]];
        if (v === null || v === undefined) return true;
        key += (i ? SEP : '') + luaStr(v);
      }
      const v = num(e.values[valH]);
      if (v !== undefined && v > 0) table.set(key, (table.get(key) ?? 0) + v);
      return true;
    },
    captureEnd(tsS, _tsNs, delta) {
      printTable(host, s, table, tsS, delta);
    },
  };
}

/** Declares a table chisel; `description` etc. are Quarry's own words, used when no Lua twin exists. */
export function defineTable(name: string, category: string, shortDescription: string,
  spec: (host: ChiselHost, args: Record<string, string>) => TableSpec, args: ChiselArgSpec[] = []): TsChiselDef {
  return {
    name, category, shortDescription, description: shortDescription + '.', args,
    create(host) {
      const values: Record<string, string> = {};
      const c = tableChisel(host, (h) => spec(h, values));
      c.setArg = (n, v) => {
        values[n] = v;
        return true;
      };
      return c;
    },
  };
}
