/* SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0 */
/* Kernel flag values -> PPM encodings, the way the real driver converts them (quirks included:
 * O_TMPFILE is tested as a mask, so O_DIRECTORY alone also sets PPM_O_TMPFILE). */
#pragma once

/* x86_64 kernel values (asm-generic/fcntl.h): not in BTF since they are macros. */
#define K_O_WRONLY 01
#define K_O_RDWR 02
#define K_O_CREAT 0100
#define K_O_EXCL 0200
#define K_O_TRUNC 01000
#define K_O_APPEND 02000
#define K_O_NONBLOCK 04000
#define K_O_DSYNC 010000
#define K_O_DIRECT 040000
#define K_O_LARGEFILE 0100000
#define K_O_DIRECTORY 0200000
#define K_O_CLOEXEC 02000000
#define K_O_SYNC (04000000 | K_O_DSYNC)
#define K_O_TMPFILE (020000000 | K_O_DIRECTORY)

static __always_inline __u32 open_flags_to_ppm(__u64 f)
{
	__u32 r;
	switch (f & (K_O_WRONLY | K_O_RDWR)) {
	case K_O_WRONLY: r = PPM_O_WRONLY; break;
	case K_O_RDWR: r = PPM_O_RDWR; break;
	default: r = PPM_O_RDONLY; break;
	}
	if (f & K_O_CREAT) r |= PPM_O_CREAT;
	if (f & K_O_TMPFILE) r |= PPM_O_TMPFILE;
	if (f & K_O_APPEND) r |= PPM_O_APPEND;
	if (f & K_O_DSYNC) r |= PPM_O_DSYNC;
	if (f & K_O_EXCL) r |= PPM_O_EXCL;
	if (f & K_O_NONBLOCK) r |= PPM_O_NONBLOCK;
	if (f & K_O_SYNC) r |= PPM_O_SYNC;
	if (f & K_O_TRUNC) r |= PPM_O_TRUNC;
	if (f & K_O_DIRECT) r |= PPM_O_DIRECT;
	if (f & K_O_DIRECTORY) r |= PPM_O_DIRECTORY;
	if (f & K_O_LARGEFILE) r |= PPM_O_LARGEFILE;
	if (f & K_O_CLOEXEC) r |= PPM_O_CLOEXEC;
	return r;
}

/* The mode only counts when the open can create a file. PPM_S_* reorders the rwx bits. */
static __always_inline __u32 open_mode_to_ppm(__u64 flags, __u64 m)
{
	if (!(flags & (K_O_CREAT | K_O_TMPFILE)))
		return 0;
	__u32 r = 0;
	if (m & 0400) r |= 1 << 8;
	if (m & 0200) r |= 1 << 7;
	if (m & 0100) r |= 1 << 6;
	if (m & 040) r |= 1 << 5;
	if (m & 020) r |= 1 << 4;
	if (m & 010) r |= 1 << 3;
	if (m & 04) r |= 1 << 2;
	if (m & 02) r |= 1 << 1;
	if (m & 01) r |= 1 << 0;
	if (m & 01000) r |= 1 << 9;
	if (m & 02000) r |= 1 << 10;
	if (m & 04000) r |= 1 << 11;
	return r;
}

static __always_inline __u32 clone_flags_to_ppm(__u64 f)
{
	__u32 r = 0;
	if (f & 0x00000400) r |= 1 << 0;  /* FILES */
	if (f & 0x00000200) r |= 1 << 1;  /* FS */
	if (f & 0x80000000) r |= 1 << 2;  /* IO */
	if (f & 0x08000000) r |= 1 << 3;  /* NEWIPC */
	if (f & 0x40000000) r |= 1 << 4;  /* NEWNET */
	if (f & 0x00020000) r |= 1 << 5;  /* NEWNS */
	if (f & 0x20000000) r |= 1 << 6;  /* NEWPID */
	if (f & 0x04000000) r |= 1 << 7;  /* NEWUTS */
	if (f & 0x00008000) r |= 1 << 8;  /* PARENT */
	if (f & 0x00100000) r |= 1 << 9;  /* PARENT_SETTID */
	if (f & 0x00002000) r |= 1 << 10; /* PTRACE */
	if (f & 0x00000800) r |= 1 << 11; /* SIGHAND */
	if (f & 0x00040000) r |= 1 << 12; /* SYSVSEM */
	if (f & 0x00010000) r |= 1 << 13; /* THREAD */
	if (f & 0x00800000) r |= 1 << 14; /* UNTRACED */
	if (f & 0x00000100) r |= 1 << 15; /* VM */
	if (f & 0x10000000) r |= 1 << 20; /* NEWUSER */
	if (f & 0x00200000) r |= 1 << 23; /* CHILD_CLEARTID */
	if (f & 0x01000000) r |= 1 << 24; /* CHILD_SETTID */
	if (f & 0x00080000) r |= 1 << 25; /* SETTLS */
	if (f & 0x00004000) r |= 1 << 27; /* VFORK */
	if (f & 0x02000000) r |= 1 << 28; /* NEWCGROUP */
	return r;
}

