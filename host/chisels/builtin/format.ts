// SPDX-License-Identifier: Apache-2.0
// Text helpers whose output matches what sysdig's chisels print under LuaJIT.

import { FieldValue, QuarryError } from '../../core/types';
import { ChiselHost } from '../api';

/** Pads with spaces to `width`, or cuts to width-1 characters plus one space. */
export function extendString(s: string, width: number): string {
  if (s.length < width) return s + ' '.repeat(width - s.length);
  return width > 0 ? s.slice(0, width - 1) + ' ' : '';
}

/** LuaJIT's tostring of a number: %.14g. */
export function luaNum(v: number | bigint): string {
  const n = Number(v);
  if (Number.isInteger(n) && Math.abs(n) < 1e14) return String(n);
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'nan' : n > 0 ? 'inf' : '-inf';
  return formatG(n, 14);
}

/** C's %.{p}g. */
function formatG(n: number, p: number): string {
  if (n === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(n)));
  let s: string;
  const e = Number(n.toExponential(p - 1).split('e')[1]);
  if (e < -4 || e >= p) {
    const [m, x] = n.toExponential(p - 1).split('e');
    const mm = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    const xe = Number(x);
    s = `${mm}e${xe < 0 ? '-' : '+'}${String(Math.abs(xe)).padStart(2, '0')}`;
  } else {
    s = n.toFixed(Math.max(0, p - 1 - e));
    if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  }
  void exp;
  return s;
}

/** A field value as Lua's tostring/.. would render it. */
export function luaStr(v: FieldValue): string {
  if (v === null) return 'nil';
  if (typeof v === 'number' || typeof v === 'bigint') return luaNum(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Uint8Array) return Buffer.from(v).toString('latin1');
  return v;
}

/** common.lua format_bytes: 1230 → "1.20KB"; ≤ 1024 → "NB". */
export function formatBytes(val: number): string {
  const K = 1024;
  if (val > K ** 5) return (val / K ** 5).toFixed(2) + 'P';
  if (val > K ** 4) return (val / K ** 4).toFixed(2) + 'T';
  if (val > K ** 3) return (val / K ** 3).toFixed(2) + 'G';
  if (val > K ** 2) return (val / K ** 2).toFixed(2) + 'M';
  if (val > K) return (val / K).toFixed(2) + 'KB';
  return Math.trunc(val) + 'B';
}

const pad2 = (n: number) => String(Math.trunc(n)).padStart(2, '0');

/** common.lua format_time_interval: ns → "Nns", "N.NNus", "Nus", "N.NNms", "Nms", "N.NNs". */
export function formatTimeInterval(val: number): string {
  if (val >= 1e9) return `${Math.floor(val / 1e9)}.${pad2((val % 1e9) / 1e7)}s`;
  if (val >= 1e7) return `${Math.floor(val / 1e6)}ms`;
  if (val >= 1e6) return `${Math.floor(val / 1e6)}.${pad2((val % 1e6) / 1e4)}ms`;
  if (val >= 1e4) return `${Math.floor(val / 1e3)}us`;
  if (val >= 1e3) return `${Math.floor(val / 1e3)}.${pad2((val % 1e3) / 10)}us`;
  return `${Math.trunc(val)}ns`;
}

/** Local-time pieces of a ns timestamp (TZ is honoured, as sysdig does). */
export function localTime(ts: bigint): { date: string; time: string; ns: string } {
  const d = new Date(Number(ts / 1000000n));
  const p = (n: number) => String(n).padStart(2, '0');
  return {
    date: `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`,
    time: `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`,
    ns: String(ts % 1000000000n).padStart(9, '0'),
  };
}

/** A number field as a JS number (null/other → undefined). */
export function num(v: FieldValue): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

/** Byte/text field as bytes. */
export function bytes(v: FieldValue): Uint8Array | undefined {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  return undefined;
}

/** common.lua parse_numeric_input: a number, or the message and os.exit() (as Quarry's Lua variant ends). */
export function numericArg(host: ChiselHost, chisel: string, name: string, v: string): number {
  const x = Number(v.trim());
  if (v.trim() !== '' && !Number.isNaN(x)) return x;
  host.print(`Input ${name} must be a number.`);
  // sysdig's chisel calls os.exit(): the run ends quietly with status 0
  throw new QuarryError('', 0);
}
