// SPDX-License-Identifier: Apache-2.0
// Walks a YAML document against a Schema: converts values (durations, sizes, ${ENV} references),
// fills defaults, and collects every mistake with the position of the node that holds it.
import { LineCounter, Node, Pair, Scalar, YAMLMap, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { parseDuration, parseSize } from '../units';
import { Field, Schema, didYouMean } from './schema';

export interface ConfigError { line: number; col: number; message: string }

/** The validated value plus where each part came from, for checks that span components. */
export interface Checked {
  value: any;
  errors: ConfigError[];
  /** Records an error at the node for `path` (dotted, e.g. "pipelines.io.sinks.k.acks"), `delta` characters in. */
  report(path: string, message: string, delta?: number): void;
  /** True if there is a node at `path`. */
  has(path: string): boolean;
}

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export function checkDocument(text: string, root: Schema, env: NodeJS.ProcessEnv = process.env): Checked {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const errors: ConfigError[] = [];
  const positions = new Map<string, number>();
  const at = (offset: number, message: string) => {
    const { line, col } = lc.linePos(Math.max(0, offset));
    errors.push({ line, col, message });
  };
  let syntaxBroken = false;
  for (const e of doc.errors) {
    if (e.code !== 'DUPLICATE_KEY') syntaxBroken = true;
    at(e.pos[0], e.code === 'DUPLICATE_KEY' ? `duplicate key: ${firstLine(e.message)}` : `YAML: ${firstLine(e.message)}`);
  }
  const start = (n: Node | null | undefined, fallback: number) => (n && n.range ? n.range[0] : fallback);

  function substitute(s: Scalar, raw: string): string | undefined {
    if (!raw.includes('${')) return raw;
    const base = s.range![0] + (s.type === 'QUOTE_DOUBLE' || s.type === 'QUOTE_SINGLE' ? 1 : 0);
    let ok = true;
    const out = raw.replace(/\$?\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (m, name: string, dflt: string | undefined, idx: number) => {
      if (m.startsWith('$$')) return m.slice(1);
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (dflt !== undefined) return dflt;
      ok = false;
      at(base + idx, `environment variable ${name} is not set (referenced as \${${name}}; use \${${name}:-default} for a fallback)`);
      return m;
    });
    return ok ? out : undefined;
  }

  function walk(node: Node | null | undefined, schema: Schema, path: string, where: number): unknown {
    const pos = start(node, where);
    const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
    positions.set(path, pos + (quoted ? 1 : 0));
    const bad = (what: string) => { at(pos, `${path}: expected ${what}, got ${describe(node)}`); return undefined; };
    switch (schema.kind) {
      case 'object':
        if (!isMap(node)) return bad('a map of keys');
        return walkFields(node, schema.fields, path);
      case 'typed': {
        if (!isMap(node)) return bad(`a map with a "type" key`);
        const typePair = node.items.find((p) => isScalar(p.key) && p.key.value === 'type');
        const names = Object.keys(schema.variants);
        if (!typePair) { at(pos, `${path}: missing required key "type" (one of: ${names.join(', ')})`); return undefined; }
        const t = isScalar(typePair.value) ? String(typePair.value.value) : '';
        if (!schema.variants[t]) {
          at(start(typePair.value as Node, pos), `${path}: unknown ${schema.what} type "${t}"${didYouMean(t, names)}; known: ${names.join(', ')}`);
          return undefined;
        }
        const fields: Record<string, Field> = { type: { schema: { kind: 'string' }, doc: '' }, ...schema.common, ...schema.variants[t] };
        return walkFields(node, fields, path);
      }
      case 'map': {
        if (!isMap(node)) return bad(`a map of named ${schema.what}s`);
        const out: Record<string, unknown> = {};
        if (node.items.length < (schema.minItems ?? 0)) at(pos, `${path}: needs at least ${schema.minItems} ${schema.what}`);
        for (const p of node.items) {
          const k = keyOf(p);
          const kpos = start(p.key as Node, pos);
          if (k === undefined || !NAME.test(k)) { at(kpos, `${path}: "${k ?? '?'}" is not a valid ${schema.what} name (letters, digits, _ . -)`); continue; }
          positions.set(`${path}.${k}#key`, kpos);
          out[k] = walk(p.value as Node, schema.of, `${path}.${k}`, kpos);
        }
        return out;
      }
      case 'list': {
        if (!isSeq(node)) {
          if (schema.orScalar && isScalar(node)) return [walk(node, schema.of, `${path}[0]`, pos)];
          return bad('a list');
        }
        if (node.items.length < (schema.minItems ?? 0)) at(pos, `${path}: needs at least ${schema.minItems} item(s)`);
        return node.items.map((n, i) => walk(n as Node, schema.of, `${path}[${i}]`, pos));
      }
      default: {
        if (!isScalar(node) || node.value === null) return bad(describeSchema(schema));
        let v: unknown = node.value;
        let fromEnv = false;
        if (typeof v === 'string') {
          const s = substitute(node, v);
          if (s === undefined) return undefined;
          fromEnv = s !== v;
          v = s;
        }
        return scalar(v, schema, path, pos, fromEnv);
      }
    }
  }

  function scalar(v: unknown, schema: Schema, path: string, pos: number, fromEnv: boolean): unknown {
    const fail = (m: string) => { at(pos, `${path}: ${m}`); return undefined; };
    const asNumber = (x: unknown) => (typeof x === 'number' ? x : fromEnv && typeof x === 'string' && x.trim() !== '' ? Number(x) : NaN);
    const range = (n: number, min?: number, max?: number, show = (x: number) => String(x)) =>
      (min !== undefined && n < min) || (max !== undefined && n > max)
        ? fail(`${show(n)} is out of range (${min !== undefined ? `min ${show(min)}` : ''}${min !== undefined && max !== undefined ? ', ' : ''}${max !== undefined ? `max ${show(max)}` : ''})`)
        : n;
    switch (schema.kind) {
      case 'string': {
        if (typeof v !== 'string') return fail(`expected a string, got ${JSON.stringify(v)} (quote it)`);
        if (schema.enum && !schema.enum.includes(v)) return fail(`"${v}" is not one of ${schema.enum.join(', ')}${didYouMean(v, schema.enum)}`);
        const err = schema.check?.(v);
        return err ? fail(err) : v;
      }
      case 'int': {
        const n = asNumber(v);
        if (!Number.isInteger(n)) return fail(`expected an integer, got ${JSON.stringify(v)}`);
        return range(n, schema.min, schema.max);
      }
      case 'number': {
        const n = asNumber(v);
        if (!Number.isFinite(n)) return fail(`expected a number, got ${JSON.stringify(v)}`);
        return range(n, schema.min, schema.max);
      }
      case 'bool':
        if (typeof v === 'boolean') return v;
        if (fromEnv && (v === 'true' || v === 'false')) return v === 'true';
        return fail(`expected true or false, got ${JSON.stringify(v)}`);
      case 'duration': {
        if (typeof v === 'number' && v !== 0) return fail(`${v} has no unit; write e.g. ${v}ms or ${v}s`);
        const ms = parseDuration(String(v));
        if (typeof ms === 'string') return fail(ms);
        return range(ms, schema.min, schema.max, (x) => `${x}ms`);
      }
      case 'size': {
        const b = parseSize(String(v));
        if (typeof b === 'string') return fail(b);
        return range(b, schema.min, schema.max, (x) => `${x} bytes`);
      }
      case 'scalar': {
        const r = schema.parse(v);
        return 'error' in r ? fail(r.error) : r.value;
      }
      default:
        return fail(`expected ${describeSchema(schema)}`);
    }
  }

  function walkFields(node: YAMLMap, fields: Record<string, Field>, path: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const names = Object.keys(fields);
    const pos = start(node, 0);
    for (const p of node.items) {
      const k = keyOf(p);
      const kpos = start(p.key as Node, pos);
      const field = k !== undefined ? fields[k] : undefined;
      if (!field || k === undefined) {
        at(kpos, `${path}: unknown key "${k}"${didYouMean(k ?? '', names)}; allowed: ${names.join(', ')}`);
        continue;
      }
      positions.set(`${path}.${k}#key`, kpos);
      out[k] = walk(p.value as Node, field.schema, `${path}.${k}`, kpos);
    }
    for (const [k, f] of Object.entries(fields)) {
      if (k in out) continue;
      if (f.required) at(pos, `${path}: missing required key "${k}" (${f.doc})`);
      else if (f.default !== undefined) out[k] = defaultValue(f);
    }
    return out;
  }

  let value: any;
  if (!syntaxBroken) {
    if (!doc.contents) at(0, 'the file is empty');
    else value = walk(doc.contents as Node, root, 'config', 0);
  }
  return {
    value,
    errors,
    has: (path) => positions.has(path),
    report(path, message, delta = 0) {
      const p = positions.get(path) ?? positions.get(`${path}#key`);
      at((p ?? 0) + delta, message);
    },
  };
}

/** The value a Field takes when its key is absent. */
export function defaultValue(f: Field): unknown {
  const s = f.schema;
  if (s.kind === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, sub] of Object.entries(s.fields)) if (sub.default !== undefined) out[k] = defaultValue(sub);
    return out;
  }
  if (s.kind === 'duration' && typeof f.default === 'string') return parseDuration(f.default);
  if (s.kind === 'size' && f.default !== undefined) return parseSize(String(f.default));
  return f.default;
}

function keyOf(p: Pair): string | undefined {
  return isScalar(p.key) && p.key.value !== null ? String(p.key.value) : undefined;
}

function firstLine(s: string): string { return s.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''); }

function describe(n: Node | null | undefined): string {
  if (n === null || n === undefined) return 'nothing';
  if (isMap(n)) return 'a map';
  if (isSeq(n)) return 'a list';
  if (isScalar(n)) return n.value === null ? 'nothing' : JSON.stringify(n.value);
  return 'something else';
}

export function describeSchema(s: Schema): string {
  switch (s.kind) {
    case 'string': return s.enum ? `one of ${s.enum.join(', ')}` : 'a string';
    case 'int': return 'an integer';
    case 'number': return 'a number';
    case 'bool': return 'true or false';
    case 'duration': return 'a duration (e.g. 500ms, 5s)';
    case 'size': return 'a size (e.g. 4096, 8MiB)';
    case 'scalar': return s.describe;
    default: return s.kind;
  }
}
