// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/* I/O and fd syscalls: read/write family, vectors, dup, pipe, fcntl, ioctl, lseek, poll, epoll,
 * eventfd. Included by quarry.bpf.c. */

#define MAX_IOVS 16

static __always_inline __u32 snap(__s64 n)
{
	if (n <= 0)
		return 0;
	return n > snaplen ? snaplen : (__u32)n;
}

#define FD0 ((__s64)(int)ARG(0))

/* read/write: enter fd (FD), size (UINT32) */
ENTER_PROG(read) { return ints_event(PPME_SYSCALL_READ_E, 2, FD0, ARG(2), 0, 8, 4, 0); }
ENTER_PROG(write) { return ints_event(PPME_SYSCALL_WRITE_E, 2, FD0, ARG(2), 0, 8, 4, 0); }
/* pread/pwrite: enter fd (FD), size (UINT32), pos (UINT64) */
ENTER_PROG(pread64) { return ints_event(PPME_SYSCALL_PREAD_E, 3, FD0, ARG(2), ARG(3), 8, 4, 8); }
ENTER_PROG(pwrite64) { return ints_event(PPME_SYSCALL_PWRITE_E, 3, FD0, ARG(2), ARG(3), 8, 4, 8); }

/* Exit: res (ERRNO), data (BYTEBUF). Reads return res bytes; writes show the buffer given. */
static __always_inline int data_exit(struct bpf_raw_tracepoint_args *ctx, __u16 type, int is_read)
{
	struct ev e;
	__s64 res = RET;
	__u32 n = is_read ? snap(res) : snap(ARG(2));
	if (ev_begin(&e, type, 2))
		return 0;
	/* param 1: res (ERRNO) */
	put_u64(&e, res);
	/* param 2: data (BYTEBUF) */
	if (is_read && res < 0)
		put_empty(&e);
	else
		put_user_buf(&e, (void *)ARG(1), n);
	return ev_submit(&e);
}

EXIT_PROG(read) { return data_exit(ctx, PPME_SYSCALL_READ_X, 1); }
EXIT_PROG(write) { return data_exit(ctx, PPME_SYSCALL_WRITE_X, 0); }
EXIT_PROG(pread64) { return data_exit(ctx, PPME_SYSCALL_PREAD_X, 1); }
EXIT_PROG(pwrite64) { return data_exit(ctx, PPME_SYSCALL_PWRITE_X, 0); }

/* Sum of the iovec lengths. */
static __always_inline __u64 iov_total(const struct iovec *uiov, __u64 cnt)
{
	__u64 total = 0;
	for (int i = 0; i < MAX_IOVS; i++) {
		if (i >= cnt)
			break;
		struct iovec v = {};
		if (bpf_probe_read_user(&v, sizeof(v), &uiov[i]))
			break;
		total += v.iov_len;
	}
	return total;
}

/* Copies up to `limit` bytes gathered from the iovecs into the event as one BYTEBUF. */
static __always_inline void put_iov_data(struct ev *e, const struct iovec *uiov, __u64 cnt, __u32 limit)
{
	__u32 done = 0;
	for (int i = 0; i < MAX_IOVS; i++) {
		if (i >= cnt || done >= limit)
			break;
		struct iovec v = {};
		if (bpf_probe_read_user(&v, sizeof(v), &uiov[i]))
			break;
		__u32 want = limit - done;
		if (v.iov_len < want)
			want = v.iov_len;
		want &= AUX_MASK;
		if (want && bpf_probe_read_user(&e->a->data[(e->pos + done) & AUX_MASK], want, v.iov_base))
			break;
		done += want;
	}
	ev_len(e, done);
}

/* readv: enter fd; exit res, size (UINT32), data */
ENTER_PROG(readv) { return ints_event(PPME_SYSCALL_READV_E, 1, FD0, 0, 0, 8, 0, 0); }
/* exit of readv and preadv (type): res, size (UINT32), data */
static __always_inline int readv_exit(struct bpf_raw_tracepoint_args *ctx, __u16 type)
{
	struct ev e;
	__s64 res = RET;
	const struct iovec *iov = (void *)ARG(1);
	__u64 cnt = ARG(2);
	__u32 size = iov_total(iov, cnt);
	if (ev_begin(&e, type, 3))
		return 0;
	/* param 1: res (ERRNO) */
	put_u64(&e, res);
	/* param 2: size (UINT32) */
	put_u32(&e, size);
	/* param 3: data (BYTEBUF) */
	put_iov_data(&e, iov, cnt, snap(res));
	return ev_submit(&e);
}
EXIT_PROG(readv) { return readv_exit(ctx, PPME_SYSCALL_READV_X); }

/* writev: enter fd, size; exit res, data */
ENTER_PROG(writev)
{
	return ints_event(PPME_SYSCALL_WRITEV_E, 2, FD0, iov_total((void *)ARG(1), ARG(2)), 0, 8, 4, 0);
}
/* exit of writev and pwritev (type): res, data */
static __always_inline int writev_exit(struct bpf_raw_tracepoint_args *ctx, __u16 type)
{
	struct ev e;
	const struct iovec *iov = (void *)ARG(1);
	__u64 cnt = ARG(2);
	__u32 limit = snap(iov_total(iov, cnt));
	if (ev_begin(&e, type, 2))
		return 0;
	/* param 1: res (ERRNO) */
	put_u64(&e, RET);
	/* param 2: data (BYTEBUF) */
	put_iov_data(&e, iov, cnt, limit);
	return ev_submit(&e);
}
EXIT_PROG(writev) { return writev_exit(ctx, PPME_SYSCALL_WRITEV_X); }

