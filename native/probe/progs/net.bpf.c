// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/* Socket syscalls. Included by quarry.bpf.c. */

/* socket: enter domain (FLAGS32, PPM_AF_*), type (UINT32), proto (UINT32); exit fd */
ENTER_PROG(socket) { return ints_event(PPME_SOCKET_SOCKET_E, 3, family_to_ppm(ARG(0)), ARG(1), ARG(2), 4, 4, 4); }
EXIT_PROG(socket) { return res_event(PPME_SOCKET_SOCKET_X, RET); }

/* socketpair: enter as socket; exit res, fd1, fd2, source, peer (UINT64 socket pointers) */
ENTER_PROG(socketpair) { return ints_event(PPME_SOCKET_SOCKETPAIR_E, 3, family_to_ppm(ARG(0)), ARG(1), ARG(2), 4, 4, 4); }
EXIT_PROG(socketpair)
{
	struct ev e;
	int fds[2] = {-1, -1};
	__u64 src = 0, peer = 0;
	if (RET >= 0) {
		bpf_probe_read_user(fds, sizeof(fds), (void *)ARG(3));
		struct socket *s = fd_socket(fds[0]);
		struct sock *sk = s ? BPF_CORE_READ(s, sk) : NULL;
		src = (__u64)sk;
		if (sk)
			peer = (__u64)BPF_CORE_READ((struct unix_sock *)sk, peer);
	}
	if (ev_begin(&e, PPME_SOCKET_SOCKETPAIR_X, 5))
		return 0;
	put_u64(&e, RET);
	put_u64(&e, (__s64)fds[0]);
	put_u64(&e, (__s64)fds[1]);
	put_u64(&e, src);
	put_u64(&e, peer);
	return ev_submit(&e);
}

/* bind: enter fd; exit res (ERRNO), addr (SOCKADDR) */
ENTER_PROG(bind) { return ints_event(PPME_SOCKET_BIND_E, 1, FD0, 0, 0, 8, 0, 0); }
EXIT_PROG(bind)
{
	struct ev e;
	if (ev_begin(&e, PPME_SOCKET_BIND_X, 2))
		return 0;
	put_u64(&e, RET);
	put_sockaddr_user(&e, (void *)ARG(1), ARG(2));
	return ev_submit(&e);
}

/* connect: enter fd (FD), addr (SOCKADDR); exit res (ERRNO), tuple (SOCKTUPLE) */
ENTER_PROG(connect)
{
	struct ev e;
	if (ev_begin(&e, PPME_SOCKET_CONNECT_E, 2))
		return 0;
	put_u64(&e, FD0);
	put_sockaddr_user(&e, (void *)ARG(1), ARG(2));
	return ev_submit(&e);
}

EXIT_PROG(connect)
{
	struct ev e;
	__s64 res = RET;
	struct socket *s = fd_socket(FD0);
	if (ev_begin(&e, PPME_SOCKET_CONNECT_X, 2))
		return 0;
	put_u64(&e, res);
	/* a failed connect (other than in progress) has no meaningful tuple */
	if (res < 0 && res != -115)
		put_empty(&e);
	else
		put_socktuple(&e, s, 0, (void *)ARG(1), ARG(2));
	return ev_submit(&e);
}

/* listen: enter fd, backlog (UINT32); exit res */
ENTER_PROG(listen) { return ints_event(PPME_SOCKET_LISTEN_E, 2, FD0, ARG(1), 0, 8, 4, 0); }
EXIT_PROG(listen) { return res_event(PPME_SOCKET_LISTEN_X, RET); }

/* accept/accept4 exit: fd (FD), tuple (SOCKTUPLE), queuepct (UINT8), queuelen, queuemax (UINT32) */
static __always_inline int accept_exit(struct bpf_raw_tracepoint_args *ctx, __u16 type)
{
	struct ev e;
	__s64 fd = RET;
	struct socket *ns = fd >= 0 ? fd_socket(fd) : NULL;
	struct socket *ls = fd_socket(FD0);
	struct sock *lsk = ls ? BPF_CORE_READ(ls, sk) : NULL;
	__u32 qlen = 0, qmax = 0;
	if (lsk) {
		qlen = BPF_CORE_READ(lsk, sk_ack_backlog);
		qmax = BPF_CORE_READ(lsk, sk_max_ack_backlog);
	}
	if (ev_begin(&e, type, 5))
		return 0;
	put_u64(&e, fd);
	if (ns)
		put_socktuple(&e, ns, 1, NULL, 0);
	else
		put_empty(&e);
	put_u8(&e, qmax ? (__u8)(qlen * 100 / qmax) : 0);
	put_u32(&e, qlen);
	put_u32(&e, qmax);
	return ev_submit(&e);
}

