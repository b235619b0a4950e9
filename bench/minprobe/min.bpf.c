// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/* The yardstick of issue #4: the least a syscall probe can do. Every sys_enter and sys_exit writes
 * one 32-byte record (ts, tid, syscall id, ret) into one shared ring buffer, without wake-ups. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

struct rec {
	__u64 ts;
	__u64 tid;
	__u64 id;
	__u64 ret;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);
} rb SEC(".maps");

__u64 drops = 0;

static __always_inline int emit(__u64 id, __u64 ret)
{
	struct rec *r = bpf_ringbuf_reserve(&rb, sizeof(*r), 0);
	if (!r) {
		__sync_fetch_and_add(&drops, 1);
		return 0;
	}
	r->ts = bpf_ktime_get_boot_ns();
	r->tid = bpf_get_current_pid_tgid();
	r->id = id;
	r->ret = ret;
	bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
	return 0;
}

SEC("raw_tp/sys_enter")
int min_enter(struct bpf_raw_tracepoint_args *ctx)
{
	return emit(ctx->args[1], 0);
}

SEC("raw_tp/sys_exit")
int min_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx->args[0];
	return emit(BPF_CORE_READ(regs, orig_ax), ctx->args[1]);
}
