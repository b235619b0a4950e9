// SPDX-License-Identifier: Apache-2.0
// Quarry's built-in TypeScript chisels, by name.

import { TsChiselDef } from '../api';
import * as bn from './bottlenecks';
import * as io from './io';
import * as slow from './slow';
import * as spy from './spy';
import * as state from './state';
import * as tops from './tops';
import * as users from './users';

export { TsChiselDef } from '../api';

const all: TsChiselDef[] = [
  tops.topprocs_cpu, tops.topprocs_net, tops.topprocs_file, tops.topprocs_errors, tops.topfiles_bytes,
  tops.topfiles_errors, tops.topfiles_time, tops.topscalls, tops.topscalls_time, tops.topconns,
  tops.topports_server, tops.fdbytes_by, io.iobytes_all, io.iobytes_file, io.iobytes_net, io.stdout, io.stderr,
  io.stdin, io.spy_file, spy.echo_fds, spy.spy_port, spy.spy_ip, spy.fdcount_by,
  slow.proc_exec_time, slow.scallslower, slow.fileslower, slow.netlower,
  users.list_login_shells, users.spy_users, bn.bottlenecks, state.ps, state.lsof, state.netstat,
];

export const BUILTINS: ReadonlyMap<string, TsChiselDef> = new Map(all.map((d) => [d.name, d]));
