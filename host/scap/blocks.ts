// SPDX-License-Identifier: Apache-2.0
// Encoders for the blocks of a scap capture file, in the layout sysdig 0.29.3 reads
// (libscap scap_savefile.c at falcosecurity/libs e5c53d648f3c).
//
// Every block: u32 type | u32 total length | body padded to 4 bytes | u32 total length again.
import { FdInfo, FdType, GroupInfo, IfInfo, MachineInfo, ThreadInfo, UserInfo } from './types';

export const BLOCK = {
  SHB: 0x0a0d0d0a, MI: 0x201, PL_V9: 0x215, FDL_V2: 0x218, EV_V2: 0x216, IL_V2: 0x219, UL_V2: 0x220,
} as const;
const SHB_MAGIC = 0x1a2b3c4d;

/** The longest strings libscap's savefile reader accepts (scap_limits.h; it refuses the whole file
 * otherwise, e.g. "invalid envlen 7318"). Longer values are cut, as libscap's own /proc scan cuts
 * them when it reads cmdline, environ and cgroup files into buffers of these sizes. */
export const LIMIT = {
  PATH: 1024,        // comm, exe, exepath, cwd, root (stlen > 1024 is refused)
  ARGS: 4096,
  ENV: 4096,
  CGROUPS: 4096,
  FDNAME: 1023,      // fd names (stlen >= 1024 is refused)
  IFNAME: 1023,
  CREDENTIAL: 255,   // user name, home, shell; group name (stlen >= 256 is refused)
} as const;

/** A little-endian byte builder. */
export class Bytes {
  buf = Buffer.alloc(4096);
  len = 0;
  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const b = Buffer.alloc(size);
    this.buf.copy(b, 0, 0, this.len);
    this.buf = b;
  }
  u8(v: number): this { this.room(1); this.buf.writeUInt8(v & 0xff, this.len); this.len += 1; return this; }
  u16(v: number): this { this.room(2); this.buf.writeUInt16LE(v & 0xffff, this.len); this.len += 2; return this; }
  u32(v: number): this { this.room(4); this.buf.writeUInt32LE(v >>> 0, this.len); this.len += 4; return this; }
  i32(v: number): this { this.room(4); this.buf.writeInt32LE(v | 0, this.len); this.len += 4; return this; }
  u64(v: number | bigint): this { this.room(8); this.buf.writeBigUInt64LE(BigInt.asUintN(64, BigInt(v)), this.len); this.len += 8; return this; }
  i64(v: number | bigint): this { this.room(8); this.buf.writeBigInt64LE(BigInt.asIntN(64, BigInt(v)), this.len); this.len += 8; return this; }
  raw(b: Uint8Array): this { this.room(b.length); this.buf.set(b, this.len); this.len += b.length; return this; }
  /** u16 length + bytes, no NUL (the savefile's string encoding), cut to at most `max` bytes. */
  str16(s: string | Uint8Array, max = 0xffff): this {
    const b = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
    const n = Math.min(b.length, max, 0xffff);
    return this.u16(n).raw(b.subarray(0, n));
  }
  bytes(): Buffer { return this.buf.subarray(0, this.len); }
}

/** Wraps a body into a block with header, padding and trailer. */
export function block(type: number, body: Uint8Array): Buffer {
  const padded = (body.length + 3) & ~3;
  const total = 8 + padded + 4;
  const b = Buffer.alloc(total);
  b.writeUInt32LE(type, 0);
  b.writeUInt32LE(total, 4);
  b.set(body, 8);
  b.writeUInt32LE(total, total - 4);
  return b;
}

export function sectionHeader(): Buffer {
  return block(BLOCK.SHB, new Bytes().u32(SHB_MAGIC).u16(1).u16(2).u64(0xffffffffffffffffn).bytes());
}

/** MI: num_cpus u32, memory u64, max_pid u64, hostname[128], 4 reserved u64 (180 bytes). */
export function machineInfo(m: MachineInfo): Buffer {
  const host = Buffer.alloc(128);
  host.write(m.hostname.slice(0, 127), 'utf8');
  return block(BLOCK.MI, new Bytes().u32(m.numCpus).u64(m.memoryBytes).u64(m.maxPid).raw(host)
    .u64(0).u64(0).u64(0).u64(0).bytes());
}

/** IL_V2: per address u32 entry length, then type u16, name length u16, addr, netmask, bcast,
 * linkspeed u64, name. Only IPv4 entries are written. */
export function interfaceList(ifs: IfInfo[]): Buffer {
  const b = new Bytes();
  for (const i of ifs.filter((x) => !x.v6)) {
    const name = Buffer.from(i.name, 'utf8').subarray(0, LIMIT.IFNAME);
    b.u32(2 + 2 + 4 + 4 + 4 + 8 + name.length).u16(1).u16(name.length)
      .u32(i.addr).u32(i.netmask).u32(i.bcast).u64(0).raw(name);
  }
  return block(BLOCK.IL_V2, b.bytes());
}

