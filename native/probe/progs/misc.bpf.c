// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/* The syscalls with a specific sysdig event beyond the file/io/net/proc families: credentials,
 * sessions, limits, special fds (signalfd, timerfd, inotify, userfaultfd), namespaces, mounts,
 * directory changes, signals, futex, sleeps, SysV semaphores, vector I/O with offsets.
 * Included by quarry.bpf.c after the other families (it reuses their helpers). */

#define M_DIRFD(n) ((__s64)(int)ARG(n))

/* Programs whose events hold only integers taken straight from the registers or the result. */
#define M_EMPTY_E(name, type) ENTER_PROG(name) { return empty_event(type); }
#define M_EMPTY_X(name, type) EXIT_PROG(name) { return empty_event(type); }
#define M_RES_X(name, type) EXIT_PROG(name) { return res_event(type, RET); }

/* struct timespec in user memory -> nanoseconds (RELTIME); 0 if unreadable. */
static __always_inline __u64 m_timespec_ns(const void *uptr)
{
	struct { __s64 sec, nsec; } ts = {};
	if (!uptr || bpf_probe_read_user(&ts, sizeof(ts), uptr))
		return 0;
	return (__u64)ts.sec * 1000000000ull + (__u64)ts.nsec;
}

/* A 64-bit value in user memory, or dflt when the pointer is null or unreadable. */
static __always_inline __u64 m_user_u64(const void *uptr, __u64 dflt)
{
	__u64 v;
	if (!uptr || bpf_probe_read_user(&v, sizeof(v), uptr))
		return dflt;
	return v;
}

static __always_inline __u32 m_user_u32(const void *uptr)
{
	__u32 v = 0;
	if (uptr)
		bpf_probe_read_user(&v, sizeof(v), uptr);
	return v;
}

/* ---- flag conversions (kernel value -> PPM encoding of the schema's flag tables) ---- */

/* futex_operations: the command numbers 0..12 are the kernel's; PRIVATE 128, CLOCK_REALTIME 256. */
static __always_inline __u16 m_futex_op(__u64 op)
{
	__u16 cmd = op & 127;
	__u16 r = cmd <= 12 ? cmd : 0;
	if (op & 128)
		r |= 128;
	if (op & 256)
		r |= 256;
	return r;
}

/* rlimit_resources: the kernel's numbering 0..15, anything else RLIMIT_UNKNOWN (255). */
static __always_inline __u8 m_rlimit(__u64 r)
{
	return r <= 15 ? (__u8)r : 255;
}

/* semget_flags: IPC_CREAT (01000) -> 8192, IPC_EXCL (02000) -> 16384 */
static __always_inline __u32 m_semget_flags(__u64 f)
{
	__u32 r = 0;
	if (f & 01000) r |= 8192;
	if (f & 02000) r |= 16384;
	return r;
}

/* semop_flags: IPC_NOWAIT (04000) -> 1, SEM_UNDO (0x1000) -> 2 */
static __always_inline __u16 m_semop_flags(__s16 f)
{
	__u16 r = 0;
	if (f & 04000) r |= 1;
	if (f & 0x1000) r |= 2;
	return r;
}

/* semctl_commands: one bit per command */
static __always_inline __u16 m_semctl_cmd(__u64 c)
{
	switch (c) {
	case 0: return 4;      /* IPC_RMID */
	case 1: return 2;      /* IPC_SET */
	case 2: return 1;      /* IPC_STAT */
	case 3: return 8;      /* IPC_INFO */
	case 11: return 256;   /* GETPID */
	case 12: return 512;   /* GETVAL */
	case 13: return 64;    /* GETALL */
	case 14: return 128;   /* GETNCNT */
	case 15: return 1024;  /* GETZCNT */
	case 16: return 4096;  /* SETVAL */
	case 17: return 2048;  /* SETALL */
	case 18: return 32;    /* SEM_STAT */
	case 19: return 16;    /* SEM_INFO */
	}
	return 0;
}

/* execveat_flags: AT_EMPTY_PATH (0x1000) -> 1, AT_SYMLINK_NOFOLLOW (0x100) -> 2 */
static __always_inline __u32 m_execveat_flags(__u64 f)
{
	__u32 r = 0;
	if (f & 0x1000) r |= 1;
	if (f & 0x100) r |= 2;
	return r;
}

/* chmod_mode: the permission and set-id bits, which PPM_S_* keep at the same places */
static __always_inline __u32 m_chmod_mode(__u64 m)
{
	return m & 07777;
}

/* ---- credentials and sessions ---- */

/* setuid/setgid: enter uid/gid (UID/GID, u32); exit res */
ENTER_PROG(setuid) { return ints_event(PPME_SYSCALL_SETUID_E, 1, ARG(0), 0, 0, 4, 0, 0); }
M_RES_X(setuid, PPME_SYSCALL_SETUID_X)
ENTER_PROG(setgid) { return ints_event(PPME_SYSCALL_SETGID_E, 1, ARG(0), 0, 0, 4, 0, 0); }
M_RES_X(setgid, PPME_SYSCALL_SETGID_X)
/* setresuid/setresgid: enter the three ids; exit res */
ENTER_PROG(setresuid) { return ints_event(PPME_SYSCALL_SETRESUID_E, 3, ARG(0), ARG(1), ARG(2), 4, 4, 4); }
M_RES_X(setresuid, PPME_SYSCALL_SETRESUID_X)
ENTER_PROG(setresgid) { return ints_event(PPME_SYSCALL_SETRESGID_E, 3, ARG(0), ARG(1), ARG(2), 4, 4, 4); }
M_RES_X(setresgid, PPME_SYSCALL_SETRESGID_X)

