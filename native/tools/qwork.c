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

/* The syscalls the probe's fast paths cover (and readv, close, sendto, recvfrom, which were tried), each
 * with a success and failures (bad fd, bad buffer, bad offset), sizes below and above the
 * snaplen, and zero sizes. */
static int fast_scenario(void)
{
	char buf[300], big[300];
	for (int i = 0; i < (int)sizeof(big); i++)
		big[i] = 'a' + i % 26;
	long z = S2(SYS_open, "/dev/zero", O_RDONLY), nul = S2(SYS_open, "/dev/null", O_WRONLY);
	int sv[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	struct iovec iov[2] = {{buf, 10}, {buf + 10, 200}};
	S3(SYS_read, z, buf, 100);
	S3(SYS_read, z, buf, 0);
	S3(SYS_read, -1, buf, 10);
	S3(SYS_read, z, NULL, 10);
	S3(SYS_write, nul, big, 5);
	S3(SYS_write, nul, big, 200);
	S3(SYS_write, -1, big, 10);
	S3(SYS_write, nul, NULL, 10);
	S4(SYS_pread64, z, buf, 30, 12345);
	S4(SYS_pread64, z, buf, 30, -1);
	S4(SYS_pread64, -1, buf, 30, 7);
	S4(SYS_pwrite64, nul, big, 3, 99);
	S4(SYS_pwrite64, nul, big, 150, 1 << 20);
	S4(SYS_pwrite64, -1, big, 3, 0);
	S3(SYS_readv, z, iov, 2);
	S3(SYS_readv, -1, iov, 2);
	S1(SYS_close, S1(SYS_dup, z));
	S1(SYS_close, -1);
	S1(SYS_close, 12345);
	S6(SYS_sendto, sv[0], big, 4, 0, 0, 0);
	S6(SYS_sendto, sv[0], big, 120, 0, 0, 0);
	S6(SYS_sendto, -1, big, 4, 0, 0, 0);
	S6(SYS_sendto, sv[0], NULL, 4, 0, 0, 0);
	S6(SYS_recvfrom, sv[1], buf, 64, 0, 0, 0);
	S6(SYS_recvfrom, sv[1], buf, 200, 0, 0, 0);
	S6(SYS_recvfrom, -1, buf, 64, 0, 0, 0);
	printf("%ld %ld\n", z, nul);
	return 0;
}

/* n calls of one hot syscall family (for per-program cost measurements): each iteration makes
 * the named syscall once, on an fd that makes it cheap (/dev/zero, /dev/null, a datagram pair). */
static int hot_scenario(const char *kind, long n)
{
	char buf[64] = "0123456789abcdef";
	long z = S2(SYS_open, "/dev/zero", O_RDONLY), nul = S2(SYS_open, "/dev/null", O_WRONLY);
	int sv[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	struct iovec iov[2] = {{buf, 8}, {buf + 8, 8}};
	int k = !strcmp(kind, "read") ? 0 : !strcmp(kind, "pread") ? 1 : !strcmp(kind, "pwrite") ? 2 :
		!strcmp(kind, "readv") ? 3 : !strcmp(kind, "writev") ? 4 : !strcmp(kind, "sendrecv") ? 5 :
		!strcmp(kind, "close") ? 6 : -1;
	if (k < 0)
		return 2;
	for (long i = 0; i < n; i++) {
		switch (k) {
		case 0: S3(SYS_read, z, buf, 16); break;
		case 1: S4(SYS_pread64, z, buf, 16, 0); break;
		case 2: S4(SYS_pwrite64, nul, buf, 16, 0); break;
		case 3: S3(SYS_readv, z, iov, 2); break;
		case 4: S3(SYS_writev, nul, iov, 2); break;
		case 5: /* one sendto then one recvfrom */
			S6(SYS_sendto, sv[0], buf, 16, 0, 0, 0);
			S6(SYS_recvfrom, sv[1], buf, sizeof(buf), 0, 0, 0);
			break;
		case 6: S1(SYS_close, -1); break; /* EBADF: the kernel side is cheap, the probe's is not */
		}
	}
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
	if (!strcmp(argv[1], "fast"))
		return fast_scenario();
	if (!strcmp(argv[1], "hot") && argc > 3)
		return hot_scenario(argv[2], atol(argv[3]));
	return 2;
}
