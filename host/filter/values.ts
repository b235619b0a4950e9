// SPDX-License-Identifier: Apache-2.0
// Filter operands converted to the typed raw values checks compare with, as sysdig's
// string_to_rawval does, with its error texts.
import * as fs from 'fs';
import type * as NetModule from 'net';

/** `net` is loaded on first use: most runs never parse an address, and it costs start-up time. */
let netModule: typeof NetModule | undefined;
const net = (): typeof NetModule => (netModule ??= require('net') as typeof NetModule);

export class ValueError extends Error {}

export interface RawValue { bytes: Uint8Array; num: bigint }

const SIGNED = new Set(['PT_INT8', 'PT_INT16', 'PT_INT32', 'PT_INT64', 'PT_FD', 'PT_PID', 'PT_ERRNO']);
const UNSIGNED = new Set(['PT_UINT8', 'PT_UINT16', 'PT_UINT32', 'PT_UINT64', 'PT_FLAGS8', 'PT_FLAGS16', 'PT_FLAGS32',
  'PT_SIGTYPE', 'PT_SYSCALLID', 'PT_MODE', 'PT_RELTIME', 'PT_ABSTIME', 'PT_L4PROTO', 'PT_UID', 'PT_GID']);

let services: Map<string, number> | null = null;
function serviceByName(name: string): number | undefined {
  if (!services) {
    services = new Map();
    try {
      for (const line of fs.readFileSync('/etc/services', 'utf8').split('\n')) {
        const m = /^([^\s#]+)\s+(\d+)\/(tcp|udp)((?:\s+[^\s#]+)*)/.exec(line);
        if (!m) continue;
        const port = Number(m[2]);
        for (const n of [m[1], ...m[4].trim().split(/\s+/).filter(Boolean)]) if (!services.has(n)) services.set(n, port);
      }
    } catch { /* no services database: names do not resolve */ }
  }
  return services.get(name);
}

/** sscanf("%d")-like: leading blanks, sign, digits; trailing garbage is accepted as sscanf does. */
function parseInt64(s: string): bigint | null {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  if (!m) return null;
  return BigInt(m[1]);
}

function ipv4(s: string): Uint8Array | null {
  if (!net().isIPv4(s)) return null;
  return Uint8Array.from(s.split('.').map(Number));
}

function ipv6(s: string): Uint8Array | null {
  if (!net().isIPv6(s)) return null;
  const out = new Uint8Array(16);
  let str = s;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(str);
  let tail: number[] = [];
  if (v4) { const b = v4[1].split('.').map(Number); tail = [(b[0] << 8) | b[1], (b[2] << 8) | b[3]]; str = str.slice(0, -v4[1].length) + '0:0'; }
  const [head, rest] = str.split('::');
  const h = head ? head.split(':').filter(Boolean).map((x) => parseInt(x, 16)) : [];
  const r = rest !== undefined ? (rest ? rest.split(':').filter(Boolean).map((x) => parseInt(x, 16)) : []) : [];
  const words = rest !== undefined ? [...h, ...new Array(8 - h.length - r.length).fill(0), ...r] : h;
  if (v4) { words[6] = tail[0]; words[7] = tail[1]; }
  words.forEach((w, i) => { out[2 * i] = w >> 8; out[2 * i + 1] = w & 255; });
  return out;
}

function u32le(b: Uint8Array): Uint8Array { return b; }

/** Converts one operand for a check on a field of the given PT_* type. */
export function toRawValue(type: string, raw: Buffer): RawValue {
  const s = raw.toString('latin1');
  if (SIGNED.has(type) || UNSIGNED.has(type) || type === 'PT_PORT') {
    const v = parseInt64(s);
    if (v === null) {
      if (type === 'PT_PORT') {
        const p = serviceByName(s);
        if (p === undefined) throw new ValueError(`unrecognized protocol ${s}`);
        return { bytes: new Uint8Array(0), num: BigInt(p) };
      }
      throw new ValueError(`${s} is not a valid number`);
    }
    return { bytes: new Uint8Array(0), num: BigInt.asIntN(64, v) };
  }
  if (type === 'PT_BOOL') {
    if (s === 'true') return { bytes: new Uint8Array(0), num: 1n };
    if (s === 'false') return { bytes: new Uint8Array(0), num: 0n };
    throw new ValueError(`filter error: unrecognized boolean value ${s}`);
  }
  // value_parser.cpp string_to_rawval: a '.' anywhere picks the IPv4 form of IPADDR / IPNET
  if (type === 'PT_IPADDR') return toRawValue(s.includes('.') ? 'PT_IPV4ADDR' : 'PT_IPV6ADDR', raw);
  if (type === 'PT_IPNET') return toRawValue(s.includes('.') ? 'PT_IPV4NET' : 'PT_IPV6NET', raw);
  if (type === 'PT_IPV4ADDR') {
    const b = ipv4(s);
    if (!b) throw new ValueError(`unrecognized IPv4 address ${s}`);
    return { bytes: u32le(b), num: BigInt(b[0] | (b[1] << 8) | (b[2] << 16)) + BigInt(b[3]) * 16777216n };
  }
  if (type === 'PT_IPV6ADDR' || type === 'PT_IPV6NET') {
    // an IPv6 "network" is a plain address (no /len); it matches on its first 64 bits
    const b6 = ipv6(s);
    if (!b6) throw new ValueError(`unrecognized IPv6 address ${s}`);
    return { bytes: b6, num: 0n };
  }
  if (type === 'PT_IPV4NET') {
    const slash = s.indexOf('/');
    if (slash < 0) throw new ValueError(`unrecognized IP network ${s}`);
    const rest = s.slice(slash + 1);
    const b4 = ipv4(s.slice(0, slash));
    if (!b4) throw new ValueError(`unrecognized IP address ${s}`);
    // getline stops the mask at a second '/'; parseu8 is sscanf("%u%c") == 1, cast to 8 bits
    const mask = rest.split('/')[0];
    if (!/^[ \t\n\v\f\r]*[+-]?\d+$/.test(mask)) throw new ValueError(`${mask} is not a valid number`);
    const n = Number(BigInt.asUintN(32, BigInt(mask.trim())) & 255n);
    if (n > 32) throw new ValueError(`invalid netmask ${mask}`);
    const m = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
    const out = new Uint8Array(8);
    out.set(b4, 0);
    // stored in network byte order, like the address
    out[4] = m >>> 24; out[5] = (m >>> 16) & 255; out[6] = (m >>> 8) & 255; out[7] = m & 255;
    return { bytes: out, num: 0n };
  }
  if (type === 'PT_DOUBLE') {
    const d = Number(s);
    if (Number.isNaN(d)) throw new ValueError(`${s} is not a valid number`);
    const out = new Uint8Array(8); new DataView(out.buffer).setFloat64(0, d, true);
    return { bytes: out, num: 0n };
  }
  return { bytes: new Uint8Array(raw), num: 0n };
}
