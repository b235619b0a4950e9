// SPDX-License-Identifier: Apache-2.0
/* Per-program BPF cost of one command: turns on run-time stats (BPF_ENABLE_STATS, released when
 * this process exits, so the machine-wide sysctl is left alone), runs the command, and prints for
 * the programs named sys_enter and sys_exit (or $PROGCOST_ENTER and $PROGCOST_EXIT, e.g. the
 * minimal probe's min_enter and min_exit) held by process PID (the capture; other probes may be
 * loaded on a shared machine) the runs and the average ns per run during the command.
 * Usage: progcost PID CMD [ARG...] */
#include <bpf/bpf.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define N 2

/* An fd for the program called name among those process pid holds (its fdinfo has prog_id). */
static int held_by(int pid, const char *name)
{
	char dir[64], path[384], line[256];
	snprintf(dir, sizeof(dir), "/proc/%d/fdinfo", pid);
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *de;
	int found = -1;
	while (found < 0 && (de = readdir(d))) {
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			if (strncmp(line, "prog_id:", 8))
				continue;
			int fd = bpf_prog_get_fd_by_id(atoi(line + 8));
			struct bpf_prog_info info = {};
			__u32 len = sizeof(info);
			if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len) && !strcmp(info.name, name))
				found = fd;
			else if (fd >= 0)
				close(fd);
		}
		fclose(f);
	}
	closedir(d);
	return found;
}

static void sample(int fd, __u64 *cnt, __u64 *ns)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	bpf_obj_get_info_by_fd(fd, &info, &len);
	*cnt = info.run_cnt;
	*ns = info.run_time_ns;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: progcost PID CMD [ARG...]\n");
		return 2;
	}
	const char *names[N] = {getenv("PROGCOST_ENTER"), getenv("PROGCOST_EXIT")};
	if (!names[0])
		names[0] = "sys_enter";
	if (!names[1])
		names[1] = "sys_exit";
	int stats = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (stats < 0) {
		perror("bpf_enable_stats");
		return 1;
	}
	int fds[N];
	__u64 c0[N], t0[N], c1[N], t1[N];
	for (unsigned i = 0; i < N; i++) {
		fds[i] = held_by(atoi(argv[1]), names[i]);
		if (fds[i] < 0) {
			fprintf(stderr, "progcost: process %s holds no program named %s\n", argv[1], names[i]);
			return 1;
		}
		sample(fds[i], &c0[i], &t0[i]);
	}
	pid_t pid = fork();
	if (!pid) {
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	for (unsigned i = 0; i < N; i++) {
		sample(fds[i], &c1[i], &t1[i]);
		__u64 c = c1[i] - c0[i], t = t1[i] - t0[i];
		printf("%s runs %llu avg_ns %.1f\n", names[i], (unsigned long long)c, c ? (double)t / c : 0.0);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
