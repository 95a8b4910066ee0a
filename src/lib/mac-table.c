/* mac-table.c - MAC learning table (see mac-table.h): chained hash buckets
 * for lookup, a doubly linked list from least to most recently seen for
 * aging and eviction, and a free list so steady-state learning never
 * allocates. */
#include "lib/mac-table.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

struct mac_entry {
	struct mac_entry *hnext;               /* bucket chain */
	struct mac_entry *lru_prev, *lru_next; /* oldest .. newest */
	uint64_t key;                          /* vlan << 48 | mac */
	uint64_t last_seen;
	uint32_t port;
};

struct mac_table {
	struct mac_entry **buckets;
	size_t n_buckets; /* power of two */
	size_t count, max;
	struct mac_entry *oldest, *newest;
	struct mac_entry *free_list;
};

#define MAC_TABLE_MIN_BUCKETS 64u

static uint64_t mac_key(uint16_t vlan, const uint8_t mac[6])
{
	uint64_t k = vlan;

	for (int i = 0; i < 6; i++)
		k = k << 8 | mac[i];
	return k;
}

static void mac_key_split(uint64_t key, uint16_t *vlan, uint8_t mac[6])
{
	for (int i = 5; i >= 0; i--) {
		mac[i] = (uint8_t)key;
		key >>= 8;
	}
	*vlan = (uint16_t)key;
}

/* 64-bit finalizer (xor-shift-multiply) spreading all key bits. */
static size_t mac_hash(uint64_t key)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdull;
	key ^= key >> 33;
	key *= 0xc4ceb9fe1a85ec53ull;
	key ^= key >> 33;
	return (size_t)key;
}

static struct mac_entry **mac_bucket(const struct mac_table *t, uint64_t key)
{
	return &t->buckets[mac_hash(key) & (t->n_buckets - 1)];
}

static void lru_unlink(struct mac_table *t, struct mac_entry *e)
{
	if (e->lru_prev)
		e->lru_prev->lru_next = e->lru_next;
	else
		t->oldest = e->lru_next;
	if (e->lru_next)
		e->lru_next->lru_prev = e->lru_prev;
	else
		t->newest = e->lru_prev;
}

static void lru_append(struct mac_table *t, struct mac_entry *e)
{
	e->lru_next = NULL;
	e->lru_prev = t->newest;
	if (t->newest)
		t->newest->lru_next = e;
	else
		t->oldest = e;
	t->newest = e;
}

static void mac_entry_remove(struct mac_table *t, struct mac_entry *e)
{
	struct mac_entry **pp = mac_bucket(t, e->key);

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	lru_unlink(t, e);
	t->count--;
	e->hnext = t->free_list;
	t->free_list = e;
}

static void mac_table_rehash(struct mac_table *t, size_t n_buckets)
{
	struct mac_entry **old = t->buckets;
	size_t n_old = t->n_buckets;

	t->buckets = xcalloc(n_buckets, sizeof *t->buckets);
	t->n_buckets = n_buckets;
	for (size_t i = 0; i < n_old; i++) {
		struct mac_entry *e = old[i], *next;

		for (; e; e = next) {
			struct mac_entry **b = mac_bucket(t, e->key);

			next = e->hnext;
			e->hnext = *b;
			*b = e;
		}
	}
	free(old);
}

struct mac_table *mac_table_create(size_t max_entries)
{
	struct mac_table *t = xzalloc(sizeof *t);

	t->max = max_entries ? max_entries : 1;
	t->n_buckets = MAC_TABLE_MIN_BUCKETS;
	t->buckets = xcalloc(t->n_buckets, sizeof *t->buckets);
	return t;
}

static void mac_free_chain(struct mac_entry *e, bool lru)
{
	while (e) {
		struct mac_entry *next = lru ? e->lru_next : e->hnext;

		free(e);
		e = next;
	}
}

void mac_table_destroy(struct mac_table *t)
{
	if (!t)
		return;
	mac_free_chain(t->oldest, true);
	mac_free_chain(t->free_list, false);
	free(t->buckets);
	free(t);
}

static struct mac_entry *mac_find(const struct mac_table *t, uint64_t key)
{
	struct mac_entry *e = *mac_bucket(t, key);

	while (e && e->key != key)
		e = e->hnext;
	return e;
}

