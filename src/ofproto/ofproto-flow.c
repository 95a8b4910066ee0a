/* ofproto-flow.c - a bridge's OpenFlow tables: rules, flow_mod with
 * OpenFlow 1.3 semantics (add/modify/delete, strict forms, cookie and
 * out_port/out_group filters, CHECK_OVERLAP, RESET_COUNTS, per-table flow
 * limit), dumps, the config-store form, and idle/hard timeouts.  Every
 * change revalidates the datapath's megaflows before returning. */
#include "ofproto/ofproto-private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "openflow/flow-text.h"
#include "openflow/ofp-actions.h"
#include "openflow/ofp-match.h"
#include "ofproto/xlate.h"

#define RULE_KEPT_FLAGS (OFPFF_SEND_FLOW_REM | OFPFF_NO_PKT_COUNTS | OFPFF_NO_BYT_COUNTS)

void rule_ref(struct rule *rule)
{
	atomic_fetch_add_explicit(&rule->refcnt, 1, memory_order_relaxed);
}

void rule_unref(struct rule *rule)
{
	if (rule && atomic_fetch_sub_explicit(&rule->refcnt, 1, memory_order_acq_rel) == 1) {
		free(rule->ofpacts);
		free(rule);
	}
}

struct xcache *xcache_create(struct rule *const *rules, size_t n)
{
	struct xcache *xc = xzalloc(sizeof *xc + n * sizeof xc->rules[0]);

	xc->groups = NULL;
	xc->n_groups = 0;
	xc->n_rules = n;
	for (size_t i = 0; i < n; i++) {
		xc->rules[i] = rules[i];
		rule_ref(rules[i]);
	}
	return xc;
}

void xcache_set_groups(struct xcache *xc, const struct xcache_group *groups, size_t n)
{
	if (!n)
		return;
	xc->groups = xmalloc(n * sizeof *xc->groups);
	xc->n_groups = n;
	for (size_t i = 0; i < n; i++) {
		xc->groups[i] = groups[i];
		ofgroup_ref(groups[i].group);
	}
}

void xcache_free(void *xc_)
{
	struct xcache *xc = xc_;

	if (!xc)
		return;
	for (size_t i = 0; i < xc->n_rules; i++)
		rule_unref(xc->rules[i]);
	for (size_t i = 0; i < xc->n_groups; i++)
		ofgroup_unref(xc->groups[i].group);
	free(xc->groups);
	free(xc);
}

bool ofproto_count_refs(struct ofproto *br, const struct ofpact *ofpacts, size_t len, int delta)
{
	const struct ofpact *a;
	bool any = false;

	OFPACT_FOR_EACH(a, ofpacts, len)
	{
		if (a->type == OFPACT_GROUP) {
			struct ofgroup *g = ofproto_group_find(
			        br, ((const struct ofpact_group *)(const void *)a)->group_id);

			if (g)
				g->n_rules += (uint32_t)delta;
			any = true;
		} else if (a->type == OFPACT_METER) {
			struct ofmeter *m = ofproto_meter_find(
			        br, ((const struct ofpact_meter *)(const void *)a)->meter_id);

			if (m)
				m->n_rules += (uint32_t)delta;
			any = true;
		} else if (a->type == OFPACT_WRITE_ACTIONS) {
			any |= ofproto_count_refs(br, ofpact_nest_actions(a), ofpact_nest_len(a),
			                          delta);
		}
	}
	return any;
}

static bool ofpacts_have_refs(const struct ofpact *ofpacts, size_t len)
{
	const struct ofpact *a;

	OFPACT_FOR_EACH(a, ofpacts, len)
	{
		if (a->type == OFPACT_GROUP || a->type == OFPACT_METER)
			return true;
		if (a->type == OFPACT_WRITE_ACTIONS &&
		    ofpacts_have_refs(ofpact_nest_actions(a), ofpact_nest_len(a)))
			return true;
	}
	return false;
}

