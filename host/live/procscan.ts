// SPDX-License-Identifier: Apache-2.0
// The machine's state at capture start, read from /proc and /etc: threads, their fds (with socket
// tuples from /proc/net), users, groups, interfaces and machine info. This is what a .scap file
// carries before its first event, and what the core needs to name things seen by a live capture.
import * as fs from 'fs';
import * as os from 'os';
import { FdType, L4, FdInfo, ThreadInfo, UserInfo, GroupInfo, IfInfo, MachineInfo, Snapshot } from '../scap/types';
import { openFlagsToPpm } from '../scap/flags';

const PPM_CL_CLONE_FILES = 1 << 0;
const PPM_CL_CLONE_THREAD = 1 << 13;

function readText(p: string): string | undefined {
  try { return fs.readFileSync(p, 'latin1'); } catch { return undefined; }
}
function readLink(p: string): string {
  try { return fs.readlinkSync(p); } catch { return ''; }
}
function readBytes(p: string): Buffer {
  try { return fs.readFileSync(p); } catch { return Buffer.alloc(0); }
}

/** Fields of /proc/PID/status as key -> value text. */
function statusMap(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) m.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  return m;
}

const num = (s: string | undefined, i = 0): number => Number((s ?? '').split(/\s+/)[i] ?? 0) || 0;
const last = (s: string | undefined): number => { const a = (s ?? '').split(/\s+/); return Number(a[a.length - 1]) || 0; };

/** Socket inode -> fd description, from /proc/<pid>/net/{tcp,tcp6,udp,udp6,raw,unix}. */
export type SocketTable = Map<number, Omit<FdInfo, 'fd' | 'ino'>>;

function hexIp4(h: string): number {
  // /proc/net prints the address as the host-order u32 of the network-order bytes; on x86 that
  // is the little-endian reading of the wire bytes, which is how scap stores it too.
  return parseInt(h, 16) >>> 0;
}
function hexIp6(h: string): Buffer {
  const b = Buffer.alloc(16);
  for (let w = 0; w < 4; w++) b.writeUInt32LE(parseInt(h.slice(w * 8, w * 8 + 8), 16) >>> 0, w * 4);
  return b;
}

export function readSocketTable(netDir = '/proc/net'): SocketTable {
  const t: SocketTable = new Map();
  const inet = (file: string, v6: boolean, proto: L4) => {
    const text = readText(`${netDir}/${file}`);
    if (!text) return;
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      const [la, lp] = f[1].split(':');
      const [ra, rp] = f[2].split(':');
      const ino = Number(f[9]);
      if (!ino) continue;
      const lport = parseInt(lp, 16), rport = parseInt(rp, 16);
      const listening = proto === L4.TCP ? f[3] === '0A' : rport === 0 && /^0+$/.test(ra);
      if (listening) {
        t.set(ino, v6 ? { type: FdType.IPV6_SERVSOCK, ip6: hexIp6(la), port: lport, l4: proto }
          : { type: FdType.IPV4_SERVSOCK, ip: hexIp4(la), port: lport, l4: proto });
      } else {
        t.set(ino, v6 ? { type: FdType.IPV6_SOCK, sip6: hexIp6(la), dip6: hexIp6(ra), sport: lport, dport: rport, l4: proto }
          : { type: FdType.IPV4_SOCK, sip: hexIp4(la), dip: hexIp4(ra), sport: lport, dport: rport, l4: proto });
      }
    }
  };
  inet('tcp', false, L4.TCP); inet('udp', false, L4.UDP); inet('raw', false, L4.RAW);
  inet('tcp6', true, L4.TCP); inet('udp6', true, L4.UDP); inet('raw6', true, L4.RAW);
  const unix = readText(`${netDir}/unix`);
  if (unix) {
    for (const line of unix.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 7) continue;
      const ino = Number(f[6]);
      if (!ino) continue;
      t.set(ino, { type: FdType.UNIX_SOCK, source: BigInt('0x' + f[0].replace(/:$/, '')), dest: 0n, name: f[7] ?? '' });
    }
  }
  return t;
}