/** UL_V2: users (u32 len, u8 type 0, uid, gid, name, home, shell) then groups (type 1, gid, name). */
export function userList(users: UserInfo[], groups: GroupInfo[]): Buffer {
  const b = new Bytes();
  for (const u of users) {
    const e = new Bytes().u8(0).u32(u.uid).u32(u.gid)
      .str16(u.name, LIMIT.CREDENTIAL).str16(u.home, LIMIT.CREDENTIAL).str16(u.shell, LIMIT.CREDENTIAL).bytes();
    b.u32(4 + e.length).raw(e);
  }
  for (const g of groups) {
    const e = new Bytes().u8(1).u32(g.gid).str16(g.name, LIMIT.CREDENTIAL).bytes();
    b.u32(4 + e.length).raw(e);
  }
  return block(BLOCK.UL_V2, b.bytes());
}

/** PL_V9: one record per thread: u32 record length, then the fields in the order below. */
export function procList(threads: ThreadInfo[]): Buffer {
  const b = new Bytes();
  for (const t of threads) {
    const e = new Bytes()
      .u64(t.tid).u64(t.pid).u64(t.ptid).u64(t.sid).u64(t.vpgid)
      .str16(t.comm, LIMIT.PATH).str16(t.exe, LIMIT.PATH).str16(t.exepath, LIMIT.PATH)
      .str16(t.args, LIMIT.ARGS).str16(t.cwd, LIMIT.PATH)
      .u64(t.fdlimit).u32(t.flags).u32(t.uid).u32(t.gid)
      .u32(t.vmsizeKb).u32(t.vmrssKb).u32(t.vmswapKb).u64(t.pfMajor).u64(t.pfMinor)
      .str16(t.env, LIMIT.ENV).i64(t.vtid).i64(t.vpid).str16(t.cgroups, LIMIT.CGROUPS).str16(t.root, LIMIT.PATH)
      .i32(t.loginuid).u8(t.exeWritable ? 1 : 0)
      .bytes();
    b.u32(4 + e.length).raw(e);
  }
  return block(BLOCK.PL_V9, b.bytes());
}

function fdBody(f: FdInfo): Buffer {
  const e = new Bytes().u64(f.fd).u64(f.ino).u8(f.type);
  switch (f.type) {
    case FdType.IPV4_SOCK:
      e.u32(f.sip ?? 0).u32(f.dip ?? 0).u16(f.sport ?? 0).u16(f.dport ?? 0).u8(f.l4 ?? 0); break;
    case FdType.IPV4_SERVSOCK:
      e.u32(f.ip ?? 0).u16(f.port ?? 0).u8(f.l4 ?? 0); break;
    case FdType.IPV6_SOCK:
      e.raw(f.sip6 ?? Buffer.alloc(16)).raw(f.dip6 ?? Buffer.alloc(16)).u16(f.sport ?? 0).u16(f.dport ?? 0).u8(f.l4 ?? 0); break;
    case FdType.IPV6_SERVSOCK:
      e.raw(f.ip6 ?? Buffer.alloc(16)).u16(f.port ?? 0).u8(f.l4 ?? 0); break;
    case FdType.UNIX_SOCK:
      e.u64(f.source ?? 0n).u64(f.dest ?? 0n).str16(f.name ?? '', LIMIT.FDNAME); break;
    case FdType.FILE_V2:
      e.u32(f.openFlags ?? 0).str16(f.name ?? '', LIMIT.FDNAME).u32(f.dev ?? 0); break;
    default:
      e.str16(f.name ?? '', LIMIT.FDNAME);
  }
  return e.bytes();
}

/** FDL_V2, one block per thread: u64 tid, then per fd u32 length + body. */
export function fdList(t: ThreadInfo): Buffer {
  const b = new Bytes().u64(t.tid);
  for (const f of t.fds) {
    const e = fdBody(f);
    b.u32(4 + e.length).raw(e);
  }
  return block(BLOCK.FDL_V2, b.bytes());
}

/** The whole header of a capture: SHB, MI, IL, UL, PL and the FDL blocks. */
export function fileHeader(s: { machine: MachineInfo; interfaces: IfInfo[]; users: UserInfo[]; groups: GroupInfo[]; threads: ThreadInfo[] }): Buffer[] {
  const out = [sectionHeader(), machineInfo(s.machine), interfaceList(s.interfaces), userList(s.users, s.groups), procList(s.threads)];
  for (const t of s.threads) if (t.fds.length) out.push(fdList(t));
  return out;
}

/** EV_V2 blocks for records back to back; cpus[i] is the CPU of the i-th record (0 if absent). */
export function eventBlocks(records: Uint8Array, cpus?: Uint16Array): { data: Buffer; count: number } {
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  let size = 0, n = 0;
  for (let off = 0; off + 26 <= records.length;) {
    const len = view.getUint32(off + 16, true);
    if (len < 26 || off + len > records.length) break;
    size += 8 + ((2 + len + 3) & ~3) + 4;
    off += len;
    n++;
  }
  const out = Buffer.alloc(size);
  let w = 0, off = 0;
  for (let i = 0; i < n; i++) {
    const len = view.getUint32(off + 16, true);
    const total = 8 + ((2 + len + 3) & ~3) + 4;
    out.writeUInt32LE(BLOCK.EV_V2, w);
    out.writeUInt32LE(total, w + 4);
    out.writeUInt16LE(cpus ? cpus[i] : 0, w + 8);
    out.set(records.subarray(off, off + len), w + 10);
    out.writeUInt32LE(total, w + total - 4);
    w += total;
    off += len;
  }
  return { data: out, count: n };
}
