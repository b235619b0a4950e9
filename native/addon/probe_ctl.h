/* SPDX-License-Identifier: Apache-2.0 */
/* Probe lifecycle in plain C: open (load + rings + tables + attach), start/stop, stats, drain,
 * close. Every call returns 0 (or a count) on success and -errno on failure. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define QP_MAX_CPUS 1024

struct qp_opts {
	uint32_t snaplen;        /* I/O bytes per buffer (default 80) */
	int debug;               /* also capture our own process */
	uint64_t ring_bytes;     /* per-CPU ring size: power of two, page multiple */
	int capture_switch;      /* emit sched_switch events */
	int no_fast_paths;       /* every syscall through the tail-called programs (tests compare both) */
	const uint8_t *syscalls; /* 512 flags, 1 = capture; NULL = all */
};

struct qp_stats {
	uint32_t ncpus;
	uint64_t events;
	uint64_t drops;
	uint64_t per_cpu_events[QP_MAX_CPUS];
	uint64_t per_cpu_drops[QP_MAX_CPUS];
	uint64_t drops_size;
	uint64_t drops_compat;
	uint64_t fast_events; /* of events, written by the probe's fast paths */
};

struct qp;

int qp_open(struct qp **out, const struct qp_opts *opts, char *err, size_t errlen);
int qp_start(struct qp *p);
int qp_stop(struct qp *p);
/* Capture only this process (0 = every process). */
int qp_only_tgid(struct qp *p, uint32_t tgid);
int qp_stats(struct qp *p, struct qp_stats *st);
/* Copies whole events, oldest timestamp first across CPUs, into buf. Returns bytes written. */
long qp_drain(struct qp *p, uint8_t *buf, size_t cap, uint32_t max_events, uint16_t *cpus, uint32_t *n_events);
/* The same, each event framed as a scap EV_V2 block (cpu included), ready to append to a file. */
long qp_drain_blocks(struct qp *p, uint8_t *buf, size_t cap, uint32_t max_events, uint32_t *n_events);
/* Live capture straight to a file (`quarry -w`): drains the rings as EV_V2 blocks into a buffer
 * of buf_bytes and appends it to fd, on the calling thread, until the capture is stopped
 * (qp_stop) and the rings are empty, max_events (0 = no limit) were written, or a write fails.
 * The calling thread is meant to be one of its own (the addon starts one): the loop sets its
 * nice value and its CPU affinity (see probe_ctl.c). */
struct qp_write_result {
	uint64_t events;
	uint64_t bytes;
	int err; /* 0, or the errno of the failed write or allocation */
};
void qp_write_loop(struct qp *p, int fd, uint64_t max_events, size_t buf_bytes, struct qp_write_result *res);
void qp_close(struct qp *p);

#ifdef __cplusplus
}
#endif
