// SPDX-License-Identifier: Apache-2.0
// `quarry pipeline run` as a service: /healthz and /metrics on a loopback port, JSON logs,
// SIGTERM/SIGINT drain within the deadline, SIGHUP reopens files and reloads the config (a bad
// new config leaves the running one in place and says why).
import * as http from 'http';
import { PipelineConfig, loadConfig } from './config';
import { Logger } from './log';
import { Metrics } from './metrics';
import { PipelineRunner } from './runner';

export class PipelineService {
  readonly metrics = new Metrics();
  readonly log: Logger;
  private runner!: PipelineRunner;
  private server?: http.Server;
  private finished!: Promise<void>;
  private resolveFinished!: () => void;
  private reloading = Promise.resolve();
  private readonly started = Date.now();
  private signals: [NodeJS.Signals, () => void][] = [];

  constructor(readonly file: string, private config: PipelineConfig, log?: Logger) {
    this.log = log ?? new Logger(config.service.log_level);
    this.finished = new Promise((r) => { this.resolveFinished = r; });
  }

  /** The bound address of the HTTP endpoint, once listening. */
  address(): { host: string; port: number } | undefined {
    const a = this.server?.address();
    return a && typeof a === 'object' ? { host: a.address, port: a.port } : undefined;
  }

  async start(opts: { signals?: boolean } = {}): Promise<void> {
    await this.listen(this.config.service.listen);
    this.launch(this.config);
    if (opts.signals !== false) {
      this.signals = [['SIGTERM', () => void this.stop('SIGTERM')], ['SIGINT', () => void this.stop('SIGINT')], ['SIGHUP', () => void this.reload()]];
      for (const [s, h] of this.signals) process.on(s, h);
    }
  }

  /** Resolves when the service has stopped (finite sources ended, or a stop signal). */
  done(): Promise<void> { return this.finished; }

  private launch(cfg: PipelineConfig): void {
    const runner = new PipelineRunner(cfg, this.metrics, this.log);
    this.runner = runner;
    this.log.info('pipelines starting', { file: this.file, pipelines: Object.keys(cfg.pipelines) });
    runner.start().then((exhausted) => { if (exhausted && this.runner === runner) void this.stop('sources ended'); });
  }

  private listen(addr: string): Promise<void> {
    if (addr === 'off') return Promise.resolve();
    const i = addr.lastIndexOf(':');
    const host = addr.slice(0, i).replace(/^\[|\]$/g, '');
    this.server = http.createServer((req, res) => {
      if (req.url === '/metrics') {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(this.metrics.render());
      } else if (req.url === '/healthz') {
        const ok = this.runner?.state === 'running';
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: ok ? 'ok' : this.runner?.state ?? 'starting', uptime_s: Math.round((Date.now() - this.started) / 1000), pipelines: Object.keys(this.config.pipelines) }));
      } else { res.writeHead(404); res.end(); }
    });
    return new Promise((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(Number(addr.slice(i + 1)), host, () => { this.log.info('http listening', { address: addr }); resolve(); });
    });
  }

  /** Re-reads the config file; swaps pipelines only if the new config is valid. */
  reload(): Promise<void> {
    this.reloading = this.reloading.then(async () => {
      this.runner.reopen();
      const loaded = await loadConfig(this.file);
      if (!loaded.config) {
        this.metrics.inc('quarry_config_reloads_total', 'Config reloads', { result: 'failure' });
        this.log.error('config reload rejected; keeping the running config', { file: this.file, errors: loaded.errors });
        return;
      }
      if (JSON.stringify(loaded.config) === JSON.stringify(this.config)) {
        this.log.info('config unchanged; files reopened', { file: this.file });
        return;
      }
      const old = this.runner;
      await old.stop(this.config.service.drain_timeout);
      for (const p of Object.keys(this.config.pipelines)) if (!(p in loaded.config.pipelines)) this.metrics.forget({ pipeline: p });
      this.config = loaded.config;
      this.log.level = loaded.config.service.log_level;
      this.launch(loaded.config);
      this.metrics.inc('quarry_config_reloads_total', 'Config reloads', { result: 'success' });
      this.log.info('config reloaded', { file: this.file });
    });
    return this.reloading;
  }

  private stopped?: Promise<void>;

  /** Stops the sources, drains and flushes every sink within drain_timeout, closes HTTP. Idempotent. */
  stop(reason: string): Promise<void> {
    this.stopped ??= this.shutdown(reason);
    return this.stopped;
  }

  private async shutdown(reason: string): Promise<void> {
    this.log.info('stopping', { reason, drain_timeout_ms: this.config.service.drain_timeout });
    await this.reloading;
    await this.runner.stop(this.config.service.drain_timeout);
    for (const [s, h] of this.signals) process.off(s, h);
    this.signals = [];
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server?.closeAllConnections?.();
    this.log.info('stopped', { dropped: this.metrics.get('quarry_dropped_events_total') });
    this.resolveFinished();
  }
}
