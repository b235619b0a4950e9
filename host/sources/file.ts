// SPDX-License-Identifier: Apache-2.0
// The file source reads a .scap capture through the Wasm core. The core (host/core/capture.ts) is
// loaded on first use, so configs validate and other sources run while it is not built.
import * as fs from 'fs';
import { Capture, QuarryError } from '../core/types';

/** Opens a capture file with the core; fails with one clear line if the core is not built. */
export function openFile(path: string): Capture {
  if (!fs.existsSync(path)) throw new QuarryError(`file source: ${path}: no such file`);
  const modulePath = '../core/capture';
  let core: { openFileCapture?: (path: string) => Capture };
  try {
    core = require(modulePath);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'MODULE_NOT_FOUND') throw new QuarryError('file source: the Wasm core is not built (host/core/capture.ts); run `npm run build` first');
    throw new QuarryError(`file source: the Wasm core failed to load: ${err.message.split('\n')[0]}`);
  }
  if (typeof core.openFileCapture !== 'function') throw new QuarryError('file source: host/core/capture.ts does not export openFileCapture(path)');
  return core.openFileCapture(path);
}
