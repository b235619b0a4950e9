// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/* Process syscalls (execve, clone family) and memory (brk, mmap, munmap). Included by quarry.bpf.c. */

#define ARGS_MAX 4096   /* bytes of args or env, as the real driver */
#define MAX_ARGV 32     /* pointers walked for a failed execve */

/* NUL-separated strings from a user pointer array (argv/envp of a failed execve). */
static __always_inline __u32 put_user_strarray(struct ev *e, const char *const *uarr)
{
	__u32 off = 0;
	for (int i = 0; i < MAX_ARGV; i++) {
		const char *p = NULL;
		if (!uarr || bpf_probe_read_user(&p, sizeof(p), &uarr[i]) || !p)
			break;
		if (off >= ARGS_MAX)
			break;
		long n = bpf_probe_read_user_str(&e->a->data[(e->pos + off) & AUX_MASK], ARGS_MAX, p);
		if (n <= 0)
			break;
		off += n;
	}
	if (off > ARGS_MAX)
		off = ARGS_MAX;
	return off;
}

/* A memory range of the current process (args or env area), NUL-terminated at the end. */
static __always_inline __u32 read_mm_area(struct ev *e, __u64 start, __u64 end)
{
	__u64 len = end > start ? end - start : 0;
	if (len > ARGS_MAX)
		len = ARGS_MAX;
	if (!len)
		return 0;
	if (bpf_probe_read_user(&e->a->data[e->pos & AUX_MASK], len & (2 * ARGS_MAX - 1), (void *)start))
		return 0;
	e->a->data[(e->pos + len - 1) & AUX_MASK] = 0;
	return len;
}

/* exe (CHARBUF) and args (BYTEBUF): the first string of the args area is the exe. */
static __always_inline void put_exe_args(struct ev *e, __u32 len)
{
	if (!len) {
		e->a->data[e->pos & AUX_MASK] = 0;
		ev_len(e, 1);
		ev_len(e, 0);
		return;
	}
	long exe = bpf_probe_read_kernel_str(&e->a->data[SCRATCH_OFF], ARGS_MAX,
					     &e->a->data[e->pos & AUX_MASK]);
	if (exe <= 0 || exe > len)
		exe = len;
	ev_len(e, exe);
	ev_len(e, len - exe);
}

static __always_inline __s64 pid_vnr(struct pid *p)
{
	if (!p)
		return 0;
	unsigned int level = BPF_CORE_READ(p, level);
	return BPF_CORE_READ(p, numbers[level & 31].nr);
}

/* The common head of clone and execve exits: res .. comm, cgroups. */
static __always_inline void put_proc_head(struct ev *e, struct task_struct *t, __s64 res, __u32 args_len, int fdlimit_signed)
{
	struct vm_info vi;
	task_vm(t, &vi);
	/* param 1: res */
	put_u64(e, res);
	/* params 2-3: exe (CHARBUF), args (BYTEBUF), already read at e->pos */
	put_exe_args(e, args_len);
	/* param 4-6: tid, pid, ptid (PID) */
	put_u64(e, (__s64)BPF_CORE_READ(t, pid));
	put_u64(e, (__s64)BPF_CORE_READ(t, tgid));
	put_u64(e, (__s64)BPF_CORE_READ(t, real_parent, pid));
	/* param 7: cwd (CHARBUF) */
	put_cwd(e, t);
	/* param 8: fdlimit */
	put_u64(e, BPF_CORE_READ(t, signal, rlim[7].rlim_cur)); /* RLIMIT_NOFILE */
	/* param 9-10: pgft_maj, pgft_min (UINT64) */
	put_u64(e, BPF_CORE_READ(t, maj_flt));
	put_u64(e, BPF_CORE_READ(t, min_flt));
	/* param 11-13: vm_size, vm_rss, vm_swap (UINT32, KiB) */
	put_u32(e, vi.size_kb);
	put_u32(e, vi.rss_kb);
	put_u32(e, vi.swap_kb);
	/* param 14: comm (CHARBUF) */
	put_kernel_str(e, &t->comm, 16);
	/* param 15: cgroups (BYTEBUF) */
	put_cgroups(e, t);
}

static __always_inline void stash_flags(__u64 flags)
{
	__u32 tid = bpf_get_current_pid_tgid();
	bpf_map_update_elem(&clone_stash, &tid, &flags, BPF_ANY);
}