/* Bookkeeping of a rule entering (+1) or leaving (-1) its table. */
static void rule_account(struct ofproto *br, const struct rule *r, int delta)
{
	if (ofpacts_have_refs(r->ofpacts, r->ofpacts_len))
		br->n_ref_rules += (size_t)(ssize_t)delta;
	if (r->flags & OFPFF_SEND_FLOW_REM)
		br->n_flowrem_rules += (size_t)(ssize_t)delta;
	if (br->n_groups || br->n_meters)
		ofproto_count_refs(br, r->ofpacts, r->ofpacts_len, delta);
}

static bool rule_has_timeout(const struct rule *r)
{
	return r->idle_timeout || r->hard_timeout;
}

/* Creates a rule (one reference, not in a table) from 'fm' with the
 * already checked actions 'ofpacts' (taken over). */
static struct rule *rule_create(struct ofproto *br, const struct flow_text_mod *fm,
                                uint8_t table_id, struct ofpact *ofpacts, size_t len)
{
	struct rule *r = xzalloc(sizeof *r);
	uint64_t now = time_msec();

	r->match = fm->match;
	match_normalize(&r->match);
	r->table_id = table_id;
	r->priority = fm->priority;
	r->idle_timeout = fm->idle_timeout;
	r->hard_timeout = fm->hard_timeout;
	r->importance = fm->importance;
	r->flags = fm->flags & RULE_KEPT_FLAGS;
	r->cookie = fm->new_cookie;
	r->serial = br->next_serial++;
	r->created_ms = r->used_ms = now;
	r->ofpacts = ofpacts;
	r->ofpacts_len = len;
	atomic_init(&r->refcnt, 1);
	cls_rule_init(&r->cr, &r->match.flow, &r->match.mask, r->priority, r);
	return r;
}

/* Takes 'r' out of its table (mutex held); drops the table's reference. */
static void rule_remove(struct ofproto *br, struct rule *r)
{
	classifier_remove(&br->tables[r->table_id], &r->cr);
	r->removed = true;
	if (rule_has_timeout(r))
		br->n_timeout_rules--;
	rule_account(br, r, -1);
	/* Readers of the classifier hold br->mutex, so no grace period is
	 * needed before the memory may go (xlate caches keep their own
	 * references). */
	rule_unref(r);
}

/* rule_remove() with a FLOW_REMOVED event for 'reason' (OFPROTO_FR_*). */
static void rule_remove_notify(struct ofproto *br, struct rule *r, uint8_t reason)
{
	ofproto_note_flow_removed(br, r, reason);
	rule_remove(br, r);
}

void ofproto_tables_init(struct ofproto *br)
{
	struct flow_text_mod fm;
	struct ofpacts_buf b;
	struct ofpact_output *o;
	struct ofpact *acts;
	size_t len;

	for (size_t i = 0; i < OFPROTO_N_TABLES; i++)
		classifier_init(&br->tables[i]);
	/* table=0,priority=0,actions=NORMAL */
	memset(&fm, 0, sizeof fm);
	match_init_catchall(&fm.match);
	ofpacts_buf_init(&b);
	o = ofpact_put(&b, OFPACT_OUTPUT, sizeof *o);
	o->port = OFPP_NORMAL;
	acts = ofpacts_buf_steal(&b, &len);
	classifier_insert(&br->tables[0], &rule_create(br, &fm, 0, acts, len)->cr);
}

void ofproto_tables_destroy(struct ofproto *br)
{
	for (size_t t = 0; t < OFPROTO_N_TABLES; t++) {
		struct cls_rule **rules;
		size_t n;

		pthread_mutex_lock(&br->mutex);
		classifier_collect(&br->tables[t], NULL, NULL, &rules, &n);
		for (size_t i = 0; i < n; i++)
			rule_remove(br, rules[i]->data);
		pthread_mutex_unlock(&br->mutex);
		free(rules);
		classifier_destroy(&br->tables[t]);
	}
}

