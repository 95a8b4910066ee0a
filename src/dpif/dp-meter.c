/* dp-meter.c - the datapath's meter table (see dp-meter.h): an array of
 * RCU-published meters indexed by datapath meter id, each a set of token
 * buckets under a spinlock.
 *
 * Units: a bucket holds "scaled tokens" such that refilling is
 * elapsed_ns * rate: for kbit/s one bit is 10^6 scaled tokens (rate kbit/s
 * = rate * 10^-6 bit/ns), for packets/s one packet is 10^9. */
#include "dpif/dp-meter.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <urcu.h>

#include "lib/dp-actions.h"
#include "lib/util.h"

#define DPM_BIT_SCALE 1000000ull    /* scaled tokens per bit (kbit/s meters) */
#define DPM_PKT_SCALE 1000000000ull /* scaled tokens per packet (pktps) */

struct dpm_band {
	uint8_t type;
	uint8_t prec_level;
	uint32_t rate;
	uint64_t capacity; /* scaled tokens */
	uint64_t tokens;
	uint64_t packets, bytes;
};

struct dpm_meter {
	pthread_spinlock_t lock;
	bool pktps;
	uint32_t n_bands;
	uint64_t last_ns;
	uint64_t packets, bytes;
	struct dpm_band bands[DPIF_METER_MAX_BANDS];
	struct rcu_head rcu;
};

struct dp_meters {
	struct dpm_meter *_Atomic *table; /* DPIF_MAX_METERS entries */
	atomic_uint_fast64_t fake_now_ns;
	pthread_mutex_t mutex; /* writers */
};

struct dp_meters *dp_meters_create(void)
{
	struct dp_meters *m = xzalloc(sizeof *m);

	/* calloc: untouched pages of the big array cost nothing. */
	m->table = xcalloc(DPIF_MAX_METERS, sizeof *m->table);
	atomic_init(&m->fake_now_ns, 0);
	pthread_mutex_init(&m->mutex, NULL);
	return m;
}

static void dpm_free(struct dpm_meter *mt)
{
	if (mt) {
		pthread_spin_destroy(&mt->lock);
		free(mt);
	}
}

static void dpm_free_rcu(struct rcu_head *h)
{
	dpm_free(caa_container_of(h, struct dpm_meter, rcu));
}

void dp_meters_destroy(struct dp_meters *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < DPIF_MAX_METERS; i++)
		dpm_free(atomic_load_explicit(&m->table[i], memory_order_relaxed));
	pthread_mutex_destroy(&m->mutex);
	free(m->table);
	free(m);
}

/* Default burst: a tenth of a second of the rate, at least one 1500-byte
 * frame (12 kbit) or one packet. */
static uint64_t dpm_capacity(bool pktps, uint32_t rate, uint32_t burst)
{
	uint64_t b = burst;

	if (!b) {
		b = rate / 10;
		if (pktps && b < 1)
			b = 1;
		if (!pktps && b < 12)
			b = 12;
	}
	return pktps ? b * DPM_PKT_SCALE : b * 1000u * DPM_BIT_SCALE;
}

int dp_meters_set(struct dp_meters *m, uint32_t id, const struct dpif_meter_config *cfg)
{
	struct dpm_meter *mt, *old;

	if (id >= DPIF_MAX_METERS || !cfg->n_bands || cfg->n_bands > DPIF_METER_MAX_BANDS)
		return -EINVAL;
	for (uint32_t i = 0; i < cfg->n_bands; i++)
		if (!cfg->bands[i].rate || (cfg->bands[i].type != DPIF_METER_BAND_DROP &&
		                            cfg->bands[i].type != DPIF_METER_BAND_DSCP_REMARK))
			return -EINVAL;
	mt = xzalloc(sizeof *mt);
	pthread_spin_init(&mt->lock, PTHREAD_PROCESS_PRIVATE);
	mt->pktps = cfg->pktps;
	mt->n_bands = cfg->n_bands;
	mt->last_ns = dp_meters_now(m);
	for (uint32_t i = 0; i < cfg->n_bands; i++) {
		struct dpm_band *b = &mt->bands[i];

		b->type = cfg->bands[i].type;
		b->prec_level = cfg->bands[i].prec_level;
		b->rate = cfg->bands[i].rate;
		b->capacity = dpm_capacity(cfg->pktps, b->rate, cfg->bands[i].burst);
		b->tokens = b->capacity;
	}

	pthread_mutex_lock(&m->mutex);
	old = atomic_load_explicit(&m->table[id], memory_order_relaxed);
	if (old) {
		/* Counters carry over (band counters by position). */
		pthread_spin_lock(&old->lock);
		mt->packets = old->packets;
		mt->bytes = old->bytes;
		for (uint32_t i = 0; i < mt->n_bands && i < old->n_bands; i++) {
			mt->bands[i].packets = old->bands[i].packets;
			mt->bands[i].bytes = old->bands[i].bytes;
		}
		pthread_spin_unlock(&old->lock);
	}
	atomic_store_explicit(&m->table[id], mt, memory_order_release);
	pthread_mutex_unlock(&m->mutex);
	if (old)
		call_rcu(&old->rcu, dpm_free_rcu);
	return 0;
}

