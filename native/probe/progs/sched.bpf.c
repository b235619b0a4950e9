// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/* Scheduler tracepoints: process exit and context switches. Included by quarry.bpf.c. */

const volatile __u32 capture_switch = 1;

static __always_inline int task_wanted(void)
{
	if (!capturing)
		return 0;
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	if (self_tgid && tgid == self_tgid)
		return 0;
	if (only_tgid && tgid != only_tgid && BPF_CORE_READ(cur_task(), real_parent, tgid) != only_tgid)
		return 0;
	return 1;
}

/* procexit: status (ERRNO), ret (ERRNO), sig (SIGTYPE), core (UINT8) */
SEC("raw_tp/sched_process_exit")
int sched_process_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct ev e;
	if (!task_wanted())
		return 0;
	int code = BPF_CORE_READ(cur_task(), exit_code);
	if (ev_begin(&e, PPME_PROCEXIT_1_E, 4))
		return 0;
	/* param 1: status */
	put_u64(&e, (__s64)code);
	/* param 2: ret, the exit status byte */
	put_u64(&e, (__s64)((code >> 8) & 0xff));
	/* param 3: sig, if killed by a signal */
	put_u8(&e, (code & 0x7f) ? (code & 0x7f) : 0);
	/* param 4: core */
	put_u8(&e, (code & 0x80) ? 1 : 0);
	return ev_submit(&e);
}

/* switch: next (PID), pgft_maj, pgft_min (UINT64), vm_size, vm_rss, vm_swap (UINT32) of prev */
SEC("raw_tp/sched_switch")
int sched_switch(struct bpf_raw_tracepoint_args *ctx)
{
	struct ev e;
	struct vm_info vi;
	if (!capture_switch || !task_wanted())
		return 0;
	struct task_struct *prev = (struct task_struct *)ctx->args[1];
	struct task_struct *next = (struct task_struct *)ctx->args[2];
	task_vm(prev, &vi);
	if (ev_begin(&e, PPME_SCHEDSWITCH_6_E, 6))
		return 0;
	put_u64(&e, (__s64)BPF_CORE_READ(next, pid));
	put_u64(&e, BPF_CORE_READ(prev, maj_flt));
	put_u64(&e, BPF_CORE_READ(prev, min_flt));
	put_u32(&e, vi.size_kb);
	put_u32(&e, vi.rss_kb);
	put_u32(&e, vi.swap_kb);
	return ev_submit(&e);
}
