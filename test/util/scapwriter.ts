// SPDX-License-Identifier: Apache-2.0
// A small scap capture writer for tests, written from the savefile format:
//   every block is  type u32 | total_len u32 | body | padding to 4 | total_len u32
// Blocks and event records are little endian. Nothing here is optimised: captures are tiny.
import * as zlib from 'zlib';

export const BT = {
  SHB: 0x0a0d0d0a,
  MI: 0x201, MI_INT: 0x8002abcd,
  PL_V1: 0x202, PL_V1_INT: 0x8000abcd, PL_V2: 0x207, PL_V2_INT: 0x8013abcd, PL_V3: 0x209, PL_V3_INT: 0x8014abcd,
  PL_V4: 0x210, PL_V5: 0x211, PL_V6: 0x212, PL_V7: 0x213, PL_V8: 0x214, PL_V9: 0x215,
  FDL: 0x203, FDL_INT: 0x8001abcd, FDL_V2: 0x218,
  EV: 0x204, EV_INT: 0x8010abcd, EV_V2: 0x216, EV_V2_LARGE: 0x221,
  EVF: 0x208, EVF_V2: 0x217, EVF_V2_LARGE: 0x222,
  IL: 0x205, IL_INT: 0x8011abcd, IL_V2: 0x219,
  UL: 0x206, UL_INT: 0x8012abcd, UL_V2: 0x220,
} as const;

/** scap fd types (scap.h). */
export const FD = {
  UNKNOWN: 0, FILE: 1, DIRECTORY: 2, IPV4_SOCK: 3, IPV6_SOCK: 4, IPV4_SERVSOCK: 5, IPV6_SERVSOCK: 6,
  FIFO: 7, UNIX_SOCK: 8, EVENT: 9, UNSUPPORTED: 10, SIGNALFD: 11, EVENTPOLL: 12, INOTIFY: 13,
  TIMERFD: 14, NETLINK: 15, FILE_V2: 16,
} as const;

/** Growable little-endian byte builder. */
export class Bytes {
  private parts: Buffer[] = [];
  length = 0;
  push(b: Buffer): this { this.parts.push(b); this.length += b.length; return this; }
  u8(v: number): this { const b = Buffer.alloc(1); b.writeUInt8(v & 0xff); return this.push(b); }
  u16(v: number): this { const b = Buffer.alloc(2); b.writeUInt16LE(v & 0xffff); return this.push(b); }
  u32(v: number): this { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return this.push(b); }
  i32(v: number): this { const b = Buffer.alloc(4); b.writeInt32LE(v); return this.push(b); }
  u64(v: number | bigint): this { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt.asUintN(64, BigInt(v))); return this.push(b); }
  i64(v: number | bigint): this { const b = Buffer.alloc(8); b.writeBigInt64LE(BigInt(v)); return this.push(b); }
  /** u16 length + bytes, no terminating NUL (the list blocks' string form). */
  str16(s: string | Buffer): this { const b = typeof s === 'string' ? Buffer.from(s) : s; this.u16(b.length); return this.push(b); }
  bytes(): Buffer { return Buffer.concat(this.parts); }
}

// ---- event parameter encoders ------------------------------------------------------------