/* The flags stashed at enter (or copied to a new child at fork), else raw_flags. */
static __always_inline __u64 stashed_flags(__u64 raw_flags)
{
	__u32 tid = bpf_get_current_pid_tgid();
	__u64 *f = bpf_map_lookup_elem(&clone_stash, &tid);
	if (!f)
		return raw_flags;
	__u64 v = *f;
	bpf_map_delete_elem(&clone_stash, &tid);
	return v;
}

static __always_inline int clone_exit(struct bpf_raw_tracepoint_args *ctx, __u16 type, __u64 raw_flags)
{
	struct ev e;
	raw_flags = stashed_flags(raw_flags);
	struct task_struct *t = cur_task();
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	__u64 as = mm ? BPF_CORE_READ(mm, arg_start) : 0, ae = mm ? BPF_CORE_READ(mm, arg_end) : 0;
	if (ev_begin(&e, type, 20))
		return 0;
	e.pos += 8; /* args are read where params 2-3 will sit, after res */
	__u32 args_len = read_mm_area(&e, as, ae);
	e.pos -= 8;
	put_proc_head(&e, t, RET, args_len, 1);
	/* param 16: flags (FLAGS32, PPM_CL_*) */
	__u32 flags = clone_flags_to_ppm(raw_flags);
	struct pid *tp = BPF_CORE_READ(t, thread_pid);
	unsigned int level = tp ? BPF_CORE_READ(tp, level) : 0;
	if (level) {
		flags |= PPM_CL_CHILD_IN_PIDNS;
	} else if (tp) {
		struct pid_namespace *active = BPF_CORE_READ(tp, numbers[0].ns);
		struct pid_namespace *child = BPF_CORE_READ(t, nsproxy, pid_ns_for_children);
		if (child && child != active)
			flags |= PPM_CL_CHILD_IN_PIDNS;
	}
	put_u32(&e, flags);
	/* param 17-18: uid, gid (UINT32, effective) */
	put_u32(&e, BPF_CORE_READ(t, cred, euid.val));
	put_u32(&e, BPF_CORE_READ(t, cred, egid.val));
	/* param 19-20: vtid, vpid (PID) */
	put_u64(&e, pid_vnr(tp));
	put_u64(&e, pid_vnr(BPF_CORE_READ(t, group_leader, thread_pid)));
	return ev_submit(&e);
}

ENTER_PROG(clone)
{
	stash_flags(ARG(0));
	return empty_event(PPME_SYSCALL_CLONE_20_E);
}
EXIT_PROG(clone) { return clone_exit(ctx, PPME_SYSCALL_CLONE_20_X, ARG(0)); }
/* fork and vfork report flags 0, as the real driver */
ENTER_PROG(fork) { return empty_event(PPME_SYSCALL_FORK_20_E); }
EXIT_PROG(fork) { return clone_exit(ctx, PPME_SYSCALL_FORK_20_X, 0); }
ENTER_PROG(vfork) { return empty_event(PPME_SYSCALL_VFORK_20_E); }
EXIT_PROG(vfork) { return clone_exit(ctx, PPME_SYSCALL_VFORK_20_X, 0); }
ENTER_PROG(clone3)
{
	__u64 flags = 0;
	bpf_probe_read_user(&flags, sizeof(flags), (void *)ARG(0)); /* clone_args.flags comes first */
	stash_flags(flags);
	return empty_event(PPME_SYSCALL_CLONE3_E);
}
EXIT_PROG(clone3)
{
	__u64 flags = 0;
	bpf_probe_read_user(&flags, sizeof(flags), (void *)ARG(0));
	return clone_exit(ctx, PPME_SYSCALL_CLONE3_X, flags);
}

/* Copies the caller's stashed clone flags to the new task, whose exit event comes later. */
SEC("raw_tp/sched_process_fork")
int sched_process_fork(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *parent = (struct task_struct *)ctx->args[0];
	struct task_struct *child = (struct task_struct *)ctx->args[1];
	__u32 ptid = BPF_CORE_READ(parent, pid), ctid = BPF_CORE_READ(child, pid);
	__u64 *f = bpf_map_lookup_elem(&clone_stash, &ptid);
	if (f) {
		__u64 v = *f;
		bpf_map_update_elem(&clone_stash, &ctid, &v, BPF_ANY);
	}
	return 0;
}

