// SPDX-License-Identifier: Apache-2.0
// Process/thread and file-descriptor state, rebuilt from the capture's process and fd lists
// and from the events. Mirrors sinsp's model: threads of a process that share files
// (CLONE_FILES) use the main thread's fd table.
import { EMPTY, fromAscii, fromMem } from "../util/bytes";

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

// Fd.flags (sinsp_fdinfo_t flags)
export const FDF_SOCKET_CONNECTED: u32 = 1 << 13;

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
  /** the name when the fd was last looked up (sinsp m_oldname): fd.name_changed */
  oldName: Uint8Array = EMPTY;
  openflags: u32 = 0;
  dev: u32 = 0;
  ino: u64 = 0;
  flags: u32 = 0;
  private _s: Uint8Array | null = null;
  /** The socket union, allocated on first use (most fds are files and never need it). */
  get s(): Uint8Array {
    let u = this._s;
    if (u == null) { u = new Uint8Array(40); this._s = u; }
    return u!;
  }
  hasUnion(): bool { return this._s != null; }

  clone(): Fd {
    const f = new Fd();
    f.type = this.type; f.role = this.role; f.name = this.name; f.oldName = this.oldName;
    f.openflags = this.openflags; f.dev = this.dev; f.ino = this.ino; f.flags = this.flags;
    if (this._s != null) memory.copy(f.s.dataStart, this._s!.dataStart, 40);
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

  isConnected(): bool { return (this.flags & FDF_SOCKET_CONNECTED) != 0; }
  /** sinsp set_socket_connected (connection tracking is off in sysdig: no pending/failed states). */
  setConnected(): void { this.flags |= FDF_SOCKET_CONNECTED; }

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
  map: I64Map<Fd> = new I64Map<Fd>(16);
  get(fd: i64): Fd | null { return this.map.getOrNull(fd); }
  set(fd: i64, f: Fd): void { this.map.set(fd, f); }
  remove(fd: i64): void { this.map.delete(fd); }
  copy(): FdTable {
    const t = new FdTable();
    const m = this.map;
    for (let i = 0; i < m.capacity(); i++) if (m.isLive(i)) t.map.set(m.keyAt(i), m.valueAt(i).clone());
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
  /** args, env and cgroups as NUL-separated bytes, split only when a field asks for them */
  argv: NulList = NO_LIST;
  envv: NulList = NO_LIST;
  cgroupv: NulList = NO_LIST;
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
  /** made on first use: threads that share their process's table (CLONE_FILES) never need one */
  private fdTable: FdTable | null = null;
  containerId: Uint8Array = EMPTY;
  /** The cgroup list last found to hold no container id (container.id is asked for per event). */
  noContainerIn: NulList | null = null;
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
  get fds(): FdTable { let t = this.fdTable; if (t == null) { t = new FdTable(); this.fdTable = t; } return t; }
  set fds(t: FdTable) { this.fdTable = t; }
  get args(): Array<Uint8Array> { return this.argv.items; }
  get env(): Array<Uint8Array> { return this.envv.items; }
  get cgroups(): Array<Uint8Array> { return this.cgroupv.items; }
}

/** An immutable NUL-separated list (sinsp set_args/set_env/set_cgroups): one copy of the bytes
 *  when the event is parsed, the parts made on first use (most threads never need them). */
export class NulList {
  private parts: Array<Uint8Array> | null = null;
  constructor(readonly raw: Uint8Array) {}
  static of(p: usize, n: i32): NulList { return n <= 0 ? NO_LIST : new NulList(fromMem(p, n)); }
  get items(): Array<Uint8Array> {
    let l = this.parts;
    if (l == null) { l = splitNul(this.raw.dataStart, this.raw.length); this.parts = l; }
    return l;
  }
}
export const NO_LIST = new NulList(new Uint8Array(0));

/**
 * Thread and fd tables: open addressing with linear probing and Fibonacci hashing, kept at
 * most half full (a Map lookup per event was the largest single cost of a filter run).
 * The API mirrors the parts of Map the core uses.
 */
export class I64Map<T> {
  keyArr: StaticArray<i64>;
  valArr: StaticArray<T | null>;
  used: StaticArray<u8>;   // 0 empty, 1 live, 2 deleted
  count: i32 = 0;
  filled: i32 = 0;
  mask: i32;

  constructor(cap: i32 = 16) {
    this.keyArr = new StaticArray<i64>(cap); this.valArr = new StaticArray<T | null>(cap);
    this.used = new StaticArray<u8>(cap); this.mask = cap - 1;
  }

  get size(): i32 { return this.count; }

  // @ts-ignore: decorator
  @inline private slot(k: i64): i32 { return <i32>((<u64>k * 0x9E3779B97F4A7C15) >> 40) & this.mask; }

  private find(k: i64): i32 {
    let i = this.slot(k);
    while (true) {
      const u = unchecked(this.used[i]);
      if (u == 0) break;
      if (u == 1 && unchecked(this.keyArr[i]) == k) return i;
      i = (i + 1) & this.mask;
    }
    return -1;
  }

  has(k: i64): bool { return this.find(k) >= 0; }
  get(k: i64): T { const i = this.find(k); return unchecked(this.valArr[i])!; }
  getOrNull(k: i64): T | null { const i = this.find(k); return i < 0 ? null : unchecked(this.valArr[i]); }

  set(k: i64, v: T): void {
    const i0 = this.find(k);
    if (i0 >= 0) { unchecked(this.valArr[i0] = v); return; }
    if ((this.filled + 1) * 2 > this.mask + 1) this.rehash();
    let i = this.slot(k);
    while (unchecked(this.used[i]) == 1) i = (i + 1) & this.mask;
    if (unchecked(this.used[i]) == 0) this.filled++;
    unchecked(this.used[i] = 1); unchecked(this.keyArr[i] = k); unchecked(this.valArr[i] = v);
    this.count++;
  }

  delete(k: i64): void {
    const i = this.find(k);
    if (i < 0) return;
    unchecked(this.used[i] = 2); unchecked(this.valArr[i] = null);
    this.count--;
  }

  clear(): void {
    this.keyArr = new StaticArray<i64>(16); this.valArr = new StaticArray<T | null>(16);
    this.used = new StaticArray<u8>(16); this.count = 0; this.filled = 0; this.mask = 15;
  }

  values(): Array<T> {
    const out = new Array<T>();
    for (let i = 0; i <= this.mask; i++) if (unchecked(this.used[i]) == 1) out.push(unchecked(this.valArr[i])!);
    return out;
  }

  keys(): Array<i64> {
    const out = new Array<i64>();
    for (let i = 0; i <= this.mask; i++) if (unchecked(this.used[i]) == 1) out.push(unchecked(this.keyArr[i]));
    return out;
  }

  /** Slot iteration without allocating: live slots have isLive(i). */
  capacity(): i32 { return this.mask + 1; }
  isLive(i: i32): bool { return unchecked(this.used[i]) == 1; }
  valueAt(i: i32): T { return unchecked(this.valArr[i])!; }
  keyAt(i: i32): i64 { return unchecked(this.keyArr[i]); }

  private rehash(): void {
    const ok = this.keyArr, ov = this.valArr, ou = this.used, on = this.mask + 1;
    let size = on;
    if ((this.count + 1) * 2 > on) size = on << 1;
    this.keyArr = new StaticArray<i64>(size); this.valArr = new StaticArray<T | null>(size);
    this.used = new StaticArray<u8>(size); this.mask = size - 1; this.count = 0; this.filled = 0;
    for (let i = 0; i < on; i++) if (unchecked(ou[i]) == 1) this.set(unchecked(ok[i]), unchecked(ov[i])!);
  }
}

export const threads = new I64Map<Thread>(1024);
export const users = new Map<u32, Uint8Array>();
export const userHome = new Map<u32, Uint8Array>();
export const userShell = new Map<u32, Uint8Array>();
export const groups = new Map<u32, Uint8Array>();
export const serverPorts = new Set<u16>();

// a small direct-mapped cache in front of the table: events come from few threads at a time
const CACHE = 4096;
const cacheKeys = new StaticArray<i64>(CACHE).fill(-0x7fffffffffffffff);
const cacheVals = new StaticArray<Thread | null>(CACHE);
export function findThread(tid: i64): Thread | null {
  const slot = <i32>tid & (CACHE - 1);
  if (unchecked(cacheKeys[slot]) == tid) return unchecked(cacheVals[slot]);
  const t = threads.getOrNull(tid);
  unchecked(cacheKeys[slot] = tid); unchecked(cacheVals[slot] = t);
  return t;
}

function cacheForget(tid: i64): void {
  const slot = <i32>tid & (CACHE - 1);
  if (unchecked(cacheKeys[slot]) == tid) { unchecked(cacheKeys[slot] = -0x7fffffffffffffff); unchecked(cacheVals[slot] = null); }
}

export function putThread(t: Thread): void {
  threads.set(t.tid, t);
  cacheForget(t.tid);
}

export function dropThread(tid: i64): void {
  threads.delete(tid);
  cacheForget(tid);
}

/** The thread whose fd table this thread uses (sinsp get_fd_table). */
export function fdOwner(t: Thread): Thread | null {
  if (!(t.flags & CL_CLONE_FILES)) return t;
  return findThread(t.pid);
}

export function getFd(t: Thread, fd: i64): Fd | null {
  const o = fdOwner(t);
  if (o == null) return null;
  const f = o.fds.get(fd);
  if (f != null) f.oldName = f.name;   // sinsp get_fd: its current name is now its old one
  return f;
}

/** sinsp add_fd: the new fd also becomes the thread's last-used fd. */
export function addFd(t: Thread, fd: i64, f: Fd): Fd {
  const o = fdOwner(t);
  if (o != null) o.fds.set(fd, f);
  t.lastEventFd = fd;
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

/** sinsp's fake entry for an unknown tid: comm/exe "<NA>", no fds; its child count comes from a table scan. */
export function lookupOrCreate(tid: i64): Thread {
  const found = findThread(tid);
  if (found != null) return found;
  const t = new Thread();
  t.tid = tid; t.pid = tid; t.ptid = -1;
  t.comm = NA; t.exe = NA; t.fdlimit = -1;
  t.uid = 0xffffffff; t.gid = 0xffffffff; t.loginuid = 0xffffffff;
  let n: i64 = 0;
  const m = threads;
  for (let i = 0; i < m.capacity(); i++) if (m.isLive(i) && m.valueAt(i).pid == tid) n++;
  t.nchilds = n;
  putThread(t);
  return t;
}

// ---- sinsp m_nchilds: the number of threads (CLONE_THREAD) a main thread has -------------

/** The proc list was loaded: sinsp builds the child counts once before the first event. */
let childDepsPending = false;
export function markChildDepsPending(): void { childDepsPending = true; }
export function childDepsArePending(): bool { return childDepsPending; }

/** sinsp increment_mainthread_childcount (the main thread is created if it is unknown). */
export function countChild(t: Thread): void {
  if (t.flags & CL_CLONE_THREAD) lookupOrCreate(t.pid).nchilds++;
}

/** sinsp create_child_dependencies. */
export function createChildDeps(): void {
  childDepsPending = false;
  const all = threads.values();
  for (let i = 0; i < all.length; i++) countChild(all[i]);
}

/** sinsp recreate_child_dependencies. */
function recreateChildDeps(): void {
  const all = threads.values();
  for (let i = 0; i < all.length; i++) all[i].nchilds = 0;
  createChildDeps();
}

/**
 * sinsp remove_thread: a thread that still has threads is kept unless forced; removing a thread
 * decrements its main thread's count, and a forced removal of a counted thread recounts all.
 */
export function removeThread(tid: i64, force: bool): void {
  const t = findThread(tid);
  if (t == null) return;
  const n = t.nchilds;
  if (n != 0 && !force) return;
  if (t.flags & CL_CLONE_THREAD) {
    const m = findThread(t.pid);
    if (m != null && m.nchilds > 0) m.nchilds--;
  }
  dropThread(tid);
  if (n != 0) recreateChildDeps();
}

export function resetState(): void {
  childDepsPending = false;
  threads.clear(); cacheKeys.fill(-0x7fffffffffffffff); for (let i = 0; i < CACHE; i++) cacheVals[i] = null; users.clear(); groups.clear(); serverPorts.clear(); userHome.clear(); userShell.clear();
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