export const P = {
  u8: (v: number) => new Bytes().u8(v).bytes(),
  u16: (v: number) => new Bytes().u16(v).bytes(),
  u32: (v: number) => new Bytes().u32(v).bytes(),
  i32: (v: number) => new Bytes().i32(v).bytes(),
  u64: (v: number | bigint) => new Bytes().u64(v).bytes(),
  i64: (v: number | bigint) => new Bytes().i64(v).bytes(),
  /** NUL-terminated string (CHARBUF, FSPATH...). */
  str: (s: string) => Buffer.concat([Buffer.from(s), Buffer.from([0])]),
  buf: (b: Buffer | string) => (typeof b === 'string' ? Buffer.from(b, 'latin1') : b),
  /** ipv4 as dotted quad, stored in network byte order. */
  ip4: (a: string) => Buffer.from(a.split('.').map(Number)),
  ip6: (a: string) => ip6bytes(a),
  sockaddrIn: (ip: string, port: number) => Buffer.concat([P.u8(2), P.ip4(ip), P.u16(port)]),
  sockaddrIn6: (ip: string, port: number) => Buffer.concat([P.u8(10), ip6bytes(ip), P.u16(port)]),
  sockaddrUn: (path: string) => Buffer.concat([P.u8(1), P.str(path)]),
  tuple4: (sip: string, sport: number, dip: string, dport: number) =>
    Buffer.concat([P.u8(2), P.ip4(sip), P.u16(sport), P.ip4(dip), P.u16(dport)]),
  tuple6: (sip: string, sport: number, dip: string, dport: number) =>
    Buffer.concat([P.u8(10), ip6bytes(sip), P.u16(sport), ip6bytes(dip), P.u16(dport)]),
  tupleUnix: (src: bigint, dst: bigint, path: string) => Buffer.concat([P.u8(1), P.u64(src), P.u64(dst), P.str(path)]),
  /** NUL-separated list (args, env, cgroups), each entry NUL-terminated. */
  list: (items: string[]) => Buffer.from(items.map((s) => s + '\0').join('')),
};

