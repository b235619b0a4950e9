// SPDX-License-Identifier: Apache-2.0
// Field-name resolution against the cases of the sysdig 0.29.3 reference (§3.4, §3.5).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveFieldName, FieldNameError, EventNames, suggestFields, didYouMean } from '../../../host/core/fieldnames';

const EV = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', '..', 'schema', 'events.json'), 'utf8')) as EventNames;

/** [field name, length, argument] for TEXT. */
function r(text: string): [string, number, unknown] | null {
  const x = resolveFieldName(text, EV);
  return x && [x.field.name, x.length, x.argName ?? x.argIndex ?? x.argU64];
}
const err = (text: string, msg: string) => assert.throws(() => resolveFieldName(text, EV),
  (e: unknown) => e instanceof FieldNameError && e.message === msg);

test('core › fieldnames › plain fields take the longest name in the first class that knows one', () => {
  assert.deepEqual(r('proc.name'), ['proc.name', 9, undefined]);
  assert.deepEqual(r('proc.name)'), ['proc.name', 9, undefined]);
  assert.deepEqual(r('evt.args'), ['evt.args', 8, undefined]);
  assert.deepEqual(r('evt.time.s'), ['evt.time.s', 10, undefined]);
  assert.deepEqual(r('util.cnt'), ['util.cnt', 8, undefined]);
  assert.equal(r('proc.nam'), null);
  assert.equal(r('evt.foo'), null);
});

test('core › fieldnames › dot and bracket arguments follow parse_field_name', () => {
  assert.deepEqual(r('evt.arg.fd'), ['evt.arg', 10, 'fd']);
  assert.deepEqual(r('evt.arg.fd)'), ['evt.arg', 10, 'fd']);
  assert.deepEqual(r('evt.arg[0]'), ['evt.arg', 10, 0]);
  assert.deepEqual(r('evt.rawarg.res'), ['evt.rawarg', 14, 'res']);
  assert.deepEqual(r('evt.around[1404996934793590564]'), ['evt.around', 31, 1404996934793590564n]);
  assert.deepEqual(r('evt.type.is.open'), ['evt.type.is', 16, 'open']);
  assert.deepEqual(r('evt.type.is.nosuch'), ['evt.type.is', 0, 'nosuch']);
  assert.deepEqual(r('evt.abspath'), ['evt.abspath', 11, undefined]);
  assert.deepEqual(r('evt.abspath.dst'), ['evt.abspath', 15, 'dst']);
  assert.deepEqual(r('proc.aname[2]'), ['proc.aname', 13, 2]);
  assert.deepEqual(r('proc.apid'), ['proc.apid', 9, undefined]);
  assert.deepEqual(r('proc.aname[x]'), ['proc.aname', 0, undefined]);
  assert.deepEqual(r('thread.cgroup.cpuacct'), ['thread.cgroup', 21, 'cpuacct']);
  assert.deepEqual(r('thread.cgroups'), ['thread.cgroups', 14, undefined]);
  assert.deepEqual(r('k8s.pod.label.app.kubernetes.io/name'), ['k8s.pod.label', 36, 'app.kubernetes.io/name']);
  assert.deepEqual(r('k8s.pod.labels'), ['k8s.pod.labels', 14, undefined]);
  assert.deepEqual(r('span.tag[-1]'), ['span.tag', 12, -1]);
  assert.deepEqual(r('span.arg.xyz'), ['span.arg', 12, 'xyz']);
  assert.deepEqual(r('container.mount[0]'), ['container.mount', 18, 0]);
  assert.deepEqual(r('container.mount.dest[/lib/*]'), ['container.mount.dest', 28, '/lib/*']);
  assert.deepEqual(r('container.mounts'), ['container.mounts', 16, undefined]);
  assert.deepEqual(r('evtin.span.p.arg.fd'), ['evtin.span.p.arg', 19, 'fd']);
});

test('core › fieldnames › argument errors carry sinsp messages', () => {
  err('evt.arg', 'filter syntax error: evt.arg');
  err('thread.cgroup', 'filter syntax error: thread.cgroup');
  err('evt.type.is', 'filter syntax error: evt.type.is');
  err('evt.arg.nosuch', 'unknown event argument nosuch');
  err('evt.arg[x]', 'x is not a valid number');
  err('evt.rawarg[0]', 'evt.arg fields must be expressed explicitly');
  err('evt.around.5', 'wrong syntax for evt.around');
  err('span.tag.x', 'invalid syntax for span.tag');
  err('container.mount.foo[0]', 'filter syntax error: container.mount.foo[0]');
});

test('core › fieldnames › an unknown field suggests the closest known names', () => {
  assert.equal(suggestFields('proc.nam')[0], 'proc.name');
  assert.deepEqual(suggestFields('fd.nmae'), ['fd.name']);            // a transposition costs 1
  assert.equal(suggestFields('prc.name')[0], 'proc.name');
  assert.equal(suggestFields('evt.tyep')[0], 'evt.type');
  assert.equal(suggestFields('proc.nam %fd.name')[0], 'proc.name');  // a format's rest: the name only
  assert.ok(suggestFields('proc.nam').length <= 3);
  assert.deepEqual(suggestFields('xyz'), []);                          // nothing close: no suggestion
  assert.equal(didYouMean('zzzzzz.qqqq'), '');
  assert.equal(didYouMean('fd.nmae'), ' (did you mean fd.name?)');
});

test('core › fieldnames › the CLI appends the suggestion to sysdig\'s message, on one line', async () => {
  const { main } = await import('../../../host/cli/main');
  const errs: string[] = [];
  const w = process.stderr.write.bind(process.stderr);
  (process.stderr as unknown as { write: (s: string) => boolean }).write = (s: string) => { errs.push(String(s)); return true; };
  let code: number;
  try { code = await main(['-p', '%proc.nam', '-r', '/dev/null']); } finally { (process.stderr as unknown as { write: typeof w }).write = w; }
  assert.equal(code, 1);
  assert.equal(errs.join(''), 'invalid formatting token proc.nam (did you mean proc.name, proc.aname, proc.pname?)\n');
});
