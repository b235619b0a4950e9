// SPDX-License-Identifier: Apache-2.0
// quarry pipeline validate: each kind of config mistake is reported as FILE:LINE:COL: message.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkConfigText } from '../../../../host/pipeline/config';

const BASE = `sources:
  s1:
    type: synthetic
    count: 10
pipelines:
  p1:
    filter: evt.type = read
    sinks:
      out:
        type: memory
`;

async function errors(text: string, env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  return (await checkConfigText(text, 'cfg.yaml', { env })).errors;
}

/** Replaces the first occurrence of `from` in BASE. */
const edit = (from: string, to: string) => { assert.ok(BASE.includes(from), from); return BASE.replace(from, () => to); };

test('validate > a correct config has no errors and gets its defaults', async () => {
  const r = await checkConfigText(BASE, 'cfg.yaml', { env: {} });
  assert.deepEqual(r.errors, []);
  assert.equal(r.config!.pipelines.p1.source, 's1');
  assert.deepEqual(r.config!.pipelines.p1.sinks.out.buffer, { max_events: 10000, max_bytes: 16 * 1024 * 1024, when_full: 'drop_newest' });
  assert.equal(r.config!.service.drain_timeout, 10000);
});

const CASES: [string, string, string[]][] = [
  ['YAML syntax error', edit('    count: 10\n', '    count: [10\n'),
    ['cfg.yaml:5:1: YAML: Flow sequence in block collection must be sufficiently indented and end with a ]']],
  ['unknown key with did-you-mean', edit('    filter:', '    filtr:'),
    ['cfg.yaml:7:5: config.pipelines.p1: unknown key "filtr" (did you mean "filter"?); allowed: source, filter, output, sinks']],
  ['unknown top-level key', 'pipeline:\n  x: 1\n' + BASE,
    ['cfg.yaml:1:1: config: unknown key "pipeline" (did you mean "pipelines"?); allowed: service, sources, pipelines']],
  ['wrong type', edit('    count: 10', '    count: ten'),
    ['cfg.yaml:4:12: config.sources.s1.count: expected an integer, got "ten"']],
  ['integer out of range', edit('    count: 10', '    count: -5'),
    ['cfg.yaml:4:12: config.sources.s1.count: -5 is out of range (min 0)']],
  ['number out of range', edit('    count: 10', '    count: 10\n    lost_exit_ratio: 1.5'),
    ['cfg.yaml:5:22: config.sources.s1.lost_exit_ratio: 1.5 is out of range (min 0, max 1)']],
  ['missing required section', 'sources:\n  s1:\n    type: synthetic\n',
    ['cfg.yaml:1:1: config: missing required key "pipelines" (named pipelines: filter, output shape, sinks)']],
  ['missing required sink key', edit('        type: memory', '        type: file'),
    ['cfg.yaml:10:9: config.pipelines.p1.sinks.out: missing required key "path" (file to append to; its directory is created)']],
  ['duplicate pipeline name', BASE + '  p1:\n    sinks:\n      o:\n        type: stdout\n',
    ['cfg.yaml:11:3: duplicate key: Map keys must be unique']],
  ['unknown sink type', edit('type: memory', 'type: kafak'),
    ['cfg.yaml:10:15: config.pipelines.p1.sinks.out: unknown sink type "kafak" (did you mean "kafka"?); known: stdout, file, kafka, otel, memory']],
  ['unknown source type', edit('type: synthetic', 'type: synth'),
    ['cfg.yaml:3:11: config.sources.s1: unknown source type "synth" (did you mean "synthetic"?); known: synthetic, file, live']],
  ['sink without type', edit('        type: memory', '        store: x'),
    ['cfg.yaml:10:9: config.pipelines.p1.sinks.out: missing required key "type" (one of: stdout, file, kafka, otel, memory)']],
  ['bad duration', edit('        type: memory', '        type: memory\n        timeout: 5 sec'),
    ['cfg.yaml:11:18: config.pipelines.p1.sinks.out.timeout: "5 sec" is not a duration (examples: 250ms, 5s, 1h30m)']],
  ['duration without unit', edit('        type: memory', '        type: memory\n        timeout: 5'),
    ['cfg.yaml:11:18: config.pipelines.p1.sinks.out.timeout: 5 has no unit; write e.g. 5ms or 5s']],
  ['bad size', edit('        type: memory', '        type: memory\n        buffer: { max_bytes: 10MiBs }'),
    ['cfg.yaml:11:30: config.pipelines.p1.sinks.out.buffer.max_bytes: unknown size unit "MiBs" in "10MiBs" (use B, KB, MB, GB, KiB, MiB, GiB)']],
  ['bad enum value', edit('        type: memory', '        type: memory\n        buffer:\n          when_full: drop'),
    ['cfg.yaml:12:22: config.pipelines.p1.sinks.out.buffer.when_full: "drop" is not one of block, drop_newest (did you mean "drop_newest"?)']],
  ['bad topic template', edit('        type: memory', '        type: kafka\n        brokers: [127.0.0.1:9092]\n        topic: "sys.${proc.name"'),
    ['cfg.yaml:12:21: pipelines.p1.sinks.out.topic: unterminated "${" in template "sys.${proc.name"']],
  ['unknown field in template', edit('        type: memory', '        type: kafka\n        brokers: [127.0.0.1:9092]\n        topic: t\n        key: ${prc.name}'),
    ['cfg.yaml:13:14: pipelines.p1.sinks.out.key: bad template "${prc.name}": unknown field "prc.name" (did you mean "proc.name"?)']],
  ['bad -p output format', edit('    sinks:', '    output:\n      format: template\n      template: "%evt.num %"\n    sinks:'),
    ['cfg.yaml:10:27: pipelines.p1.output.template: "%" must be followed by a field name (or %% for a percent sign)']],
  ['template key without format template', edit('    sinks:', '    output:\n      template: "%evt.num"\n    sinks:'),
    ['cfg.yaml:9:18: pipelines.p1.output.template: only used with format: template (format is json)']],
  ['misspelled field in output fields', edit('    sinks:', '    output:\n      fields: [evt.num, proc.nmae]\n    sinks:'),
    ['cfg.yaml:9:25: config.pipelines.p1.output.fields[1]: unknown field "proc.nmae" (did you mean "proc.name"?)']],
  ['bad field in output fields', edit('    sinks:', '    output:\n      fields: [evt.num, procname]\n    sinks:'),
    ['cfg.yaml:9:25: config.pipelines.p1.output.fields[1]: "procname" is not a field name (fields look like proc.name or evt.arg.fd)']],
  ['bad filter syntax', edit('evt.type = read', 'evt.type = read and (proc.name = x'),
    ['cfg.yaml:7:47: pipelines.p1.filter: unexpected end of filter']],
  ['filter with unclosed quotes', edit('evt.type = read', 'evt.type = read and proc.name = "x'),
    ['cfg.yaml:7:47: pipelines.p1.filter: unclosed quotes']],
  ['filter with unknown operator', edit('evt.type = read', 'evt.type ~ read'),
    ['cfg.yaml:7:22: pipelines.p1.filter: unrecognized comparison operator after evt.type']],
  ['unset environment variable', edit('        type: memory', '        type: memory\n        store: ${QUARRY_TEST_UNSET}'),
    ['cfg.yaml:11:16: environment variable QUARRY_TEST_UNSET is not set (referenced as ${QUARRY_TEST_UNSET}; use ${QUARRY_TEST_UNSET:-default} for a fallback)']],
  ['unknown source reference', edit('    filter:', '    source: s2\n    filter:'),
    ['cfg.yaml:7:13: pipelines.p1.source: no source named "s2" (did you mean "s1"?); sources: s1']],
  ['ambiguous source', edit('pipelines:', '  s2:\n    type: synthetic\npipelines:'),
    ['cfg.yaml:8:3: pipelines.p1: say which source (one of: s1, s2)']],
  ['empty sinks map', edit('    sinks:\n      out:\n        type: memory\n', '    sinks: {}\n'),
    ['cfg.yaml:8:12: config.pipelines.p1.sinks: needs at least 1 sink']],
  ['bad kafka acks', edit('        type: memory', '        type: kafka\n        brokers: [127.0.0.1:9092]\n        topic: t\n        acks: 2'),
    ['cfg.yaml:13:15: config.pipelines.p1.sinks.out.acks: acks must be all, -1, 0 or 1, got 2']],
  ['idempotent without acks all', edit('        type: memory', '        type: kafka\n        brokers: [127.0.0.1:9092]\n        topic: t\n        acks: 1\n        idempotent: true'),
    ['cfg.yaml:14:21: pipelines.p1.sinks.out.idempotent: an idempotent producer needs acks: all']],
  ['kafka batch over the broker\'s default message size', edit('        type: memory', '        type: kafka\n        brokers: [127.0.0.1:9092]\n        topic: t\n        batch: { max_bytes: 4MiB }'),
    ['cfg.yaml:13:16: pipelines.p1.sinks.out.batch: batch.max_bytes (4194304) is over 1MiB: brokers refuse record batches over message.max.bytes (1 MiB by default), again on every retry']],
  ['broker without port', edit('        type: memory', '        type: kafka\n        brokers: [localhost]\n        topic: t'),
    ['cfg.yaml:11:19: config.pipelines.p1.sinks.out.brokers[0]: "localhost" is not host:port']],
  ['bad OTLP endpoint', edit('        type: memory', '        type: otel\n        endpoint: 127.0.0.1:4318'),
    ['cfg.yaml:11:19: config.pipelines.p1.sinks.out.endpoint: "127.0.0.1:4318" is not a URL (e.g. http://127.0.0.1:4318)']],
  ['batch larger than buffer', edit('        type: memory', '        type: memory\n        buffer: { max_events: 10 }\n        batch: { max_events: 100 }'),
    ['cfg.yaml:12:16: pipelines.p1.sinks.out.batch.max_events (100) exceeds buffer.max_events (10)']],
  ['two sinks on one file', edit('        type: memory', '        type: file\n        path: /tmp/q.log\n      again:\n        type: file\n        path: /tmp/q.log'),
    ['cfg.yaml:14:15: pipelines.p1.sinks.again.path: /tmp/q.log is already written by pipelines.p1.sinks.out']],
  ['non-loopback listen address', 'service:\n  listen: 0.0.0.0:9464\n' + BASE,
    ['cfg.yaml:2:11: config.service.listen: "0.0.0.0:9464" must be a loopback host:port such as 127.0.0.1:9464 (or "off")']],
  ['string where a map is expected', edit('        type: memory', '        type: memory\n        retry: fast'),
    ['cfg.yaml:11:16: config.pipelines.p1.sinks.out.retry: expected a map of keys, got "fast"']],
  ['backoff bounds reversed', edit('        type: memory', '        type: memory\n        retry: { initial_backoff: 20s, max_backoff: 1s }'),
    ['cfg.yaml:11:16: pipelines.p1.sinks.out.retry.initial_backoff is larger than max_backoff']],
];

