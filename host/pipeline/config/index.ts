// SPDX-License-Identifier: Apache-2.0
// The pipeline config: its root schema (components bring their own keys), the checks that span
// components (references, templates, filters, limits), and loading with FILE:LINE:COL errors.
import * as fs from 'fs';
import { SINKS } from '../../sinks';
import { SOURCES } from '../sources';
import { checkFieldName } from '../fields';
import { compileFilter } from '../filter';
import { FormatError, OutputConfig, compileOutput } from '../format';
import { TemplateError, compileTemplate } from '../template';
import { WORKER_FIELDS, WorkerOptions } from '../worker';
import { Field, Schema, didYouMean, duration, enumOf, obj, str } from './schema';
import { Checked, checkDocument } from './validate';

export interface SinkConfig extends WorkerOptions { type: string; [key: string]: any }
export interface PipelineDef { source: string; filter: string; output: OutputConfig; sinks: Record<string, SinkConfig> }
export interface PipelineConfig {
  service: { listen: string; log_level: 'debug' | 'info' | 'warn' | 'error'; drain_timeout: number };
  sources: Record<string, { type: string; filter: string; [key: string]: any }>;
  pipelines: Record<string, PipelineDef>;
}

function loopback(v: string): string | undefined {
  if (v === 'off') return undefined;
  const m = /^(\[::1\]|127\.\d+\.\d+\.\d+|localhost):(\d{1,5})$/.exec(v);
  if (!m) return `"${v}" must be a loopback host:port such as 127.0.0.1:9464 (or "off")`;
  return Number(m[2]) > 65535 ? `port ${m[2]} is out of range` : undefined;
}

const fieldName: Schema = { kind: 'string', check: checkFieldName };

export const ROOT: Schema = {
  kind: 'object',
  fields: {
    service: obj('the service around the pipelines', {
      listen: str('loopback address for /healthz and /metrics, or "off"', { check: loopback }, { default: '127.0.0.1:9464' }),
      log_level: enumOf('lowest level logged (JSON lines on stderr)', ['debug', 'info', 'warn', 'error'], 'info'),
      drain_timeout: duration('on SIGTERM or reload, how long sinks get to drain and flush', '10s', 0),
    }),
    sources: {
      schema: { kind: 'map', what: 'source', minItems: 1, of: { kind: 'typed', what: 'source', common: { filter: str('filter applied to every pipeline on this source', {}, { default: '' }) }, variants: Object.fromEntries(Object.entries(SOURCES).map(([k, d]) => [k, d.fields])) } },
      required: true, doc: 'named event sources',
    },
    pipelines: {
      schema: {
        kind: 'map', what: 'pipeline', minItems: 1, of: {
          kind: 'object', fields: {
            source: str('source name (may be omitted when there is one source)'),
            filter: str('sysdig filter selecting the events of this pipeline', {}, { default: '' }),
            output: obj('how each event is rendered for the sinks', {
              format: enumOf('text (sysdig default line), json (one object), template (a -p format)', ['text', 'json', 'template'], 'json'),
              template: str('-p style format, e.g. "%evt.num %proc.name %evt.type" (format: template)'),
              fields: { schema: { kind: 'list', of: fieldName, minItems: 1 }, doc: 'fields to output (json, text)' },
            }),
            sinks: { schema: { kind: 'map', what: 'sink', minItems: 1, of: { kind: 'typed', what: 'sink', common: WORKER_FIELDS, variants: Object.fromEntries(Object.entries(SINKS).map(([k, d]) => [k, d.fields])) } }, required: true, doc: 'named destinations' },
          },
        },
      },
      required: true, doc: 'named pipelines: filter, output shape, sinks',
    },
  },
};

function templateKeys(fields: Record<string, Field>): string[] {
  return Object.entries(fields).filter(([, f]) => (f.schema.kind === 'string' && f.schema.template) || (f.schema.kind === 'map' && f.schema.of.kind === 'string' && f.schema.of.template)).map(([k]) => k);
}

function applyShared(sink: SinkConfig, defaults: Record<string, any>, has: (p: string) => boolean, path: string): void {
  for (const [k, v] of Object.entries(defaults)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) applyShared(sink[k], v, has, `${path}.${k}`);
    else if (!has(`${path}.${k}`)) (sink as any)[k] = v;
  }
}

