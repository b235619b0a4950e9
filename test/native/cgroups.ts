// SPDX-License-Identifier: Apache-2.0
// Cgroups for the live probe tests: what the kernel says a process belongs to, in the form
// sysdig's drivers report it, and throwaway nested cgroups to put a test process in.
import * as fs from 'fs';
import * as path from 'path';

/** The subsystems sysdig's drivers report, in their order; io is "blkio" in cgroup v1 listings. */
const REPORTED: [string, string][] = [['cpuset', 'cpuset'], ['cpu', 'cpu'], ['cpuacct', 'cpuacct'], ['io', 'blkio'], ['memory', 'memory']];

/** Subsystems compiled into this kernel (/proc/cgroups lists them by their v1 names). */
function compiledIn(): Set<string> {
  const lines = fs.readFileSync('/proc/cgroups', 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  return new Set(lines.map((l) => l.split('\t')[0]));
}

/**
 * The cgroups of a live process as the probe must report them, computed from /proc/<pid>/cgroup:
 * "subsystem=path" for each reported subsystem the kernel has, the v1 hierarchy's path when the
 * subsystem is mounted in one, else the unified (v2) path.
 */
export function expectedCgroups(pid: number): string[] {
  const byCtrl = new Map<string, string>();
  let unified: string | undefined;
  for (const line of fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === '0' && m[2] === '') unified = m[3];
    for (const c of m[2].split(',')) if (c) byCtrl.set(c, m[3]);
  }
  const have = compiledIn();
  const out: string[] = [];
  for (const [name, v1name] of REPORTED) {
    if (!have.has(v1name)) continue;
    const p = byCtrl.get(v1name) ?? unified;
    if (p !== undefined) out.push(`${name}=${p}`);
  }
  return out;
}

/** Mount points of the cgroup v1 hierarchies, by controller. */
function v1Mounts(): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [pre, post] = line.split(' - ');
    if (!post || !post.startsWith('cgroup ')) continue;
    const mnt = pre.split(' ')[4];
    for (const opt of post.split(' ')[2].split(',')) out.set(opt, mnt);
  }
  return out;
}

/**
 * Moves pid into a new nested cgroup `<its current path>/<name>/inner/leaf` of each listed v1
 * controller that is mounted (cpu and cpuacct need no setup before a task joins). Returns a
 * function that removes them once the process has exited; controllers that cannot be used are
 * skipped, so the caller compares against /proc either way.
 */
export function nestInCgroups(pid: number, name: string, controllers = ['cpu', 'cpuacct']): () => void {
  const mounts = v1Mounts();
  const made: string[] = [];
  for (const c of controllers) {
    const mnt = mounts.get(c);
    if (!mnt) continue;
    const cur = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').map((l) => /^\d+:([^:]*):(.*)$/.exec(l))
      .find((m) => m && m[1].split(',').includes(c));
    if (!cur) continue;
    const top = path.join(mnt, cur[2], name);
    const leaf = path.join(top, 'inner', 'leaf');
    try {
      fs.mkdirSync(leaf, { recursive: true });
      made.push(top);
      fs.writeFileSync(path.join(leaf, 'cgroup.procs'), String(pid));
    } catch {
      /* not allowed here: the process stays where it was */
    }
  }
  return () => {
    for (const top of made) for (const d of [path.join(top, 'inner', 'leaf'), path.join(top, 'inner'), top]) {
      try { fs.rmdirSync(d); } catch { /* still in use or gone */ }
    }
  };
}

/** NUL-separated cgroups parameter as a list. */
export function cgroupsParam(b: Buffer): string[] {
  return b.toString('latin1').split('\0').filter((s, i, a) => !(i === a.length - 1 && s === ''));
}
