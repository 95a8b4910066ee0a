/* ofproto-meter.c - a bridge's OpenFlow meters: meter_mod (add, modify,
 * delete with the rules that use them) on top of the datapath's meter
 * table (dpif_meter_*: the token buckets run in the fast path), and the
 * configuration and statistics dumps.  Each OpenFlow meter gets a datapath
 * meter id unique in the switch; the meter instruction translates to
 * DP_ACTION_METER with it (xlate.c). */
#include "ofproto/ofproto-private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static uint32_t meter_id_at(const void *vec, size_t i)
{
	return ((struct ofmeter *const *)vec)[i]->id;
}

/* Index of meter 'id' in br->meters, or where it would go. */
static size_t meter_pos(const struct ofproto *br, uint32_t id, bool *found)
{
	return ofproto_id_pos(br->meters, br->n_meters, meter_id_at, id, found);
}

struct ofmeter *ofproto_meter_find(const struct ofproto *br, uint32_t id)
{
	bool found;
	size_t i = meter_pos(br, id, &found);

	return found ? br->meters[i] : NULL;
}

/* A free datapath meter id of the switch, or -ENOSPC (control thread). */
static int64_t dp_meter_id_alloc(struct ofswitch *sw)
{
	if (!sw->dp_meter_ids)
		sw->dp_meter_ids = xcalloc(DPIF_MAX_METERS / 64, sizeof *sw->dp_meter_ids);
	for (size_t w = 0; w < DPIF_MAX_METERS / 64; w++) {
		if (sw->dp_meter_ids[w] != UINT64_MAX) {
			int bit = __builtin_ctzll(~sw->dp_meter_ids[w]);

			sw->dp_meter_ids[w] |= 1ull << bit;
			return (int64_t)(w * 64 + (size_t)bit);
		}
	}
	return -ENOSPC;
}

static void dp_meter_id_free(struct ofswitch *sw, uint32_t id)
{
	if (sw->dp_meter_ids && id < DPIF_MAX_METERS)
		sw->dp_meter_ids[id / 64] &= ~(1ull << (id % 64));
}

static void meter_to_dpif(const struct ofp_meter_mod *mm, struct dpif_meter_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->pktps = mm->flags & OFPMF_PKTPS;
	cfg->n_bands = (uint32_t)PB_MIN(mm->n_bands, (size_t)DPIF_METER_MAX_BANDS);
	for (uint32_t i = 0; i < cfg->n_bands; i++) {
		const struct ofp_meter_band *b = &mm->bands[i];

		cfg->bands[i].type =
		        b->type == OFPMBT_DROP ? DPIF_METER_BAND_DROP : DPIF_METER_BAND_DSCP_REMARK;
		cfg->bands[i].prec_level = b->prec_level;
		cfg->bands[i].rate = b->rate;
		cfg->bands[i].burst = mm->flags & OFPMF_BURST ? b->burst_size : 0;
	}
}

static int meter_add(struct ofproto *br, const struct ofp_meter_mod *mm, struct ofperr *oe,
                     struct errmsg *err)
{
	struct dpif_meter_config cfg;
	struct ofmeter *m;
	bool found;
	size_t pos = meter_pos(br, mm->meter_id, &found);
	int64_t dp_id;
	int error;

	if (found) {
		ofperr_set(oe, OFPET_METER_MOD_FAILED, OFPMMFC_METER_EXISTS);
		return errmsg_set(err, -EEXIST, "meter %u already exists", mm->meter_id);
	}
	if (br->n_meters >= OFP_METER_MAX || (dp_id = dp_meter_id_alloc(br->sw)) < 0) {
		ofperr_set(oe, OFPET_METER_MOD_FAILED, OFPMMFC_OUT_OF_METERS);
		return errmsg_set(err, -ENOSPC, "too many meters");
	}
	meter_to_dpif(mm, &cfg);
	error = dpif_meter_set(br->sw->dpif, (uint32_t)dp_id, &cfg);
	if (error) {
		dp_meter_id_free(br->sw, (uint32_t)dp_id);
		ofperr_set(oe, OFPET_METER_MOD_FAILED, OFPMMFC_BAD_BAND);
		return errmsg_set(err, error, "meter %u: the datapath refused it", mm->meter_id);
	}
	m = xzalloc(sizeof *m);
	m->id = mm->meter_id;
	m->config = *mm;
	m->config.command = OFPMC_ADD;
	m->dp_id = (uint32_t)dp_id;
	m->created_ms = time_msec();
	br->meters = ofproto_vec_insert(br->meters, &br->n_meters, &br->alloc_meters, pos,
	                                sizeof *br->meters);
	br->meters[pos] = m;
	/* text interface rules may name a meter before it exists */
	m->n_rules += (uint32_t)ofproto_count_rules_using(br, OFPG_ANY, m->id);
	return 0;
}

static int meter_modify(struct ofproto *br, const struct ofp_meter_mod *mm, struct ofperr *oe,
                        struct errmsg *err)
{
	struct ofmeter *m = ofproto_meter_find(br, mm->meter_id);
	struct dpif_meter_config cfg;
	int error;

