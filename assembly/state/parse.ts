// SPDX-License-Identifier: Apache-2.0
// The state engine: each event updates threads and fds the way sinsp's parser does, so that
// names and fds resolve exactly as sysdig prints them.
import {
  evTid, evTs, evType, evNParams, pOff, pLen, pI64, pU32, pU16, pU8, pStr, decodeEvent,
} from "../scap/event";
import * as T from "../scap/tables.gen";
import {
  Thread, Fd, threads, findThread, lookupOrCreate, getFd, addFd, removeFd, fdOwner, cwdOf, NulList,
  FD_FILE_V2, FD_DIRECTORY, FD_IPV4_SOCK, FD_IPV6_SOCK, FD_IPV4_SERVSOCK, FD_IPV6_SERVSOCK, FD_UNIX_SOCK,
  FD_FIFO, FD_EVENT, FD_SIGNALFD, FD_TIMERFD, FD_INOTIFY, FD_NETLINK, FD_UNKNOWN,
  L4_UNKNOWN, L4_TCP, L4_UDP, L4_ICMP, L4_RAW, ROLE_NONE, ROLE_CLIENT, ROLE_SERVER,
  CL_CLONE_THREAD, CL_CLONE_INVERTED, CL_CHILD_IN_PIDNS, CL_ACTIVE, CL_CLOSED, CL_PIPE_SRC, CL_PIPE_DST,
  CL_IS_MAIN_THREAD, CL_NAME_CHANGED, NA, FdTable,
} from "./tables";
import { joinPaths } from "./paths";
import { putThread, removeThread, countChild, childDepsArePending, createChildDeps } from "./tables";
import { EMPTY, eq, eqAscii, fromAscii, cstr, fromMem, Builder } from "../util/bytes";
import { sockTupleName, sockAddrName, ipv4ServerName, ipv6ServerName, ipv4TupleName, ipv6TupleName, ipv4PairName, ipv6PairName, isMapped } from "../format/net";

/** IPv4 interfaces from the capture (address, netmask), for update_fd. */
export const ifAddr = new Array<u32>();
export const ifMask = new Array<u32>();
/** IPv6 interfaces from the capture: the first 64 bits of each address (sinsp compares only those). */
export const ifNet6 = new Array<u64>();

export let curThread: Thread | null = null;
export let curFd: Fd | null = null;
export let curErrno: i32 = 0;
/** sinsp fdinfo_name_changed: set once the event is parsed and has passed the engine filter (so
 *  that filter always sees false, as in sysdig); output and display filters see the result. */
export let fdNameChanged: bool = false;
export function noteFdNameChange(): void {
  const f = curFd;
  fdNameChanged = f != null && f.name !== f.oldName && !eq(f.name, f.oldName);
}

// delayed removals (sinsp removes a closed fd / exited thread when the next event arrives)
let tidToRemove: i64 = -1;
let fdRemoveTid: i64 = -1;
const fdsToRemove = new Array<i64>();

const PPM_AF_UNIX: u8 = 1;
const PPM_AF_INET: u8 = 2;
const PPM_AF_INET6: u8 = 10;
const PPM_AF_NETLINK: u32 = 16;
const PPM_AT_FDCWD: i64 = -100;
const PPM_O_DIRECTORY: u32 = 1 << 10;
const CLONE_STALE_TIME_NS: u64 = 2000000000;

function isEnter(t: i32): bool { return (t & 1) == 0; }

// @ts-ignore: decorator
@inline export function applyDelayed(): void {
  if (tidToRemove != -1 || fdsToRemove.length != 0) applyDelayedNow();
}

function applyDelayedNow(): void {
  if (tidToRemove != -1) { removeThread(tidToRemove, false); tidToRemove = -1; }
  if (fdsToRemove.length != 0) {
    const t = findThread(fdRemoveTid);
    if (t != null) for (let i = 0; i < fdsToRemove.length; i++) removeFd(t, fdsToRemove[i]);
    fdsToRemove.length = 0;
  }
}


function isSchedSwitch(t: i32): bool { return t == T.PPME_SCHEDSWITCH_6_E || t == T.PPME_SCHEDSWITCH_1_E; }

function isCloneExit(t: i32): bool {
  return t == T.PPME_SYSCALL_CLONE_11_X || t == T.PPME_SYSCALL_CLONE_16_X || t == T.PPME_SYSCALL_CLONE_17_X ||
    t == T.PPME_SYSCALL_CLONE_20_X || t == T.PPME_SYSCALL_FORK_X || t == T.PPME_SYSCALL_FORK_17_X ||
    t == T.PPME_SYSCALL_FORK_20_X || t == T.PPME_SYSCALL_VFORK_X || t == T.PPME_SYSCALL_VFORK_17_X ||
    t == T.PPME_SYSCALL_VFORK_20_X || t == T.PPME_SYSCALL_CLONE3_X;
}

/** Per event type: the first parameter is named "res" or "fd" (sinsp's error detection). */
const firstIsResOrFd = new StaticArray<bool>(T.EVENT_COUNT);
/** Enter events whose parameters the exit parser needs (sinsp store_event). */
const storeOnEnter = new StaticArray<bool>(T.EVENT_COUNT);

export function initParseTables(): void {
  const st: i32[] = [T.PPME_SOCKET_SENDTO_E, T.PPME_SYSCALL_OPEN_E, T.PPME_SYSCALL_CREAT_E, T.PPME_SYSCALL_OPENAT_E,
    T.PPME_SYSCALL_OPENAT_2_E, T.PPME_SYSCALL_OPENAT2_E, T.PPME_SOCKET_SOCKET_E, T.PPME_SYSCALL_EVENTFD_E,
    T.PPME_SYSCALL_CHDIR_E, T.PPME_SYSCALL_FCHDIR_E, T.PPME_SOCKET_SHUTDOWN_E, T.PPME_SYSCALL_GETRLIMIT_E,
    T.PPME_SYSCALL_SETRLIMIT_E, T.PPME_SYSCALL_PRLIMIT_E, T.PPME_SOCKET_SENDMSG_E, T.PPME_SYSCALL_SENDFILE_E,
    T.PPME_SYSCALL_SETRESUID_E, T.PPME_SYSCALL_SETRESGID_E, T.PPME_SYSCALL_SETUID_E, T.PPME_SYSCALL_SETGID_E,
    T.PPME_SYSCALL_EXECVE_18_E, T.PPME_SYSCALL_EXECVE_19_E, T.PPME_SYSCALL_EXECVEAT_E, T.PPME_SYSCALL_SETPGID_E];
  for (let i = 0; i < st.length; i++) storeOnEnter[st[i]] = true;
  for (let e = 0; e < T.EVENT_COUNT; e++) {
    if (T.EVT_NPARAMS[e] == 0) continue;
    const n0 = T.PARAM_NAME[T.EVT_PARAM_START[e]];
    firstIsResOrFd[e] = n0 == "res" || n0 == "fd";
  }
}

/** sinsp_parser::reset: attach thread and fd, latency bookkeeping. */
/** sinsp reset. With full=false (an event the filter drops before parsing) only the thread's
 *  pairing and timing state is kept up to date: no fd lookup, no errno. */
