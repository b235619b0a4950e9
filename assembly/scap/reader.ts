// SPDX-License-Identifier: Apache-2.0
// The block walker. A capture file is a sequence of blocks:
//   type u32 | total_len u32 | body ... | padding to 4 | total_len u32
// The host hands chunks of the (decompressed) file; scan() consumes whole blocks and stops
// at the first incomplete one, or when the output region is nearly full.
import { decodeEvent, evType, evTs, evCpu } from "./event";
import * as T from "./tables.gen";
import {
  Thread, Fd, threads, users, groups, userHome, userShell, NulList, serverPorts,
  FD_IPV4_SOCK, FD_IPV6_SOCK, FD_IPV4_SERVSOCK, FD_IPV6_SERVSOCK, FD_UNIX_SOCK, FD_FILE_V2,
  FD_FILE, FD_DIRECTORY, FD_FIFO, FD_EVENT, FD_UNSUPPORTED, FD_SIGNALFD, FD_EVENTPOLL, FD_INOTIFY,
  FD_TIMERFD, FD_NETLINK, FD_UNKNOWN, L4_TCP, ROLE_CLIENT, ROLE_SERVER, CL_ACTIVE,
} from "../state/tables";
import { fromMem, EMPTY } from "../util/bytes";
import { ipv4TupleName, ipv4ServerName, ipv6TupleName, ipv6ServerName, isMapped } from "../format/net";
import { setCwd, ifAddr, ifMask, ifNet6, updateFdFromInterfaces } from "../state/parse";
import { putThread, markChildDepsPending } from "../state/tables";

export const SHB: u32 = 0x0A0D0D0A;
export const MI: u32 = 0x201;
export const MI_INT: u32 = 0x8002ABCD;
export const PL_V1: u32 = 0x202; export const PL_V1_INT: u32 = 0x8000ABCD;
export const PL_V2: u32 = 0x207; export const PL_V2_INT: u32 = 0x8013ABCD;
export const PL_V3: u32 = 0x209; export const PL_V3_INT: u32 = 0x8014ABCD;
export const PL_V4: u32 = 0x210; export const PL_V5: u32 = 0x211; export const PL_V6: u32 = 0x212;
export const PL_V7: u32 = 0x213; export const PL_V8: u32 = 0x214; export const PL_V9: u32 = 0x215;
export const FDL: u32 = 0x203; export const FDL_INT: u32 = 0x8001ABCD; export const FDL_V2: u32 = 0x218;
export const EV: u32 = 0x204; export const EV_INT: u32 = 0x8010ABCD; export const EV_V2: u32 = 0x216;
export const EV_V2_LARGE: u32 = 0x221;
export const EVF: u32 = 0x208; export const EVF_V2: u32 = 0x217; export const EVF_V2_LARGE: u32 = 0x222;
export const IL: u32 = 0x205; export const IL_INT: u32 = 0x8011ABCD; export const IL_V2: u32 = 0x219;
export const UL: u32 = 0x206; export const UL_INT: u32 = 0x8012ABCD; export const UL_V2: u32 = 0x220;

// error codes reported to the host (with errOffset)
export const ERR_NONE: i32 = 0;
export const ERR_NOT_CAPTURE: i32 = 1;   // first block is not a section header / bad magic
export const ERR_BAD_BLOCK: i32 = 2;     // block length out of range or trailer mismatch
export const ERR_BAD_EVENT: i32 = 3;     // event record inconsistent
export const ERR_BAD_LIST: i32 = 4;      // process/fd/user list entry inconsistent
export const ERR_TRUNCATED: i32 = 5;     // file ends inside a block
export const ERR_VERSION: i32 = 6;

export let errCode: i32 = 0;
export let errOffset: u64 = 0;
export let errBlockType: u32 = 0;
export let needBytes: u32 = 0;       // size of the block that did not fit
export let sawHeader: bool = false;
export let unknownBlocks: i32 = 0;
export let lastUnknownType: u32 = 0;
export let numCpus: u32 = 0;
export let memorySize: u64 = 0;
export let maxPid: u64 = 0;
export let hostname: Uint8Array = EMPTY;

