// SPDX-License-Identifier: Apache-2.0
/* qwork scenarios for the syscalls of the probe's progs/misc.bpf.c (credentials, limits, special fds,
 * namespaces and mounts, execveat, futex/signals/polling, directories, socket options, ptrace,
 * quotactl, SysV semaphores). Included by qwork.c after its syscall helpers. */
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <poll.h>
#include <linux/sched.h>
#include <sys/sem.h>
#include <sys/quota.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <time.h>

/* credentials, session, limits, cwd and root:
 * getuid geteuid getgid getegid getresuid getresgid setuid setgid setresuid x2 setresgid x2
 * setsid setpgid getrlimit setrlimit prlimit64 x2 getcwd chroot x2 */
static int ids_scenario(void)
{
	unsigned r[3], g[3];
	char cwd[512];
	struct rlimit rl, nl, old1, old2;
	long uid = S0(SYS_getuid), euid = S0(SYS_geteuid), gid = S0(SYS_getgid), egid = S0(SYS_getegid);
	S3(SYS_getresuid, &r[0], &r[1], &r[2]);
	S3(SYS_getresgid, &g[0], &g[1], &g[2]);
	long su = S1(SYS_setuid, uid);
	long sg = S1(SYS_setgid, gid);
	long sru1 = S3(SYS_setresuid, -1, 65534, -1);
	long sru2 = S3(SYS_setresuid, -1, euid, -1);
	long srg1 = S3(SYS_setresgid, -1, 65534, -1);
	long srg2 = S3(SYS_setresgid, -1, egid, -1);
	long sid = S0(SYS_setsid);
	long pg = S2(SYS_setpgid, 0, 0);
	S2(SYS_getrlimit, RLIMIT_NOFILE, &rl);
	nl.rlim_cur = 512;
	nl.rlim_max = rl.rlim_max;
	long srl = S2(SYS_setrlimit, RLIMIT_NOFILE, &nl);
	nl.rlim_cur = 256;
	long pr1 = S4(SYS_prlimit64, 0, RLIMIT_NOFILE, &nl, &old1);
	long pr2 = S4(SYS_prlimit64, 0, RLIMIT_CORE, 0, &old2);
	long cw = S2(SYS_getcwd, cwd, sizeof(cwd));
	long cr1 = S1(SYS_chroot, "/");
	long cr2 = S1(SYS_chroot, "/nonexistent/quarry");
	printf("%ld %ld %ld %ld %u %u %u %u %u %u %ld %ld %ld %ld %ld %ld %ld %ld %llu %llu %ld %ld %ld %llu %llu %ld %s %ld %ld\n",
	       uid, euid, gid, egid, r[0], r[1], r[2], g[0], g[1], g[2], su, sg, sru1, sru2, srg1, srg2, sid, pg,
	       (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max, srl, pr1, pr2,
	       (unsigned long long)old2.rlim_cur, (unsigned long long)old2.rlim_max, cw, cwd, cr1, cr2);
	return 0;
}

/* fds of special kinds and data between fds, on the file given:
 * signalfd signalfd4 timerfd_create inotify_init inotify_init1 userfaultfd open pwritev preadv pipe2
 * sendfile open copy_file_range splice */
static int fdkinds_scenario(const char *path)
{
	unsigned long long mask = 1ull << (SIGUSR1 - 1);
	long sfd1 = S4(SYS_signalfd, -1, &mask, 8, 0);
	long sfd2 = S4(SYS_signalfd4, -1, &mask, 8, O_CLOEXEC);
	long tfd = S2(SYS_timerfd_create, CLOCK_MONOTONIC, O_CLOEXEC);
	long ifd1 = S0(SYS_inotify_init);
	long ifd2 = S1(SYS_inotify_init1, O_CLOEXEC);
	long ufd = S1(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	long fd = S3(SYS_open, path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	struct iovec wv[2] = {{"0123", 4}, {"456789", 6}};
	long pw = S4(SYS_pwritev, fd, wv, 2, 0);
	char b1[3], b2[4];
	struct iovec rv[2] = {{b1, 3}, {b2, 4}};
	long pr = S4(SYS_preadv, fd, rv, 2, 2);
	int p[2];
	S2(SYS_pipe2, p, 0);
	long long off = 2;
	long sf = S4(SYS_sendfile, p[1], fd, &off, 4);
	char path2[4096];
	snprintf(path2, sizeof(path2), "%s.2", path);
	long fd2 = S3(SYS_open, path2, O_RDWR | O_CREAT | O_TRUNC, 0600);
	long long offin = 1, offout = 0;
	long cfr = S6(SYS_copy_file_range, fd, &offin, fd2, &offout, 3, 0);
	long sp = S6(SYS_splice, p[0], 0, fd2, 0, 4, 1 /* SPLICE_F_MOVE */);
	S1(SYS_unlink, path2);
	S1(SYS_unlink, path);
	printf("%ld %ld %ld %ld %ld %ld %ld %ld %ld %d %d %ld %ld %ld %ld %lld %lld %lld\n", sfd1, sfd2, tfd, ifd1, ifd2, ufd,
	       fd, pw, pr, p[0], p[1], sf, fd2, cfr, sp, off, offin, offout);
	return 0;
}

/* namespaces and mounts, in a mount namespace of our own, on the directory given:
 * unshare open setns mkdir mount x2 umount2 rmdir */
static int ns_scenario(const char *dir)
{
	long un = S1(SYS_unshare, CLONE_NEWNS | CLONE_NEWUTS);
	long nsfd = S2(SYS_open, "/proc/self/ns/uts", O_RDONLY);
	long sn = S2(SYS_setns, nsfd, CLONE_NEWUTS);
	long mk = S2(SYS_mkdir, dir, 0700);
	long m1 = S6(SYS_mount, 0, "/", 0, MS_REC | MS_PRIVATE, 0, 0);
	long m2 = S6(SYS_mount, "quarry", dir, "tmpfs", MS_MGC_VAL | MS_NOSUID | MS_NODEV, "size=1m", 0);
	long um = S2(SYS_umount2, dir, MNT_DETACH);
	long rm = S1(SYS_rmdir, dir);
	printf("%ld %ld %ld %ld %ld %ld %ld %ld\n", un, nsfd, sn, mk, m1, m2, um, rm);
	return 0;
}

/* execveat: a failed one, then one of /bin/true through a directory fd */
static int execat_scenario(void)
{
	char *argv[] = {"true", "quarry-at1", "at2", NULL};
	char *envp[] = {"QUARRY_AT=1", NULL};
	long dfd = S2(SYS_open, "/bin", O_RDONLY | O_DIRECTORY);
	S6(SYS_execveat, AT_FDCWD, "/nonexistent/bin", argv, envp, AT_SYMLINK_NOFOLLOW, 0);
	S6(SYS_execveat, dfd, "true", argv, envp, 0, 0);
	return 1;
}

static char page[4096] __attribute__((aligned(4096)));

/* futex x2 nanosleep kill tkill tgkill access x2 open getdents64 getdents mprotect x2 select ppoll
 * flock x2 socketpair getsockname getpeername sendmmsg recvmmsg */
static int misc_scenario(void)
{
	int word = 0;
	long fw = S6(SYS_futex, &word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0, 0, 0);
	long fwt = S6(SYS_futex, &word, FUTEX_WAIT, 1, 0, 0, 0);
	struct timespec ts = {0, 2000000};
	long ns = S2(SYS_nanosleep, &ts, 0);
	long pid = getpid(), tid = S0(SYS_gettid);
	long k = S2(SYS_kill, pid, 0);
	long tk = S2(SYS_tkill, tid, 0);
	long tgk = S3(SYS_tgkill, pid, tid, 0);
	long a1 = S2(SYS_access, "/", R_OK | X_OK);
	long a2 = S2(SYS_access, "/nonexistent/quarry", F_OK);
	long dfd = S2(SYS_open, "/", O_RDONLY | O_DIRECTORY);
	char dents[32768];
	long gd64 = S3(SYS_getdents64, dfd, dents, sizeof(dents));
	long gd = S3(SYS_getdents, dfd, dents, sizeof(dents));
	long mp1 = S3(SYS_mprotect, page, 4096, PROT_READ);
	long mp2 = S3(SYS_mprotect, page, 4096, PROT_READ | PROT_WRITE);
	struct timeval tv = {0, 0};
	long sel = S6(SYS_select, 0, 0, 0, 0, &tv, 0);
	int sv[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	S3(SYS_write, sv[1], "x", 1);
	struct pollfd pf[2] = {{sv[0], POLLIN, 0}, {sv[1], POLLOUT, 0}};
	struct timespec pts = {1, 500};
	unsigned long long sigmask = 1ull << (SIGUSR2 - 1);
	long pp = S6(SYS_ppoll, pf, 2, &pts, &sigmask, 8, 0);
	S6(SYS_ppoll, pf, 1, 0, 0, 8, 0);
	long fl1 = S2(SYS_flock, dfd, LOCK_EX | LOCK_NB);
	long fl2 = S2(SYS_flock, dfd, LOCK_UN);
	struct sockaddr_un { unsigned short f; char p[108]; } su;
	socklen_t sl = sizeof(su);
	S3(SYS_getsockname, sv[0], &su, &sl);
	S3(SYS_getpeername, sv[0], &su, &sl);
	struct iovec iov = {"m", 1};
	struct mmsghdr mm = {.msg_hdr = {.msg_iov = &iov, .msg_iovlen = 1}};
	long smm = S4(SYS_sendmmsg, sv[1], &mm, 1, 0);
	char rb[8];
	struct iovec riov = {rb, sizeof(rb)};
	struct mmsghdr rmm = {.msg_hdr = {.msg_iov = &riov, .msg_iovlen = 1}};
	long rmmr = S6(SYS_recvmmsg, sv[0], &rmm, 1, MSG_DONTWAIT, 0, 0);
	printf("%ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %d %d %lu %ld %ld %p\n", fw, fwt, ns, pid,
	       tid, k, tk, tgk, a1, a2, dfd, gd64, gd, mp1, mp2, sel, pp, fl1, fl2, sv[0], sv[1], (unsigned long)&word, smm, rmmr,
	       (void *)page);
	return 0;
}

/* directory entries, under the directory given:
 * mkdir mkdirat rename renameat renameat2 symlink open symlinkat creat link linkat chmod fchmod fchmodat
 * then cleanup (unlink, rmdir) */
static int dirs_scenario(const char *d)
{
	char a[4096], b[4096], c[4096], f[4096], l[4096], h[4096];
	snprintf(a, sizeof(a), "%s/a", d);
	snprintf(b, sizeof(b), "%s/b", d);
	snprintf(c, sizeof(c), "%s/c", d);
	snprintf(f, sizeof(f), "%s/f", d);
	snprintf(l, sizeof(l), "%s/l", d);
	snprintf(h, sizeof(h), "%s/h", d);
	long r[16];
	r[0] = S2(SYS_mkdir, d, 0750);
	r[1] = S3(SYS_mkdirat, AT_FDCWD, a, 0700);
	r[2] = S2(SYS_rename, a, b);
	r[3] = S4(SYS_renameat, AT_FDCWD, b, AT_FDCWD, c);
	r[4] = S6(SYS_renameat2, AT_FDCWD, c, AT_FDCWD, a, RENAME_NOREPLACE, 0);
	r[5] = S2(SYS_symlink, "target-q", l);
	long dfd = S2(SYS_open, d, O_RDONLY | O_DIRECTORY);
	r[6] = S3(SYS_symlinkat, "target-r", dfd, "l2");
	long fd = S2(SYS_creat, f, 0600);
	r[7] = S2(SYS_link, f, h);
	r[8] = S6(SYS_linkat, AT_FDCWD, h, dfd, "h2", AT_SYMLINK_FOLLOW, 0);
	r[9] = S2(SYS_chmod, f, 0640);
	r[10] = S2(SYS_fchmod, fd, 0604);
	r[11] = S4(SYS_fchmodat, dfd, "f", 04755, 0);
	r[12] = S1(SYS_rmdir, "/nonexistent/quarry");
	printf("%ld %ld", dfd, fd);
	for (int i = 0; i < 13; i++)
		printf(" %ld", r[i]);
	printf("\n");
	const char *names[] = {"l", "l2", "f", "h", "h2"};
	for (int i = 0; i < 5; i++)
		unlinkat(dfd, names[i], 0);
	unlinkat(dfd, "a", AT_REMOVEDIR);
	rmdir(d);
	return 0;
}

/* semget semctl(SETVAL) semop semctl(IPC_RMID) seccomp bpf */
static int sem_scenario(void)
{
	long id = S3(SYS_semget, IPC_PRIVATE, 1, IPC_CREAT | 0600);
	long sc1 = S4(SYS_semctl, id, 0, SETVAL, 5);
	struct sembuf ops[2] = {{0, -2, IPC_NOWAIT}, {0, 1, SEM_UNDO}};
	long so = S3(SYS_semop, id, ops, 2);
	long sc2 = S4(SYS_semctl, id, 0, IPC_RMID, 0);
	unsigned action = 0x7fff0000; /* SECCOMP_RET_ALLOW */
	long sco = S3(SYS_seccomp, 2 /* SECCOMP_GET_ACTION_AVAIL */, 0, &action);
	long bp = S3(SYS_bpf, 9999, 0, 0);
	printf("%ld %ld %ld %ld %ld %ld\n", id, sc1, so, sc2, sco, bp);
	return 0;
}

/* socket options: setsockopt x5 (SO_REUSEADDR, SO_RCVTIMEO, SO_LINGER, TCP_NODELAY, bad fd),
 * getsockopt x4 (SO_ERROR, SO_TYPE, SO_SNDTIMEO, SO_COOKIE) */
static int sockopt_scenario(void)
{
	long s = S3(SYS_socket, AF_INET, SOCK_STREAM, 0);
	int one = 1;
	struct timeval tv = {2, 500};
	struct { int on, secs; } lg = {1, 5};
	long r1 = S6(SYS_setsockopt, s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one), 0);
	long r2 = S6(SYS_setsockopt, s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv), 0);
	long r3 = S6(SYS_setsockopt, s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg), 0);
	long r4 = S6(SYS_setsockopt, s, 6 /* IPPROTO_TCP */, 1 /* TCP_NODELAY */, &one, sizeof(one), 0);
	long r5 = S6(SYS_setsockopt, 999, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one), 0);
	int err = -1, type = 0;
	struct timeval stv = {9, 9};
	unsigned long long cookie = 0;
	socklen_t l1 = sizeof(err), l2 = sizeof(type), l3 = sizeof(stv), l4 = sizeof(cookie);
	long g1 = S6(SYS_getsockopt, s, SOL_SOCKET, SO_ERROR, &err, &l1, 0);
	long g2 = S6(SYS_getsockopt, s, SOL_SOCKET, SO_TYPE, &type, &l2, 0);
	long g3 = S6(SYS_getsockopt, s, SOL_SOCKET, SO_SNDTIMEO, &stv, &l3, 0);
	long g4 = S6(SYS_getsockopt, s, SOL_SOCKET, SO_COOKIE, &cookie, &l4, 0);
	printf("%ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %d %d %llu\n", s, r1, r2, r3, r4, r5, g1, g2, g3, g4, err, type, cookie);
	return 0;
}

