/* SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0 */
/* Paths the kernel only keeps as linked nodes: a task's working directory (dentries and mounts)
 * and its cgroups (kernfs nodes). bpf_d_path is not allowed in raw tracepoints, so both are
 * walked here with bounded loops. Included by quarry.bpf.c after event.bpf.h and sock.bpf.h. */
#pragma once

#define CWD_BUF 4096     /* PATH_MAX: the scratch window the cwd is assembled in */
#define CWD_STEPS 64     /* loop bound: path components plus mount crossings */
#define NAME_MAX_LEN 255 /* a dentry name is at most NAME_MAX bytes */

/* The struct mount around a vfsmount (container_of, with the offset taken from BTF). */
static __always_inline struct mount *real_mount(struct vfsmount *m)
{
	return (struct mount *)((void *)m - bpf_core_field_offset(struct mount, mnt));
}

/* param: cwd (CHARBUF) of task t, as d_path prints it relative to the task's root.
 *
 * The path is assembled right to left at the end of the scratch half of the buffer: each dentry
 * name (its length is in d_name) is copied just before the previous one, preceded by '/'. At the
 * root dentry of a mount the walk continues at the mountpoint in the parent mount. Then the
 * whole string is copied to the event in one read. The index is masked on every step, so the
 * verifier sees the same bounds on each iteration (the loop does not multiply its states).
 * A path deeper than CWD_STEPS or longer than CWD_BUF, or an unreadable node, gives an empty
 * value, never a wrong path: the reader then keeps the cwd it already knows. */
static __always_inline void put_cwd(struct ev *e, struct task_struct *t)
{
	__u8 *s = &e->a->data[SCRATCH_OFF];
	struct fs_struct *fs = BPF_CORE_READ(t, fs);
	if (!fs) {
		put_empty(e);
		return;
	}
	struct dentry *root_d = BPF_CORE_READ(fs, root.dentry);
	struct vfsmount *root_m = BPF_CORE_READ(fs, root.mnt);
	struct dentry *d = BPF_CORE_READ(fs, pwd.dentry);
	struct vfsmount *vm = BPF_CORE_READ(fs, pwd.mnt);
	struct mount *m = real_mount(vm);
	__u32 p = CWD_BUF - 1; /* s[p..CWD_BUF) holds the path so far; the last byte is its NUL */
	int done = 0;
	s[CWD_BUF - 1] = 0;
	for (int i = 0; i < CWD_STEPS; i++) {
		if (d == root_d && vm == root_m) {
			done = 1;
			break;
		}
		struct dentry *mnt_root = BPF_CORE_READ(vm, mnt_root);
		if (d == mnt_root) {
			struct mount *parent = BPF_CORE_READ(m, mnt_parent);
			if (!parent || parent == m) { /* the top of the mount tree */
				done = 1;
				break;
			}
			d = BPF_CORE_READ(m, mnt_mountpoint);
			m = parent;
			vm = &parent->mnt;
			continue;
		}
		struct dentry *up = BPF_CORE_READ(d, d_parent);
		__u32 len = BPF_CORE_READ(d, d_name.len);
		const unsigned char *name = BPF_CORE_READ(d, d_name.name);
		if (!up || up == d || len > NAME_MAX_LEN || len + 1 > p)
			break;
		p = (p - len) & (CWD_BUF - 1);
		if (bpf_probe_read_kernel(&s[p], len, name))
			break;
		p = (p - 1) & (CWD_BUF - 1);
		s[p] = '/';
		d = up;
	}
	if (!done) {
		put_empty(e);
		return;
	}
	if (p == CWD_BUF - 1) { /* the root itself */
		p = CWD_BUF - 2;
		s[p] = '/';
	}
	__u32 n = CWD_BUF - p;
	if (n > CWD_BUF || bpf_probe_read_kernel(&e->a->data[e->pos & AUX_MASK], n, &s[p & (CWD_BUF - 1)]))
		n = 0;
	ev_len(e, n);
}

/* Kernels before 6.15 name the kernfs parent link `parent`. */
struct kernfs_node___old {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(kn->__parent))
		return BPF_CORE_READ(kn, __parent);
	return BPF_CORE_READ((struct kernfs_node___old *)kn, parent);
}

