/* tuple-space.h - building blocks shared by the classifier and the megaflow
 * cache (internal to src/lib): a compact form of a flow mask, hashing of a
 * flow under such a mask, and an RCU-safe open-addressing table of pointers.
 *
 * Threads (the RCU model used by classifier.h, megaflow.h and emc.h):
 * liburcu, memb flavour (<urcu.h>, as dpif-socket uses).  Readers call the
 * ts_table_* read helpers inside rcu_read_lock() from a registered thread and
 * never block.  Exactly one writer at a time (the caller serializes writers);
 * the writer thread must be registered too (rcu_register_thread()), because
 * retired arrays are freed with call_rcu().  Tests and programs that free
 * everything at exit should call rcu_barrier() first. */
#ifndef PB_TUPLE_SPACE_H
#define PB_TUPLE_SPACE_H

#include <stdbool.h>
#include <stdint.h>

#include <urcu.h>

#include "lib/flow.h"

/* RCU pointer publication and reads, inline: liburcu's rcu_dereference()
 * and rcu_assign_pointer() are out-of-line calls unless _LGPL_SOURCE is
 * defined, which we do not.  A consume load (acquire in practice) pairs
 * with the release store. */
#define ts_load_ptr(p)     __atomic_load_n(&(p), __ATOMIC_CONSUME)
#define ts_store_ptr(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELEASE)

/* ---- Compact masks ---------------------------------------------------- */

/* The words of a mask that are not all-zero, in increasing word order:
 * idx[i] is a word index into a struct flow and w[i] its mask word. */
struct ts_mask {
	uint8_t n;
	uint8_t idx[FLOW_U64S];
	uint64_t w[FLOW_U64S];
};

void ts_mask_init(struct ts_mask *m, const struct flow *mask);
/* Expands 'm' back into a full flow mask. */
void ts_mask_expand(const struct ts_mask *m, struct flow *mask);

/* Per-position secrets of the hash (odd random 64-bit constants). */
extern const uint64_t ts_secret[24];

static inline uint64_t ts_fold_mul(uint64_t a, uint64_t b)
{
	unsigned __int128 p = (unsigned __int128)a * b;

	return (uint64_t)p ^ (uint64_t)(p >> 64);
}

/* Hashes 'n' words, read through 'word(i)' expressions by the callers below.
 * Pairs of words are multiplied (128-bit, folded) independently and summed,
 * so the cost is about one multiplication per two words. */
static inline uint32_t ts_hash_finish(uint64_t acc, unsigned n)
{
	return (uint32_t)ts_fold_mul(acc ^ n ^ 0x2d358dccaa6c78a5ULL, 0x8bb84b93962eacc9ULL);
}

/* Hash of the words 'w[0..n)' (already masked). */
static inline uint32_t ts_hash_words(const uint64_t *w, unsigned n)
{
	uint64_t acc = 0;
	unsigned i;

	for (i = 0; i + 1 < n; i += 2)
		acc += ts_fold_mul(w[i] ^ ts_secret[i], w[i + 1] ^ ts_secret[i + 1]);
	if (i < n)
		acc += ts_fold_mul(w[i] ^ ts_secret[i], ts_secret[23]);
	return ts_hash_finish(acc, n);
}

/* Hash of 'flow' under the compact mask 'm'.  Equals ts_hash_words() of the
 * masked words, so a stored masked key hashes the same way. */
static inline uint32_t ts_hash_masked(const struct flow *flow, const struct ts_mask *m)
{
	const uint64_t *f = flow_u64(flow);
	uint64_t acc = 0;
	unsigned i, n = m->n;

	for (i = 0; i + 1 < n; i += 2)
		acc += ts_fold_mul((f[m->idx[i]] & m->w[i]) ^ ts_secret[i],
		                   (f[m->idx[i + 1]] & m->w[i + 1]) ^ ts_secret[i + 1]);
	if (i < n)
		acc += ts_fold_mul((f[m->idx[i]] & m->w[i]) ^ ts_secret[i], ts_secret[23]);
	return ts_hash_finish(acc, n);
}