/* ptrace: a child asks to be traced and stops; we read a word of it, let it go on, then
 * a failed attach. Prints the child's pid and the word. */
static long traced_word = 0x1122334455667788;
static int ptrace_scenario(void)
{
	long pid = S0(SYS_fork);
	if (pid == 0) {
		S4(SYS_ptrace, 0 /* PTRACE_TRACEME */, 0, 0, 0);
		S2(SYS_kill, S0(SYS_getpid), SIGSTOP);
		S1(SYS_exit_group, 0);
	}
	int status;
	waitpid(pid, &status, 0);
	long word = 0;
	long p1 = S4(SYS_ptrace, 2 /* PTRACE_PEEKDATA */, pid, &traced_word, &word);
	long p2 = S4(SYS_ptrace, 7 /* PTRACE_CONT */, pid, 0, SIGCONT);
	waitpid(pid, &status, 0);
	long p3 = S4(SYS_ptrace, 16 /* PTRACE_ATTACH */, 999999999, 0, 0);
	printf("%ld %ld %ld %ld %lx %p\n", pid, p1, p2, p3, word, (void *)&traced_word);
	return 0;
}

/* quotactl on a device that does not exist, with buffers already filled: the calls fail before
 * touching them, so the exits show what the probe reads back from them.
 * QUOTAON(fmt QFMT_VFS_V0, file), GETQUOTA(uid 1000), GETINFO (group), GETFMT, SYNC */
