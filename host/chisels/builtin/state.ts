// SPDX-License-Identifier: Apache-2.0
// System-state chisels built on the thread table: ps, lsof and netstat.

import { TsChiselDef } from '../api';
import { extendString, formatBytes } from './format';

const u32 = (x: number | bigint) => Number(BigInt.asUintN(32, BigInt(x)));

const FILTER_ARG = (what: string) => ({
  name: 'filter', argtype: 'filter', optional: true,
  description: `A sysdig-like filter expression that allows restricting the ${what} list.`,
});

/** The shape shared by ps and lsof: stop at the first event, then print the thread table. */
function snapshot(name: string, short: string, description: string, body: (host: Parameters<TsChiselDef['create']>[0], filter?: string) => Promise<void>): TsChiselDef {
  return {
    name, category: 'System State', shortDescription: short, description, args: [FILTER_ARG('FD')],
    create(host) {
      let filter: string | undefined;
      let match = false;
      return {
        setArg(n, v) {
          if (n !== 'filter') return false;
          filter = v;
          return true;
        },
        init() {
          host.stopAfter(1);
          return true;
        },
        onEvent() {
          host.endCapture();
          match = true;
          return false;
        },
        async captureEnd() {
          if (!match) {
            host.print('empty capture or no event matching the filter');
            return;
          }
          await body(host, filter);
        },
      };
    },
  };
}

export const ps = snapshot('ps', 'List (and optionally filter) the machine processes.',
  'List the running processes, with an output that is similar to the one of ps.', async (host, filter) => {
    const threads = (await host.threadTable(filter)) ?? [];
    const byTid = new Map(threads.map((t) => [u32(t.tid), t]));
    host.print(extendString('TID', 8) + extendString('PID', 8) + extendString('USER', 12) + extendString('VIRT', 11) +
      extendString('RES', 11) + extendString('FDLIMIT', 10) + extendString('CMD', 20));
    for (const tid of [...byTid.keys()].sort((a, b) => a - b)) {
      const t = byTid.get(tid)!;
      host.print(extendString(String(tid), 8) + extendString(String(u32(t.pid)), 8) + extendString(t.username, 12) +
        extendString(formatBytes(u32(t.vmsizeKb) * 1024), 11) + extendString(formatBytes(u32(t.vmrssKb) * 1024), 11) +
        extendString(String(u32(t.fdlimit)), 10) + t.comm);
    }
  });

export const lsof = snapshot('lsof', 'List (and optionally filter) the open file descriptors.',
  'List the open file descriptors, with an output that is similar to the one of lsof.', async (host, filter) => {
    const threads = (await host.threadTable(filter)) ?? [];
    const byTid = new Map(threads.map((t) => [u32(t.tid), t]));
    host.print(extendString('COMMAND', 20) + extendString('PID', 8) + extendString('TID', 8) + extendString('USER', 8) +
      extendString('FD', 8) + extendString('TYPE', 12) + 'NAME');
    for (const tid of [...byTid.keys()].sort((a, b) => a - b)) {
      const t = byTid.get(tid)!;
      const fds = new Map((t.fds ?? []).map((f) => [u32(f.fd), f]));
      for (const [fd, f] of fds) {
        host.print(extendString(t.comm, 20) + extendString(String(u32(t.pid)), 8) + extendString(String(tid), 8) +
          extendString(t.username, 8) + extendString(String(fd), 8) + extendString(String(f.type ?? 'nil'), 12) + String(f.name ?? 'nil'));
      }
    }
  });

const NET_FILTER = '(fd.type=ipv4 or fd.type=ipv6)';

export const netstat: TsChiselDef = {
  ...snapshot('netstat', 'List (and optionally filter) network connections.',
    'Print the system network connections, with an output that is similar to the one of netstat.', async (host, arg) => {
      // sysdig appends the argument with no space before "and".
      const threads = (await host.threadTable(arg === undefined ? NET_FILTER : `${NET_FILTER}and (${arg})`)) ?? [];
      host.print(extendString('Proto', 6) + extendString('Server Address', 25) + extendString('Client Address', 25) +
        extendString('State', 15) + 'TID/PID/Program Name');
      for (const t of new Map(threads.map((x) => [u32(x.tid), x])).values()) {
        for (const f of new Map((t.fds ?? []).map((x) => [u32(x.fd), x])).values()) {
          const listen = f.cip === undefined || f.cip === null;
          const client = listen ? '0.0.0.0:*' : `${f.cip}:${f.cport}`;
          host.print(extendString(String(f.l4proto), 6) + extendString(`${f.sip}:${f.sport}`, 25) + extendString(client, 25) +
            extendString(listen ? 'LISTEN' : 'ESTABLISHED', 15) + `${u32(t.tid)}/${u32(t.pid)}/${t.comm}`);
        }
      }
    }),
};
netstat.args = [{ ...FILTER_ARG('FD'), description: "A sysdig-like filter expression that allows restricting the FD list. E.g. 'proc.name=foo and fd.port=80'." }];
