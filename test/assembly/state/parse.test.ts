// SPDX-License-Identifier: Apache-2.0
// State carried between events: fds from the fd list, clone inheritance, execve renaming,
// close, chdir. Each capture is checked literally and against sysdig on the same file.
import { describe, it } from 'node:test';
import { base, Events, check, line, P } from '../../util/fixture';

const READ_E = 6;
const read = (fd: number) => [P.i64(fd), P.u32(1)];

/** clone exit (PPME_SYSCALL_CLONE_20_X) */
function clone20(res: number, tid: number, pid: number, ptid: number, comm: string, cwd = '/home/u/') {
  return [P.i64(res), P.str('/bin/' + comm), P.list(['-x']), P.i64(tid), P.i64(pid), P.i64(ptid), P.str(cwd),
    P.i64(1024), P.u64(0), P.u64(0), P.u32(0), P.u32(0), P.u32(0), P.str(comm), P.list(['cpu=/']),
    P.u32(0), P.u32(1000), P.u32(1000), P.i64(tid), P.i64(pid)];
}

/** execve exit (PPME_SYSCALL_EXECVE_19_X) */
function execve19(tid: number, exe: string, comm: string, args: string[], cwd = '/home/u/') {
  return [P.i64(0), P.str(exe), P.list(args), P.i64(tid), P.i64(tid), P.i64(1), P.str(cwd), P.i64(1024),
    P.u64(0), P.u64(0), P.u32(0), P.u32(0), P.u32(0), P.str(comm), P.list(['cpu=/']), P.list(['HOME=/root']),
    P.i32(0), P.i64(tid), P.i32(1000), P.u32(0)];
}

