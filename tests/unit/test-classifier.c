/* test-classifier.c - unit tests for lib/classifier: randomized comparison
 * with a brute-force linear classifier, soundness of the returned
 * wildcards, strict/non-strict selection, duplicates, and lock-free readers
 * running against a writer (RCU).  Prints a lookup speed figure. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include <cmocka.h>
#include <urcu.h>

#include "lib/classifier.h"
#include "lib/util.h"
#include "test-rand.h"

/* ---- Random flows and masks ------------------------------------------------ */

/* Flows drawn from a small value space, so random rules match often. */
static void random_flow(struct flow *f)
{
	memset(f, 0, sizeof *f);
	f->in_port = 1 + rnd_n(4);
	f->regs[0] = rnd_n(3);
	f->metadata = rnd_n(2) ? 0 : 0x10000000ULL << rnd_n(3);
	f->dl_dst[5] = (uint8_t)rnd_n(4);
	f->dl_src[5] = (uint8_t)rnd_n(4);
	f->vlan_tci = rnd_n(2) ? 0 : (uint16_t)(VLAN_CFI | rnd_n(3));
	f->dl_type = rnd_n(4) ? 0x0800 : 0x0806;
	f->nw_src = 0x0a000000u | (rnd_n(4) << 16) | rnd_n(256);
	f->nw_dst = 0xc0a80000u | (rnd_n(4) << 8) | rnd_n(4);
	f->nw_proto = rnd_n(2) ? 6 : 17;
	f->nw_tos = (uint8_t)(rnd_n(4) << 2);
	f->tp_src = (uint16_t)(1000 + rnd_n(3));
	f->tp_dst = (uint16_t)(rnd_n(2) ? 80 : 443 + rnd_n(2));
	f->ipv6_src[15] = (uint8_t)rnd_n(3);
	f->tcp_flags = (uint16_t)rnd_n(4);
}

static uint32_t prefix32(unsigned len)
{
	return len ? ~0u << (32 - len) : 0;
}

enum { N_FIXED_MASKS = 8 };

static void fixed_mask(unsigned i, struct flow *m)
{
	memset(m, 0, sizeof *m);
	switch (i) {
	case 0: /* catch-all */
		break;
	case 1:
		m->in_port = ~0u;
		break;
	case 2:
		memset(m->dl_dst, 0xff, 6);
		m->vlan_tci = 0x1fff;
		break;
	case 3:
		m->dl_type = 0xffff;
		m->nw_dst = prefix32(24);
		break;
	case 4: /* five tuple */
		m->dl_type = 0xffff;
		m->nw_src = ~0u;
		m->nw_dst = ~0u;
		m->nw_proto = 0xff;
		m->tp_src = 0xffff;
		m->tp_dst = 0xffff;
		break;
	case 5:
		m->regs[0] = ~0u;
		m->metadata = ~0ULL;
		m->in_port = ~0u;
		break;
	case 6:
		m->dl_type = 0xffff;
		m->nw_proto = 0xff;
		m->tp_dst = 0xffff;
		m->tcp_flags = 0x3;
		break;
	default:
		memset(m->dl_src, 0xff, 6);
		m->ipv6_src[15] = 0xff;
		m->nw_tos = 0xfc;
		break;
	}
}

/* A mask from the fixed set, or random IPv4 prefixes (and sometimes a port). */
static void random_mask(struct flow *m)
{
	if (rnd_n(3)) {
		fixed_mask(rnd_n(N_FIXED_MASKS), m);
		return;
	}
	memset(m, 0, sizeof *m);
	m->dl_type = 0xffff;
	m->nw_src = prefix32(rnd_n(33));
	m->nw_dst = prefix32(rnd_n(33));
	if (rnd_n(2))
		m->tp_dst = 0xffff;
}

/* ---- Reference ------------------------------------------------------------------ */

struct ref {
	struct cls_rule **rules;
	size_t n, cap;
};