static __always_inline __u8 fcntl_cmd_to_ppm(__u64 cmd)
{
	switch (cmd) {
	case 0: return 1;     /* F_DUPFD */
	case 1: return 2;     /* F_GETFD */
	case 2: return 3;     /* F_SETFD */
	case 3: return 4;     /* F_GETFL */
	case 4: return 5;     /* F_SETFL */
	case 5: return 6;     /* F_GETLK */
	case 6: return 8;     /* F_SETLK */
	case 7: return 9;     /* F_SETLKW */
	case 8: return 10;    /* F_SETOWN */
	case 9: return 12;    /* F_GETOWN */
	case 10: return 13;   /* F_SETSIG */
	case 11: return 15;   /* F_GETSIG */
	case 15: return 21;   /* F_SETOWN_EX */
	case 16: return 22;   /* F_GETOWN_EX */
	case 36: return 30;   /* F_OFD_GETLK */
	case 37: return 31;   /* F_OFD_SETLK */
	case 38: return 32;   /* F_OFD_SETLKW */
	case 1024: return 23; /* F_SETLEASE */
	case 1025: return 24; /* F_GETLEASE */
	case 1026: return 27; /* F_NOTIFY */
	case 1029: return 25; /* F_CANCELLK */
	case 1030: return 26; /* F_DUPFD_CLOEXEC */
	case 1031: return 28; /* F_SETPIPE_SZ */
	case 1032: return 29; /* F_GETPIPE_SZ */
	}
	return 0;
}

static __always_inline __u32 mmap_prot_to_ppm(__u64 p)
{
	__u32 r = p & 7; /* READ, WRITE, EXEC have the same bits */
	if (p & 0x8) r |= 1 << 3;
	if (p & 0x01000000) r |= 1 << 4;
	if (p & 0x02000000) r |= 1 << 5;
	return r;
}

static __always_inline __u32 mmap_flags_to_ppm(__u64 f)
{
	__u32 r = 0;
	if (f & 0x01) r |= 1 << 0;     /* SHARED */
	if (f & 0x02) r |= 1 << 1;     /* PRIVATE */
	if (f & 0x10) r |= 1 << 2;     /* FIXED */
	if (f & 0x20) r |= 1 << 3;     /* ANONYMOUS */
	if (f & 0x40) r |= 1 << 4;     /* 32BIT */
	if (f & 0x4000) r |= 1 << 6;   /* NORESERVE */
	if (f & 0x8000) r |= 1 << 7;   /* POPULATE */
	if (f & 0x10000) r |= 1 << 8;  /* NONBLOCK */
	if (f & 0x0100) r |= 1 << 9;   /* GROWSDOWN */
	if (f & 0x0800) r |= 1 << 10;  /* DENYWRITE */
	if (f & 0x1000) r |= 1 << 11;  /* EXECUTABLE */
	if (f & 0x2000) r |= 1 << 14;  /* LOCKED */
	return r;
}

static __always_inline __u16 poll_events_to_ppm(__u16 e)
{
	__u16 r = 0;
	if (e & 0x001) r |= 1 << 0;  /* POLLIN */
	if (e & 0x002) r |= 1 << 1;  /* POLLPRI */
	if (e & 0x004) r |= 1 << 2;  /* POLLOUT */
	if (e & 0x2000) r |= 1 << 3; /* POLLRDHUP */
	if (e & 0x008) r |= 1 << 4;  /* POLLERR */
	if (e & 0x010) r |= 1 << 5;  /* POLLHUP */
	if (e & 0x020) r |= 1 << 6;  /* POLLNVAL */
	if (e & 0x040) r |= 1 << 7;  /* POLLRDNORM */
	if (e & 0x080) r |= 1 << 8;  /* POLLRDBAND */
	if (e & 0x100) r |= 1 << 9;  /* POLLWRNORM */
	if (e & 0x200) r |= 1 << 10; /* POLLWRBAND */
	return r;
}

static __always_inline __u8 family_to_ppm(__u16 f)
{
	/* PPM_AF_* follow the Linux numbering for the families sysdig decodes */
	return (__u8)f;
}