describe('assembly / state / parse: thread and fd state', () => {
  it('an fd opened before the capture (known only from the fd list) resolves by name', async () => {
    const w = base();
    new Events(w).add(READ_E, read(3)).add(READ_E, read(5));
    await check(w.bytes(), { lines: [
      line(1, 'cat (100) > read fd=3(<f>/etc/passwd) size=1'), line(2, 'cat (100) > read fd=5(<d>/var/log) size=1'),
    ] });
  });

  it('clone: the child inherits comm and fds from the parent exit event', async () => {
    const w = base();
    new Events(w).add(222, []).add(223, clone20(101, 100, 100, 1, 'cat')).add(READ_E, read(3), 101);
    await check(w.bytes(), { lines: [
      line(1, 'cat (100) > clone'),
      line(2, 'cat (100) < clone res=101(cat) exe=/bin/cat args=-x. tid=100(cat) pid=100(cat) ptid=1 cwd=/home/u/ fdlimit=1024 pgft_maj=0 pgft_min=0 vm_size=0 vm_rss=0 vm_swap=0 comm=cat cgroups=cpu=/. flags=0 uid=1000 gid=1000 vtid=100(cat) vpid=100(cat)'),
      line(3, 'cat (101) > read fd=3(<f>/etc/passwd) size=1'),
    ] });
  });

  it('clone: the child side (res=0) seen first creates the thread with the parent\'s fds', async () => {
    const w = base();
    new Events(w).add(223, clone20(0, 101, 101, 100, 'cat')).add(READ_E, read(3), 101).add(223, clone20(101, 100, 100, 1, 'cat'));
    await check(w.bytes());
  });

  it('clone: a caller known only as <NA> takes its names from the event, on the clone line already', async () => {
    // sinsp replaces the caller's placeholder entry and attaches the event to the new one
    const w = base();
    new Events(w).add(READ_E, read(3), 555).add(223, clone20(556, 555, 555, 1, 'node'), 555).add(READ_E, read(3), 555);
    await check(w.bytes(), { lines: [
      line(1, '<NA> (555) > read fd=3 size=1'),
      line(2, 'node (555) < clone res=556(node) exe=/bin/node args=-x. tid=555(node) pid=555(node) ptid=1 cwd=/home/u/ fdlimit=1024 pgft_maj=0 pgft_min=0 vm_size=0 vm_rss=0 vm_swap=0 comm=node cgroups=cpu=/. flags=0 uid=1000 gid=1000 vtid=555(node) vpid=555(node)'),
      line(3, 'node (555) > read fd=3 size=1'),
    ] });
  });

  it('fcntl: only the exit paired with an F_DUPFD enter adds an fd, not a later F_GETFD exit', async () => {
    // sinsp frees a thread's stored enter event after each exit it returns
    const w = base();
    new Events(w).add(150, [P.i64(3), P.u8(1)]).add(151, [P.i64(7)]).add(150, [P.i64(3), P.u8(2)]).add(151, [P.i64(5)])
      .add(READ_E, read(5)).add(READ_E, read(7));
    await check(w.bytes(), { lines: [
      line(1, 'cat (100) > fcntl fd=3(<f>/etc/passwd) cmd=1(F_DUPFD)'), line(2, 'cat (100) < fcntl res=7(<f>/etc/passwd)'),
      line(3, 'cat (100) > fcntl fd=3(<f>/etc/passwd) cmd=2(F_GETFD)'), line(4, 'cat (100) < fcntl res=5(<d>/var/log)'),
      line(5, 'cat (100) > read fd=5(<d>/var/log) size=1'), line(6, 'cat (100) > read fd=7(<f>/etc/passwd) size=1'),
    ] });
  });

  it('execve renames the process; fds survive', async () => {
    const w = base();
    new Events(w).add(292, [P.str('/bin/ls')]).add(293, execve19(100, '/bin/ls', 'ls', ['-l'])).add(READ_E, read(3));
    await check(w.bytes(), { lines: [
      line(1, 'cat (100) > execve filename=/bin/ls'),
      line(2, 'ls (100) < execve res=0 exe=/bin/ls args=-l. tid=100(ls) pid=100(ls) ptid=1 cwd=/home/u/ fdlimit=1024 pgft_maj=0 pgft_min=0 vm_size=0 vm_rss=0 vm_swap=0 comm=ls cgroups=cpu=/. env=HOME=/root. tty=0 pgid=100(ls) loginuid=1000 flags=0'),
      line(3, 'ls (100) > read fd=3(<f>/etc/passwd) size=1'),
    ] });
  });

  it('close: the fd keeps its name on the close events and is gone on the next event', async () => {
    const w = base();
    new Events(w).add(4, [P.i64(3)]).add(5, [P.i64(0)]).add(READ_E, read(3));
    await check(w.bytes(), { lines: [
      line(1, 'cat (100) > close fd=3(<f>/etc/passwd)'), line(2, 'cat (100) < close res=0'), line(3, 'cat (100) > read fd=3 size=1'),
    ] });
  });

  it('close that fails keeps the fd', async () => {
    const w = base();
    new Events(w).add(4, [P.i64(3)]).add(5, [P.i64(-9)]).add(READ_E, read(3));
    await check(w.bytes(), { lines: [
      line(1, 'cat (100) > close fd=3(<f>/etc/passwd)'), line(2, 'cat (100) < close res=-9(EBADF)'),
      line(3, 'cat (100) > read fd=3(<f>/etc/passwd) size=1'),
    ] });
  });

  it('chdir (absolute, then relative) and a relative open resolve against the new cwd', async () => {
    const w = base();
    new Events(w)
      .add(94, []).add(95, [P.i64(0), P.str('/tmp')])
      .add(2, [P.str('a.txt'), P.u32(1), P.u32(0)])
      .add(94, []).add(95, [P.i64(0), P.str('sub')])
      .add(3, [P.i64(7), P.str('b.txt'), P.u32(1), P.u32(0), P.u32(0)])
      .add(READ_E, read(7));
    await check(w.bytes(), { lines: [
      line(1, 'cat (100) > chdir'), line(2, 'cat (100) < chdir res=0 path=/tmp'),
      line(3, 'cat (100) > open name=a.txt(/tmp/a.txt) flags=1(O_RDONLY) mode=0'),
      line(4, 'cat (100) > chdir'), line(5, 'cat (100) < chdir res=0 path=sub'),
      line(6, 'cat (100) < open fd=7(<f>/tmp/sub/b.txt) name=b.txt(/tmp/sub/b.txt) flags=1(O_RDONLY) mode=0 dev=0'),
      line(7, 'cat (100) > read fd=7(<f>/tmp/sub/b.txt) size=1'),
    ] });
  });

  it('failed chdir leaves the cwd alone; fchdir to a directory fd moves it', async () => {
    const w = base();
    new Events(w)
      .add(94, []).add(95, [P.i64(-2), P.str('/nope')])
      .add(2, [P.str('a.txt'), P.u32(1), P.u32(0)])
      .add(96, [P.i64(5)]).add(97, [P.i64(0)])
      .add(2, [P.str('b.txt'), P.u32(1), P.u32(0)]);
    await check(w.bytes());
  });

  it('a thread of the process shares the fd table', async () => {
    const w = base({ procs: [
      { tid: 100, pid: 100, ptid: 1, comm: 'cat', cwd: '/home/u/' },
      { tid: 102, pid: 100, ptid: 1, comm: 'cat', cwd: '/home/u/' },
    ] });
    new Events(w).add(READ_E, read(3), 102).add(3, [P.i64(8), P.str('/x'), P.u32(1), P.u32(0), P.u32(0)], 102).add(READ_E, read(8));
    await check(w.bytes());
  });

  it('events of an unknown thread print <NA>', async () => {
    const w = base();
    new Events(w).add(READ_E, read(3), 555);
    await check(w.bytes());
  });
});