int ofproto_set_flow_limit(struct ofproto *br, unsigned int limit)
{
	if (limit < 1 || limit > OFPROTO_FLOW_LIMIT_DEFAULT * 16u)
		return -EINVAL;
	br->flow_limit = limit;
	return 0;
}

static bool cookie_ok(const struct rule *r, const struct flow_text_mod *fm)
{
	return (r->cookie & fm->cookie_mask) == (fm->cookie & fm->cookie_mask);
}

/* True if some packet matches both (key, mask) pairs. */
static bool matches_overlap(const struct match *a, const struct match *b)
{
	uint64_t ak[FLOW_U64S], am[FLOW_U64S], bk[FLOW_U64S], bm[FLOW_U64S];

	memcpy(ak, &a->flow, sizeof ak);
	memcpy(am, &a->mask, sizeof am);
	memcpy(bk, &b->flow, sizeof bk);
	memcpy(bm, &b->mask, sizeof bm);

	for (size_t i = 0; i < FLOW_U64S; i++)
		if ((ak[i] ^ bk[i]) & am[i] & bm[i])
			return false;
	return true;
}

/* Collects the rules of the tables 'fm' names that the command selects,
 * in table then priority order.  '*out' malloc'd. */
static size_t select_rules(struct ofproto *br, const struct flow_text_mod *fm, bool strict,
                           bool filter_out, struct rule ***out)
{
	struct rule **v = NULL;
	size_t n = 0, alloc = 0;
	unsigned first = fm->table_id == FLOW_TEXT_TABLE_ALL ? 0 : fm->table_id;
	unsigned last = fm->table_id == FLOW_TEXT_TABLE_ALL ? OFPROTO_N_TABLES - 1 : fm->table_id;
	struct match m = fm->match;

	match_normalize(&m);
	for (unsigned t = first; t <= last && t < OFPROTO_N_TABLES; t++) {
		struct cls_rule **crs = NULL;
		size_t nc = 0;

		if (strict) {
			struct cls_rule *cr = classifier_find_exactly(&br->tables[t], &m.flow,
			                                              &m.mask, fm->priority);

			if (cr) {
				crs = xmalloc(sizeof *crs);
				crs[0] = cr;
				nc = 1;
			}
		} else {
			classifier_collect(&br->tables[t], &m.flow, &m.mask, &crs, &nc);
		}
		for (size_t i = 0; i < nc; i++) {
			struct rule *r = crs[i]->data;

			if (!cookie_ok(r, fm))
				continue;
			if (filter_out &&
			    (!ofpacts_output_to_port(r->ofpacts, r->ofpacts_len, fm->out_port) ||
			     !ofpacts_output_to_group(r->ofpacts, r->ofpacts_len, fm->out_group)))
				continue;
			if (n == alloc) {
				alloc = alloc ? 2 * alloc : 8;
				v = xrealloc(v, alloc * sizeof *v);
			}
			v[n++] = r;
		}
		free(crs);
	}
	*out = v;
	return n;
}

/* A checked copy of fm's actions for a rule in 'table_id' matching 'm'. */
static int copy_actions(const struct flow_text_mod *fm, const struct match *m, uint8_t table_id,
                        struct ofpact **out, struct errmsg *err)
{
	struct ofpact *a = NULL;
	int error;

	if (fm->ofpacts_len) {
		a = xmalloc(fm->ofpacts_len);
		memcpy(a, fm->ofpacts, fm->ofpacts_len);
	}
	error = ofpacts_check(a, fm->ofpacts_len, m, table_id, err);
	if (error) {
		free(a);
		a = NULL;
	}
	*out = a;
	return error;
}

