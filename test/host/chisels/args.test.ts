// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { checkArgCount, joinChiselArgs, splitChiselArgs, takeArgWord } from '../../../host/chisels/args';

test('chisels/args › splits on spaces and groups quoted words', () => {
  assert.deepEqual(splitChiselArgs('80 disable_color', 'x'), ['80', 'disable_color']);
  assert.deepEqual(splitChiselArgs("'a b' c", 'x'), ['a b', 'c']);
  assert.deepEqual(splitChiselArgs('`a b` c', 'x'), ['a b', 'c']);
  assert.deepEqual(splitChiselArgs('  a  ', 'x'), ['a']);
  assert.deepEqual(splitChiselArgs('a  b', 'x'), ['a', '', 'b']);
  assert.deepEqual(splitChiselArgs('', 'x'), []);
});

test('chisels/args › an unclosed quote is sysdig\'s "corrupted parameters" error', () => {
  assert.throws(() => splitChiselArgs("'a b", 'spy_ip'), { message: 'corrupted parameters for chisel spy_ip' });
});

test('chisels/args › exec hand-over quotes values with spaces and splits back the same', () => {
  const v = ['proc.name,proc.pid', '(fd.type=ipv4 or fd.type=ipv6) and evt.is_io=true', '100'];
  assert.deepEqual(splitChiselArgs(joinChiselArgs(v), 't'), v);
});

test('chisels/args › counts give sysdig\'s messages', () => {
  const specs = [{ name: 'p', argtype: 'int', description: '', optional: false },
    { name: 'c', argtype: 'string', description: '', optional: true }];
  assert.throws(() => checkArgCount([], specs, 'spy_port'), { message: 'wrong number of parameters for chisel spy_port, 1 required, 0 given' });
  assert.throws(() => checkArgCount(['1', '2', '3'], specs, 'spy_port'),
    { message: 'too many parameters for chisel spy_port, 1 required, 1 optional, 3 given' });
  checkArgCount(['1'], specs, 'spy_port');
});

test('chisels/args › optional-only chisels take the word unless the rest is a filter', () => {
  const opt = [{ name: 'd', argtype: 'string', description: '', optional: true }];
  const isFilter = (s: string) => s.includes('=');
  assert.equal(takeArgWord('echo_fds', opt, ['disable_color'], isFilter), 'disable_color');
  assert.equal(takeArgWord('echo_fds', opt, ['fd.port=80'], isFilter), undefined);
  assert.equal(takeArgWord('echo_fds', opt, ['-v'], isFilter), undefined);
  assert.equal(takeArgWord('echo_fds', opt, [], isFilter), undefined);
  assert.equal(takeArgWord('x', [], ['y'], isFilter), undefined);
  assert.throws(() => takeArgWord('spy_port', [{ ...opt[0], optional: false }], [], isFilter),
    { message: 'missing arguments for chisel spy_port' });
});
