// SPDX-License-Identifier: Apache-2.0
#define _GNU_SOURCE /* sched_setaffinity, CPU_SET */
#include "probe_ctl.h"
#include "ring_reader.h"

#include <asm/unistd_64.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "quarry.skel.h"
#include "events.gen.h"

#define SYSCALL_TABLE_SIZE 512

struct qp {
	struct quarry *skel;
	struct bpf_link *links[5];
	int nlinks;
	int ncpus;
	int *ring_fds;
	struct rr_ring *rings;
};

/* Syscall number -> the family program that fills its enter/exit events (others: generic). */
static const struct { int nr; const char *prog; } k_fillers[] = {
	{__NR_open, "open"}, {__NR_openat, "openat"}, {__NR_openat2, "openat2"}, {__NR_creat, "creat"},
	{__NR_close, "close"}, {__NR_stat, "stat"}, {__NR_lstat, "lstat"}, {__NR_fstat, "fstat"},
	{__NR_chdir, "chdir"}, {__NR_fchdir, "fchdir"}, {__NR_unlink, "unlink"}, {__NR_unlinkat, "unlinkat"},
	{__NR_read, "read"}, {__NR_write, "write"}, {__NR_pread64, "pread64"}, {__NR_pwrite64, "pwrite64"},
	{__NR_readv, "readv"}, {__NR_writev, "writev"}, {__NR_lseek, "lseek"},
	{__NR_dup, "dup"}, {__NR_dup2, "dup"}, {__NR_dup3, "dup"}, {__NR_pipe, "pipe"}, {__NR_pipe2, "pipe"},
	{__NR_fcntl, "fcntl"}, {__NR_ioctl, "ioctl"}, {__NR_epoll_wait, "epoll_wait"},
	{__NR_eventfd, "eventfd"}, {__NR_eventfd2, "eventfd"}, {__NR_poll, "poll"},
	{__NR_socket, "socket"}, {__NR_socketpair, "socketpair"}, {__NR_bind, "bind"},
	{__NR_connect, "connect"}, {__NR_listen, "listen"}, {__NR_accept, "accept"},
	{__NR_accept4, "accept4"}, {__NR_sendto, "sendto"}, {__NR_recvfrom, "recvfrom"},
	{__NR_sendmsg, "sendmsg"}, {__NR_recvmsg, "recvmsg"}, {__NR_shutdown, "shutdown"},
	{__NR_clone, "clone"}, {__NR_fork, "fork"}, {__NR_vfork, "vfork"}, {__NR_clone3, "clone3"},
	{__NR_execve, "execve"}, {__NR_brk, "brk"}, {__NR_munmap, "munmap"}, {__NR_mmap, "mmap"},
	/* misc.bpf.c */
	{__NR_setuid, "setuid"}, {__NR_setgid, "setgid"}, {__NR_setresuid, "setresuid"},
	{__NR_setresgid, "setresgid"}, {__NR_getuid, "getuid"}, {__NR_geteuid, "geteuid"}, {__NR_getgid, "getgid"},
	{__NR_getegid, "getegid"}, {__NR_getresuid, "getresuid"}, {__NR_getresgid, "getresgid"},
	{__NR_setpgid, "setpgid"}, {__NR_setsid, "setsid"}, {__NR_getrlimit, "getrlimit"},
	{__NR_setrlimit, "setrlimit"}, {__NR_prlimit64, "prlimit64"}, {__NR_signalfd, "signalfd"},
	{__NR_signalfd4, "signalfd"}, {__NR_timerfd_create, "timerfd_create"}, {__NR_inotify_init, "inotify_init"},
	{__NR_inotify_init1, "inotify_init"}, {__NR_userfaultfd, "userfaultfd"}, {__NR_getcwd, "getcwd"},
	{__NR_chroot, "chroot"}, {__NR_mount, "mount"}, {__NR_umount2, "umount2"}, {__NR_unshare, "unshare"},
	{__NR_setns, "setns"}, {__NR_sendfile, "sendfile"}, {__NR_copy_file_range, "copy_file_range"},
	{__NR_splice, "splice"}, {__NR_preadv, "preadv"}, {__NR_pwritev, "pwritev"}, {__NR_execveat, "execveat"},
	{__NR_futex, "futex"}, {__NR_nanosleep, "nanosleep"}, {__NR_kill, "kill"}, {__NR_tkill, "tkill"},
	{__NR_tgkill, "tgkill"}, {__NR_access, "access"}, {__NR_getdents, "getdents"},
	{__NR_getdents64, "getdents64"}, {__NR_mprotect, "mprotect"}, {__NR_select, "select"}, {__NR_ppoll, "ppoll"},
	{__NR_flock, "flock"}, {__NR_getsockname, "getsockname"}, {__NR_getpeername, "getpeername"},
	{__NR_sendmmsg, "sendmmsg"}, {__NR_recvmmsg, "recvmmsg"}, {__NR_mkdir, "mkdir"}, {__NR_mkdirat, "mkdirat"},
	{__NR_rmdir, "rmdir"}, {__NR_rename, "rename"}, {__NR_link, "link"}, {__NR_symlink, "symlink"},
	{__NR_renameat, "renameat"}, {__NR_renameat2, "renameat2"}, {__NR_linkat, "linkat"},
	{__NR_symlinkat, "symlinkat"}, {__NR_chmod, "chmod"}, {__NR_fchmod, "fchmod"}, {__NR_fchmodat, "fchmodat"},
	{__NR_semget, "semget"}, {__NR_semctl, "semctl"}, {__NR_semop, "semop"}, {__NR_seccomp, "seccomp"},
	{__NR_bpf, "bpf"},
	{__NR_setsockopt, "setsockopt"}, {__NR_getsockopt, "getsockopt"},
	{__NR_ptrace, "ptrace"}, {__NR_quotactl, "quotactl"},
};