/* getuid and friends: no enter params; exit the id (UID/GID, u32) */
M_EMPTY_E(getuid, PPME_SYSCALL_GETUID_E)
EXIT_PROG(getuid) { return ints_event(PPME_SYSCALL_GETUID_X, 1, RET, 0, 0, 4, 0, 0); }
M_EMPTY_E(geteuid, PPME_SYSCALL_GETEUID_E)
EXIT_PROG(geteuid) { return ints_event(PPME_SYSCALL_GETEUID_X, 1, RET, 0, 0, 4, 0, 0); }
M_EMPTY_E(getgid, PPME_SYSCALL_GETGID_E)
EXIT_PROG(getgid) { return ints_event(PPME_SYSCALL_GETGID_X, 1, RET, 0, 0, 4, 0, 0); }
M_EMPTY_E(getegid, PPME_SYSCALL_GETEGID_E)
EXIT_PROG(getegid) { return ints_event(PPME_SYSCALL_GETEGID_X, 1, RET, 0, 0, 4, 0, 0); }

/* getresuid/getresgid: exit res (ERRNO), then the three ids read back from the caller's memory */
static __always_inline int m_getres_exit(struct bpf_raw_tracepoint_args *ctx, __u16 type)
{
	struct ev e;
	__u32 a = m_user_u32((void *)ARG(0)), b = m_user_u32((void *)ARG(1)), c = m_user_u32((void *)ARG(2));
	if (ev_begin(&e, type, 4))
		return 0;
	put_u64(&e, RET);
	put_u32(&e, a);
	put_u32(&e, b);
	put_u32(&e, c);
	return ev_submit(&e);
}
M_EMPTY_E(getresuid, PPME_SYSCALL_GETRESUID_E)
EXIT_PROG(getresuid) { return m_getres_exit(ctx, PPME_SYSCALL_GETRESUID_X); }
M_EMPTY_E(getresgid, PPME_SYSCALL_GETRESGID_E)
EXIT_PROG(getresgid) { return m_getres_exit(ctx, PPME_SYSCALL_GETRESGID_X); }

/* setpgid: enter pid, pgid (PID); exit res (PID). setsid: exit res (PID) */
ENTER_PROG(setpgid) { return ints_event(PPME_SYSCALL_SETPGID_E, 2, (__s64)(int)ARG(0), (__s64)(int)ARG(1), 0, 8, 8, 0); }
M_RES_X(setpgid, PPME_SYSCALL_SETPGID_X)
M_EMPTY_E(setsid, PPME_SYSCALL_SETSID_E)
M_RES_X(setsid, PPME_SYSCALL_SETSID_X)

/* ---- resource limits ---- */

/* getrlimit/setrlimit: enter resource (FLAGS8); exit res, cur, max (INT64). The limit is read
 * back when the call succeeded (and always for setrlimit), else both are -1. */
static __always_inline int m_rlimit_exit(struct bpf_raw_tracepoint_args *ctx, __u16 type, int always)
{
	struct ev e;
	__s64 res = RET;
	__s64 cur = -1, max = -1;
	if (res >= 0 || always) {
		struct { __u64 cur, max; } rl;
		if (!bpf_probe_read_user(&rl, sizeof(rl), (void *)ARG(1))) {
			cur = rl.cur;
			max = rl.max;
		}
	}
	return ints_event(type, 3, res, cur, max, 8, 8, 8);
}
ENTER_PROG(getrlimit) { return ints_event(PPME_SYSCALL_GETRLIMIT_E, 1, m_rlimit(ARG(0)), 0, 0, 1, 0, 0); }
EXIT_PROG(getrlimit) { return m_rlimit_exit(ctx, PPME_SYSCALL_GETRLIMIT_X, 0); }
ENTER_PROG(setrlimit) { return ints_event(PPME_SYSCALL_SETRLIMIT_E, 1, m_rlimit(ARG(0)), 0, 0, 1, 0, 0); }
EXIT_PROG(setrlimit) { return m_rlimit_exit(ctx, PPME_SYSCALL_SETRLIMIT_X, 1); }

/* prlimit64: enter pid (PID), resource (FLAGS8); exit res, newcur, newmax, oldcur, oldmax (INT64):
 * the new limit when the call succeeded, the old one when asked for; -1 otherwise. */
ENTER_PROG(prlimit64) { return ints_event(PPME_SYSCALL_PRLIMIT_E, 2, (__s64)(int)ARG(0), m_rlimit(ARG(1)), 0, 8, 1, 0); }
EXIT_PROG(prlimit64)
{
	struct ev e;
	__s64 res = RET;
	struct { __s64 cur, max; } nl = {-1, -1}, ol = {-1, -1};
	if (res >= 0 && ARG(2) && bpf_probe_read_user(&nl, sizeof(nl), (void *)ARG(2)))
		nl.cur = nl.max = -1;
	if (ARG(3) && bpf_probe_read_user(&ol, sizeof(ol), (void *)ARG(3)))
		ol.cur = ol.max = -1;
	if (ev_begin(&e, PPME_SYSCALL_PRLIMIT_X, 5))
		return 0;
	put_u64(&e, res);
	put_u64(&e, nl.cur);
	put_u64(&e, nl.max);
	put_u64(&e, ol.cur);
	put_u64(&e, ol.max);
	return ev_submit(&e);
}

/* ---- fds of special kinds ---- */

/* signalfd/signalfd4: enter fd (FD), mask (UINT32), flags (FLAGS8): the real driver leaves mask
 * and flags at 0. exit res (FD) */
ENTER_PROG(signalfd) { return ints_event(PPME_SYSCALL_SIGNALFD_E, 3, (__s64)(int)ARG(0), 0, 0, 8, 4, 1); }
M_RES_X(signalfd, PPME_SYSCALL_SIGNALFD_X)
/* timerfd_create: enter clockid (UINT8), flags (FLAGS8), both 0 as the real driver; exit res (FD) */
ENTER_PROG(timerfd_create) { return ints_event(PPME_SYSCALL_TIMERFD_CREATE_E, 2, 0, 0, 0, 1, 1, 0); }
M_RES_X(timerfd_create, PPME_SYSCALL_TIMERFD_CREATE_X)
/* inotify_init/inotify_init1: enter flags (FLAGS8, 0 as the real driver); exit res (FD) */
ENTER_PROG(inotify_init) { return ints_event(PPME_SYSCALL_INOTIFY_INIT_E, 1, 0, 0, 0, 1, 0, 0); }
M_RES_X(inotify_init, PPME_SYSCALL_INOTIFY_INIT_X)
/* userfaultfd: no enter params; exit res (ERRNO), flags (FLAGS32, the raw argument) */
M_EMPTY_E(userfaultfd, PPME_SYSCALL_USERFAULTFD_E)
EXIT_PROG(userfaultfd) { return ints_event(PPME_SYSCALL_USERFAULTFD_X, 2, RET, (__u32)ARG(0), 0, 8, 4, 0); }