static int flow_add(struct ofproto *br, const struct flow_text_mod *fm, struct errmsg *err)
{
	struct classifier *cls;
	struct ofpact *acts;
	struct rule *r, *old;
	struct match m = fm->match;
	int error;

	if (fm->table_id >= OFPROTO_N_TABLES)
		return errmsg_set(err, -EINVAL, "table %u does not exist (tables are 0..%u)",
		                  fm->table_id, OFPROTO_N_TABLES - 1);
	match_normalize(&m);
	error = copy_actions(fm, &m, fm->table_id, &acts, err);
	if (error)
		return error;
	cls = &br->tables[fm->table_id];
	old = NULL;
	{
		struct cls_rule *cr = classifier_find_exactly(cls, &m.flow, &m.mask, fm->priority);

		if (cr)
			old = cr->data;
	}
	if (fm->flags & OFPFF_CHECK_OVERLAP) {
		struct cls_rule **crs;
		size_t n;
		bool overlap = false;

		classifier_collect(cls, NULL, NULL, &crs, &n);
		for (size_t i = 0; i < n && !overlap; i++) {
			struct rule *o = crs[i]->data;

			overlap = o->priority == fm->priority && matches_overlap(&o->match, &m);
		}
		free(crs);
		if (overlap) {
			free(acts);
			return errmsg_set(err, -EEXIST,
			                  "flow overlaps an existing flow of the same priority "
			                  "in table %u",
			                  fm->table_id);
		}
	}
	if (!old && classifier_count(cls) >= br->flow_limit) {
		free(acts);
		return errmsg_set(err, -ENOSPC, "table %u is full (limit %u flows)", fm->table_id,
		                  br->flow_limit);
	}

	r = rule_create(br, fm, fm->table_id, acts, fm->ofpacts_len);
	if (rule_has_timeout(r))
		br->n_timeout_rules++;
	rule_account(br, r, +1);
	if (old) {
		/* OpenFlow 1.3: the new rule replaces the old one; counters are
		 * copied unless RESET_COUNTS. */
		if (!(fm->flags & OFPFF_RESET_COUNTS)) {
			r->packets = old->packets;
			r->bytes = old->bytes;
		}
		classifier_replace(cls, &r->cr);
		old->removed = true;
		if (rule_has_timeout(old))
			br->n_timeout_rules--;
		rule_account(br, old, -1);
		rule_unref(old);
	} else {
		classifier_insert(cls, &r->cr);
	}
	return 0;
}

static int flow_modify(struct ofproto *br, const struct flow_text_mod *fm, bool strict,
                       struct errmsg *err)
{
	struct rule **rules;
	struct ofpact **acts;
	size_t n = select_rules(br, fm, strict, false, &rules);
	int error = 0;

