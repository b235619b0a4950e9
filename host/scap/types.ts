// SPDX-License-Identifier: Apache-2.0
// The state a capture file carries before its events (scap_savefile's metadata blocks).

/** scap_fd_type values as written in FDL blocks. */
export enum FdType {
  FILE = 1, DIRECTORY = 2, IPV4_SOCK = 3, IPV6_SOCK = 4, IPV4_SERVSOCK = 5, IPV6_SERVSOCK = 6,
  FIFO = 7, UNIX_SOCK = 8, EVENT = 9, UNSUPPORTED = 10, SIGNALFD = 11, EVENTPOLL = 12, INOTIFY = 13,
  TIMERFD = 14, NETLINK = 15, FILE_V2 = 16,
}

/** scap_l4_proto values. */
export enum L4 { UNKNOWN = 0, NA = 1, TCP = 2, UDP = 3, ICMP = 4, RAW = 5 }

/** One fd of a thread; which fields are present depends on type. IPv4 addresses are the u32 of
 * the network-order bytes read little-endian; ports are host order. */
export interface FdInfo {
  fd: number;
  ino: number;
  type: FdType;
  name?: string;
  openFlags?: number;
  dev?: number;
  sip?: number; dip?: number; sport?: number; dport?: number;
  sip6?: Buffer; dip6?: Buffer;
  ip?: number; ip6?: Buffer; port?: number;
  l4?: L4;
  source?: bigint; dest?: bigint;
}

export interface ThreadInfo {
  tid: number; pid: number; ptid: number; sid: number; vpgid: number;
  comm: string; exe: string; exepath: string;
  /** NUL-separated arguments after argv[0]. */
  args: Buffer;
  cwd: string; fdlimit: number; flags: number; uid: number; gid: number;
  vmsizeKb: number; vmrssKb: number; vmswapKb: number; pfMajor: number; pfMinor: number;
  /** NUL-separated environment. */
  env: Buffer;
  vtid: number; vpid: number;
  /** NUL-separated "subsys=path" entries. */
  cgroups: Buffer;
  root: string; loginuid: number; exeWritable: boolean;
  fds: FdInfo[];
}

export interface UserInfo { uid: number; gid: number; name: string; home: string; shell: string }
export interface GroupInfo { gid: number; name: string }
export interface IfInfo { v6: boolean; name: string; addr: number; netmask: number; bcast: number }
export interface MachineInfo { numCpus: number; memoryBytes: number; maxPid: number; hostname: string }

export interface Snapshot {
  machine: MachineInfo;
  interfaces: IfInfo[];
  users: UserInfo[];
  groups: GroupInfo[];
  threads: ThreadInfo[];
}
