/* megaflow.h - the datapath's megaflow cache: (key, mask) -> actions entries
 * without priorities, looked up by tuple space search, with per-entry
 * statistics updated by the datapath threads.
 *
 * Megaflows must not overlap (the slow path builds each one from a single
 * classification, un-wildcarding every bit it consulted), so a lookup probes
 * the per-mask hash tables in order and returns the first hit.  Inserting an
 * entry with exactly the same key and mask as an existing one fails with
 * -EEXIST (two upcalls for one flow race); other overlaps are not detected.
 *
 * Memory: an entry stores only the words of its key that its mask does not
 * wildcard entirely (the mask itself is shared per distinct mask), so a
 * typical megaflow costs about 100-150 bytes plus its hash slot and the
 * caller's actions.
 *
 * Threads: liburcu memb flavour (<urcu.h>).  megaflow_lookup(),
 * megaflow_account() and the accessors are lock-free readers: call them from
 * registered threads inside rcu_read_lock(); an entry found stays valid until
 * rcu_read_unlock() (or longer with megaflow_ref()).  Insert, remove, sweep,
 * rank and destroy are writers: the caller serializes them, from a registered
 * thread.  A removed entry is marked dead at once (megaflow_is_dead()), and
 * freed - together with its actions, through the cache's 'free_actions'
 * callback - once a grace period has passed and its last reference (see
 * megaflow_ref(), used by the EMC) is dropped. */
#ifndef PB_MEGAFLOW_H
#define PB_MEGAFLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/flow.h"

struct megaflow;
struct megaflow_cache;

/* Frees the actions of a megaflow; may run on any thread (an RCU callback
 * thread or a datapath thread dropping the last reference).  NULL: actions
 * are not freed by the cache. */
typedef void megaflow_free_actions_fn(void *actions);

struct megaflow_cache *megaflow_cache_create(megaflow_free_actions_fn *free_actions);
/* Frees the cache and every entry (and their actions) at once.  No reader
 * may still be using it, and no reference may be held.  NULL is fine. */
void megaflow_cache_destroy(struct megaflow_cache *cache);

/* Adds an entry matching 'key' under 'mask' with 'actions' (owned by the
 * cache from now on, unless this fails).  Returns 0 and sets '*mf' (if not
 * NULL) to the new entry, or -EEXIST and sets '*mf' to the existing entry
 * with the same key and mask. */
int megaflow_insert(struct megaflow_cache *cache, const struct flow *key, const struct flow *mask,
                    void *actions, struct megaflow **mf);
/* Removes 'mf' (which must be in the cache and not yet removed). */
void megaflow_remove(struct megaflow_cache *cache, struct megaflow *mf);

/* Reader: the entry matching 'flow', or NULL. */
struct megaflow *megaflow_lookup(const struct megaflow_cache *cache, const struct flow *flow);
/* Reader: looks up 'n' flows at once, setting out[i] to the entry matching
 * flows[i] or NULL; returns the number of hits.  Faster than 'n' single
 * lookups on large caches: for each mask it hashes every unresolved flow and
 * prefetches the slots before probing, so the cache misses overlap. */
size_t megaflow_lookup_batch(const struct megaflow_cache *cache, const struct flow *const flows[],
                             size_t n, struct megaflow *out[]);
/* Exact search: the live entry with this key (masked here) and mask. */
struct megaflow *megaflow_find(const struct megaflow_cache *cache, const struct flow *key,
                               const struct flow *mask);

size_t megaflow_count(const struct megaflow_cache *cache);
/* Number of distinct masks (subtables). */
size_t megaflow_n_masks(const struct megaflow_cache *cache);

/* Reader: the entry's actions (as given to insert or set_actions). */
void *megaflow_actions(const struct megaflow *mf);
/* Writer: replaces the actions (revalidation); the old ones are freed with
 * 'free_actions' after a grace period. */
void megaflow_set_actions(struct megaflow_cache *cache, struct megaflow *mf, void *actions);
/* The entry's key (masked) and mask. */
void megaflow_get_match(const struct megaflow *mf, struct flow *key, struct flow *mask);
/* True once the entry has been removed from its cache. */
bool megaflow_is_dead(const struct megaflow *mf);

/* Reader: counts 'packets' packets of 'bytes' bytes in total, last used at
 * 'now' (any monotonic unit; the datapath uses milliseconds).  Atomic, so
 * several datapath threads may account to one entry. */
void megaflow_account(struct megaflow *mf, uint32_t packets, uint32_t bytes, uint64_t now);

struct megaflow_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t used; /* 0 if never used */
};
void megaflow_get_stats(const struct megaflow *mf, struct megaflow_stats *stats);

/* Reader: takes a reference that keeps 'mf' allocated (not in the cache)
 * beyond rcu_read_unlock(); 'mf' must have been found under the current
 * read-side critical section.  megaflow_unref() drops it and may free the
 * entry at once if it was removed and its grace period is over. */
void megaflow_ref(struct megaflow *mf);
void megaflow_unref(struct megaflow *mf);

/* Writer: calls 'fn' on every entry; entries for which it returns true are
 * removed (dump with a 'false' callback, revalidate or flush with a
 * deciding one).  'fn' must not insert or remove entries itself.  Returns the
 * number of entries removed. */
size_t megaflow_sweep(struct megaflow_cache *cache, bool (*fn)(struct megaflow *, void *),
                      void *aux);

/* Writer: reorders the masks by the packets their entries counted since the
 * previous call, busiest first, so lookups of the common flows probe fewer
 * tables.  O(entries); call it from a periodic revalidation pass. */
void megaflow_rank(struct megaflow_cache *cache);

#endif