	acts = xcalloc(n ? n : 1, sizeof *acts);
	/* Check first: nothing changes unless every selected rule takes the
	 * new actions. */
	for (size_t i = 0; i < n && !error; i++)
		error = copy_actions(fm, &rules[i]->match, rules[i]->table_id, &acts[i], err);
	if (!error) {
		for (size_t i = 0; i < n; i++) {
			struct rule *r = rules[i];

			rule_account(br, r, -1);
			free(r->ofpacts);
			r->ofpacts = acts[i];
			r->ofpacts_len = fm->ofpacts_len;
			acts[i] = NULL;
			if (fm->modify_cookie)
				r->cookie = fm->new_cookie;
			if (fm->flags & OFPFF_RESET_COUNTS)
				r->packets = r->bytes = 0;
			rule_account(br, r, +1);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(acts[i]);
	free(acts);
	free(rules);
	return error;
}

static int flow_delete(struct ofproto *br, const struct flow_text_mod *fm, bool strict)
{
	struct rule **rules;
	size_t n = select_rules(br, fm, strict, true, &rules);

	for (size_t i = 0; i < n; i++)
		rule_remove_notify(br, rules[i], OFPROTO_FR_DELETE);
	free(rules);
	return 0;
}

int ofproto_flow_mod(struct ofproto *br, enum flow_text_cmd cmd, bool strict,
                     const struct flow_text_mod *fm, struct errmsg *err)
{
	int error;

	if (cmd != FLOW_TEXT_ADD && fm->table_id >= OFPROTO_N_TABLES &&
	    fm->table_id != FLOW_TEXT_TABLE_ALL)
		return errmsg_set(err, -EINVAL, "table %u does not exist (tables are 0..%u)",
		                  fm->table_id, OFPROTO_N_TABLES - 1);
	/* FLOW_REMOVED carries fresh counters. */
	if (cmd == FLOW_TEXT_DELETE && br->n_flowrem_rules && br->sw->has_event_ops)
		ofswitch_push_stats(br->sw);
	pthread_mutex_lock(&br->mutex);
	switch (cmd) {
	case FLOW_TEXT_ADD:
		error = flow_add(br, fm, err);
		break;
	case FLOW_TEXT_MODIFY:
		error = flow_modify(br, fm, strict, err);
		break;
	case FLOW_TEXT_DELETE:
		error = flow_delete(br, fm, strict);
		break;
	default:
		error = errmsg_set(err, -EINVAL, "not a flow table command");
		break;
	}
	pthread_mutex_unlock(&br->mutex);
	if (!error)
		ofproto_changed(br);
	ofswitch_events_flush(br->sw);
	return error;
}

/* Whether rule 'r' uses group 'group_id' (OFPG_ANY: none) or meter
 * 'meter_id' (0: none). */
static bool rule_uses(const struct rule *r, uint32_t group_id, uint32_t meter_id)
{
	const struct ofpact *a;

	if (group_id != OFPG_ANY && ofpacts_output_to_group(r->ofpacts, r->ofpacts_len, group_id))
		return true;
	if (meter_id) {
		OFPACT_FOR_EACH(a, r->ofpacts, r->ofpacts_len)
		if (a->type == OFPACT_METER &&
		    ((const struct ofpact_meter *)(const void *)a)->meter_id == meter_id)
			return true;
	}
	return false;
}

/* Counts the rules that use the group or meter, and removes them with
 * FLOW_REMOVED 'reason' if 'remove' (mutex held). */
static size_t rules_using(struct ofproto *br, uint32_t group_id, uint32_t meter_id, bool remove,
                          uint8_t reason)
{
	size_t n_hit = 0;

	if (!br->n_ref_rules)
		return 0;
	for (size_t t = 0; t < OFPROTO_N_TABLES; t++) {
		struct cls_rule **crs;
		size_t n;

		if (classifier_is_empty(&br->tables[t]))
			continue;
		classifier_collect(&br->tables[t], NULL, NULL, &crs, &n);
		for (size_t i = 0; i < n; i++) {
			struct rule *r = crs[i]->data;

			if (rule_uses(r, group_id, meter_id)) {
				if (remove)
					rule_remove_notify(br, r, reason);
				n_hit++;
			}
		}
		free(crs);
	}
	return n_hit;
}

size_t ofproto_remove_rules_using(struct ofproto *br, uint32_t group_id, uint32_t meter_id,
                                  uint8_t reason)
{
	return rules_using(br, group_id, meter_id, true, reason);
}

size_t ofproto_count_rules_using(struct ofproto *br, uint32_t group_id, uint32_t meter_id)
{
	return rules_using(br, group_id, meter_id, false, 0);
}

size_t ofproto_expire_rules(struct ofproto *br, uint64_t now)
{
	struct rule **dead = NULL;
	size_t n_dead = 0;

	pthread_mutex_lock(&br->mutex);
	if (br->n_timeout_rules) {
		dead = xcalloc(br->n_timeout_rules, sizeof *dead);
		for (size_t t = 0; t < OFPROTO_N_TABLES; t++) {
			struct cls_rule **crs;
			size_t n;

			if (classifier_is_empty(&br->tables[t]))
				continue;
			classifier_collect(&br->tables[t], NULL, NULL, &crs, &n);
			for (size_t i = 0; i < n; i++) {
				struct rule *r = crs[i]->data;

				if ((r->hard_timeout &&
				     now - r->created_ms >= (uint64_t)r->hard_timeout * 1000u) ||
				    (r->idle_timeout &&
				     now - r->used_ms >= (uint64_t)r->idle_timeout * 1000u))
					if (n_dead < br->n_timeout_rules)
						dead[n_dead++] = r;
			}
			free(crs);
		}
		for (size_t i = 0; i < n_dead; i++) {
			struct rule *r = dead[i];
			bool hard = r->hard_timeout &&
			            now - r->created_ms >= (uint64_t)r->hard_timeout * 1000u;

			rule_remove_notify(
			        br, r, hard ? OFPROTO_FR_HARD_TIMEOUT : OFPROTO_FR_IDLE_TIMEOUT);
		}
	}
	pthread_mutex_unlock(&br->mutex);
	free(dead);
	return n_dead;
}

static int rule_cmp(const void *a_, const void *b_)
{
	const struct rule *a = *(struct rule *const *)a_;
	const struct rule *b = *(struct rule *const *)b_;

	if (a->table_id != b->table_id)
		return a->table_id < b->table_id ? -1 : 1;
	if (a->priority != b->priority)
		return a->priority > b->priority ? -1 : 1;
	return a->serial < b->serial ? -1 : a->serial > b->serial;
}

/* Every rule the filter selects (NULL: all), sorted; mutex held. */
static size_t collect_sorted(struct ofproto *br, const struct flow_text_mod *filter,
                             struct rule ***out)
{
	struct flow_text_mod all;
	size_t n;

	if (!filter) {
		memset(&all, 0, sizeof all);
		match_init_catchall(&all.match);
		all.table_id = FLOW_TEXT_TABLE_ALL;
		all.out_port = OFPP_ANY;
		all.out_group = OFPG_ANY;
		filter = &all;
	}
	n = select_rules(br, filter, false, true, out);
	if (n)
		qsort(*out, n, sizeof **out, rule_cmp);
	return n;
}

void ofproto_flow_dump(struct ofproto *br, const struct flow_text_mod *filter,
                       struct ofproto_flow_info **flows, size_t *n_flows)
{
	struct ofproto_flow_info *v;
	struct ofproto_rule_info *rules;
	size_t n;

	/* The OpenFlow snapshot, formatted: a rule that keeps no packet or
	 * byte count (all ones there) has a count that stays 0. */
	ofproto_rule_dump(br, filter, &rules, &n);
	v = xcalloc(n ? n : 1, sizeof *v);
	for (size_t i = 0; i < n; i++) {
		const struct ofproto_rule_info *r = &rules[i];

		v[i].table_id = r->table_id;
		v[i].priority = r->priority;
		v[i].cookie = r->cookie;
		v[i].packets = r->flags & OFPFF_NO_PKT_COUNTS ? 0 : r->packets;
		v[i].bytes = r->flags & OFPFF_NO_BYT_COUNTS ? 0 : r->bytes;
		v[i].duration = r->duration_sec + r->duration_nsec / 1e9;
		v[i].idle_timeout = r->idle_timeout;
		v[i].hard_timeout = r->hard_timeout;
		v[i].flags = r->flags;
		v[i].text = flow_text_format_rule(&r->match, r->priority, r->ofpacts,
		                                  r->ofpacts_len, &br->names);
	}
	ofproto_rule_info_free(rules, n);
	*flows = v;
	*n_flows = n;
}

void ofproto_flow_info_free(struct ofproto_flow_info *flows, size_t n)
{
	if (!flows)
		return;
	for (size_t i = 0; i < n; i++)
		free(flows[i].text);
	free(flows);
}

void ofproto_flow_save(struct ofproto *br, char ***lines, size_t *n_lines)
{
	struct rule **rules;
	char **v;
	size_t n;

	pthread_mutex_lock(&br->mutex);
	n = collect_sorted(br, NULL, &rules);
	v = xcalloc(n ? n : 1, sizeof *v);
	for (size_t i = 0; i < n; i++) {
		const struct rule *r = rules[i];
		char *m = flow_text_format_match(&r->match, -1, NULL);
		char *a = ofpacts_to_string(r->ofpacts, r->ofpacts_len, NULL);
		struct strbuf sb;

		strbuf_init(&sb);
		strbuf_printf(&sb, "table=%u,priority=%u", r->table_id, r->priority);
		if (r->cookie)
			strbuf_printf(&sb, ",cookie=%#llx", (unsigned long long)r->cookie);
		if (r->idle_timeout)
			strbuf_printf(&sb, ",idle_timeout=%u", r->idle_timeout);
		if (r->hard_timeout)
			strbuf_printf(&sb, ",hard_timeout=%u", r->hard_timeout);
		if (r->importance)
			strbuf_printf(&sb, ",importance=%u", r->importance);
		if (r->flags & OFPFF_SEND_FLOW_REM)
			strbuf_puts(&sb, ",send_flow_rem");
		if (r->flags & OFPFF_NO_PKT_COUNTS)
			strbuf_puts(&sb, ",no_packet_counts");
		if (r->flags & OFPFF_NO_BYT_COUNTS)
			strbuf_puts(&sb, ",no_byte_counts");
		if (*m)
			strbuf_printf(&sb, ",%s", m);
		strbuf_printf(&sb, ",actions=%s", a);
		free(m);
		free(a);
		v[i] = strbuf_steal(&sb);
		strbuf_uninit(&sb);
	}
	pthread_mutex_unlock(&br->mutex);
	free(rules);
	*lines = v;
	*n_lines = n;
}

void ofproto_rule_dump(struct ofproto *br, const struct flow_text_mod *filter,
                       struct ofproto_rule_info **out, size_t *n_out)
{
	struct ofproto_rule_info *v;
	struct rule **rules;
	uint64_t now = time_msec();
	size_t n;

	ofswitch_push_stats(br->sw); /* fresh counters */
	pthread_mutex_lock(&br->mutex);
	n = collect_sorted(br, filter, &rules);
	v = xcalloc(n ? n : 1, sizeof *v);
	for (size_t i = 0; i < n; i++) {
		const struct rule *r = rules[i];
		uint64_t age = now > r->created_ms ? now - r->created_ms : 0;

		v[i].table_id = r->table_id;
		v[i].priority = r->priority;
		v[i].cookie = r->cookie;
		v[i].packets = r->flags & OFPFF_NO_PKT_COUNTS ? UINT64_MAX : r->packets;
		v[i].bytes = r->flags & OFPFF_NO_BYT_COUNTS ? UINT64_MAX : r->bytes;
		v[i].duration_sec = (uint32_t)(age / 1000u);
		v[i].duration_nsec = (uint32_t)(age % 1000u) * 1000000u;
		v[i].idle_timeout = r->idle_timeout;
		v[i].hard_timeout = r->hard_timeout;
		v[i].importance = r->importance;
		v[i].flags = r->flags;
		v[i].match = r->match;
		v[i].ofpacts_len = r->ofpacts_len;
		if (r->ofpacts_len) {
			v[i].ofpacts = xmalloc(r->ofpacts_len);
			memcpy(v[i].ofpacts, r->ofpacts, r->ofpacts_len);
		}
	}
	pthread_mutex_unlock(&br->mutex);
	free(rules);
	*out = v;
	*n_out = n;
}

void ofproto_rule_info_free(struct ofproto_rule_info *rules, size_t n)
{
	if (!rules)
		return;
	for (size_t i = 0; i < n; i++)
		free(rules[i].ofpacts);
	free(rules);
}
