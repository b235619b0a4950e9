/* SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0 */
/* SOCKADDR and SOCKTUPLE parameters.
 *
 * SOCKADDR: family u8 (PPM_AF_*), then INET: addr[4] (network order) port u16 (host order);
 *           INET6: addr[16] port u16; UNIX: path with its NUL.
 * SOCKTUPLE: family u8, then INET: sip[4] sport u16 dip[4] dport u16 (13 B);
 *            INET6: sip[16] sport dip[16] dport (37 B); UNIX: src u64, dst u64 (kernel socket
 *            pointers), path. "Source" is the local end for outbound calls and the peer for inbound. */
#pragma once

#define K_AF_UNIX 1
#define K_AF_INET 2
#define K_AF_INET6 10

/* Scratch room after the 64 KiB event window, for copies of user sockaddrs. */
#define SCRATCH_OFF (AUX_MASK + 1)

static __always_inline __u16 bswap16(__u16 v)
{
	return (v >> 8) | (v << 8);
}

/* Copies a user sockaddr into the scratch area; returns its family (0 on failure). */
static __always_inline __u16 read_user_sockaddr(struct ev *e, const void *uaddr, __u64 ulen)
{
	__u8 *s = &e->a->data[SCRATCH_OFF];
	if (!uaddr || ulen < 2)
		return 0;
	__u32 n = ulen > 128 ? 128 : (__u32)ulen;
	/* keep the bound visible to the verifier after clang's range reasoning */
	asm volatile("%[n] &= 0xff" : [n] "+r"(n));
	__u64 *z = (__u64 *)s;
	for (int i = 0; i < 17; i++)
		z[i] = 0;
	if (bpf_probe_read_user(s, n, uaddr))
		return 0;
	return *(__u16 *)s;
}

static __always_inline void put_sockaddr_user(struct ev *e, const void *uaddr, __u64 ulen)
{
	__u16 fam = read_user_sockaddr(e, uaddr, ulen);
	__u8 *s = &e->a->data[SCRATCH_OFF];
	__u8 *d = &e->a->data[e->pos & AUX_MASK];
	switch (fam) {
	case K_AF_INET:
		d[0] = PPM_AF_INET;
		__builtin_memcpy(d + 1, s + 4, 4);
		*(__u16 *)(d + 5) = bswap16(*(__u16 *)(s + 2));
		ev_len(e, 7);
		return;
	case K_AF_INET6:
		d[0] = PPM_AF_INET6;
		__builtin_memcpy(d + 1, s + 8, 16);
		*(__u16 *)(d + 17) = bswap16(*(__u16 *)(s + 2));
		ev_len(e, 19);
		return;
	case K_AF_UNIX: {
		d[0] = PPM_AF_UNIX;
		/* abstract sockets start with a NUL: skip it, as the real driver does */
		const __u8 *p = s + 2;
		if (p[0] == 0)
			p++;
		long n = bpf_probe_read_kernel_str(d + 1, 108, p);
		ev_len(e, 1 + (n > 0 ? n : 0));
		return;
	}
	}
	ev_len(e, 0);
}

static __always_inline void put_unix_path(struct ev *e, __u8 *d, struct unix_sock *us, __u32 *len)
{
	struct unix_address *ua = BPF_CORE_READ(us, addr);
	long n = 0;
	if (ua) {
		char *p = (char *)ua + bpf_core_field_offset(struct unix_address, name) +
			  bpf_core_field_offset(struct sockaddr_un, sun_path);
		char first = 0;
		bpf_probe_read_kernel(&first, 1, p);
		if (first == 0)
			p++;
		n = bpf_probe_read_kernel_str(d, 108, p);
	}
	if (n <= 0) {
		d[0] = 0;
		n = 1;
	}
	*len += n;
}

/* Tuple of a socket. uaddr (user sockaddr) fills in the remote end when the socket has none,
 * as for unconnected UDP sendto/recvfrom. */
static __always_inline void put_socktuple(struct ev *e, struct socket *sock, int inbound,
					  const void *uaddr, __u64 ulen)
{
	struct sock *sk = sock ? BPF_CORE_READ(sock, sk) : NULL;
	if (!sk) {
		ev_len(e, 0);
		return;
	}
	__u16 fam = BPF_CORE_READ(sk, __sk_common.skc_family);
	__u8 *d = &e->a->data[e->pos & AUX_MASK];
	if (fam == K_AF_INET) {
		__u32 lip = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__u16 lport = BPF_CORE_READ(sk, __sk_common.skc_num);
		__u32 rip = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		__u16 rport = bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
		if (rip == 0 && rport == 0 && read_user_sockaddr(e, uaddr, ulen) == K_AF_INET) {
			__u8 *s = &e->a->data[SCRATCH_OFF];
			rip = *(__u32 *)(s + 4);
			rport = bswap16(*(__u16 *)(s + 2));
		}
		d[0] = PPM_AF_INET;
		if (inbound) {
			*(__u32 *)(d + 1) = rip; *(__u16 *)(d + 5) = rport;
			*(__u32 *)(d + 7) = lip; *(__u16 *)(d + 11) = lport;
		} else {
			*(__u32 *)(d + 1) = lip; *(__u16 *)(d + 5) = lport;
			*(__u32 *)(d + 7) = rip; *(__u16 *)(d + 11) = rport;
		}
		ev_len(e, 13);
	} else if (fam == K_AF_INET6) {
		struct in6_addr lip = BPF_CORE_READ(sk, __sk_common.skc_v6_rcv_saddr);
		struct in6_addr rip = BPF_CORE_READ(sk, __sk_common.skc_v6_daddr);
		__u16 lport = BPF_CORE_READ(sk, __sk_common.skc_num);
		__u16 rport = bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
		d[0] = PPM_AF_INET6;
		if (inbound) {
			__builtin_memcpy(d + 1, &rip, 16); *(__u16 *)(d + 17) = rport;
			__builtin_memcpy(d + 19, &lip, 16); *(__u16 *)(d + 35) = lport;
		} else {
			__builtin_memcpy(d + 1, &lip, 16); *(__u16 *)(d + 17) = lport;
			__builtin_memcpy(d + 19, &rip, 16); *(__u16 *)(d + 35) = rport;
		}
		ev_len(e, 37);
	} else if (fam == K_AF_UNIX) {
		struct unix_sock *us = (struct unix_sock *)sk;
		struct sock *peer = BPF_CORE_READ(us, peer);
		__u64 self = (__u64)sk, other = (__u64)peer;
		__u32 len = 17;
		d[0] = PPM_AF_UNIX;
		if (inbound) {
			*(__u64 *)(d + 1) = self; *(__u64 *)(d + 9) = other;
			put_unix_path(e, d + 17, us, &len);
		} else {
			*(__u64 *)(d + 1) = other; *(__u64 *)(d + 9) = self;
			if (peer)
				put_unix_path(e, d + 17, (struct unix_sock *)peer, &len);
			else
				put_unix_path(e, d + 17, us, &len);
		}
		ev_len(e, len);
	} else {
		ev_len(e, 0);
	}
}