function reset(full: bool): void {
  const et = evType;
  fdNameChanged = false;
  const eflags = unchecked(T.EVT_FLAGS[et]);
  curFd = null;
  curErrno = 0;
  curThread = null;
  if (eflags & T.EF_SKIPPARSERESET) {
    // a skipped event (full false) leaves no thread behind: nothing reads it before the next
    // event's reset, and the lookup misses for most procinfo events (one per thread of the
    // machine, most of them never seen otherwise)
    if (full && et == T.PPME_PROCINFO_E) curThread = findThread(evTid);
    return;
  }
  if (et == T.PPME_CONTAINER_JSON_E || et == T.PPME_CONTAINER_JSON_2_E) return;
  const queryOs = !(isCloneExit(et) || et == T.PPME_SCHEDSWITCH_6_E);
  curThread = queryOs ? lookupOrCreate(evTid) : findThread(evTid);
  if (et == T.PPME_SCHEDSWITCH_6_E) return;
  const t = curThread;
  if (t == null) return;
  if (queryOs) t.flags |= CL_ACTIVE;
  if (isEnter(et)) {
    t.lastEventFd = -1;
    t.lastEventType = et;
    if ((eflags & T.EF_USES_FD) && evNParams > 0) {
      t.lastEventFd = pI64(0);
      if (full) curFd = getFd(t, t.lastEventFd);
    }
    t.latency = 0;
    t.lastEnterTs = evTs;
  } else {
    if (t.lastEnterTs != 0) t.latency = evTs - t.lastEnterTs;
    if (et == t.lastEventType + 1) t.lastEventValid = true;
    else { t.lastEventValid = false; if (t.lastEventType != T.PPME_TRACER_E) return; }
    if (!full) return;
    if (evNParams != 0 && unchecked(firstIsResOrFd[et])) {
      const r = pI64(0);
      if (r < 0) curErrno = <i32>(-r);
    }
    if (eflags & T.EF_USES_FD) {
      if (et == T.PPME_SYSCALL_COPY_FILE_RANGE_X && evNParams > 1) t.lastEventFd = load<i64>(unchecked(pOff[1]));
      curFd = getFd(t, t.lastEventFd);
    }
  }
}

// ---- stored enter events -------------------------------------------------------------

function storeEvent(): void {
  const t = curThread;
  if (t == null) return;
  // normalised v2 copy: 26-byte header, u16 lengths, data (v1 and large records alike);
  // the thread's buffer is reused, so storing costs no allocation once it is big enough
  const n = evNParams;
  let data: u32 = 0;
  for (let i = 0; i < n; i++) data += unchecked(pLen[i]);
  const total = 26 + n * 2 + <i32>data;
  if (t.enterRec.length < total) t.enterRec = new Uint8Array(max(total, 256));
  const p = t.enterRec.dataStart;
  memory.copy(p, evPtr, 22);
  store<u32>(p, <u32>total, 16);
  store<u32>(p, <u32>n, 22);
  let off: usize = 26 + n * 2;
  for (let i = 0; i < n; i++) {
    const l = unchecked(pLen[i]);
    store<u16>(p + 26 + i * 2, <u16>min<u32>(l, 0xffff));
    memory.copy(p + off, unchecked(pOff[i]), l);
    off += l;
  }
  t.enterLen = total;
  t.enterType = evType;
}

import { evPtr } from "../scap/event";

// enter-event params, decoded from the stored copy
const eOff = new StaticArray<usize>(64);
const eLen = new StaticArray<u32>(64);
let eN: i32 = 0;

function retrieveEnter(): bool {
  const t = curThread;
  if (t == null || t.enterLen < 26 || !t.lastEventValid) return false;
  if (t.enterType != evType - 1) { t.lastEventValid = false; return false; }
  const p = t.enterRec.dataStart;
  const n = <i32>load<u32>(p, 22);
  let off: u32 = 26 + <u32>n * 2;
  if (n > 64 || off > <u32>t.enterLen) return false;
  for (let i = 0; i < n; i++) {
    const l = <u32>load<u16>(p + 26 + i * 2);
    unchecked(eOff[i] = p + off);
    unchecked(eLen[i] = l);
    off += l;
  }
  eN = n;
  return true;
}

function eI64(i: i32): i64 { return i < eN && unchecked(eLen[i]) >= 8 ? load<i64>(unchecked(eOff[i])) : 0; }
function eU32(i: i32): u32 { return i < eN && unchecked(eLen[i]) >= 4 ? load<u32>(unchecked(eOff[i])) : 0; }
function eU8(i: i32): u8 { return i < eN && unchecked(eLen[i]) >= 1 ? load<u8>(unchecked(eOff[i])) : 0xff; }

// ---- entry point ------------------------------------------------------------------------

/** Delayed removals and sinsp_parser::reset (thread, fd, latency). */
export function prepareEvent(): void {
  if (childDepsArePending()) createChildDeps();
  applyDelayed();
  reset(true);
}

/** An event the engine filter drops by its type alone (it does not change state): the thread
 *  bookkeeping of prepareEvent and markFilteredOut, nothing else. */
export function skipEvent(): void {
  if (childDepsArePending()) createChildDeps();
  applyDelayed();
  reset(false);
  markFilteredOut();
}

/** sinsp drops a filtered-out event's pairing state so its exit does not resolve. */
export function markFilteredOut(): void {
  const t = curThread;
  if (t == null) return;
  const eflags = unchecked(T.EVT_FLAGS[evType]);
  if (!((eflags & T.EF_SKIPPARSERESET) != 0 || evType == T.PPME_SCHEDSWITCH_6_E)) t.lastEventType = T.EVENT_COUNT;
}

/** sinsp_parser::event_cleanup: an exit event that is returned (not filtered out) drops its
 *  thread's stored enter event, so a later exit of the same type cannot pair with it (e.g. an
 *  F_GETFD fcntl exit read as the dup of an earlier F_DUPFD). */
export function cleanupEvent(): void {
  const t = curThread;
  if (t == null || isEnter(evType)) return;
  t.enterLen = 0;
  t.lastEventValid = false;
}

