/* megaflow.c - the megaflow cache (see megaflow.h): one RCU pointer table
 * per distinct mask, entries holding compact masked keys, reference counts
 * so that EMCs can keep entries beyond a read-side critical section. */
#include "lib/megaflow.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/tuple-space.h"
#include "lib/util.h"

struct mf_subtable {
	struct ts_mask mask;
	uint32_t mask_hash;
	uint32_t refcnt; /* 1 while in the cache + 1 per allocated entry */
	struct ts_table entries;
	megaflow_free_actions_fn *free_actions;
	uint64_t last_total; /* packets counted at the previous rank */
	uint64_t score;      /* packets since then (rank only) */
	struct rcu_head rcu;
};

struct megaflow {
	struct mf_subtable *st;
	void *actions;   /* RCU-published */
	uint32_t hash;   /* of the masked key */
	uint32_t refcnt; /* 1 while in the cache + megaflow_ref()s */
	uint32_t dead;
	uint32_t pad;
	uint64_t packets, bytes, used; /* atomics */
	struct rcu_head rcu;
	uint64_t key[]; /* st->mask.n words: flow & mask */
};

struct mf_subtables {
	size_t n;
	struct rcu_head rcu;
	struct mf_subtable *st[];
};

struct megaflow_cache {
	struct mf_subtables *subtables; /* RCU-published lookup order */
	struct ts_table by_mask;
	megaflow_free_actions_fn *free_actions;
	size_t n_flows;
};

struct megaflow_cache *megaflow_cache_create(megaflow_free_actions_fn *free_actions)
{
	struct megaflow_cache *cache = xzalloc(sizeof *cache);

	cache->subtables = xzalloc(sizeof *cache->subtables);
	ts_table_init(&cache->by_mask);
	cache->free_actions = free_actions;
	return cache;
}

static void mf_subtable_unref(struct mf_subtable *st)
{
	if (__atomic_sub_fetch(&st->refcnt, 1, __ATOMIC_ACQ_REL) == 0) {
		ts_table_destroy(&st->entries);
		free(st);
	}
}

static void mf_subtable_unref_rcu(struct rcu_head *head)
{
	mf_subtable_unref(caa_container_of(head, struct mf_subtable, rcu));
}

static void mf_free(struct megaflow *mf)
{
	struct mf_subtable *st = mf->st;

	if (st->free_actions && mf->actions)
		st->free_actions(mf->actions);
	free(mf);
	mf_subtable_unref(st);
}

void megaflow_cache_destroy(struct megaflow_cache *cache)
{
	if (!cache)
		return;
	for (size_t i = 0; i < cache->subtables->n; i++) {
		struct mf_subtable *st = cache->subtables->st[i];
		struct megaflow *mf;
		uint32_t j;

		TS_ARRAY_FOR_EACH(mf, j, st->entries.arr)
		mf_free(mf);
		mf_subtable_unref(st);
	}
	free(cache->subtables);
	ts_table_destroy(&cache->by_mask);
	free(cache);
}

size_t megaflow_count(const struct megaflow_cache *cache)
{
	return cache->n_flows;
}

size_t megaflow_n_masks(const struct megaflow_cache *cache)
{
	return cache->subtables->n;
}

static void mf_subtables_free_rcu(struct rcu_head *head)
{
	free(caa_container_of(head, struct mf_subtables, rcu));
}

/* Publishes the subtables 'st[0..n)' as the new lookup order. */
static void mf_publish(struct megaflow_cache *cache, struct mf_subtable **st, size_t n)
{
	struct mf_subtables *old = cache->subtables, *v;

	v = xmalloc(sizeof *v + n * sizeof v->st[0]);
	v->n = n;
	memcpy(v->st, st, n * sizeof *st);
	ts_store_ptr(cache->subtables, v);
	call_rcu(&old->rcu, mf_subtables_free_rcu);
}

