/* test-megaflow.c - unit tests for lib/megaflow and lib/emc: megaflows built
 * from classifier lookups (as the slow path does) checked against a linear
 * reference and against the classifier itself, removal, statistics, sweep,
 * actions lifetime, readers against a writer, the EMC and its invalidation.
 * Prints lookup speed figures (megaflow with 8 masks; EMC incl. extraction). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <pthread.h>

#include <cmocka.h>
#include <urcu.h>

#include "lib/classifier.h"
#include "lib/emc.h"
#include "lib/megaflow.h"
#include "lib/util.h"
#include "test-rand.h"

static void random_flow(struct flow *f)
{
	memset(f, 0, sizeof *f);
	f->in_port = 1 + rnd_n(4);
	f->regs[1] = rnd_n(3);
	f->dl_dst[5] = (uint8_t)rnd_n(4);
	f->dl_src[5] = (uint8_t)rnd_n(8);
	f->dl_type = rnd_n(4) ? 0x0800 : 0x0806;
	f->nw_src = 0x0a000000u | (rnd_n(4) << 16) | rnd_n(64);
	f->nw_dst = 0xc0a80000u | (rnd_n(4) << 8) | rnd_n(8);
	f->nw_proto = rnd_n(2) ? 6 : 17;
	f->tp_src = (uint16_t)(1000 + rnd_n(8));
	f->tp_dst = (uint16_t)(rnd_n(2) ? 80 : 443 + rnd_n(2));
}

static uint32_t prefix32(unsigned len)
{
	return len ? ~0u << (32 - len) : 0;
}

/* A random mask; returns its kind (0..5). */
static unsigned random_mask(struct flow *m)
{
	unsigned kind = rnd_n(6);

	memset(m, 0, sizeof *m);
	switch (kind) {
	case 0:
		m->in_port = ~0u;
		break;
	case 1:
		memset(m->dl_dst, 0xff, 6);
		break;
	case 2:
		m->dl_type = 0xffff;
		m->nw_dst = prefix32(rnd_n(33));
		break;
	case 3:
		m->dl_type = 0xffff;
		m->nw_src = ~0u;
		m->nw_dst = ~0u;
		m->nw_proto = 0xff;
		m->tp_src = 0xffff;
		m->tp_dst = 0xffff;
		break;
	case 4:
		m->regs[1] = ~0u;
		memset(m->dl_src, 0xff, 6);
		break;
	default:
		m->dl_type = 0xffff;
		m->nw_src = prefix32(rnd_n(33));
		m->tp_dst = 0xffff;
		break;
	}
	return kind;
}

static bool flow_matches(const struct flow *f, const struct flow *key, const struct flow *mask)
{
	const uint64_t *a = flow_u64(f), *k = flow_u64(key), *m = flow_u64(mask);

	for (size_t i = 0; i < FLOW_U64S; i++)
		if ((a[i] & m[i]) != k[i])
			return false;
	return true;
}

/* Actions in these tests: a malloc'd copy of the rule pointer, counted. */
static unsigned long actions_freed;

static void free_actions(void *actions)
{
	__atomic_fetch_add(&actions_freed, 1, __ATOMIC_RELAXED);
	free(actions);
}

static void *make_actions(const void *rule)
{
	const void **a = xmalloc(sizeof *a);

	*a = rule;
	return a;
}

static const void *actions_rule(void *actions)
{
	return *(const void **)actions;
}

/* ---- Megaflows from a classifier vs reference --------------------------------- */

/* The functional tests below run on one thread, which is the only writer:
 * what it looks up cannot be freed under it, so it reads without
 * rcu_read_lock() (a failed assert would otherwise leave a read-side
 * critical section open and hang the next grace period). */

struct mf_ref {
	struct megaflow **mf;
	size_t n, cap;
};

static void mf_ref_add(struct mf_ref *r, struct megaflow *mf)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->mf = xrealloc(r->mf, r->cap * sizeof *r->mf);
	}
	r->mf[r->n++] = mf;
}

