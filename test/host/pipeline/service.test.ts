// SPDX-License-Identifier: Apache-2.0
// The pipeline service: /healthz and /metrics, reload (a bad config keeps the old one), SIGTERM
// drains, SIGHUP reopens files; and the example config runs as documented.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { test } from 'node:test';
import { loadConfig } from '../../../host/pipeline/config';
import { Logger } from '../../../host/pipeline/log';
import { PipelineService } from '../../../host/pipeline/service';
import { repoRoot, sleep, until } from '../services';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quarry-service-'));
const cli = path.join(repoRoot(), 'dist', 'host', 'pipeline', 'cli.js');

function get(port: number, p: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: p }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    }).on('error', reject);
  });
}

const config = (pipeline: string) => `
service: { listen: "127.0.0.1:0", drain_timeout: 2s }
sources: { s: { type: synthetic, rate: 2000, count: 0 } }
pipelines:
  ${pipeline}:
    filter: evt.dir = <
    sinks:
      m: { type: memory, store: svc-${pipeline} }
      slow: { type: memory, store: svc-slow-${pipeline}, delay: 50ms, buffer: { max_events: 20 }, batch: { max_events: 10 } }
`;

test('service > serves /healthz and /metrics, reloads a good config and keeps the old one on a bad config', async (t) => {
  const file = path.join(dir, 'reload.yaml');
  fs.writeFileSync(file, config('first'));
  const logs: Record<string, any>[] = [];
  const loaded = await loadConfig(file);
  const svc = new PipelineService(file, loaded.config!, new Logger('info', (l) => logs.push(JSON.parse(l))));
  await svc.start({ signals: false });
  const port = svc.address()!.port;
  t.after(() => svc.stop('test cleanup'));
  await until(() => svc.metrics.get('quarry_sink_events_out_total', { pipeline: 'first', sink: 'm' }) > 50, 5000);

  const health = await get(port, '/healthz');
  assert.equal(health.status, 200);
  assert.deepEqual({ ...JSON.parse(health.body), uptime_s: 0 }, { status: 'ok', uptime_s: 0, pipelines: ['first'] });
  const m = (await get(port, '/metrics')).body;
  for (const line of [
    /^quarry_source_events_total\{source="s",type="synthetic"\} \d+$/m,
    /^quarry_pipeline_events_total\{pipeline="first"\} \d+$/m,
    /^quarry_sink_events_in_total\{pipeline="first",sink="m",type="memory"\} \d+$/m,
    /^quarry_sink_events_out_total\{pipeline="first",sink="m",type="memory"\} \d+$/m,
    /^quarry_sink_errors_total\{pipeline="first",sink="m",type="memory"\} 0$/m,
    /^quarry_sink_queue_events\{pipeline="first",sink="slow",type="memory"\} \d+$/m,
    /^quarry_dropped_events_total\{stage="sink_queue",pipeline="first",sink="slow",type="memory",reason="queue_full"\} \d+$/m,
    /^quarry_probe_drops_total\{source="s",type="synthetic"\} 0$/m,
    /^# TYPE quarry_sink_events_out_total counter$/m,
  ]) assert.match(m, line);
  assert.equal((await get(port, '/nope')).status, 404);

  fs.writeFileSync(file, config('first').replace('type: memory', 'type: memroy'));
  await svc.reload();
  assert.equal(svc.metrics.get('quarry_config_reloads_total', { result: 'failure' }), 1);
  const rejected = logs.find((l) => l.msg === 'config reload rejected; keeping the running config');
  assert.deepEqual(rejected?.errors, [`${file}:8:18: config.pipelines.first.sinks.m: unknown sink type "memroy" (did you mean "memory"?); known: stdout, file, kafka, otel, memory`]);
  const before = svc.metrics.get('quarry_sink_events_out_total', { pipeline: 'first', sink: 'm' });
  await until(() => svc.metrics.get('quarry_sink_events_out_total', { pipeline: 'first', sink: 'm' }) > before, 3000);
  assert.equal((await get(port, '/healthz')).status, 200, 'still running the old config');

  fs.writeFileSync(file, config('second'));
  await svc.reload();
  assert.equal(svc.metrics.get('quarry_config_reloads_total', { result: 'success' }), 1);
  assert.ok(await until(() => svc.metrics.get('quarry_sink_events_out_total', { pipeline: 'second', sink: 'm' }) > 10, 5000));
  assert.doesNotMatch((await get(port, '/metrics')).body, /pipeline="first"/);
  assert.deepEqual(JSON.parse((await get(port, '/healthz')).body).pipelines, ['second']);

  await svc.stop('test');
  await svc.done();
  await assert.rejects(get(port, '/healthz'));
});

