// SPDX-License-Identifier: Apache-2.0
// Login-shell chisels: list_login_shells and spy_users.

import { FieldValue } from '../../core/types';
import { TsChiselDef } from '../api';
import { luaStr, numericArg } from './format';

const GREEN = '\x1b[32m';
const BLUE = '\x1b[34m';
const RESET = '\x1b[0m';

export const list_login_shells: TsChiselDef = {
  name: 'list_login_shells', category: 'Security', shortDescription: 'List the login shell IDs',
  description: 'List the IDs of the login sessions, optionally only those running a given command.',
  args: [{ name: 'command', argtype: 'string', description: 'only shells running this command (* for any)', optional: true },
    { name: 'arguments', argtype: 'string', description: 'only shells running commands with these arguments', optional: true }],
  create(host) {
    let comm: string | undefined;
    let argStr: string | undefined;
    const h: Record<string, number> = {};
    // sysdig keeps only the last match, in a table of three keys printed once per non-nil key.
    let last: FieldValue[] | undefined;
    return {
      setArg(n, v) {
        if (n === 'command' && v !== '*') comm = v;
        else if (n === 'arguments') argStr = v;
        return true;
      },
      init() {
        for (const f of ['proc.loginshellid', 'evt.arg.exe', 'evt.arg.args', 'container.name', 'container.id']) h[f] = host.requestField(f);
        host.setFilter('evt.type=execve');
        return true;
      },
      onEvent(e) {
        const v = (f: string) => e.values[h[f]];
        const sid = v('proc.loginshellid');
        const exe = v('evt.arg.exe');
        const args = v('evt.arg.args');
        if (sid === null || exe === null || sid === false || exe === false) return true;
        if (comm !== undefined && !luaStr(exe).includes(comm)) return true;
        if (argStr !== undefined && args !== null && !luaStr(args).includes(argStr)) return true;
        last = [sid, v('container.name'), v('container.id')];
        return true;
      },
      captureEnd() {
        host.print(comm !== undefined ? `Shells containing ${comm}:` : 'All shells:');
        if (!last) return;
        const [sid, cname, cid] = last;
        for (const x of last) {
          if (x === null) continue;
          host.print(host.env.printContainer ? `${luaStr(sid)} ${luaStr(cname)} ${luaStr(cid)}` : luaStr(sid));
        }
      },
    };
  },
};

const MAX_ANCESTORS = 16;

export const spy_users: TsChiselDef = {
  name: 'spy_users', category: 'Security', shortDescription: 'Display interactive user activity',
  description: 'Lists every command that users launch interactively (e.g. from bash) and every directory users visit.',
  args: [{ name: 'max_depth', argtype: 'int', description: 'the maximum depth to show in the hierarchy of processes', optional: true },
    { name: 'disable_color', argtype: 'string', description: "Set to 'disable_colors' if you want to disable color output", optional: true }],
  create(host) {
    let maxDepth = -1;
    let color = true;
    const h: Record<string, number> = {};
    const anames: number[] = [];
    const apids: number[] = [];
    // sysdig's chisel shifts its ancestor handles by one on every chdir (table.insert at 0).
    let shift = 0;
    const tree = new Map<string, [number, FieldValue?]>();
    return {
      setArg(n, v) {
        if (n === 'max_depth') {
          maxDepth = numericArg(host, 'spy_users', n, v);
        } else if (n === 'disable_color' && v === 'disable_color') color = false;
        return true;
      },
      init() {
        for (const f of ['evt.type', 'proc.exe', 'proc.args', 'evt.arg.path', 'user.name', 'evt.time.s', 'proc.pid', 'proc.ppid',
          'container.name', 'container.id']) h[f] = host.requestField(f);
        host.setFilter('((evt.type=execve and evt.dir=<) or (evt.type=chdir and evt.dir=< and proc.name contains sh and not proc.name contains sshd)) and evt.failed=false');
        for (let j = 0; j <= MAX_ANCESTORS; j++) {
          anames[j] = host.requestField(`proc.aname[${j}]`);
          apids[j] = host.requestField(`proc.apid[${j}]`);
        }
        return true;
      },
      onEvent(e) {
        const v = (f: string) => e.values[h[f]];
        const pc = host.env.printContainer;
        let c = pc && color ? GREEN : '';
        const user = v('user.name') === null ? '<NA>' : luaStr(v('user.name'));
        const pid = luaStr(v('proc.pid'));
        let ppid = luaStr(v('proc.ppid'));
        const chdir = v('evt.type') === 'chdir';
        let icorr = 1;
        if (chdir) {
          ppid = pid;
          shift++;
          icorr = 0;
        }
        if (!tree.has(ppid)) {
          tree.set(ppid, [-1]);
          for (let j = 1; j <= MAX_ANCESTORS; j++) {
            const k = j - shift;
            const aname = k >= 0 ? e.values[anames[k]] : null;
            const apid = k >= 0 ? e.values[apids[k]] : null;
            if (aname === null) {
              if (apid === null) break;
            } else if (typeof aname === 'string' && aname.length >= 2 && aname.endsWith('sh')) {
              const t = tree.get(luaStr(apid));
              tree.set(ppid, t ? [j - 1, apid] : [0, apid]);
            }
          }
        }
        const parent = tree.get(ppid)!;
        if (parent[0] === -1) return true;
        if (!tree.has(pid)) tree.set(pid, [1 + parent[0], parent[1]]);
        const [depth, shell] = tree.get(pid)!;
        const corr = chdir ? icorr : 1;
        if (maxDepth !== -1 && depth - corr > maxDepth) return true;
        if (pc && v('container.name') !== 'host' && color) c = BLUE;
        const indent = ' '.repeat(Math.max(0, (pc || chdir ? 4 : 3) * (depth - corr)));
        const who = pc ? `${user}@${luaStr(v('container.name'))}` : user;
        const what = chdir ? `cd ${luaStr(v('evt.arg.path'))}` : `${luaStr(v('proc.exe'))} ${luaStr(v('proc.args'))}`;
        host.print(`${c}${indent}${luaStr(shell ?? null)} ${luaStr(v('evt.time.s'))} ${who}) ${what}`);
        return true;
      },
      captureEnd() {
        host.print(color ? RESET : '');
      },
    };
  },
};
