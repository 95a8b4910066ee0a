/* rpc-ofp-methods.c - the methods of the OpenFlow agent and its tables
 * beyond flows: set-controller, del-controller, get-controller, set-bridge's
 * fail-mode/ofp-listen/datapath-id keys, and groups and meters in
 * ovs-ofctl syntax (add-group, mod-group, del-groups, dump-groups,
 * add-meter, mod-meter, del-meters, dump-meters).  Changes are applied
 * live, then saved; a failed save puts the bridge back. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon-flows.h"
#include "daemon/daemon-ofp.h"
#include "daemon/rpc-methods.h"
#include "lib/vlog.h"
#include "ofagent/ofagent.h"
#include "ofproto/ofproto-ofp.h"
#include "openflow/ofp-group.h"
#include "openflow/ofp-meter.h"

#define VLOG_MODULE "rpc"

/* ---- controllers ------------------------------------------------------- */

/* Copies the JSON array of strings 'key' into a heap array of borrowed
 * pointers. */
static bool get_strv(json_t *params, const char *key, const char ***out, size_t *n, int *code,
                     struct errmsg *err)
{
	json_t *arr = json_object_get(params, key), *js;
	size_t i;

	if (!json_is_array(arr)) {
		rpcm_fail(code, RPC_INVALID_PARAMS, err,
		          "parameter '%s' must be an array of strings", key);
		return false;
	}
	*n = json_array_size(arr);
	*out = xcalloc(*n ? *n : 1, sizeof(**out));
	json_array_foreach(arr, i, js)
	{
		if (!json_is_string(js)) {
			free(*out);
			rpcm_fail(code, RPC_INVALID_PARAMS, err, "%s[%zu]: expected a string", key,
			          i);
			return false;
		}
		(*out)[i] = json_string_value(js);
	}
	return true;
}

static json_t *set_controllers(struct pbd *d, json_t *params, char *const *targets, size_t n,
                               int *code, struct errmsg *err)
{
	struct config_bridge *cb, *ncb;
	struct ofproto *br;
	struct config *cfg;
	struct errmsg e = {""};

	if (!rpcm_get_bridge(d, params, &cb, &br, code, err))
		return NULL;
	if (ofagent_check_targets(targets, n, OFSTREAM_ACTIVE, &e))
		return rpcm_fail(code, RPC_INVALID_PARAMS, err, "%s", e.msg);
	cfg = config_clone(d->cfg);
	ncb = config_find_bridge(cfg, cb->name);
	config_strv_set(&ncb->controllers, &ncb->n_controllers, targets, n);
	if (ofagent_set_controllers(d->agent, br, ncb->controllers, ncb->n_controllers, &e)) {
		config_free(cfg);
		return rpcm_fail(code, RPC_FAILED, err, "%s", e.msg);
	}
	if (pbd_commit(d, cfg, err)) {
		ofagent_set_controllers(d->agent, br, cb->controllers, cb->n_controllers, NULL);
		*code = RPC_FAILED;
		return NULL;
	}
	VLOG_INFO("bridge %s: %zu controller(s)", ofproto_name(br), n);
	return json_object();
}

json_t *rpcm_set_controller(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	const char **targets;
	json_t *result;
	size_t n;

	if (!get_strv(params, "targets", &targets, &n, code, err))
		return NULL;
	if (!n) {
		free(targets);
		return rpcm_fail(code, RPC_INVALID_PARAMS, err,
		                 "no target given (del-controller removes them all)");
	}
	result = set_controllers(d, params, (char *const *)targets, n, code, err);
	free(targets);
	return result;
}

json_t *rpcm_del_controller(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	return set_controllers(d, params, NULL, 0, code, err);
}

static json_t *strv_json(char *const *list, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_string(list[i]));
	return arr;
}