static int errf(char *err, size_t len, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (err && len)
		vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return code;
}

static uint64_t boot_epoch_ns(void)
{
	struct timespec rt, bt;
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	return (uint64_t)(rt.tv_sec - bt.tv_sec) * 1000000000ull + (uint64_t)rt.tv_nsec - (uint64_t)bt.tv_nsec;
}

static int fill_tables(struct qp *p, const uint8_t *mask)
{
	int tbl = bpf_map__fd(p->skel->maps.syscall_table);
	for (uint32_t nr = 0; nr < SYSCALL_TABLE_SIZE; nr++) {
		uint16_t sc = g_quarry_x86_64_syscalls[nr].ppm_sc;
		struct { uint16_t ppm_sc; uint8_t interesting; uint8_t pad; } v = {sc, mask ? mask[nr] : 1, 0};
		if (bpf_map_update_elem(tbl, &nr, &v, BPF_ANY))
			return -errno;
	}
	int enter = bpf_map__fd(p->skel->maps.enter_progs), exit_ = bpf_map__fd(p->skel->maps.exit_progs);
	char name[64];
	for (size_t i = 0; i < sizeof(k_fillers) / sizeof(k_fillers[0]); i++) {
		uint32_t nr = k_fillers[i].nr;
		snprintf(name, sizeof(name), "enter_%s", k_fillers[i].prog);
		struct bpf_program *pe = bpf_object__find_program_by_name(p->skel->obj, name);
		snprintf(name, sizeof(name), "exit_%s", k_fillers[i].prog);
		struct bpf_program *px = bpf_object__find_program_by_name(p->skel->obj, name);
		if (!pe || !px)
			return -ENOENT;
		int fe = bpf_program__fd(pe), fx = bpf_program__fd(px);
		if (bpf_map_update_elem(enter, &nr, &fe, BPF_ANY) || bpf_map_update_elem(exit_, &nr, &fx, BPF_ANY))
			return -errno;
	}
	return 0;
}

