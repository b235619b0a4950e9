// SPDX-License-Identifier: Apache-2.0
// The top-N table chisels: what they group by, what they sum, and under which filter.

import { ChiselHost, TsChiselDef } from '../api';
import { defineTable, printTable, TableSpec } from './table';
import { luaStr, num } from './format';

const NET = '(fd.type=ipv4 or fd.type=ipv6) and evt.is_io=true';
const FILE_IO = 'fd.type=file and evt.is_io=true';

/** Process keys: name and pid, or with -pc host pid, container pid and container name. */
function procKeys(h: ChiselHost, vpidField = 'thread.vtid') {
  return h.env.printContainer
    ? { keys: ['proc.name', 'proc.pid', vpidField, 'container.name'], keyDescs: ['Process', 'Host_pid', 'Container_pid', 'container.name'] }
    : { keys: ['proc.name', 'proc.pid'], keyDescs: ['Process', 'PID'] };
}

/** Keys with the container name added under -pc, before or after the given ones. */
function withContainer(h: ChiselHost, keys: string[], descs: string[], first: boolean) {
  if (!h.env.printContainer) return { keys, keyDescs: descs };
  return first
    ? { keys: ['container.name', ...keys], keyDescs: ['container.name', ...descs] }
    : { keys: [...keys, 'container.name'], keyDescs: [...descs, 'container.name'] };
}

const bytes = (filter: string, top: number) => ({ value: 'evt.rawarg.res', valueDesc: 'Bytes', filter, top, units: 'bytes' as const });
const errors = (filter: string) => ({ value: 'evt.count', valueDesc: '#Errors', filter, top: 100, units: 'none' as const });

export const topprocs_net = defineTable('topprocs_net', 'Net', 'Top processes by network I/O',
  (h) => ({ ...procKeys(h), ...bytes(NET, 100) }));
export const topprocs_file = defineTable('topprocs_file', 'I/O', 'Top processes by R+W disk bytes',
  (h) => ({ ...procKeys(h), ...bytes(FILE_IO, 10) }));
export const topprocs_errors = defineTable('topprocs_errors', 'Errors', 'top processes by number of errors',
  (h) => ({ ...procKeys(h), ...errors('evt.failed=true') }));
export const topfiles_bytes = defineTable('topfiles_bytes', 'I/O', 'Top files by R+W bytes',
  (h) => ({ ...withContainer(h, ['fd.name'], ['Filename'], true), ...bytes(FILE_IO, 10) }));
export const topfiles_errors = defineTable('topfiles_errors', 'Errors', 'Top files by number of errors',
  (h) => ({ ...withContainer(h, ['fd.name'], ['Filename'], false), ...errors('fd.type=file and evt.failed=true') }));
export const topfiles_time = defineTable('topfiles_time', 'I/O', 'Top files by time',
  (h) => ({ ...withContainer(h, ['fd.name'], ['Filename'], false), value: 'evt.latency', valueDesc: 'Time', filter: FILE_IO, top: 10, units: 'time' }));
export const topscalls = defineTable('topscalls', 'Performance', 'Top system calls by number of calls',
  (h) => ({ ...withContainer(h, ['evt.type'], ['Syscall'], false), value: 'evt.count', valueDesc: '# Calls', filter: 'evt.type!=switch', top: 30, units: 'none' }));
export const topscalls_time = defineTable('topscalls_time', 'Performance', 'Top system calls by time',
  (h) => ({ ...withContainer(h, ['evt.type'], ['Syscall'], false), value: 'evt.latency', valueDesc: 'Time', top: 30, units: 'time' }));
export const topconns = defineTable('topconns', 'Net', 'Top network connections by total bytes',
  (h) => ({ ...withContainer(h, ['fd.l4proto', 'fd.name'], ['Proto', 'Conn'], true), ...bytes(NET, 30) }));
export const topports_server = defineTable('topports_server', 'Net', 'Top TCP/UDP server ports by R+W bytes',
  (h) => ({ ...withContainer(h, ['fd.sport'], ['Srv Port'], false), ...bytes(NET, 100) }));
export const fdbytes_by = defineTable('fdbytes_by', 'I/O', 'I/O bytes, aggregated by an arbitrary filter field',
  (_h, a) => ({ keys: [a.key], keyDescs: [a.key], ...bytes('evt.is_io=true and evt.failed=false', 30) }),
  [{ name: 'key', argtype: 'string', description: 'the field to group by', optional: false }]);

/** CPU share per process from the procinfo events' thread.cpu (not a table_generator chisel in sysdig). */
export const topprocs_cpu: TsChiselDef = {
  name: 'topprocs_cpu', category: 'CPU Usage', shortDescription: 'Top processes by CPU usage',
  description: 'Top processes by CPU usage, over the whole capture.', args: [],
  create(host) {
    let spec: TableSpec;
    let keyH: number[] = [];
    let cpuH = 0;
    const table = new Map<string, number>();
    return {
      init() {
        spec = { ...procKeys(host, 'proc.vpid'), value: 'thread.exectime', valueDesc: 'CPU%', top: 10, units: 'timepct' };
        keyH = spec.keys.map((k) => host.requestField(k));
        cpuH = host.requestField('thread.cpu');
        host.setFilter('evt.type=procinfo');
        return true;
      },
      onEvent(e) {
        const parts: string[] = [];
        for (const h of keyH) {
          const v = e.values[h];
          if (v === null || v === undefined) return true;
          parts.push(luaStr(v));
        }
        // thread.cpu counts 1/100 s; the table shows it against the capture length in ns.
        const key = parts.join('\x01\x01');
        table.set(key, (table.get(key) ?? 0) + (num(e.values[cpuH]) ?? 0) * 10000000);
        return true;
      },
      captureEnd(tsS, _ns, delta) {
        printTable(host, spec, table, tsS, delta);
      },
    };
  },
};
