// SPDX-License-Identifier: Apache-2.0
// chisels › os.exit(): a chisel that ends the run itself (common.lua's number check on a bad
// argument) ends quietly with status 0, as sysdig does: same stdout, empty stderr.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const TRACE = path.resolve(ROOT, '..', 'shared', 'traces', 'cat_write.scap');
const SYSDIG = '/usr/bin/sysdig';
const skip = !fs.existsSync(SYSDIG) ? 'sysdig is not installed' : !fs.existsSync(TRACE) ? `trace missing: ${TRACE}` : undefined;

for (const lua of [false, true]) {
  for (const [name, arg] of [['scallslower', 'abc'], ['fileslower', 'x'], ['spy_users', 'deep']]) {
    test(`chisels › exit › ${name} ${arg} (${lua ? 'lua' : 'ts'}) ends like sysdig`, { skip }, () => {
      const s = spawnSync(SYSDIG, ['-r', TRACE, '-c', name, arg], { encoding: 'latin1' });
      const q = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'quarry.js'), '-r', TRACE, '-c', name, arg],
        { encoding: 'latin1', env: { ...process.env, QUARRY_LUA_CHISELS: lua ? '1' : '' } });
      assert.equal(q.stdout, s.stdout);
      assert.equal(q.stderr, s.stderr);
      assert.equal(q.status, s.status);
    });
  }
}