/* ---- paths: cwd, root, mounts ---- */

/* getcwd: exit res (ERRNO), path (CHARBUF) as the kernel wrote it */
M_EMPTY_E(getcwd, PPME_SYSCALL_GETCWD_E)
EXIT_PROG(getcwd)
{
	struct ev e;
	__s64 res = RET;
	if (ev_begin(&e, PPME_SYSCALL_GETCWD_X, 2))
		return 0;
	put_u64(&e, res);
	if (res > 0)
		put_user_str(&e, (void *)ARG(0), PATH_MAX_READ);
	else
		put_empty(&e);
	return ev_submit(&e);
}

/* chroot: exit res, path */
M_EMPTY_E(chroot, PPME_SYSCALL_CHROOT_E)
EXIT_PROG(chroot) { return res_path_event(ctx, PPME_SYSCALL_CHROOT_X, 0); }

/* mount: enter flags (FLAGS32, without the old magic number in the high half); exit res, dev
 * (CHARBUF), dir (FSPATH), type (CHARBUF) */
ENTER_PROG(mount)
{
	__u64 f = ARG(3);
	if ((f & 0xffff0000) == 0xc0ed0000)
		f &= ~0xffff0000ull;
	return ints_event(PPME_SYSCALL_MOUNT_E, 1, f, 0, 0, 4, 0, 0);
}
EXIT_PROG(mount)
{
	struct ev e;
	if (ev_begin(&e, PPME_SYSCALL_MOUNT_X, 4))
		return 0;
	put_u64(&e, RET);
	put_user_str(&e, (void *)ARG(0), PATH_MAX_READ);
	put_user_str(&e, (void *)ARG(1), PATH_MAX_READ);
	put_user_str(&e, (void *)ARG(2), PATH_MAX_READ);
	return ev_submit(&e);
}
/* umount2: enter flags (FLAGS32, same bits); exit res, name (FSPATH) */
ENTER_PROG(umount2) { return ints_event(PPME_SYSCALL_UMOUNT_E, 1, ARG(1), 0, 0, 4, 0, 0); }
EXIT_PROG(umount2) { return res_path_event(ctx, PPME_SYSCALL_UMOUNT_X, 0); }

/* ---- namespaces ---- */

/* unshare: enter flags (FLAGS32, PPM_CL_*); exit res. setns: enter fd, nstype (PPM_CL_*); exit res */
ENTER_PROG(unshare) { return ints_event(PPME_SYSCALL_UNSHARE_E, 1, clone_flags_to_ppm(ARG(0)), 0, 0, 4, 0, 0); }
M_RES_X(unshare, PPME_SYSCALL_UNSHARE_X)
ENTER_PROG(setns) { return ints_event(PPME_SYSCALL_SETNS_E, 2, (__s64)(int)ARG(0), clone_flags_to_ppm(ARG(1)), 0, 8, 4, 0); }
M_RES_X(setns, PPME_SYSCALL_SETNS_X)

/* ---- data between fds ---- */

/* sendfile: enter out_fd, in_fd (FD), offset (UINT64, *offset or 0), size (UINT64);
 * exit res, offset (the updated *offset) */
ENTER_PROG(sendfile)
{
	struct ev e;
	__u64 off = m_user_u64((void *)ARG(2), 0);
	if (ev_begin(&e, PPME_SYSCALL_SENDFILE_E, 4))
		return 0;
	put_u64(&e, (__s64)(int)ARG(0));
	put_u64(&e, (__s64)(int)ARG(1));
	put_u64(&e, off);
	put_u64(&e, ARG(3));
	return ev_submit(&e);
}
EXIT_PROG(sendfile) { return ints_event(PPME_SYSCALL_SENDFILE_X, 2, RET, m_user_u64((void *)ARG(2), 0), 0, 8, 8, 0); }

/* copy_file_range: enter fdin (FD), offin (UINT64), len (UINT64); exit res, fdout (FD), offout
 * (UINT64). The offsets are the pointer arguments themselves, as the real driver reports them. */
ENTER_PROG(copy_file_range) { return ints_event(PPME_SYSCALL_COPY_FILE_RANGE_E, 3, (__s64)(int)ARG(0), ARG(1), ARG(4), 8, 8, 8); }
EXIT_PROG(copy_file_range) { return ints_event(PPME_SYSCALL_COPY_FILE_RANGE_X, 3, RET, (__s64)(int)ARG(2), ARG(3), 8, 8, 8); }

/* splice: enter fd_in, fd_out (FD), size (UINT64), flags (FLAGS32, same bits); exit res */
ENTER_PROG(splice)
{
	struct ev e;
	if (ev_begin(&e, PPME_SYSCALL_SPLICE_E, 4))
		return 0;
	put_u64(&e, (__s64)(int)ARG(0));
	put_u64(&e, (__s64)(int)ARG(2));
	put_u64(&e, ARG(4));
	put_u32(&e, ARG(5));
	return ev_submit(&e);
}
M_RES_X(splice, PPME_SYSCALL_SPLICE_X)

