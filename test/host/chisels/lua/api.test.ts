// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runChisels } from '../../../../host/chisels/cli';
import { FieldValue } from '../../../../host/core/types';
import { SyntheticCapture, SynthEvent } from '../synthetic';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quarry-chisels-'));
const opts = { env: { HOME: '/nonexistent' }, cwd: dir };

function events(n: number): SynthEvent[] {
  const out: SynthEvent[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      'evt.num': BigInt(i + 1), 'evt.rawtime': 1000000000000000000n + BigInt(i) * 400000000n, 'evt.cpu': i % 2,
      'evt.type': i % 2 ? 'read' : 'write', 'proc.name': i % 3 ? 'curl' : 'bash', 'evt.rawarg.res': BigInt(i * 10),
      'evt.buffer': Uint8Array.from([0x41, 0xff, 0x00, 0x42]) as FieldValue, 'thread.tid': 7,
    });
  }
  return out;
}

async function run(name: string, source: string, evs: SynthEvent[], args: string[] = [], extra = {}) {
  fs.writeFileSync(path.join(dir, name + '.lua'), source);
  const chunks: Uint8Array[] = [];
  let err = '';
  const cap = new SyntheticCapture(evs, extra);
  const code = await runChisels([{ name: path.join(dir, name), values: args }], cap, {
    ...opts, write: (b) => chunks.push(Buffer.from(b)), writeErr: (s) => (err += s),
  });
  return { code, out: Buffer.concat(chunks), err, cap };
}

const HEAD = `description = "d"; short_description = "s"; category = "Test"; args = {}\n`;

test('chisels/lua › evt.* calls see the requested fields of each event', async () => {
  const r = await run('fields', HEAD + `
function on_init() fn = chisel.request_field("proc.name"); fr = chisel.request_field("evt.rawarg.res")
  chisel.set_filter("proc.name=curl") return true end
function on_event() local s, ns = evt.get_ts()
  print(evt.get_num(), s, ns, evt.get_type(), evt.get_cpuid(), evt.field(fn), evt.field(fr), evt.field(nil)) return true end`,
  events(4));
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out.toString(), '2\t1000000000\t400000000\tread\t1\tcurl\t10\tnil\n3\t1000000000\t800000000\twrite\t0\tcurl\t20\tnil\n');
  assert.deepEqual(r.cap.lastQueries[0].fields, ['evt.num', 'evt.rawtime', 'evt.cpu', 'evt.type', 'proc.name', 'evt.rawarg.res']);
});

test('chisels/lua › numbers print as LuaJIT prints them', async () => {
  const r = await run('numbers', HEAD + `
function on_capture_end() print(5, 5.0, 10/4, 2^60, string.format("%d %u %5.1f", 7.9, 3.2, 2), tostring(1e15), table.concat({1, 2.0}, ",")) end`, []);
  assert.equal(r.out.toString(), '5\t5\t2.5\t1.1529215046068e+18\t7 3   2.0\t1e+15\t1,2\n');
});

test('chisels/lua › on_interval fires once per interval, driven by every event', async () => {
  const r = await run('interval', HEAD + `
function on_init() chisel.set_interval_s(1); chisel.set_filter("proc.name=bash") return true end
function on_event() n = (n or 0) + 1 return true end
function on_interval(s, ns, d) print("tick", s, ns, d, n) return true end`, events(8));
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out.toString(), 'tick\t1000000001\t200000000\t0\t1\ntick\t1000000002\t0\t800000000\t2\n');
  assert.equal(r.cap.lastQueries[0].filter, undefined);
});

test('chisels/lua › the event formatter prints only when on_event returns true', async () => {
  const r = await run('formatter', HEAD + `
function on_init() chisel.set_event_formatter("%evt.num %proc.name") return true end
function on_event() return evt.get_num() ~= 2 end`, events(3));
  assert.equal(r.out.toString(), '1 bash\n3 curl\n');
});

test('chisels/lua › byte buffers reach Lua and stdout unchanged', async () => {
  const r = await run('bytes', HEAD + `
function on_init() fb = chisel.request_field("evt.buffer") return true end
function on_event() io.write(evt.field(fb)) sysdig.end_capture() return true end`, events(3));
  assert.deepEqual([...r.out], [0x41, 0xff, 0x00, 0x42]);
});

