// SPDX-License-Identifier: Apache-2.0
// Read benchmark: builds a big capture from ../shared/traces/502Error.scap (section header and
// metadata once, then the event blocks repeated with timestamps shifted forward until there
// are >= 3 million events and >= 200 MB), plus a gzip copy, and times
//   quarry -r BIG > /dev/null   against   sysdig -r BIG > /dev/null
// (3 runs each, median), with peak RSS, for the plain file, the gzip file and -q.
// Not a test: nothing is asserted. Output directory: $QUARRY_BENCH_DIR or /tmp.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { pipeline } from 'stream/promises';
import { repoRoot, tracesDir, QUARRY, SYSDIG } from '../test/util/run';
import { buildBig } from './big-capture';

const MIN_EVENTS = 3_000_000;
const MIN_BYTES = 200 * 1024 * 1024;
const RUNS = 3;
interface Sample { ms: number; rssKb: number; code: number | null }

/** Runs cmd with stdout to /dev/null; peak RSS from /usr/bin/time -v, else VmHWM polling. */
function timeRun(cmd: string, args: string[]): Promise<Sample> {
  const useTime = fs.existsSync('/usr/bin/time');
  return new Promise((resolve, reject) => {
    const devnull = fs.openSync('/dev/null', 'w');
    const t0 = process.hrtime.bigint();
    const child = useTime
      ? spawn('/usr/bin/time', ['-v', cmd, ...args], { stdio: ['ignore', devnull, 'pipe'] })
      : spawn(cmd, args, { stdio: ['ignore', devnull, 'pipe'] });
    let err = '';
    let hwm = 0;
    child.stderr!.on('data', (b: Buffer) => { err += b.toString(); });
    const poll = useTime ? null : setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) hwm = Math.max(hwm, Number(m[1]));
      } catch { /* exited */ }
    }, 20);
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (poll) clearInterval(poll);
      fs.closeSync(devnull);
      const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
      const exit = /Exit status: (\d+)/.exec(err);
      resolve({ ms, rssKb: m ? Number(m[1]) : hwm, code: useTime ? (exit ? Number(exit[1]) : code) : code });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function compare(label: string, file: string, extra: string[]): Promise<void> {
  const q: Sample[] = [], s: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    // alternate so neither tool always runs on a warm page cache first
    s.push(await timeRun(SYSDIG, ['-r', file, ...extra]));
    // started as npx starts it: bin/quarry.js through its first line
    q.push(await timeRun(QUARRY, ['-r', file, ...extra]));
  }
  const qm = median(q.map((x) => x.ms)), sm = median(s.map((x) => x.ms));
  const qr = Math.max(...q.map((x) => x.rssKb)), sr = Math.max(...s.map((x) => x.rssKb));
  const codes = `exit quarry ${q.map((x) => x.code).join('/')} sysdig ${s.map((x) => x.code).join('/')}`;
  console.log(`${label.padEnd(26)} quarry ${(qm / 1000).toFixed(2)} s  sysdig ${(sm / 1000).toFixed(2)} s  ` +
    `time ratio ${(qm / sm).toFixed(2)}x | peak RSS quarry ${(qr / 1024).toFixed(0)} MB  sysdig ${(sr / 1024).toFixed(0)} MB  ` +
    `ratio ${(qr / sr).toFixed(2)}x | ${codes}`);
}

async function main(): Promise<void> {
  const src = path.join(tracesDir, '502Error.scap');
  if (!fs.existsSync(src)) { console.log(`bench: ${src} not found; nothing to do`); return; }
  if (!fs.existsSync(SYSDIG)) { console.log(`bench: sysdig not installed at ${SYSDIG}; nothing to compare against`); return; }
  if (!fs.existsSync(path.join(repoRoot, 'build', 'core.wasm'))) { console.log('bench: run `npm run build` first'); return; }
  const dir = process.env.QUARRY_BENCH_DIR || '/tmp';
  const big = path.join(dir, 'quarry-bench-502x.scap');
  const gz = big + '.gz';
  const t0 = Date.now();
  const { events, bytes } = buildBig(src, big, MIN_EVENTS, MIN_BYTES);
  console.log(`built ${big}: ${events} events, ${(bytes / 1048576).toFixed(1)} MB in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const t1 = Date.now();
  await pipeline(fs.createReadStream(big), zlib.createGzip({ level: 6 }), fs.createWriteStream(gz));
  console.log(`built ${gz}: ${(fs.statSync(gz).size / 1048576).toFixed(1)} MB in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  const v = spawnSync(SYSDIG, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`${v}; node ${process.version}; ${RUNS} runs each, median time, max peak RSS`);
  await compare('plain, default output', big, []);
  await compare('gzip, default output', gz, []);
  await compare('plain, -q', big, ['-q']);
  await compare('filter curl+connect', big, ['proc.name=curl', 'and', 'evt.type=connect']);
  await compare('plain, -j (full JSON)', big, ['-j']);
  await compare('-p 3 fields', big, ['-p', '%evt.num %proc.name %fd.name']);
  if (!process.env.QUARRY_BENCH_KEEP) { fs.rmSync(big, { force: true }); fs.rmSync(gz, { force: true }); }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