/* preadv: enter fd, pos (UINT64); exit res, size (UINT32), data (BYTEBUF) */
ENTER_PROG(preadv) { return ints_event(PPME_SYSCALL_PREADV_E, 2, (__s64)(int)ARG(0), ARG(3), 0, 8, 8, 0); }
EXIT_PROG(preadv) { return readv_exit(ctx, PPME_SYSCALL_PREADV_X); }
/* pwritev: enter fd, size (UINT32), pos (UINT64); exit res, data (BYTEBUF) */
ENTER_PROG(pwritev)
{
	return ints_event(PPME_SYSCALL_PWRITEV_E, 3, (__s64)(int)ARG(0), iov_total((void *)ARG(1), ARG(2)), ARG(3), 8, 4, 8);
}
EXIT_PROG(pwritev) { return writev_exit(ctx, PPME_SYSCALL_PWRITEV_X); }

/* ---- execveat: the same exit as execve ---- */

/* enter: dirfd (FD), pathname (FSRELPATH), flags (FLAGS32, PPM_EXVAT_*) */
ENTER_PROG(execveat)
{
	struct ev e;
	if (ev_begin(&e, PPME_SYSCALL_EXECVEAT_E, 3))
		return 0;
	put_u64(&e, (__s64)(int)ARG(0));
	put_user_str(&e, (void *)ARG(1), PATH_MAX_READ);
	put_u32(&e, m_execveat_flags(ARG(4)));
	return ev_submit(&e);
}

/* exit: the 20 parameters of execve's exit (proc.bpf.c) */
EXIT_PROG(execveat) { return execve_exit(ctx, PPME_SYSCALL_EXECVEAT_X, (void *)ARG(2), (void *)ARG(3)); }

/* ---- frequent ones: futex, sleeps, signals, access, directories, memory, polling ---- */

/* futex: enter addr (UINT64), op (FLAGS16, futex_operations), val (UINT64); exit res */
ENTER_PROG(futex) { return ints_event(PPME_SYSCALL_FUTEX_E, 3, ARG(0), m_futex_op(ARG(1)), ARG(2), 8, 2, 8); }
M_RES_X(futex, PPME_SYSCALL_FUTEX_X)

/* nanosleep: enter interval (RELTIME, ns); exit res */
ENTER_PROG(nanosleep) { return ints_event(PPME_SYSCALL_NANOSLEEP_E, 1, m_timespec_ns((void *)ARG(0)), 0, 0, 8, 0, 0); }
M_RES_X(nanosleep, PPME_SYSCALL_NANOSLEEP_X)

/* kill/tkill: enter pid (PID), sig (SIGTYPE, u8); tgkill: pid, tid, sig; exit res */
ENTER_PROG(kill) { return ints_event(PPME_SYSCALL_KILL_E, 2, (__s64)(int)ARG(0), ARG(1), 0, 8, 1, 0); }
M_RES_X(kill, PPME_SYSCALL_KILL_X)
ENTER_PROG(tkill) { return ints_event(PPME_SYSCALL_TKILL_E, 2, (__s64)(int)ARG(0), ARG(1), 0, 8, 1, 0); }
M_RES_X(tkill, PPME_SYSCALL_TKILL_X)
ENTER_PROG(tgkill) { return ints_event(PPME_SYSCALL_TGKILL_E, 3, (__s64)(int)ARG(0), (__s64)(int)ARG(1), ARG(2), 8, 8, 1); }
M_RES_X(tgkill, PPME_SYSCALL_TGKILL_X)

/* access: enter mode (FLAGS32: R/W/X_OK keep their bits, F_OK is 0); exit res, name (FSPATH) */
ENTER_PROG(access) { return ints_event(PPME_SYSCALL_ACCESS_E, 1, ARG(1) & 7, 0, 0, 4, 0, 0); }
EXIT_PROG(access) { return res_path_event(ctx, PPME_SYSCALL_ACCESS_X, 0); }

/* getdents/getdents64: enter fd; exit res */
ENTER_PROG(getdents) { return ints_event(PPME_SYSCALL_GETDENTS_E, 1, (__s64)(int)ARG(0), 0, 0, 8, 0, 0); }
M_RES_X(getdents, PPME_SYSCALL_GETDENTS_X)
ENTER_PROG(getdents64) { return ints_event(PPME_SYSCALL_GETDENTS64_E, 1, (__s64)(int)ARG(0), 0, 0, 8, 0, 0); }
M_RES_X(getdents64, PPME_SYSCALL_GETDENTS64_X)

/* mprotect: enter addr, length (UINT64), prot (FLAGS32, PPM_PROT_*); exit res */
ENTER_PROG(mprotect) { return ints_event(PPME_SYSCALL_MPROTECT_E, 3, ARG(0), ARG(1), mmap_prot_to_ppm(ARG(2)), 8, 8, 4); }
M_RES_X(mprotect, PPME_SYSCALL_MPROTECT_X)

/* select: no enter params; exit res */
M_EMPTY_E(select, PPME_SYSCALL_SELECT_E)
M_RES_X(select, PPME_SYSCALL_SELECT_X)

/* ppoll: enter fds (FDLIST), timeout (RELTIME, -1 for none), sigmask (SIGSET, first word);
 * exit res, fds (FDLIST with revents), as poll */
ENTER_PROG(ppoll)
{
	struct ev e;
	__u64 timeout = ARG(2) ? m_timespec_ns((void *)ARG(2)) : (__u64)-1;
	__u32 sigmask = ARG(3) ? m_user_u32((void *)ARG(3)) : 0;
	if (ev_begin(&e, PPME_SYSCALL_PPOLL_E, 3))
		return 0;
	put_fdlist(&e, (void *)ARG(0), ARG(1), 0);
	put_u64(&e, timeout);
	put_u32(&e, sigmask);
	return ev_submit(&e);
}
EXIT_PROG(ppoll)
{
	struct ev e;
	if (ev_begin(&e, PPME_SYSCALL_PPOLL_X, 2))
		return 0;
	put_u64(&e, RET);
	put_fdlist(&e, (void *)ARG(0), ARG(1), 1);
	return ev_submit(&e);
}

/* flock: enter fd, operation (FLAGS32: LOCK_* keep their bits); exit res */
ENTER_PROG(flock) { return ints_event(PPME_SYSCALL_FLOCK_E, 2, (__s64)(int)ARG(0), ARG(1) & 0xf, 0, 8, 4, 0); }
M_RES_X(flock, PPME_SYSCALL_FLOCK_X)