static int make_rings(struct qp *p, uint64_t bytes)
{
	int outer = bpf_map__fd(p->skel->maps.rings);
	p->ring_fds = calloc(p->ncpus, sizeof(int));
	p->rings = calloc(p->ncpus, sizeof(struct rr_ring));
	if (!p->ring_fds || !p->rings)
		return -ENOMEM;
	for (int i = 0; i < p->ncpus; i++)
		p->ring_fds[i] = -1;
	for (uint32_t cpu = 0; cpu < (uint32_t)p->ncpus; cpu++) {
		int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "quarry_ring", 0, 0, bytes, NULL);
		if (fd < 0)
			return -errno;
		p->ring_fds[cpu] = fd;
		if (bpf_map_update_elem(outer, &cpu, &fd, BPF_ANY))
			return -errno;
		int r = rr_map(&p->rings[cpu], fd, bytes);
		if (r)
			return r;
	}
	return 0;
}

int qp_open(struct qp **out, const struct qp_opts *o, char *err, size_t errlen)
{
	uint64_t bytes = o->ring_bytes ? o->ring_bytes : 8ull << 20;
	long page = sysconf(_SC_PAGESIZE);
	if (bytes < (uint64_t)page || (bytes & (bytes - 1)))
		return errf(err, errlen, -EINVAL, "ring size %llu is not a power of two of at least one page",
			    (unsigned long long)bytes);
	struct rlimit inf = {RLIM_INFINITY, RLIM_INFINITY};
	setrlimit(RLIMIT_MEMLOCK, &inf);

	struct qp *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->ncpus = libbpf_num_possible_cpus();
	if (p->ncpus <= 0 || p->ncpus > QP_MAX_CPUS) {
		free(p);
		return errf(err, errlen, -EINVAL, "cannot count CPUs");
	}
	int r;
	p->skel = quarry__open();
	if (!p->skel) {
		r = -errno;
		errf(err, errlen, r, "cannot open the BPF object: %s", strerror(-r));
		goto fail;
	}
	p->skel->rodata->boot_epoch_ns = boot_epoch_ns();
	p->skel->rodata->snaplen = o->snaplen ? o->snaplen : 80;
	p->skel->rodata->self_tgid = o->debug ? 0 : (uint32_t)getpid();
	p->skel->rodata->capture_switch = o->capture_switch ? 1 : 0;
	p->skel->rodata->fast_paths = o->no_fast_paths ? 0 : 1;
	bpf_map__set_max_entries(p->skel->maps.aux_maps, p->ncpus);
	bpf_map__set_max_entries(p->skel->maps.rings, p->ncpus);
	/* The outer map's template must have the real ring size: give libbpf one we created. */
	int tmpl = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "quarry_tmpl", 0, 0, bytes, NULL);
	if (tmpl < 0) {
		r = -errno;
		errf(err, errlen, r, "cannot create a ring buffer: %s", strerror(-r));
		goto fail;
	}
	bpf_map__set_inner_map_fd(p->skel->maps.rings, tmpl);
	r = quarry__load(p->skel);
	close(tmpl);
	if (r) {
		errf(err, errlen, r, "cannot load the BPF probe: %s", strerror(-r));
		goto fail;
	}
	if ((r = make_rings(p, bytes))) {
		errf(err, errlen, r, "cannot create the ring buffers: %s", strerror(-r));
		goto fail;
	}
	if ((r = fill_tables(p, o->syscalls))) {
		errf(err, errlen, r, "cannot fill the syscall tables: %s", strerror(-r));
		goto fail;
	}
	struct bpf_program *att[] = {p->skel->progs.sys_enter, p->skel->progs.sys_exit,
				     p->skel->progs.sched_process_exit, p->skel->progs.sched_switch,
				     p->skel->progs.sched_process_fork};
	for (int i = 0; i < 5; i++) {
		p->links[i] = bpf_program__attach(att[i]);
		if (!p->links[i]) {
			r = -errno;
			errf(err, errlen, r, "cannot attach %s: %s", bpf_program__name(att[i]), strerror(-r));
			goto fail;
		}
		p->nlinks++;
	}
	*out = p;
	return 0;