static int quota_scenario(void)
{
	struct { unsigned long long bh, bs, cur, ih, is, curi, bt, it; unsigned valid; } dq = {100, 50, 4096, 10, 5, 3, 7, 8, 1 | 2 | 16};
	struct { unsigned long long bgrace, igrace; unsigned flags, valid; } di = {600, 700, 1, 1 | 4};
	unsigned fmt = 2;
	const char *dev = "/dev/nonexistent-quarry";
	long r1 = S4(SYS_quotactl, QCMD(Q_QUOTAON, USRQUOTA), dev, QFMT_VFS_V0, "/quota.user");
	long r2 = S4(SYS_quotactl, QCMD(Q_GETQUOTA, USRQUOTA), dev, 1000, &dq);
	long r3 = S4(SYS_quotactl, QCMD(Q_GETINFO, GRPQUOTA), dev, 0, &di);
	long r4 = S4(SYS_quotactl, QCMD(Q_GETFMT, USRQUOTA), dev, 0, &fmt);
	long r5 = S4(SYS_quotactl, QCMD(Q_SYNC, USRQUOTA), 0, 0, 0);
	printf("%ld %ld %ld %ld %ld\n", r1, r2, r3, r4, r5);
	return 0;
}

/* The scenarios of this file: returns 1 and sets *rc if argv names one of them. */
static int misc_scenarios(int argc, char **argv, int *rc)
{
	if (!strcmp(argv[1], "ids"))
		return *rc = ids_scenario(), 1;
	if (!strcmp(argv[1], "fdkinds") && argc > 2)
		return *rc = fdkinds_scenario(argv[2]), 1;
	if (!strcmp(argv[1], "ns") && argc > 2)
		return *rc = ns_scenario(argv[2]), 1;
	if (!strcmp(argv[1], "execat"))
		return *rc = execat_scenario(), 1;
	if (!strcmp(argv[1], "misc"))
		return *rc = misc_scenario(), 1;
	if (!strcmp(argv[1], "dirs") && argc > 2)
		return *rc = dirs_scenario(argv[2]), 1;
	if (!strcmp(argv[1], "sockopt"))
		return *rc = sockopt_scenario(), 1;
	if (!strcmp(argv[1], "ptrace"))
		return *rc = ptrace_scenario(), 1;
	if (!strcmp(argv[1], "quota"))
		return *rc = quota_scenario(), 1;
	if (!strcmp(argv[1], "sem"))
		return *rc = sem_scenario(), 1;
	return 0;
}
