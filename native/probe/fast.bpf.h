/* SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0 */
/* Fast paths for the hottest syscalls, taken straight from the sys_enter/sys_exit dispatchers:
 * no tail call, no scratch map and no preemption toggling.
 *   enter: read, write (fd, size); pread64, pwrite64 (fd, size, pos)
 *   exit:  read, write, pread64, pwrite64 (res, data)
 * (close, readv enter, sendto exit and recvfrom enter were tried the same way: at most ~10 ns
 * less per run, within the noise of bench/progcost.sh, so they stay on the tail-called programs.)
 * Events of a fixed size are written in place into a ring reservation; the data exits are built
 * on the stack (header, res, up to FAST_SNAP data bytes) and copied to the ring with their exact
 * size. The registers are read straight from the tracepoint's pt_regs (see sc_arg). The bytes
 * are the same as the tail-called programs in progs/ write, which stay for the other cases (a
 * larger snaplen). */
#pragma once

#define FAST_SNAP 256 /* the exit fast path is used while snaplen fits the stack buffer */

/* x86_64 syscall numbers of the fast paths */
#define X86_NR_READ 0
#define X86_NR_WRITE 1
#define X86_NR_PREAD64 17
#define X86_NR_PWRITE64 18

#define ST8(p, off, v) (*(__u8 *)((__u8 *)(p) + (off)) = (v))
#define ST16(p, off, v) (*(__u16 *)((__u8 *)(p) + (off)) = (v))
#define ST32(p, off, v) (*(__u32 *)((__u8 *)(p) + (off)) = (v))
#define ST64(p, off, v) (*(__u64 *)((__u8 *)(p) + (off)) = (v))

static __always_inline void fast_header(void *p, __u16 type, __u32 len, __u32 nparams, __u64 pid_tgid)
{
	ST64(p, 0, boot_epoch_ns + bpf_ktime_get_boot_ns());
	ST64(p, 8, pid_tgid & 0xffffffff);
	ST32(p, 16, len);
	ST16(p, 20, type);
	ST32(p, 22, nparams);
}

static __always_inline void count_drop(struct cpu_counters *c)
{
	if (c)
		__sync_fetch_and_add(&c->n_drops_buffer, 1);
}

/* The counters are per CPU and BPF programs do not migrate; a plain add is enough on kernels
 * without full preemption, and costs far less than a locked one. */
static __always_inline void count_event(struct cpu_counters *c)
{
	if (c) {
		c->n_evts++;
		c->n_fast++;
	}
}

/* A reservation of `len` (a constant) bytes in this CPU's ring, header written; NULL if full. */
static __always_inline __u8 *fast_reserve(__u32 len, __u16 type, __u32 nparams, __u64 pid_tgid, struct cpu_counters **c)
{
	__u32 cpu = bpf_get_smp_processor_id();
	*c = this_counters();
	void *ring = bpf_map_lookup_elem(&rings, &cpu);
	__u8 *p = ring ? bpf_ringbuf_reserve(ring, len, 0) : NULL;
	if (!p) {
		count_drop(*c);
		return NULL;
	}
	fast_header(p, type, len, nparams, pid_tgid);
	return p;
}

static __always_inline void fast_submit(__u8 *p, struct cpu_counters *c)
{
	bpf_ringbuf_submit(p, BPF_RB_NO_WAKEUP);
	count_event(c);
}

/* fd (FD, 8 bytes), size (UINT32): read/write enter. */
#define FD_SIZE_LEN (HDR_LEN + 2 * 2 + 8 + 4)

static __always_inline int fast_fd_size(__u16 type, struct pt_regs *regs, __u64 pid_tgid)
{
	struct cpu_counters *c;
	__u8 *p = fast_reserve(FD_SIZE_LEN, type, 2, pid_tgid, &c);
	if (!p)
		return 0;
	ST16(p, HDR_LEN, 8);
	ST16(p, HDR_LEN + 2, 4);
	ST64(p, HDR_LEN + 4, (__s64)(int)regs->di);
	ST32(p, HDR_LEN + 12, (__u32)regs->dx);
	fast_submit(p, c);
	return 0;
}

/* fd (FD), size (UINT32), pos (UINT64): pread64/pwrite64 enter. */
#define FD_SIZE_POS_LEN (HDR_LEN + 3 * 2 + 8 + 4 + 8)

