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

/* The next committed record of a ring, skipping discarded ones; NULL if none is ready. Inlined:
 * it runs once per event. */
static inline __attribute__((always_inline)) uint8_t *peek(struct rr_ring *r, uint64_t prod, uint32_t *len)
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

/* EV_V2 block framing (scap file format): u32 type, u32 total, u16 cpu, the event, zero padding
 * to 4 bytes, u32 total again. */
#define EV_V2 0x216
static inline size_t block_size(uint32_t len)
{
	return 8 + ((2 + len + 3) & ~3u) + 4;
}

/* Copies an event in 8-byte words: the inlined loads and stores cost less than a memcpy call of
 * a variable length, once per event. It reads up to 7 bytes past the event, which are still the
 * record's (records are padded to 8 bytes), and writes up to 7 bytes past it: callers leave that
 * much room (COPY_SLACK) and overwrite them. */
#define COPY_SLACK 8
static inline __attribute__((always_inline)) void copy_words(uint8_t *dst, const uint8_t *src, uint32_t len)
{
	for (uint32_t i = 0; i < len; i += 8)
		memcpy(dst + i, src + i, 8);
}

/* The ring whose head record is oldest (-1 if every ring is empty), and in *bound the oldest
 * head timestamp among the others (UINT64_MAX if none) with its ring in *bound_ring. Ties go to
 * the lower ring index. */
static inline int oldest(uint8_t **head, const uint64_t *head_ts, int n, uint64_t *bound, int *bound_ring)
{
	int best = -1, second = -1;
	for (int i = 0; i < n; i++) {
		if (!head[i])
			continue;
		if (best < 0 || head_ts[i] < head_ts[best]) {
			second = best;
			best = i;
		} else if (second < 0 || head_ts[i] < head_ts[second]) {
			second = i;
		}
	}
	*bound = second < 0 ? UINT64_MAX : head_ts[second];
	*bound_ring = second;
	return best;
}

long rr_drain(struct rr_ring *rings, int n, uint8_t *buf, size_t cap, uint32_t max_events, uint16_t *cpus,
	      uint32_t *n_events, int frame)
{
	uint64_t prod[n];
	/* The head record of each ring, peeked once and refreshed only after it is taken. */
	uint8_t *head[n];
	uint32_t head_len[n];
	uint64_t head_ts[n];
	size_t off = 0;
	uint32_t count = 0;
	for (int i = 0; i < n; i++) {
		head[i] = NULL;
		if (!rings[i].data)
			continue;
		prod[i] = __atomic_load_n(rings[i].producer, __ATOMIC_ACQUIRE);
		head[i] = peek(&rings[i], prod[i], &head_len[i]);
		if (head[i])
			memcpy(&head_ts[i], head[i], 8);
	}

	/* The ring taken from, and the oldest head of the other rings: while the ring's next record is
	 * older than that, it is taken without looking at the others again (the heads of the other
	 * rings do not change meanwhile), so a run of events from one busy CPU costs no scan. */
	uint64_t bound = 0;
	int bound_ring = -1;
	int best = oldest(head, head_ts, n, &bound, &bound_ring);
	while (count < max_events && best >= 0) {
		uint8_t *rec = head[best];
		uint32_t rlen = head_len[best];
		/* The event's own length (a record is never shorter than its event). */
		uint32_t len = rlen;
		if (rlen >= 26) {
			memcpy(&len, rec + 16, 4);
			if (len > rlen || len < 26)
				len = rlen;
		}
		size_t need = frame ? block_size(len) : len;
		if (off + need + COPY_SLACK > cap)
			break;
		/* A record can wrap the end of the data area; the double mapping makes it contiguous. */
		if (frame) {
			uint8_t *b = buf + off;
			uint32_t hdr[2] = {EV_V2, (uint32_t)need};
			uint16_t cpu = (uint16_t)best;
			uint32_t zero = 0;
			memcpy(b, hdr, 8);
			memcpy(b + 8, &cpu, 2);
			copy_words(b + 10, rec, len);
			/* the 0-3 padding bytes (the word's bytes past them are the length, written next) */
			memcpy(b + 10 + len, &zero, 4);
			memcpy(b + need - 4, &hdr[1], 4);
		} else {
			copy_words(buf + off, rec, len);
		}
		off += need;
		if (cpus)
			cpus[count] = (uint16_t)best;
		count++;
		struct rr_ring *r = &rings[best];
		r->cons += rec_size(rlen);
		head[best] = peek(r, prod[best], &head_len[best]);
		if (!head[best] && r->cons >= prod[best]) {
			/* caught up with the snapshot: look for records written since */
			prod[best] = __atomic_load_n(r->producer, __ATOMIC_ACQUIRE);
			head[best] = peek(r, prod[best], &head_len[best]);
		}
		if (head[best]) {
			memcpy(&head_ts[best], head[best], 8);
			if (head_ts[best] < bound || (head_ts[best] == bound && best < bound_ring))
				continue;
		}
		best = oldest(head, head_ts, n, &bound, &bound_ring);
	}
	for (int i = 0; i < n; i++)
		if (rings[i].data)
			__atomic_store_n(rings[i].consumer, rings[i].cons, __ATOMIC_RELEASE);
	if (n_events)
		*n_events = count;
	return (long)off;
}
