// SPDX-License-Identifier: Apache-2.0
// A sink's delivery half in a worker thread, so encoding and network I/O run on the second core
// while the source and rendering keep the main one. The main thread keeps everything the worker
// layer owns (queue, batching, retries, timeouts, counters); a call here is one attempt: it resolves
// when the thread's deliverer finished (the broker or collector answered) and rejects with the
// deliverer's error. Batches travel as transferred ArrayBuffers. A thread that dies fails its
// pending calls (so they are retried like any failed write) and is started again on the next call.
import * as path from 'path';
import { Worker } from 'worker_threads';

interface Pending { resolve(v: unknown): void; reject(e: Error): void }
interface Running { w: Worker; pending: Map<number, Pending> }

export class SinkThread {
  private worker?: Running;
  private seq = 0;
  private closed = false;

  /** `kind` names a deliverer in thread-main.ts; `config` is cloned into the thread, which starts now (it loads while the source starts). */
  constructor(private readonly kind: string, private readonly config: unknown) { this.worker = this.start(); }

  private start(): Running {
    const w = new Worker(path.join(__dirname, 'thread-main.js'), { workerData: { kind: this.kind, config: this.config } });
    const r: Running = { w, pending: new Map() };
    const pending = r.pending;
    w.unref();
    w.on('message', (m: { id: number; result?: unknown; error?: { name: string; message: string } }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (pending.size === 0) w.unref();
      if (m.error) p.reject(Object.assign(new Error(m.error.message), { name: m.error.name }));
      else p.resolve(m.result);
    });
    // Only this thread's calls fail; a new thread may already be running others.
    const fail = (e: Error) => {
      if (this.worker === r) this.worker = undefined;
      for (const p of pending.values()) p.reject(e);
      pending.clear();
    };
    w.on('error', (e) => fail(new Error(`${this.kind} sink thread failed: ${e.message}`)));
    w.on('exit', (code) => fail(new Error(`${this.kind} sink thread exited (code ${code})`)));
    return r;
  }

  /** Runs `op` in the thread; `transfer` lists buffers that move to it (unusable here afterwards). */
  call<T>(op: string, args: Record<string, unknown> = {}, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`${this.kind} sink is closed`));
    const { w, pending } = (this.worker ??= this.start());
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      if (pending.size === 1) w.ref();
      w.postMessage({ id, op, args }, transfer);
    });
  }

  /** Lets the deliverer close (disconnect), then ends the thread. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    const r = this.worker;
    if (r) await this.call('close').catch(() => undefined);
    this.closed = true;
    this.worker = undefined;
    if (r) await r.w.terminate();
  }
}
