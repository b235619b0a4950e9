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
export const ROLE_CLIENT: u8 = 1;
export const ROLE_SERVER: u8 = 2;

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

export class Fd {
  type: u8 = FD_UNKNOWN;
  l4proto: u8 = L4_UNKNOWN;
  role: u8 = ROLE_NONE;
  name: Uint8Array = EMPTY;
  openflags: u32 = 0;
  dev: u32 = 0;
  ino: u64 = 0;
  flags: u32 = 0;
  sip: u32 = 0;
  dip: u32 = 0;
  sport: u16 = 0;
  dport: u16 = 0;
  sip6: Uint8Array = EMPTY;   // 16 bytes when IPv6
  dip6: Uint8Array = EMPTY;
  usrc: u64 = 0;              // unix socket endpoints
  udst: u64 = 0;

  clone(): Fd {
    const f = new Fd();
    f.type = this.type; f.l4proto = this.l4proto; f.role = this.role; f.name = this.name;
    f.openflags = this.openflags; f.dev = this.dev; f.ino = this.ino; f.flags = this.flags;
    f.sip = this.sip; f.dip = this.dip; f.sport = this.sport; f.dport = this.dport;
    f.sip6 = this.sip6; f.dip6 = this.dip6; f.usrc = this.usrc; f.udst = this.udst;
    return f;
  }

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
    if (this.type == FD_IPV4_SOCK || this.type == FD_IPV6_SOCK) {
      if (this.l4proto == L4_RAW) return L4_RAW;
      if (this.role == ROLE_NONE) return L4_NA;
      return this.l4proto;
    }
    if (this.type == FD_IPV4_SERVSOCK || this.type == FD_IPV6_SERVSOCK) return this.l4proto;
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
  enterType: i32 = -1;

  isMain(): bool { return this.tid == this.pid; }
}

export const threads = new Map<i64, Thread>();
export const users = new Map<u32, Uint8Array>();
export const userHome = new Map<u32, Uint8Array>();
export const userShell = new Map<u32, Uint8Array>();
export const groups = new Map<u32, Uint8Array>();
export const serverPorts = new Set<u16>();

export function findThread(tid: i64): Thread | null {
  return threads.has(tid) ? threads.get(tid) : null;
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
  if (threads.has(tid)) return threads.get(tid);
  const t = new Thread();
  t.tid = tid; t.pid = tid; t.ptid = -1;
  t.comm = NA; t.exe = NA;
  t.uid = 0xffffffff; t.gid = 0xffffffff; t.loginuid = 0xffffffff;
  threads.set(tid, t);
  return t;
}

export function resetState(): void {
  threads.clear(); users.clear(); groups.clear(); serverPorts.clear(); userHome.clear(); userShell.clear();
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
