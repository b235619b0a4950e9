// SPDX-License-Identifier: Apache-2.0
// The file and live sources load the core lazily and explain in one line when it is missing.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { QuarryError } from '../../../host/core/types';
import { openFile } from '../../../host/sources/file';
import { openLive } from '../../../host/sources/live';
import { repoRoot } from '../services';

const coreBuilt = fs.existsSync(path.join(repoRoot(), 'dist', 'host', 'core', 'capture.js'));

test('sources > file > a missing capture file is a one-line error', () => {
  assert.throws(() => openFile('/nonexistent/x.scap'), (e: Error) => e instanceof QuarryError && e.message === 'file source: /nonexistent/x.scap: no such file');
});

test('sources > file and live > say the core is not built when it is not', { skip: coreBuilt && 'the core is built here' }, () => {
  const trace = path.join(repoRoot(), 'package.json');
  assert.throws(() => openFile(trace), (e: Error) => e instanceof QuarryError && e.message === 'file source: the Wasm core is not built (host/core/capture.ts); run `npm run build` first');
  assert.throws(() => openLive({ snaplen: 80, buffer_size: 1 << 20 }), (e: Error) => e instanceof QuarryError && e.message.startsWith('live source: the Wasm core is not built'));
});
