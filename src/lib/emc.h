/* emc.h - the exact-match cache: a small per-datapath-thread cache from a
 * full flow key to its megaflow, consulted before the megaflow cache.
 *
 * EMC_ENTRIES entries, 2-way set associative by the flow's hash.  An entry
 * holds the full key, its hash and a reference (megaflow_ref()) to the
 * megaflow, so the pointer stays valid across read-side critical sections;
 * a hit requires an equal key and a megaflow not yet removed from its cache
 * (megaflow_is_dead()), so removing a megaflow invalidates every EMC at once.
 * Dead entries release their reference when they are next probed, replaced,
 * swept (emc_sweep()) or flushed.
 *
 * Threads: one EMC per datapath thread, no locks.  emc_lookup() and
 * emc_insert() run inside rcu_read_lock() (emc_insert() only with a megaflow
 * found in the current critical section). */
#ifndef PB_EMC_H
#define PB_EMC_H

#include <stdint.h>

#include "lib/flow.h"
#include "lib/megaflow.h"

#define EMC_ENTRIES 8192u /* a power of two */
#define EMC_WAYS    2u

struct emc;

struct emc *emc_create(void);
/* Drops every reference and frees 'emc' (NULL is fine). */
void emc_destroy(struct emc *emc);

/* The hash the EMC is indexed by: of the whole flow (all FLOW_U64S words). */
uint32_t emc_flow_hash(const struct flow *flow);

/* The live megaflow cached for 'flow' (whose emc_flow_hash() is 'hash'),
 * or NULL. */
struct megaflow *emc_lookup(struct emc *emc, const struct flow *flow, uint32_t hash);
/* Caches 'flow' -> 'mf', replacing the entry for the same key, else an empty
 * or dead way, else one of the two ways of its set (alternating). */
void emc_insert(struct emc *emc, const struct flow *flow, uint32_t hash, struct megaflow *mf);

/* Releases the entries whose megaflow is dead among the next 'n' entries
 * (round robin); call it now and then so removed megaflows are freed even
 * if their EMC slots are never probed again. */
void emc_sweep(struct emc *emc, unsigned n);
/* Empties the cache. */
void emc_flush(struct emc *emc);
/* Number of occupied entries (O(EMC_ENTRIES); for tests and stats). */
unsigned emc_count(const struct emc *emc);

#endif
