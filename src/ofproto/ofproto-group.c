/* ofproto-group.c - a bridge's OpenFlow groups: group_mod (add, modify,
 * delete with the rules that use them), chaining with loop detection,
 * descriptions and statistics.  Translation is in xlate-group.c.
 *
 * Chained groups (a group action inside a bucket) are supported: the
 * group named must exist (OFPBAC_BAD_OUT_GROUP), a chain leading back to
 * the group is refused (OFPGMFC_LOOP), a group that another group
 * forwards to cannot be deleted alone (OFPGMFC_CHAINED_GROUP; deleting
 * OFPG_ALL is fine).  Translation stops chains deeper than
 * XLATE_MAX_GROUP_DEPTH. */
#include "ofproto/ofproto-private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ofproto/xlate.h"

#define OFPROTO_MAX_GROUPS 65536u

void ofgroup_ref(struct ofgroup *g)
{
	atomic_fetch_add_explicit(&g->refcnt, 1, memory_order_relaxed);
}

static void ofgroup_free_buckets(struct ofp_bucket *buckets, size_t n)
{
	struct ofp_group_mod gm;

	ofp_group_mod_init(&gm);
	gm.buckets = buckets;
	gm.n_buckets = n;
	ofp_group_mod_uninit(&gm);
}

void ofgroup_unref(struct ofgroup *g)
{
	if (g && atomic_fetch_sub_explicit(&g->refcnt, 1, memory_order_acq_rel) == 1) {
		ofgroup_free_buckets(g->buckets, g->n_buckets);
		free(g);
	}
}

static uint32_t group_id_at(const void *vec, size_t i)
{
	return ((struct ofgroup *const *)vec)[i]->id;
}

/* Index of group 'id' in br->groups, or where it would go. */
static size_t group_pos(const struct ofproto *br, uint32_t id, bool *found)
{
	return ofproto_id_pos(br->groups, br->n_groups, group_id_at, id, found);
}

struct ofgroup *ofproto_group_find(const struct ofproto *br, uint32_t id)
{
	bool found;
	size_t i = group_pos(br, id, &found);

	return found ? br->groups[i] : NULL;
}

/* Adds 'delta' to n_group_refs of every group the buckets point at. */
static void group_count_chain(struct ofproto *br, const struct ofp_bucket *b, size_t n, int delta)
{
	for (size_t i = 0; i < n; i++) {
		const struct ofpact *a;

		OFPACT_FOR_EACH(a, b[i].ofpacts, b[i].ofpacts_len)
		{
			if (a->type == OFPACT_GROUP) {
				struct ofgroup *t = ofproto_group_find(
				        br,
				        ((const struct ofpact_group *)(const void *)a)->group_id);

				if (t)
					t->n_group_refs += (uint32_t)delta;
			}
		}
	}
}

/* True if group 'target' is reachable from the buckets (depth-bounded). */
static bool chain_reaches(const struct ofproto *br, const struct ofp_bucket *b, size_t n,
                          uint32_t target, unsigned depth)
{
	if (depth > 32)
		return true; /* treat absurd chains as loops */
	for (size_t i = 0; i < n; i++) {
		const struct ofpact *a;

		OFPACT_FOR_EACH(a, b[i].ofpacts, b[i].ofpacts_len)
		{
			const struct ofgroup *t;
			uint32_t id;

			if (a->type != OFPACT_GROUP)
				continue;
			id = ((const struct ofpact_group *)(const void *)a)->group_id;
			if (id == target)
				return true;
			t = ofproto_group_find(br, id);
			if (t && chain_reaches(br, t->buckets, t->n_buckets, target, depth + 1))
				return true;
		}
	}
	return false;
}

/* Checks the buckets' group actions for group 'id' (mutex held). */
static int group_check_chain(const struct ofproto *br, const struct ofp_group_mod *gm,
                             struct ofperr *oe, struct errmsg *err)
{
	for (size_t i = 0; i < gm->n_buckets; i++) {
		const struct ofp_bucket *b = &gm->buckets[i];
		const struct ofpact *a;

		if (b->watch_group != OFPG_ANY && b->watch_group == gm->group_id) {
			ofperr_set(oe, OFPET_GROUP_MOD_FAILED, OFPGMFC_BAD_WATCH);
			return errmsg_set(err, -EINVAL, "group %u watches itself", gm->group_id);
		}
		OFPACT_FOR_EACH(a, b->ofpacts, b->ofpacts_len)
		{
			uint32_t id;

			if (a->type != OFPACT_GROUP)
				continue;
			id = ((const struct ofpact_group *)(const void *)a)->group_id;
			if (id != gm->group_id && !ofproto_group_find(br, id)) {
				ofperr_set(oe, OFPET_BAD_ACTION, OFPBAC_BAD_OUT_GROUP);
				return errmsg_set(err, -ENOENT,
				                  "bucket %zu: group %u does not exist", i, id);
			}
		}
	}
	if (chain_reaches(br, gm->buckets, gm->n_buckets, gm->group_id, 0)) {
		ofperr_set(oe, OFPET_GROUP_MOD_FAILED, OFPGMFC_LOOP);
		return errmsg_set(err, -ELOOP, "group %u would forward to itself", gm->group_id);
	}
	return 0;
}

