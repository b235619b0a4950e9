// SPDX-License-Identifier: Apache-2.0
// `quarry -r FILE ...`: reads captures through the core and prints what sysdig prints.
import { loadCore, CoreExports, Core } from '../core/wasm';
import { CoreProgram } from '../core/program';
import { checkFilter, emitFilter } from '../filter/compile';
import { parseFormat, emitFormat, unescapeFormat, DEFAULT_FORMAT, DEFAULT_FORMAT_TTY, FORMAT_CONTAINER, FORMAT_K8S, FORMAT_MESOS } from '../format/compile';
import { QuarryError } from '../core/types';
import { scanFile } from '../sources/file';
import { drainTo, writeAll } from './output';
import { Options } from './options';
import { summaryTable } from './summary';

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

/** The format string sysdig would use, or null for the built-in default line. */
export function chosenFormat(o: Options, tty: boolean): string | null {
  if (o.format !== undefined) {
    if (o.format === 'c' || o.format === 'container') return FORMAT_CONTAINER;
    if (o.format === 'k' || o.format === 'kubernetes') return FORMAT_K8S;
    if (o.format === 'm' || o.format === 'mesos') return FORMAT_MESOS;
    return unescapeFormat(o.format);
  }
  if (o.json) return tty ? DEFAULT_FORMAT_TTY : DEFAULT_FORMAT;
  return null;
}

/** Compiles the filter and the output format into a fresh core. Returns the engine filter's slot
 *  (-1: none). */
export function programCore(core: Core, o: Options, tty: boolean): number {
  const prog = new CoreProgram(core);
  let engine = -1;
  if (o.filter.trim().length) {
    const tree = checkFilter(o.filter, { extensions: true });
    const slot = emitFilter(prog, tree);
    if (o.displayFilter) core.setDisplayFilter(slot); else core.setEngineFilter(engine = slot);
  }
  const fmt = chosenFormat(o, tty);
  if (fmt !== null) core.setOutputFormat(emitFormat(prog, parseFormat(fmt), o.json));
  if (o.summary) core.setCounting(1);
  if (o.resolvePorts) loadServices(prog);
  return engine;
}

/** -R: the services database, as getservbyport reads it (the first entry for a port wins). */
function loadServices(prog: CoreProgram): void {
  let text = '';
  try { text = require('fs').readFileSync('/etc/services', 'utf8'); } catch { /* no database: ports stay numbers */ }
  for (const line of text.split('\n')) {
    const m = /^([^\s#]+)\s+(\d+)\/(tcp|udp)/.exec(line);
    if (!m) continue;
    const len = prog.scratch(Buffer.from(m[1], 'utf8'));
    const port = Number(m[2]);
    prog.core.serviceAdd(port, m[3] === 'tcp' ? 1 : 2, len);
    prog.core.serviceAdd(port, 0, len);
  }
  prog.core.setResolvePorts(1);
}

const CMP_NAMES: Record<number, string> = { 3: '<', 4: '<=', 5: '>', 6: '>=', 7: 'contains', 10: 'icontains', 11: 'startswith', 12: 'glob', 14: 'endswith' };

/** Run-time errors sysdig raises on the first event that reaches a bad check. */
function runtimeError(core: Core): QuarryError | null {
  const op = core.evalError();
  if (op) {
    const kind = core.evalErrorKind();
    const name = CMP_NAMES[op] ?? 'unknown';
    if (kind === 6) return new QuarryError("filter error: IP filter only supports '=' and '!=' operators");
    if (kind === 7) return new QuarryError('filter error: unsupported port comparison operator');
    const what = kind === 2 ? 'buffer filters' : kind === 3 ? 'ipv4 networks' : kind === 4 ? 'ipv6 addresses' : kind === 5 ? 'ipv6 networks' : 'numeric filters';
    const named = ['contains', 'icontains', 'startswith', 'glob', 'endswith'].includes(name);
    // flt_compare_ipv4net names the numeric filters for the string operators
    if (kind === 3 && named) return new QuarryError(`'${name}' not supported for numeric filters`);
    if (kind >= 3 && !named) return new QuarryError(`comparison operator not supported for ${what}`);
    return new QuarryError(`'${name}' not supported for ${what}`);
  }
  const rt = core.renderErrorType();
  if (rt) return new QuarryError(`wrong event type ${rt}`);
  return null;
}

export async function readFiles(o: Options): Promise<number> {
  const tty = process.stdout.isTTY === true && o.format === undefined;
  let remaining = o.numEvents;
  for (const file of o.readFiles) {
    const core = loadCore();
    configureCore(core, { ...o, numEvents: remaining }, tty);
    programCore(core, o, tty);
    const cpu0 = process.cpuUsage();
    let err: unknown = null;
    try {
      await scanFile(file, core, drainTo(core, 1));
    } catch (e) {
      err = e;
    }
    const unknown = core.unknownBlockCount();
    if (unknown > 0) process.stderr.write(`quarry: ${file}: skipped ${unknown} block${unknown > 1 ? 's' : ''} of unknown type (last 0x${(core.unknownBlockType() >>> 0).toString(16)})\n`);
    // sysdig resets the terminal colours at the end of a capture whose format has escapes
    // (also when the -p format itself has escapes: handle_end_of_file(reset_colors))
    const fmt = chosenFormat(o, tty);
    if ((tty || (fmt !== null && fmt.includes('\x1b'))) && !o.quiet) writeAll(1, Buffer.from('\x1b[00m'));
    const captured = core.capturedEvents();
    if (o.verbose) {
      const u = process.cpuUsage(cpu0);
      process.stderr.write(summary(captured, (u.user + u.system) / 1e6));
    }
    // a check that stops sysdig makes the core give up on the event: report the check, not the file
    const rte = runtimeError(core);
    if (rte) throw rte;
    if (err) throw err;
    if (o.summary) process.stdout.write(coreSummary(core));
    if (o.numEvents) {
      remaining -= captured;
      if (remaining <= 0) break;
    }
  }
  return 0;
}

/** -S: per-event-type call counts, as sysdig prints them. */
function coreSummary(core: Core): string { return summaryTable(core.countSlots(), (i) => core.countOf(i)); }
