// SPDX-License-Identifier: Apache-2.0
// Entry point of a sink thread (see thread.ts): builds the named deliverer from its config and runs
// each call in arrival order of completion, answering with its result or its error.
import { parentPort, workerData } from 'worker_threads';
import { kafkaDeliverer } from './kafka-thread';
// OTLP_IMPORT

export interface Deliverer {
  [op: string]: (args: any) => Promise<unknown>;
}

const FACTORIES: Record<string, (config: any) => Deliverer> = { kafka: kafkaDeliverer };

const { kind, config } = workerData as { kind: string; config: unknown };
const d = FACTORIES[kind](config);
parentPort!.on('message', (m: { id: number; op: string; args: unknown }) => {
  d[m.op](m.args).then(
    (result) => parentPort!.postMessage({ id: m.id, result }),
    (e: Error) => parentPort!.postMessage({ id: m.id, error: { name: e?.name ?? 'Error', message: e?.message ?? String(e) } }),
  );
});