static void ref_add(struct ref *r, struct cls_rule *rule)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->rules = xrealloc(r->rules, r->cap * sizeof *r->rules);
	}
	r->rules[r->n++] = rule;
}

static void ref_del(struct ref *r, size_t i)
{
	r->rules[i] = r->rules[--r->n];
}

/* Highest priority among the rules matching 'f', or -1 if none. */
static int64_t ref_best(const struct ref *r, const struct flow *f)
{
	int64_t best = -1;

	for (size_t i = 0; i < r->n; i++)
		if (r->rules[i]->priority > best && cls_rule_matches(r->rules[i], f))
			best = r->rules[i]->priority;
	return best;
}

static bool ref_contains(const struct ref *r, const struct cls_rule *rule)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->rules[i] == rule)
			return true;
	return false;
}

static struct cls_rule *new_rule(int32_t priority)
{
	struct cls_rule *rule = xmalloc(sizeof *rule);
	struct flow key, mask;

	random_flow(&key);
	random_mask(&mask);
	cls_rule_init(rule, &key, &mask, priority, NULL);
	return rule;
}

/* Removed rules wait here until a grace period has passed. */
static struct ref graveyard;

static void graveyard_flush(void)
{
	synchronize_rcu();
	for (size_t i = 0; i < graveyard.n; i++)
		free(graveyard.rules[i]);
	graveyard.n = 0;
}

static void free_all(struct classifier *cls, struct ref *r)
{
	for (size_t i = 0; i < r->n; i++)
		classifier_remove(cls, r->rules[i]);
	assert_int_equal(classifier_count(cls), 0);
	assert_true(classifier_is_empty(cls));
	synchronize_rcu();
	for (size_t i = 0; i < r->n; i++)
		free(r->rules[i]);
	free(r->rules);
	memset(r, 0, sizeof *r);
	graveyard_flush();
	classifier_destroy(cls);
	rcu_barrier();
}

/* Looks 'f' up and checks the result against the reference; with 'check_wc',
 * also checks that random flows agreeing with 'f' on the returned wildcards
 * get the very same rule.  Returns the number of lookups done. */
static unsigned check_lookup(const struct classifier *cls, const struct ref *r,
                             const struct flow *f, bool check_wc)
{
	struct flow_wc wc;
	const struct cls_rule *got;
	int64_t want = ref_best(r, f);
	unsigned n = 1, wc_mismatch = 0;

	/* Asserts run outside the read-side critical section, so that a failure
	 * (a longjmp) does not leave it open and hang the next grace period.
	 * This thread is the only writer, so the rules outlive the section. */
	memset(&wc, 0, sizeof wc);
	rcu_read_lock();
	got = classifier_lookup(cls, f, check_wc ? &wc : NULL);
	if (check_wc) {
		const uint64_t *fw = flow_u64(f), *ww = flow_u64(&wc.masks);

		for (int v = 0; v < 8; v++) {
			struct flow g;
			uint64_t *gw = (uint64_t *)(void *)&g;

			random_flow(&g);
			for (size_t i = 0; i < FLOW_U64S; i++) {
				/* Also flip random bits outside the wildcards. */
				uint64_t noise = v & 1 ? rnd() : gw[i];

				gw[i] = (fw[i] & ww[i]) | (noise & ~ww[i]);
			}
			wc_mismatch += classifier_lookup(cls, &g, NULL) != got;
			n++;
		}
	}
	rcu_read_unlock();
	if (want < 0) {
		assert_null(got);
	} else {
		assert_non_null(got);
		assert_int_equal(got->priority, want);
		assert_true(cls_rule_matches(got, f));
		assert_true(ref_contains(r, got));
	}
	assert_int_equal(wc_mismatch, 0);
	return n;
}

/* ---- Tests ------------------------------------------------------------------------ */

