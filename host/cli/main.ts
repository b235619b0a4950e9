// SPDX-License-Identifier: Apache-2.0
// The CLI entry: parses sysdig's flags into Options and hands them to the right runner.
import { parseOptions } from './options';
import { readFiles } from './read';
import { QuarryError } from '../core/types';
import { HELP, VERSION } from './help';

export async function main(argv: string[]): Promise<number> {
  try {
    const o = parseOptions(argv);
    if (o.help) { process.stdout.write(HELP); return 0; }
    if (o.version) { process.stdout.write(`quarry version ${VERSION}\n`); return 0; }
    if (o.readFiles.length) {
      return await readFiles(o);
    }
    process.stderr.write('quarry: live capture is not available in this build; use -r FILE to read a capture file\n');
    return 1;
  } catch (e) {
    if (e instanceof QuarryError) {
      process.stderr.write(e.message.endsWith('\n') ? e.message : e.message + '\n');
      return e.exitCode;
    }
    throw e;
  }
}