function fdInfo(pid: number, fd: number, sockets: SocketTable): FdInfo | undefined {
  const base = `/proc/${pid}/fd/${fd}`;
  const link = readLink(base);
  if (!link) return undefined;
  let m: RegExpMatchArray | null;
  if ((m = link.match(/^socket:\[(\d+)\]$/))) {
    const ino = Number(m[1]);
    const s = sockets.get(ino);
    return s ? { ...s, fd, ino } : { fd, ino, type: FdType.UNSUPPORTED, name: link };
  }
  if ((m = link.match(/^pipe:\[(\d+)\]$/))) return { fd, ino: Number(m[1]), type: FdType.FIFO, name: link };
  if (link.startsWith('anon_inode:')) {
    const kind = link.slice(11).replace(/[[\]]/g, '');
    const type = kind === 'eventfd' ? FdType.EVENT : kind === 'eventpoll' ? FdType.EVENTPOLL
      : kind === 'inotify' ? FdType.INOTIFY : kind === 'signalfd' ? FdType.SIGNALFD
      : kind === 'timerfd' ? FdType.TIMERFD : FdType.UNSUPPORTED;
    return { fd, ino: 0, type, name: link };
  }
  let st: fs.Stats;
  try { st = fs.statSync(base); } catch { return { fd, ino: 0, type: FdType.UNSUPPORTED, name: link }; }
  if (st.isDirectory()) return { fd, ino: st.ino, type: FdType.DIRECTORY, name: link };
  if (!link.startsWith('/')) return { fd, ino: st.ino, type: FdType.UNSUPPORTED, name: link };
  const fdinfo = readText(`/proc/${pid}/fdinfo/${fd}`) ?? '';
  const fm = fdinfo.match(/^flags:\s*([0-7]+)/m);
  const dev = Number(st.dev);
  // scap stores the device the way the kernel's new_encode_dev() does
  const major = Math.floor(dev / 256) & 0xfff, minor = (dev & 0xff) | ((dev >>> 12) & 0xfff00);
  const enc = ((minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12)) >>> 0;
  return { fd, ino: st.ino, type: FdType.FILE_V2, name: link, openFlags: openFlagsToPpm(fm ? parseInt(fm[1], 8) : 0), dev: enc };
}