static void test_randomized_vs_reference(void **state)
{
	struct classifier cls;
	struct ref r = {0};
	unsigned lookups = 0;

	rng_state = 0x9e3779b97f4a7c15ULL;
	classifier_init(&cls);
	for (int round = 0; round < 40; round++) {
		/* Grow to a few hundred rules, with churn. */
		for (int op = 0; op < 60; op++) {
			if (r.n && rnd_n(3) == 0) {
				size_t i = rnd_n((uint32_t)r.n);

				classifier_remove(&cls, r.rules[i]);
				ref_add(&graveyard, r.rules[i]);
				ref_del(&r, i);
			} else {
				struct cls_rule *rule =
				        new_rule((int32_t)rnd_n(round < 20 ? 16 : 1000));

				if (classifier_find_exactly(&cls, &rule->key, &rule->mask,
				                            rule->priority)) {
					assert_int_equal(classifier_insert(&cls, rule), -EEXIST);
					free(rule);
				} else {
					assert_int_equal(classifier_insert(&cls, rule), 0);
					ref_add(&r, rule);
				}
			}
		}
		assert_int_equal(classifier_count(&cls), r.n);
		for (int i = 0; i < 1000; i++) {
			struct flow f;

			random_flow(&f);
			lookups += check_lookup(&cls, &r, &f, i % 4 == 0);
		}
		graveyard_flush();
	}
	printf("classifier: %u lookups checked, %zu rules at the end\n", lookups, r.n);
	assert_true(lookups >= 100000);
	free_all(&cls, &r);
}

static void test_wildcards_many_priorities(void **state)
{
	struct classifier cls;
	struct ref r = {0};
	unsigned lookups = 0;

	/* Few rules with distinct masks and priorities: early exits matter. */
	rng_state = 12345;
	for (int iter = 0; iter < 50; iter++) {
		classifier_init(&cls);
		for (int i = 0; i < 30; i++) {
			struct cls_rule *rule = new_rule((int32_t)rnd_n(100));

			if (classifier_insert(&cls, rule))
				free(rule);
			else
				ref_add(&r, rule);
		}
		for (int i = 0; i < 400; i++) {
			struct flow f;

			random_flow(&f);
			lookups += check_lookup(&cls, &r, &f, true);
		}
		free_all(&cls, &r);
	}
	assert_true(lookups >= 100000);
}

static void test_duplicates_and_replace(void **state)
{
	struct classifier cls;
	struct cls_rule a, b, c;
	struct flow key, mask, f;
	const struct cls_rule *got;

	classifier_init(&cls);
	memset(&key, 0, sizeof key);
	memset(&mask, 0, sizeof mask);
	key.in_port = 5;
	key.nw_src = 0x0a0000ff; /* masked away below */
	mask.in_port = ~0u;
	cls_rule_init(&a, &key, &mask, 10, (void *)1);
	cls_rule_init(&b, &key, &mask, 10, (void *)2);
	cls_rule_init(&c, &key, &mask, 5, (void *)3);
	assert_int_equal(a.key.nw_src, 0);
	assert_int_equal(classifier_insert(&cls, &a), 0);
	assert_int_equal(classifier_insert(&cls, &b), -EEXIST);
	assert_int_equal(classifier_insert(&cls, &c), 0);
	assert_ptr_equal(classifier_find_exactly(&cls, &key, &mask, 10), &a);
	assert_ptr_equal(classifier_find_exactly(&cls, &key, &mask, 5), &c);
	assert_null(classifier_find_exactly(&cls, &key, &mask, 7));
	assert_ptr_equal(classifier_replace(&cls, &b), &a);
	assert_int_equal(classifier_count(&cls), 2);
	memset(&f, 0, sizeof f);
	f.in_port = 5;
	/* Single-threaded: the writer may read without rcu_read_lock(). */
	got = classifier_lookup(&cls, &f, NULL);
	assert_ptr_equal(got, &b);
	/* Removing the top rule uncovers the lower one of the same key. */
	classifier_remove(&cls, &b);
	assert_ptr_equal(classifier_lookup(&cls, &f, NULL), &c);
	f.in_port = 6;
	assert_null(classifier_lookup(&cls, &f, NULL));
	classifier_remove(&cls, &c);
	assert_true(classifier_is_empty(&cls));
	synchronize_rcu();
	classifier_destroy(&cls);
	classifier_destroy(NULL);
	rcu_barrier();
}