static struct mf_subtable *mf_find_subtable(const struct megaflow_cache *cache,
                                            const struct ts_mask *mask, uint32_t mask_hash)
{
	const struct ts_array *a = ts_table_read(&cache->by_mask);
	uint32_t pos = mask_hash & a->mask;
	struct mf_subtable *st;

	while ((st = ts_probe(a, mask_hash, &pos)) != NULL)
		if (!memcmp(&st->mask, mask, sizeof *mask))
			return st;
	return NULL;
}

static uint32_t mf_mask_hash(const struct ts_mask *m)
{
	uint64_t idx[(sizeof m->idx + 7) / 8] = {0};

	memcpy(idx, m->idx, sizeof m->idx);
	return ts_hash_words(m->w, m->n) ^ ts_hash_words(idx, ARRAY_SIZE(idx));
}

static struct megaflow *mf_find_in(const struct mf_subtable *st, const struct flow *flow,
                                   uint32_t hash)
{
	const struct ts_array *a = ts_table_read(&st->entries);
	uint32_t pos = hash & a->mask;
	struct megaflow *mf;

	while ((mf = ts_probe(a, hash, &pos)) != NULL)
		if (ts_match_compact(flow, &st->mask, mf->key))
			return mf;
	return NULL;
}

struct megaflow *megaflow_find(const struct megaflow_cache *cache, const struct flow *key,
                               const struct flow *mask)
{
	struct mf_subtable *st;
	struct ts_mask m;

	ts_mask_init(&m, mask);
	st = mf_find_subtable(cache, &m, mf_mask_hash(&m));
	return st ? mf_find_in(st, key, ts_hash_masked(key, &st->mask)) : NULL;
}

int megaflow_insert(struct megaflow_cache *cache, const struct flow *key, const struct flow *mask,
                    void *actions, struct megaflow **mfp)
{
	const uint64_t *k = flow_u64(key);
	struct mf_subtable *st;
	struct megaflow *mf;
	struct ts_mask m;
	uint32_t mask_hash, hash;

	ts_mask_init(&m, mask);
	mask_hash = mf_mask_hash(&m);
	st = mf_find_subtable(cache, &m, mask_hash);
	if (st) {
		hash = ts_hash_masked(key, &st->mask);
		mf = mf_find_in(st, key, hash);
		if (mf) {
			if (mfp)
				*mfp = mf;
			return -EEXIST;
		}
	} else {
		const struct mf_subtables *v = cache->subtables;
		struct mf_subtable **list = xmalloc((v->n + 1) * sizeof *list);

		st = xzalloc(sizeof *st);
		memcpy(&st->mask, &m, sizeof m); /* padding too: found by memcmp */
		st->mask_hash = mask_hash;
		st->refcnt = 1;
		st->free_actions = cache->free_actions;
		ts_table_init(&st->entries);
		ts_table_insert(&cache->by_mask, st, mask_hash);
		memcpy(list, v->st, v->n * sizeof *list);
		list[v->n] = st;
		mf_publish(cache, list, v->n + 1);
		free(list);
		hash = ts_hash_masked(key, &st->mask);
	}

	mf = xzalloc(sizeof *mf + st->mask.n * sizeof mf->key[0]);
	mf->st = st;
	mf->actions = actions;
	mf->hash = hash;
	mf->refcnt = 1;
	for (unsigned i = 0; i < st->mask.n; i++)
		mf->key[i] = k[st->mask.idx[i]] & st->mask.w[i];
	__atomic_add_fetch(&st->refcnt, 1, __ATOMIC_RELAXED);
	ts_table_insert(&st->entries, mf, hash);
	cache->n_flows++;
	if (mfp)
		*mfp = mf;
	return 0;
}

static void mf_unref_rcu(struct rcu_head *head)
{
	megaflow_unref(caa_container_of(head, struct megaflow, rcu));
}