for (const [kind, text, want] of CASES) {
  test(`validate > reports ${kind} at its line and column`, async () => {
    assert.deepEqual(await errors(text), want);
  });
}

test('validate > reports every error of a file at once, in file order', async () => {
  const text = edit('    count: 10', '    count: ten\n    sed: 1').replace('type: memory', 'type: nope');
  assert.deepEqual(await errors(text), [
    'cfg.yaml:4:12: config.sources.s1.count: expected an integer, got "ten"',
    'cfg.yaml:5:5: config.sources.s1: unknown key "sed" (did you mean "seed"?); allowed: type, filter, count, rate, seed, processes, batch_size, lost_exit_ratio',
    'cfg.yaml:11:15: config.pipelines.p1.sinks.out: unknown sink type "nope"; known: stdout, file, kafka, otel, memory',
  ]);
});

test('validate > substitutes ${ENV} references, with defaults and $$ escapes', async () => {
  const text = edit('        type: memory', '        type: memory\n        store: "${STORE}-${MISSING:-x}-$${LITERAL}"');
  const r = await checkConfigText(text, 'cfg.yaml', { env: { STORE: 'abc' } });
  assert.deepEqual(r.errors, []);
  assert.equal(r.config!.pipelines.p1.sinks.out.store, 'abc-x-${LITERAL}');
});

test('validate > --check-connect reports an unreachable Kafka broker', async () => {
  const text = edit('        type: memory', '        type: kafka\n        brokers: [127.0.0.1:1]\n        topic: t');
  const r = await checkConfigText(text, 'cfg.yaml', { env: {}, checkConnect: true });
  assert.deepEqual(r.errors, ['cfg.yaml:10:9: pipelines.p1.sinks.out: unreachable: kafka unreachable: broker 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1']);
});