/** The parser switch (after reset). */
export function parseEvent(): void {
  const et = evType;
  if (unchecked(storeOnEnter[et])) { storeEvent(); return; }
  switch (et) {
    case T.PPME_SYSCALL_READ_X: case T.PPME_SYSCALL_WRITE_X: case T.PPME_SOCKET_RECV_X: case T.PPME_SOCKET_SEND_X:
    case T.PPME_SOCKET_RECVFROM_X: case T.PPME_SOCKET_RECVMSG_X: case T.PPME_SOCKET_SENDTO_X: case T.PPME_SOCKET_SENDMSG_X:
    case T.PPME_SYSCALL_READV_X: case T.PPME_SYSCALL_WRITEV_X: case T.PPME_SYSCALL_PREAD_X: case T.PPME_SYSCALL_PWRITE_X:
    case T.PPME_SYSCALL_PREADV_X: case T.PPME_SYSCALL_PWRITEV_X:
      parseRwExit(); break;
    case T.PPME_SYSCALL_OPEN_X: case T.PPME_SYSCALL_CREAT_X: case T.PPME_SYSCALL_OPENAT_X:
    case T.PPME_SYSCALL_OPENAT_2_X: case T.PPME_SYSCALL_OPENAT2_X:
      parseOpenExit(); break;
    case T.PPME_SYSCALL_CLONE_11_X: case T.PPME_SYSCALL_CLONE_16_X: case T.PPME_SYSCALL_CLONE_17_X:
    case T.PPME_SYSCALL_CLONE_20_X: case T.PPME_SYSCALL_FORK_X: case T.PPME_SYSCALL_FORK_17_X:
    case T.PPME_SYSCALL_FORK_20_X: case T.PPME_SYSCALL_VFORK_X: case T.PPME_SYSCALL_VFORK_17_X:
    case T.PPME_SYSCALL_VFORK_20_X: case T.PPME_SYSCALL_CLONE3_X:
      parseCloneExit(); break;
    case T.PPME_SYSCALL_EXECVE_8_X: case T.PPME_SYSCALL_EXECVE_13_X: case T.PPME_SYSCALL_EXECVE_14_X:
    case T.PPME_SYSCALL_EXECVE_15_X: case T.PPME_SYSCALL_EXECVE_16_X: case T.PPME_SYSCALL_EXECVE_17_X:
    case T.PPME_SYSCALL_EXECVE_18_X: case T.PPME_SYSCALL_EXECVE_19_X: case T.PPME_SYSCALL_EXECVEAT_X:
      parseExecveExit(); break;
    case T.PPME_PROCEXIT_E: case T.PPME_PROCEXIT_1_E:
      if (curThread != null) { curThread!.flags |= CL_CLOSED; tidToRemove = evTid; }
      break;
    case T.PPME_SYSCALL_PIPE_X: parsePipeExit(); break;
    case T.PPME_CONTAINER_JSON_E: case T.PPME_CONTAINER_JSON_2_E: parseContainerJson(); break;
    case T.PPME_SOCKET_SOCKET_X: parseSocketExit(); break;
    case T.PPME_SOCKET_BIND_X: parseBindExit(); break;
    case T.PPME_SOCKET_CONNECT_E: parseConnectEnter(); break;
    case T.PPME_SOCKET_CONNECT_X: parseConnectExit(); break;
    case T.PPME_SOCKET_ACCEPT_X: case T.PPME_SOCKET_ACCEPT_5_X: case T.PPME_SOCKET_ACCEPT4_X: case T.PPME_SOCKET_ACCEPT4_5_X:
      parseAcceptExit(); break;
    case T.PPME_SYSCALL_CLOSE_X: parseCloseExit(); break;
    case T.PPME_SYSCALL_FCNTL_E:
      if (curThread != null && evNParams > 1) { const cmd = pU8(1); if (cmd == 1 /*F_DUPFD*/ || cmd == 26 /*F_DUPFD_CLOEXEC*/) storeEvent(); }
      break;
    case T.PPME_SYSCALL_FCNTL_X:
      if (retrieveEnter() && pI64(0) >= 0 && curFd != null && curThread != null) curFd = addFd(curThread!, pI64(0), curFd!.clone());
      break;
    case T.PPME_SYSCALL_EVENTFD_X: simpleFd(FD_EVENT); break;
    case T.PPME_SYSCALL_SIGNALFD_X: simpleFd(FD_SIGNALFD); break;
    case T.PPME_SYSCALL_TIMERFD_CREATE_X: simpleFd(FD_TIMERFD); break;
    case T.PPME_SYSCALL_INOTIFY_INIT_X: simpleFd(FD_INOTIFY); break;
    case T.PPME_SYSCALL_CHDIR_X:
      if (curThread != null && pI64(0) >= 0 && evNParams > 1) setCwd(curThread!, unchecked(pOff[1]), <i32>unchecked(pLen[1]));
      break;
    case T.PPME_SYSCALL_FCHDIR_X:
      if (pI64(0) >= 0 && curFd != null && curThread != null) setCwd(curThread!, curFd!.name.dataStart, curFd!.name.length);
      break;
    case T.PPME_SYSCALL_GETCWD_X:
      if (pI64(0) >= 0 && curThread != null && evNParams > 1) setCwd(curThread!, unchecked(pOff[1]), <i32>unchecked(pLen[1]));
      break;
    case T.PPME_SYSCALL_DUP_X: parseDupExit(); break;
    case T.PPME_SCHEDSWITCH_6_E:
      // sinsp parse_context_switch: the thread's page faults, the main thread's memory sizes
      if (curThread != null && evNParams >= 6) {
        const t = curThread!;
        t.pfmajor = <u64>pI64(1); t.pfminor = <u64>pI64(2);
        const m = t.isMain() ? t : findThread(t.pid);
        if (m != null) { m.vmsize = pU32(3); m.vmrss = pU32(4); m.vmswap = pU32(5); }
      }
      break;
    case T.PPME_SOCKET_GETSOCKOPT_X:
      // sinsp: the fd comes from the main thread's table; the SO_ERROR status only with connection tracking (off)
      if (evNParams > 1 && curThread != null) {
        const t = curThread!;
        const fd = pI64(1);
        const m = t.isMain() ? t : findThread(t.pid);
        curFd = m != null ? getFd(m, fd) : null;
        t.lastEventFd = fd;
      }
      break;
    case T.PPME_SOCKET_SOCKETPAIR_X: parseSocketpairExit(); break;
    case T.PPME_SYSCALL_SETUID_X:
      if (retrieveEnter() && pI64(0) >= 0 && curThread != null) curThread!.uid = eU32(0);
      break;
    case T.PPME_SYSCALL_SETGID_X:
      if (retrieveEnter() && pI64(0) >= 0 && curThread != null) curThread!.gid = eU32(0);
      break;
    case T.PPME_SYSCALL_SETRESUID_X:
      if (retrieveEnter() && pI64(0) >= 0 && curThread != null) { const u = eU32(1); if (u != 0xffffffff) curThread!.uid = u; }
      break;
    case T.PPME_SYSCALL_SETRESGID_X:
      if (retrieveEnter() && pI64(0) >= 0 && curThread != null) { const g = eU32(1); if (g != 0xffffffff) curThread!.gid = g; }
      break;
    case T.PPME_SYSCALL_SETSID_X:
      if (curThread != null && pI64(0) >= 0) curThread!.sid = pI64(0);
      break;
    case T.PPME_SYSCALL_GETRLIMIT_X: case T.PPME_SYSCALL_SETRLIMIT_X: case T.PPME_SYSCALL_PRLIMIT_X:
      parseRlimitExit(); break;
    case T.PPME_SYSCALL_BRK_4_X: case T.PPME_SYSCALL_MMAP_X: case T.PPME_SYSCALL_MMAP2_X: case T.PPME_SYSCALL_MUNMAP_X:
      if (curThread != null && evNParams >= 4) { curThread!.vmsize = pU32(1); curThread!.vmrss = pU32(2); curThread!.vmswap = pU32(3); }
      break;
    default: break;
  }
}

const PPM_RLIMIT_NOFILE: u8 = 7;

/** sinsp parse_getrlimit_setrlimit_exit / parse_prlimit_exit: a successful call on RLIMIT_NOFILE
 *  sets the process's fdlimit (cur of get/setrlimit, newcur of prlimit, unless -1). */
function parseRlimitExit(): void {
  if (curThread == null || evNParams < 2 || pI64(0) < 0 || !retrieveEnter()) return;
  const isPr = evType == T.PPME_SYSCALL_PRLIMIT_X;
  if (eU8(isPr ? 1 : 0) != PPM_RLIMIT_NOFILE) return;
  const cur = pI64(1);
  if (cur == -1) return;
  let t = curThread!;
  if (isPr) {
    const pid = eI64(0);
    if (pid != 0) t = lookupOrCreate(pid);
  }
  const m = t.isMain() ? t : findThread(t.pid);
  if (m != null) m!.fdlimit = cur;
}

function simpleFd(type: u8): void {
  if (curThread == null) return;
  const fd = pI64(0);
  if (fd < 0) return;
  const f = new Fd();
  f.type = type;
  curFd = addFd(curThread!, fd, f);
}

export function setCwd(t: Thread, p: usize, n: i32): void {
  const m = findThread(t.pid);
  const target = m != null ? m : t;
  let j = joinPaths(target.cwd, p, n);
  if (j.length == 0 || j[j.length - 1] != 0x2f) {
    const b = new Uint8Array(j.length + 1);
    memory.copy(b.dataStart, j.dataStart, j.length);
    b[j.length] = 0x2f;
    j = b;
  }
  target.cwd = j;
}

