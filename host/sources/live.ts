// SPDX-License-Identifier: Apache-2.0
// The live source captures from the kernel probe through the core. Like the file source it loads
// the core lazily and explains in one line what is missing.
import { Capture, QuarryError } from '../core/types';

export interface LiveOptions { snaplen: number; buffer_size: number }

export function openLive(opts: LiveOptions): Capture {
  const modulePath = '../core/capture';
  let core: { openLiveCapture?: (o: { snaplen: number; bufferSize: number }) => Capture };
  try {
    core = require(modulePath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') throw new QuarryError('live source: the Wasm core is not built (host/core/capture.ts); run `npm run build` first');
    throw new QuarryError(`live source: the core failed to load: ${(e as Error).message.split('\n')[0]}`);
  }
  if (typeof core.openLiveCapture !== 'function') throw new QuarryError('live source: live capture is not available in this build (host/core/capture.ts has no openLiveCapture)');
  return core.openLiveCapture({ snaplen: opts.snaplen, bufferSize: opts.buffer_size });
}
