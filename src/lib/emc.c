/* emc.c - per-thread exact-match cache (see emc.h): an array of sets of
 * EMC_WAYS entries, each a full flow key, its hash and a counted reference
 * to a megaflow. */
#include "lib/emc.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/tuple-space.h"
#include "lib/util.h"

struct emc_entry {
	struct megaflow *mf; /* NULL: empty */
	uint32_t hash;
	uint32_t pad;
	struct flow key;
};

#define EMC_SETS (EMC_ENTRIES / EMC_WAYS)

struct emc {
	struct emc_entry e[EMC_ENTRIES];
	unsigned sweep_pos;
	unsigned victim; /* alternates the way replaced in full sets */
};

_Static_assert((EMC_ENTRIES & (EMC_ENTRIES - 1)) == 0, "EMC_ENTRIES must be a power of two");

struct emc *emc_create(void)
{
	struct emc *emc;

	if (posix_memalign((void **)&emc, PB_CACHE_LINE, sizeof *emc))
		abort(); /* out of memory, as xmalloc would */
	memset(emc, 0, sizeof *emc);
	return emc;
}

static void emc_clear(struct emc_entry *e)
{
	megaflow_unref(e->mf);
	e->mf = NULL;
}

void emc_flush(struct emc *emc)
{
	for (unsigned i = 0; i < EMC_ENTRIES; i++)
		if (emc->e[i].mf)
			emc_clear(&emc->e[i]);
}

void emc_destroy(struct emc *emc)
{
	if (emc) {
		emc_flush(emc);
		free(emc);
	}
}

uint32_t emc_flow_hash(const struct flow *flow)
{
	return ts_hash_words(flow_u64(flow), FLOW_U64S);
}

static bool emc_key_equal(const struct flow *a, const struct flow *b)
{
	const uint64_t *x = flow_u64(a), *y = flow_u64(b);
	uint64_t diff = 0;

	for (size_t i = 0; i < FLOW_U64S; i++)
		diff |= x[i] ^ y[i];
	return !diff;
}

struct megaflow *emc_lookup(struct emc *emc, const struct flow *flow, uint32_t hash)
{
	struct emc_entry *set = &emc->e[(hash & (EMC_SETS - 1)) * EMC_WAYS];

	for (unsigned w = 0; w < EMC_WAYS; w++) {
		struct emc_entry *e = &set[w];

		if (e->hash == hash && e->mf && emc_key_equal(&e->key, flow)) {
			if (PB_UNLIKELY(megaflow_is_dead(e->mf))) {
				emc_clear(e);
				return NULL;
			}
			return e->mf;
		}
	}
	return NULL;
}

void emc_insert(struct emc *emc, const struct flow *flow, uint32_t hash, struct megaflow *mf)
{
	struct emc_entry *set = &emc->e[(hash & (EMC_SETS - 1)) * EMC_WAYS];
	struct emc_entry *e = NULL;

	for (unsigned w = 0; w < EMC_WAYS; w++) {
		struct emc_entry *x = &set[w];

		if (x->mf && x->hash == hash && emc_key_equal(&x->key, flow)) {
			if (x->mf == mf)
				return;
			e = x;
			break;
		}
		if (!e && (!x->mf || megaflow_is_dead(x->mf)))
			e = x;
	}
	if (!e)
		e = &set[emc->victim++ % EMC_WAYS];
	megaflow_ref(mf);
	if (e->mf)
		emc_clear(e);
	e->mf = mf;
	e->hash = hash;
	e->key = *flow;
}

void emc_sweep(struct emc *emc, unsigned n)
{
	for (unsigned i = 0; i < n && i < EMC_ENTRIES; i++) {
		struct emc_entry *e = &emc->e[emc->sweep_pos];

		emc->sweep_pos = (emc->sweep_pos + 1) & (EMC_ENTRIES - 1);
		if (e->mf && megaflow_is_dead(e->mf))
			emc_clear(e);
	}
}

unsigned emc_count(const struct emc *emc)
{
	unsigned n = 0;

	for (unsigned i = 0; i < EMC_ENTRIES; i++)
		n += emc->e[i].mf != NULL;
	return n;
}