function dirfdBase(t: Thread, name: usize, nlen: i32, dirfd: i64): Uint8Array {
  if (nlen > 0 && load<u8>(name) == 0x2f) return fromAscii(".");
  if (dirfd == PPM_AT_FDCWD) return cwdOf(t);
  const f = getFd(t, dirfd);
  curFd = f;
  if (f == null) return fromAscii("<UNKNOWN>");
  const b = new Uint8Array(f.name.length + 1);
  memory.copy(b.dataStart, f.name.dataStart, f.name.length);
  b[f.name.length] = 0x2f;
  return b;
}

function isNullName(p: usize, n: u32): bool {
  return n >= 6 && load<u8>(p) == 0x28 && load<u8>(p + 1) == 0x4e && load<u8>(p + 2) == 0x55 && load<u8>(p + 3) == 0x4c && load<u8>(p + 4) == 0x4c && load<u8>(p + 5) == 0x29;
}

function parseOpenExit(): void {
  const t = curThread;
  if (t == null) return;
  const et = evType;
  const got = retrieveEnter();
  const fd = pI64(0);
  let name: usize = 0; let nlen: u32 = 0; let flags: u32 = 0; let dev: u32 = 0;
  let sdir: Uint8Array;
  if (et == T.PPME_SYSCALL_OPEN_X) {
    name = unchecked(pOff[1]); nlen = unchecked(pLen[1]); flags = pU32(2);
    if (evNParams > 4) dev = pU32(4);
    if (got && eN >= 2) {
      const en = unchecked(eOff[0]); const el = unchecked(eLen[0]);
      if (el != 0 && !isNullName(en, el)) { name = en; nlen = el; flags = eU32(1); }
    }
    sdir = cwdOf(t);
  } else if (et == T.PPME_SYSCALL_CREAT_X) {
    name = unchecked(pOff[1]); nlen = unchecked(pLen[1]); flags = 0;
    if (evNParams > 3) dev = pU32(3);
    if (got && eN >= 1) {
      const en = unchecked(eOff[0]); const el = unchecked(eLen[0]);
      if (el != 0 && !isNullName(en, el)) { name = en; nlen = el; }
    }
    sdir = cwdOf(t);
  } else if (et == T.PPME_SYSCALL_OPENAT_X) {
    if (!got || eN < 3) return;
    name = unchecked(eOff[1]); nlen = unchecked(eLen[1]); flags = eU32(2);
    sdir = dirfdBase(t, name, <i32>nlen, eI64(0));
  } else {
    if (evNParams < 4) return;
    name = unchecked(pOff[2]); nlen = unchecked(pLen[2]); flags = pU32(3);
    let dirfd = pI64(1);
    if (et == T.PPME_SYSCALL_OPENAT_2_X && evNParams > 5) dev = pU32(5);
    if (got && eN >= 3) {
      const en = unchecked(eOff[1]); const el = unchecked(eLen[1]);
      if (el != 0 && !isNullName(en, el)) { name = en; nlen = el; flags = eU32(2); dirfd = eI64(0); }
    }
    sdir = dirfdBase(t, name, <i32>nlen, dirfd);
  }
  const full = joinPaths(sdir, name, <i32>nlen);
  if (fd >= 0) {
    const f = new Fd();
    f.type = (flags & PPM_O_DIRECTORY) ? FD_DIRECTORY : FD_FILE_V2;
    f.openflags = flags;
    f.dev = dev;
    f.name = full;
    curFd = addFd(t, fd, f);
  }
}

function parseCloseExit(): void {
  if (pI64(0) >= 0) {
    if (curFd == null || curThread == null) return;
    fdRemoveTid = curThread!.tid;
    fdsToRemove.push(curThread!.lastEventFd);
  }
}

function parseDupExit(): void {
  const t = curThread;
  if (t == null) return;
  const r = pI64(0);
  if (r < 0) return;
  if (r == 0) t.flags |= CL_PIPE_DST;
  if (r == 1) t.flags |= CL_PIPE_SRC;
  if (curFd == null) return;
  curFd = addFd(t, r, curFd!.clone());
}

function parsePipeExit(): void {
  if (pI64(0) < 0 || curThread == null || evNParams < 4) return;
  const ino = <u64>pI64(3);
  for (let k = 1; k <= 2; k++) {
    const f = new Fd();
    f.type = FD_FIFO;
    f.ino = ino;
    curFd = addFd(curThread!, load<i64>(unchecked(pOff[k])), f);
  }
}

function parseSocketpairExit(): void {
  if (pI64(0) < 0 || curThread == null || evNParams < 5) return;
  const f = new Fd();
  f.type = FD_UNIX_SOCK;
  f.usrc = <u64>pI64(3);
  f.udst = <u64>pI64(4);
  curFd = addFd(curThread!, pI64(1), f);
  addFd(curThread!, pI64(2), f.clone());
}

function parseSocketExit(): void {
  const fd = pI64(0);
  if (fd < 0 || curThread == null) return;
  if (!retrieveEnter()) return;
  const domain = eU32(0); const type = eU32(1); const proto = eU32(2);
  const f = new Fd();
  if (domain == PPM_AF_UNIX) f.type = FD_UNIX_SOCK;
  else if (domain == PPM_AF_INET || domain == PPM_AF_INET6) {
    f.type = domain == PPM_AF_INET ? FD_IPV4_SOCK : FD_IPV6_SOCK;
    let l4: u8 = L4_UNKNOWN;
    if (proto == 6) l4 = type == 3 ? L4_RAW : L4_TCP;
    else if (proto == 17) l4 = type == 3 ? L4_RAW : L4_UDP;
    else if (proto == 0) { if ((type & 0xff) == 1) l4 = L4_TCP; else if ((type & 0xff) == 2) l4 = L4_UDP; }
    else if (proto == 1) l4 = type == 3 ? L4_RAW : L4_ICMP;
    else if (proto == 255) l4 = L4_RAW;
    if (domain == PPM_AF_INET) f.l4v4 = l4; else f.l4v6 = l4;
  } else if (domain == PPM_AF_NETLINK) f.type = FD_NETLINK;
  else return;
  curFd = addFd(curThread!, fd, f);
}


function parseBindExit(): void {
  const f = curFd;
  if (f == null) return;
  if (pI64(0) < 0 || evNParams < 2 || unchecked(pLen[1]) == 0) return;
  const p = unchecked(pOff[1]);
  const fam = load<u8>(p);
  if (fam == PPM_AF_INET) {
    const port = load<u16>(p + 5);
    if (port > 0) {
      f.type = FD_IPV4_SERVSOCK; f.srvIp = load<u32>(p + 1); f.srvPort = port; f.srvL4 = f.l4v4;
      f.role |= ROLE_SERVER;
    }
  } else if (fam == PPM_AF_INET6) {
    const port = load<u16>(p + 17);
    if (port > 0) {
      if (isMapped(p + 1)) {
        f.type = FD_IPV4_SERVSOCK; f.srvL4 = f.l4v6; f.srvIp = load<u32>(p + 13); f.srvPort = port;
      } else {
        f.type = FD_IPV6_SERVSOCK; f.srv6Port = port; f.setSip6(p + 1); f.srv6L4 = f.l4v6;
      }
      f.role |= ROLE_SERVER;
    }
  }
  f.name = sockAddrName(p, <i32>unchecked(pLen[1]), 0);
}

