// SPDX-License-Identifier: Apache-2.0
// The live source captures from the kernel probe through the core. Like the file source it loads
// the core lazily and explains in one line what is missing.
import { Capture, QuarryError } from '../../core/types';
import { loadCore } from './capture-file';

export interface LiveOptions { snaplen: number; buffer_size: number }

export function openLive(opts: LiveOptions): Capture {
  const core = loadCore('live source') as { openLiveCapture?: (o: { snaplen: number; bufferSize: number }) => Capture };
  if (typeof core.openLiveCapture !== 'function') throw new QuarryError('live source: live capture is not available in this build (host/core/capture.ts has no openLiveCapture)');
  return core.openLiveCapture({ snaplen: opts.snaplen, bufferSize: opts.buffer_size });
}
