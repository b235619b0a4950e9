// SPDX-License-Identifier: Apache-2.0
// The synthetic source: a deterministic, seeded stream of syscall enter/exit pairs from a few
// processes and threads, with the fields the core would extract. It implements Capture, filters
// included, so pipelines, sinks and benchmarks run without a kernel probe or a capture file.
import { Capture, CaptureStats, FieldValue, Query, RowBatchHandler, QuarryError } from '../../core/types';
import { compileFilter, Getter } from '../filter';

export interface SyntheticOptions {
  /** Events to produce; 0 = until aborted. */
  count: number;
  /** Events per second; 0 = as fast as the consumer takes them. */
  rate: number;
  /** PRNG seed: the same seed gives the same events. */
  seed: number;
  /** Number of processes (each with 1-3 threads). */
  processes: number;
  /** Rows per batch handed to the consumer. */
  batchSize: number;
  /** Share of syscalls whose exit is lost (leaves an unpaired enter). */
  lostExitRatio: number;
  /** Timestamp of the first event, ns since the epoch; default: now. */
  startNs?: bigint;
}

const NAMES = ['nginx', 'postgres', 'redis-server', 'node', 'python3', 'curl', 'sshd', 'cat'];
const SYSCALLS: [string, 'file' | 'net' | 'none'][] = [
  ['read', 'file'], ['write', 'file'], ['openat', 'file'], ['close', 'file'], ['connect', 'net'], ['sendto', 'net'],
  ['recvfrom', 'net'], ['epoll_wait', 'none'], ['futex', 'none'], ['mmap', 'none'], ['stat', 'file'], ['accept', 'net'],
];
const ERRNOS: [string, number][] = [['ENOENT', -2], ['EAGAIN', -11], ['EACCES', -13], ['ECONNREFUSED', -111]];

interface Thread { tid: bigint; proc: Proc; pending?: { sc: number; t: bigint; fd: number } }
interface Proc { pid: bigint; name: string; container: string; uid: number }

/** One synthetic event; `get` answers sysdig field names. */
export interface SyntheticEvent { num: bigint; t: bigint; dir: '>' | '<'; sc: number; th: Thread; fd: number; res: number; latency: bigint }

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fdName(ev: SyntheticEvent): string | null {
  const [, kind] = SYSCALLS[ev.sc];
  if (kind === 'none') return null;
  if (kind === 'net') return `10.0.${ev.fd % 4}.${ev.fd}:${40000 + ev.fd}->10.1.0.${ev.fd % 7}:${ev.fd % 2 ? 5432 : 443}`;
  return `/var/lib/${ev.th.proc.name}/data.${ev.fd}`;
}

/** Field values of a synthetic event, by sysdig field name. */
export function fieldOf(ev: SyntheticEvent, name: string): FieldValue {
  const exit = ev.dir === '<';
  switch (name) {
    case 'evt.num': return ev.num;
    case 'evt.rawtime': return ev.t;
    case 'evt.time': return String(ev.t);
    case 'evt.latency': return ev.latency;
    case 'evt.type': return SYSCALLS[ev.sc][0];
    case 'evt.dir': return ev.dir;
    case 'evt.cpu': return Number(ev.th.tid % 2n);
    case 'evt.res': return exit ? (ev.res < 0 ? ERRNOS.find((e) => e[1] === ev.res)![0] : 'SUCCESS') : null;
    case 'evt.rawres': return exit ? BigInt(ev.res) : null;
    case 'evt.failed': return exit && ev.res < 0;
    case 'evt.info': return exit ? `res=${ev.res}` : `fd=${ev.fd}`;
    case 'proc.name': return ev.th.proc.name;
    case 'proc.pid': return ev.th.proc.pid;
    case 'thread.tid': return ev.th.tid;
    case 'proc.exe': return `/usr/bin/${ev.th.proc.name}`;
    case 'user.uid': return ev.th.proc.uid;
    case 'user.name': return ev.th.proc.uid === 0 ? 'root' : `user${ev.th.proc.uid}`;
    case 'fd.num': return SYSCALLS[ev.sc][1] === 'none' ? null : BigInt(ev.fd);
    case 'fd.name': return fdName(ev);
    case 'container.id': return ev.th.proc.container;
    case 'container.name': return ev.th.proc.container === 'host' ? 'host' : `app-${ev.th.proc.container.slice(0, 4)}`;
    default: return null;
  }
}

