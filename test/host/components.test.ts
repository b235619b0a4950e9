// SPDX-License-Identifier: Apache-2.0
// host/COMPONENTS.md documents every config key of every registered source and sink.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { Field } from '../../host/pipeline/config/schema';
import { WORKER_FIELDS } from '../../host/pipeline/worker';
import { SINKS } from '../../host/sinks';
import { SOURCES } from '../../host/pipeline/sources';
import { repoRoot } from './services';

const doc = fs.readFileSync(path.join(repoRoot(), 'host', 'COMPONENTS.md'), 'utf8');

function keys(fields: Record<string, Field>, prefix = ''): string[] {
  return Object.entries(fields).flatMap(([k, f]) => (f.schema.kind === 'object' ? keys(f.schema.fields, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

function section(title: string): string {
  const start = doc.indexOf(`### ${title}\n`);
  assert.ok(start >= 0, `COMPONENTS.md has a section "### ${title}"`);
  const end = doc.indexOf('\n### ', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

test('components > COMPONENTS.md documents every key of every component', () => {
  const parts: [string, Record<string, Field>][] = [
    ...Object.entries(SOURCES).map(([n, d]) => [`source \`${n}\``, d.fields] as [string, Record<string, Field>]),
    ...Object.entries(SINKS).map(([n, d]) => [`sink \`${n}\``, d.fields] as [string, Record<string, Field>]),
    ['shared sink keys', WORKER_FIELDS],
  ];
  for (const [title, fields] of parts) {
    const text = section(title);
    for (const k of keys(fields)) assert.ok(text.includes(`| \`${k}\` |`), `${title}: key ${k} is documented`);
  }
});