json_t *rpcm_get_controller(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	struct ofagent_conn_status *st = NULL;
	struct config_bridge *cb;
	struct ofproto *br;
	json_t *list;
	char dpid[20];
	size_t n = 0;

	if (!rpcm_get_bridge(d, params, &cb, &br, code, err))
		return NULL;
	ofagent_status(d->agent, br, &st, &n);
	list = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct ofagent_conn_status *s = &st[i];
		json_t *js = json_pack("{s:s, s:s, s:s, s:s?, s:i, s:I}", "kind", s->kind, "target",
		                       s->target, "state", s->state, "role", s->role, "version",
		                       (int)s->version, "seconds", (json_int_t)s->seconds);

		if (s->bound[0])
			json_object_set_new(js, "bound", json_string(s->bound));
		if (s->via[0])
			json_object_set_new(js, "listener", json_string(s->via));
		if (!strcmp(s->kind, "listener"))
			json_object_set_new(js, "connections", json_integer(s->connections));
		json_object_set_new(js, "last_error", json_string(s->last_error));
		json_array_append_new(list, js);
	}
	free(st);
	snprintf(dpid, sizeof(dpid), "%016llx", (unsigned long long)ofproto_datapath_id(br));
	return json_pack("{s:o, s:o, s:o, s:s, s:s}", "controllers",
	                 strv_json(cb->controllers, cb->n_controllers), "ofp-listen",
	                 strv_json(cb->ofp_listen, cb->n_ofp_listen), "connections", list,
	                 "fail-mode", cb->fail_secure ? "secure" : "standalone", "datapath-id",
	                 dpid);
}

bool rpcm_ofp_bridge_options(json_t *options, struct config_bridge *ncb, int *code,
                             struct errmsg *err)
{
	json_t *v;

	if ((v = json_object_get(options, "fail-mode"))) {
		const char *mode = json_string_value(v);

		if (strcmp(mode, "standalone") && strcmp(mode, "secure")) {
			rpcm_fail(code, RPC_INVALID_PARAMS, err,
			          "fail-mode: expected standalone or secure, got '%.32s'", mode);
			return false;
		}
		ncb->fail_secure = !strcmp(mode, "secure");
	}
	if ((v = json_object_get(options, "datapath-id")) &&
	    config_parse_datapath_id(json_string_value(v), &ncb->datapath_id)) {
		rpcm_fail(code, RPC_INVALID_PARAMS, err,
		          "datapath-id: expected 1 to 16 hex digits, got '%.32s'",
		          json_string_value(v));
		return false;
	}
	if ((v = json_object_get(options, "ofp-listen"))) {
		/* Comma-separated; "" for none. */
		char *copy = xstrdup(json_string_value(v)), *save = NULL;
		char *targets[CONFIG_OFP_TARGETS_MAX + 1];
		struct errmsg e = {""};
		size_t n = 0;
		bool ok = true;

		for (char *t = strtok_r(copy, ",", &save); t && ok;
		     t = strtok_r(NULL, ",", &save)) {
			if (n == CONFIG_OFP_TARGETS_MAX) {
				rpcm_fail(code, RPC_INVALID_PARAMS, err,
				          "ofp-listen: at most %u listeners",
				          CONFIG_OFP_TARGETS_MAX);
				ok = false;
				break;
			}
			targets[n++] = t;
		}
		if (ok && ofagent_check_targets(targets, n, OFSTREAM_PASSIVE, &e)) {
			rpcm_fail(code, RPC_INVALID_PARAMS, err, "ofp-listen: %s", e.msg);
			ok = false;
		}
		if (ok)
			config_strv_set(&ncb->ofp_listen, &ncb->n_ofp_listen, targets, n);
		free(copy);
		return ok;
	}
	return true;
}

/* ---- groups and meters ------------------------------------------------- */

/* Snapshot of everything a group or meter change may touch. */
struct tables_before {
	struct pbd_flow_lines flows;
	struct pbd_ofp_tables t;
};

static void before_take(struct ofproto *br, struct tables_before *b)
{
	pbd_flows_snapshot(br, &b->flows);
	pbd_ofp_tables_snapshot(br, &b->t);
}

static void before_free(struct tables_before *b)
{
	pbd_flows_free(&b->flows);
	pbd_ofp_tables_free(&b->t);
}

static void before_restore(struct ofproto *br, const struct tables_before *b)
{
	pbd_ofp_tables_restore(br, &b->t);
	pbd_flows_restore(br, &b->flows);
}

