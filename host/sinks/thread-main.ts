// SPDX-License-Identifier: Apache-2.0
// Entry point of a sink thread (see thread.ts): builds the named deliverer from its config and runs
// each call in arrival order of completion, answering with its result or its error.
import { parentPort, workerData } from 'worker_threads';
import type { kafkaDeliverer } from './kafka-thread';
import type { otlpDeliverer } from './otel/otlp-thread';

export interface Deliverer {
  [op: string]: (args: any) => Promise<unknown>;
}

/* eslint-disable @typescript-eslint/no-var-requires */
// Loaded on demand: a thread only loads its own client library.
const FACTORIES: Record<string, (config: any) => Deliverer> = {
  kafka: (c) => (require('./kafka-thread').kafkaDeliverer as typeof kafkaDeliverer)(c),
  otlp: (c) => (require('./otel/otlp-thread').otlpDeliverer as typeof otlpDeliverer)(c),
};

const { kind, config } = workerData as { kind: string; config: unknown };
const d = FACTORIES[kind](config);
parentPort!.on('message', (m: { id: number; op: string; args: unknown }) => {
  d[m.op](m.args).then(
    (result) => parentPort!.postMessage({ id: m.id, result }),
    (e: Error) => parentPort!.postMessage({ id: m.id, error: { name: e?.name ?? 'Error', message: e?.message ?? String(e) } }),
  );
});