export function ip6bytes(a: string): Buffer {
  const [head, tail] = a.includes('::') ? a.split('::') : [a, undefined];
  const h = head ? head.split(':').filter((x) => x.length) : [];
  const t = tail !== undefined && tail.length ? tail.split(':') : [];
  const groups: string[] = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

// ---- metadata records ------------------------------------------------------------------------

export interface Proc {
  tid: number; pid?: number; ptid?: number; sid?: number; vpgid?: number;
  comm: string; exe?: string; exepath?: string; args?: string[]; cwd?: string;
  fdlimit?: number; flags?: number; uid?: number; gid?: number;
  vmsize?: number; vmrss?: number; vmswap?: number; pfmajor?: number; pfminor?: number;
  env?: string[]; vtid?: number; vpid?: number; cgroups?: string[]; root?: string;
  loginuid?: number;
  /** bytes appended to a v9 entry after the known fields (future fields: must be skipped). */
  extra?: Buffer;
}

export interface FdEntry {
  fd: number; ino?: number; type: number;
  name?: string;                    // file-like types and unix sockets
  openflags?: number; dev?: number; // FILE_V2
  sip?: string; dip?: string; sport?: number; dport?: number; l4?: number; // sockets
  usrc?: bigint; udst?: bigint;     // unix
  extra?: Buffer;                   // v2 only: future fields
}

export interface Iface { v6?: boolean; nolinkspeed?: boolean; name: string; addr: string; netmask: string; bcast: string; linkspeed?: number }
export interface User { uid: number; gid: number; name: string; home: string; shell: string }
export interface Group { gid: number; name: string }

export type EventKind = 'v1' | 'v2' | 'v2large';

export interface Ev {
  ts: bigint | number; tid: number; type: number; params: Buffer[];
  cpu?: number;
  /** block variant: v1 = 0x204 (22-byte header, no nparams), v2 = 0x216, v2large = 0x221 */
  kind?: EventKind;
  /** when set, use the "with flags" block (0x208 / 0x217 / 0x222) carrying these dump flags */
  flags?: number;
}

function plHasSid(bt: number) { return bt === BT.PL_V6 || bt === BT.PL_V7 || bt === BT.PL_V8 || bt === BT.PL_V9; }

export class ScapWriter {
  private blocks: Buffer[] = [];
  /** byte offset where each block starts (after write). */
  readonly offsets: number[] = [];
  private size = 0;

  /** Appends one framed block. */
  block(type: number, body: Buffer): this {
    const pad = (4 - (body.length % 4)) % 4;
    const total = 8 + body.length + pad + 4;
    const b = Buffer.alloc(total);
    b.writeUInt32LE(type >>> 0, 0);
    b.writeUInt32LE(total, 4);
    body.copy(b, 8);
    b.writeUInt32LE(total, total - 4);
    this.offsets.push(this.size);
    this.blocks.push(b);
    this.size += total;
    return this;
  }

  /** Section header: magic, version, section length, then optional option bytes. */
  sectionHeader(o: { major?: number; minor?: number; options?: Buffer } = {}): this {
    const b = new Bytes().u32(0x1a2b3c4d).u16(o.major ?? 1).u16(o.minor ?? 2).i64(-1);
    if (o.options) b.push(o.options);
    return this.block(BT.SHB, b.bytes());
  }

  machineInfo(o: { cpus?: number; mem?: number; maxPid?: number; hostname?: string; type?: number } = {}): this {
    const host = Buffer.alloc(128);
    Buffer.from(o.hostname ?? 'testhost').copy(host);
    const b = new Bytes().u32(o.cpus ?? 4).u64(o.mem ?? 8 << 30).u64(o.maxPid ?? 32768).push(host)
      .u64(0).u64(0).u64(0).u64(0);
    return this.block(o.type ?? BT.MI, b.bytes());
  }

  procList(bt: number, procs: Proc[]): this {
    const body = new Bytes();
    for (const p of procs) {
      const e = new Bytes();
      e.u64(p.tid).u64(p.pid ?? p.tid).u64(p.ptid ?? 1);
      if (plHasSid(bt)) e.u64(p.sid ?? 0);
      if (bt === BT.PL_V8 || bt === BT.PL_V9) e.u64(p.vpgid ?? 0);
      e.str16(p.comm).str16(p.exe ?? p.comm);
      if (bt === BT.PL_V7 || bt === BT.PL_V8 || bt === BT.PL_V9) e.str16(p.exepath ?? '/usr/bin/' + p.comm);
      e.str16(P.list(p.args ?? []));
      e.str16(p.cwd ?? '/');
      e.u64(p.fdlimit ?? 1024).u32(p.flags ?? 0).u32(p.uid ?? 0).u32(p.gid ?? 0);
      if (bt !== BT.PL_V1 && bt !== BT.PL_V1_INT) {
        e.u32(p.vmsize ?? 0).u32(p.vmrss ?? 0).u32(p.vmswap ?? 0).u64(p.pfmajor ?? 0).u64(p.pfminor ?? 0);
        if (bt !== BT.PL_V2 && bt !== BT.PL_V2_INT) {
          e.str16(P.list(p.env ?? []));
          if (bt !== BT.PL_V3 && bt !== BT.PL_V3_INT) {
            e.i64(p.vtid ?? p.tid).i64(p.vpid ?? p.pid ?? p.tid);
            e.str16(P.list(p.cgroups ?? []));
            if (bt !== BT.PL_V4) e.str16(p.root ?? '/');
          }
        }
      }
      if (bt === BT.PL_V9) {
        if (p.loginuid !== undefined) e.i32(p.loginuid);
        if (p.extra) e.push(p.extra);
        const eb = e.bytes();
        body.u32(eb.length + 4).push(eb);
      } else {
        body.push(e.bytes());
      }
    }
    return this.block(bt, body.bytes());
  }

  fdList(bt: number, tid: number, fds: FdEntry[]): this {
    const body = new Bytes().u64(tid);
    for (const f of fds) {
      const e = new Bytes().u64(f.fd).u64(f.ino ?? 0).u8(f.type);
      switch (f.type) {
        case FD.IPV4_SOCK:
          e.push(P.ip4(f.sip!)).push(P.ip4(f.dip!)).u16(f.sport!).u16(f.dport!).u8(f.l4 ?? 3); break;
        case FD.IPV4_SERVSOCK:
          e.push(P.ip4(f.sip!)).u16(f.sport!).u8(f.l4 ?? 3); break;
        case FD.IPV6_SOCK:
          e.push(ip6bytes(f.sip!)).push(ip6bytes(f.dip!)).u16(f.sport!).u16(f.dport!).u8(f.l4 ?? 3); break;
        case FD.IPV6_SERVSOCK:
          e.push(ip6bytes(f.sip!)).u16(f.sport!).u8(f.l4 ?? 3); break;
        case FD.UNIX_SOCK:
          e.u64(f.usrc ?? 0n).u64(f.udst ?? 0n).str16(f.name ?? ''); break;
        case FD.FILE_V2:
          e.u32(f.openflags ?? 0).str16(f.name ?? '');
          if (bt === BT.FDL_V2 && f.dev !== undefined) e.u32(f.dev);
          break;
        case FD.UNKNOWN: break;
        default: e.str16(f.name ?? '');
      }
      if (bt === BT.FDL_V2) {
        if (f.extra) e.push(f.extra);
        const eb = e.bytes();
        body.u32(eb.length + 4).push(eb);
      } else {
        body.push(e.bytes());
      }
    }
    return this.block(bt, body.bytes());
  }

  ifList(bt: number, ifs: Iface[]): this {
    const body = new Bytes();
    for (const i of ifs) {
      const name = Buffer.from(i.name);
      const type = i.v6 ? (i.nolinkspeed ? 4 : 2) : (i.nolinkspeed ? 3 : 1);
      const e = new Bytes().u16(type).u16(name.length);
      if (i.v6) e.push(ip6bytes(i.addr)).push(ip6bytes(i.netmask)).push(ip6bytes(i.bcast));
      else e.push(P.ip4(i.addr)).push(P.ip4(i.netmask)).push(P.ip4(i.bcast));
      if (!i.nolinkspeed) e.u64(i.linkspeed ?? 1000);
      e.push(name);
      const eb = e.bytes();
      if (bt === BT.IL_V2) body.u32(eb.length);
      body.push(eb);
    }
    return this.block(bt, body.bytes());
  }

  userList(bt: number, users: User[], groups: Group[]): this {
    const body = new Bytes();
    const add = (e: Bytes) => {
      const eb = e.bytes();
      if (bt === BT.UL_V2) body.u32(eb.length + 4);
      body.push(eb);
    };
    for (const u of users) add(new Bytes().u8(0).u32(u.uid).u32(u.gid).str16(u.name).str16(u.home).str16(u.shell));
    for (const g of groups) add(new Bytes().u8(1).u32(g.gid).str16(g.name));
    return this.block(bt, body.bytes());
  }

  /** One event in its own block. */
  event(e: Ev): this {
    const kind = e.kind ?? 'v2';
    const lenSize = kind === 'v2large' ? 4 : 2;
    const hdr = kind === 'v1' ? 22 : 26;
    const rec = new Bytes();
    const plen = e.params.reduce((a, p) => a + p.length, 0);
    rec.u64(e.ts).u64(e.tid).u32(hdr + e.params.length * lenSize + plen).u16(e.type);
    if (kind !== 'v1') rec.u32(e.params.length);
    for (const p of e.params) { if (lenSize === 2) rec.u16(p.length); else rec.u32(p.length); }
    for (const p of e.params) rec.push(p);
    const blk = new Bytes().u16(e.cpu ?? 0);
    let bt: number;
    if (e.flags !== undefined) {
      blk.u32(e.flags);
      bt = kind === 'v1' ? BT.EVF : kind === 'v2' ? BT.EVF_V2 : BT.EVF_V2_LARGE;
    } else {
      bt = kind === 'v1' ? BT.EV : kind === 'v2' ? BT.EV_V2 : BT.EV_V2_LARGE;
    }
    blk.push(rec.bytes());
    return this.block(bt, blk.bytes());
  }

  /** Appends raw bytes (already framed blocks, or deliberate garbage). */
  raw(b: Buffer): this { this.offsets.push(this.size); this.blocks.push(b); this.size += b.length; return this; }

  bytes(): Buffer { return Buffer.concat(this.blocks); }
}

// ---- gzip ---------------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(b: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One gzip member built by hand (RFC 1952), optionally with FNAME and FCOMMENT fields. */
export function gzipMember(data: Buffer, o: { fname?: string; comment?: string; mtime?: number } = {}): Buffer {
  let flg = 0;
  if (o.fname !== undefined) flg |= 0x08;
  if (o.comment !== undefined) flg |= 0x10;
  const h = new Bytes().u8(0x1f).u8(0x8b).u8(8).u8(flg).u32(o.mtime ?? 0).u8(0).u8(3);
  if (o.fname !== undefined) h.push(Buffer.from(o.fname + '\0', 'latin1'));
  if (o.comment !== undefined) h.push(Buffer.from(o.comment + '\0', 'latin1'));
  const body = zlib.deflateRawSync(data);
  const trailer = new Bytes().u32(crc32(data)).u32(data.length >>> 0);
  return Buffer.concat([h.bytes(), body, trailer.bytes()]);
}
