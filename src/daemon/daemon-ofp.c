/* daemon-ofp.c - patchbayd and the OpenFlow agent: applying stored
 * settings, groups and meters, rollback snapshots and the paced saving of
 * changes made by controllers (see daemon-ofp.h). */
#include "daemon/daemon-ofp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon-flows.h"
#include "lib/vlog.h"
#include "ofagent/ofagent.h"
#include "ofproto/ofproto-ofp.h"
#include "openflow/ofp-group.h"
#include "openflow/ofp-meter.h"

#define VLOG_MODULE "ofp"

int pbd_ofp_apply(struct pbd *d, struct ofproto *br, const struct config_bridge *cb,
                  bool listeners_optional, struct errmsg *err)
{
	int error = ofagent_set_listeners(d->agent, br, cb->ofp_listen, cb->n_ofp_listen, err);

	if (error && !listeners_optional)
		return error;
	ofproto_set_fail_mode(br, cb->fail_secure ? OFPROTO_FAIL_SECURE : OFPROTO_FAIL_STANDALONE);
	ofproto_set_datapath_id(br, cb->datapath_id);
	if (ofagent_set_controllers(d->agent, br, cb->controllers, cb->n_controllers,
	                            error ? NULL : err) &&
	    !error)
		error = -EINVAL;
	return error;
}

static int add_meter_line(struct ofproto *br, const char *line, struct errmsg *err)
{
	struct ofp_meter_mod mm;
	struct ofperr oe = {0};
	int error;

	memset(&mm, 0, sizeof(mm));
	error = ofp_meter_mod_parse(line, OFPMC_ADD, &mm, err);
	if (!error)
		error = ofproto_meter_mod(br, &mm, &oe, err);
	return error;
}

static int add_group_line(struct ofproto *br, const char *line, struct errmsg *err)
{
	struct ofp_group_mod gm;
	struct ofperr oe = {0};
	int error;

	ofp_group_mod_init(&gm);
	error = ofp_group_mod_parse(line, OFPGC_ADD, NULL, &gm, err);
	if (!error)
		error = ofproto_group_mod(br, &gm, &oe, err);
	ofp_group_mod_uninit(&gm);
	return error;
}

int pbd_ofp_load_tables(struct ofproto *br, const struct config_bridge *cb, struct errmsg *err)
{
	struct errmsg e = {""};
	int error;

	for (size_t i = 0; i < cb->n_meters; i++)
		if ((error = add_meter_line(br, cb->meters[i], &e)))
			return errmsg_set(err, error, "meters[%zu]: %s", i, e.msg);
	for (size_t i = 0; i < cb->n_groups; i++)
		if ((error = add_group_line(br, cb->groups[i], &e)))
			return errmsg_set(err, error, "groups[%zu]: %s", i, e.msg);
	return 0;
}

char *pbd_ofp_meter_line(const struct ofp_meter_mod *mm)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_printf(&sb, "meter=%u,%s", mm->meter_id, mm->flags & OFPMF_PKTPS ? "pktps" : "kbps");
	if (mm->flags & OFPMF_BURST)
		strbuf_puts(&sb, ",burst");
	if (mm->flags & OFPMF_STATS)
		strbuf_puts(&sb, ",stats");
	strbuf_puts(&sb, ",bands=");
	for (size_t i = 0; i < mm->n_bands; i++) {
		const struct ofp_meter_band *b = &mm->bands[i];

		strbuf_printf(&sb, "%stype=%s,rate=%u", i ? "," : "",
		              b->type == OFPMBT_DSCP_REMARK ? "dscp_remark" : "drop", b->rate);
		if (mm->flags & OFPMF_BURST)
			strbuf_printf(&sb, ",burst_size=%u", b->burst_size);
		if (b->type == OFPMBT_DSCP_REMARK)
			strbuf_printf(&sb, ",prec_level=%u", b->prec_level);
	}
	return strbuf_steal(&sb);
}

void pbd_ofp_tables_snapshot(struct ofproto *br, struct pbd_ofp_tables *t)
{
	struct ofp_group_mod *groups = NULL;
	struct ofp_meter_mod *meters = NULL;
	size_t n;

	memset(t, 0, sizeof(*t));
	ofproto_group_dump(br, OFPG_ALL, &groups, NULL, &n);
	t->groups = xcalloc(n ? n : 1, sizeof(*t->groups));
	for (size_t i = 0; i < n; i++) {
		struct strbuf sb;

		strbuf_init(&sb);
		ofp_group_format(&groups[i], NULL, &sb);
		t->groups[t->n_groups++] = strbuf_steal(&sb);
		ofp_group_mod_uninit(&groups[i]);
	}
	free(groups);
	ofproto_meter_dump(br, OFPM_ALL, &meters, NULL, &n);
	t->meters = xcalloc(n ? n : 1, sizeof(*t->meters));
	for (size_t i = 0; i < n; i++)
		t->meters[t->n_meters++] = pbd_ofp_meter_line(&meters[i]);
	free(meters);
}