static int ref_cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (void *const *)a, y = (uintptr_t) * (void *const *)b;

	return x < y ? -1 : x > y;
}

static void count_visit(struct cls_rule *rule, void *aux)
{
	(void)rule;
	(*(size_t *)aux)++;
}

static void test_collect_covered(void **state)
{
	struct classifier cls;
	struct ref r = {0};
	size_t visited = 0;

	rng_state = 777;
	classifier_init(&cls);
	for (int i = 0; i < 500; i++) {
		struct cls_rule *rule = new_rule((int32_t)rnd_n(50));

		if (classifier_insert(&cls, rule))
			free(rule);
		else
			ref_add(&r, rule);
	}
	assert_int_equal(classifier_foreach(&cls, count_visit, &visited), r.n);
	assert_int_equal(visited, r.n);
	for (int t = 0; t < 300; t++) {
		struct flow key, mask;
		struct cls_rule **got, **want = xmalloc((r.n + 1) * sizeof *want);
		size_t n_got, n_want = 0;

		random_flow(&key);
		if (t == 0)
			memset(&mask, 0, sizeof mask);
		else
			random_mask(&mask);
		for (size_t i = 0; i < r.n; i++)
			if (cls_rule_is_covered(r.rules[i], &key, &mask))
				want[n_want++] = r.rules[i];
		classifier_collect(&cls, &key, &mask, &got, &n_got);
		assert_int_equal(n_got, n_want);
		if (t == 0)
			assert_int_equal(n_got, r.n); /* an empty match covers all */
		for (size_t i = 1; i < n_got; i++)
			assert_true(got[i - 1]->priority >= got[i]->priority);
		qsort(got, n_got, sizeof *got, ref_cmp_ptr);
		qsort(want, n_want, sizeof *want, ref_cmp_ptr);
		if (n_got)
			assert_memory_equal(got, want, n_got * sizeof *got);
		free(got);
		free(want);
	}
	/* Non-strict delete of everything matching in_port=1. */
	{
		struct flow key, mask;
		struct cls_rule **got;
		size_t n_got;

		memset(&key, 0, sizeof key);
		memset(&mask, 0, sizeof mask);
		key.in_port = 1;
		mask.in_port = ~0u;
		classifier_collect(&cls, &key, &mask, &got, &n_got);
		for (size_t i = 0; i < n_got; i++) {
			classifier_remove(&cls, got[i]);
			for (size_t j = 0; j < r.n; j++) {
				if (r.rules[j] == got[i]) {
					ref_add(&graveyard, got[i]);
					ref_del(&r, j);
					break;
				}
			}
		}
		free(got);
		classifier_collect(&cls, &key, &mask, &got, &n_got);
		assert_int_equal(n_got, 0);
		free(got);
		assert_int_equal(classifier_count(&cls), r.n);
	}
	graveyard_flush();
	free_all(&cls, &r);
}

/* ---- Readers against a writer ------------------------------------------------- */

struct stress {
	struct classifier cls;
	volatile int stop;
	unsigned long lookups, hits;
};

struct stress_rule {
	struct cls_rule rule;
	struct rcu_head rcu;
};

static struct cls_rule *stress_rule(uint32_t port, int32_t pri, bool wide)
{
	struct stress_rule *sr = xmalloc(sizeof *sr);
	struct cls_rule *rule = &sr->rule;
	struct flow key, mask;

	memset(&key, 0, sizeof key);
	memset(&mask, 0, sizeof mask);
	key.in_port = port;
	mask.in_port = ~0u;
	if (wide) {
		key.nw_dst = 0x0a000000;
		mask.nw_dst = 0xff000000;
	}
	cls_rule_init(rule, &key, &mask, pri, (void *)(uintptr_t)port);
	return rule;
}

static void free_rule_rcu(struct rcu_head *head)
{
	free(caa_container_of(head, struct stress_rule, rcu));
}

