// SPDX-License-Identifier: Apache-2.0
// Process/thread and file-descriptor state, rebuilt from the capture's process and fd lists
// and from the events. Mirrors sinsp's model: threads of a process that share files
// (CLONE_FILES) use the main thread's fd table.
import { EMPTY, fromAscii } from "../util/bytes";

export const FD_UNKNOWN: u8 = 0;
export const FD_FILE: u8 = 1;
export const FD_DIRECTORY: u8 = 2;
export const FD_IPV4_SOCK: u8 = 3;
export const FD_IPV6_SOCK: u8 = 4;
export const FD_IPV4_SERVSOCK: u8 = 5;
export const FD_IPV6_SERVSOCK: u8 = 6;
export const FD_FIFO: u8 = 7;
export const FD_UNIX_SOCK: u8 = 8;
export const FD_EVENT: u8 = 9;
export const FD_UNSUPPORTED: u8 = 10;
export const FD_SIGNALFD: u8 = 11;
export const FD_EVENTPOLL: u8 = 12;
export const FD_INOTIFY: u8 = 13;
export const FD_TIMERFD: u8 = 14;
export const FD_NETLINK: u8 = 15;
export const FD_FILE_V2: u8 = 16;

export const L4_UNKNOWN: u8 = 0;
export const L4_NA: u8 = 1;
export const L4_TCP: u8 = 2;
export const L4_UDP: u8 = 3;
export const L4_ICMP: u8 = 4;
export const L4_RAW: u8 = 5;

export const ROLE_NONE: u8 = 0;
export const ROLE_CLIENT: u8 = 4;   // sinsp FLAGS_ROLE_CLIENT
export const ROLE_SERVER: u8 = 8;   // sinsp FLAGS_ROLE_SERVER

// thread flags (PPM_CL_*)
export const CL_CLONE_FILES: u32 = 1 << 0;
export const CL_CLONE_FS: u32 = 1 << 1;
export const CL_CLONE_THREAD: u32 = 1 << 13;
export const CL_NAME_CHANGED: u32 = 1 << 17;
export const CL_CLOSED: u32 = 1 << 18;
export const CL_ACTIVE: u32 = 1 << 19;
export const CL_CLONE_INVERTED: u32 = 1 << 16;
export const CL_IS_MAIN_THREAD: u32 = 1 << 30;
export const CL_PIPE_SRC: u32 = 1 << 21;
export const CL_PIPE_DST: u32 = 1 << 22;
export const CL_CHILD_IN_PIDNS: u32 = 1 << 29;

/**
 * One file descriptor. Socket addresses live in one 40-byte union, laid out as sinsp's
 * sinsp_sockinfo, because sysdig reads members through the "wrong" view in places
 * (a bound UDP socket later used with sendmsg), and those names must come out the same:
 *   ipv4 tuple:  sip@0 u32, dip@4 u32, sport@8 u16, dport@10 u16, l4proto@12
 *   ipv4 server: ip@0 u32, port@4 u16, l4proto@6
 *   ipv6 tuple:  sip@0[16], dip@16[16], sport@32, dport@34, l4proto@36
 *   ipv6 server: ip@0[16], port@16, l4proto@18
 *   unix:        source@0 u64, dest@8 u64
 */
export class Fd {
  type: u8 = FD_UNKNOWN;
  role: u8 = ROLE_NONE;       // bit flags: ROLE_CLIENT | ROLE_SERVER
  name: Uint8Array = EMPTY;
  openflags: u32 = 0;
  dev: u32 = 0;
  ino: u64 = 0;
  flags: u32 = 0;
  s: Uint8Array = new Uint8Array(40);

  clone(): Fd {
    const f = new Fd();
    f.type = this.type; f.role = this.role; f.name = this.name;
    f.openflags = this.openflags; f.dev = this.dev; f.ino = this.ino; f.flags = this.flags;
    memory.copy(f.s.dataStart, this.s.dataStart, 40);
    return f;
  }

