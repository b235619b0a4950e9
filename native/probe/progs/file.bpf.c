// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/* File syscalls: open family, close, stat family, chdir, unlink. Included by quarry.bpf.c. */

#define PATH_MAX_READ 4096

ENTER_PROG(open)
{
	struct ev e;
	__u64 flags = ARG(1);
	if (ev_begin(&e, PPME_SYSCALL_OPEN_E, 3))
		return 0;
	/* param 1: name (FSPATH) */
	put_user_str(&e, (void *)ARG(0), PATH_MAX_READ);
	/* param 2: flags (FLAGS32, PPM_O_*) */
	put_u32(&e, open_flags_to_ppm(flags));
	/* param 3: mode (UINT32, PPM_S_*) */
	put_u32(&e, open_mode_to_ppm(flags, ARG(2)));
	return ev_submit(&e);
}

EXIT_PROG(open)
{
	struct ev e;
	__s64 fd = RET;
	__u64 flags = ARG(1);
	__u32 dev = fd >= 0 ? fd_dev(fd, NULL) : 0;
	if (ev_begin(&e, PPME_SYSCALL_OPEN_X, 5))
		return 0;
	/* param 1: fd (FD) */
	put_u64(&e, fd);
	/* param 2: name (FSPATH) */
	put_user_str(&e, (void *)ARG(0), PATH_MAX_READ);
	/* param 3: flags (FLAGS32) */
	put_u32(&e, open_flags_to_ppm(flags));
	/* param 4: mode (UINT32) */
	put_u32(&e, open_mode_to_ppm(flags, ARG(2)));
	/* param 5: dev (UINT32) */
	put_u32(&e, dev);
	return ev_submit(&e);
}

ENTER_PROG(creat)
{
	struct ev e;
	if (ev_begin(&e, PPME_SYSCALL_CREAT_E, 2))
		return 0;
	/* param 1: name (FSPATH) */
	put_user_str(&e, (void *)ARG(0), PATH_MAX_READ);
	/* param 2: mode (UINT32): creat() is open(O_CREAT|O_WRONLY|O_TRUNC) */
	put_u32(&e, open_mode_to_ppm(K_O_CREAT, ARG(1)));
	return ev_submit(&e);
}

EXIT_PROG(creat)
{
	struct ev e;
	__s64 fd = RET;
	__u32 dev = fd >= 0 ? fd_dev(fd, NULL) : 0;
	if (ev_begin(&e, PPME_SYSCALL_CREAT_X, 4))
		return 0;
	/* param 1: fd (FD) */
	put_u64(&e, fd);
	/* param 2: name (FSPATH) */
	put_user_str(&e, (void *)ARG(0), PATH_MAX_READ);
	/* param 3: mode (UINT32) */
	put_u32(&e, open_mode_to_ppm(K_O_CREAT, ARG(1)));
	/* param 4: dev (UINT32) */
	put_u32(&e, dev);
	return ev_submit(&e);
}

ENTER_PROG(openat)
{
	struct ev e;
	__u64 flags = ARG(2);
	if (ev_begin(&e, PPME_SYSCALL_OPENAT_2_E, 4))
		return 0;
	/* param 1: dirfd (FD); AT_FDCWD is -100 in both encodings */
	put_u64(&e, (__s64)(int)ARG(0));
	/* param 2: name (FSRELPATH) */
	put_user_str(&e, (void *)ARG(1), PATH_MAX_READ);
	/* param 3: flags (FLAGS32) */
	put_u32(&e, open_flags_to_ppm(flags));
	/* param 4: mode (UINT32) */
	put_u32(&e, open_mode_to_ppm(flags, ARG(3)));
	return ev_submit(&e);
}

EXIT_PROG(openat)
{
	struct ev e;
	__s64 fd = RET;
	__u64 flags = ARG(2);
	__u32 dev = fd >= 0 ? fd_dev(fd, NULL) : 0;
	if (ev_begin(&e, PPME_SYSCALL_OPENAT_2_X, 6))
		return 0;
	/* param 1: fd (FD) */
	put_u64(&e, fd);
	/* param 2: dirfd (FD) */
	put_u64(&e, (__s64)(int)ARG(0));
	/* param 3: name (FSRELPATH) */
	put_user_str(&e, (void *)ARG(1), PATH_MAX_READ);
	/* param 4: flags (FLAGS32) */
	put_u32(&e, open_flags_to_ppm(flags));
	/* param 5: mode (UINT32) */
	put_u32(&e, open_mode_to_ppm(flags, ARG(3)));
	/* param 6: dev (UINT32) */
	put_u32(&e, dev);
	return ev_submit(&e);
}