fail:
	qp_close(p);
	return r;
}

int qp_start(struct qp *p)
{
	__atomic_store_n(&p->skel->bss->capturing, 1, __ATOMIC_RELEASE);
	return 0;
}

int qp_stop(struct qp *p)
{
	__atomic_store_n(&p->skel->bss->capturing, 0, __ATOMIC_RELEASE);
	return 0;
}

int qp_only_tgid(struct qp *p, uint32_t tgid)
{
	__atomic_store_n(&p->skel->bss->only_tgid, tgid, __ATOMIC_RELEASE);
	return 0;
}

int qp_stats(struct qp *p, struct qp_stats *st)
{
	int fd = bpf_map__fd(p->skel->maps.counters);
	memset(st, 0, sizeof(*st));
	st->ncpus = p->ncpus;
	/* a per-CPU array: one lookup gives every CPU's copy */
	struct ctr { uint64_t evts, drops_buf, drops_size, drops_compat, fast; } *all = calloc(p->ncpus, sizeof(*all));
	uint32_t zero = 0;
	if (!all)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &zero, all)) {
		int e = -errno;
		free(all);
		return e;
	}
	for (int cpu = 0; cpu < p->ncpus; cpu++) {
		struct ctr c = all[cpu];
		st->per_cpu_events[cpu] = c.evts;
		st->per_cpu_drops[cpu] = c.drops_buf + c.drops_size;
		st->events += c.evts;
		st->drops += c.drops_buf + c.drops_size;
		st->drops_size += c.drops_size;
		st->drops_compat += c.drops_compat;
		st->fast_events += c.fast;
	}
	free(all);
	return 0;
}

long qp_drain(struct qp *p, uint8_t *buf, size_t cap, uint32_t max_events, uint16_t *cpus, uint32_t *n_events)
{
	return rr_drain(p->rings, p->ncpus, buf, cap, max_events, cpus, n_events, 0);
}

long qp_drain_blocks(struct qp *p, uint8_t *buf, size_t cap, uint32_t max_events, uint32_t *n_events)
{
	return rr_drain(p->rings, p->ncpus, buf, cap, max_events, NULL, n_events, 1);
}

/* The writer's polling: the probe writes without wake-ups, so after a drain that did not fill
 * the buffer the loop sleeps NAP_MIN_NS, and while the rings stay empty it doubles the sleep up
 * to NAP_MAX_NS (4 M events/s fill an 8 MiB ring in about 35 ms). */
#define NAP_MIN_NS 1000000L
#define NAP_MAX_NS 10000000L
#define WRITER_NICE -4