static void test_vs_classifier_and_reference(void **state)
{
	struct megaflow_cache *cache = megaflow_cache_create(free_actions);
	struct cls_rule *rules = xcalloc(300, sizeof *rules);
	struct classifier cls;
	struct mf_ref ref = {0};
	unsigned long lookups = 0, hits = 0, inserted = 0;

	rng_state = 0x1234567;
	actions_freed = 0;
	classifier_init(&cls);
	/* Priorities banded by mask kind, so lookups often stop early and the
	 * megaflows get various masks. */
	for (int i = 0; i < 300; i++) {
		struct flow key, mask;
		unsigned kind;

		random_flow(&key);
		kind = random_mask(&mask);
		cls_rule_init(&rules[i], &key, &mask, (int32_t)(kind * 50 + rnd_n(50)), NULL);
		classifier_insert(&cls, &rules[i]);
	}

	for (int round = 0; round < 50; round++) {
		/* Upcalls: flows missing in the cache become megaflows. */
		for (int i = 0; i < 200; i++) {
			struct flow f, key;
			struct flow_wc wc;
			const struct cls_rule *rule;
			struct megaflow *mf = NULL;
			int error;

			random_flow(&f);
			if (megaflow_lookup(cache, &f))
				continue;
			memset(&wc, 0, sizeof wc);
			rule = classifier_lookup(&cls, &f, &wc);
			flow_apply_mask(&key, &f, &wc.masks);
			error = megaflow_insert(cache, &key, &wc.masks, make_actions(rule), &mf);
			assert_int_equal(error, 0);
			assert_non_null(mf);
			assert_ptr_equal(megaflow_find(cache, &key, &wc.masks), mf);
			/* Same key and mask again: -EEXIST with the existing entry. */
			{
				void *a = make_actions(rule);
				struct megaflow *dup = NULL;

				assert_int_equal(megaflow_insert(cache, &f, &wc.masks, a, &dup),
				                 -EEXIST);
				assert_ptr_equal(dup, mf);
				free(a);
			}
			mf_ref_add(&ref, mf);
			inserted++;
		}
		assert_int_equal(megaflow_count(cache), ref.n);
		/* Lookups: a hit must match the flow and carry the classifier's
		 * answer; a miss must mean no entry matches. */
		for (int i = 0; i < 2000; i++) {
			struct flow f;
			struct megaflow *mf;
			bool any = false;

			random_flow(&f);
			mf = megaflow_lookup(cache, &f);
			lookups++;
			for (size_t j = 0; j < ref.n && !any; j++) {
				struct flow k, m;

				megaflow_get_match(ref.mf[j], &k, &m);
				any = flow_matches(&f, &k, &m);
			}
			assert_int_equal(mf != NULL, any);
			if (mf) {
				struct flow k, m;

				hits++;
				megaflow_get_match(mf, &k, &m);
				assert_true(flow_matches(&f, &k, &m));
				assert_ptr_equal(actions_rule(megaflow_actions(mf)),
				                 classifier_lookup(&cls, &f, NULL));
				assert_false(megaflow_is_dead(mf));
			}
		}
		/* Batch lookups agree with single ones (100 flows: two chunks). */
		{
			struct flow fl[100];
			const struct flow *ptrs[100];
			struct megaflow *out[100];
			size_t n_hits = 0, batch_hits;

			for (int i = 0; i < 100; i++) {
				random_flow(&fl[i]);
				ptrs[i] = &fl[i];
			}
			batch_hits = megaflow_lookup_batch(cache, ptrs, 100, out);
			for (int i = 0; i < 100; i++) {
				assert_ptr_equal(out[i], megaflow_lookup(cache, &fl[i]));
				n_hits += out[i] != NULL;
			}
			assert_int_equal(batch_hits, n_hits);
		}
		/* Evictions. */
		for (int i = 0; i < 60 && ref.n; i++) {
			size_t j = rnd_n((uint32_t)ref.n);
			struct megaflow *mf = ref.mf[j];
			struct flow k, m;

			megaflow_get_match(mf, &k, &m);
			megaflow_remove(cache, mf);
			ref.mf[j] = ref.mf[--ref.n];
			assert_ptr_not_equal(megaflow_lookup(cache, &k), mf);
			assert_true(megaflow_is_dead(mf));
			assert_null(megaflow_find(cache, &k, &m));
		}
		if (round % 10 == 9)
			megaflow_rank(cache);
	}
	printf("megaflow: %lu lookups (%lu hits), %zu megaflows in %zu masks\n", lookups, hits,
	       megaflow_count(cache), megaflow_n_masks(cache));
	assert_true(hits > 1000 && hits < lookups);

	synchronize_rcu();
	rcu_barrier();
	assert_int_equal(actions_freed, inserted - ref.n);
	megaflow_cache_destroy(cache);
	megaflow_cache_destroy(NULL);
	assert_int_equal(actions_freed, inserted);
	classifier_destroy(&cls);
	free(rules);
	free(ref.mf);
	rcu_barrier();
}

