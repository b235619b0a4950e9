// SPDX-License-Identifier: Apache-2.0
/* Consumer for min.bpf.c: polls the ring without wake-ups (ring_buffer__consume, sleeping 0.5 ms
 * doubling to 30 ms while it is empty) and only counts records. Runs until SIGINT/SIGTERM, then
 * prints "records N drops D" on stdout. Needs root. */
#include <bpf/libbpf.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>
#include "min.skel.h"

static volatile sig_atomic_t stop;
static unsigned long long count;

static void on_sig(int s) { (void)s; stop = 1; }

static int on_rec(void *ctx, void *data, size_t len)
{
	(void)ctx; (void)data; (void)len;
	count++;
	return 0;
}

int main(void)
{
	struct rlimit inf = {RLIM_INFINITY, RLIM_INFINITY};
	setrlimit(RLIMIT_MEMLOCK, &inf);
	struct min *skel = min__open_and_load();
	if (!skel || min__attach(skel)) {
		fprintf(stderr, "minprobe: cannot load or attach\n");
		return 1;
	}
	struct ring_buffer *rb = ring_buffer__new(bpf_map__fd(skel->maps.rb), on_rec, NULL, NULL);
	if (!rb) {
		fprintf(stderr, "minprobe: cannot map the ring\n");
		return 1;
	}
	signal(SIGINT, on_sig);
	signal(SIGTERM, on_sig);
	printf("ready\n");
	fflush(stdout);
	unsigned nap = 500;
	while (!stop) {
		if (ring_buffer__consume(rb) > 0) {
			nap = 500;
			continue;
		}
		usleep(nap);
		nap = nap * 2 > 30000 ? 30000 : nap * 2;
	}
	min__detach(skel);
	ring_buffer__consume(rb);
	printf("records %llu drops %llu\n", count, (unsigned long long)skel->bss->drops);
	ring_buffer__free(rb);
	min__destroy(skel);
	return 0;
}
