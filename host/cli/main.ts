// SPDX-License-Identifier: Apache-2.0
// The CLI entry: parses sysdig's flags into Options and hands them to the right runner.
import { parseOptions } from './options';
import { readFiles } from './read';
import { QuarryError } from '../core/types';
import { HELP, VERSION } from './help';
import { extractChisels, listChiselsCmd, chiselInfoCmd, runChiselsOnFiles } from './chisels';

import { DEFAULT_FORMAT } from '../format/compile';


export async function main(argv: string[]): Promise<number> {
  try {
    if (argv[0] === 'pipeline') {
      const { pipelineMain } = await import('../pipeline/cli');
      return await pipelineMain(argv.slice(1));
    }
    const { argv: rest, specs } = await extractChisels(argv);
    const o = parseOptions(rest);
    if (o.listChisels) return await listChiselsCmd();
    if (o.chiselInfo !== undefined) return await chiselInfoCmd(o.chiselInfo);
    if (o.listFields || o.listMarkdown || o.listEvents) {
      const { listFields, listEvents } = await import('./listings');
      process.stdout.write(o.listEvents ? listEvents() : listFields(o.verbose, o.listMarkdown));
      return 0;
    }
    if (o.format === 'p') { process.stdout.write(DEFAULT_FORMAT + '\n'); return 0; }
    if (specs.length) return await runChiselsOnFiles(o, specs);
    if (o.help) { process.stdout.write(HELP); return 0; }
    if (o.version) { process.stdout.write(`quarry version ${VERSION}\n`); return 0; }
    if (o.readFiles.length && o.writeFile) {
      const { rewriteFile } = await import('./rewrite');
      return await rewriteFile(o, o.writeFile, o.other.some((x) => x.key === 'z'));
    }
    if (o.readFiles.length) {
      return await readFiles(o);
    }
    const { runLive } = await import('./live');
    return await runLive(o, rest);
  } catch (e) {
    if (e instanceof QuarryError) {
      process.stderr.write(e.message.endsWith('\n') ? e.message : e.message + '\n');
      return e.exitCode;
    }
    throw e;
  }
}