/** Checks that need more than one key: references, filters, templates, limits. */
function crossCheck(c: Checked): void {
  const cfg = c.value as PipelineConfig;
  if (!cfg) return;
  const sources = Object.keys(cfg.sources ?? {});
  for (const [name, src] of Object.entries(cfg.sources ?? {})) {
    if (!src?.filter) continue;
    const f = compileFilter(src.filter);
    if ('message' in f) c.report(`config.sources.${name}.filter`, `sources.${name}.filter: ${f.message}`, f.offset);
  }
  const files = new Map<string, string>();
  for (const [pname, p] of Object.entries(cfg.pipelines ?? {})) {
    if (!p) continue;
    const at = `config.pipelines.${pname}`;
    if (p.source === undefined) {
      if (sources.length === 1) p.source = sources[0];
      else if (sources.length > 1) c.report(`${at}#key`, `pipelines.${pname}: say which source (one of: ${sources.join(', ')})`);
    } else if (sources.length && !sources.includes(p.source)) {
      c.report(`${at}.source`, `pipelines.${pname}.source: no source named "${p.source}"${didYouMean(p.source, sources)}; sources: ${sources.join(', ')}`);
    }
    const f = compileFilter(p.filter ?? '');
    if ('message' in f) c.report(`${at}.filter`, `pipelines.${pname}.filter: ${f.message}`, f.offset);
    const o = p.output;
    if (o) {
      if (o.format === 'template' && o.template === undefined) c.report(`${at}.output.format`, `pipelines.${pname}.output: format template needs a "template" key`);
      if (o.format !== 'template' && o.template !== undefined) c.report(`${at}.output.template`, `pipelines.${pname}.output.template: only used with format: template (format is ${o.format})`);
      if (o.format === 'template' && o.fields) c.report(`${at}.output.fields`, `pipelines.${pname}.output.fields: not used with format: template; list the fields in the template`);
      if (o.template !== undefined) {
        try { compileOutput(o); } catch (e) { if (e instanceof FormatError) c.report(`${at}.output.template`, `pipelines.${pname}.output.template: ${e.message}`, e.offset); }
      }
    }
    for (const [sname, s] of Object.entries(p.sinks ?? {})) {
      if (!s) continue;
      const sp = `${at}.sinks.${sname}`;
      const label = `pipelines.${pname}.sinks.${sname}`;
      const def = SINKS[s.type];
      if (def.sharedDefaults) applyShared(s, def.sharedDefaults, c.has, sp);
      for (const k of templateKeys(def.fields)) {
        const v = s[k];
        const entries: [string, unknown][] = typeof v === 'string' ? [[`${sp}.${k}`, v]] : v && typeof v === 'object' ? Object.entries(v).map(([h, t]) => [`${sp}.${k}.${h}`, t]) : [];
        for (const [path, t] of entries) {
          if (typeof t !== 'string') continue;
          try { compileTemplate(t); } catch (e) { if (e instanceof TemplateError) c.report(path, `${label}.${k}: ${e.message}`, e.offset); }
        }
      }
      def.check?.(s, (k, m) => c.report(`${sp}.${k}`, `${label}.${k}: ${m}`));
      if (s.batch && s.buffer) {
        if (s.batch.max_events > s.buffer.max_events) c.report(`${sp}.batch`, `${label}.batch.max_events (${s.batch.max_events}) exceeds buffer.max_events (${s.buffer.max_events})`);
        if (s.batch.max_bytes > s.buffer.max_bytes) c.report(`${sp}.batch`, `${label}.batch.max_bytes (${s.batch.max_bytes}) exceeds buffer.max_bytes (${s.buffer.max_bytes})`);
      }
      if (s.retry && s.retry.initial_backoff > s.retry.max_backoff) c.report(`${sp}.retry`, `${label}.retry.initial_backoff is larger than max_backoff`);
      if (s.type === 'file' && typeof s.path === 'string') {
        const other = files.get(s.path);
        if (other) c.report(`${sp}.path`, `${label}.path: ${s.path} is already written by ${other}`);
        else files.set(s.path, label);
      }
    }
  }
}

export interface Loaded { config?: PipelineConfig; errors: string[] }

/** Loads and checks a config file; every error is "FILE:LINE:COL: message", in file order. */
export async function loadConfig(file: string, opts: { checkConnect?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Loaded> {
  let text: string;
  try { text = fs.readFileSync(file, 'utf8'); } catch (e) { return { errors: [`${file}: ${(e as Error).message}`] }; }
  return checkConfigText(text, file, opts);
}

export async function checkConfigText(text: string, file: string, opts: { checkConnect?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Loaded> {
  const c = checkDocument(text, ROOT, opts.env ?? process.env);
  if (c.errors.length === 0) crossCheck(c);
  if (c.errors.length === 0 && opts.checkConnect) {
    const cfg = c.value as PipelineConfig;
    const probes = Object.entries(cfg.pipelines).flatMap(([p, def]) => Object.entries(def.sinks).map(async ([s, sink]) => {
      const err = await SINKS[sink.type].checkConnect?.(sink);
      if (err) c.report(`config.pipelines.${p}.sinks.${s}`, `pipelines.${p}.sinks.${s}: unreachable: ${err}`);
    }));
    await Promise.all(probes);
  }
  const errors = [...c.errors].sort((a, b) => a.line - b.line || a.col - b.col).map((e) => `${file}:${e.line}:${e.col}: ${e.message}`);
  return errors.length ? { errors } : { config: c.value as PipelineConfig, errors };
}
