// SPDX-License-Identifier: Apache-2.0
// The sink registry: every sink type Quarry knows, by the name used in `type:`.
import { fileSink } from './file';
import { kafkaSink } from './kafka';
import { memorySink } from './memory';
import { otelSink } from './otel';
import { stdoutSink } from './stdout';
import { SinkDefinition } from './types';

export const SINKS: Record<string, SinkDefinition> = {
  stdout: stdoutSink,
  file: fileSink,
  kafka: kafkaSink,
  otel: otelSink,
  memory: memorySink,
};