static __always_inline __u32 resolve_to_ppm(__u64 r)
{
	__u32 p = 0;
	if (r & 0x08) p |= 1 << 0; /* BENEATH */
	if (r & 0x10) p |= 1 << 1; /* IN_ROOT */
	if (r & 0x02) p |= 1 << 2; /* NO_MAGICLINKS */
	if (r & 0x04) p |= 1 << 3; /* NO_SYMLINKS */
	if (r & 0x01) p |= 1 << 4; /* NO_XDEV */
	if (r & 0x20) p |= 1 << 5; /* CACHED */
	return p;
}

static __always_inline int openat2_event(struct bpf_raw_tracepoint_args *ctx, int enter)
{
	struct ev e;
	struct open_how how = {};
	bpf_probe_read_user(&how, sizeof(how), (void *)ARG(2));
	__s64 fd = RET;
	if (ev_begin(&e, enter ? PPME_SYSCALL_OPENAT2_E : PPME_SYSCALL_OPENAT2_X, enter ? 5 : 6))
		return 0;
	/* exit param 1: fd (FD) */
	if (!enter)
		put_u64(&e, fd);
	/* dirfd (FD), name (FSRELPATH), flags (FLAGS32), mode (UINT32), resolve (FLAGS32) */
	put_u64(&e, (__s64)(int)ARG(0));
	put_user_str(&e, (void *)ARG(1), PATH_MAX_READ);
	put_u32(&e, open_flags_to_ppm(how.flags));
	put_u32(&e, open_mode_to_ppm(how.flags, how.mode));
	put_u32(&e, resolve_to_ppm(how.resolve));
	return ev_submit(&e);
}

ENTER_PROG(openat2) { return openat2_event(ctx, 1); }
EXIT_PROG(openat2) { return openat2_event(ctx, 0); }

/* param 1: fd (FD) */
ENTER_PROG(close) { return ints_event(PPME_SYSCALL_CLOSE_E, 1, (__s64)(int)ARG(0), 0, 0, 8, 0, 0); }
/* param 1: res (ERRNO) */
EXIT_PROG(close) { return res_event(PPME_SYSCALL_CLOSE_X, RET); }

/* stat/lstat: no enter params; exit: res (ERRNO), path (FSPATH) */
static __always_inline int res_path_event(struct bpf_raw_tracepoint_args *ctx, __u16 type, int argn)
{
	struct ev e;
	if (ev_begin(&e, type, 2))
		return 0;
	put_u64(&e, RET);
	put_user_str(&e, (void *)ARG(argn), PATH_MAX_READ);
	return ev_submit(&e);
}

ENTER_PROG(stat) { return empty_event(PPME_SYSCALL_STAT_E); }
EXIT_PROG(stat) { return res_path_event(ctx, PPME_SYSCALL_STAT_X, 0); }
ENTER_PROG(lstat) { return empty_event(PPME_SYSCALL_LSTAT_E); }
EXIT_PROG(lstat) { return res_path_event(ctx, PPME_SYSCALL_LSTAT_X, 0); }
ENTER_PROG(fstat) { return ints_event(PPME_SYSCALL_FSTAT_E, 1, (__s64)(int)ARG(0), 0, 0, 8, 0, 0); }
EXIT_PROG(fstat) { return res_event(PPME_SYSCALL_FSTAT_X, RET); }

/* chdir: exit res (ERRNO), path (CHARBUF) */
ENTER_PROG(chdir) { return empty_event(PPME_SYSCALL_CHDIR_E); }
EXIT_PROG(chdir) { return res_path_event(ctx, PPME_SYSCALL_CHDIR_X, 0); }
ENTER_PROG(fchdir) { return ints_event(PPME_SYSCALL_FCHDIR_E, 1, (__s64)(int)ARG(0), 0, 0, 8, 0, 0); }
EXIT_PROG(fchdir) { return res_event(PPME_SYSCALL_FCHDIR_X, RET); }

ENTER_PROG(unlink) { return empty_event(PPME_SYSCALL_UNLINK_2_E); }
EXIT_PROG(unlink) { return res_path_event(ctx, PPME_SYSCALL_UNLINK_2_X, 0); }
ENTER_PROG(unlinkat) { return empty_event(PPME_SYSCALL_UNLINKAT_2_E); }

EXIT_PROG(unlinkat)
{
	struct ev e;
	if (ev_begin(&e, PPME_SYSCALL_UNLINKAT_2_X, 4))
		return 0;
	/* param 1: res (ERRNO) */
	put_u64(&e, RET);
	/* param 2: dirfd (FD) */
	put_u64(&e, (__s64)(int)ARG(0));
	/* param 3: name (FSRELPATH) */
	put_user_str(&e, (void *)ARG(1), PATH_MAX_READ);
	/* param 4: flags (FLAGS32): AT_REMOVEDIR has the same value in both encodings */
	put_u32(&e, ARG(2) & 0x200);
	return ev_submit(&e);
}
