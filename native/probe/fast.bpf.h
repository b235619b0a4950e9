/* SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0 */
/* Fast paths for the hottest syscalls (read/write), taken straight from the sys_enter/sys_exit
 * dispatchers: no tail call, no scratch map and no preemption toggling. The enter event has a
 * fixed size and is written in place into a ring reservation; the exit event is built on the
 * stack (header, res, up to FAST_SNAP data bytes) and copied to the ring with its exact size.
 * The saved user registers are read with one probe read (dx, si, di and orig_ax are contiguous
 * in x86's pt_regs). Same bytes as the generic fillers in progs/io.bpf.c. */
#pragma once

#define FAST_SNAP 256 /* the exit fast path is used while snaplen fits the stack buffer */
#define X86_NR_READ 0
#define X86_NR_WRITE 1

/* The tail of x86's pt_regs: syscall args 2, 1, 0 and the syscall number. */
struct regs_tail {
	__u64 dx, si, di, orig_ax;
};

static __always_inline int regs_tail_contiguous(void)
{
	return bpf_core_field_offset(struct pt_regs, si) == bpf_core_field_offset(struct pt_regs, dx) + 8 &&
	       bpf_core_field_offset(struct pt_regs, di) == bpf_core_field_offset(struct pt_regs, dx) + 16 &&
	       bpf_core_field_offset(struct pt_regs, orig_ax) == bpf_core_field_offset(struct pt_regs, dx) + 24;
}

static __always_inline int read_regs_tail(struct pt_regs *regs, struct regs_tail *r)
{
	return bpf_probe_read_kernel(r, sizeof(*r), (void *)regs + bpf_core_field_offset(struct pt_regs, dx));
}

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
	if (c)
		c->n_evts++;
}

/* read/write enter: fd (FD, 8 bytes), size (UINT32). */
#define RW_E_LEN (HDR_LEN + 2 * 2 + 8 + 4)

static __always_inline int fast_rw_enter(__u16 type, struct regs_tail *r, __u64 pid_tgid)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct cpu_counters *c = this_counters(cpu);
	void *ring = bpf_map_lookup_elem(&rings, &cpu);
	if (!ring) {
		count_drop(c);
		return 0;
	}
	__u8 *p = bpf_ringbuf_reserve(ring, RW_E_LEN, 0);
	if (!p) {
		count_drop(c);
		return 0;
	}
	fast_header(p, type, RW_E_LEN, 2, pid_tgid);
	ST16(p, HDR_LEN, 8);
	ST16(p, HDR_LEN + 2, 4);
	ST64(p, HDR_LEN + 4, (__s64)(int)r->di);
	ST32(p, HDR_LEN + 12, (__u32)r->dx);
	bpf_ringbuf_submit(p, BPF_RB_NO_WAKEUP);
	count_event(c);
	return 0;
}

/* read/write exit: res (ERRNO), data (BYTEBUF): reads show res bytes, writes the buffer given. */
#define RW_X_HDR (HDR_LEN + 2 * 2 + 8)

/* The stack only takes aligned stores: the 38-byte prefix is built as five u64 words.
 * bytes 0-7 ts | 8-15 tid | 16-19 len, 20-21 type, 22-23 nparams (low) | 24-25 nparams (high),
 * 26-27 len(res), 28-29 len(data), 30-31 res (low) | 32-37 res (high), 38.. data */
struct rw_x_buf {
	__u64 w[(RW_X_HDR + FAST_SNAP + 7) / 8];
};

static __always_inline int fast_rw_exit(__u16 type, int is_read, __s64 res, struct regs_tail *r, __u64 pid_tgid)
{
	struct rw_x_buf buf;
	__s64 want = is_read ? res : (__s64)r->dx;
	__u32 n = 0;
	if (want > 0)
		n = want > snaplen ? snaplen : (__u32)want;
	if (n > FAST_SNAP)
		n = FAST_SNAP;
	buf.w[0] = boot_epoch_ns + bpf_ktime_get_boot_ns();
	buf.w[1] = pid_tgid & 0xffffffff;
	buf.w[4] = (__u64)res >> 16; /* bytes 38, 39 are overwritten by the data below */
	if (n && bpf_probe_read_user((__u8 *)buf.w + RW_X_HDR, n, (void *)r->si))
		n = 0;
	__u32 len = RW_X_HDR + n;
	buf.w[2] = len | (__u64)type << 32 | (__u64)2 << 48;
	buf.w[3] = (__u64)8 << 16 | (__u64)n << 32 | (__u64)res << 48;
	__u32 cpu = bpf_get_smp_processor_id();
	struct cpu_counters *c = this_counters(cpu);
	void *ring = bpf_map_lookup_elem(&rings, &cpu);
	if (!ring || len > sizeof(buf) || bpf_ringbuf_output(ring, &buf, len, BPF_RB_NO_WAKEUP)) {
		count_drop(c);
		return 0;
	}
	count_event(c);
	return 0;
}