  // ipv4 tuple view
  get sip(): u32 { return load<u32>(this.s.dataStart); }
  set sip(v: u32) { store<u32>(this.s.dataStart, v); }
  get dip(): u32 { return load<u32>(this.s.dataStart, 4); }
  set dip(v: u32) { store<u32>(this.s.dataStart, v, 4); }
  get sport(): u16 { return load<u16>(this.s.dataStart, 8); }
  set sport(v: u16) { store<u16>(this.s.dataStart, v, 8); }
  get dport(): u16 { return load<u16>(this.s.dataStart, 10); }
  set dport(v: u16) { store<u16>(this.s.dataStart, v, 10); }
  get l4v4(): u8 { return load<u8>(this.s.dataStart, 12); }
  set l4v4(v: u8) { store<u8>(this.s.dataStart, v, 12); }
  // ipv4 server view
  get srvIp(): u32 { return load<u32>(this.s.dataStart); }
  set srvIp(v: u32) { store<u32>(this.s.dataStart, v); }
  get srvPort(): u16 { return load<u16>(this.s.dataStart, 4); }
  set srvPort(v: u16) { store<u16>(this.s.dataStart, v, 4); }
  get srvL4(): u8 { return load<u8>(this.s.dataStart, 6); }
  set srvL4(v: u8) { store<u8>(this.s.dataStart, v, 6); }
  // ipv6 tuple view
  sip6(): Uint8Array { const a = new Uint8Array(16); memory.copy(a.dataStart, this.s.dataStart, 16); return a; }
  dip6(): Uint8Array { const a = new Uint8Array(16); memory.copy(a.dataStart, this.s.dataStart + 16, 16); return a; }
  setSip6(p: usize): void { memory.copy(this.s.dataStart, p, 16); }
  setDip6(p: usize): void { memory.copy(this.s.dataStart + 16, p, 16); }
  get sport6(): u16 { return load<u16>(this.s.dataStart, 32); }
  set sport6(v: u16) { store<u16>(this.s.dataStart, v, 32); }
  get dport6(): u16 { return load<u16>(this.s.dataStart, 34); }
  set dport6(v: u16) { store<u16>(this.s.dataStart, v, 34); }
  get l4v6(): u8 { return load<u8>(this.s.dataStart, 36); }
  set l4v6(v: u8) { store<u8>(this.s.dataStart, v, 36); }
  // ipv6 server view
  get srv6Port(): u16 { return load<u16>(this.s.dataStart, 16); }
  set srv6Port(v: u16) { store<u16>(this.s.dataStart, v, 16); }
  get srv6L4(): u8 { return load<u8>(this.s.dataStart, 18); }
  set srv6L4(v: u8) { store<u8>(this.s.dataStart, v, 18); }
  // unix view
  get usrc(): u64 { return load<u64>(this.s.dataStart); }
  set usrc(v: u64) { store<u64>(this.s.dataStart, v); }
  get udst(): u64 { return load<u64>(this.s.dataStart, 8); }
  set udst(v: u64) { store<u64>(this.s.dataStart, v, 8); }

  isRoleNone(): bool { return (this.role & (ROLE_CLIENT | ROLE_SERVER)) == 0; }
  isServer(): bool { return (this.role & ROLE_SERVER) != 0; }
  isClient(): bool { return (this.role & ROLE_CLIENT) != 0; }
  isUdp(): bool { return this.type == FD_IPV4_SOCK && this.l4v4 == L4_UDP; }
  isTcp(): bool { return this.type == FD_IPV4_SOCK && this.l4v4 == L4_TCP; }

  typeChar(): i32 {
    switch (this.type) {
      case FD_FILE_V2: case FD_FILE: return 0x66; // f
      case FD_IPV4_SOCK: return 0x34; // 4
      case FD_IPV6_SOCK: return 0x36; // 6
      case FD_DIRECTORY: return 0x64; // d
      case FD_IPV4_SERVSOCK: return 0x34; // 4
      case FD_IPV6_SERVSOCK: return 0x36; // 6
      case FD_FIFO: return 0x70; // p
      case FD_UNIX_SOCK: return 0x75; // u
      case FD_EVENT: return 0x65; // e
      case FD_UNKNOWN: return 0x6f; // o
      case FD_UNSUPPORTED: return 0x58; // X
      case FD_SIGNALFD: return 0x73; // s
      case FD_EVENTPOLL: return 0x6c; // l
      case FD_INOTIFY: return 0x69; // i
      case FD_TIMERFD: return 0x74; // t
      case FD_NETLINK: return 0x6e; // n
      default: return 0x3f; // ?
    }
  }

  /** sinsp get_l4proto: an unconnected (role-less) socket has no protocol yet. */
  l4(): u8 {
    if (this.type == FD_IPV4_SOCK) {
      if (this.l4v4 == L4_RAW) return L4_RAW;
      if (this.isRoleNone()) return L4_NA;
      return this.l4v4;
    }
    if (this.type == FD_IPV6_SOCK) {
      if (this.l4v6 == L4_RAW) return L4_RAW;
      if (this.isRoleNone()) return L4_NA;
      return this.l4v6;
    }
    if (this.type == FD_IPV4_SERVSOCK) return this.srvL4;
    if (this.type == FD_IPV6_SERVSOCK) return this.srv6L4;
    return L4_NA;
  }

  isIpSock(): bool {
    return this.type == FD_IPV4_SOCK || this.type == FD_IPV6_SOCK || this.type == FD_IPV4_SERVSOCK || this.type == FD_IPV6_SERVSOCK;
  }
}

export class FdTable {
  map: Map<i64, Fd> = new Map<i64, Fd>();
  get(fd: i64): Fd | null { return this.map.has(fd) ? this.map.get(fd) : null; }
  set(fd: i64, f: Fd): void { this.map.set(fd, f); }
  remove(fd: i64): void { if (this.map.has(fd)) this.map.delete(fd); }
  copy(): FdTable {
    const t = new FdTable();
    const keys = this.map.keys();
    for (let i = 0; i < keys.length; i++) t.map.set(keys[i], this.map.get(keys[i]).clone());
    return t;
  }
}