for (const how of ['in process', 'bin/quarry.js pipeline run (a child with its own V8 flags)'] as const) test(`service > SIGTERM drains every queued event to the sinks before exit; SIGHUP reopens files (${how})`, async () => {
  const tag = how === 'in process' ? 'drain' : 'drain-bin';
  const extraCa = path.join(dir, 'no-such-ca-bundle.pem');
  const out = path.join(dir, tag, 'events.txt');
  const file = path.join(dir, `${tag}.yaml`);
  fs.writeFileSync(file, `
service: { listen: off, drain_timeout: 10s }
sources: { s: { type: synthetic, rate: 20000, count: 0 } }
pipelines:
  all:
    output: { format: template, template: "%evt.num %evt.type" }
    sinks:
      f: { type: file, path: ${out}, buffer: { when_full: block, max_events: 50000 }, batch: { max_events: 5000, max_age: 2s } }
`);
  const child = how === 'in process'
    ? spawn(process.execPath, ['-e', `require(${JSON.stringify(cli)}).pipelineMain(['run', ${JSON.stringify(file)}]).then((c) => process.exit(c))`], { stdio: ['ignore', 'ignore', 'pipe'] })
    // run as npx runs it (through its first line), with a CA bundle named in the environment
    : spawn(path.join(repoRoot(), 'bin', 'quarry.js'), ['pipeline', 'run', file], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NODE_EXTRA_CA_CERTS: extraCa } });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  await until(() => fs.existsSync(out) && fs.statSync(out).size > 0, 10_000);
  if (how !== 'in process') {
    // the service itself is bin/quarry.js' child, started with the larger young generation
    const kids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
      try { return fs.readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1].split(' ')[1] === String(child.pid); } catch { return false; }
    });
    assert.equal(kids.length, 1, 'one service process under bin/quarry.js');
    assert.ok(fs.readFileSync(`/proc/${kids[0]}/cmdline`, 'utf8').split('\0').includes('--max-semi-space-size=64'));
    // bin/quarry.js starts without the CA bundle (Node would parse it at start-up); the service,
    // whose sinks may speak TLS, gets it back
    const envOf = (pid: number | string) => fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    assert.ok(!envOf(child.pid!).some((v) => v.startsWith('NODE_EXTRA_CA_CERTS=')));
    assert.ok(envOf(kids[0]).includes(`NODE_EXTRA_CA_CERTS=${extraCa}`));
  }
  fs.renameSync(out, out + '.old');
  child.kill('SIGHUP');
  await until(() => fs.existsSync(out), 5000);
  await sleep(300);
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  assert.equal(code, 0, stderr);
  // (Node's own warning about the made-up CA bundle is not a log line)
  const logs = stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  const ended = logs.find((l) => l.msg === 'source ended');
  assert.ok(ended, stderr);
  const lines = [...fs.readFileSync(out + '.old', 'utf8').split('\n'), ...fs.readFileSync(out, 'utf8').split('\n')].filter(Boolean);
  assert.equal(lines.length, ended.events, 'every event read reached the file');
  assert.deepEqual(lines.map((l) => Number(l.split(' ')[0])), Array.from({ length: ended.events }, (_, i) => i + 1));
  assert.deepEqual(logs.find((l) => l.msg === 'stopped')?.dropped, 0);
});

test('service > pipeline.example.yaml validates and runs as documented', () => {
  const root = repoRoot();
  const run = (cmd: string) => spawnSync(process.execPath, ['-e', `require(${JSON.stringify(cli)}).pipelineMain([${JSON.stringify(cmd)}, 'pipeline.example.yaml']).then((c) => process.exit(c))`], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  const v = run('validate');
  assert.equal(v.status, 0, v.stderr);
  assert.equal(v.stdout, 'pipeline.example.yaml: ok (1 source(s), 1 pipeline(s), 2 sink(s))\n');
  fs.rmSync('/tmp/quarry-example', { recursive: true, force: true });
  const r = run('run');
  assert.equal(r.status, 0, r.stderr);
  const printed = r.stdout.split('\n').filter(Boolean);
  assert.ok(printed.length > 100);
  for (const l of printed) assert.deepEqual(Object.keys(JSON.parse(l)), ['evt.num', 'evt.rawtime', 'evt.type', 'proc.name', 'thread.tid', 'fd.name', 'evt.res', 'evt.latency']);
  assert.deepEqual(fs.readFileSync('/tmp/quarry-example/slow_io.jsonl', 'utf8').split('\n').filter(Boolean), printed);
});

test('service > run refuses to start on any config error', () => {
  const file = path.join(dir, 'bad.yaml');
  fs.writeFileSync(file, 'sources: { s: { type: synthetic } }\npipelines:\n  p:\n    sinks: { o: { type: stdout, colour: red } }\n');
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(cli)}).pipelineMain(['run', ${JSON.stringify(file)}]).then((c) => process.exit(c))`], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, `${file}:4:33: config.pipelines.p.sinks.o: unknown key "colour"; allowed: type, buffer, batch, retry, timeout, concurrency\n${file}: 1 error; not starting\n`);
});
