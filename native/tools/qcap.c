// SPDX-License-Identifier: Apache-2.0
/* A small scap-open-like tool: capture for N seconds, print events/s, drops and per-type counts. */
#include "../addon/probe_ctl.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2;
	struct qp_opts o = {.snaplen = 80, .ring_bytes = argc > 2 ? strtoull(argv[2], 0, 0) : 0, .capture_switch = 1};
	char err[256] = "";
	struct qp *p;
	int r = qp_open(&p, &o, err, sizeof(err));
	if (r) {
		fprintf(stderr, "open failed: %s\n", err);
		return 1;
	}
	qp_start(p);
	static uint8_t buf[4 << 20];
	static uint64_t types[1024];
	uint64_t n = 0, bytes = 0;
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		uint32_t cnt = 0;
		long got = qp_drain(p, buf, sizeof(buf), 100000, NULL, &cnt);
		for (long off = 0; off < got;) {
			uint32_t len; uint16_t type;
			memcpy(&len, buf + off + 16, 4);
			memcpy(&type, buf + off + 20, 2);
			types[type & 1023]++;
			off += len;
		}
		n += cnt; bytes += got;
		clock_gettime(CLOCK_MONOTONIC, &t);
		double el = t.tv_sec - t0.tv_sec + (t.tv_nsec - t0.tv_nsec) / 1e9;
		if (el >= secs) break;
		if (!cnt) usleep(1000);
	}
	qp_stop(p);
	struct qp_stats st;
	qp_stats(p, &st);
	printf("read %llu events (%llu bytes); kernel events %llu drops %llu compat %llu\n",
	       (unsigned long long)n, (unsigned long long)bytes, (unsigned long long)st.events,
	       (unsigned long long)st.drops, (unsigned long long)st.drops_compat);
	for (int i = 0; i < 1024; i++)
		if (types[i]) printf("  type %d: %llu\n", i, (unsigned long long)types[i]);
	qp_close(p);
	return 0;
}
