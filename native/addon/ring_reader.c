// SPDX-License-Identifier: Apache-2.0
#include "ring_reader.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Record header written by the kernel before each record: u32 len (bit 31 busy, bit 30
 * discarded), u32 page offset. Records are 8-byte aligned. */
#define RB_BUSY (1u << 31)
#define RB_DISCARD (1u << 30)
#define RB_HDR 8

int rr_map(struct rr_ring *r, int map_fd, uint64_t size)
{
	long page = sysconf(_SC_PAGESIZE);
	memset(r, 0, sizeof(*r));
	r->cons_base = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (r->cons_base == MAP_FAILED)
		return -errno;
	r->map_len = page + 2 * size;
	r->map_base = mmap(NULL, r->map_len, PROT_READ, MAP_SHARED, map_fd, page);
	if (r->map_base == MAP_FAILED) {
		int e = -errno;
		munmap(r->cons_base, page);
		return e;
	}
	r->consumer = (unsigned long *)r->cons_base;
	r->producer = (unsigned long *)r->map_base;
	r->data = (uint8_t *)r->map_base + page;
	r->mask = size - 1;
	r->cons = __atomic_load_n(r->consumer, __ATOMIC_ACQUIRE);
	return 0;
}

void rr_unmap(struct rr_ring *r)
{
	long page = sysconf(_SC_PAGESIZE);
	if (r->map_base)
		munmap(r->map_base, r->map_len);
	if (r->cons_base)
		munmap(r->cons_base, page);
	memset(r, 0, sizeof(*r));
}

static inline uint64_t rec_size(uint32_t len)
{
	return (len + RB_HDR + 7) & ~7ull;
}

/* The next committed record of a ring, skipping discarded ones; NULL if none is ready. */
static uint8_t *peek(struct rr_ring *r, uint64_t prod, uint32_t *len)
{
	while (r->cons < prod) {
		uint8_t *hdr = r->data + (r->cons & r->mask);
		uint32_t l = __atomic_load_n((uint32_t *)hdr, __ATOMIC_ACQUIRE);
		if (l & RB_BUSY)
			return NULL;
		if (l & RB_DISCARD) {
			r->cons += rec_size(l & ~RB_DISCARD);
			continue;
		}
		*len = l;
		return hdr + RB_HDR;
	}
	return NULL;
}

long rr_drain(struct rr_ring *rings, int n, uint8_t *buf, size_t cap, uint32_t max_events, uint16_t *cpus,
	      uint32_t *n_events)
{
	uint64_t prod[n];
	size_t off = 0;
	uint32_t count = 0;
	for (int i = 0; i < n; i++)
		prod[i] = rings[i].data ? __atomic_load_n(rings[i].producer, __ATOMIC_ACQUIRE) : 0;

	while (count < max_events) {
		int best = -1;
		uint64_t best_ts = 0;
		uint8_t *best_rec = NULL;
		uint32_t best_len = 0;
		for (int i = 0; i < n; i++) {
			if (!rings[i].data)
				continue;
			uint32_t len;
			uint8_t *rec = peek(&rings[i], prod[i], &len);
			if (!rec)
				continue;
			uint64_t ts;
			memcpy(&ts, rec, 8);
			if (best < 0 || ts < best_ts) {
				best = i;
				best_ts = ts;
				best_rec = rec;
				best_len = len;
			}
		}
		if (best < 0 || off + best_len > cap)
			break;
		/* A record can wrap the end of the data area; the double mapping makes it contiguous. */
		memcpy(buf + off, best_rec, best_len);
		off += best_len;
		if (cpus)
			cpus[count] = (uint16_t)best;
		count++;
		rings[best].cons += rec_size(best_len);
	}
	for (int i = 0; i < n; i++)
		if (rings[i].data)
			__atomic_store_n(rings[i].consumer, rings[i].cons, __ATOMIC_RELEASE);
	if (n_events)
		*n_events = count;
	return (long)off;
}