function threadInfo(pid: number, tid: number, sockets: SocketTable, withFds: boolean): ThreadInfo | undefined {
  const dir = `/proc/${pid}/task/${tid}`;
  const statusText = readText(`${dir}/status`);
  const stat = readText(`${dir}/stat`);
  if (!statusText || !stat) return undefined;
  const status = statusMap(statusText);
  // stat: "pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt ..."
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const pgrp = Number(rest[2]), session = Number(rest[3]);
  const minflt = Number(rest[7]), majflt = Number(rest[9]);
  const cmdline = readBytes(`/proc/${pid}/cmdline`);
  const argv = cmdline.length ? cmdline.subarray(0, cmdline[cmdline.length - 1] === 0 ? cmdline.length - 1 : cmdline.length) : Buffer.alloc(0);
  const firstNul = argv.indexOf(0);
  const exe = (firstNul >= 0 ? argv.subarray(0, firstNul) : argv).toString('latin1');
  const args = firstNul >= 0 ? argv.subarray(firstNul + 1) : Buffer.alloc(0);
  const limits = readText(`/proc/${pid}/limits`) ?? '';
  const lm = limits.match(/^Max open files\s+(\d+)/m);
  const cgroupText = readText(`${dir}/cgroup`) ?? '';
  const cgroups = cgroupText.split('\n').filter(Boolean).map((l) => {
    const [, ctrls, path] = l.split(':');
    return (ctrls || 'unified').split(',').map((c) => `${c.replace(/^name=/, '')}=${path}`).join('\0');
  }).join('\0');
  const loginuid = Number((readText(`${dir}/loginuid`) ?? '-1').trim());
  const t: ThreadInfo = {
    tid, pid, ptid: num(status.get('PPid')), sid: session, vpgid: last(status.get('NSpgid')) || pgrp,
    comm: (readText(`${dir}/comm`) ?? '').replace(/\n$/, ''),
    exe, exepath: readLink(`/proc/${pid}/exe`), args,
    cwd: readLink(`${dir}/cwd`) + '/', fdlimit: lm ? Number(lm[1]) : 0,
    flags: tid !== pid ? PPM_CL_CLONE_THREAD | PPM_CL_CLONE_FILES : 0,
    uid: num(status.get('Uid'), 1), gid: num(status.get('Gid'), 1),
    vmsizeKb: num(status.get('VmSize')), vmrssKb: num(status.get('VmRSS')), vmswapKb: num(status.get('VmSwap')),
    pfMajor: majflt, pfMinor: minflt,
    env: (() => { const e = readBytes(`/proc/${pid}/environ`); return e.length && e[e.length - 1] === 0 ? e.subarray(0, e.length - 1) : e; })(),
    vtid: last(status.get('NSpid')) || tid, vpid: last(status.get('NStgid')) || pid,
    cgroups: Buffer.from(cgroups, 'latin1'), root: readLink(`/proc/${pid}/root`),
    loginuid: loginuid === 4294967295 ? -1 : loginuid, exeWritable: false, fds: [],
  };
  if (withFds) {
    let names: string[] = [];
    try { names = fs.readdirSync(`/proc/${pid}/fd`); } catch { /* process gone or not ours */ }
    for (const n of names) {
      const f = fdInfo(pid, Number(n), sockets);
      if (f) t.fds.push(f);
    }
  }
  return t;
}

export function scanThreads(sockets = readSocketTable()): ThreadInfo[] {
  const out: ThreadInfo[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const pid = Number(d);
    let tids: string[];
    try { tids = fs.readdirSync(`/proc/${pid}/task`); } catch { continue; }
    for (const t of tids) {
      const tid = Number(t);
      const info = threadInfo(pid, tid, sockets, tid === pid);
      if (info) out.push(info);
    }
  }
  return out;
}

export function scanUsers(): { users: UserInfo[]; groups: GroupInfo[] } {
  const users = (readText('/etc/passwd') ?? '').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => {
    const f = l.split(':');
    return { uid: Number(f[2]), gid: Number(f[3]), name: f[0], home: f[5] ?? '', shell: f[6] ?? '' };
  });
  const groups = (readText('/etc/group') ?? '').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => {
    const f = l.split(':');
    return { gid: Number(f[2]), name: f[0] };
  });
  return { users, groups };
}

export function scanInterfaces(): IfInfo[] {
  const out: IfInfo[] = [];
  for (const [name, addrs] of Object.entries(os.networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.family === 'IPv4') {
        const ip = Buffer.from(a.address.split('.').map(Number)).readUInt32LE(0);
        const mask = Buffer.from(a.netmask.split('.').map(Number)).readUInt32LE(0);
        out.push({ v6: false, name, addr: ip, netmask: mask, bcast: name === 'lo' ? 0 : (ip | ~mask) >>> 0 });
      }
    }
  }
  return out;
}

export function machineInfo(): MachineInfo {
  return {
    numCpus: os.cpus().length, memoryBytes: os.totalmem(),
    maxPid: Number((readText('/proc/sys/kernel/pid_max') ?? '32768').trim()), hostname: os.hostname(),
  };
}

/** Everything at once, as a capture file needs it. */
export function scanAll(): Snapshot {
  return { machine: machineInfo(), interfaces: scanInterfaces(), ...scanUsers(), threads: scanThreads() };
}