function parseConnectEnter(): void {
  const f = curFd;
  if (f == null || evNParams < 2 || unchecked(pLen[1]) == 0) return;
  const p = unchecked(pOff[1]);
  const fam = load<u8>(p);
  if (fam == PPM_AF_INET) { f.type = FD_IPV4_SOCK; f.dip = load<u32>(p + 1); f.dport = load<u16>(p + 5); }
  else if (fam == PPM_AF_INET6) {
    const port = load<u16>(p + 17);
    if (isMapped(p + 1)) { f.type = FD_IPV4_SOCK; f.dip = load<u32>(p + 13); f.dport = port; }
    else { f.type = FD_IPV6_SOCK; f.dport6 = port; f.setDip6(p + 1); }
  } else {
    f.name = sockAddrName(p, <i32>unchecked(pLen[1]), 0);
    if (unchecked(pLen[1]) >= 17) { f.usrc = load<u64>(p + 1); f.udst = load<u64>(p + 9); }
  }
}

function parseConnectExit(): void {
  const f = curFd;
  if (f == null) return;
  const r = pI64(0);
  if (r < 0 && r != -115) return;
  f.setConnected();
  if (evNParams < 2 || unchecked(pLen[1]) == 0) return;
  fillClientSocket(f, unchecked(pOff[1]), <i32>unchecked(pLen[1]));
}

/** update_ipv4_addresses_and_ports */
function updV4(f: Fd, sip: u32, sport: u16, dip: u32, dport: u16): bool {
  if (f.type == FD_IPV4_SOCK) {
    if ((sip == f.sip && sport == f.sport && dip == f.dip && dport == f.dport) ||
        (dip == f.sip && dport == f.sport && sip == f.dip && sport == f.dport)) return false;
  }
  let changed = false;
  if (f.sip != sip) { f.sip = sip; changed = true; }
  if (f.sport != sport) { f.sport = sport; changed = true; }
  if (f.dip == 0) { f.dip = dip; changed = true; }
  if (f.dport == 0) { f.dport = dport; changed = true; }
  return changed;
}

function eq16(a: usize, b: usize): bool { return load<u64>(a) == load<u64>(b) && load<u64>(a, 8) == load<u64>(b, 8); }
function zero16(a: usize): bool { return load<u64>(a) == 0 && load<u64>(a, 8) == 0; }

/** set_ipv6_addresses_and_ports */
function updV6(f: Fd, p: usize): bool {
  const s = f.s.dataStart;
  const tsip = p + 1, tdip = p + 19;
  const tsport = load<u16>(p + 17), tdport = load<u16>(p + 35);
  if (f.type == FD_IPV6_SOCK) {
    if ((eq16(tsip, s) && tsport == f.sport6 && eq16(tdip, s + 16) && tdport == f.dport6) ||
        (eq16(tdip, s) && tdport == f.sport6 && eq16(tsip, s + 16) && tsport == f.dport6)) return false;
  }
  let changed = false;
  if (!eq16(s, tsip)) { memory.copy(s, tsip, 16); changed = true; }
  if (f.sport6 != tsport) { f.sport6 = tsport; changed = true; }
  if (zero16(s + 16)) { memory.copy(s + 16, tdip, 16); changed = true; }
  if (f.dport6 == 0) { f.dport6 = tdport; changed = true; }
  return changed;
}

function setTuple(f: Fd, p: usize, len: i32, fam: u8): bool {
  if (fam == PPM_AF_INET) {
    if (len < 13) return false;
    return updV4(f, load<u32>(p + 1), load<u16>(p + 5), load<u32>(p + 7), load<u16>(p + 11));
  }
  if (len < 37) return false;
  if (isMapped(p + 1) && isMapped(p + 19)) return updV4(f, load<u32>(p + 13), load<u16>(p + 17), load<u32>(p + 31), load<u16>(p + 35));
  return updV6(f, p);
}

function swapAddrs(f: Fd): void {
  if (f.type == FD_IPV4_SOCK) {
    const a = f.sip; f.sip = f.dip; f.dip = a;
    const b = f.sport; f.sport = f.dport; f.dport = b;
  } else {
    const s = f.s.dataStart;
    const t = new Uint8Array(16);
    memory.copy(t.dataStart, s, 16); memory.copy(s, s + 16, 16); memory.copy(s + 16, t.dataStart, 16);
    const b = f.sport6; f.sport6 = f.dport6; f.dport6 = b;
  }
}

function fillClientSocket(f: Fd, p: usize, len: i32): void {
  const fam = load<u8>(p);
  if (fam == PPM_AF_INET || fam == PPM_AF_INET6) {
    let changed: bool;
    if (fam == PPM_AF_INET6) {
      if (len < 37) return;
      if (!(isMapped(p + 1) && isMapped(p + 19))) { f.type = FD_IPV6_SOCK; changed = updV6(f, p); }
      else { f.type = FD_IPV4_SOCK; changed = setTuple(f, p, len, fam); }
    } else { f.type = FD_IPV4_SOCK; changed = setTuple(f, p, len, fam); }
    if (changed && f.isServer() && f.isUdp()) swapAddrs(f);
    f.name = sockInfoName(f);
  } else {
    f.name = sockTupleName(p, len, 0);
    if (len >= 17) { f.usrc = load<u64>(p + 1); f.udst = load<u64>(p + 9); }
  }
  if (f.isRoleNone()) f.role |= ROLE_CLIENT;
}

/** sinsp_utils::sockinfo_to_str */
export function sockInfoName(f: Fd): Uint8Array {
  if (f.type == FD_IPV4_SOCK) {
    const l4 = f.l4v4;
    if (l4 == L4_TCP || l4 == L4_UDP) return ipv4TupleName(f.sip, f.sport, f.dip, f.dport, l4);
    if (l4 == L4_ICMP || l4 == L4_RAW) return ipv4PairName(f.sip, f.dip);
    return fromAscii("<unknown>");
  }
  if (f.type == FD_IPV6_SOCK) {
    const l4 = f.l4v6;
    const s = f.s.dataStart;
    if (l4 == L4_TCP || l4 == L4_UDP) {
      if (isMapped(s) && isMapped(s + 16)) return ipv4TupleName(load<u32>(s, 12), f.sport, load<u32>(s, 28), f.dport, f.l4v4);
      return ipv6TupleName(f.sip6(), f.sport6, f.dip6(), f.dport6, l4);
    }
    if (l4 == L4_ICMP) {
      if (isMapped(s) && isMapped(s + 16)) return ipv4PairName(load<u32>(s, 12), load<u32>(s, 28));
      return ipv6PairName(f.sip6(), f.dip6());
    }
    return fromAscii("<unknown>");
  }
  return f.name;
}

function parseAcceptExit(): void {
  const t = curThread;
  if (t == null) return;
  const fd = pI64(0);
  if (fd < 0) return;
  t.lastEventFd = fd;
  if (evNParams < 2 || unchecked(pLen[1]) == 0) return;
  const p = unchecked(pOff[1]);
  const len = <i32>unchecked(pLen[1]);
  const fam = load<u8>(p);
  const f = new Fd();
  f.type = 255;
  if (fam == PPM_AF_INET) { setTuple(f, p, len, fam); f.type = FD_IPV4_SOCK; f.l4v4 = L4_TCP; }
  else if (fam == PPM_AF_INET6) {
    if (len >= 37 && isMapped(p + 1) && isMapped(p + 19)) { setTuple(f, p, len, fam); f.type = FD_IPV4_SOCK; f.l4v4 = L4_TCP; }
    else { if (len >= 37) updV6(f, p); f.type = FD_IPV6_SOCK; f.l4v6 = L4_TCP; }
  } else if (fam == PPM_AF_UNIX) {
    f.type = FD_UNIX_SOCK;
    if (len >= 17) { f.usrc = load<u64>(p + 1); f.udst = load<u64>(p + 9); }
  } else return;
  f.name = sockTupleName(p, len, 0);
  f.flags = 0;
  f.role |= ROLE_SERVER;
  f.setConnected();
  curFd = addFd(t, fd, f);
}