void megaflow_remove(struct megaflow_cache *cache, struct megaflow *mf)
{
	struct mf_subtable *st = mf->st;

	CMM_STORE_SHARED(mf->dead, 1);
	ts_table_remove(&st->entries, mf, mf->hash);
	cache->n_flows--;
	if (!st->entries.n) {
		const struct mf_subtables *v = cache->subtables;
		struct mf_subtable **list = xmalloc(v->n * sizeof *list);
		size_t n = 0;

		for (size_t i = 0; i < v->n; i++)
			if (v->st[i] != st)
				list[n++] = v->st[i];
		ts_table_remove(&cache->by_mask, st, st->mask_hash);
		mf_publish(cache, list, n);
		free(list);
		call_rcu(&st->rcu, mf_subtable_unref_rcu);
	}
	call_rcu(&mf->rcu, mf_unref_rcu);
}

struct megaflow *megaflow_lookup(const struct megaflow_cache *cache, const struct flow *flow)
{
	const struct mf_subtables *v = ts_load_ptr(cache->subtables);

	for (size_t i = 0; i < v->n; i++) {
		const struct mf_subtable *st = v->st[i];
		struct megaflow *mf = mf_find_in(st, flow, ts_hash_masked(flow, &st->mask));

		if (mf)
			return mf;
	}
	return NULL;
}

/* Looks up at most 64 flows (a bitmap of unresolved ones). */
static size_t mf_lookup_chunk(const struct mf_subtables *v, const struct flow *const flows[],
                              size_t n, struct megaflow *out[])
{
	uint64_t todo = n == 64 ? ~0ULL : (1ULL << n) - 1;
	uint32_t hashes[64];
	size_t hits = 0;

	for (size_t i = 0; i < n; i++)
		out[i] = NULL;
	for (size_t s = 0; s < v->n && todo; s++) {
		const struct mf_subtable *st = v->st[s];
		const struct ts_array *a = ts_table_read(&st->entries);
		uint64_t m;

		for (m = todo; m; m &= m - 1) {
			size_t i = (size_t)__builtin_ctzll(m);

			hashes[i] = ts_hash_masked(flows[i], &st->mask);
			__builtin_prefetch(&a->slots[hashes[i] & a->mask]);
		}
		for (m = todo; m; m &= m - 1) {
			size_t i = (size_t)__builtin_ctzll(m);
			uint32_t pos = hashes[i] & a->mask;
			struct megaflow *mf;

			while ((mf = ts_probe(a, hashes[i], &pos)) != NULL) {
				if (ts_match_compact(flows[i], &st->mask, mf->key)) {
					out[i] = mf;
					todo &= ~(1ULL << i);
					hits++;
					break;
				}
			}
		}
	}
	return hits;
}

size_t megaflow_lookup_batch(const struct megaflow_cache *cache, const struct flow *const flows[],
                             size_t n, struct megaflow *out[])
{
	const struct mf_subtables *v = ts_load_ptr(cache->subtables);
	size_t hits = 0;

	for (size_t i = 0; i < n; i += 64)
		hits += mf_lookup_chunk(v, flows + i, PB_MIN(n - i, (size_t)64), out + i);
	return hits;
}

void *megaflow_actions(const struct megaflow *mf)
{
	return ts_load_ptr(mf->actions);
}

struct mf_old_actions {
	struct rcu_head rcu;
	void *actions;
	megaflow_free_actions_fn *free_actions;
};

static void mf_old_actions_free_rcu(struct rcu_head *head)
{
	struct mf_old_actions *o = caa_container_of(head, struct mf_old_actions, rcu);

	o->free_actions(o->actions);
	free(o);
}

void megaflow_set_actions(struct megaflow_cache *cache, struct megaflow *mf, void *actions)
{
	void *old = mf->actions;

	ts_store_ptr(mf->actions, actions);
	if (old && cache->free_actions) {
		struct mf_old_actions *o = xmalloc(sizeof *o);

		o->actions = old;
		o->free_actions = cache->free_actions;
		call_rcu(&o->rcu, mf_old_actions_free_rcu);
	}
}