static int group_add(struct ofproto *br, struct ofp_group_mod *gm, struct ofperr *oe,
                     struct errmsg *err)
{
	struct ofgroup *g;
	bool found;
	size_t pos = group_pos(br, gm->group_id, &found);
	int error;

	if (found) {
		ofperr_set(oe, OFPET_GROUP_MOD_FAILED, OFPGMFC_GROUP_EXISTS);
		return errmsg_set(err, -EEXIST, "group %u already exists", gm->group_id);
	}
	if (gm->group_id > OFPG_MAX) {
		ofperr_set(oe, OFPET_GROUP_MOD_FAILED, OFPGMFC_INVALID_GROUP);
		return errmsg_set(err, -EINVAL, "group id %#x is reserved", gm->group_id);
	}
	if (br->n_groups >= OFPROTO_MAX_GROUPS) {
		ofperr_set(oe, OFPET_GROUP_MOD_FAILED, OFPGMFC_OUT_OF_GROUPS);
		return errmsg_set(err, -ENOSPC, "too many groups (limit %u)", OFPROTO_MAX_GROUPS);
	}
	error = group_check_chain(br, gm, oe, err);
	if (error)
		return error;

	g = xzalloc(sizeof *g);
	g->id = gm->group_id;
	g->type = gm->type;
	g->buckets = gm->buckets; /* taken over */
	g->n_buckets = gm->n_buckets;
	gm->buckets = NULL;
	gm->n_buckets = 0;
	g->created_ms = time_msec();
	atomic_init(&g->refcnt, 1);
	br->groups = ofproto_vec_insert(br->groups, &br->n_groups, &br->alloc_groups, pos,
	                                sizeof *br->groups);
	br->groups[pos] = g;
	group_count_chain(br, g->buckets, g->n_buckets, +1);
	/* rules may name a group before it exists through the text interface */
	g->n_rules += (uint32_t)ofproto_count_rules_using(br, g->id, 0);
	return 0;
}

static int group_modify(struct ofproto *br, struct ofp_group_mod *gm, struct ofperr *oe,
                        struct errmsg *err)
{
	struct ofgroup *g = ofproto_group_find(br, gm->group_id);
	struct ofp_bucket *old;
	size_t n_old;
	int error;

	if (!g) {
		ofperr_set(oe, OFPET_GROUP_MOD_FAILED, OFPGMFC_UNKNOWN_GROUP);
		return errmsg_set(err, -ENOENT, "group %u does not exist", gm->group_id);
	}
	error = group_check_chain(br, gm, oe, err);
	if (error)
		return error;
	group_count_chain(br, g->buckets, g->n_buckets, -1);
	old = g->buckets;
	n_old = g->n_buckets;
	g->type = gm->type;
	g->buckets = gm->buckets;
	g->n_buckets = gm->n_buckets;
	gm->buckets = NULL;
	gm->n_buckets = 0;
	/* Bucket counters start again; the group's go on. */
	memset(g->bucket_packets, 0, sizeof g->bucket_packets);
	memset(g->bucket_bytes, 0, sizeof g->bucket_bytes);
	group_count_chain(br, g->buckets, g->n_buckets, +1);
	ofgroup_free_buckets(old, n_old);
	return 0;
}

/* Removes br->groups[pos] and the rules that use it (mutex held). */
static void group_remove(struct ofproto *br, size_t pos)
{
	struct ofgroup *g = br->groups[pos];

	if (g->n_rules)
		ofproto_remove_rules_using(br, g->id, 0, OFPROTO_FR_GROUP_DELETE);
	group_count_chain(br, g->buckets, g->n_buckets, -1);
	ofproto_vec_remove(br->groups, &br->n_groups, pos, sizeof *br->groups);
	g->removed = true;
	ofgroup_unref(g);
}