export const NA = fromAscii("<NA>");
const DOT_SLASH = fromAscii("./");

export class Thread {
  tid: i64 = 0;
  pid: i64 = 0;
  ptid: i64 = -1;
  sid: i64 = -1;
  vpgid: i64 = -1;
  vtid: i64 = -1;
  vpid: i64 = -1;
  comm: Uint8Array = EMPTY;
  exe: Uint8Array = EMPTY;
  exepath: Uint8Array = EMPTY;
  args: Array<Uint8Array> = new Array<Uint8Array>();
  env: Array<Uint8Array> = new Array<Uint8Array>();
  cgroups: Array<Uint8Array> = new Array<Uint8Array>();
  cwd: Uint8Array = EMPTY;
  root: Uint8Array = EMPTY;
  fdlimit: i64 = 0;
  flags: u32 = 0;
  uid: u32 = 0;
  gid: u32 = 0;
  loginuid: u32 = 0xffffffff;
  vmsize: u32 = 0;
  vmrss: u32 = 0;
  vmswap: u32 = 0;
  pfmajor: u64 = 0;
  pfminor: u64 = 0;
  cloneTs: u64 = 0;
  tty: u32 = 0;
  nchilds: i64 = 0;
  fds: FdTable = new FdTable();
  containerId: Uint8Array = EMPTY;
  // per-event bookkeeping
  lastEventType: i32 = -1;
  lastEventFd: i64 = -1;
  lastEnterTs: u64 = 0;
  latency: u64 = 0;
  lastEventValid: bool = false;
  /** Copy of the last stored enter event record (for exit parsers that need its params). */
  enterRec: Uint8Array = EMPTY;
  enterLen: i32 = 0;
  enterType: i32 = -1;

  isMain(): bool { return this.tid == this.pid; }
}

export const threads = new Map<i64, Thread>();
export const users = new Map<u32, Uint8Array>();
export const userHome = new Map<u32, Uint8Array>();
export const userShell = new Map<u32, Uint8Array>();
export const groups = new Map<u32, Uint8Array>();
export const serverPorts = new Set<u16>();

// one-entry cache: consecutive events mostly come from the same thread
let cacheTid: i64 = -0x7fffffffffffffff;
let cacheThread: Thread | null = null;

export function findThread(tid: i64): Thread | null {
  if (tid == cacheTid) return cacheThread;
  const t = threads.has(tid) ? threads.get(tid) : null;
  cacheTid = tid; cacheThread = t;
  return t;
}

export function putThread(t: Thread): void {
  threads.set(t.tid, t);
  if (cacheTid == t.tid) cacheThread = t;
}

export function dropThread(tid: i64): void {
  if (threads.has(tid)) threads.delete(tid);
  if (cacheTid == tid) cacheThread = null;
}

/** The thread whose fd table this thread uses (sinsp get_fd_table). */
export function fdOwner(t: Thread): Thread | null {
  if (!(t.flags & CL_CLONE_FILES)) return t;
  return findThread(t.pid);
}

export function getFd(t: Thread, fd: i64): Fd | null {
  const o = fdOwner(t);
  if (o == null) return null;
  return o.fds.get(fd);
}

export function addFd(t: Thread, fd: i64, f: Fd): Fd {
  const o = fdOwner(t);
  if (o != null) o.fds.set(fd, f);
  return f;
}

export function removeFd(t: Thread, fd: i64): void {
  const o = fdOwner(t);
  if (o != null) o.fds.remove(fd);
}

export function cwdOf(t: Thread): Uint8Array {
  // the cwd is a process property kept on the main thread
  if (t.isMain()) return t.cwd;
  const m = findThread(t.pid);
  return m != null ? m.cwd : DOT_SLASH;
}

/** sinsp's fake entry for an unknown tid: comm/exe "<NA>", no fds. */
export function lookupOrCreate(tid: i64): Thread {
  const found = findThread(tid);
  if (found != null) return found;
  const t = new Thread();
  t.tid = tid; t.pid = tid; t.ptid = -1;
  t.comm = NA; t.exe = NA;
  t.uid = 0xffffffff; t.gid = 0xffffffff; t.loginuid = 0xffffffff;
  putThread(t);
  return t;
}

export function resetState(): void {
  threads.clear(); cacheTid = -0x7fffffffffffffff; cacheThread = null; users.clear(); groups.clear(); serverPorts.clear(); userHome.clear(); userShell.clear();
}

/** Splits a NUL-separated buffer into parts (sinsp set_args/set_env/set_cgroups). */
export function splitNul(p: usize, n: i32): Array<Uint8Array> {
  const out = new Array<Uint8Array>();
  let start = 0;
  for (let i = 0; i < n; i++) {
    if (load<u8>(p + i) == 0) {
      const a = new Uint8Array(i - start);
      memory.copy(a.dataStart, p + start, i - start);
      out.push(a);
      start = i + 1;
    }
  }
  if (start < n) {
    const a = new Uint8Array(n - start);
    memory.copy(a.dataStart, p + start, n - start);
    out.push(a);
  }
  return out;
}
