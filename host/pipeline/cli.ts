// SPDX-License-Identifier: Apache-2.0
// `quarry pipeline validate|run FILE`: parses arguments and hands over to the config loader and
// the service. Exit codes: 0 ok, 1 config errors or failure, 2 usage.
import { QuarryError } from '../core/types';
import { loadConfig } from './config';
import { PipelineService } from './service';

const USAGE = `usage: quarry pipeline validate FILE [--check-connect]
       quarry pipeline run FILE
  validate  checks the config and prints every error as FILE:LINE:COL: message
            --check-connect also tries to reach every sink (brokers, OTLP endpoints, directories)
  run       runs the pipelines; SIGTERM drains, SIGHUP reopens files and reloads the config
`;

export async function pipelineMain(args: string[]): Promise<number> {
  const [cmd, ...rest] = args;
  const flags = rest.filter((a) => a.startsWith('-'));
  const files = rest.filter((a) => !a.startsWith('-'));
  const unknown = flags.filter((f) => !(cmd === 'validate' && f === '--check-connect'));
  if (cmd === 'help' || cmd === '--help' || cmd === '-h') { process.stdout.write(USAGE); return 0; }
  if ((cmd !== 'validate' && cmd !== 'run') || files.length !== 1 || unknown.length) {
    process.stderr.write((unknown.length ? `quarry pipeline: unknown option ${unknown[0]}\n` : '') + USAGE);
    return 2;
  }
  const file = files[0];
  const loaded = await loadConfig(file, { checkConnect: flags.includes('--check-connect') });
  if (!loaded.config) {
    for (const e of loaded.errors) process.stderr.write(e + '\n');
    process.stderr.write(`${file}: ${loaded.errors.length} error${loaded.errors.length === 1 ? '' : 's'}${cmd === 'run' ? '; not starting' : ''}\n`);
    return 1;
  }
  const cfg = loaded.config;
  if (cmd === 'validate') {
    const sinks = Object.values(cfg.pipelines).reduce((n, p) => n + Object.keys(p.sinks).length, 0);
    process.stdout.write(`${file}: ok (${Object.keys(cfg.sources).length} source(s), ${Object.keys(cfg.pipelines).length} pipeline(s), ${sinks} sink(s))\n`);
    return 0;
  }
  const service = new PipelineService(file, cfg);
  try {
    await service.start();
  } catch (e) {
    process.stderr.write(`quarry pipeline: ${e instanceof QuarryError ? e.message : (e as Error).message}\n`);
    return 1;
  }
  await service.done();
  return service.metrics.get('quarry_source_errors_total') > 0 ? 1 : 0;
}