static int group_delete(struct ofproto *br, uint32_t id, struct ofperr *oe, struct errmsg *err)
{
	bool found;
	size_t pos;

	if (id == OFPG_ALL) {
		/* Rules first, then groups from the last (no chain checks). */
		while (br->n_groups)
			group_remove(br, br->n_groups - 1);
		return 0;
	}
	pos = group_pos(br, id, &found);
	if (!found)
		return 0;
	if (br->groups[pos]->n_group_refs) {
		ofperr_set(oe, OFPET_GROUP_MOD_FAILED, OFPGMFC_CHAINED_GROUP);
		return errmsg_set(err, -EBUSY, "group %u is used by another group", id);
	}
	group_remove(br, pos);
	return 0;
}

int ofproto_group_mod(struct ofproto *br, const struct ofp_group_mod *gm_, struct ofperr *oe,
                      struct errmsg *err)
{
	struct ofp_group_mod gm;
	int error = 0;

	ofp_group_mod_clone(&gm, gm_);
	if (gm.command != OFPGC_DELETE) {
		error = ofp_group_mod_check(&gm, oe, err);
		if (error)
			goto out;
	}
	if (gm.command == OFPGC_DELETE && br->n_flowrem_rules && br->sw->has_event_ops)
		ofswitch_push_stats(br->sw); /* FLOW_REMOVED carries fresh counters */
	pthread_mutex_lock(&br->mutex);
	switch (gm.command) {
	case OFPGC_ADD:
		error = group_add(br, &gm, oe, err);
		break;
	case OFPGC_MODIFY:
		error = group_modify(br, &gm, oe, err);
		break;
	case OFPGC_DELETE:
		error = group_delete(br, gm.group_id, oe, err);
		break;
	default:
		ofperr_set(oe, OFPET_GROUP_MOD_FAILED, OFPGMFC_BAD_COMMAND);
		error = errmsg_set(err, -EINVAL, "unknown group command %d", (int)gm.command);
		break;
	}
	pthread_mutex_unlock(&br->mutex);
	if (!error)
		ofproto_changed(br);
	ofswitch_events_flush(br->sw);
out:
	ofp_group_mod_uninit(&gm);
	return error;
}

void ofproto_group_dump(struct ofproto *br, uint32_t group_id, struct ofp_group_mod **groups,
                        struct ofp_group_stats **stats, size_t *n_out)
{
	struct ofp_group_mod *gv;
	struct ofp_group_stats *sv = NULL;
	uint64_t now = time_msec();
	size_t n = 0;

	if (stats)
		ofswitch_push_stats(br->sw); /* fresh counters */
	pthread_mutex_lock(&br->mutex);
	gv = xcalloc(br->n_groups ? br->n_groups : 1, sizeof *gv);
	if (stats)
		sv = xcalloc(br->n_groups ? br->n_groups : 1, sizeof *sv);
	for (size_t i = 0; i < br->n_groups; i++) {
		const struct ofgroup *g = br->groups[i];
		struct ofp_group_mod tmp;

		if (group_id != OFPG_ALL && g->id != group_id)
			continue;
		ofp_group_mod_init(&tmp);
		tmp.command = OFPGC_ADD;
		tmp.type = g->type;
		tmp.group_id = g->id;
		tmp.buckets = g->buckets;
		tmp.n_buckets = g->n_buckets;
		ofp_group_mod_clone(&gv[n], &tmp);
		if (sv) {
			struct ofp_group_stats *s = &sv[n];
			uint64_t age = now > g->created_ms ? now - g->created_ms : 0;

			s->group_id = g->id;
			s->ref_count = g->n_rules;
			s->packets = g->packets;
			s->bytes = g->bytes;
			s->duration_sec = (uint32_t)(age / 1000u);
			s->duration_nsec = (uint32_t)(age % 1000u) * 1000000u;
			s->n_buckets = g->n_buckets;
			for (size_t b = 0; b < g->n_buckets && b < OFP_GROUP_MAX_BUCKETS; b++) {
				s->buckets[b].packets = g->bucket_packets[b];
				s->buckets[b].bytes = g->bucket_bytes[b];
			}
		}
		n++;
	}
	pthread_mutex_unlock(&br->mutex);
	*groups = gv;
	if (stats)
		*stats = sv;
	*n_out = n;
}

void ofproto_groups_destroy(struct ofproto *br)
{
	for (size_t i = 0; i < br->n_groups; i++) {
		br->groups[i]->removed = true;
		ofgroup_unref(br->groups[i]);
	}
	free(br->groups);
	br->groups = NULL;
	br->n_groups = br->alloc_groups = 0;
}
