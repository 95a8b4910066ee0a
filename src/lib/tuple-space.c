/* tuple-space.c - compact masks and the RCU pointer table shared by the
 * classifier and the megaflow cache (see tuple-space.h). */
#include "lib/tuple-space.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

const uint64_t ts_secret[24] = {
        0xf2a74de452e6b439ULL, 0x6513270e269e0d37ULL, 0x0c5c7fd0a6a3a451ULL, 0xd23f0824128b2f33ULL,
        0x1818e811892f902bULL, 0x9531985d5d9dc9f9ULL, 0xe8e25d940ed90475ULL, 0x36f675cc81e74ef5ULL,
        0x1600a35a099950d9ULL, 0x6b0d549b6f03675bULL, 0x3d9c172411e20b8fULL, 0x8d116ece1738f7d9ULL,
        0x0f21ddb66cad4a27ULL, 0x90c192cfd3ac94afULL, 0xf28c105d1fb17c23ULL, 0xa170b33839263059ULL,
        0x953f48f1a09f76b5ULL, 0x0fd630f1f29d0da9ULL, 0x95e60af593bd04cfULL, 0x0cb1e29c658cda15ULL,
        0x3898d190f9ebdacdULL, 0x8e81973e0becd7b1ULL, 0x2217beaddbc496cbULL, 0x6b4cb2424a23d597ULL,
};
_Static_assert(FLOW_U64S < 24, "ts_secret needs a spare constant beyond the flow words");

void ts_mask_init(struct ts_mask *m, const struct flow *mask)
{
	const uint64_t *w = flow_u64(mask);

	memset(m, 0, sizeof *m);
	for (unsigned i = 0; i < FLOW_U64S; i++) {
		if (w[i]) {
			m->idx[m->n] = (uint8_t)i;
			m->w[m->n] = w[i];
			m->n++;
		}
	}
}

void ts_mask_expand(const struct ts_mask *m, struct flow *mask)
{
	uint64_t *w = (uint64_t *)(void *)mask;

	memset(mask, 0, sizeof *mask);
	for (unsigned i = 0; i < m->n; i++)
		w[m->idx[i]] = m->w[i];
}

#define TS_MIN_SLOTS 8u

static struct ts_array *ts_array_alloc(uint32_t n_slots)
{
	struct ts_array *a = xzalloc(sizeof *a + (size_t)n_slots * sizeof(struct ts_slot));

	a->mask = n_slots - 1;
	return a;
}

static void ts_array_free_rcu(struct rcu_head *head)
{
	free(caa_container_of(head, struct ts_array, rcu));
}

void ts_table_init(struct ts_table *t)
{
	t->arr = ts_array_alloc(TS_MIN_SLOTS);
	t->n = 0;
	t->n_used = 0;
}

void ts_table_destroy(struct ts_table *t)
{
	if (t) {
		free(t->arr);
		t->arr = NULL;
	}
}

/* Stores (p, hash) in the first empty or tombstone slot of its probe
 * sequence in 'a'; returns true if that slot was empty. */
static bool ts_array_put(struct ts_array *a, void *p, uint32_t hash)
{
	for (uint32_t i = hash & a->mask;; i = (i + 1) & a->mask) {
		struct ts_slot *s = &a->slots[i];

		if (!s->ptr || s->ptr == TS_TOMB) {
			bool was_empty = !s->ptr;

			CMM_STORE_SHARED(s->hash, hash);
			ts_store_ptr(s->ptr, p);
			return was_empty;
		}
	}
}

/* Rebuilds the table into a fresh array sized for 'n_live' entries (load
 * at most 1/2 afterwards, no tombstones). */
static void ts_table_rebuild(struct ts_table *t, uint32_t n_live)
{
	struct ts_array *old = t->arr, *a;
	uint32_t n_slots = TS_MIN_SLOTS, i;
	void *p;

	while (n_slots < 2 * n_live)
		n_slots *= 2;
	a = ts_array_alloc(n_slots);
	TS_ARRAY_FOR_EACH(p, i, old)
	ts_array_put(a, p, old->slots[i].hash);
	t->n_used = t->n;
	ts_store_ptr(t->arr, a);
	call_rcu(&old->rcu, ts_array_free_rcu);
}

void ts_table_insert(struct ts_table *t, void *p, uint32_t hash)
{
	if ((uint64_t)(t->n_used + 1) * 4 > (uint64_t)(t->arr->mask + 1) * 3)
		ts_table_rebuild(t, t->n + 1);
	if (ts_array_put(t->arr, p, hash))
		t->n_used++;
	t->n++;
}

static struct ts_slot *ts_table_find_slot(struct ts_table *t, const void *p, uint32_t hash)
{
	struct ts_array *a = t->arr;

	for (uint32_t i = hash & a->mask;; i = (i + 1) & a->mask) {
		struct ts_slot *s = &a->slots[i];

		if (s->ptr == p)
			return s;
		if (!s->ptr)
			abort(); /* not present: a caller bug */
	}
}

void ts_table_replace(struct ts_table *t, void *old, void *new, uint32_t hash)
{
	ts_store_ptr(ts_table_find_slot(t, old, hash)->ptr, new);
}

void ts_table_remove(struct ts_table *t, void *p, uint32_t hash)
{
	struct ts_slot *s = ts_table_find_slot(t, p, hash);

	CMM_STORE_SHARED(s->ptr, TS_TOMB);
	t->n--;
	if (t->arr->mask + 1 > TS_MIN_SLOTS && (uint64_t)t->n * 8 < (uint64_t)t->arr->mask + 1)
		ts_table_rebuild(t, t->n);
}
