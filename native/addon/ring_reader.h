/* SPDX-License-Identifier: Apache-2.0 */
/* Reading BPF ring buffers directly from their memory maps, and merging several by timestamp.
 * We do not use libbpf's callback consumer: to merge CPUs we must look at the head record of every
 * ring before taking one. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rr_ring {
	unsigned long *consumer; /* shared consumer position (page 0, writable) */
	unsigned long *producer; /* shared producer position (page 1, read-only) */
	uint8_t *data;           /* ring data, mapped twice back to back */
	uint64_t mask;
	uint64_t cons;           /* our consumer position, published at the end of a drain */
	size_t map_len;
	void *map_base;
	void *cons_base;
};

int rr_map(struct rr_ring *r, int map_fd, uint64_t size);
void rr_unmap(struct rr_ring *r);
/* Drains up to max_events records from the rings into buf, in timestamp order; returns the bytes
 * filled. cpus (optional) receives the ring index (= CPU) of each record. With frame set, each
 * event is written as a scap EV_V2 block (ready for a capture file) instead of a bare record. The
 * bytes of buf up to 8 past the returned length may be overwritten too. */
long rr_drain(struct rr_ring *rings, int n, uint8_t *buf, size_t cap, uint32_t max_events, uint16_t *cpus,
	      uint32_t *n_events, int frame);

#ifdef __cplusplus
}
#endif