enum mac_learn_result mac_table_learn(struct mac_table *t, uint16_t vlan, const uint8_t mac[6],
                                      uint32_t port, uint64_t now)
{
	uint64_t key = mac_key(vlan, mac);
	struct mac_entry *e = mac_find(t, key);
	struct mac_entry **b;

	if (e) {
		enum mac_learn_result r = MAC_LEARN_REFRESHED;

		if (e->port != port) {
			e->port = port;
			r = MAC_LEARN_MOVED;
		}
		e->last_seen = now;
		if (t->newest != e) {
			lru_unlink(t, e);
			lru_append(t, e);
		}
		return r;
	}

	if (t->count >= t->max)
		mac_entry_remove(t, t->oldest);
	if (t->free_list) {
		e = t->free_list;
		t->free_list = e->hnext;
	} else {
		e = xmalloc(sizeof *e);
	}
	e->key = key;
	e->port = port;
	e->last_seen = now;
	b = mac_bucket(t, key);
	e->hnext = *b;
	*b = e;
	lru_append(t, e);
	t->count++;
	/* Keep the load factor at most 1. */
	if (t->count > t->n_buckets)
		mac_table_rehash(t, t->n_buckets * 2);
	return MAC_LEARN_NEW;
}

uint32_t mac_table_lookup(const struct mac_table *t, uint16_t vlan, const uint8_t mac[6])
{
	const struct mac_entry *e = mac_find(t, mac_key(vlan, mac));

	return e ? e->port : MAC_TABLE_PORT_NONE;
}

size_t mac_table_expire(struct mac_table *t, uint64_t now, uint64_t max_age)
{
	size_t n = 0;

	/* The LRU list is ordered by last_seen, so stop at the first fresh one. */
	while (t->oldest && now - t->oldest->last_seen >= max_age) {
		mac_entry_remove(t, t->oldest);
		n++;
	}
	return n;
}

/* Drops free-list entries beyond what the table can hold again. */
static void mac_trim_free_list(struct mac_table *t)
{
	size_t keep = t->max - t->count;

	for (struct mac_entry **pp = &t->free_list; *pp;) {
		if (keep) {
			keep--;
			pp = &(*pp)->hnext;
		} else {
			struct mac_entry *e = *pp;

			*pp = e->hnext;
			free(e);
		}
	}
}

size_t mac_table_set_max(struct mac_table *t, size_t max_entries)
{
	size_t n = 0;

	t->max = max_entries ? max_entries : 1;
	while (t->count > t->max) {
		mac_entry_remove(t, t->oldest);
		n++;
	}
	mac_trim_free_list(t);
	return n;
}

size_t mac_table_get_max(const struct mac_table *t)
{
	return t->max;
}

size_t mac_table_count(const struct mac_table *t)
{
	return t->count;
}

size_t mac_table_flush(struct mac_table *t)
{
	size_t n = 0;

	while (t->oldest) {
		mac_entry_remove(t, t->oldest);
		n++;
	}
	return n;
}

size_t mac_table_flush_port(struct mac_table *t, uint32_t port)
{
	struct mac_entry *e = t->oldest, *next;
	size_t n = 0;

	for (; e; e = next) {
		next = e->lru_next;
		if (e->port == port) {
			mac_entry_remove(t, e);
			n++;
		}
	}
	return n;
}

static int mac_info_cmp(const void *a_, const void *b_)
{
	const struct mac_table_entry_info *a = a_, *b = b_;

	if (a->vlan != b->vlan)
		return a->vlan < b->vlan ? -1 : 1;
	return memcmp(a->mac, b->mac, sizeof a->mac);
}

void mac_table_dump(const struct mac_table *t, struct mac_table_entry_info **entries, size_t *n)
{
	struct mac_table_entry_info *v = xcalloc(t->count, sizeof *v);
	size_t i = 0;

	for (const struct mac_entry *e = t->oldest; e; e = e->lru_next, i++) {
		mac_key_split(e->key, &v[i].vlan, v[i].mac);
		v[i].port = e->port;
		v[i].last_seen = e->last_seen;
	}
	*entries = v;
	*n = i;
}

void mac_table_dump_sort(struct mac_table_entry_info *entries, size_t n)
{
	qsort(entries, n, sizeof *entries, mac_info_cmp);
}
