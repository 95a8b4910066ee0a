/* classifier.c - tuple space search classifier (see classifier.h): one RCU
 * pointer table per distinct mask holding the highest-priority rule of each
 * masked key, and an RCU-published array of the subtables in decreasing
 * order of their maximum priority. */
#include "lib/classifier.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

struct cls_subtable {
	struct ts_mask mask; /* compact form, for lookups */
	struct flow full_mask;
	uint32_t mask_hash;   /* of 'full_mask', for the writer's index */
	int32_t max_priority; /* highest priority of the rules here */
	uint32_t max_count;   /* rules with 'max_priority' */
	size_t n_rules;
	struct ts_table heads; /* highest-priority rule of each masked key */
	struct rcu_head rcu;
};

struct cls_subtable_ref {
	int32_t max_priority; /* snapshot, consistent with the order */
	struct cls_subtable *st;
};

struct cls_subtables {
	size_t n;
	struct rcu_head rcu;
	struct cls_subtable_ref e[];
};

static void flow_mask_into(struct flow *dst, const struct flow *src, const struct flow *mask)
{
	uint64_t *d = (uint64_t *)(void *)dst;
	const uint64_t *s = flow_u64(src), *m = flow_u64(mask);

	for (size_t i = 0; i < FLOW_U64S; i++)
		d[i] = s[i] & m[i];
}

void cls_rule_init(struct cls_rule *rule, const struct flow *key, const struct flow *mask,
                   int32_t priority, void *data)
{
	memset(rule, 0, sizeof *rule);
	flow_mask_into(&rule->key, key, mask);
	rule->mask = *mask;
	rule->priority = priority;
	rule->data = data;
}

bool cls_rule_matches(const struct cls_rule *rule, const struct flow *flow)
{
	const uint64_t *f = flow_u64(flow), *k = flow_u64(&rule->key), *m = flow_u64(&rule->mask);
	uint64_t diff = 0;

	for (size_t i = 0; i < FLOW_U64S; i++)
		diff |= (f[i] & m[i]) ^ k[i];
	return !diff;
}

bool cls_rule_is_covered(const struct cls_rule *rule, const struct flow *key,
                         const struct flow *mask)
{
	const uint64_t *rk = flow_u64(&rule->key), *rm = flow_u64(&rule->mask);
	const uint64_t *k = flow_u64(key), *m = flow_u64(mask);

	for (size_t i = 0; i < FLOW_U64S; i++)
		if ((rm[i] & m[i]) != m[i] || ((rk[i] ^ k[i]) & m[i]))
			return false;
	return true;
}

void classifier_init(struct classifier *cls)
{
	cls->subtables = xzalloc(sizeof *cls->subtables);
	ts_table_init(&cls->by_mask);
	cls->n_rules = 0;
}

void classifier_destroy(struct classifier *cls)
{
	if (!cls)
		return;
	for (size_t i = 0; i < cls->subtables->n; i++) {
		struct cls_subtable *st = cls->subtables->e[i].st;

		ts_table_destroy(&st->heads);
		free(st);
	}
	free(cls->subtables);
	cls->subtables = NULL;
	ts_table_destroy(&cls->by_mask);
	cls->n_rules = 0;
}

size_t classifier_count(const struct classifier *cls)
{
	return cls->n_rules;
}

bool classifier_is_empty(const struct classifier *cls)
{
	return cls->n_rules == 0;
}

/* ---- Writer-side helpers ------------------------------------------------ */

static struct cls_subtable *cls_find_subtable(const struct classifier *cls, const struct flow *mask,
                                              uint32_t mask_hash)
{
	const struct ts_array *a = cls->by_mask.arr;
	uint32_t pos = mask_hash & a->mask;
	struct cls_subtable *st;

	while ((st = ts_probe(a, mask_hash, &pos)) != NULL)
		if (!memcmp(&st->full_mask, mask, sizeof *mask))
			return st;
	return NULL;
}

/* The head of the list of rules with masked key 'key' in 'st', or NULL. */
static struct cls_rule *cls_find_head(const struct cls_subtable *st, const struct flow *key,
                                      uint32_t hash)
{
	const struct ts_array *a = st->heads.arr;
	uint32_t pos = hash & a->mask;
	struct cls_rule *head;

	while ((head = ts_probe(a, hash, &pos)) != NULL)
		if (ts_match_full(key, &st->mask, &head->key))
			return head;
	return NULL;
}

static void cls_subtables_free_rcu(struct rcu_head *head)
{
	free(caa_container_of(head, struct cls_subtables, rcu));
}

static void cls_subtable_free_rcu(struct rcu_head *head)
{
	struct cls_subtable *st = caa_container_of(head, struct cls_subtable, rcu);

	ts_table_destroy(&st->heads);
	free(st);
}