static void nap(long ns)
{
	struct timespec ts = {ns / 1000000000L, ns % 1000000000L};
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Where the writer thread runs. A CPU whose ring filled fast in the last PLACE_NS is running a
 * syscall-heavy task; if the writer shares that CPU (the scheduler wakes it where it slept, and
 * keeps it there while the other CPUs are busy too), every drain and write is time taken from that
 * task, which is the workload being traced. So the writer keeps off the CPUs that produced at
 * least HOT_BYTES in the last period, as long as one CPU it may use is left; when none is hot
 * again it may use them all. A writer that fell behind (a drain found over half its buffer
 * waiting) may use every CPU at once, until the next period: on a machine busy everywhere, the
 * CPUs it keeps to may be the ones it waits longest for. */
#define PLACE_NS 100000000ull
#define HOT_BYTES (1ull << 20) /* per PLACE_NS: about 200 k events/s */

struct placement {
	cpu_set_t allowed; /* the thread's own affinity at start */
	cpu_set_t current;
	uint64_t *last_cons; /* each ring's consumer position at the last check */
	uint64_t next_ns;
};

static int place_init(struct placement *pl, struct qp *p)
{
	if (sched_getaffinity(0, sizeof(pl->allowed), &pl->allowed))
		CPU_ZERO(&pl->allowed);
	pl->current = pl->allowed;
	pl->last_cons = calloc(p->ncpus, sizeof(uint64_t));
	if (!pl->last_cons)
		return -ENOMEM;
	for (int i = 0; i < p->ncpus; i++)
		pl->last_cons[i] = p->rings[i].cons;
	pl->next_ns = now_ns() + PLACE_NS;
	return 0;
}

static void set_cpus(struct placement *pl, const cpu_set_t *want)
{
	if (!CPU_EQUAL(want, &pl->current) && !sched_setaffinity(0, sizeof(*want), want))
		pl->current = *want;
}

static void place(struct placement *pl, struct qp *p, int behind)
{
	if (behind)
		set_cpus(pl, &pl->allowed);
	uint64_t t = now_ns();
	if (t < pl->next_ns)
		return;
	pl->next_ns = t + PLACE_NS;
	cpu_set_t want = pl->allowed;
	for (int i = 0; i < p->ncpus && i < CPU_SETSIZE; i++) {
		uint64_t cons = p->rings[i].cons;
		if (cons - pl->last_cons[i] >= HOT_BYTES)
			CPU_CLR(i, &want);
		pl->last_cons[i] = cons;
	}
	if (!CPU_COUNT(&want) || behind)
		want = pl->allowed;
	set_cpus(pl, &want);
}

void qp_write_loop(struct qp *p, int fd, uint64_t max_events, size_t buf_bytes, struct qp_write_result *res)
{
	memset(res, 0, sizeof(*res));
	struct placement pl;
	uint8_t *buf = malloc(buf_bytes);
	if (!buf || place_init(&pl, p)) {
		free(buf);
		res->err = ENOMEM;
		return;
	}
	/* A little ahead of ordinary tasks on a busy CPU (nice -4, auditd's default priority_boost):
	 * the writer needs little CPU, but while it waits the rings fill and events are lost. Left as
	 * it is without the privilege. */
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), WRITER_NICE);
	long sleep_ns = NAP_MIN_NS;
	for (;;) {
		/* read before draining: once it is off, an empty drain means nothing more will come */
		int capturing = __atomic_load_n(&p->skel->bss->capturing, __ATOMIC_ACQUIRE);
		uint64_t left = max_events ? max_events - res->events : UINT32_MAX;
		uint32_t n = 0;
		long got = rr_drain(p->rings, p->ncpus, buf, buf_bytes, left > UINT32_MAX ? UINT32_MAX : (uint32_t)left,
				    NULL, &n, 1);
		for (long off = 0; off < got;) {
			ssize_t w = write(fd, buf + off, got - off);
			if (w < 0) {
				if (errno == EINTR)
					continue;
				res->err = errno;
				goto out;
			}
			off += w;
		}
		res->events += n;
		res->bytes += got;
		if (max_events && res->events >= max_events)
			break;
		/* over half the buffer in one go: the rings are filling fast (or the writer fell behind) */
		int busy = (size_t)got > buf_bytes / 2;
		place(&pl, p, busy);
		if (n == 0) {
			if (!capturing)
				break;
			nap(sleep_ns);
			sleep_ns = sleep_ns * 2 > NAP_MAX_NS ? NAP_MAX_NS : sleep_ns * 2;
			continue;
		}
		sleep_ns = NAP_MIN_NS;
		if (!busy)
			nap(sleep_ns); /* else drain again at once */
	}
out:
	free(pl.last_cons);
	free(buf);
}

void qp_close(struct qp *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->nlinks; i++)
		bpf_link__destroy(p->links[i]);
	if (p->rings)
		for (int i = 0; i < p->ncpus; i++)
			rr_unmap(&p->rings[i]);
	if (p->ring_fds)
		for (int i = 0; i < p->ncpus; i++)
			if (p->ring_fds[i] >= 0)
				close(p->ring_fds[i]);
	free(p->rings);
	free(p->ring_fds);
	quarry__destroy(p->skel);
	free(p);
}