void megaflow_get_match(const struct megaflow *mf, struct flow *key, struct flow *mask)
{
	uint64_t *k = (uint64_t *)(void *)key;

	memset(key, 0, sizeof *key);
	for (unsigned i = 0; i < mf->st->mask.n; i++)
		k[mf->st->mask.idx[i]] = mf->key[i];
	ts_mask_expand(&mf->st->mask, mask);
}

bool megaflow_is_dead(const struct megaflow *mf)
{
	return CMM_LOAD_SHARED(mf->dead) != 0;
}

void megaflow_account(struct megaflow *mf, uint32_t packets, uint32_t bytes, uint64_t now)
{
	__atomic_fetch_add(&mf->packets, packets, __ATOMIC_RELAXED);
	__atomic_fetch_add(&mf->bytes, bytes, __ATOMIC_RELAXED);
	if (__atomic_load_n(&mf->used, __ATOMIC_RELAXED) < now)
		__atomic_store_n(&mf->used, now, __ATOMIC_RELAXED);
}

void megaflow_get_stats(const struct megaflow *mf, struct megaflow_stats *stats)
{
	stats->packets = __atomic_load_n(&mf->packets, __ATOMIC_RELAXED);
	stats->bytes = __atomic_load_n(&mf->bytes, __ATOMIC_RELAXED);
	stats->used = __atomic_load_n(&mf->used, __ATOMIC_RELAXED);
}

void megaflow_ref(struct megaflow *mf)
{
	__atomic_add_fetch(&mf->refcnt, 1, __ATOMIC_RELAXED);
}

void megaflow_unref(struct megaflow *mf)
{
	if (mf && __atomic_sub_fetch(&mf->refcnt, 1, __ATOMIC_ACQ_REL) == 0)
		mf_free(mf);
}

size_t megaflow_sweep(struct megaflow_cache *cache, bool (*fn)(struct megaflow *, void *),
                      void *aux)
{
	const struct mf_subtables *v = cache->subtables;
	struct megaflow **all = xmalloc((cache->n_flows + 1) * sizeof *all);
	size_t n = 0, removed = 0;

	for (size_t i = 0; i < v->n; i++) {
		struct megaflow *mf;
		uint32_t j;

		TS_ARRAY_FOR_EACH(mf, j, v->st[i]->entries.arr)
		all[n++] = mf;
	}
	for (size_t i = 0; i < n; i++) {
		if (fn(all[i], aux)) {
			megaflow_remove(cache, all[i]);
			removed++;
		}
	}
	free(all);
	return removed;
}

static int mf_cmp_score(const void *a_, const void *b_)
{
	const struct mf_subtable *a = *(struct mf_subtable *const *)a_;
	const struct mf_subtable *b = *(struct mf_subtable *const *)b_;

	return a->score < b->score ? 1 : a->score > b->score ? -1 : 0;
}

void megaflow_rank(struct megaflow_cache *cache)
{
	const struct mf_subtables *v = cache->subtables;
	struct mf_subtable **list = xmalloc((v->n + 1) * sizeof *list);

	for (size_t i = 0; i < v->n; i++) {
		struct mf_subtable *st = v->st[i];
		uint64_t total = 0;
		struct megaflow *mf;
		uint32_t j;

		TS_ARRAY_FOR_EACH(mf, j, st->entries.arr)
		total += __atomic_load_n(&mf->packets, __ATOMIC_RELAXED);
		/* Removed entries take their counts along: clamp at 0. */
		st->score = total > st->last_total ? total - st->last_total : 0;
		st->last_total = total;
		list[i] = st;
	}
	qsort(list, v->n, sizeof *list, mf_cmp_score);
	mf_publish(cache, list, v->n);
	free(list);
}
