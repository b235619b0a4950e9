/* SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0 */
/* Maps and load-time settings shared by every program of the probe. */
#pragma once

#define SYSCALL_TABLE_SIZE 512
#define AUX_SIZE (128 * 1024) /* an event is built in the low 64 KiB; the rest is slack for masked writes */
#define AUX_MASK 0xFFFF
#define MAX_EVENT_LEN 0xFFFF
#define HDR_LEN 26
#define MAX_PARAMS 32

/* Set by the addon before load (.rodata). */
const volatile __u64 boot_epoch_ns = 0;   /* CLOCK_REALTIME - CLOCK_BOOTTIME at open */
const volatile __u32 snaplen = 80;        /* I/O bytes copied per buffer */
const volatile __u32 self_tgid = 0;       /* the capturing process, skipped unless debug */
const volatile __u32 use_preempt_kfuncs = 1;
const volatile __u32 fast_paths = 1;      /* 0: hot syscalls too go through the tail-called programs */

/* Writable at run time (.bss): 0 = paused, 1 = capturing. */
__u32 capturing = 0;
/* Writable at run time: if set, only this process is captured (tests, per-process tracing). */
__u32 only_tgid = 0;

struct aux_buf {
	__u8 data[AUX_SIZE];
};

/* One scratch buffer per CPU (a plain ARRAY indexed by CPU: per-CPU values are capped at 32 KiB). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* resized to the number of possible CPUs */
	__type(key, __u32);
	__type(value, struct aux_buf);
} aux_maps SEC(".maps");

/* Per-CPU counters, read by the addon for stats(). A per-CPU array: every CPU's copy has cache
 * lines of its own (in a plain array indexed by CPU, two CPUs' 40-byte counters shared a line,
 * which bounced between them on every event). */
struct cpu_counters {
	__u64 n_evts;       /* events written to the ring */
	__u64 n_drops_buffer; /* ring full */
	__u64 n_drops_size;   /* event larger than 64 KiB */
	__u64 n_drops_compat; /* ia32 syscalls, not decoded */
	__u64 n_fast;         /* of n_evts, written by the dispatchers' fast paths */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cpu_counters);
} counters SEC(".maps");

/* One ring buffer per CPU; the addon creates the rings and fills the slots before attach. */
struct ringbuf_map {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096 * 64); /* the addon sets the real size on the template */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1); /* resized to the number of possible CPUs */
	__type(key, __u32);
	__array(values, struct ringbuf_map);
} rings SEC(".maps");

/* Per syscall number: which PPM_SC code it is, and whether it is captured. */
struct sc_entry {
	__u16 ppm_sc;
	__u8 interesting;
	__u8 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SYSCALL_TABLE_SIZE);
	__type(key, __u32);
	__type(value, struct sc_entry);
} syscall_table SEC(".maps");

/* Clone flags seen at enter, by thread id, and copied to the child at fork time: the child's own
 * exit event needs them, and by then the caller's clone_args may be gone. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, __u64);
} clone_stash SEC(".maps");

/* Tail-call tables: syscall number -> specific enter/exit program. Empty slot = generic event. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, SYSCALL_TABLE_SIZE);
	__type(key, __u32);
	__type(value, __u32);
} enter_progs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, SYSCALL_TABLE_SIZE);
	__type(key, __u32);
	__type(value, __u32);
} exit_progs SEC(".maps");