export function resetReader(): void {
  errCode = 0; errOffset = 0; needBytes = 0; sawHeader = false; unknownBlocks = 0; errBlockType = 0;
}

export function fail(code: i32, off: u64, bt: u32): void { errCode = code; errOffset = off; errBlockType = bt; }

export function isEventBlock(bt: u32): bool {
  return bt == EV_V2 || bt == EV || bt == EV_INT || bt == EV_V2_LARGE || bt == EVF || bt == EVF_V2 || bt == EVF_V2_LARGE;
}

/**
 * Decodes the event inside an event block body (body = after the 8-byte block header).
 * Returns false on inconsistency.
 */
export function decodeEventBlock(bt: u32, body: usize, bodyLen: u32): bool {
  if (bodyLen < 2) return false;
  const cpu = <i32>load<u16>(body);
  let p = body + 2;
  let avail = bodyLen - 2;
  if (bt == EVF || bt == EVF_V2 || bt == EVF_V2_LARGE) { if (avail < 4) return false; p += 4; avail -= 4; }
  const v2 = bt == EV_V2 || bt == EV_V2_LARGE || bt == EVF_V2 || bt == EVF_V2_LARGE;
  const large = bt == EV_V2_LARGE || bt == EVF_V2_LARGE;
  return decodeEvent(p, avail, v2 ? 26 : 22, large ? 4 : 2, cpu);
}

// ---- metadata blocks -------------------------------------------------------------------

class Cursor {
  p: usize; end: usize; ok: bool = true;
  constructor(p: usize, end: usize) { this.p = p; this.end = end; }
  need(n: u32): bool { if (this.p + n > this.end) { this.ok = false; return false; } return true; }
  u8(): u8 { if (!this.need(1)) return 0; const v = load<u8>(this.p); this.p += 1; return v; }
  u16(): u16 { if (!this.need(2)) return 0; const v = load<u16>(this.p); this.p += 2; return v; }
  u32(): u32 { if (!this.need(4)) return 0; const v = load<u32>(this.p); this.p += 4; return v; }
  u64(): u64 { if (!this.need(8)) return 0; const v = load<u64>(this.p); this.p += 8; return v; }
  str16(): Uint8Array { const n = this.u16(); if (!this.need(n)) return EMPTY; const a = fromMem(this.p, n); this.p += n; return a; }
  skip(n: u32): void { if (this.need(n)) this.p += n; }
}

export function readMachineInfo(body: usize, len: u32): void {
  if (len < 4 + 8 + 8) return;
  numCpus = load<u32>(body);
  memorySize = load<u64>(body, 4);
  maxPid = load<u64>(body, 12);
  let n = 0;
  const hp = body + 20;
  const max = min<u32>(128, len - 20);
  while (<u32>n < max && load<u8>(hp + n) != 0) n++;
  hostname = fromMem(hp, n);
}

function cstrOf(a: Uint8Array): Uint8Array {
  let n = 0; while (n < a.length && a[n] != 0) n++;
  if (n == a.length) return a;
  return fromMem(a.dataStart, n);
}

