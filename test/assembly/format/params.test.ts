// SPDX-License-Identifier: Apache-2.0
// Each parameter type sysdig renders, built with the test writer; quarry's line is compared
// with sysdig's on the same file (the oracle) and, where given, with the literal line.
import { describe, it } from 'node:test';
import { base, Events, check, line, P, FD } from '../../util/fixture';

/** one capture holding the given events; lines are the expected evt.info-including lines */
async function evs(list: [number, Buffer[]][], lines?: string[], args?: string[]) {
  const w = base({ fds: [
    { fd: 3, type: FD.FILE, name: '/etc/passwd' },
    { fd: 5, type: FD.DIRECTORY, name: '/var/log' },
  ] });
  const ev = new Events(w);
  for (const [t, p] of list) ev.add(t, p);
  await check(w.bytes(), { lines: lines?.map((l, i) => line(i + 1, 'cat (100) ' + l)), args });
}

const ERRNO_9999 = '< close res=-9999';
const u8 = (v: number) => Buffer.from([v]);

describe('assembly / format / params: every parameter type against sysdig', () => {
  it('PT_FD: resolved names, unknown fd, AT_FDCWD', async () => {
    await evs([[6, [P.i64(3), P.u32(1)]], [6, [P.i64(42), P.u32(1)]], [6, [P.i64(-100), P.u32(1)]]], [
      '> read fd=3(<f>/etc/passwd) size=1', '> read fd=42 size=1', '> read fd=-100(AT_FDCWD) size=1',
    ]);
  });
  it('PT_ERRNO: 0, positive, -2(ENOENT), -1(EPERM), out-of-table errno', async () => {
    await evs([[5, [P.i64(0)]], [7, [P.i64(12), P.buf('')]], [5, [P.i64(-2)]], [5, [P.i64(-1)]], [5, [P.i64(-9999)]]], [
      '< close res=0', '< read res=12 data=', '< close res=-2(ENOENT)', '< close res=-1(EPERM)', ERRNO_9999,
    ]);
  });
  it('PT_FLAGS32 (file_flags) and PT_UINT32 octal mode, PT_FSPATH relative to cwd and absolute', async () => {
    await evs([
      [2, [P.str('foo.txt'), P.u32(0x241), P.u32(0o644)]],
      [3, [P.i64(-2), P.str('foo.txt'), P.u32(0x241), P.u32(0o644), P.u32(0)]],
      [2, [P.str('/abs/bar'), P.u32(1), P.u32(0)]],
      [3, [P.i64(7), P.str('/abs/bar'), P.u32(1), P.u32(0), P.u32(0x803)]],
    ], [
      '> open name=foo.txt(/home/u/foo.txt) flags=577(O_DIRECT|O_NONBLOCK|O_RDONLY) mode=0644',
      '< open fd=-2(ENOENT) name=foo.txt(/home/u/foo.txt) flags=577(O_DIRECT|O_NONBLOCK|O_RDONLY) mode=0644 dev=0',
      '> open name=/abs/bar flags=1(O_RDONLY) mode=0',
      '< open fd=7(<f>/abs/bar) name=/abs/bar flags=1(O_RDONLY) mode=0 dev=803',
    ]);
  });
  it('PT_FSRELPATH/PT_FSPATH of length 0 (the probe could not read the path): sysdig shows the previous param value', async () => {
    await evs([
      [306, [P.i64(-100), P.buf(''), P.u32(1), P.u32(0)]],
      [306, [P.i64(5), P.buf(''), P.u32(1), P.u32(0)]],
      [3, [P.i64(-2), P.buf(''), P.u32(1), P.u32(0), P.u32(0)]],
    ], [
      '> openat dirfd=-100(AT_FDCWD) name=-100 flags=1(O_RDONLY) mode=0',
      '> openat dirfd=5(<d>/var/log) name=5 flags=1(O_RDONLY) mode=0',
      '< open fd=-2(ENOENT) name=-2 flags=1(O_RDONLY) mode=0 dev=0',
    ]);
  });
  it('PT_FSPATH of length 0 as the first parameter: sysdig shows the last value the previous line rendered', async () => {
    await evs([
      [5, [P.i64(-1)]],
      [2, [P.buf(''), P.u32(1), P.u32(0)]],
      [7, [P.i64(5), P.buf('hello')]],
      [2, [P.buf(''), P.u32(1), P.u32(0)]],
      [3, [P.i64(-2), P.buf(''), P.u32(1), P.u32(0), P.u32(0)]],
      [2, [P.buf(''), P.u32(1), P.u32(0o644)]],
    ]); // no literal lines: the oracle decides (e.g. the first open prints name=-1)
  });
  it('PT_MODE (chmod_mode) with setuid bit', async () => {
    await evs([[315, [P.i64(0), P.str('/tmp/f'), P.u32(0o4755)]]], [
      '< chmod res=0 filename=/tmp/f mode=04755(S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR|S_ISUID)',
    ]);
  });
  it('PT_FLAGS8 (fcntl) and PT_FD result naming the duplicated fd', async () => {
    await evs([[150, [P.i64(3), P.u8(1)]], [151, [P.i64(0)]]], [
      '> fcntl fd=3(<f>/etc/passwd) cmd=1(F_DUPFD)', '< fcntl res=0(<f>/etc/passwd)',
    ]);
  });
  it('PT_PID: known pid shows its comm, unknown does not; PT_SIGTYPE', async () => {
    await evs([[128, [P.i64(100), u8(9)]], [128, [P.i64(200), u8(15)]], [129, [P.i64(-1)]]], [
      '> kill pid=100(cat) sig=9(SIGKILL)', '> kill pid=200 sig=15(SIGTERM)', '< kill res=-1(EPERM)',
    ]);
  });
  it('PT_SOCKADDR v4, v6 and unix', async () => {
    await evs([
      [22, [P.i64(3), P.sockaddrIn('10.0.0.2', 80)]],
      [22, [P.i64(3), P.sockaddrIn6('2001:db8::1', 443)]],
      [22, [P.i64(3), P.sockaddrUn('/run/x.sock')]],
    ]);
  });
  it('PT_SOCKTUPLE v4, v6 and unix', async () => {
    await evs([
      [23, [P.i64(0), P.tuple4('10.0.0.1', 40000, '10.0.0.2', 80)]],
      [23, [P.i64(0), P.tuple6('2001:db8::2', 5555, '2001:db8::1', 443)]],
      [23, [P.i64(0), P.tupleUnix(0x1234n, 0x5678n, '/run/x.sock')]],
    ], [
      '< connect res=0 tuple=10.0.0.1:40000->10.0.0.2:80',
      '< connect res=0 tuple=2001:db8::2:5555->2001:db8::1:443',
      '< connect res=0 tuple=1234->5678 /run/x.sock',
    ]);
  });
  it('socket / connect / accept sequence names the fd by its tuple', async () => {
    await evs([
      [18, [P.u32(2), P.u32(1), P.u32(0)]], [19, [P.i64(6)]],
      [22, [P.i64(6), P.sockaddrIn('10.0.0.2', 80)]], [23, [P.i64(0), P.tuple4('10.0.0.1', 40000, '10.0.0.2', 80)]],
      [8, [P.i64(6), P.u32(3)]], [9, [P.i64(3), P.buf('GET')]],
    ]);
  });
  it('PT_FSRELPATH: dirfd from the fd list, AT_FDCWD (cwd) and an absolute path', async () => {
    await evs([
      [303, [P.i64(0), P.i64(5), P.str('old.log'), P.u32(0)]],
      [303, [P.i64(0), P.i64(-100), P.str('rel.log'), P.u32(0)]],
      [303, [P.i64(0), P.i64(5), P.str('/abs.log'), P.u32(0x200)]],
    ], [
      '< unlinkat res=0 dirfd=5(<d>/var/log) name=old.log(/var/log/old.log) flags=0',
      '< unlinkat res=0 dirfd=-100(AT_FDCWD) name=rel.log(/home/u/rel.log) flags=0',
      '< unlinkat res=0 dirfd=5(<d>/var/log) name=/abs.log flags=512(AT_REMOVEDIR)',
    ]);
  });
  const data = 'A'.repeat(50) + '\n\tB' + '\x01\x02'.repeat(30);
  it('PT_BYTEBUF: printable text, non-printables as dots, cut at 80 characters', async () => {
    await evs([[8, [P.i64(3), P.u32(100)]], [9, [P.i64(100), P.buf(data)]]], [
      '> write fd=3(<f>/etc/passwd) size=100',
      '< write res=100 data=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA..B...........................',
    ]);
  });
  it('PT_BYTEBUF: exactly 80 and 81 bytes', async () => {
    await evs([[9, [P.i64(80), P.buf('b'.repeat(80))]], [9, [P.i64(81), P.buf('c'.repeat(81))]]]);
  });
  for (const f of ['-v', '-A', '-x', '-X', '-b']) {
    it(`PT_BYTEBUF with ${f}`, async () => {
      await evs([[9, [P.i64(100), P.buf(data)]], [9, [P.i64(200), P.buf('z'.repeat(200))]]], undefined, [f]);
    });
  }
  it('PT_UID / PT_GID with names from the user list', async () => {
    await evs([[198, [P.u32(1000)]], [200, [P.u32(1000)]], [192, [P.u32(0), P.u32(1000), P.u32(0xffffffff)]]]);
  });
  it('PT_RELTIME (nanosleep) and SIGSET / RELTIME / FDLIST (ppoll)', async () => {
    await evs([
      [134, [P.u64(1500000000n)]],
      [254, [Buffer.concat([P.u16(1), P.i64(3), P.u16(1)]), P.u64(5000000n), P.u64(0x5n)]],
    ], [
      '> nanosleep interval=1500000000(1.5s)',
      '> ppoll fds=3:f1 timeout=5000000(0.005s) sigmask=SIGHUP SIGQUIT',
    ]);
  });
  it('PT_SYSCALLID: generic events show the syscall name and no arguments', async () => {
    await evs([[0, [P.u16(5), P.u16(42)]], [1, [P.u16(5)]], [0, [P.u16(150), P.u16(300)]]]);
  });
  it('PT_DYN: ptrace and bpf pick the type from the index byte', async () => {
    await evs([
      [169, [P.i64(0), Buffer.concat([u8(0), P.u64(0x1000n)]), Buffer.concat([u8(1), u8(9)])]],
      [297, [Buffer.concat([u8(0), P.i64(3)])]],
      [297, [Buffer.concat([u8(1), P.i64(-1)])]],
    ], [
      '< ptrace res=0 addr=1000 data=9(SIGKILL)', '< bpf res_or_fd=3(<f>/etc/passwd)', '< bpf res_or_fd=-1(EPERM)',
    ]);
  });
  it('PT_INT32 hex (accept4 flags) and PT_FLAGS32 socket family', async () => {
    await evs([[56, [P.i32(0x80800)]], [18, [P.u32(10), P.u32(2), P.u32(17)]], [19, [P.i64(-97)]]]);
  });
  it('an extra param beyond the event table is not printed (v2 block with nparams 3 for read >)',
async () => {
      await evs([[6, [P.i64(3), P.u32(5), P.u32(9)]]], ['> read fd=3(<f>/etc/passwd) size=5']);
    });
});
