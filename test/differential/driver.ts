// SPDX-License-Identifier: Apache-2.0
// A long-lived Quarry CLI for the differential test: it reads one JSON argv per line on stdin, runs the
// CLI's main() on it, and ends that run's stdout and stderr with a marker carrying the exit code.
// Starting Node once per case costs more than most cases, so the test keeps a few of these running.
// Does nothing unless QUARRY_DIFF_DRIVER=1 (node --test also loads every file under test/).
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import * as path from 'node:path';

export const END_MARK = '\u0000QUARRY-DIFF-END ';

/** Pipes may be non-blocking: retry on EAGAIN until every byte is written. */
function writeFully(fd: number, b: Buffer): void {
  let off = 0;
  while (off < b.length) {
    try { off += fs.writeSync(fd, b, off, b.length - off); } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}

async function serve(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..', '..');
  const { main } = require(path.join(root, 'dist', 'host', 'cli', 'main.js')) as { main(a: string[]): Promise<number> };
  const rl = readline.createInterface({ input: process.stdin });
  for await (const line of rl) {
    if (!line) continue;
    const args = JSON.parse(line) as string[];
    let code: number;
    try {
      code = await main(args);
    } catch (e) {
      process.stderr.write('quarry: internal error: ' + ((e as Error)?.stack ?? String(e)) + '\n');
      code = 70;
    }
    const mark = Buffer.from(`${END_MARK}${code}\n`, 'latin1');
    writeFully(1, mark);
    writeFully(2, mark);
  }
}

if (process.env.QUARRY_DIFF_DRIVER === '1') {
  // host/sources/file.ts closes a gzip capture's fd when -n stops early while its read stream may still
  // read: a late EBADF that a one-shot CLI process never lives to see. Only that is ignored here.
  process.on('uncaughtException', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EBADF') return;
    throw e;
  });
  void serve();
}