function parseRwExit(): void {
  const f = curFd;
  if (f == null) return;
  const r = pI64(0);
  if (r < 0) return;
  if (f.type == FD_IPV4_SOCK || f.type == FD_IPV6_SOCK) f.setConnected();
  const et = evType;
  const eflags = unchecked(T.EVT_FLAGS[et]);
  if (eflags & T.EF_READS_FROM_FD) {
    let tp = -1;
    if (et == T.PPME_SOCKET_RECVFROM_X) tp = 2; else if (et == T.PPME_SOCKET_RECVMSG_X) tp = 3;
    if (tp != -1 && tp < evNParams && (f.name.length == 0 || !f.isTcp())) {
      if (updateFd(f, unchecked(pOff[tp]), <i32>unchecked(pLen[tp]))) {
        if (f.type == FD_IPV4_SOCK || f.type == FD_IPV6_SOCK) {
          if (f.isRoleNone()) guessRole(f, true);
          if (f.isClient()) swapAddrs(f);
          f.name = sockInfoName(f);
        } else f.name = sockTupleName(unchecked(pOff[tp]), <i32>unchecked(pLen[tp]), 0);
      }
    }
  } else {
    let tp = -1;
    if (et == T.PPME_SOCKET_SENDTO_X || et == T.PPME_SOCKET_SENDMSG_X) tp = 2;
    if (tp != -1 && (f.name.length == 0 || !f.isTcp())) {
      if (!retrieveEnter()) return;
      if (tp < eN && updateFd(f, unchecked(eOff[tp]), <i32>unchecked(eLen[tp]))) {
        if (f.type == FD_IPV4_SOCK || f.type == FD_IPV6_SOCK) {
          if (f.isRoleNone()) guessRole(f, false);
          if (f.isServer()) swapAddrs(f);
          f.name = sockInfoName(f);
        } else f.name = sockTupleName(unchecked(eOff[tp]), <i32>unchecked(eLen[tp]), 0);
      }
    }
  }
}

function updateFd(f: Fd, p: usize, len: i32): bool {
  if (len == 0) return false;
  const fam = load<u8>(p);
  if (fam == PPM_AF_INET) {
    if (f.type == FD_IPV4_SERVSOCK) f.l4v4 = f.srvL4;
    f.type = FD_IPV4_SOCK;
    if (!setTuple(f, p, len, fam)) return false;
  } else if (fam == PPM_AF_INET6) {
    if (len < 37) return false;
    if (isMapped(p + 1) && isMapped(p + 19)) {
      f.type = FD_IPV4_SOCK;
      if (!setTuple(f, p, len, fam)) return false;
    } else if (!updV6(f, p)) return false;
  } else if (fam == PPM_AF_UNIX) {
    f.type = FD_UNIX_SOCK;
    if (len >= 17) { f.usrc = load<u64>(p + 1); f.udst = load<u64>(p + 9); f.name = cstr(p + 17, len - 17); }
    return true;
  }
  if (f.type == FD_IPV4_SOCK) { if (f.l4v4 == L4_UNKNOWN) f.l4v4 = L4_UDP; }
  else if (f.type == FD_IPV6_SOCK) { if (f.l4v6 == L4_UNKNOWN) f.l4v6 = L4_UDP; }
  updateFdFromInterfaces(f);
  return true;
}

/** sinsp_network_interfaces::update_fd: fill a 0.0.0.0 end of a UDP tuple from the interfaces. */
export function updateFdFromInterfaces(f: Fd): void {
  if (f.type != FD_IPV4_SOCK) return;
  if (f.sip != 0 && f.dip != 0) return;
  if (f.sip == 0) {
    const a = inferIpv4(f.dip);
    if (a == f.dip && f.sport == f.dport) return;
    f.sip = a;
  } else {
    const a = inferIpv4(f.sip);
    if (a == f.sip && f.sport == f.dport) return;
    f.dip = a;
  }
}

function inferIpv4(dst: u32): u32 {
  for (let i = 0; i < ifAddr.length; i++) if (ifAddr[i] == dst) return ifAddr[i];
  for (let i = 0; i < ifAddr.length; i++) if ((ifAddr[i] & ifMask[i]) == (dst & ifMask[i])) return ifAddr[i];
  for (let i = 0; i < ifAddr.length; i++) if (ifAddr[i] != 0x0100007f) return ifAddr[i];
  return 0;
}

/** set_net_role_by_guessing */
function guessRole(f: Fd, incoming: bool): void {
  const t = curThread;
  if (t != null) {
    const o = fdOwner(t);
    if (o != null) {
      if (boundToPort(o.fds, f.dport)) {
        if (!usesClientPort(o.fds, f.sport)) { f.role |= ROLE_SERVER; return; }
      } else { f.role |= ROLE_CLIENT; return; }
    }
  }
  if (f.isRoleNone()) f.role |= incoming ? ROLE_SERVER : ROLE_CLIENT;
}

function boundToPort(tab: FdTable, port: u16): bool {
  const m = tab.map;
  for (let i = 0; i < m.capacity(); i++) {
    if (!m.isLive(i)) continue;
    const x = m.valueAt(i);
    if (x.type == FD_IPV4_SOCK && x.dport == port) return true;
    if (x.type == FD_IPV4_SERVSOCK && x.srvPort == port) return true;
  }
  return false;
}

function usesClientPort(tab: FdTable, port: u16): bool {
  const m = tab.map;
  for (let i = 0; i < m.capacity(); i++) {
    if (!m.isLive(i)) continue;
    const x = m.valueAt(i);
    if (x.type == FD_IPV4_SOCK && x.sport == port) return true;
  }
  return false;
}

// ---- clone / execve -------------------------------------------------------------------

function pIdx(et: i32, a11: i32, a16: i32, a17: i32, a20: i32): i32 {
  if (et == T.PPME_SYSCALL_CLONE_11_X) return a11;
  if (et == T.PPME_SYSCALL_CLONE_16_X || et == T.PPME_SYSCALL_FORK_X || et == T.PPME_SYSCALL_VFORK_X) return a16;
  if (et == T.PPME_SYSCALL_CLONE_17_X || et == T.PPME_SYSCALL_FORK_17_X || et == T.PPME_SYSCALL_VFORK_17_X) return a17;
  return a20;
}

