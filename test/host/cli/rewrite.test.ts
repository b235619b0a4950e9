// SPDX-License-Identifier: Apache-2.0
// host/cli/rewrite: `quarry -r IN -w OUT filter` keeps the matching events in a file that real
// sysdig 0.29.3 reads: the same events sysdig selects with the filter on the original (compared on
// fields that do not depend on state the filter dropped, as without sysdig's -F), and sysdig and
// quarry print the same bytes for the new file.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const TRACES = path.resolve(ROOT, '..', 'shared', 'traces');
const SYSDIG = '/usr/bin/sysdig';
const BIN = path.join(ROOT, 'bin', 'quarry.js');
const skip = !fs.existsSync(SYSDIG) ? 'sysdig is not installed' : !fs.existsSync(TRACES) ? `traces missing at ${TRACES}` : undefined;
const FMT = '%evt.time %evt.cpu %thread.tid %evt.dir %evt.type';

const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'latin1', maxBuffer: 1 << 30 });

for (const [trace, filter] of [['cat_write.scap', 'proc.name=cat'], ['502Error.scap', 'proc.name=curl or fd.type=ipv4'], ['curl_google.scap', 'evt.type in (connect, sendto, recvfrom)']]) {
  for (const gz of [false, true]) {
    test(`cli › -r ${trace} ${gz ? '-z ' : ''}-w › ${filter}`, { skip }, () => {
      const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'quarry-rw-')), gz ? 'out.scap.gz' : 'out.scap');
      const w = run(process.execPath, [BIN, '-r', path.join(TRACES, trace), ...(gz ? ['-z'] : []), '-w', out, filter]);
      assert.equal(w.status, 0, w.stderr);
      const want = run(SYSDIG, ['-r', path.join(TRACES, trace), '-p', FMT, filter]);
      const got = run(SYSDIG, ['-r', out, '-p', FMT]);
      assert.equal(got.status, 0, got.stderr);
      assert.ok(want.stdout.length > 0);
      assert.equal(got.stdout, want.stdout);
      const s = run(SYSDIG, ['-r', out]);
      const q = run(process.execPath, [BIN, '-r', out]);
      assert.equal(q.stdout, s.stdout);
    });
  }
}
