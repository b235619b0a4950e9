/* SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0 */
/* Reading syscall arguments, the current task, its files and memory counters (CO-RE). */
#pragma once

/* x86_64 syscall argument n (0..5) from the saved user registers; the 4th is in r10, not rcx.
 * regs is the tracepoint's BTF-typed pointer: the loads are direct (CO-RE offsets). */
static __always_inline __u64 sc_arg(struct pt_regs *regs, int n)
{
	switch (n) {
	case 0: return regs->di;
	case 1: return regs->si;
	case 2: return regs->dx;
	case 3: return regs->r10;
	case 4: return regs->r8;
	case 5: return regs->r9;
	}
	return 0;
}

static __always_inline struct task_struct *cur_task(void)
{
	return (struct task_struct *)bpf_get_current_task();
}

/* Older kernels (< 6.2) keep the rss counters as atomics in mm_rss_stat. */
struct mm_rss_stat___old {
	atomic_long_t count[4];
} __attribute__((preserve_access_index));

struct mm_struct___old {
	struct mm_rss_stat___old rss_stat;
} __attribute__((preserve_access_index));

static __always_inline long mm_counter(struct mm_struct *mm, int member)
{
	long v = 0;
	if (bpf_core_type_exists(struct mm_rss_stat)) {
		struct mm_struct___old *old = (void *)mm;
		v = BPF_CORE_READ(old, rss_stat.count[member].counter);
	} else {
		v = BPF_CORE_READ(mm, rss_stat[member].count);
	}
	return v < 0 ? 0 : v;
}

#define KB_SHIFT (12 - 10) /* pages to KiB with 4 KiB pages */

struct vm_info {
	__u32 size_kb, rss_kb, swap_kb;
};

static __always_inline void task_vm(struct task_struct *t, struct vm_info *vi)
{
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	vi->size_kb = vi->rss_kb = vi->swap_kb = 0;
	if (!mm)
		return;
	/* MM_FILEPAGES 0, MM_ANONPAGES 1, MM_SWAPENTS 2, MM_SHMEMPAGES 3 */
	vi->size_kb = BPF_CORE_READ(mm, total_vm) << KB_SHIFT;
	vi->rss_kb = (mm_counter(mm, 0) + mm_counter(mm, 1) + mm_counter(mm, 3)) << KB_SHIFT;
	vi->swap_kb = mm_counter(mm, 2) << KB_SHIFT;
}

/* The struct file behind fd in the current task, or NULL. */
static __always_inline struct file *fd_file(__s64 fd)
{
	if (fd < 0)
		return NULL;
	struct files_struct *files = BPF_CORE_READ(cur_task(), files);
	if (!files)
		return NULL;
	struct fdtable *fdt = BPF_CORE_READ(files, fdt);
	unsigned int max = BPF_CORE_READ(fdt, max_fds);
	if ((__u64)fd >= max)
		return NULL;
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *f = NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

/* The kernel's new_encode_dev() of a dev_t, as the real driver reports devices. */
static __always_inline __u32 encode_dev(__u32 dev)
{
	__u32 major = dev >> 20, minor = dev & 0xfffff;
	return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

static __always_inline __u32 fd_dev(__s64 fd, __u64 *ino)
{
	struct file *f = fd_file(fd);
	if (!f)
		return 0;
	struct inode *in = BPF_CORE_READ(f, f_inode);
	if (ino)
		*ino = BPF_CORE_READ(in, i_ino);
	return encode_dev(BPF_CORE_READ(in, i_sb, s_dev));
}

/* The socket behind fd, or NULL if fd is not a socket. */
static __always_inline struct socket *fd_socket(__s64 fd)
{
	struct file *f = fd_file(fd);
	if (!f)
		return NULL;
	umode_t mode = BPF_CORE_READ(f, f_inode, i_mode);
	if ((mode & 00170000) != 0140000) /* S_IFSOCK */
		return NULL;
	return BPF_CORE_READ(f, private_data);
}