/* True if 'flow' under 'm' equals the compact masked key 'key' (m->n words). */
static inline bool ts_match_compact(const struct flow *flow, const struct ts_mask *m,
                                    const uint64_t *key)
{
	const uint64_t *f = flow_u64(flow);
	uint64_t diff = 0;

	for (unsigned i = 0; i < m->n; i++)
		diff |= (f[m->idx[i]] & m->w[i]) ^ key[i];
	return !diff;
}

/* True if 'flow' under 'm' equals the full masked key 'key'. */
static inline bool ts_match_full(const struct flow *flow, const struct ts_mask *m,
                                 const struct flow *key)
{
	const uint64_t *f = flow_u64(flow), *k = flow_u64(key);
	uint64_t diff = 0;

	for (unsigned i = 0; i < m->n; i++)
		diff |= (f[m->idx[i]] & m->w[i]) ^ k[m->idx[i]];
	return !diff;
}

/* ORs the mask 'm' into the full mask 'wc'. */
static inline void ts_mask_or_into(const struct ts_mask *m, struct flow *wc)
{
	uint64_t *w = (uint64_t *)(void *)wc;

	for (unsigned i = 0; i < m->n; i++)
		w[m->idx[i]] |= m->w[i];
}

/* ---- RCU pointer table -------------------------------------------------- */

/* Open addressing with linear probing over (hash, pointer) slots.  A slot
 * goes empty -> used -> tombstone -> used ..., never back to empty except in
 * a rebuilt array, and entries never move within an array, so a reader finds
 * every entry that stays present during its probe.  The table always keeps
 * at least a quarter of its slots empty, so probes terminate.  Growing,
 * shrinking and tombstone cleanup build a new array, publish it with
 * ts_store_ptr() and free the old one after a grace period. */
#define TS_TOMB ((void *)(uintptr_t)1)

struct ts_slot {
	uint32_t hash;
	uint32_t pad;
	void *ptr; /* NULL: empty; TS_TOMB: removed */
};

struct ts_array {
	uint32_t mask; /* n_slots - 1 (a power of two minus one) */
	uint32_t pad;
	struct rcu_head rcu;
	struct ts_slot slots[];
};

struct ts_table {
	struct ts_array *arr; /* RCU-published */
	uint32_t n;           /* live entries */
	uint32_t n_used;      /* live entries + tombstones in 'arr' */
};

void ts_table_init(struct ts_table *t);
/* Frees the array at once: no reader may still be using the table. */
void ts_table_destroy(struct ts_table *t);
/* Writer: adds 'p' (not NULL, not TS_TOMB, not present) under 'hash'. */
void ts_table_insert(struct ts_table *t, void *p, uint32_t hash);
/* Writer: replaces 'old' (present under 'hash') by 'new' in its slot. */
void ts_table_replace(struct ts_table *t, void *old, void *new, uint32_t hash);
/* Writer: removes 'p' (present under 'hash'). */
void ts_table_remove(struct ts_table *t, void *p, uint32_t hash);

/* Reader: the array to probe (valid until rcu_read_unlock()). */
static inline const struct ts_array *ts_table_read(const struct ts_table *t)
{
	return ts_load_ptr(t->arr);
}

/* Reader: the next entry stored under 'hash' at or after slot '*pos' (start
 * with hash & a->mask), advancing '*pos'; NULL when there is none left.  The
 * hash is only a filter: callers compare the entry's key. */
static inline void *ts_probe(const struct ts_array *a, uint32_t hash, uint32_t *pos)
{
	uint32_t i = *pos;

	for (;;) {
		const struct ts_slot *s = &a->slots[i];
		void *p = ts_load_ptr(s->ptr);

		i = (i + 1) & a->mask;
		if (!p)
			return NULL;
		if (p != TS_TOMB && CMM_LOAD_SHARED(s->hash) == hash) {
			*pos = i;
			return p;
		}
	}
}

/* Writer (or a reader under RCU): iteration over every live entry of 'a'. */
#define TS_ARRAY_FOR_EACH(P, I, A)                                                                 \
	for ((I) = 0; (I) <= (A)->mask; (I)++)                                                     \
		if (((P) = ts_load_ptr((A)->slots[I].ptr)) != NULL && (P) != TS_TOMB)

#endif