static __always_inline int fast_fd_size_pos(__u16 type, struct pt_regs *regs, __u64 pid_tgid)
{
	struct cpu_counters *c;
	__u64 pos = regs->r10;
	__u8 *p = fast_reserve(FD_SIZE_POS_LEN, type, 3, pid_tgid, &c);
	if (!p)
		return 0;
	ST16(p, HDR_LEN, 8);
	ST16(p, HDR_LEN + 2, 4);
	ST16(p, HDR_LEN + 4, 8);
	ST64(p, HDR_LEN + 6, (__s64)(int)regs->di);
	ST32(p, HDR_LEN + 14, (__u32)regs->dx);
	ST64(p, HDR_LEN + 18, pos);
	fast_submit(p, c);
	return 0;
}

/* res (ERRNO), data (BYTEBUF): reads show res bytes, writes the buffer given. */
#define DATA_X_HDR (HDR_LEN + 2 * 2 + 8)

/* The stack only takes aligned stores: the 38-byte prefix is built as five u64 words.
 * bytes 0-7 ts | 8-15 tid | 16-19 len, 20-21 type, 22-23 nparams (low) | 24-25 nparams (high),
 * 26-27 len(res), 28-29 len(data), 30-31 res (low) | 32-37 res (high), 38.. data */
struct data_x_buf {
	__u64 w[(DATA_X_HDR + FAST_SNAP + 7) / 8];
};

static __always_inline int fast_data_exit(__u16 type, int is_read, __s64 res, struct pt_regs *regs, __u64 pid_tgid)
{
	struct data_x_buf buf;
	__s64 want = is_read ? res : (__s64)regs->dx;
	__u32 n = 0;
	if (want > 0)
		n = want > snaplen ? snaplen : (__u32)want;
	if (n > FAST_SNAP)
		n = FAST_SNAP;
	buf.w[0] = boot_epoch_ns + bpf_ktime_get_boot_ns();
	buf.w[1] = pid_tgid & 0xffffffff;
	buf.w[4] = (__u64)res >> 16; /* bytes 38, 39 are overwritten by the data below */
	if (n && bpf_probe_read_user((__u8 *)buf.w + DATA_X_HDR, n, (void *)regs->si))
		n = 0;
	__u32 len = DATA_X_HDR + n;
	buf.w[2] = len | (__u64)type << 32 | (__u64)2 << 48;
	buf.w[3] = (__u64)8 << 16 | (__u64)n << 32 | (__u64)res << 48;
	__u32 cpu = bpf_get_smp_processor_id();
	struct cpu_counters *c = this_counters();
	void *ring = bpf_map_lookup_elem(&rings, &cpu);
	if (!ring || len > sizeof(buf) || bpf_ringbuf_output(ring, &buf, len, BPF_RB_NO_WAKEUP)) {
		count_drop(c);
		return 0;
	}
	count_event(c);
	return 0;
}

/* The enter event of syscall id if it has a fast path: 0 when written (or dropped), -1 if the
 * caller must take the generic path. */
static __always_inline int fast_enter(long id, struct pt_regs *regs, __u64 pid_tgid)
{
	if (!fast_paths)
		return -1;
	switch (id) {
	case X86_NR_READ: return fast_fd_size(PPME_SYSCALL_READ_E, regs, pid_tgid);
	case X86_NR_WRITE: return fast_fd_size(PPME_SYSCALL_WRITE_E, regs, pid_tgid);
	case X86_NR_PREAD64: return fast_fd_size_pos(PPME_SYSCALL_PREAD_E, regs, pid_tgid);
	case X86_NR_PWRITE64: return fast_fd_size_pos(PPME_SYSCALL_PWRITE_E, regs, pid_tgid);
	}
	return -1;
}

/* The same for exits. */
static __always_inline int fast_exit(long id, __s64 res, struct pt_regs *regs, __u64 pid_tgid)
{
	if (!fast_paths)
		return -1;
	if (snaplen > FAST_SNAP)
		return -1;
	switch (id) {
	case X86_NR_READ: return fast_data_exit(PPME_SYSCALL_READ_X, 1, res, regs, pid_tgid);
	case X86_NR_WRITE: return fast_data_exit(PPME_SYSCALL_WRITE_X, 0, res, regs, pid_tgid);
	case X86_NR_PREAD64: return fast_data_exit(PPME_SYSCALL_PREAD_X, 1, res, regs, pid_tgid);
	case X86_NR_PWRITE64: return fast_data_exit(PPME_SYSCALL_PWRITE_X, 0, res, regs, pid_tgid);
	}
	return -1;
}