#define CGROUP_DEPTH 16 /* cgroup path components walked */
#define CGROUP_NAME_MAX 256
#define CGROUP_PATH_BUF 4096
#define CGROUP_TMP (SCRATCH_OFF + 2 * CWD_BUF) /* one kernfs name, read to learn its length */

/* One "subsystem=path" string (NUL included) at e->pos + off for css subsys[id]; returns its
 * length, 0 if it cannot be read whole. kernfs keeps no name lengths, so each name (leaf first)
 * is read into a small window, then copied in front of the path assembled so far, as for the
 * cwd. The hierarchy's root contributes no component: the root cgroup alone is "/". */
static __always_inline __u32 put_cgroup_entry(struct ev *e, struct css_set *cs, int id, __u32 off)
{
	__u8 *s = &e->a->data[SCRATCH_OFF];
	__u8 *tmp = &e->a->data[CGROUP_TMP];
	struct cgroup_subsys_state *css = BPF_CORE_READ(cs, subsys[id]);
	if (!css)
		return 0;
	struct kernfs_node *kn = BPF_CORE_READ(css, cgroup, kn);
	__u32 p = CGROUP_PATH_BUF;
	int done = 0;
	for (int i = 0; i < CGROUP_DEPTH; i++) {
		struct kernfs_node *up = kn ? kn_parent(kn) : NULL;
		if (!up) {
			done = kn != NULL;
			break;
		}
		long n = bpf_probe_read_kernel_str(tmp, CGROUP_NAME_MAX, BPF_CORE_READ(kn, name));
		if (n < 1 || n > CGROUP_NAME_MAX || (__u32)n > p)
			break;
		__u32 len = n - 1;
		p = (p - len) & (CGROUP_PATH_BUF - 1);
		if (bpf_probe_read_kernel(&s[p], len & (CGROUP_NAME_MAX - 1), tmp))
			break;
		p = (p - 1) & (CGROUP_PATH_BUF - 1);
		s[p] = '/';
		kn = up;
	}
	if (!done)
		return 0;
	if (p == CGROUP_PATH_BUF) {
		p = CGROUP_PATH_BUF - 1;
		s[p] = '/';
	}
	__u32 plen = CGROUP_PATH_BUF - p;
	long n = bpf_probe_read_kernel_str(&e->a->data[(e->pos + off) & AUX_MASK], 32, BPF_CORE_READ(css, ss, name));
	if (n <= 1)
		return 0;
	__u32 at = off + n - 1;
	e->a->data[(e->pos + at) & AUX_MASK] = '=';
	at++;
	if (plen > CGROUP_PATH_BUF ||
	    bpf_probe_read_kernel(&e->a->data[(e->pos + at) & AUX_MASK], plen, &s[p & (CGROUP_PATH_BUF - 1)]))
		return 0;
	at += plen;
	e->a->data[(e->pos + at) & AUX_MASK] = 0;
	at++;
	return at - off;
}

/* Stops adding entries past this many bytes: an event stays well inside its 64 KiB. */
#define CGROUPS_MAX 8192

#define CGROUP_ENTRY(sub)                                                                       \
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, sub##_cgrp_id) && off < CGROUPS_MAX) { \
		off += put_cgroup_entry(e, cs, bpf_core_enum_value(enum cgroup_subsys_id, sub##_cgrp_id), off); \
		off &= 2 * CGROUPS_MAX - 1;                                                             \
	}

/* param: cgroups (BYTEBUF): "subsystem=path" strings, NUL-separated, for cpuset, cpu, cpuacct,
 * io and memory (the subsystems the kernel was built with), in that order, as sysdig's drivers. */
static __always_inline void put_cgroups(struct ev *e, struct task_struct *t)
{
	struct css_set *cs = BPF_CORE_READ(t, cgroups);
	__u32 off = 0;
	if (cs) {
		CGROUP_ENTRY(cpuset)
		CGROUP_ENTRY(cpu)
		CGROUP_ENTRY(cpuacct)
		CGROUP_ENTRY(io)
		CGROUP_ENTRY(memory)
	}
	ev_len(e, off);
}