/* lseek: enter fd, offset (UINT64), whence (FLAGS8, same values); exit res */
ENTER_PROG(lseek) { return ints_event(PPME_SYSCALL_LSEEK_E, 3, FD0, ARG(1), ARG(2), 8, 8, 1); }
EXIT_PROG(lseek) { return res_event(PPME_SYSCALL_LSEEK_X, RET); }

/* dup/dup2/dup3 share one layout: enter fd (the old fd); exit res (FD) */
ENTER_PROG(dup) { return ints_event(PPME_SYSCALL_DUP_E, 1, FD0, 0, 0, 8, 0, 0); }
EXIT_PROG(dup) { return res_event(PPME_SYSCALL_DUP_X, RET); }

/* pipe/pipe2: no enter params; exit res (ERRNO), fd1, fd2 (FD), ino (UINT64) */
ENTER_PROG(pipe) { return empty_event(PPME_SYSCALL_PIPE_E); }
EXIT_PROG(pipe)
{
	struct ev e;
	int fds[2] = {-1, -1};
	__u64 ino = 0;
	bpf_probe_read_user(fds, sizeof(fds), (void *)ARG(0));
	if (RET >= 0)
		fd_dev(fds[0], &ino);
	if (ev_begin(&e, PPME_SYSCALL_PIPE_X, 4))
		return 0;
	put_u64(&e, RET);
	put_u64(&e, (__s64)fds[0]);
	put_u64(&e, (__s64)fds[1]);
	put_u64(&e, ino);
	return ev_submit(&e);
}

/* fcntl: enter fd, cmd (FLAGS8, PPM_FCNTL_*); exit res (FD) */
ENTER_PROG(fcntl) { return ints_event(PPME_SYSCALL_FCNTL_E, 2, FD0, fcntl_cmd_to_ppm(ARG(1)), 0, 8, 1, 0); }
EXIT_PROG(fcntl) { return res_event(PPME_SYSCALL_FCNTL_X, RET); }

/* ioctl: enter fd, request (UINT64), argument (UINT64); exit res */
ENTER_PROG(ioctl) { return ints_event(PPME_SYSCALL_IOCTL_3_E, 3, FD0, ARG(1), ARG(2), 8, 8, 8); }
EXIT_PROG(ioctl) { return res_event(PPME_SYSCALL_IOCTL_3_X, RET); }

/* epoll_wait: enter maxevents (ERRNO); exit res */
ENTER_PROG(epoll_wait) { return ints_event(PPME_SYSCALL_EPOLLWAIT_E, 1, (__s64)(int)ARG(2), 0, 0, 8, 0, 0); }
EXIT_PROG(epoll_wait) { return res_event(PPME_SYSCALL_EPOLLWAIT_X, RET); }

/* eventfd/eventfd2: enter initval (UINT64), flags (FLAGS32, not decoded by the real driver either);
 * exit res (FD) */
ENTER_PROG(eventfd) { return ints_event(PPME_SYSCALL_EVENTFD_E, 2, ARG(0), 0, 0, 8, 4, 0); }
EXIT_PROG(eventfd) { return res_event(PPME_SYSCALL_EVENTFD_X, RET); }

/* FDLIST: u16 count, then per entry fd (u64) and flags (u16). Enter shows events, exit revents. */
#define MAX_POLLFDS 16
static __always_inline void put_fdlist(struct ev *e, const struct pollfd *ufds, __u64 nfds, int revents)
{
	__u16 n = 0;
	__u8 *d = &e->a->data[e->pos & AUX_MASK];
	for (int i = 0; i < MAX_POLLFDS; i++) {
		if (i >= nfds)
			break;
		struct pollfd p = {};
		if (bpf_probe_read_user(&p, sizeof(p), &ufds[i]))
			break;
		*(__u64 *)(d + 2 + 10 * i) = (__s64)p.fd;
		*(__u16 *)(d + 10 + 10 * i) = poll_events_to_ppm(revents ? p.revents : p.events);
		n++;
	}
	*(__u16 *)d = n;
	ev_len(e, 2 + 10 * n);
}

ENTER_PROG(poll)
{
	struct ev e;
	if (ev_begin(&e, PPME_SYSCALL_POLL_E, 2))
		return 0;
	/* param 1: fds (FDLIST) */
	put_fdlist(&e, (void *)ARG(0), ARG(1), 0);
	/* param 2: timeout (INT64) */
	put_u64(&e, (__s64)(int)ARG(2));
	return ev_submit(&e);
}

EXIT_PROG(poll)
{
	struct ev e;
	if (ev_begin(&e, PPME_SYSCALL_POLL_X, 2))
		return 0;
	/* param 1: res (ERRNO) */
	put_u64(&e, RET);
	/* param 2: fds (FDLIST) */
	put_fdlist(&e, (void *)ARG(0), ARG(1), 1);
	return ev_submit(&e);
}