/* Saves after a successful change, or puts everything back. */
static json_t *commit_or_restore(struct pbd *d, struct ofproto *br, struct tables_before *b,
                                 const char *what, int *code, struct errmsg *err)
{
	char *name = xstrdup(ofproto_name(br));

	if (pbd_ofp_commit_tables(d, name, br, err)) {
		before_restore(br, b);
		free(name);
		*code = RPC_FAILED;
		return NULL;
	}
	VLOG_INFO("bridge %s: %s", name, what);
	free(name);
	return json_object();
}

static json_t *ofp_failure(int *code, struct errmsg *err, const struct ofperr *oe,
                           const struct errmsg *e, int error)
{
	char name[40];

	if (e->msg[0])
		return rpcm_fail(code, RPC_FAILED, err, "%s", e->msg);
	if (oe->set)
		return rpcm_fail(code, RPC_FAILED, err, "%s",
		                 ofperr_name(oe->type, oe->code, name));
	return rpcm_fail(code, RPC_FAILED, err, "%s", strerror(-error));
}

/* Optional string parameter (absent = ""). */
static const char *opt_string(json_t *params, const char *key, int *code, struct errmsg *err)
{
	const char *s = "";

	if (json_object_get(params, key) && !rpcm_get_string(params, key, &s, code, err))
		return NULL;
	return s;
}

/* Parses 'text' as group or meter command 'cmd' and applies it to 'br':
 * 0, or a negative errno with '*invalid' set if 'text' is wrong (the reason
 * in 'e'), else ofproto's OpenFlow error in 'oe' and reason in 'e'. */
typedef int ofp_mod_text_fn(struct ofproto *br, const char *text, int cmd, bool *invalid,
                            struct ofperr *oe, struct errmsg *e);

/* A group or meter change named 'verb' with its text in params["key"]:
 * applied, then saved, or everything put back. */
static json_t *ofp_table_change(struct pbd *d, json_t *params, const char *key, const char *verb,
                                ofp_mod_text_fn *mod, int cmd, int *code, struct errmsg *err)
{
	struct tables_before before;
	struct config_bridge *cb;
	struct ofperr oe = {0};
	struct errmsg e = {""};
	bool invalid = false;
	struct ofproto *br;
	const char *text;
	json_t *result;
	char *what;
	int error;

	if (!rpcm_get_bridge(d, params, &cb, &br, code, err) ||
	    !(text = opt_string(params, key, code, err)))
		return NULL;
	before_take(br, &before);
	if ((error = mod(br, text, cmd, &invalid, &oe, &e))) {
		before_free(&before);
		if (invalid)
			return rpcm_fail(code, RPC_INVALID_PARAMS, err, "%s", e.msg);
		return ofp_failure(code, err, &oe, &e, error);
	}
	what = xasprintf("%s %s", verb, text);
	result = commit_or_restore(d, br, &before, what, code, err);
	free(what);
	before_free(&before);
	return result;
}

static int group_mod_text(struct ofproto *br, const char *text, int cmd, bool *invalid,
                          struct ofperr *oe, struct errmsg *e)
{
	struct ofp_group_mod gm;
	int error;

	ofp_group_mod_init(&gm);
	error = ofp_group_mod_parse(text, (enum ofp_group_mod_command)cmd, ofproto_port_names(br),
	                            &gm, e);
	if (error)
		*invalid = true;
	else
		error = ofproto_group_mod(br, &gm, oe, e);
	ofp_group_mod_uninit(&gm);
	return error;
}

static json_t *group_change(struct pbd *d, json_t *params, enum ofp_group_mod_command cmd,
                            int *code, struct errmsg *err)
{
	static const char *const names[] = {"add-group", "mod-group", "del-groups"};

	return ofp_table_change(d, params, "group", names[cmd], group_mod_text, cmd, code, err);
}

json_t *rpcm_add_group(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	return group_change(d, params, OFPGC_ADD, code, err);
}

json_t *rpcm_mod_group(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	return group_change(d, params, OFPGC_MODIFY, code, err);
}

json_t *rpcm_del_groups(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	return group_change(d, params, OFPGC_DELETE, code, err);
}

