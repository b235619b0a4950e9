#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
//
// check-schema-vs-sysdig.mjs — compares schema/events.json with the event listing of the oracle
// (`sysdig -L`). sysdig lists, in event-id order, every event that is not EF_UNUSED, not
// EF_OLD_VERSION and not in EC_INTERNAL, as `<dir> <name>(<TYPE> <param>, ...)`, where TYPE is
// libsinsp's param_type_to_string (schema key paramTypeNames).
//
// Usage: node tools/check-schema-vs-sysdig.mjs [--listing FILE] [--schema FILE] [--sysdig BIN]
// Exit status: 0 when every line matches, 1 on any mismatch (each one is reported).

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
let listingFile = null, schemaFile = join(REPO, 'schema', 'events.json'), sysdig = 'sysdig';
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--listing') listingFile = argv[++i];
  else if (argv[i] === '--schema') schemaFile = argv[++i];
  else if (argv[i] === '--sysdig') sysdig = argv[++i];
  else { process.stderr.write('usage: check-schema-vs-sysdig.mjs [--listing FILE] [--schema FILE] [--sysdig BIN]\n'); process.exit(2); }
}

const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
const listing = listingFile ? readFileSync(listingFile, 'utf8')
  : execFileSync(sysdig, ['-L'], { encoding: 'utf8', maxBuffer: 16 << 20 });

const EF = schema.eventFlags, EC = schema.categories;
const hidden = (e) => (e.flagsValue & (EF.EF_UNUSED | EF.EF_OLD_VERSION)) !== 0 || (e.categoryValue & EC.EC_INTERNAL) !== 0;
const typeName = (v) => schema.paramTypeNames[v] ?? '<NA>';

const expected = schema.events.filter((e) => !hidden(e)).map((e) => ({
  code: e.code,
  line: `${e.dir} ${e.name}(${e.params.map((p) => `${typeName(p.typeValue)} ${p.name}`).join(', ')})`,
}));
const actual = listing.split('\n').map((l) => l.replace(/\s+$/, '')).filter((l) => /^[<>] /.test(l));

let bad = 0;
const n = Math.max(expected.length, actual.length);
for (let i = 0; i < n; i++) {
  const want = expected[i], got = actual[i];
  if (!want || !got || want.line !== got) {
    bad++;
    process.stdout.write(`mismatch at listed event #${i}${want ? ` (${want.code})` : ''}:\n  schema: ${want ? want.line : '(none)'}\n  sysdig: ${got ?? '(none)'}\n`);
  }
}
process.stdout.write(`${expected.length} schema events listed, ${actual.length} sysdig lines, ${bad} mismatches\n`);
process.exit(bad ? 1 : 0);