/* cmocka's asserts must not run on another thread: fail hard instead. */
#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x)) {                                                                        \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #x);      \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static void *stress_reader(void *arg)
{
	struct stress *s = arg;
	struct flow f;

	rcu_register_thread();
	memset(&f, 0, sizeof f);
	f.nw_dst = 0x0a010203;
	while (!s->stop) {
		f.in_port = (uint32_t)(s->lookups % 16);
		rcu_read_lock();
		const struct cls_rule *r = classifier_lookup(&s->cls, &f, NULL);
		if (r) {
			CHECK(cls_rule_matches(r, &f));
			CHECK((uintptr_t)r->data == f.in_port);
			s->hits++;
		}
		rcu_read_unlock();
		s->lookups++;
	}
	rcu_unregister_thread();
	return NULL;
}

static void test_concurrent_readers(void **state)
{
	struct stress s = {0};
	struct cls_rule *live[16][2] = {{NULL}};
	pthread_t th;

	classifier_init(&s.cls);
	assert_int_equal(pthread_create(&th, NULL, stress_reader, &s), 0);
	rng_state = 99;
	for (int i = 0; i < 200000; i++) {
		uint32_t port = rnd_n(16);
		int w = (int)rnd_n(2);

		if (live[port][w]) {
			classifier_remove(&s.cls, live[port][w]);
			call_rcu(&caa_container_of(live[port][w], struct stress_rule, rule)->rcu,
			         free_rule_rcu);
			live[port][w] = NULL;
		} else {
			live[port][w] = stress_rule(port, (int32_t)rnd_n(1000), w);
			if (classifier_insert(&s.cls, live[port][w])) {
				free(live[port][w]);
				live[port][w] = NULL;
			}
		}
	}
	s.stop = 1;
	pthread_join(th, NULL);
	printf("classifier: reader did %lu lookups (%lu hits) during 200000 updates\n", s.lookups,
	       s.hits);
	for (int p = 0; p < 16; p++)
		for (int w = 0; w < 2; w++)
			if (live[p][w])
				classifier_remove(&s.cls, live[p][w]);
	synchronize_rcu();
	for (int p = 0; p < 16; p++)
		for (int w = 0; w < 2; w++)
			free(live[p][w]);
	classifier_destroy(&s.cls);
	rcu_barrier();
}

/* ---- Speed (printed, not asserted) ---------------------------------------------- */

static void test_speed(void **state)
{
	struct classifier cls;
	struct ref r = {0};
	struct flow *flows = xmalloc(1024 * sizeof *flows);
	unsigned long n = 0, hits = 0;
	uint64_t t0, t1;

	rng_state = 4242;
	classifier_init(&cls);
	for (int i = 0; i < 1000; i++) {
		struct cls_rule *rule = new_rule((int32_t)rnd_n(1000));

		if (classifier_insert(&cls, rule))
			free(rule);
		else
			ref_add(&r, rule);
	}
	for (int i = 0; i < 1024; i++)
		random_flow(&flows[i]);
	t0 = time_ns();
	rcu_read_lock();
	do {
		for (int k = 0; k < 100000; k++, n++)
			hits += classifier_lookup(&cls, &flows[n & 1023], NULL) != NULL;
		t1 = time_ns();
	} while (t1 - t0 < 200000000);
	rcu_read_unlock();
	printf("classifier speed: %zu rules, %.2f Mlookups/s (%lu hits)\n", r.n,
	       n * 1e3 / (double)(t1 - t0), hits);
	free(flows);
	free_all(&cls, &r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_randomized_vs_reference),
	        cmocka_unit_test(test_wildcards_many_priorities),
	        cmocka_unit_test(test_duplicates_and_replace),
	        cmocka_unit_test(test_collect_covered),
	        cmocka_unit_test(test_concurrent_readers),
	        cmocka_unit_test(test_speed),
	};
	int rc;

	rcu_register_thread();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rcu_unregister_thread();
	return rc;
}