export function readProcList(bt: u32, body: usize, len: u32): bool {
  const end = body + len;
  let p = body;
  while (<i32>(end - p) >= 4) {
    const c = new Cursor(p, end);
    let subLen: u32 = 0;
    if (bt == PL_V9) subLen = c.u32();
    const t = new Thread();
    t.tid = <i64>c.u64(); t.pid = <i64>c.u64(); t.ptid = <i64>c.u64();
    if (bt == PL_V6 || bt == PL_V7 || bt == PL_V8 || bt == PL_V9) t.sid = <i64>c.u64();
    if (bt == PL_V8 || bt == PL_V9) t.vpgid = <i64>c.u64();
    t.comm = cstrOf(c.str16());
    t.exe = cstrOf(c.str16());
    if (bt == PL_V7 || bt == PL_V8 || bt == PL_V9) t.exepath = cstrOf(c.str16());
    const argsN = c.u16();
    if (!c.need(argsN)) return false;
    t.argv = NulList.of(c.p, argsN); c.p += argsN;
    const cwd = cstrOf(c.str16());
    t.fdlimit = <i64>c.u64();
    t.flags = c.u32();
    t.uid = c.u32(); t.gid = c.u32();
    if (bt != PL_V1 && bt != PL_V1_INT) {
      t.vmsize = c.u32(); t.vmrss = c.u32(); t.vmswap = c.u32();
      t.pfmajor = c.u64(); t.pfminor = c.u64();
      if (bt != PL_V2 && bt != PL_V2_INT) {
        const en = c.u16();
        if (!c.need(en)) return false;
        t.envv = NulList.of(c.p, en); c.p += en;
        if (bt != PL_V3 && bt != PL_V3_INT) {
          t.vtid = <i64>c.u64(); t.vpid = <i64>c.u64();
          const cn = c.u16();
          if (!c.need(cn)) return false;
          t.cgroupv = NulList.of(c.p, cn); c.p += cn;
          if (bt != PL_V4) t.root = cstrOf(c.str16());
        }
      }
    }
    let read = <u32>(c.p - p);
    if (subLen != 0 && read + 4 <= subLen) { t.loginuid = c.u32(); read += 4; }
    if (!c.ok) return false;
    if (subLen != 0) {
      if (read > subLen) return false;
      c.p = p + subLen;
    }
    if (c.p > end) return false;
    t.flags |= CL_ACTIVE;
    if (t.tid == t.pid) {
      t.cwd = EMPTY;
      putThread(t);
      setCwd(t, cwd.dataStart, cwd.length);
    } else {
      t.cwd = EMPTY;
      putThread(t);
    }
    p = c.p;
  }
  markChildDepsPending();
  return true;
}

const scratch = new Uint8Array(40);
let scratchTid: i64 = -1;

export function readFdList(bt: u32, body: usize, len: u32): bool {
  const end = body + len;
  const c = new Cursor(body, end);
  const tid = <i64>c.u64();
  if (!c.ok) return false;
  const t = threads.has(tid) ? threads.get(tid) : null;
  // sinsp builds every fd of a process in one reused struct, so bytes of the socket union
  // that an entry does not write keep the previous entry's values; sysdig prints them.
  if (tid != scratchTid) { scratchTid = tid; scratch.fill(0); }
  while (c.ok && <i32>(end - c.p) >= 4) {
    const start = c.p;
    let subLen: u32 = 0;
    if (bt == FDL_V2) subLen = c.u32();
    const fdnum = <i64>c.u64();
    const ino = c.u64();
    const type = c.u8();
    const f = new Fd();
    const sock = type == FD_IPV4_SOCK || type == FD_IPV6_SOCK || type == FD_IPV4_SERVSOCK || type == FD_IPV6_SERVSOCK || type == FD_UNIX_SOCK;
    if (sock) memory.copy(f.s.dataStart, scratch.dataStart, 40);
    f.ino = ino;
    f.type = type;
    switch (type) {
      case FD_IPV4_SOCK: {
        f.sip = c.u32(); f.dip = c.u32(); f.sport = c.u16(); f.dport = c.u16(); f.l4v4 = c.u8();
        if (f.l4v4 == L4_TCP) f.setConnected();
        updateFdFromInterfaces(f);
        f.name = ipv4TupleName(f.sip, f.sport, f.dip, f.dport, f.l4v4);
        break;
      }
      case FD_IPV4_SERVSOCK: {
        f.srvIp = c.u32(); f.srvPort = c.u16(); f.srvL4 = c.u8();
        f.name = ipv4ServerName(f.srvIp, f.srvPort, f.srvL4);
        serverPorts.add(f.srvPort);
        break;
      }
      case FD_IPV6_SOCK: {
        if (!c.need(37)) return false;
        const sp = c.p, dp = c.p + 16; c.p += 32;
        const sport = c.u16(), dport = c.u16(), l4 = c.u8();
        if (l4 == L4_TCP) f.setConnected();
        if (isMapped(sp) && isMapped(dp)) {
          f.type = FD_IPV4_SOCK;
          f.sip = load<u32>(sp + 12); f.dip = load<u32>(dp + 12); f.sport = sport; f.dport = dport; f.l4v4 = l4;
          updateFdFromInterfaces(f);
          f.name = ipv4TupleName(f.sip, sport, f.dip, dport, l4);
        } else {
          f.setSip6(sp); f.setDip6(dp); f.sport6 = sport; f.dport6 = dport; f.l4v6 = l4;
          f.name = ipv6TupleName(f.sip6(), sport, f.dip6(), dport, l4);
        }
        break;
      }
      case FD_IPV6_SERVSOCK: {
        if (!c.need(19)) return false;
        f.setSip6(c.p); c.p += 16;
        f.srv6Port = c.u16(); f.srv6L4 = c.u8();
        f.name = ipv6ServerName(f.sip6(), f.srv6Port, f.srv6L4);
        serverPorts.add(f.srv6Port);
        break;
      }
      case FD_UNIX_SOCK: {
        f.usrc = c.u64(); f.udst = c.u64();
        f.name = cstrOf(c.str16());
        f.role = f.name.length == 0 ? ROLE_CLIENT : ROLE_SERVER;
        break;
      }
      case FD_FILE_V2: {
        f.openflags = c.u32();
        f.name = cstrOf(c.str16());
        const read = <u32>(c.p - start);
        if (subLen != 0 && subLen >= read + 4) f.dev = c.u32();
        break;
      }
      case FD_FIFO: case FD_FILE: case FD_DIRECTORY: case FD_UNSUPPORTED: case FD_EVENT:
      case FD_SIGNALFD: case FD_EVENTPOLL: case FD_INOTIFY: case FD_TIMERFD: case FD_NETLINK:
        f.name = cstrOf(c.str16());
        break;
      case FD_UNKNOWN: break;
      default: return false;
    }
    if (!c.ok) return false;
    if (subLen != 0) {
      const read = <u32>(c.p - start);
      if (read > subLen) return false;
      c.p = start + subLen;
    }
    if (f.hasUnion()) memory.copy(scratch.dataStart, f.s.dataStart, 40);
    if (t != null) t.fds.set(fdnum, f);
  }
  return c.ok;
}