json_t *rpcm_dump_groups(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	struct ofp_group_mod *groups = NULL, filter;
	struct ofp_group_stats *stats = NULL;
	struct config_bridge *cb;
	struct errmsg e = {""};
	struct ofproto *br;
	const char *text;
	json_t *list;
	size_t n = 0;

	if (!rpcm_get_bridge(d, params, &cb, &br, code, err) ||
	    !(text = opt_string(params, "group", code, err)))
		return NULL;
	/* The filter has del-groups' syntax: "group_id=N" or nothing. */
	ofp_group_mod_init(&filter);
	if (ofp_group_mod_parse(text, OFPGC_DELETE, ofproto_port_names(br), &filter, &e)) {
		ofp_group_mod_uninit(&filter);
		return rpcm_fail(code, RPC_INVALID_PARAMS, err, "%s", e.msg);
	}
	ofproto_group_dump(br, *text ? filter.group_id : OFPG_ALL, &groups, &stats, &n);
	ofp_group_mod_uninit(&filter);
	list = json_array();
	for (size_t i = 0; i < n; i++) {
		struct strbuf sb;

		strbuf_init(&sb);
		ofp_group_format(&groups[i], ofproto_port_names(br), &sb);
		json_array_append_new(list, json_pack("{s:I, s:s, s:I, s:I, s:I}", "group_id",
		                                      (json_int_t)groups[i].group_id, "text", sb.s,
		                                      "ref_count", (json_int_t)stats[i].ref_count,
		                                      "packets", (json_int_t)stats[i].packets,
		                                      "bytes", (json_int_t)stats[i].bytes));
		strbuf_uninit(&sb);
		ofp_group_mod_uninit(&groups[i]);
	}
	free(groups);
	free(stats);
	return json_pack("{s:o}", "groups", list);
}

static int meter_mod_text(struct ofproto *br, const char *text, int cmd, bool *invalid,
                          struct ofperr *oe, struct errmsg *e)
{
	struct ofp_meter_mod mm;
	int error;

	memset(&mm, 0, sizeof(mm));
	error = ofp_meter_mod_parse(text, (enum ofp_meter_mod_command)cmd, &mm, e);
	if (error)
		*invalid = true;
	else
		error = ofproto_meter_mod(br, &mm, oe, e);
	return error;
}

static json_t *meter_change(struct pbd *d, json_t *params, enum ofp_meter_mod_command cmd,
                            int *code, struct errmsg *err)
{
	static const char *const names[] = {"add-meter", "mod-meter", "del-meters"};

	return ofp_table_change(d, params, "meter", names[cmd], meter_mod_text, cmd, code, err);
}

json_t *rpcm_add_meter(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	return meter_change(d, params, OFPMC_ADD, code, err);
}

json_t *rpcm_mod_meter(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	return meter_change(d, params, OFPMC_MODIFY, code, err);
}

json_t *rpcm_del_meters(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	return meter_change(d, params, OFPMC_DELETE, code, err);
}

json_t *rpcm_dump_meters(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	struct ofp_meter_stats *stats = NULL;
	struct ofp_meter_mod *meters = NULL, filter;
	struct config_bridge *cb;
	struct errmsg e = {""};
	struct ofproto *br;
	const char *text;
	json_t *list;
	size_t n = 0;

	if (!rpcm_get_bridge(d, params, &cb, &br, code, err) ||
	    !(text = opt_string(params, "meter", code, err)))
		return NULL;
	memset(&filter, 0, sizeof(filter));
	if (ofp_meter_mod_parse(text, OFPMC_DELETE, &filter, &e))
		return rpcm_fail(code, RPC_INVALID_PARAMS, err, "%s", e.msg);
	ofproto_meter_dump(br, *text ? filter.meter_id : OFPM_ALL, &meters, &stats, &n);
	list = json_array();
	for (size_t i = 0; i < n; i++) {
		struct strbuf sb;

		strbuf_init(&sb);
		ofp_meter_format(&meters[i], &sb);
		json_array_append_new(list, json_pack("{s:I, s:s, s:I, s:I, s:I}", "meter_id",
		                                      (json_int_t)meters[i].meter_id, "text", sb.s,
		                                      "flow_count", (json_int_t)stats[i].flow_count,
		                                      "packets", (json_int_t)stats[i].packets_in,
		                                      "bytes", (json_int_t)stats[i].bytes_in));
		strbuf_uninit(&sb);
	}
	free(meters);
	free(stats);
	return json_pack("{s:o}", "meters", list);
}