/* ---- Stats, actions, sweep ------------------------------------------------------- */

static bool sweep_odd_port(struct megaflow *mf, void *aux)
{
	struct flow k, m;

	megaflow_get_match(mf, &k, &m);
	(*(unsigned *)aux)++;
	return k.in_port & 1;
}

static void test_stats_actions_sweep(void **state)
{
	struct megaflow_cache *cache = megaflow_cache_create(free_actions);
	struct megaflow_stats st;
	struct flow key, mask, k2, m2;
	struct megaflow *mf;
	unsigned visited = 0;

	actions_freed = 0;
	memset(&mask, 0, sizeof mask);
	mask.in_port = ~0u;
	mask.nw_dst = 0xffffff00;
	for (uint32_t p = 0; p < 100; p++) {
		memset(&key, 0, sizeof key);
		key.in_port = p;
		key.nw_dst = 0x0a0000ff; /* low byte masked away by insert */
		assert_int_equal(megaflow_insert(cache, &key, &mask, make_actions(NULL), NULL), 0);
	}
	assert_int_equal(megaflow_count(cache), 100);
	assert_int_equal(megaflow_n_masks(cache), 1);

	memset(&key, 0, sizeof key);
	key.in_port = 7;
	key.nw_dst = 0x0a000001;
	mf = megaflow_lookup(cache, &key);
	assert_non_null(mf);
	megaflow_get_match(mf, &k2, &m2);
	assert_int_equal(k2.nw_dst, 0x0a000000);
	assert_int_equal(k2.in_port, 7);
	assert_memory_equal(&m2, &mask, sizeof mask);

	megaflow_get_stats(mf, &st);
	assert_int_equal(st.packets, 0);
	assert_int_equal(st.used, 0);
	megaflow_account(mf, 3, 300, 1000);
	megaflow_account(mf, 1, 64, 900); /* 'used' does not go back */
	megaflow_get_stats(mf, &st);
	assert_int_equal(st.packets, 4);
	assert_int_equal(st.bytes, 364);
	assert_int_equal(st.used, 1000);

	megaflow_set_actions(cache, mf, make_actions(mf));
	assert_ptr_equal(actions_rule(megaflow_actions(mf)), mf);
	rcu_barrier();
	assert_int_equal(actions_freed, 1);

	/* Only odd ports are removed. */
	assert_int_equal(megaflow_sweep(cache, sweep_odd_port, &visited), 50);
	assert_int_equal(visited, 100);
	assert_int_equal(megaflow_count(cache), 50);
	assert_null(megaflow_lookup(cache, &key));
	key.in_port = 8;
	assert_non_null(megaflow_lookup(cache, &key));
	megaflow_rank(cache);
	assert_non_null(megaflow_lookup(cache, &key));
	synchronize_rcu();
	rcu_barrier();
	assert_int_equal(actions_freed, 51);
	megaflow_cache_destroy(cache);
	assert_int_equal(actions_freed, 101);
	rcu_barrier();
}