test('chisels/lua › end_capture stops the run and on_capture_end still runs', async () => {
  const r = await run('end', HEAD + `
function on_event() print(evt.get_num()) if evt.get_num() == 2 then sysdig.end_capture() end return true end
function on_capture_end(s, ns, d) print("end", s, ns, d) end`, events(10));
  assert.equal(r.out.toString().split('\n').slice(0, 2).join(','), '1,2');
  assert.match(r.out.toString(), /^end\t/m);
});

test('chisels/lua › thread table, machine info and environment', async () => {
  const threads = [{ tid: 7, pid: 7, ptid: 1, comm: 'curl', name: 'curl', exe: '/usr/bin/curl', args: ['-s'], env: [], flags: 0,
    fdlimit: 1024n, uid: 0, gid: 0, username: 'root', nchilds: 0, pfmajor: 0n, pfminor: 0n, cloneTs: 0n, vmsizeKb: 4, vmrssKb: 2,
    vmswapKb: 0, fds: [{ fd: 3, name: '/etc/hosts', type: 'file' }] }];
  const machine = { numCpus: 4, memorySizeBytes: 1024n, maxPid: 32768n, hostname: 'box' };
  const r = await run('state', HEAD + `
function on_capture_start() local m = sysdig.get_machine_info() print(m.num_cpus, m.hostname, sysdig.get_evtsource_name(), sysdig.is_live()) return true end
function on_capture_end() local t = sysdig.get_thread_table() print(t[7].comm, t[7].args[1], t[7].fdtable[3].name, t[7].fdlimit) end`,
  events(1), [], { threads, machine });
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out.toString(), '4\tbox\tsynthetic.scap\tfalse\ncurl\t-s\t/etc/hosts\t1024\n');
});

test('chisels/lua › chisel.exec hands over to another chisel with quoted args', async () => {
  fs.writeFileSync(path.join(dir, 'target.lua'), `description = "d"; short_description = "s"
args = {{name = "a", argtype = "string"}, {name = "b", argtype = "string"}}
function on_set_arg(n, v) print(n .. "=" .. v) return true end
function on_init() return true end`);
  const r = await run('execer', HEAD + `function on_init() chisel.exec("target", "x", "y z") return true end`, []);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out.toString(), 'a=x\nb=y z\n');
});

test('chisels/lua › a Lua error names the chisel file and line', async () => {
  const r = await run('broken', HEAD + `function on_init()\n  local x = nil\n  return x.y\nend`, []);
  assert.equal(r.code, 1);
  assert.equal(r.err, `${path.join(dir, 'broken')}: error in init(): ${path.join(dir, 'broken.lua')}:4: attempt to index a nil value (local 'x')\n`);
});

test('chisels/lua › sysdig\'s lifecycle errors', async () => {
  let r = await run('noargs', `description = "d"; short_description = "s"`, []);
  assert.equal(r.err, `Failed to load chisel ${path.join(dir, 'noargs')}: args table missing\n`);
  r = await run('badinit', HEAD + 'function on_init() return false end', []);
  assert.equal(r.err, `init() for chisel ${path.join(dir, 'badinit')} failed.\n`);
  r = await run('noset', `description = "d"; short_description = "s"; args = {{name = "a", argtype = "string"}}`, [], ['v']);
  assert.equal(r.err, `chisel ${path.join(dir, 'noset')} misses a set_arg() function.\n`);
  r = await run('stop', HEAD + 'function on_init() chisel.set_interval_ns(1) return true end\nfunction on_interval() return false end', events(3));
  assert.equal(r.err, `execution terminated by the ${path.join(dir, 'stop')} chisel\n`);
});

test('chisels/lua › a missing chisel is "can\'t open file"', async () => {
  const code = await runChisels([{ name: 'no_such_chisel', values: [] }], new SyntheticCapture([]), {
    ...opts, writeErr: (s) => assert.equal(s, "can't open file no_such_chisel\n"),
  });
  assert.equal(code, 1);
});