	if (!m) {
		ofperr_set(oe, OFPET_METER_MOD_FAILED, OFPMMFC_UNKNOWN_METER);
		return errmsg_set(err, -ENOENT, "meter %u does not exist", mm->meter_id);
	}
	meter_to_dpif(mm, &cfg);
	error = dpif_meter_set(br->sw->dpif, m->dp_id, &cfg);
	if (error) {
		ofperr_set(oe, OFPET_METER_MOD_FAILED, OFPMMFC_BAD_BAND);
		return errmsg_set(err, error, "meter %u: the datapath refused it", mm->meter_id);
	}
	m->config = *mm;
	m->config.command = OFPMC_ADD;
	return 0;
}

/* Removes br->meters[pos] and the rules that use it (mutex held). */
static void meter_remove(struct ofproto *br, size_t pos)
{
	struct ofmeter *m = br->meters[pos];

	if (m->n_rules)
		ofproto_remove_rules_using(br, OFPG_ANY, m->id, OFPROTO_FR_METER_DELETE);
	ofproto_vec_remove(br->meters, &br->n_meters, pos, sizeof *br->meters);
	dpif_meter_del(br->sw->dpif, m->dp_id);
	dp_meter_id_free(br->sw, m->dp_id);
	free(m);
}

static int meter_delete(struct ofproto *br, uint32_t id, struct ofperr *oe, struct errmsg *err)
{
	bool found;
	size_t pos;

	if (id == OFPM_ALL) {
		while (br->n_meters)
			meter_remove(br, br->n_meters - 1);
		return 0;
	}
	pos = meter_pos(br, id, &found);
	if (!found) {
		ofperr_set(oe, OFPET_METER_MOD_FAILED, OFPMMFC_UNKNOWN_METER);
		return errmsg_set(err, -ENOENT, "meter %u does not exist", id);
	}
	meter_remove(br, pos);
	return 0;
}

int ofproto_meter_mod(struct ofproto *br, const struct ofp_meter_mod *mm, struct ofperr *oe,
                      struct errmsg *err)
{
	int error;

	if (mm->command == OFPMC_ADD || mm->command == OFPMC_MODIFY) {
		error = ofp_meter_mod_check(mm, oe, err);
		if (error)
			return error;
	} else if (mm->command == OFPMC_DELETE) {
		if (br->n_flowrem_rules && br->sw->has_event_ops)
			ofswitch_push_stats(br->sw); /* FLOW_REMOVED carries fresh counters */
	}
	pthread_mutex_lock(&br->mutex);
	switch (mm->command) {
	case OFPMC_ADD:
		error = meter_add(br, mm, oe, err);
		break;
	case OFPMC_MODIFY:
		error = meter_modify(br, mm, oe, err);
		break;
	case OFPMC_DELETE:
		error = meter_delete(br, mm->meter_id, oe, err);
		break;
	default:
		ofperr_set(oe, OFPET_METER_MOD_FAILED, OFPMMFC_BAD_COMMAND);
		error = errmsg_set(err, -EINVAL, "unknown meter command %d", (int)mm->command);
		break;
	}
	pthread_mutex_unlock(&br->mutex);
	/* Adding or deleting a meter changes translations; modifying one
	 * only changes the datapath's buckets. */
	if (!error && mm->command != OFPMC_MODIFY)
		ofproto_changed(br);
	ofswitch_events_flush(br->sw);
	return error;
}

void ofproto_meter_dump(struct ofproto *br, uint32_t meter_id, struct ofp_meter_mod **meters,
                        struct ofp_meter_stats **stats, size_t *n_out)
{
	struct ofp_meter_mod *mv;
	struct ofp_meter_stats *sv = NULL;
	uint64_t now = time_msec();
	size_t n = 0;

	pthread_mutex_lock(&br->mutex);
	mv = xcalloc(br->n_meters ? br->n_meters : 1, sizeof *mv);
	if (stats)
		sv = xcalloc(br->n_meters ? br->n_meters : 1, sizeof *sv);
	for (size_t i = 0; i < br->n_meters; i++) {
		const struct ofmeter *m = br->meters[i];

		if (meter_id != OFPM_ALL && m->id != meter_id)
			continue;
		mv[n] = m->config;
		if (sv) {
			struct ofp_meter_stats *s = &sv[n];
			struct dpif_meter_stats ds;
			uint64_t age = now > m->created_ms ? now - m->created_ms : 0;

			dpif_meter_get_stats(br->sw->dpif, m->dp_id, &ds);
			s->meter_id = m->id;
			s->flow_count = m->n_rules;
			s->packets_in = ds.packets;
			s->bytes_in = ds.bytes;
			s->duration_sec = (uint32_t)(age / 1000u);
			s->duration_nsec = (uint32_t)(age % 1000u) * 1000000u;
			s->n_bands = m->config.n_bands;
			for (size_t b = 0; b < s->n_bands && b < DPIF_METER_MAX_BANDS; b++) {
				s->bands[b].packets = ds.bands[b].packets;
				s->bands[b].bytes = ds.bands[b].bytes;
			}
		}
		n++;
	}
	pthread_mutex_unlock(&br->mutex);
	*meters = mv;
	if (stats)
		*stats = sv;
	*n_out = n;
}

void ofproto_meters_destroy(struct ofproto *br)
{
	for (size_t i = 0; i < br->n_meters; i++) {
		dpif_meter_del(br->sw->dpif, br->meters[i]->dp_id);
		dp_meter_id_free(br->sw, br->meters[i]->dp_id);
		free(br->meters[i]);
	}
	free(br->meters);
	br->meters = NULL;
	br->n_meters = br->alloc_meters = 0;
}