/* ---- Readers against a writer ------------------------------------------------- */

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x)) {                                                                        \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #x);      \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

struct stress {
	struct megaflow_cache *cache;
	volatile int stop;
	unsigned long lookups, hits, emc_hits;
};

/* Entry i matches in_port == i and, under one of 4 masks, nw_dst. */
static void stress_match(uint32_t i, struct flow *key, struct flow *mask)
{
	memset(key, 0, sizeof *key);
	memset(mask, 0, sizeof *mask);
	key->in_port = i;
	mask->in_port = ~0u;
	key->nw_dst = 0x0a000000 | i;
	mask->nw_dst = prefix32(24 + (i & 3) * 2);
	key->nw_dst &= mask->nw_dst;
}

static void *stress_reader(void *arg)
{
	struct stress *s = arg;
	struct emc *emc = emc_create();
	struct flow f;

	rcu_register_thread();
	memset(&f, 0, sizeof f);
	while (!s->stop) {
		struct megaflow *mf;
		uint32_t h;

		f.in_port = (uint32_t)(s->lookups % 64);
		f.nw_dst = 0x0a000000 | f.in_port;
		h = emc_flow_hash(&f);
		rcu_read_lock();
		mf = emc_lookup(emc, &f, h);
		if (mf) {
			s->emc_hits++;
		} else {
			mf = megaflow_lookup(s->cache, &f);
			if (mf)
				emc_insert(emc, &f, h, mf);
		}
		if (mf) {
			struct flow k, m;

			megaflow_get_match(mf, &k, &m);
			CHECK(flow_matches(&f, &k, &m));
			CHECK(*(uint32_t *)megaflow_actions(mf) == f.in_port);
			megaflow_account(mf, 1, 60, s->lookups);
			s->hits++;
		}
		rcu_read_unlock();
		s->lookups++;
		if (s->lookups % 1024 == 0)
			emc_sweep(emc, 256);
	}
	emc_destroy(emc);
	rcu_unregister_thread();
	return NULL;
}

static void test_concurrent_readers(void **state)
{
	struct stress s = {0};
	struct megaflow *live[64] = {NULL};
	pthread_t th;

	actions_freed = 0;
	s.cache = megaflow_cache_create(free_actions);
	assert_int_equal(pthread_create(&th, NULL, stress_reader, &s), 0);
	rng_state = 5;
	for (int n = 0; n < 100000; n++) {
		uint32_t i = rnd_n(64);

		if (live[i]) {
			megaflow_remove(s.cache, live[i]);
			live[i] = NULL;
		} else {
			struct flow key, mask;
			uint32_t *a = xmalloc(sizeof *a);

			*a = i;
			stress_match(i, &key, &mask);
			assert_int_equal(megaflow_insert(s.cache, &key, &mask, a, &live[i]), 0);
		}
	}
	s.stop = 1;
	pthread_join(th, NULL);
	printf("megaflow: reader did %lu lookups (%lu hits, %lu EMC hits) during 100000 updates\n",
	       s.lookups, s.hits, s.emc_hits);
	megaflow_cache_destroy(s.cache);
	rcu_barrier();
}

/* ---- EMC ------------------------------------------------------------------------ */

static void test_emc(void **state)
{
	struct megaflow_cache *cache = megaflow_cache_create(free_actions);
	struct emc *emc = emc_create();
	struct flow key, mask, f;
	struct megaflow *a, *b;
	uint32_t h;

	actions_freed = 0;
	memset(&mask, 0, sizeof mask);
	mask.in_port = ~0u;
	memset(&key, 0, sizeof key);
	key.in_port = 1;
	assert_int_equal(megaflow_insert(cache, &key, &mask, make_actions(NULL), &a), 0);
	key.in_port = 2;
	assert_int_equal(megaflow_insert(cache, &key, &mask, make_actions(NULL), &b), 0);

	memset(&f, 0, sizeof f);
	f.in_port = 1;
	f.tp_dst = 80;
	h = emc_flow_hash(&f);
	assert_null(emc_lookup(emc, &f, h));
	emc_insert(emc, &f, h, a);
	assert_ptr_equal(emc_lookup(emc, &f, h), a);
	emc_insert(emc, &f, h, a); /* same mapping again: no second reference */
	assert_int_equal(emc_count(emc), 1);
	/* Another key, same hash bucket or not: exact key equality decides. */
	f.tp_dst = 81;
	assert_null(emc_lookup(emc, &f, emc_flow_hash(&f)));
	assert_null(emc_lookup(emc, &f, h)); /* right set, wrong key */
	f.tp_dst = 80;

	/* Removing the megaflow invalidates the EMC entry; the entry's reference
	 * keeps the megaflow allocated past the grace period (ASan checks). */
	megaflow_remove(cache, a);
	synchronize_rcu();
	rcu_barrier();
	assert_int_equal(actions_freed, 0);
	assert_null(emc_lookup(emc, &f, h));
	assert_int_equal(actions_freed, 1); /* last reference dropped */
	assert_int_equal(emc_count(emc), 0);

	/* Sweeping releases dead entries that are never probed again. */
	f.in_port = 2;
	h = emc_flow_hash(&f);
	emc_insert(emc, &f, h, b);
	megaflow_remove(cache, b);
	synchronize_rcu();
	rcu_barrier();
	assert_int_equal(actions_freed, 1);
	emc_sweep(emc, EMC_ENTRIES);
	assert_int_equal(actions_freed, 2);
	assert_int_equal(emc_count(emc), 0);

	/* Many flows to one megaflow: at most EMC_ENTRIES cached, and
	 * conflicting keys of one set replace each other. */
	key.in_port = 3;
	assert_int_equal(megaflow_insert(cache, &key, &mask, make_actions(NULL), &a), 0);
	for (uint32_t i = 0; i < 4 * EMC_ENTRIES; i++) {
		memset(&f, 0, sizeof f);
		f.in_port = 3;
		f.nw_src = i;
		emc_insert(emc, &f, emc_flow_hash(&f), a);
	}
	assert_true(emc_count(emc) <= EMC_ENTRIES);
	assert_true(emc_count(emc) > EMC_ENTRIES / 2);
	{
		unsigned found = 0;

		for (uint32_t i = 0; i < 4 * EMC_ENTRIES; i++) {
			memset(&f, 0, sizeof f);
			f.in_port = 3;
			f.nw_src = i;
			found += emc_lookup(emc, &f, emc_flow_hash(&f)) == a;
		}
		assert_int_equal(found, emc_count(emc));
	}
	emc_flush(emc);
	assert_int_equal(emc_count(emc), 0);
	emc_destroy(emc);
	emc_destroy(NULL);
	megaflow_cache_destroy(cache);
	assert_int_equal(actions_freed, 3);
	rcu_barrier();
}

/* ---- Speed (printed, not asserted) ---------------------------------------------- */

static void test_speed_megaflow(void **state)
{
	enum { PER_MASK = 2000, N_MASKS = 8, N_FLOWS = 65536 };
	struct megaflow_cache *cache = megaflow_cache_create(NULL);
	struct flow *flows = xmalloc(N_FLOWS * sizeof *flows);
	unsigned long n = 0, hits = 0;
	uint64_t t0, t1;

	/* Eight masks over different fields; in_port tells them apart so the
	 * megaflows do not overlap. */
	for (uint32_t m = 0; m < N_MASKS; m++) {
		for (uint32_t i = 0; i < PER_MASK; i++) {
			struct flow key, mask;

			memset(&key, 0, sizeof key);
			memset(&mask, 0, sizeof mask);
			key.in_port = m;
			mask.in_port = ~0u;
			mask.dl_type = 0xffff;
			key.dl_type = 0x0800;
			key.nw_dst = 0x0a000000 | i << (m & 3);
			mask.nw_dst = ~0u << (m & 3);
			if (m & 4) {
				key.tp_dst = (uint16_t)i;
				mask.tp_dst = 0xffff;
				mask.nw_proto = 0xff;
				key.nw_proto = 17;
			}
			assert_int_equal(megaflow_insert(cache, &key, &mask, NULL, NULL), 0);
		}
	}
	rng_state = 31337;
	for (int i = 0; i < N_FLOWS; i++) {
		struct flow *f = &flows[i];
		uint32_t m = rnd_n(N_MASKS), k = rnd_n(PER_MASK);

		memset(f, 0, sizeof *f);
		f->in_port = m;
		f->dl_type = 0x0800;
		f->nw_proto = 17;
		f->nw_dst = 0x0a000000 | k << (m & 3);
		f->tp_dst = (uint16_t)(m & 4 ? k : rnd_n(65536));
		f->tp_src = (uint16_t)rnd();
		f->nw_src = (uint32_t)rnd();
	}
	rcu_read_lock();
	t0 = time_ns();
	do {
		for (int k = 0; k < 100000; k++, n++)
			hits += megaflow_lookup(cache, &flows[n & (N_FLOWS - 1)]) != NULL;
		t1 = time_ns();
	} while (t1 - t0 < 300000000);
	rcu_read_unlock();
	printf("megaflow speed: %d masks, %zu megaflows: %.2f Mlookups/s (%.1f%% hits)\n", N_MASKS,
	       megaflow_count(cache), n * 1e3 / (double)(t1 - t0), 100.0 * hits / n);
	assert_int_equal(hits, n);

	/* Batches of 32, as the datapath polls them. */
	n = hits = 0;
	rcu_read_lock();
	t0 = time_ns();
	do {
		for (int k = 0; k < 3125; k++, n += 32) {
			const struct flow *batch[32];
			struct megaflow *out[32];

			for (int j = 0; j < 32; j++)
				batch[j] = &flows[(n + (unsigned long)j) & (N_FLOWS - 1)];
			hits += megaflow_lookup_batch(cache, batch, 32, out);
		}
		t1 = time_ns();
	} while (t1 - t0 < 300000000);
	rcu_read_unlock();
	printf("megaflow speed: batches of 32: %.2f Mlookups/s (%.1f%% hits)\n",
	       n * 1e3 / (double)(t1 - t0), 100.0 * hits / n);
	assert_int_equal(hits, n);
	free(flows);
	megaflow_cache_destroy(cache);
	rcu_barrier();
}

static void build_udp(uint8_t *p, uint32_t i)
{
	static const uint8_t hdr[42] = {
	        0x02, 0, 0, 0,  0, 2, 0x02, 0, 0,  0,  0, 1, 0x08, 0x00,       /* eth */
	        0x45, 0, 0, 28, 0, 0, 0x40, 0, 64, 17, 0, 0, 10,   0,    0, 1, /* ipv4 */
	        10,   0, 0, 2,  0, 0, 0,    0, 0,  8,  0, 0,                   /* udp */
	};

	memcpy(p, hdr, sizeof hdr);
	p[34] = (uint8_t)(i >> 8);
	p[35] = (uint8_t)i;
	p[36] = 0x30;
	p[37] = 0x39;
}

static void test_speed_emc(void **state)
{
	enum { N_PKTS = 1024 };
	struct megaflow_cache *cache = megaflow_cache_create(NULL);
	struct emc *emc = emc_create();
	uint8_t *bufs = xzalloc(N_PKTS * 64);
	struct pkt *pkts = xcalloc(N_PKTS, sizeof *pkts);
	unsigned long n = 0, hits = 0;
	struct flow mask;
	uint64_t t0, t1;

	memset(&mask, 0, sizeof mask);
	mask.in_port = ~0u;
	mask.dl_type = 0xffff;
	for (uint32_t i = 0; i < N_PKTS; i++) {
		struct megaflow *mf;
		struct flow f;

		build_udp(bufs + i * 64, i);
		pkts[i].data = bufs + i * 64;
		pkts[i].len = 60;
		flow_extract(&pkts[i], 1, &f);
		assert_int_equal(f.tp_src, i);
		if (megaflow_insert(cache, &f, &mask, NULL, &mf) && !mf)
			fail();
		emc_insert(emc, &f, emc_flow_hash(&f), mf);
	}
	rcu_read_lock();
	t0 = time_ns();
	do {
		for (int k = 0; k < 100000; k++, n++) {
			struct flow f;
			struct megaflow *mf;
			uint32_t h;

			flow_extract(&pkts[n & (N_PKTS - 1)], 1, &f);
			h = emc_flow_hash(&f);
			mf = emc_lookup(emc, &f, h);
			hits += mf != NULL;
		}
		t1 = time_ns();
	} while (t1 - t0 < 300000000);
	rcu_read_unlock();
	printf("EMC speed: %d flows: %.2f Mpps extract+hash+hit (%.1f%% hits)\n", N_PKTS,
	       n * 1e3 / (double)(t1 - t0), 100.0 * hits / n);
	/* A few flows lose their slot to a third flow of the same set. */
	assert_true(hits > n / 100 * 95);
	emc_destroy(emc);
	megaflow_cache_destroy(cache);
	free(bufs);
	free(pkts);
	rcu_barrier();
}

static void test_memory_per_megaflow(void **state)
{
	enum { N = 200000 };
	struct megaflow_cache *cache = megaflow_cache_create(NULL);
	size_t before = mallinfo2().uordblks, after;

	for (uint32_t i = 0; i < N; i++) {
		struct flow key, mask;

		/* A typical 5-tuple megaflow (in_port, dl_type, IPs, proto, ports). */
		memset(&key, 0, sizeof key);
		memset(&mask, 0, sizeof mask);
		key.in_port = i & 3;
		mask.in_port = ~0u;
		key.dl_type = 0x0800;
		mask.dl_type = 0xffff;
		key.nw_src = 0x0a000000 | i;
		key.nw_dst = 0x0b000000 | (i * 7);
		mask.nw_src = mask.nw_dst = ~0u;
		key.nw_proto = 6;
		mask.nw_proto = 0xff;
		key.tp_src = (uint16_t)i;
		key.tp_dst = 80;
		mask.tp_src = mask.tp_dst = 0xffff;
		assert_int_equal(megaflow_insert(cache, &key, &mask, NULL, NULL), 0);
	}
	rcu_barrier(); /* retired hash arrays */
	after = mallinfo2().uordblks;
	printf("megaflow memory: %.1f bytes per 5-tuple megaflow (without actions)\n",
	       (double)(after - before) / N);
	megaflow_cache_destroy(cache);
	rcu_barrier();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_vs_classifier_and_reference),
	        cmocka_unit_test(test_stats_actions_sweep),
	        cmocka_unit_test(test_concurrent_readers),
	        cmocka_unit_test(test_emc),
	        cmocka_unit_test(test_speed_megaflow),
	        cmocka_unit_test(test_speed_emc),
	        cmocka_unit_test(test_memory_per_megaflow),
	};
	int rc;

	rcu_register_thread();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rcu_unregister_thread();
	return rc;
}