/* execve enter: filename (FSPATH) */
ENTER_PROG(execve)
{
	struct ev e;
	if (ev_begin(&e, PPME_SYSCALL_EXECVE_19_E, 1))
		return 0;
	put_user_str(&e, (void *)ARG(0), 4096);
	return ev_submit(&e);
}

static __always_inline __s32 task_tty(struct task_struct *t)
{
	struct tty_struct *tty = BPF_CORE_READ(t, signal, tty);
	if (!tty)
		return 0;
	int index = BPF_CORE_READ(tty, index);
	int major = BPF_CORE_READ(tty, driver, major);
	int minor = BPF_CORE_READ(tty, driver, minor_start) + index;
	return encode_dev(((__u32)major << 20) | (__u32)minor);
}

/* The 20 parameters of execve's exit, also execveat's (type); a failed call shows the argv and
 * envp it was given. */
static __always_inline int execve_exit(struct bpf_raw_tracepoint_args *ctx, __u16 type,
				       const char *const *argv, const char *const *envp)
{
	struct ev e;
	__s64 res = RET;
	struct task_struct *t = cur_task();
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	if (ev_begin(&e, type, 20))
		return 0;
	e.pos += 8;
	__u32 args_len;
	if (res >= 0 && mm)
		args_len = read_mm_area(&e, BPF_CORE_READ(mm, arg_start), BPF_CORE_READ(mm, arg_end));
	else
		args_len = put_user_strarray(&e, argv);
	e.pos -= 8;
	put_proc_head(&e, t, res, args_len, 0);
	/* param 16: env (BYTEBUF) */
	__u32 env_len;
	if (res >= 0 && mm)
		env_len = read_mm_area(&e, BPF_CORE_READ(mm, env_start), BPF_CORE_READ(mm, env_end));
	else
		env_len = put_user_strarray(&e, envp);
	ev_len(&e, env_len);
	/* param 17: tty (INT32) */
	put_u32(&e, task_tty(t));
	/* param 18: pgid (PID) */
	put_u64(&e, pid_vnr(BPF_CORE_READ(t, signal, pids[PIDTYPE_PGID])));
	/* param 19: loginuid (INT32) */
	__u32 loginuid = -1;
	if (bpf_core_field_exists(t->loginuid))
		loginuid = BPF_CORE_READ(t, loginuid.val);
	put_u32(&e, loginuid);
	/* param 20: flags (FLAGS32): exe_writable not computed */
	put_u32(&e, 0);
	return ev_submit(&e);
}

EXIT_PROG(execve) { return execve_exit(ctx, PPME_SYSCALL_EXECVE_19_X, (void *)ARG(1), (void *)ARG(2)); }

/* brk: enter addr (UINT64); exit res (UINT64), vm_size, vm_rss, vm_swap */
static __always_inline int mem_exit(__u16 type, __s64 res)
{
	struct ev e;
	struct vm_info vi;
	task_vm(cur_task(), &vi);
	if (ev_begin(&e, type, 4))
		return 0;
	put_u64(&e, res);
	put_u32(&e, vi.size_kb);
	put_u32(&e, vi.rss_kb);
	put_u32(&e, vi.swap_kb);
	return ev_submit(&e);
}

ENTER_PROG(brk) { return ints_event(PPME_SYSCALL_BRK_4_E, 1, ARG(0), 0, 0, 8, 0, 0); }
EXIT_PROG(brk) { return mem_exit(PPME_SYSCALL_BRK_4_X, RET); }
ENTER_PROG(munmap) { return ints_event(PPME_SYSCALL_MUNMAP_E, 2, ARG(0), ARG(1), 0, 8, 8, 0); }
EXIT_PROG(munmap) { return mem_exit(PPME_SYSCALL_MUNMAP_X, RET); }

/* mmap: enter addr, length (UINT64), prot, flags (FLAGS32), fd (FD), offset (UINT64) */
ENTER_PROG(mmap)
{
	struct ev e;
	if (ev_begin(&e, PPME_SYSCALL_MMAP_E, 6))
		return 0;
	put_u64(&e, ARG(0));
	put_u64(&e, ARG(1));
	put_u32(&e, mmap_prot_to_ppm(ARG(2)));
	put_u32(&e, mmap_flags_to_ppm(ARG(3)));
	put_u64(&e, (__s64)(int)ARG(4));
	put_u64(&e, ARG(5));
	return ev_submit(&e);
}
EXIT_PROG(mmap) { return mem_exit(PPME_SYSCALL_MMAP_X, RET); }
