// SPDX-License-Identifier: Apache-2.0
// Probe > file syscalls: the qwork "file" scenario, every parameter of every event in order.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as os from 'os';
import * as path from 'path';
import { ev, runCaptured, scenario, skipReason, i64, u32, str, paramNames } from './helpers';

const skip = skipReason();
if (skip) console.log(skip);

// PPM encodings of the flags the scenario uses
const O_RDONLY = 1, O_WRONLY = 2, O_CREAT = 4, O_TRUNC = 1 << 8, O_CLOEXEC = 1 << 12;
const MODE_0640 = (1 << 8) | (1 << 7) | (1 << 5), MODE_0600 = (1 << 8) | (1 << 7);

test('probe > file > open, write, close, openat, read, pread, openat2, creat, writev, stat, unlink', { skip }, async () => {
  const file = path.join(os.tmpdir(), `quarry-probe-${process.pid}.txt`);
  const run = await runCaptured(['file', file]);
  const evs = scenario(run);
  const types = evs.map((e) => e.type);
  const expect = [
    'SYSCALL_OPEN_E', 'SYSCALL_OPEN_X', 'SYSCALL_WRITE_E', 'SYSCALL_WRITE_X', 'SYSCALL_CLOSE_E', 'SYSCALL_CLOSE_X',
    'SYSCALL_OPENAT_2_E', 'SYSCALL_OPENAT_2_X', 'SYSCALL_READ_E', 'SYSCALL_READ_X', 'SYSCALL_PREAD_E', 'SYSCALL_PREAD_X',
    'SYSCALL_CLOSE_E', 'SYSCALL_CLOSE_X', 'SYSCALL_OPENAT2_E', 'SYSCALL_OPENAT2_X', 'SYSCALL_CLOSE_E', 'SYSCALL_CLOSE_X',
    'SYSCALL_CREAT_E', 'SYSCALL_CREAT_X', 'SYSCALL_WRITEV_E', 'SYSCALL_WRITEV_X', 'SYSCALL_CLOSE_E', 'SYSCALL_CLOSE_X',
    'SYSCALL_STAT_E', 'SYSCALL_STAT_X', 'SYSCALL_UNLINK_2_E', 'SYSCALL_UNLINK_2_X', 'SYSCALL_OPEN_E', 'SYSCALL_OPEN_X',
  ].map(ev);
  assert.deepEqual(types.slice(0, expect.length), expect);
  for (const e of evs.slice(0, expect.length)) {
    assert.equal(e.tid, BigInt(run.pid));
    assert.equal(e.params.length, paramNames(e.type).length, `param count of event ${e.type}`);
  }
  const p = evs.map((e) => e.params);
  // open(file, O_WRONLY|O_CREAT|O_TRUNC, 0640)
  assert.deepEqual([str(p[0][0]), u32(p[0][1]), u32(p[0][2])], [file, O_WRONLY | O_CREAT | O_TRUNC, MODE_0640]);
  const fd = i64(p[1][0]);
  assert.ok(fd >= 3);
  assert.deepEqual([str(p[1][1]), u32(p[1][2]), u32(p[1][3])], [file, O_WRONLY | O_CREAT | O_TRUNC, MODE_0640]);
  assert.notEqual(u32(p[1][4]), 0, 'dev');
  // write(fd, "hello, quarry", 13)
  assert.deepEqual([i64(p[2][0]), u32(p[2][1])], [fd, 13]);
  assert.deepEqual([i64(p[3][0]), p[3][1].toString()], [13, 'hello, quarry']);
  // close(fd) = 0
  assert.deepEqual([i64(p[4][0]), i64(p[5][0])], [fd, 0]);
  // openat(AT_FDCWD, file, O_RDONLY, 0)
  assert.deepEqual([i64(p[6][0]), str(p[6][1]), u32(p[6][2]), u32(p[6][3])], [-100, file, O_RDONLY, 0]);
  const fd2 = i64(p[7][0]);
  assert.deepEqual([i64(p[7][1]), str(p[7][2]), u32(p[7][3]), u32(p[7][4])], [-100, file, O_RDONLY, 0]);
  // read(fd2, buf, 128) = 13, data
  assert.deepEqual([i64(p[8][0]), u32(p[8][1])], [fd2, 128]);
  assert.deepEqual([i64(p[9][0]), p[9][1].toString()], [13, 'hello, quarry']);
  // pread64(fd2, buf, 6, 7) = 6 "quarry"
  assert.deepEqual([i64(p[10][0]), u32(p[10][1]), Number(p[10][2].readBigUInt64LE(0))], [fd2, 6, 7]);
  assert.deepEqual([i64(p[11][0]), p[11][1].toString()], [6, 'quarry']);
  // openat2(AT_FDCWD, file, {O_RDONLY|O_CLOEXEC, 0, RESOLVE_NO_SYMLINKS})
  const resolveNoSymlinks = 1 << 3;
  assert.deepEqual([i64(p[14][0]), str(p[14][1]), u32(p[14][2]), u32(p[14][3]), u32(p[14][4])], [-100, file, O_RDONLY | O_CLOEXEC, 0, resolveNoSymlinks]);
  assert.ok(i64(p[15][0]) >= 3);
  assert.deepEqual([i64(p[15][1]), str(p[15][2]), u32(p[15][3]), u32(p[15][4]), u32(p[15][5])], [-100, file, O_RDONLY | O_CLOEXEC, 0, resolveNoSymlinks]);
  // creat(file, 0600)
  assert.deepEqual([str(p[18][0]), u32(p[18][1])], [file, MODE_0600]);
  const fd3 = i64(p[19][0]);
  assert.deepEqual([str(p[19][1]), u32(p[19][2])], [file, MODE_0600]);
  // writev(fd3, ["abc", "defgh"]) = 8
  assert.deepEqual([i64(p[20][0]), u32(p[20][1])], [fd3, 8]);
  assert.deepEqual([i64(p[21][0]), p[21][1].toString()], [8, 'abcdefgh']);
  // stat(file) = 0; unlink(file) = 0
  assert.deepEqual([p[24].length, i64(p[25][0]), str(p[25][1])], [0, 0, file]);
  assert.deepEqual([p[26].length, i64(p[27][0]), str(p[27][1])], [0, 0, file]);
  // open of a missing file: -ENOENT, dev 0
  assert.deepEqual([i64(p[29][0]), str(p[29][1]), u32(p[29][4])], [-2, '/nonexistent/quarry', 0]);
  // and nothing was lost
  assert.equal(run.stats.drops, 0);
  assert.equal(run.stats.delivered, run.events.length);
});