/* Socket calls whose events have no parameters at all. */
M_EMPTY_E(getsockname, PPME_SOCKET_GETSOCKNAME_E)
M_EMPTY_X(getsockname, PPME_SOCKET_GETSOCKNAME_X)
M_EMPTY_E(getpeername, PPME_SOCKET_GETPEERNAME_E)
M_EMPTY_X(getpeername, PPME_SOCKET_GETPEERNAME_X)
M_EMPTY_E(sendmmsg, PPME_SOCKET_SENDMMSG_E)
M_EMPTY_X(sendmmsg, PPME_SOCKET_SENDMMSG_X)
M_EMPTY_E(recvmmsg, PPME_SOCKET_RECVMMSG_E)
M_EMPTY_X(recvmmsg, PPME_SOCKET_RECVMMSG_X)

/* ---- directory entries ---- */

/* mkdir: enter mode (UINT32, 0 as the real driver); exit res, path (FSPATH) */
ENTER_PROG(mkdir) { return ints_event(PPME_SYSCALL_MKDIR_2_E, 1, 0, 0, 0, 4, 0, 0); }
EXIT_PROG(mkdir) { return res_path_event(ctx, PPME_SYSCALL_MKDIR_2_X, 0); }
/* mkdirat: exit res, dirfd (FD), path (FSRELPATH), mode (UINT32, raw) */
M_EMPTY_E(mkdirat, PPME_SYSCALL_MKDIRAT_E)
EXIT_PROG(mkdirat)
{
	struct ev e;
	if (ev_begin(&e, PPME_SYSCALL_MKDIRAT_X, 4))
		return 0;
	put_u64(&e, RET);
	put_u64(&e, M_DIRFD(0));
	put_user_str(&e, (void *)ARG(1), PATH_MAX_READ);
	put_u32(&e, ARG(2));
	return ev_submit(&e);
}
/* rmdir: exit res, path */
M_EMPTY_E(rmdir, PPME_SYSCALL_RMDIR_2_E)
EXIT_PROG(rmdir) { return res_path_event(ctx, PPME_SYSCALL_RMDIR_2_X, 0); }

/* exit: res, path a (argument 0), path b (argument 1): rename, link, symlink */
static __always_inline int m_res_2paths(struct bpf_raw_tracepoint_args *ctx, __u16 type)
{
	struct ev e;
	if (ev_begin(&e, type, 3))
		return 0;
	put_u64(&e, RET);
	put_user_str(&e, (void *)ARG(0), PATH_MAX_READ);
	put_user_str(&e, (void *)ARG(1), PATH_MAX_READ);
	return ev_submit(&e);
}
M_EMPTY_E(rename, PPME_SYSCALL_RENAME_E)
EXIT_PROG(rename) { return m_res_2paths(ctx, PPME_SYSCALL_RENAME_X); }
M_EMPTY_E(link, PPME_SYSCALL_LINK_2_E)
EXIT_PROG(link) { return m_res_2paths(ctx, PPME_SYSCALL_LINK_2_X); }
M_EMPTY_E(symlink, PPME_SYSCALL_SYMLINK_E)
EXIT_PROG(symlink) { return m_res_2paths(ctx, PPME_SYSCALL_SYMLINK_X); }

/* exit: res, olddirfd, oldpath, newdirfd, newpath, then flags (argument 4) if nflags:
 * renameat, renameat2 (flags raw), linkat (AT_SYMLINK_FOLLOW/AT_EMPTY_PATH keep their bits) */
static __always_inline int m_res_2at(struct bpf_raw_tracepoint_args *ctx, __u16 type, int nflags, __u32 fmask)
{
	struct ev e;
	if (ev_begin(&e, type, 5 + nflags))
		return 0;
	put_u64(&e, RET);
	put_u64(&e, M_DIRFD(0));
	put_user_str(&e, (void *)ARG(1), PATH_MAX_READ);
	put_u64(&e, M_DIRFD(2));
	put_user_str(&e, (void *)ARG(3), PATH_MAX_READ);
	if (nflags)
		put_u32(&e, ARG(4) & fmask);
	return ev_submit(&e);
}
M_EMPTY_E(renameat, PPME_SYSCALL_RENAMEAT_E)
EXIT_PROG(renameat) { return m_res_2at(ctx, PPME_SYSCALL_RENAMEAT_X, 0, 0); }
M_EMPTY_E(renameat2, PPME_SYSCALL_RENAMEAT2_E)
EXIT_PROG(renameat2) { return m_res_2at(ctx, PPME_SYSCALL_RENAMEAT2_X, 1, 0xffffffff); }
M_EMPTY_E(linkat, PPME_SYSCALL_LINKAT_2_E)
EXIT_PROG(linkat) { return m_res_2at(ctx, PPME_SYSCALL_LINKAT_2_X, 1, 0x1400); }

/* symlinkat: exit res, target (CHARBUF), linkdirfd (FD), linkpath (FSRELPATH) */
M_EMPTY_E(symlinkat, PPME_SYSCALL_SYMLINKAT_E)
EXIT_PROG(symlinkat)
{
	struct ev e;
	if (ev_begin(&e, PPME_SYSCALL_SYMLINKAT_X, 4))
		return 0;
	put_u64(&e, RET);
	put_user_str(&e, (void *)ARG(0), PATH_MAX_READ);
	put_u64(&e, M_DIRFD(1));
	put_user_str(&e, (void *)ARG(2), PATH_MAX_READ);
	return ev_submit(&e);
}