ENTER_PROG(accept) { return empty_event(PPME_SOCKET_ACCEPT_5_E); }
EXIT_PROG(accept) { return accept_exit(ctx, PPME_SOCKET_ACCEPT_5_X); }
/* accept4 enter: flags (INT32), written as 0 like the real driver */
ENTER_PROG(accept4) { return ints_event(PPME_SOCKET_ACCEPT4_5_E, 1, 0, 0, 0, 4, 0, 0); }
EXIT_PROG(accept4) { return accept_exit(ctx, PPME_SOCKET_ACCEPT4_5_X); }

/* sendto: enter fd, size (UINT32), tuple; exit res, data */
ENTER_PROG(sendto)
{
	struct ev e;
	struct socket *s = fd_socket(FD0);
	if (ev_begin(&e, PPME_SOCKET_SENDTO_E, 3))
		return 0;
	put_u64(&e, FD0);
	put_u32(&e, ARG(2));
	put_socktuple(&e, s, 0, (void *)ARG(4), ARG(5));
	return ev_submit(&e);
}
EXIT_PROG(sendto) { return data_exit(ctx, PPME_SOCKET_SENDTO_X, 0); }

/* recvfrom: enter fd, size; exit res, data, tuple */
ENTER_PROG(recvfrom) { return ints_event(PPME_SOCKET_RECVFROM_E, 2, FD0, ARG(2), 0, 8, 4, 0); }
EXIT_PROG(recvfrom)
{
	struct ev e;
	__s64 res = RET;
	struct socket *s = fd_socket(FD0);
	void *uaddr = (void *)ARG(4);
	int ulen = 0;
	if (uaddr && ARG(5))
		bpf_probe_read_user(&ulen, sizeof(ulen), (void *)ARG(5));
	if (ev_begin(&e, PPME_SOCKET_RECVFROM_X, 3))
		return 0;
	put_u64(&e, res);
	if (res < 0)
		put_empty(&e);
	else
		put_user_buf(&e, (void *)ARG(1), snap(res));
	if (res < 0)
		put_empty(&e);
	else
		put_socktuple(&e, s, 1, uaddr, ulen);
	return ev_submit(&e);
}

/* sendmsg/recvmsg read the user msghdr for the iovecs and the optional address. */
ENTER_PROG(sendmsg)
{
	struct ev e;
	struct user_msghdr mh = {};
	bpf_probe_read_user(&mh, sizeof(mh), (void *)ARG(1));
	struct socket *s = fd_socket(FD0);
	__u32 size = iov_total(mh.msg_iov, mh.msg_iovlen);
	if (ev_begin(&e, PPME_SOCKET_SENDMSG_E, 3))
		return 0;
	/* fd (FD), size (UINT32), tuple (SOCKTUPLE) */
	put_u64(&e, FD0);
	put_u32(&e, size);
	put_socktuple(&e, s, 0, mh.msg_name, mh.msg_namelen);
	return ev_submit(&e);
}

EXIT_PROG(sendmsg)
{
	struct ev e;
	struct user_msghdr mh = {};
	bpf_probe_read_user(&mh, sizeof(mh), (void *)ARG(1));
	__u32 limit = snap(iov_total(mh.msg_iov, mh.msg_iovlen));
	if (ev_begin(&e, PPME_SOCKET_SENDMSG_X, 2))
		return 0;
	/* res (ERRNO), data (BYTEBUF) */
	put_u64(&e, RET);
	put_iov_data(&e, mh.msg_iov, mh.msg_iovlen, limit);
	return ev_submit(&e);
}

ENTER_PROG(recvmsg) { return ints_event(PPME_SOCKET_RECVMSG_E, 1, FD0, 0, 0, 8, 0, 0); }
EXIT_PROG(recvmsg)
{
	struct ev e;
	__s64 res = RET;
	struct user_msghdr mh = {};
	bpf_probe_read_user(&mh, sizeof(mh), (void *)ARG(1));
	struct socket *s = fd_socket(FD0);
	__u32 size = iov_total(mh.msg_iov, mh.msg_iovlen);
	if (ev_begin(&e, PPME_SOCKET_RECVMSG_X, 4))
		return 0;
	/* res (ERRNO), size (UINT32), data (BYTEBUF), tuple (SOCKTUPLE) */
	put_u64(&e, res);
	put_u32(&e, size);
	put_iov_data(&e, mh.msg_iov, mh.msg_iovlen, snap(res));
	if (res < 0)
		put_empty(&e);
	else
		put_socktuple(&e, s, 1, mh.msg_name, mh.msg_namelen);
	return ev_submit(&e);
}

/* shutdown: enter fd, how (FLAGS8, same values); exit res */
ENTER_PROG(shutdown) { return ints_event(PPME_SOCKET_SHUTDOWN_E, 2, FD0, ARG(1), 0, 8, 1, 0); }
EXIT_PROG(shutdown) { return res_event(PPME_SOCKET_SHUTDOWN_X, RET); }