function parseCloneExit(): void {
  const et = evType;
  let tid = evTid;
  let childtid = pI64(0);
  let inverted = false;
  let inContainer = false;
  let tidCollision = false;
  let vtid = tid; let vpid: i64 = -1;
  const fi = pIdx(et, 8, 13, 14, 15);
  if (fi >= evNParams) return;
  const flags = pU32(fi);
  if (childtid < 0) return;
  const is20 = pIdx(et, 0, 0, 0, 1) == 1;
  if (is20 && evNParams > 19) { vtid = load<i64>(unchecked(pOff[18])); vpid = load<i64>(unchecked(pOff[19])); }
  if ((flags & CL_CHILD_IN_PIDNS) || tid != vtid) inContainer = true;
  if (childtid == 0) {
    if (curThread != null && curThread!.cloneTs != 0 && evTs - curThread!.cloneTs > CLONE_STALE_TIME_NS) {
      removeThread(tid, true); curThread = null;
    }
    const parenttid = (flags & CL_CLONE_THREAD) ? pI64(4) : pI64(5);
    if (curThread == null) { inverted = true; childtid = tid; tid = parenttid; }
    else { if (inContainer) { curThread!.vtid = vtid; curThread!.vpid = vpid; } return; }
  } else if (inContainer) return;

  let pt = lookupOrCreate(tid);
  let validParent = !(eqAscii(pt.comm, "<NA>") && pt.uid == 0xffffffff);
  const existing = findThread(childtid);
  if (existing != null) {
    if (existing.flags & CL_CLONE_INVERTED) return;
    removeThread(childtid, true);
    tidCollision = true;
  }
  const c = new Thread();
  c.tid = childtid;
  c.ptid = tid;
  c.loginuid = 0; // sinsp_threadinfo::init; the parent's when it is valid
  const commIdx = pIdx(et, -1, -1, 13, 13);
  if (validParent) {
    c.comm = pt.comm; c.exe = pt.exe; c.exepath = pt.exepath; c.argv = pt.argv; c.root = pt.root;
    c.sid = pt.sid; c.vpgid = pt.vpgid; c.tty = pt.tty; c.loginuid = pt.loginuid;
    if (!(flags & CL_CLONE_THREAD)) c.envv = pt.envv;
  } else {
    removeThread(tid, true);
    tidCollision = true;
    pt = lookupOrCreate(tid);
    // the parent is unknown: it takes the child's names
    const exe = pStr(1);
    const comm = commIdx >= 0 ? pStr(commIdx) : exe;
    pt.comm = comm; pt.exe = exe; pt.argv = NulList.of(unchecked(pOff[2]), <i32>unchecked(pLen[2]));
  }
  c.pid = pI64(4);
  c.flags = flags;
  if (!(flags & CL_CLONE_THREAD)) {
    c.pid = childtid;
    const po = fdOwner(pt);
    c.fds = po != null ? po.fds.copy() : new FdTable();
    c.cwd = cwdOf(pt);
  }
  if (inverted) c.flags |= CL_CLONE_INVERTED;
  c.exe = pStr(1);
  c.comm = commIdx >= 0 ? pStr(commIdx) : c.exe;
  c.argv = NulList.of(unchecked(pOff[2]), <i32>unchecked(pLen[2]));
  c.fdlimit = pI64(7);
  if (et != T.PPME_SYSCALL_CLONE_11_X) {
    c.pfmajor = <u64>pI64(8); c.pfminor = <u64>pI64(9);
    c.vmsize = pU32(10); c.vmrss = pU32(11); c.vmswap = pU32(12);
  }
  c.uid = pU32(pIdx(et, 9, 14, 15, 16));
  c.gid = pU32(pIdx(et, 10, 15, 16, 17));
  if (inContainer) { c.vtid = vtid; c.vpid = vpid; } else { c.vtid = c.tid; c.vpid = c.pid; }
  if (is20 && evNParams > 14) c.cgroupv = NulList.of(unchecked(pOff[14]), <i32>unchecked(pLen[14]));
  c.cloneTs = evTs;
  countChild(c);
  putThread(c);
  // an entry of this event's thread may have been replaced: attach the event again, as sinsp
  // does (the line then shows the parent's names taken from the event, not "<NA>")
  if (tidCollision) reset(true);
}

function parseExecveExit(): void {
  const et = evType;
  const t = curThread;
  if (pI64(0) < 0 || t == null) return;
  t.exe = pStr(1);
  const old = et == T.PPME_SYSCALL_EXECVE_8_X || et == T.PPME_SYSCALL_EXECVE_13_X || et == T.PPME_SYSCALL_EXECVE_14_X;
  t.comm = old ? t.exe : pStr(13);
  t.argv = NulList.of(unchecked(pOff[2]), <i32>unchecked(pLen[2]));
  t.pid = pI64(4);
  if (t.ptid == -1) t.ptid = pI64(5);
  t.fdlimit = pI64(7);
  if (et != T.PPME_SYSCALL_EXECVE_8_X && evNParams > 12) {
    t.pfmajor = <u64>pI64(8); t.pfminor = <u64>pI64(9);
    t.vmsize = pU32(10); t.vmrss = pU32(11); t.vmswap = pU32(12);
  }
  if (et == T.PPME_SYSCALL_EXECVE_14_X) t.envv = NulList.of(unchecked(pOff[13]), <i32>unchecked(pLen[13]));
  else if (et == T.PPME_SYSCALL_EXECVE_15_X) t.envv = NulList.of(unchecked(pOff[14]), <i32>unchecked(pLen[14]));
  else if (!old && et != T.PPME_SYSCALL_EXECVE_15_X && evNParams > 15) {
    t.envv = NulList.of(unchecked(pOff[15]), <i32>unchecked(pLen[15]));
    t.cgroupv = NulList.of(unchecked(pOff[14]), <i32>unchecked(pLen[14]));
  }
  if ((et == T.PPME_SYSCALL_EXECVE_17_X || et == T.PPME_SYSCALL_EXECVE_18_X || et == T.PPME_SYSCALL_EXECVE_19_X || et == T.PPME_SYSCALL_EXECVEAT_X) && evNParams > 16) t.tty = pU32(16);
  if ((et == T.PPME_SYSCALL_EXECVE_18_X || et == T.PPME_SYSCALL_EXECVE_19_X) && retrieveEnter() && eN > 0) {
    const en = unchecked(eOff[0]); const el = <i32>unchecked(eLen[0]);
    if (el >= 4 && load<u8>(en) == 0x3c && load<u8>(en + 1) == 0x4e && load<u8>(en + 2) == 0x41 && load<u8>(en + 3) == 0x3e) t.exepath = NA;
    else t.exepath = joinPaths(t.cwd, en, el);
  }
  if ((et == T.PPME_SYSCALL_EXECVE_19_X || et == T.PPME_SYSCALL_EXECVEAT_X) && evNParams > 17) t.vpgid = pI64(17);
  if (evNParams > 18) t.loginuid = pU32(18);
  const keep = t.flags & (CL_PIPE_SRC | CL_PIPE_DST | CL_IS_MAIN_THREAD);
  const inv = (t.flags & CL_CLONE_INVERTED) != 0;
  t.flags = CL_ACTIVE | keep | CL_NAME_CHANGED;
  if (inv) t.flags |= CL_CLONE_INVERTED;
}

// ---- containers ---------------------------------------------------------------------

export class Container {
  id: Uint8Array = EMPTY;
  name: Uint8Array = EMPTY;
  image: Uint8Array = EMPTY;
  imageId: Uint8Array = EMPTY;
  imageRepo: Uint8Array = EMPTY;
  imageTag: Uint8Array = EMPTY;
  imageDigest: Uint8Array = EMPTY;
  /** sinsp_container_type (0 docker, 1 lxc, ...); the JSON's "type". */
  type: i32 = 0;
  privileged: bool = false;
  /** container.mounts, built once: source:dest:mode:rw:propagation, comma-separated. */
  mounts: Uint8Array = EMPTY;
  /** Health probes (exe and args joined by blanks); null when the JSON has none of that kind. */
  healthcheck: Uint8Array | null = null;
  liveness: Uint8Array | null = null;
  readiness: Uint8Array | null = null;
  json: Uint8Array = EMPTY;
  /** The id as the key of `containers`, and the comm of the container event's made-up thread. */
  key: string = "";
  comm: Uint8Array = EMPTY;
}