int dp_meters_del(struct dp_meters *m, uint32_t id)
{
	struct dpm_meter *old;

	if (id >= DPIF_MAX_METERS)
		return -ENOENT;
	pthread_mutex_lock(&m->mutex);
	old = atomic_exchange_explicit(&m->table[id], NULL, memory_order_acq_rel);
	pthread_mutex_unlock(&m->mutex);
	if (!old)
		return -ENOENT;
	call_rcu(&old->rcu, dpm_free_rcu);
	return 0;
}

int dp_meters_get_stats(struct dp_meters *m, uint32_t id, struct dpif_meter_stats *stats)
{
	struct dpm_meter *mt;

	memset(stats, 0, sizeof *stats);
	if (id >= DPIF_MAX_METERS)
		return -ENOENT;
	/* Writers are serialized by the mutex: the meter cannot be freed
	 * while it is held. */
	pthread_mutex_lock(&m->mutex);
	mt = atomic_load_explicit(&m->table[id], memory_order_acquire);
	if (mt) {
		pthread_spin_lock(&mt->lock);
		stats->packets = mt->packets;
		stats->bytes = mt->bytes;
		stats->n_bands = mt->n_bands;
		for (uint32_t i = 0; i < mt->n_bands; i++) {
			stats->bands[i].packets = mt->bands[i].packets;
			stats->bands[i].bytes = mt->bands[i].bytes;
		}
		pthread_spin_unlock(&mt->lock);
	}
	pthread_mutex_unlock(&m->mutex);
	return mt ? 0 : -ENOENT;
}

void dp_meters_set_clock(struct dp_meters *m, uint64_t now_ns)
{
	atomic_store(&m->fake_now_ns, now_ns);
}

uint64_t dp_meters_now(const struct dp_meters *m)
{
	uint64_t fake = atomic_load_explicit(&m->fake_now_ns, memory_order_relaxed);

	return fake ? fake : time_ns();
}

static void dpm_refill(struct dpm_band *b, uint64_t elapsed)
{
	if (b->tokens >= b->capacity)
		return;
	/* elapsed * rate cannot overflow below capacity / rate. */
	if (elapsed >= b->capacity / b->rate)
		b->tokens = b->capacity;
	else
		b->tokens = PB_MIN(b->capacity, b->tokens + elapsed * b->rate);
}

int dp_meters_execute(struct dp_meters *m, uint32_t id, const struct pkt *pkt, uint64_t now_ns)
{
	struct dpm_meter *mt;
	struct dpm_band *hit = NULL;
	uint64_t cost;
	int verdict = 0;

	if (id >= DPIF_MAX_METERS)
		return 0;
	mt = atomic_load_explicit(&m->table[id], memory_order_acquire);
	if (!mt)
		return 0;
	cost = mt->pktps ? DPM_PKT_SCALE : (uint64_t)pkt->len * 8u * DPM_BIT_SCALE;
	pthread_spin_lock(&mt->lock);
	if (now_ns > mt->last_ns) {
		uint64_t elapsed = now_ns - mt->last_ns;

		for (uint32_t i = 0; i < mt->n_bands; i++)
			dpm_refill(&mt->bands[i], elapsed);
		mt->last_ns = now_ns;
	}
	mt->packets++;
	mt->bytes += pkt->len;
	for (uint32_t i = 0; i < mt->n_bands; i++) {
		struct dpm_band *b = &mt->bands[i];

		if (b->tokens >= cost)
			b->tokens -= cost;
		else if (!hit || b->rate > hit->rate)
			hit = b;
	}
	if (hit) {
		hit->packets++;
		hit->bytes += pkt->len;
		verdict = hit->type == DPIF_METER_BAND_DROP ? DP_METER_DROP : hit->prec_level;
	}
	pthread_spin_unlock(&mt->lock);
	return verdict;
}
