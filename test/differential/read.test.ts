// SPDX-License-Identifier: Apache-2.0
// Differential suite: every real trace x every output flag set, quarry against sysdig 0.29.3,
// stdout compared byte for byte. Cases run two at a time, sysdig and quarry in parallel.
import { describe, it, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as os from 'os';
import * as path from 'path';
import {
  quarry, sysdig, run, firstDiff, traceFiles, tracesMissing, sysdigMissing, TRACES_SKIP, SYSDIG_SKIP,
  QUARRY, SYSDIG, RunResult,
} from '../util/run';

const BASE_FLAGS: string[][] = [
  [], ['-t', 'h'], ['-t', 'a'], ['-t', 'r'], ['-t', 'd'], ['-t', 'D'], ['-v'], ['-n', '100'],
  ['-A'], ['-x'], ['-X'], ['-b'], ['-R'],
];
/** each flag set alone and with -D (the bare set with -D is just -D) */
const FLAG_SETS: string[][] = [...BASE_FLAGS, ...BASE_FLAGS.map((f) => ['-D', ...f])];

const skip = sysdigMissing ? SYSDIG_SKIP : tracesMissing ? TRACES_SKIP : false;

interface Case { trace: string; flags: string[]; title: string; s?: RunResult; q?: RunResult }

const SUMMARY_RE = /^Driver Events:0\nDriver Drops:0\nSuppressed by Comm:0\nElapsed time: \d+\.\d{3}, Captured Events: (\d+), \d+\.\d{2} eps\n$/;

const SUMMARY_ANYWHERE_RE = new RegExp(SUMMARY_RE.source.slice(1, -1), 'm');

async function pool<T>(items: T[], width: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => { while (next < items.length) await fn(items[next++]); };
  await Promise.all(Array.from({ length: width }, worker));
}

describe('differential / read: quarry -r matches sysdig -r byte for byte', { skip }, () => {
  const cases: Case[] = [];
  for (const trace of traceFiles()) {
    for (const flags of FLAG_SETS) {
      cases.push({ trace, flags, title: `${path.basename(trace)} / ${flags.length ? flags.join(' ') : '(no flags)'}` });
    }
  }

  before(async () => {
    const width = Math.max(1, Math.min(4, os.cpus().length));
    await pool(cases, width, async (c) => {
      const args = ['-r', c.trace, ...c.flags];
      [c.s, c.q] = await Promise.all([sysdig(args, { timeoutMs: 60000 }), quarry(args, { timeoutMs: 60000 })]);
    });
  });

  for (const c of cases) {
    it(c.title, () => {
      const s = c.s!, q = c.q!;
      assert.equal(q.timedOut, false, 'quarry timed out');
      assert.equal(q.code, s.code, `exit codes differ; quarry stderr: ${q.stderr.toString()}`);
      const d = firstDiff(s.stdout, q.stdout);
      if (d) assert.fail(d);
      if (c.flags.includes('-v')) {
        // with -D sysdig also writes timestamped debug log lines; find its 4 summary lines among them
        const sm = SUMMARY_ANYWHERE_RE.exec(s.stderr.toString());
        const qm = SUMMARY_RE.exec(q.stderr.toString());
        assert.ok(sm, `sysdig stderr is not the 4 summary lines: ${JSON.stringify(s.stderr.toString())}`);
        assert.ok(qm, `quarry stderr is not the 4 summary lines: ${JSON.stringify(q.stderr.toString())}`);
        assert.equal(qm[1], sm[1], 'Captured Events differs');
      } else {
        assert.equal(q.stderr.toString(), '', 'quarry wrote to stderr');
      }
    });
  }

  it('terminal form (script -qc, -n 50): colours and pid.tid match byte for byte', async (t) => {
    const trace = traceFiles().find((f) => path.basename(f) === '502Error.scap') ?? traceFiles()[0];
    if (!trace) { t.skip('no trace'); return; }
    const sh = (cmd: string) => run('script', ['-qc', cmd, '/dev/null'], { timeoutMs: 60000 });
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const [s, q] = await Promise.all([
      sh(`${SYSDIG} -r ${quote(trace)} -n 50`),
      sh(`${quote(process.execPath)} ${quote(QUARRY)} -r ${quote(trace)} -n 50`),
    ]);
    assert.ok(s.stdout.includes('\x1b[01;32m'), 'sysdig output under script has no colours');
    const d = firstDiff(s.stdout, q.stdout);
    if (d) assert.fail(d);
  });
});
