/* SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0 */
/* Building one scap event in the per-CPU scratch buffer, then copying it to this CPU's ring.
 *
 * Layout (little endian, packed): ts u64 | tid u64 | len u32 | type u16 | nparams u32 |
 * nparams x u16 lengths | parameter bytes.
 *
 * Every write index is masked with AUX_MASK, so the verifier always sees 64 KiB of room in the
 * 128 KiB value; an event that grows past 64 KiB is dropped at submit and counted. Callers hold
 * preemption off from ev_begin to ev_submit/ev_abort, so no other task on this CPU can reuse the
 * buffer half-way (BPF only disables migration). */
#pragma once

extern void bpf_preempt_disable(void) __ksym __weak;
extern void bpf_preempt_enable(void) __ksym __weak;

struct ev {
	struct aux_buf *a;
	__u32 pos;  /* next payload byte */
	__u32 idx;  /* next parameter slot */
	__u32 cpu;
};

static __always_inline void preempt_off(void)
{
	if (use_preempt_kfuncs)
		bpf_preempt_disable();
}

static __always_inline void preempt_on(void)
{
	if (use_preempt_kfuncs)
		bpf_preempt_enable();
}

static __always_inline struct cpu_counters *this_counters(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&counters, &zero);
}

/* Starts an event; on 0 the caller must finish with ev_submit. Preemption is off on success. */
static __always_inline int ev_begin(struct ev *e, __u16 type, __u32 nparams)
{
	preempt_off();
	e->cpu = bpf_get_smp_processor_id();
	e->a = bpf_map_lookup_elem(&aux_maps, &e->cpu);
	if (!e->a) {
		preempt_on();
		return -1;
	}
	__u64 ts = boot_epoch_ns + bpf_ktime_get_boot_ns();
	__u64 tid = bpf_get_current_pid_tgid() & 0xffffffff;
	*(__u64 *)&e->a->data[0] = ts;
	*(__u64 *)&e->a->data[8] = tid;
	*(__u32 *)&e->a->data[16] = 0;
	*(__u16 *)&e->a->data[20] = type;
	*(__u32 *)&e->a->data[22] = nparams;
	e->idx = 0;
	e->pos = HDR_LEN + 2 * nparams;
	return 0;
}

/* Same, for events about another task (tid given). */
static __always_inline void ev_set_tid(struct ev *e, __u64 tid)
{
	*(__u64 *)&e->a->data[8] = tid;
}

static __always_inline void ev_len(struct ev *e, __u32 len)
{
	__u32 off = HDR_LEN + 2 * (e->idx & (MAX_PARAMS - 1));
	*(__u16 *)&e->a->data[off] = (__u16)len;
	e->idx++;
	e->pos += len;
}

static __always_inline void put_u8(struct ev *e, __u8 v)
{
	e->a->data[e->pos & AUX_MASK] = v;
	ev_len(e, 1);
}

static __always_inline void put_u16(struct ev *e, __u16 v)
{
	*(__u16 *)&e->a->data[e->pos & AUX_MASK] = v;
	ev_len(e, 2);
}

static __always_inline void put_u32(struct ev *e, __u32 v)
{
	*(__u32 *)&e->a->data[e->pos & AUX_MASK] = v;
	ev_len(e, 4);
}

static __always_inline void put_u64(struct ev *e, __u64 v)
{
	*(__u64 *)&e->a->data[e->pos & AUX_MASK] = v;
	ev_len(e, 8);
}

/* A parameter with no value (length 0). */
static __always_inline void put_empty(struct ev *e)
{
	ev_len(e, 0);
}

/* NUL-terminated user string (FSPATH/CHARBUF); the length counts the NUL. */
static __always_inline void put_user_str(struct ev *e, const void *uptr, __u32 max)
{
	long n = 0;
	if (uptr)
		n = bpf_probe_read_user_str(&e->a->data[e->pos & AUX_MASK], max & AUX_MASK, uptr);
	if (n <= 0) {
		/* the real driver writes "(NULL)" for a null pointer */
		if (!uptr) {
			__builtin_memcpy(&e->a->data[e->pos & AUX_MASK], "(NULL)", 7);
			n = 7;
		} else {
			n = 0;
		}
	}
	ev_len(e, n);
}

static __always_inline void put_kernel_str(struct ev *e, const void *kptr, __u32 max)
{
	long n = bpf_probe_read_kernel_str(&e->a->data[e->pos & AUX_MASK], max & AUX_MASK, kptr);
	if (n < 0)
		n = 0;
	ev_len(e, n);
}

/* Raw user bytes (BYTEBUF), at most len. */
static __always_inline void put_user_buf(struct ev *e, const void *uptr, __u64 len)
{
	if (!uptr || (__s64)len <= 0) {
		ev_len(e, 0);
		return;
	}
	__u32 n = len > AUX_MASK ? AUX_MASK : (__u32)len;
	if (bpf_probe_read_user(&e->a->data[e->pos & AUX_MASK], n & AUX_MASK, uptr))
		n = 0;
	ev_len(e, n);
}

/* Raw bytes already in the scratch buffer at e->pos: just account for them. */
static __always_inline void put_inplace(struct ev *e, __u32 n)
{
	ev_len(e, n);
}

static __always_inline int ev_submit(struct ev *e)
{
	struct cpu_counters *c = this_counters();
	__u32 len = e->pos;
	if (len > MAX_EVENT_LEN) {
		if (c)
			c->n_drops_size++;
		preempt_on();
		return 0;
	}
	*(__u32 *)&e->a->data[16] = len;
	void *ring = bpf_map_lookup_elem(&rings, &e->cpu);
	if (!ring) {
		if (c)
			c->n_drops_buffer++;
		preempt_on();
		return 0;
	}
	if (bpf_ringbuf_output(ring, e->a->data, len & AUX_MASK, BPF_RB_NO_WAKEUP)) {
		if (c)
			c->n_drops_buffer++;
	} else if (c) {
		c->n_evts++;
	}
	preempt_on();
	return 0;
}