/* chmod: exit res, filename (FSPATH), mode (MODE, raw as the real driver) */
M_EMPTY_E(chmod, PPME_SYSCALL_CHMOD_E)
EXIT_PROG(chmod)
{
	struct ev e;
	if (ev_begin(&e, PPME_SYSCALL_CHMOD_X, 3))
		return 0;
	put_u64(&e, RET);
	put_user_str(&e, (void *)ARG(0), PATH_MAX_READ);
	put_u32(&e, ARG(1));
	return ev_submit(&e);
}
/* fchmod: exit res, fd, mode (raw) */
M_EMPTY_E(fchmod, PPME_SYSCALL_FCHMOD_E)
EXIT_PROG(fchmod) { return ints_event(PPME_SYSCALL_FCHMOD_X, 3, RET, (__s64)(int)ARG(0), ARG(1), 8, 8, 4); }
/* fchmodat: exit res, dirfd, filename (FSRELPATH), mode (MODE, PPM_S_*) */
M_EMPTY_E(fchmodat, PPME_SYSCALL_FCHMODAT_E)
EXIT_PROG(fchmodat)
{
	struct ev e;
	if (ev_begin(&e, PPME_SYSCALL_FCHMODAT_X, 4))
		return 0;
	put_u64(&e, RET);
	put_u64(&e, M_DIRFD(0));
	put_user_str(&e, (void *)ARG(1), PATH_MAX_READ);
	put_u32(&e, m_chmod_mode(ARG(2)));
	return ev_submit(&e);
}

/* ---- SysV semaphores ---- */

/* semget: enter key (INT32), nsems (INT32), semflg (FLAGS32); exit res */
ENTER_PROG(semget) { return ints_event(PPME_SYSCALL_SEMGET_E, 3, ARG(0), ARG(1), m_semget_flags(ARG(2)), 4, 4, 4); }
M_RES_X(semget, PPME_SYSCALL_SEMGET_X)
/* semctl: enter semid, semnum (INT32), cmd (FLAGS16), val (INT32, the argument only for SETVAL); exit res */
ENTER_PROG(semctl)
{
	struct ev e;
	__u64 cmd = ARG(2);
	if (ev_begin(&e, PPME_SYSCALL_SEMCTL_E, 4))
		return 0;
	put_u32(&e, ARG(0));
	put_u32(&e, ARG(1));
	put_u16(&e, m_semctl_cmd(cmd));
	put_u32(&e, cmd == 16 ? ARG(3) : 0);
	return ev_submit(&e);
}
M_RES_X(semctl, PPME_SYSCALL_SEMCTL_X)
/* semop: enter semid (INT32); exit res, nsops (UINT32), then num/op/flg of the first two sembufs
 * (empty parameters for those not given) */
ENTER_PROG(semop) { return ints_event(PPME_SYSCALL_SEMOP_E, 1, ARG(0), 0, 0, 4, 0, 0); }
EXIT_PROG(semop)
{
	struct ev e;
	__u64 nsops = ARG(2);
	const void *sops = (void *)ARG(1);
	struct { __u16 num; __s16 op; __s16 flg; } sb[2] = {};
	/* as the real driver: both entries once one is given, the second zero if nsops is 1 */
	int have = 0;
	if (sops && nsops) {
		have = 1;
		if (bpf_probe_read_user(sb, nsops >= 2 ? 12 : 6, sops))
			have = 0;
	}
	if (ev_begin(&e, PPME_SYSCALL_SEMOP_X, 8))
		return 0;
	put_u64(&e, RET);
	put_u32(&e, nsops);
	for (int i = 0; i < 2; i++) {
		if (have) {
			put_u16(&e, sb[i].num);
			put_u16(&e, sb[i].op);
			put_u16(&e, m_semop_flags(sb[i].flg));
		} else {
			put_empty(&e);
			put_empty(&e);
			put_empty(&e);
		}
	}
	return ev_submit(&e);
}

/* ---- the rest ---- */

/* seccomp: enter op (UINT64); exit res */
ENTER_PROG(seccomp) { return ints_event(PPME_SYSCALL_SECCOMP_E, 1, ARG(0), 0, 0, 8, 0, 0); }
M_RES_X(seccomp, PPME_SYSCALL_SECCOMP_X)

/* bpf: enter cmd (INT64); exit res_or_fd (DYN: index 0 = FD, then the value) as the real driver */
ENTER_PROG(bpf) { return ints_event(PPME_SYSCALL_BPF_E, 1, ARG(0), 0, 0, 8, 0, 0); }
EXIT_PROG(bpf)
{
	struct ev e;
	if (ev_begin(&e, PPME_SYSCALL_BPF_X, 1))
		return 0;
	e.a->data[e.pos & AUX_MASK] = 0;
	*(__u64 *)&e.a->data[(e.pos + 1) & AUX_MASK] = RET;
	put_inplace(&e, 9);
	return ev_submit(&e);
}

/* ---- socket options ---- */

#define M_SOL_SOCKET 1
#define M_SOL_TCP 6
#define M_SOCKOPT_MAXBUF 4096

static __always_inline __u8 m_sockopt_level(__u64 level)
{
	if (level == M_SOL_SOCKET)
		return 1;
	if (level == M_SOL_TCP)
		return 2;
	return 0;
}

/* sockopt_options: SOL_SOCKET names 1..50 keep their numbers on x86_64; the later ones are renumbered */
static __always_inline __u8 m_sockopt_name(__u64 level, __u64 name)
{
	if (level != M_SOL_SOCKET)
		return 0;
	if (name >= 1 && name <= 50)
		return name;
	switch (name) {
	case 55: return 52; /* SO_MEMINFO */
	case 57: return 53; /* SO_COOKIE */
	case 59: return 51; /* SO_PEERGROUPS */
	}
	return 0;
}

/* The option value (DYN): index byte, then SO_ERROR as a negative errno (ERRNO), the send/receive
 * timeouts as nanoseconds (RELTIME), SO_COOKIE as UINT64, the integer options as UINT32, and
 * anything else (or another level) as the raw bytes (BYTEBUF). */