/** Offset just after "key": (the value's first byte) in p[from, to), or -1. */
function jsonKey(p: usize, from: i32, to: i32, key: string): i32 {
  const kl = key.length;
  for (let i = from; i + kl + 3 <= to; i++) {
    if (load<u8>(p + i) != 0x22 || load<u8>(p + i + kl + 1) != 0x22 || load<u8>(p + i + kl + 2) != 0x3a) continue;
    let ok = true;
    for (let j = 0; j < kl; j++) if (<i32>load<u8>(p + i + 1 + j) != key.charCodeAt(j)) { ok = false; break; }
    if (ok) return i + kl + 3;
  }
  return -1;
}

/** The string at p+i (which must start with a quote), escapes kept as they are; end offset in jsonEnd. */
let jsonEnd: i32 = 0;
function jsonStrAt(p: usize, i: i32, n: i32): Uint8Array | null {
  if (i < 0 || i >= n || load<u8>(p + i) != 0x22) return null;
  let e = i + 1;
  while (e < n && load<u8>(p + e) != 0x22) { if (load<u8>(p + e) == 0x5c) e++; e++; }
  jsonEnd = min(e + 1, n);
  return fromMem(p + i + 1, min(e, n) - i - 1);
}

/** The end (exclusive) of the object or array opening at p+i, skipping strings. */
function jsonClose(p: usize, i: i32, n: i32): i32 {
  let depth = 0;
  for (let k = i; k < n; k++) {
    const c = load<u8>(p + k);
    if (c == 0x22) { k++; while (k < n && load<u8>(p + k) != 0x22) { if (load<u8>(p + k) == 0x5c) k++; k++; } continue; }
    if (c == 0x7b || c == 0x5b) depth++;
    else if (c == 0x7d || c == 0x5d) { depth--; if (depth == 0) return k + 1; }
  }
  return n;
}

function jsonField(p: usize, from: i32, to: i32, key: string): Uint8Array {
  const s = jsonStrAt(p, jsonKey(p, from, to, key), to);
  return s != null ? s! : EMPTY;
}

function jsonTrue(p: usize, from: i32, to: i32, key: string): bool {
  const i = jsonKey(p, from, to, key);
  return i >= 0 && i + 4 <= to && load<u8>(p + i) == 0x74 && load<u8>(p + i + 1) == 0x72 && load<u8>(p + i + 2) == 0x75 && load<u8>(p + i + 3) == 0x65;
}

/** docker_async_source::parse_json_mounts + container_mount_info::to_string. */
function jsonMounts(p: usize, n: i32): Uint8Array {
  const a = jsonKey(p, 0, n, "Mounts");
  if (a < 0 || a >= n || load<u8>(p + a) != 0x5b) return EMPTY;
  const end = jsonClose(p, a, n);
  const b = new Builder();
  let first = true;
  for (let i = a + 1; i < end; i++) {
    if (load<u8>(p + i) != 0x7b) continue;
    const oe = jsonClose(p, i, end);
    if (!first) b.c(0x2c);
    first = false;
    b.a(jsonField(p, i, oe, "Source")); b.c(0x3a);
    b.a(jsonField(p, i, oe, "Destination")); b.c(0x3a);
    b.a(jsonField(p, i, oe, "Mode")); b.c(0x3a);
    b.a(fromAscii(jsonTrue(p, i, oe, "RW") ? "true" : "false")); b.c(0x3a);
    b.a(jsonField(p, i, oe, "Propagation"));
    i = oe - 1;
  }
  return b.take();
}

/** parse_health_probes for one kind: exe, then each arg after a blank. */
function jsonProbe(p: usize, n: i32, key: string): Uint8Array | null {
  const o = jsonKey(p, 0, n, key);
  if (o < 0 || o >= n || load<u8>(p + o) != 0x7b) return null;
  const oe = jsonClose(p, o, n);
  const exe = jsonStrAt(p, jsonKey(p, o, oe, "exe"), oe);
  if (exe == null) return null;
  const b = new Builder();
  b.a(exe!);
  const a = jsonKey(p, o, oe, "args");
  if (a >= 0 && a < oe && load<u8>(p + a) == 0x5b) {
    const ae = jsonClose(p, a, oe);
    let i = a + 1;
    while (i < ae) {
      if (load<u8>(p + i) == 0x22) { const s = jsonStrAt(p, i, ae); b.c(0x20); b.a(s!); i = jsonEnd; }
      else i++;
    }
  }
  return b.take();
}
export const containers = new Map<string, Container>();

/** Finds the string value of "key":"..." in a small JSON text (no escapes in ids/names). */
export function jsonString(p: usize, n: i32, key: string): Uint8Array {
  let from = 0;
  for (;;) {
    const i = jsonKey(p, from, n, key);
    if (i < 0) return EMPTY;
    if (i < n && load<u8>(p + i) == 0x22) {
      let e = i + 1;
      while (e < n && load<u8>(p + e) != 0x22) { if (load<u8>(p + e) == 0x5c) e++; e++; }
      return fromMem(p + i + 1, min(e, n) - i - 1);
    }
    from = i - key.length - 2;
  }
  return EMPTY;
}

function parseContainerJson(): void {
  if (evNParams < 1) return;
  const p = unchecked(pOff[0]); const n = <i32>unchecked(pLen[0]);
  // the same JSON again (a capture repeats each container's event, and a parsed Container is never
  // changed afterwards): reuse the parsed one instead of scanning the text again
  const h = fnv1a(p, n);
  let c = containerCache.has(h) ? containerCache.get(h) : null;
  if (c != null && !(c.json.length == n && memory.compare(c.json.dataStart, p, n) == 0)) c = null;
  if (c == null) { c = parseContainer(p, n); containerCache.set(h, c); }
  containers.set(c.key, c);
  const t = new Thread();
  t.tid = -1; t.pid = -1; t.vtid = -2; t.vpid = -2; t.loginuid = 0;
  t.comm = c.comm;
  t.containerId = c.id;
  curThread = t;
}

/** Parsed containers by a hash of their JSON text (see parseContainerJson). */
const containerCache = new Map<u32, Container>();

function fnv1a(p: usize, n: i32): u32 {
  let h: u32 = 0x811c9dc5;
  for (let i = 0; i < n; i++) h = (h ^ <u32>load<u8>(p + i)) * 0x01000193;
  return h;
}

function parseContainer(p: usize, n: i32): Container {
  const c = new Container();
  c.id = jsonString(p, n, "id");
  c.name = jsonString(p, n, "name");
  c.image = jsonString(p, n, "image");
  c.imageId = jsonString(p, n, "imageid");
  c.imageRepo = jsonString(p, n, "imagerepo");
  c.imageTag = jsonString(p, n, "imagetag");
  c.imageDigest = jsonString(p, n, "imagedigest");
  const ti = jsonKey(p, 0, n, "type");
  if (ti >= 0) { let v = 0; let k = ti; while (k < n && load<u8>(p + k) >= 0x30 && load<u8>(p + k) <= 0x39) { v = v * 10 + <i32>(load<u8>(p + k) - 0x30); k++; } c.type = v; }
  c.privileged = jsonTrue(p, 0, n, "privileged");
  c.mounts = jsonMounts(p, n);
  c.healthcheck = jsonProbe(p, n, "Healthcheck");
  c.liveness = jsonProbe(p, n, "LivenessProbe");
  c.readiness = jsonProbe(p, n, "ReadinessProbe");
  c.json = fromMem(p, n);
  c.key = String.UTF8.decode(c.id.buffer);
  c.comm = concatAscii("container:", c.id);
  return c;
}

function concatAscii(a: string, b: Uint8Array): Uint8Array {
  const r = new Uint8Array(a.length + b.length);
  for (let i = 0; i < a.length; i++) r[i] = <u8>a.charCodeAt(i);
  memory.copy(r.dataStart + a.length, b.dataStart, b.length);
  return r;
}
