// SPDX-License-Identifier: Apache-2.0
// `quarry -r FILE ...`: reads captures through the core and prints what sysdig prints.
import { loadCore, CoreExports } from '../core/wasm';
import { scanFile } from '../sources/file';
import { drainTo, writeAll } from './output';
import { Options } from './options';

const BUF_CODES = { normal: 0, ascii: 1, hex: 2, hexascii: 3, base64: 4 } as const;

/** Seconds east of UTC now (sysdig computes the zone once, from the current time). */
export function localOffsetSeconds(): number {
  return -new Date().getTimezoneOffset() * 60;
}

export function configureCore(core: CoreExports, o: Options, tty: boolean): void {
  const maxBuf = o.verbose || o.json || o.chisels.length ? 0 : 80;
  core.configure(o.timeType.charCodeAt(0), localOffsetSeconds(), tty ? 1 : 0, o.debug ? 1 : 0,
    BUF_CODES[o.bufMode], o.json ? 1 : 0, maxBuf, o.quiet ? 1 : 0);
  core.setMaxEvents(o.numEvents);
}

function summary(captured: number, cpuSec: number): string {
  const eps = cpuSec > 0 ? captured / cpuSec : 0;
  return `Driver Events:0\nDriver Drops:0\nSuppressed by Comm:0\n` +
    `Elapsed time: ${cpuSec.toFixed(3)}, Captured Events: ${captured}, ${eps.toFixed(2)} eps\n`;
}

export async function readFiles(o: Options): Promise<number> {
  const tty = process.stdout.isTTY === true && !o.format;
  let remaining = o.numEvents;
  for (const file of o.readFiles) {
    const core = loadCore();
    configureCore(core, { ...o, numEvents: remaining }, tty);
    const cpu0 = process.cpuUsage();
    let err: unknown = null;
    try {
      await scanFile(file, core, drainTo(core, 1));
    } catch (e) {
      err = e;
    }
    // sysdig resets the terminal colours at the end of a capture whose format has escapes
    if (tty && !o.quiet) writeAll(1, Buffer.from('\x1b[00m'));
    const captured = core.capturedEvents();
    if (o.verbose) {
      const u = process.cpuUsage(cpu0);
      process.stderr.write(summary(captured, (u.user + u.system) / 1e6));
    }
    if (err) throw err;
    if (o.numEvents) {
      remaining -= captured;
      if (remaining <= 0) break;
    }
  }
  return 0;
}
