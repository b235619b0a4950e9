// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/* Quarry's syscall probe: BTF-typed raw tracepoints (tp_btf) on sys_enter/sys_exit dispatch to
 * one program per syscall family through tail calls; anything without a specific program becomes the generic
 * `syscall` event. Events are written in the scap format into one ring buffer per CPU. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "ppm_flags.h"
#include "maps.bpf.h"
#include "event.bpf.h"
#include "task.bpf.h"
#include "flags.bpf.h"
#include "sock.bpf.h"
#include "paths.bpf.h"
#include "fast.bpf.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

#define TS_COMPAT 0x0002

/* The tail-called programs are tp_btf programs of the same tracepoint as their dispatcher: a
 * program array only takes programs of the caller's type and attach target. tp_btf rather than
 * raw_tp because the verifier then knows args[0] is a struct pt_regs pointer, so the saved
 * registers are plain loads instead of bpf_probe_read_kernel calls. */
#define ENTER_PROG(name) SEC("tp_btf/sys_enter") int enter_##name(struct bpf_raw_tracepoint_args *ctx)
#define EXIT_PROG(name) SEC("tp_btf/sys_exit") int exit_##name(struct bpf_raw_tracepoint_args *ctx)
#define REGS ((struct pt_regs *)ctx->args[0])
#define RET ((__s64)ctx->args[1])
#define ARG(n) sc_arg(REGS, n)

/* Common early checks: capture on, a 64-bit syscall we want, not our own process. The task is
 * read through its BTF pointer (plain loads, no helper calls). */
static __always_inline int wanted_pid(long id, __u64 pid_tgid)
{
	if (!capturing)
		return 0;
	if (id < 0 || id >= SYSCALL_TABLE_SIZE)
		return 0;
	__u32 tgid = pid_tgid >> 32;
	if (self_tgid && tgid == self_tgid)
		return 0;
	struct task_struct *t = bpf_get_current_task_btf();
	if (only_tgid && tgid != only_tgid && t->real_parent->tgid != only_tgid)
		return 0;
	__u32 key = id;
	struct sc_entry *sc = bpf_map_lookup_elem(&syscall_table, &key);
	if (!sc || !sc->interesting)
		return 0;
	if (t->thread_info.status & TS_COMPAT) {
		struct cpu_counters *c = this_counters();
		if (c)
			__sync_fetch_and_add(&c->n_drops_compat, 1);
		return 0;
	}
	return 1;
}

static __always_inline __u16 ppm_sc_of(long id)
{
	__u32 key = id;
	struct sc_entry *sc = bpf_map_lookup_elem(&syscall_table, &key);
	return sc ? sc->ppm_sc : 0;
}

/* The generic event, for syscalls without a specific layout. */
static __always_inline int generic_event(long id, int enter)
{
	struct ev e;
	if (ev_begin(&e, enter ? PPME_GENERIC_E : PPME_GENERIC_X, enter ? 2 : 1))
		return 0;
	/* param 1: ID (SYSCALLID) */
	put_u16(&e, ppm_sc_of(id));
	/* param 2: nativeID (UINT16), enter only */
	if (enter)
		put_u16(&e, (__u16)id);
	return ev_submit(&e);
}

SEC("tp_btf/sys_enter")
int sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	long id = (long)ctx->args[1];
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	if (!wanted_pid(id, pid_tgid))
		return 0;
	if (!fast_enter(id, REGS, pid_tgid))
		return 0;
	bpf_tail_call(ctx, &enter_progs, (__u32)id);
	return generic_event(id, 1);
}

SEC("tp_btf/sys_exit")
int sys_exit(struct bpf_raw_tracepoint_args *ctx)
{
	long id = REGS->orig_ax;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	if (!wanted_pid(id, pid_tgid))
		return 0;
	if (!fast_exit(id, RET, REGS, pid_tgid))
		return 0;
	bpf_tail_call(ctx, &exit_progs, (__u32)id);
	return generic_event(id, 0);
}

/* Fixed-layout events whose params are all plain integers. */
static __always_inline int ints_event(__u16 type, __u32 n, __u64 a, __u64 b, __u64 c, int wa, int wb, int wc)
{
	struct ev e;
	if (ev_begin(&e, type, n))
		return 0;
#define PUTW(v, w) do { if ((w) == 8) put_u64(&e, v); else if ((w) == 4) put_u32(&e, v); \
			else if ((w) == 2) put_u16(&e, v); else put_u8(&e, v); } while (0)
	if (n > 0) PUTW(a, wa);
	if (n > 1) PUTW(b, wb);
	if (n > 2) PUTW(c, wc);
#undef PUTW
	return ev_submit(&e);
}

/* Exit events with only res. */
static __always_inline int res_event(__u16 type, __s64 res)
{
	return ints_event(type, 1, res, 0, 0, 8, 0, 0);
}

static __always_inline int empty_event(__u16 type)
{
	return ints_event(type, 0, 0, 0, 0, 0, 0, 0);
}

#include "progs/file.bpf.c"
#include "progs/io.bpf.c"
#include "progs/net.bpf.c"
#include "progs/proc.bpf.c"
#include "progs/sched.bpf.c"
#include "progs/misc.bpf.c"