void pbd_ofp_tables_free(struct pbd_ofp_tables *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_groups; i++)
		free(t->groups[i]);
	for (size_t i = 0; i < t->n_meters; i++)
		free(t->meters[i]);
	free(t->groups);
	free(t->meters);
	memset(t, 0, sizeof(*t));
}

static bool in_lines(char *const *lines, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(lines[i], s))
			return true;
	return false;
}

void pbd_ofp_tables_restore(struct ofproto *br, const struct pbd_ofp_tables *before)
{
	struct pbd_ofp_tables now;

	pbd_ofp_tables_snapshot(br, &now);
	/* Remove what is new or changed, then add back what is missing. */
	for (size_t i = 0; i < now.n_groups; i++) {
		struct ofp_group_mod gm;
		struct ofperr oe = {0};

		ofp_group_mod_init(&gm);
		if (!in_lines(before->groups, before->n_groups, now.groups[i]) &&
		    !ofp_group_mod_parse(now.groups[i], OFPGC_ADD, NULL, &gm, NULL)) {
			gm.command = OFPGC_DELETE;
			ofproto_group_mod(br, &gm, &oe, NULL);
		}
		ofp_group_mod_uninit(&gm);
	}
	for (size_t i = 0; i < now.n_meters; i++) {
		struct ofp_meter_mod mm;
		struct ofperr oe = {0};

		memset(&mm, 0, sizeof(mm));
		if (in_lines(before->meters, before->n_meters, now.meters[i]) ||
		    ofp_meter_mod_parse(now.meters[i], OFPMC_ADD, &mm, NULL))
			continue;
		mm.command = OFPMC_DELETE;
		ofproto_meter_mod(br, &mm, &oe, NULL);
	}
	for (size_t i = 0; i < before->n_meters; i++) {
		struct errmsg e = {""};

		if (!in_lines(now.meters, now.n_meters, before->meters[i]) &&
		    add_meter_line(br, before->meters[i], &e))
			VLOG_ERR("bridge %s: rollback cannot restore '%s': %s", ofproto_name(br),
			         before->meters[i], e.msg);
	}
	for (size_t i = 0; i < before->n_groups; i++) {
		struct errmsg e = {""};

		if (!in_lines(now.groups, now.n_groups, before->groups[i]) &&
		    add_group_line(br, before->groups[i], &e))
			VLOG_ERR("bridge %s: rollback cannot restore '%s': %s", ofproto_name(br),
			         before->groups[i], e.msg);
	}
	pbd_ofp_tables_free(&now);
}

int pbd_ofp_commit_tables(struct pbd *d, const char *bridge, struct ofproto *br, struct errmsg *err)
{
	struct config *cfg = config_clone(d->cfg);
	struct config_bridge *cb = config_find_bridge(cfg, bridge);
	struct pbd_flow_lines flows;
	struct pbd_ofp_tables t;

	if (!cb) {
		config_free(cfg);
		return errmsg_set(err, -ENOENT, "bridge %s: no such bridge", bridge);
	}
	pbd_flows_snapshot(br, &flows);
	config_bridge_set_flows(cb, flows.lines, flows.n);
	pbd_flows_free(&flows);
	pbd_ofp_tables_snapshot(br, &t);
	config_strv_set(&cb->groups, &cb->n_groups, t.groups, t.n_groups);
	config_strv_set(&cb->meters, &cb->n_meters, t.meters, t.n_meters);
	pbd_ofp_tables_free(&t);
	return pbd_commit(d, cfg, err);
}

void pbd_ofp_save_changed(struct pbd *d, bool force)
{
	static uint64_t next_ms; /* pacing: no save before this time */
	uint64_t start = time_msec();

	if (!d->agent || (!force && start < next_ms))
		return;
	for (size_t i = 0; i < d->cfg->n_bridges; i++) {
		char *name = xstrdup(d->cfg->bridges[i]->name);
		struct ofproto *br = ofswitch_bridge_find(d->sw, name);
		struct errmsg err = {""};

		if (br && ofagent_take_dirty(d->agent, br)) {
			if (pbd_ofp_commit_tables(d, name, br, &err)) {
				VLOG_WARN(
				        "bridge %s: cannot save the changes made through OpenFlow "
				        "(retrying): %s",
				        name, err.msg);
				ofagent_mark_dirty(d->agent, br);
			} else {
				VLOG_DBG("bridge %s: saved the changes made through OpenFlow",
				         name);
			}
		}
		free(name);
	}
	next_ms = time_msec() + 5 * (time_msec() - start);
}