export function readUserList(bt: u32, body: usize, len: u32): bool {
  const end = body + len;
  let p = body;
  while (<i32>(end - p) >= 4) {
    const c = new Cursor(p, end);
    let subLen: u32 = 0;
    if (bt == UL_V2) subLen = c.u32();
    const type = c.u8();
    if (type == 0) {
      const uid = c.u32(); c.u32();
      const name = cstrOf(c.str16()); const home = cstrOf(c.str16()); const shell = cstrOf(c.str16());
      if (!c.ok) return false;
      users.set(uid, name); userHome.set(uid, home); userShell.set(uid, shell);
    } else {
      const gid = c.u32();
      const name = cstrOf(c.str16());
      if (!c.ok) return false;
      groups.set(gid, name);
    }
    if (subLen != 0) { if (<u32>(c.p - p) > subLen) return false; c.p = p + subLen; }
    if (c.p > end) return false;
    p = c.p;
  }
  return true;
}

/** Interface list: IPv4 addresses and netmasks (UDP tuple inference, local ends), IPv6 networks. */
export function readIfList(bt: u32, body: usize, len: u32): bool {
  ifAddr.length = 0; ifMask.length = 0; ifNet6.length = 0;
  let p = body;
  const end = body + len;
  while (<i32>(end - p) >= 4) {
    let e = p;
    let entry: u32 = 0;
    if (bt == IL_V2) { entry = load<u32>(p); e = p + 4; }
    if (e + 4 > end) return false;
    const type = load<u16>(e);
    const nl = <u32>load<u16>(e, 2);
    let size: u32;
    if (type == 1) size = 24 + nl;
    else if (type == 3) size = 16 + nl;
    else if (type == 2) size = 60 + nl;
    else if (type == 4) size = 52 + nl;
    else return false;
    if (e + size > end) return false;
    if (type == 1 || type == 3) { ifAddr.push(load<u32>(e, 4)); ifMask.push(load<u32>(e, 8)); }
    else ifNet6.push(load<u64>(e, 4));
    p = bt == IL_V2 ? p + 4 + entry : e + size;
  }
  return true;
}