/** An endless, deterministic event generator. */
export class SyntheticEvents {
  private readonly rnd: () => number;
  private readonly threads: Thread[] = [];
  private num = 0n;
  private t: bigint;

  constructor(private readonly o: SyntheticOptions) {
    this.rnd = mulberry32(o.seed);
    this.t = o.startNs ?? BigInt(Date.now()) * 1_000_000n;
    for (let i = 0; i < Math.max(1, o.processes); i++) {
      const pid = BigInt(1000 + i * 100);
      const proc: Proc = { pid, name: NAMES[i % NAMES.length], container: i % 3 === 2 ? 'host' : (0xc0ffee000000 + i).toString(16), uid: i % 2 ? 1000 : 0 };
      const nThreads = 1 + (i % 3);
      for (let k = 0; k < nThreads; k++) this.threads.push({ tid: pid + BigInt(k), proc });
    }
  }

  next(): SyntheticEvent {
    const r = this.rnd;
    this.num++;
    this.t += BigInt(200 + Math.floor(r() * 5000));
    const th = this.threads[Math.floor(r() * this.threads.length)];
    if (th.pending && this.o.lostExitRatio > 0 && r() < this.o.lostExitRatio) th.pending = undefined;
    if (!th.pending) {
      const sc = Math.floor(r() * SYSCALLS.length);
      const fd = 3 + Math.floor(r() * 12);
      th.pending = { sc, t: this.t, fd };
      return { num: this.num, t: this.t, dir: '>', sc, th, fd, res: 0, latency: 0n };
    }
    const p = th.pending;
    th.pending = undefined;
    const fail = r() < 0.05;
    const res = fail ? ERRNOS[Math.floor(r() * ERRNOS.length)][1] : Math.floor(r() * 4096);
    return { num: this.num, t: this.t, dir: '<', sc: p.sc, th, fd: p.fd, res, latency: this.t - p.t };
  }
}

export class SyntheticCapture implements Capture {
  private read = 0;
  constructor(readonly options: SyntheticOptions) {}

  /** Counters so far, while run() is going. */
  progress(): CaptureStats { return { eventsRead: this.read, driverDrops: 0 }; }

  async run(queries: Query[], onRows: RowBatchHandler, signal?: AbortSignal): Promise<CaptureStats> {
    const compiled = queries.map((q) => {
      const f = compileFilter(q.filter ?? '');
      if ('message' in f) throw new QuarryError(`synthetic source: bad filter "${q.filter}": ${f.message} at ${f.offset + 1}`);
      return f;
    });
    const gen = new SyntheticEvents(this.options);
    const { count, rate, batchSize } = this.options;
    const started = Date.now();
    let read = 0;
    this.read = 0;
    while (!signal?.aborted && (count === 0 || read < count)) {
      const n = count === 0 ? batchSize : Math.min(batchSize, count - read);
      const out: FieldValue[][][] = queries.map(() => []);
      for (let i = 0; i < n; i++) {
        const ev = gen.next();
        const get: Getter = (f) => fieldOf(ev, f);
        for (let q = 0; q < queries.length; q++) {
          if (compiled[q].matches(get)) out[q].push(queries[q].fields.map(get));
        }
      }
      read += n;
      this.read = read;
      for (let q = 0; q < queries.length; q++) if (out[q].length) await onRows(q, out[q]);
      if (rate > 0) {
        const due = started + (read / rate) * 1000 - Date.now();
        if (due > 0) await new Promise((res) => setTimeout(res, due));
      } else {
        await new Promise((res) => setImmediate(res));
      }
    }
    return { eventsRead: read, driverDrops: 0 };
  }
}
