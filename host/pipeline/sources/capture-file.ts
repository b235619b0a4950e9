// SPDX-License-Identifier: Apache-2.0
// The capture-file source reads a .scap file through the Wasm core (host/core/capture.ts). The core
// is loaded on first use, so configs validate and other sources run while it is not built.
import * as fs from 'fs';
import * as path from 'path';
import { Capture, QuarryError } from '../../core/types';

type CoreCapture = { openFileCapture?: (path: string, opts?: { filter?: string }) => Promise<Capture>; CORE_PATH?: string };

/** Loads host/core/capture lazily; one clear line when the core or its Wasm is missing. */
export function loadCore(what: string): CoreCapture {
  const modulePath = '../../core/capture';
  let core: CoreCapture;
  try {
    core = require(modulePath);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'MODULE_NOT_FOUND') throw new QuarryError(`${what}: the Wasm core is not built (host/core/capture.ts); run \`npm run build\` first`);
    throw new QuarryError(`${what}: the Wasm core failed to load: ${err.message.split('\n')[0]}`);
  }
  const wasm = (require('../../core/wasm') as { CORE_PATH?: string }).CORE_PATH;
  if (wasm && !fs.existsSync(wasm)) throw new QuarryError(`${what}: the Wasm core is not built (${path.relative(process.cwd(), wasm)} is missing); run \`npm run build:core\` first`);
  return core;
}

/** A Capture over a .scap file; the file is opened when the pipeline runs. */
export function openFile(file: string): Capture {
  if (!fs.existsSync(file)) throw new QuarryError(`file source: ${file}: no such file`);
  const core = loadCore('file source');
  if (typeof core.openFileCapture !== 'function') throw new QuarryError('file source: host/core/capture.ts does not export openFileCapture(path)');
  const open = core.openFileCapture;
  return {
    async run(queries, onRows, signal) {
      const capture = await open(file);
      return capture.run(queries, onRows, signal);
    },
  };
}
