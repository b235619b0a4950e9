// SPDX-License-Identifier: Apache-2.0
/* The probe tests' workload: each scenario makes a known sequence of raw syscalls (through
 * syscall(2), so libc does not substitute others) with known arguments.
 * Usage: qwork SCENARIO [ARG...]; prints values the test cannot know in advance (fds, ports). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static long sc(long n, long a, long b, long c, long d, long e, long f)
{
	return syscall(n, a, b, c, d, e, f);
}
#define S0(n) sc(n, 0, 0, 0, 0, 0, 0)
#define S1(n, a) sc(n, (long)(a), 0, 0, 0, 0, 0)
#define S2(n, a, b) sc(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define S3(n, a, b, c) sc(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define S4(n, a, b, c, d) sc(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define S6(n, a, b, c, d, e, f) sc(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

#include "qwork_misc.c"

/* open, write, close, openat, read, pread, openat2, creat, stat, unlink */
static int file_scenario(const char *path)
{
	char buf[128];
	struct stat st;
	long fd = S3(SYS_open, path, O_WRONLY | O_CREAT | O_TRUNC, 0640);
	S3(SYS_write, fd, "hello, quarry", 13);
	S1(SYS_close, fd);
	fd = S4(SYS_openat, AT_FDCWD, path, O_RDONLY, 0);
	S3(SYS_read, fd, buf, sizeof(buf));
	S4(SYS_pread64, fd, buf, 6, 7);
	S1(SYS_close, fd);
	struct open_how how = {.flags = O_RDONLY | O_CLOEXEC, .mode = 0, .resolve = RESOLVE_NO_SYMLINKS};
	fd = S4(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	S1(SYS_close, fd);
	fd = S2(SYS_creat, path, 0600);
	struct iovec iov[2] = {{"abc", 3}, {"defgh", 5}};
	S3(SYS_writev, fd, iov, 2);
	S1(SYS_close, fd);
	S2(SYS_stat, path, &st);
	S1(SYS_unlink, path);
	S3(SYS_open, "/nonexistent/quarry", O_RDONLY, 0);
	printf("%ld\n", fd);
	return 0;
}

/* socket, bind, listen, socket, connect, accept4, sendto, recvfrom, sendmsg, recvmsg, close */
static int net_scenario(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof(a);
	long srv = S3(SYS_socket, AF_INET, SOCK_STREAM, 0);
	S3(SYS_bind, srv, &a, sizeof(a));
	S2(SYS_listen, srv, 8);
	getsockname(srv, (struct sockaddr *)&a, &alen);
	long cli = S3(SYS_socket, AF_INET, SOCK_STREAM, 0);
	S3(SYS_connect, cli, &a, sizeof(a));
	struct sockaddr_in peer;
	socklen_t plen = sizeof(peer);
	long conn = S4(SYS_accept4, srv, &peer, &plen, 0);
	S6(SYS_sendto, cli, "ping", 4, 0, 0, 0);
	char buf[64];
	S6(SYS_recvfrom, conn, buf, sizeof(buf), 0, 0, 0);
	struct iovec iov = {"pong!", 5};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	S3(SYS_sendmsg, conn, &mh, 0);
	struct iovec riov = {buf, sizeof(buf)};
	struct msghdr rmh = {.msg_iov = &riov, .msg_iovlen = 1};
	S3(SYS_recvmsg, cli, &rmh, 0);
	S1(SYS_close, conn);
	S1(SYS_close, cli);
	S1(SYS_close, srv);
	printf("%ld %ld %ld %d %d\n", srv, cli, conn, ntohs(a.sin_port), ntohs(peer.sin_port));
	return 0;
}

/* pipe2, dup, dup2, fcntl(F_DUPFD_CLOEXEC), close */
static int fd_scenario(void)
{
	int p[2];
	S2(SYS_pipe2, p, O_CLOEXEC);
	long d = S1(SYS_dup, p[0]);
	S2(SYS_dup2, p[1], 100);
	long f = S3(SYS_fcntl, p[0], F_DUPFD_CLOEXEC, 50);
	S1(SYS_close, d);
	S1(SYS_close, f);
	S1(SYS_close, 100);
	printf("%d %d %ld %ld\n", p[0], p[1], d, f);
	return 0;
}

static void *thread_main(void *arg)
{
	(void)arg;
	S0(SYS_getpid);
	return NULL;
}

/* clone3 (through pthread_create), fork + wait */
static int proc_scenario(void)
{
	pthread_t t;
	pthread_create(&t, NULL, thread_main, NULL);
	pthread_join(t, NULL);
	long pid = S0(SYS_fork);
	if (pid == 0) {
		S1(SYS_exit_group, 3);
	}
	int status;
	waitpid(pid, &status, 0);
	printf("%ld\n", pid);
	return 0;
}

/* execve of a known binary with known args and env */
static int exec_scenario(void)
{
	char *argv[] = {"true", "quarry-arg1", "arg2", NULL};
	char *envp[] = {"QUARRY_TEST=1", "LANG=C", NULL};
	S3(SYS_execve, "/nonexistent/bin", argv, envp);
	S3(SYS_execve, "/bin/true", argv, envp);
	return 1;
}

/* n one-byte writes to /dev/null */
static int flood_scenario(long n)
{
	long fd = S2(SYS_open, "/dev/null", O_WRONLY);
	for (long i = 0; i < n; i++)
		S3(SYS_write, fd, "x", 1);
	S1(SYS_close, fd);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc < 2)
		return 2;
	/* wait for the test to say go, so the capture sees everything */
	if (getenv("QWORK_WAIT")) {
		char c;
		if (read(0, &c, 1) != 1)
			return 2;
	}
	int rc;
	if (misc_scenarios(argc, argv, &rc))
		return rc;
	if (!strcmp(argv[1], "file") && argc > 2)
		return file_scenario(argv[2]);
	if (!strcmp(argv[1], "net"))
		return net_scenario();
	if (!strcmp(argv[1], "fd"))
		return fd_scenario();
	if (!strcmp(argv[1], "proc"))
		return proc_scenario();
	if (!strcmp(argv[1], "exec"))
		return exec_scenario();
	if (!strcmp(argv[1], "flood") && argc > 2)
		return flood_scenario(atol(argv[2]));
	return 2;
}