static __always_inline void m_put_sockopt_val(struct ev *e, __u64 level, __u64 name, const void *uval, __u32 len)
{
	__u8 *d = &e->a->data[e->pos & AUX_MASK];
	__u32 n = 0;
	int kind = 0; /* 0 bytes, 1 errno, 2 u32, 3 u64, 4 timeval */
	if (level == M_SOL_SOCKET) {
		if (name == 4)
			kind = 1;
		else if (name == 20 || name == 21)
			kind = 4;
		else if (name == 57)
			kind = 3;
		else if (name == 13 || name == 17 || name == 26 || name == 28 || name == 50 || name > 50)
			kind = 0; /* LINGER, PEERCRED, ATTACH_FILTER, PEERNAME, ATTACH_BPF, later ones */
		else if (name >= 1)
			kind = 2;
	}
	if (kind == 1) {
		__s32 v = 0;
		bpf_probe_read_user(&v, sizeof(v), uval);
		d[0] = 1;
		*(__s64 *)(d + 1) = -(__s64)v;
		n = 9;
	} else if (kind == 2) {
		__u32 v = 0;
		bpf_probe_read_user(&v, sizeof(v), uval);
		d[0] = 2;
		*(__u32 *)(d + 1) = v;
		n = 5;
	} else if (kind == 3) {
		__u64 v = 0;
		bpf_probe_read_user(&v, sizeof(v), uval);
		d[0] = 3;
		*(__u64 *)(d + 1) = v;
		n = 9;
	} else if (kind == 4) {
		struct { __s64 sec, usec; } tv = {};
		bpf_probe_read_user(&tv, sizeof(tv), uval);
		d[0] = 4;
		*(__u64 *)(d + 1) = (__u64)tv.sec * 1000000000ull + (__u64)tv.usec * 1000ull;
		n = 9;
	} else {
		d[0] = 0;
		__u32 m = len > M_SOCKOPT_MAXBUF ? M_SOCKOPT_MAXBUF : len;
		asm volatile("" : "+r"(m)); /* keep the mask below for the verifier */
		m &= 2 * M_SOCKOPT_MAXBUF - 1;
		if (!uval || !m || bpf_probe_read_user(&e->a->data[(e->pos + 1) & AUX_MASK], m, uval))
			m = 0;
		n = 1 + m;
	}
	ev_len(e, n);
}

/* setsockopt/getsockopt exits: res, fd, level (FLAGS8), optname (FLAGS8), val (DYN), optlen (UINT32).
 * getsockopt's optlen is the length the kernel wrote back. */
static __always_inline int m_sockopt_exit(struct bpf_raw_tracepoint_args *ctx, __u16 type, int is_get)
{
	struct ev e;
	__u64 level = (__u32)ARG(1), name = (__u32)ARG(2);
	__u32 len = is_get ? m_user_u32((void *)ARG(4)) : (__u32)ARG(4);
	if (ev_begin(&e, type, 6))
		return 0;
	put_u64(&e, RET);
	put_u64(&e, (__s64)(int)ARG(0));
	put_u8(&e, m_sockopt_level(level));
	put_u8(&e, m_sockopt_name(level, name));
	m_put_sockopt_val(&e, level, name, (void *)ARG(3), len);
	put_u32(&e, len);
	return ev_submit(&e);
}
M_EMPTY_E(setsockopt, PPME_SOCKET_SETSOCKOPT_E)
EXIT_PROG(setsockopt) { return m_sockopt_exit(ctx, PPME_SOCKET_SETSOCKOPT_X, 0); }
M_EMPTY_E(getsockopt, PPME_SOCKET_GETSOCKOPT_E)
EXIT_PROG(getsockopt) { return m_sockopt_exit(ctx, PPME_SOCKET_GETSOCKOPT_X, 1); }

/* ---- ptrace ---- */

/* ptrace_requests: x86_64 request numbers -> PPM_PTRACE_* */
static __always_inline __u16 m_ptrace_req(__u64 r)
{
	if (r <= 9)
		return r + 1; /* TRACEME .. SINGLESTEP */
	switch (r) {
	case 12: return 26;     /* GETREGS */
	case 13: return 27;     /* SETREGS */
	case 14: return 28;     /* GETFPREGS */
	case 15: return 29;     /* SETFPREGS */
	case 16: return 11;     /* ATTACH */
	case 17: return 12;     /* DETACH */
	case 18: return 30;     /* GETFPXREGS */
	case 19: return 31;     /* SETFPXREGS */
	case 21: return 32;     /* OLDSETOPTIONS */
	case 24: return 13;     /* SYSCALL */
	case 25: return 33;     /* GET_THREAD_AREA */
	case 26: return 34;     /* SET_THREAD_AREA */
	case 30: return 35;     /* ARCH_PRCTL */
	case 31: return 36;     /* SYSEMU */
	case 32: return 37;     /* SYSEMU_SINGLESTEP */
	case 33: return 38;     /* SINGLEBLOCK */
	}
	if (r >= 0x4200 && r <= 0x420b)
		return r - 0x4200 + 14; /* SETOPTIONS .. SETSIGMASK */
	return 0;
}

/* enter: request (FLAGS16), pid (PID) */
ENTER_PROG(ptrace) { return ints_event(PPME_SYSCALL_PTRACE_E, 2, m_ptrace_req(ARG(0)), (__s64)(int)ARG(1), 0, 2, 8, 0); }

/* exit: res, addr (DYN: UINT64), data (DYN: the word read for PEEK*, the signal (SIGTYPE) for
 * CONT/SINGLESTEP/DETACH/SYSCALL, else the argument); both 0 when the call failed */
EXIT_PROG(ptrace)
{
	struct ev e;
	__s64 res = RET;
	__u16 req = m_ptrace_req(ARG(0));
	__u64 addr = 0, data = 0;
	__u8 data_idx = 0;
	if (res >= 0) {
		addr = ARG(2);
		data = ARG(3);
		if (req >= 2 && req <= 4) /* PEEKTEXT, PEEKDATA, PEEKUSR */
			data = m_user_u64((void *)ARG(3), 0);
		else if (req == 8 || req == 10 || req == 12 || req == 13) /* CONT, SINGLESTEP, DETACH, SYSCALL */
			data_idx = 1;
	}
	if (ev_begin(&e, PPME_SYSCALL_PTRACE_X, 3))
		return 0;
	put_u64(&e, res);
	__u8 *d = &e.a->data[e.pos & AUX_MASK];
	d[0] = 0;
	*(__u64 *)(d + 1) = addr;
	ev_len(&e, 9);
	d = &e.a->data[e.pos & AUX_MASK];
	d[0] = data_idx;
	if (data_idx) {
		d[1] = (__u8)data;
		ev_len(&e, 2);
	} else {
		*(__u64 *)(d + 1) = data;
		ev_len(&e, 9);
	}
	return ev_submit(&e);
}