/* Publishes a new lookup order: the current subtables minus 'del' plus 'add'
 * (either may be NULL), sorted by their current maximum priority. */
static void cls_publish(struct classifier *cls, struct cls_subtable *add, struct cls_subtable *del)
{
	struct cls_subtables *old = cls->subtables, *v;
	size_t n = 0;

	v = xmalloc(sizeof *v + (old->n + 1) * sizeof v->e[0]);
	for (size_t i = 0; i < old->n; i++)
		if (old->e[i].st != del)
			v->e[n++].st = old->e[i].st;
	if (add)
		v->e[n++].st = add;
	v->n = n;
	/* Insertion sort: the old order is almost right. */
	for (size_t i = 0; i < n; i++) {
		struct cls_subtable_ref r = {v->e[i].st->max_priority, v->e[i].st};
		size_t j = i;

		for (; j > 0 && v->e[j - 1].max_priority < r.max_priority; j--)
			v->e[j] = v->e[j - 1];
		v->e[j] = r;
	}
	ts_store_ptr(cls->subtables, v);
	call_rcu(&old->rcu, cls_subtables_free_rcu);
}

static struct cls_subtable *cls_subtable_create(struct classifier *cls, const struct flow *mask,
                                                uint32_t mask_hash)
{
	struct cls_subtable *st = xzalloc(sizeof *st);

	ts_mask_init(&st->mask, mask);
	st->full_mask = *mask;
	st->mask_hash = mask_hash;
	st->max_priority = INT32_MIN;
	ts_table_init(&st->heads);
	ts_table_insert(&cls->by_mask, st, mask_hash);
	return st;
}

/* Recomputes 'st->max_priority' and 'max_count' from its rules: only list
 * heads can hold the maximum, and priorities within a list are distinct. */
static void cls_subtable_rescan(struct cls_subtable *st)
{
	const struct ts_array *a = st->heads.arr;
	struct cls_rule *head;
	uint32_t i;

	st->max_priority = INT32_MIN;
	st->max_count = 0;
	TS_ARRAY_FOR_EACH(head, i, a)
	{
		if (head->priority > st->max_priority) {
			st->max_priority = head->priority;
			st->max_count = 1;
		} else if (head->priority == st->max_priority) {
			st->max_count++;
		}
	}
}

static uint32_t cls_mask_hash(const struct flow *mask)
{
	return ts_hash_words(flow_u64(mask), FLOW_U64S);
}

/* Inserts 'rule'; with 'replace', a duplicate is swapped out and returned,
 * otherwise a duplicate makes it return 'rule' itself and change nothing. */
static struct cls_rule *cls_insert(struct classifier *cls, struct cls_rule *rule, bool replace)
{
	uint32_t mask_hash = cls_mask_hash(&rule->mask);
	struct cls_subtable *st = cls_find_subtable(cls, &rule->mask, mask_hash);
	struct cls_rule *head, *prev = NULL, *cur;
	bool new_st = false;

	if (!st) {
		st = cls_subtable_create(cls, &rule->mask, mask_hash);
		new_st = true;
	}
	rule->subtable = st;
	rule->hash = ts_hash_masked(&rule->key, &st->mask);
	head = cls_find_head(st, &rule->key, rule->hash);
	if (!head) {
		rule->next = NULL;
		ts_table_insert(&st->heads, rule, rule->hash);
		goto added;
	}
	for (cur = head; cur && cur->priority > rule->priority; cur = cur->next)
		prev = cur;
	if (cur && cur->priority == rule->priority) {
		if (!replace)
			return rule;
		rule->next = cur->next;
		if (prev)
			ts_store_ptr(prev->next, rule);
		else
			ts_table_replace(&st->heads, head, rule, rule->hash);
		return cur;
	}
	rule->next = cur;
	if (prev)
		ts_store_ptr(prev->next, rule);
	else
		ts_table_replace(&st->heads, head, rule, rule->hash);
added:
	st->n_rules++;
	cls->n_rules++;
	if (new_st) {
		st->max_priority = rule->priority;
		st->max_count = 1;
		cls_publish(cls, st, NULL);
	} else if (rule->priority > st->max_priority) {
		st->max_priority = rule->priority;
		st->max_count = 1;
		cls_publish(cls, NULL, NULL);
	} else if (rule->priority == st->max_priority) {
		st->max_count++;
	}
	return NULL;
}

int classifier_insert(struct classifier *cls, struct cls_rule *rule)
{
	return cls_insert(cls, rule, false) ? -EEXIST : 0;
}

struct cls_rule *classifier_replace(struct classifier *cls, struct cls_rule *rule)
{
	return cls_insert(cls, rule, true);
}