/* ---- quotactl ---- */

/* quotactl_cmds: the command is in the high bits of cmd */
static __always_inline __u16 m_quota_cmd(__u64 cmd)
{
	switch (cmd >> 8) {
	case 0x800001: return 128;   /* Q_SYNC */
	case 0x800002: return 1;     /* Q_QUOTAON */
	case 0x800003: return 2;     /* Q_QUOTAOFF */
	case 0x800004: return 4;     /* Q_GETFMT */
	case 0x800005: return 8;     /* Q_GETINFO */
	case 0x800006: return 16;    /* Q_SETINFO */
	case 0x800007: return 32;    /* Q_GETQUOTA */
	case 0x800008: return 64;    /* Q_SETQUOTA */
	case 0x5801: return 256;     /* Q_XQUOTAON */
	case 0x5802: return 512;     /* Q_XQUOTAOFF */
	case 0x5803: return 1024;    /* Q_XGETQUOTA */
	case 0x5804: return 2048;    /* Q_XSETQLIM */
	case 0x5805: return 4096;    /* Q_XGETQSTAT */
	case 0x5806: return 8192;    /* Q_XQUOTARM */
	case 0x5807: return 16384;   /* Q_XQUOTASYNC */
	}
	return 0;
}

/* quotactl_quota_fmts: QFMT_VFS_OLD 1 -> 2, QFMT_VFS_V0 2 -> 4, QFMT_VFS_V1 4 -> 8, else NOT_USED (1) */
static __always_inline __u8 m_quota_fmt(__u64 f)
{
	switch (f) {
	case 1: return 2;
	case 2: return 4;
	case 4: return 8;
	}
	return 1;
}

/* enter: cmd (FLAGS16), type (FLAGS8: USRQUOTA 0 -> 1, GRPQUOTA 1 -> 2), id (UINT32, only for the
 * commands about one user or group), quota_fmt (FLAGS8, the id argument of Q_QUOTAON) */
ENTER_PROG(quotactl)
{
	struct ev e;
	__u64 raw = (__u32)ARG(0); /* the kernel's unsigned int: QCMD() of the Q_* commands is negative as an int */
	__u16 cmd = m_quota_cmd(raw);
	__u8 type = (raw & 0xff) == 0 ? 1 : (raw & 0xff) == 1 ? 2 : 0;
	__u64 id = ARG(2);
	if (ev_begin(&e, PPME_SYSCALL_QUOTACTL_E, 4))
		return 0;
	put_u16(&e, cmd);
	put_u8(&e, type);
	put_u32(&e, (cmd == 32 || cmd == 64 || cmd == 1024 || cmd == 2048) ? (__u32)id : 0);
	put_u8(&e, cmd == 1 ? m_quota_fmt(id) : 1);
	return ev_submit(&e);
}

/* exit: res, special (CHARBUF), quotafilepath (CHARBUF, Q_QUOTAON only), the if_dqblk fields its
 * valid mask announces (GETQUOTA/SETQUOTA), the if_dqinfo ones (GETINFO/SETINFO), and the format
 * read back for Q_GETFMT; zeros (and NOT_USED) otherwise */
EXIT_PROG(quotactl)
{
	struct ev e;
	__u16 cmd = m_quota_cmd((__u32)ARG(0));
	const void *addr = (void *)ARG(3);
	struct { __u64 bh, bs, cur, ih, is, curi, bt, it; __u32 valid; } dq = {};
	struct { __u64 bgrace, igrace; __u32 flags, valid; } di = {};
	__u32 fmt = 0;
	__u8 fmt_out = 1;
	if ((cmd == 32 || cmd == 64) && bpf_probe_read_user(&dq, sizeof(dq), addr))
		__builtin_memset(&dq, 0, sizeof(dq));
	if ((cmd == 8 || cmd == 16) && bpf_probe_read_user(&di, sizeof(di), addr))
		__builtin_memset(&di, 0, sizeof(di));
	if (cmd == 4 && !bpf_probe_read_user(&fmt, sizeof(fmt), addr))
		fmt_out = m_quota_fmt(fmt);
	if (ev_begin(&e, PPME_SYSCALL_QUOTACTL_X, 14))
		return 0;
	put_u64(&e, RET);
	put_user_str(&e, (void *)ARG(1), PATH_MAX_READ);
	if (cmd == 1) {
		put_user_str(&e, addr, PATH_MAX_READ);
	} else {
		e.a->data[e.pos & AUX_MASK] = 0;
		ev_len(&e, 1);
	}
	put_u64(&e, dq.valid & 1 ? dq.bh : 0);   /* QIF_BLIMITS */
	put_u64(&e, dq.valid & 1 ? dq.bs : 0);
	put_u64(&e, dq.valid & 2 ? dq.cur : 0);  /* QIF_SPACE */
	put_u64(&e, dq.valid & 4 ? dq.ih : 0);   /* QIF_ILIMITS */
	put_u64(&e, dq.valid & 4 ? dq.is : 0);
	put_u64(&e, dq.valid & 16 ? dq.bt : 0);  /* QIF_BTIME */
	put_u64(&e, dq.valid & 32 ? dq.it : 0);  /* QIF_ITIME */
	put_u64(&e, di.valid & 1 ? di.bgrace : 0); /* IIF_BGRACE */
	put_u64(&e, di.valid & 2 ? di.igrace : 0); /* IIF_IGRACE */
	put_u8(&e, di.valid & 4 ? (__u8)di.flags : 0); /* IIF_FLAGS */
	put_u8(&e, fmt_out);
	return ev_submit(&e);
}