void classifier_remove(struct classifier *cls, struct cls_rule *rule)
{
	struct cls_subtable *st = rule->subtable;
	struct cls_rule *head = cls_find_head(st, &rule->key, rule->hash);

	if (head == rule) {
		if (rule->next)
			ts_table_replace(&st->heads, rule, rule->next, rule->hash);
		else
			ts_table_remove(&st->heads, rule, rule->hash);
	} else {
		struct cls_rule *prev = head;

		while (prev->next != rule)
			prev = prev->next;
		/* 'rule->next' stays intact for readers still on 'rule'. */
		ts_store_ptr(prev->next, rule->next);
	}
	st->n_rules--;
	cls->n_rules--;
	if (!st->n_rules) {
		ts_table_remove(&cls->by_mask, st, st->mask_hash);
		cls_publish(cls, NULL, st);
		call_rcu(&st->rcu, cls_subtable_free_rcu);
	} else if (rule->priority == st->max_priority && !--st->max_count) {
		cls_subtable_rescan(st);
		cls_publish(cls, NULL, NULL);
	}
}

struct cls_rule *classifier_find_exactly(const struct classifier *cls, const struct flow *key,
                                         const struct flow *mask, int32_t priority)
{
	struct cls_subtable *st = cls_find_subtable(cls, mask, cls_mask_hash(mask));
	struct flow masked;
	struct cls_rule *r;

	if (!st)
		return NULL;
	flow_mask_into(&masked, key, mask);
	for (r = cls_find_head(st, &masked, ts_hash_masked(&masked, &st->mask)); r; r = r->next)
		if (r->priority <= priority)
			return r->priority == priority ? r : NULL;
	return NULL;
}

/* ---- Lookup --------------------------------------------------------------- */

const struct cls_rule *classifier_lookup(const struct classifier *cls, const struct flow *flow,
                                         struct flow_wc *wc)
{
	const struct cls_subtables *v = ts_load_ptr(cls->subtables);
	const struct cls_rule *best = NULL;

	for (size_t i = 0; i < v->n; i++) {
		const struct cls_subtable *st = v->e[i].st;
		const struct ts_array *a;
		struct cls_rule *head;
		uint32_t hash, pos;

		if (best && v->e[i].max_priority <= best->priority)
			break;
		if (wc)
			ts_mask_or_into(&st->mask, &wc->masks);
		hash = ts_hash_masked(flow, &st->mask);
		a = ts_table_read(&st->heads);
		pos = hash & a->mask;
		while ((head = ts_probe(a, hash, &pos)) != NULL) {
			if (ts_match_full(flow, &st->mask, &head->key)) {
				if (!best || head->priority > best->priority)
					best = head;
				break;
			}
		}
	}
	return best;
}

/* ---- Iteration -------------------------------------------------------------- */

static bool cls_mask_covers(const struct flow *st_mask, const struct flow *mask)
{
	const uint64_t *a = flow_u64(st_mask), *m = flow_u64(mask);

	for (size_t i = 0; i < FLOW_U64S; i++)
		if ((a[i] & m[i]) != m[i])
			return false;
	return true;
}

static int cls_rule_cmp_priority(const void *a_, const void *b_)
{
	const struct cls_rule *a = *(struct cls_rule *const *)a_;
	const struct cls_rule *b = *(struct cls_rule *const *)b_;

	return a->priority < b->priority ? 1 : a->priority > b->priority ? -1 : 0;
}

size_t classifier_collect(const struct classifier *cls, const struct flow *key,
                          const struct flow *mask, struct cls_rule ***rules, size_t *n)
{
	const struct cls_subtables *v = cls->subtables;
	struct cls_rule **out = xmalloc((cls->n_rules + 1) * sizeof *out);
	size_t k = 0;

	for (size_t i = 0; i < v->n; i++) {
		const struct cls_subtable *st = v->e[i].st;
		struct cls_rule *head, *r;
		uint32_t j;

		if (mask && !cls_mask_covers(&st->full_mask, mask))
			continue;
		TS_ARRAY_FOR_EACH(head, j, st->heads.arr)
		for (r = head; r; r = r->next)
			if (!mask || cls_rule_is_covered(r, key, mask))
				out[k++] = r;
	}
	qsort(out, k, sizeof *out, cls_rule_cmp_priority);
	*rules = out;
	*n = k;
	return k;
}

size_t classifier_foreach(const struct classifier *cls, void (*fn)(struct cls_rule *, void *),
                          void *aux)
{
	const struct cls_subtables *v = cls->subtables;
	size_t k = 0;

	for (size_t i = 0; i < v->n; i++) {
		struct cls_rule *head, *r, *next;
		uint32_t j;

		TS_ARRAY_FOR_EACH(head, j, v->e[i].st->heads.arr)
		{
			for (r = head; r; r = next) {
				next = r->next;
				fn(r, aux);
				k++;
			}
		}
	}
	return k;
}
