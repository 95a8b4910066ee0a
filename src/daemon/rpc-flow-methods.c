/* rpc-flow-methods.c - the OpenFlow methods: add-flow, add-flows,
 * mod-flows, del-flows, dump-flows, dump-megaflows, flush-megaflows and
 * trace.  Changes are applied live, then saved; a failed save puts the
 * bridge back to the rules it had before (see daemon-flows.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon-flows.h"
#include "daemon/rpc-methods.h"
#include "lib/vlog.h"

#define VLOG_MODULE "rpc"

/* Optional boolean parameter 'key' (absent = false). */
static bool get_bool(json_t *params, const char *key, bool *out, int *code, struct errmsg *err)
{
	json_t *v = json_object_get(params, key);

	*out = false;
	if (!v)
		return true;
	if (!json_is_boolean(v)) {
		rpcm_fail(code, RPC_INVALID_PARAMS, err, "parameter '%s' must be true or false",
		          key);
		return false;
	}
	*out = json_is_true(v);
	return true;
}

/* Optional string parameter 'key' (absent = ""). */
static bool get_opt_string(json_t *params, const char *key, const char **out, int *code,
                           struct errmsg *err)
{
	if (!json_object_get(params, key)) {
		*out = "";
		return true;
	}
	return rpcm_get_string(params, key, out, code, err);
}

/* ofproto_flow_mod() errors: a rule the tables refuse (-EINVAL) is a bad
 * request; a full table or an overlap is a failed operation. */
static int flow_mod_code(int error)
{
	return error == -EINVAL ? RPC_INVALID_PARAMS : RPC_FAILED;
}

/* Saves the bridge's live rules; on failure restores 'before' and fails the
 * request.  Returns the empty result or NULL. */
static json_t *commit_or_restore(struct pbd *d, struct ofproto *br,
                                 const struct pbd_flow_lines *before, const char *what, int *code,
                                 struct errmsg *err)
{
	char *name = xstrdup(ofproto_name(br));

	if (pbd_flows_commit(d, name, br, err)) {
		pbd_flows_restore(br, before);
		free(name);
		*code = RPC_FAILED;
		return NULL;
	}
	VLOG_INFO("bridge %s: %s", name, what);
	free(name);
	return json_object();
}

/* One change described by one line: add-flow, mod-flows, del-flows. */
static json_t *flow_change(struct pbd *d, json_t *params, const char *key, enum flow_text_cmd cmd,
                           int *code, struct errmsg *err)
{
	struct pbd_flow_lines before = {NULL, 0};
	struct flow_text_mod fm;
	struct config_bridge *cb;
	struct ofproto *br;
	const char *text;
	json_t *result = NULL;
	struct errmsg e = {""};
	bool strict = false;
	char *what;
	int error;

	if (!rpcm_get_bridge(d, params, &cb, &br, code, err) ||
	    !get_opt_string(params, key, &text, code, err) ||
	    (cmd != FLOW_TEXT_ADD && !get_bool(params, "strict", &strict, code, err)))
		return NULL;
	if (flow_text_parse(text, cmd, ofproto_port_names(br), &fm, &e)) {
		flow_text_mod_uninit(&fm);
		return rpcm_fail(code, RPC_INVALID_PARAMS, err, "%s", e.msg);
	}
	pbd_flows_snapshot(br, &before);
	error = ofproto_flow_mod(br, cmd, strict, &fm, &e);
	flow_text_mod_uninit(&fm);
	if (error) {
		rpcm_fail(code, flow_mod_code(error), err, "%s",
		          e.msg[0] ? e.msg : strerror(-error));
		goto out;
	}
	what = xasprintf("%s%s %s",
	                 cmd == FLOW_TEXT_ADD      ? "add-flow"
	                 : cmd == FLOW_TEXT_MODIFY ? "mod-flows"
	                                           : "del-flows",
	                 strict ? " --strict" : "", text);
	result = commit_or_restore(d, br, &before, what, code, err);
	free(what);
out:
	pbd_flows_free(&before);
	return result;
}

json_t *rpcm_add_flow(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	return flow_change(d, params, "flow", FLOW_TEXT_ADD, code, err);
}

json_t *rpcm_mod_flows(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	return flow_change(d, params, "flow", FLOW_TEXT_MODIFY, code, err);
}

json_t *rpcm_del_flows(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	return flow_change(d, params, "match", FLOW_TEXT_DELETE, code, err);
}

/* A line of an add-flows file that holds no flow: blank or a comment. */
static bool line_is_empty(const char *s)
{
	s += strspn(s, " \t\r\n");
	return !*s || *s == '#';
}

struct parsed_line {
	size_t lineno; /* 1-based, counting every element of "flows" */
	struct flow_text_mod fm;
};

json_t *rpcm_add_flows(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	json_t *flows = json_object_get(params, "flows"), *jl, *result = NULL;
	struct pbd_flow_lines before = {NULL, 0};
	struct parsed_line *parsed;
	struct config_bridge *cb;
	struct ofproto *br;
	size_t i, n = 0;
	char *what;

	if (!rpcm_get_bridge(d, params, &cb, &br, code, err))
		return NULL;
	if (!json_is_array(flows))
		return rpcm_fail(code, RPC_INVALID_PARAMS, err,
		                 "parameter 'flows' must be an array of strings");

	/* Parse everything first: a bad line changes nothing. */
	parsed = xcalloc(json_array_size(flows) + 1, sizeof(*parsed));
	json_array_foreach(flows, i, jl)
	{
		struct errmsg e = {""};

		if (!json_is_string(jl)) {
			rpcm_fail(code, RPC_INVALID_PARAMS, err, "line %zu: expected a string",
			          i + 1);
			goto out;
		}
		if (line_is_empty(json_string_value(jl)))
			continue;
		parsed[n].lineno = i + 1;
		if (flow_text_parse(json_string_value(jl), FLOW_TEXT_ADD, ofproto_port_names(br),
		                    &parsed[n].fm, &e)) {
			flow_text_mod_uninit(&parsed[n].fm);
			rpcm_fail(code, RPC_INVALID_PARAMS, err, "line %zu: %s", i + 1, e.msg);
			goto out;
		}
		n++;
	}

	/* Apply in order; on a failure put the bridge back as it was. */
	pbd_flows_snapshot(br, &before);
	for (i = 0; i < n; i++) {
		struct errmsg e = {""};
		int error = ofproto_flow_mod(br, FLOW_TEXT_ADD, false, &parsed[i].fm, &e);

		if (error) {
			pbd_flows_restore(br, &before);
			rpcm_fail(code, flow_mod_code(error), err, "line %zu: %s", parsed[i].lineno,
			          e.msg[0] ? e.msg : strerror(-error));
			goto out;
		}
	}
	what = xasprintf("add-flows: %zu flow(s)", n);
	result = commit_or_restore(d, br, &before, what, code, err);
	free(what);
out:
	for (i = 0; i < n; i++)
		flow_text_mod_uninit(&parsed[i].fm);
	free(parsed);
	pbd_flows_free(&before);
	return result;
}

json_t *rpcm_dump_flows(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	struct ofproto_flow_info *flows = NULL;
	struct flow_text_mod filter;
	struct config_bridge *cb;
	struct ofproto *br;
	const char *text;
	struct errmsg e = {""};
	json_t *list;
	size_t n = 0;

	if (!rpcm_get_bridge(d, params, &cb, &br, code, err) ||
	    !get_opt_string(params, "match", &text, code, err))
		return NULL;
	if (flow_text_parse(text, FLOW_TEXT_MATCH, ofproto_port_names(br), &filter, &e)) {
		flow_text_mod_uninit(&filter);
		return rpcm_fail(code, RPC_INVALID_PARAMS, err, "%s", e.msg);
	}
	ofproto_flow_dump(br, &filter, &flows, &n);
	flow_text_mod_uninit(&filter);
	list = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct ofproto_flow_info *f = &flows[i];
		char cookie[24];

		snprintf(cookie, sizeof(cookie), "0x%llx", (unsigned long long)f->cookie);
		json_array_append_new(
		        list, json_pack("{s:i, s:i, s:s, s:I, s:I, s:f, s:i, s:i, s:s}", "table",
		                        (int)f->table_id, "priority", (int)f->priority, "cookie",
		                        cookie, "packets", (json_int_t)f->packets, "bytes",
		                        (json_int_t)f->bytes, "duration", f->duration,
		                        "idle_timeout", (int)f->idle_timeout, "hard_timeout",
		                        (int)f->hard_timeout, "text", f->text ? f->text : ""));
	}
	ofproto_flow_info_free(flows, n);
	return json_pack("{s:o}", "flows", list);
}

json_t *rpcm_dump_megaflows(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	struct ofproto_megaflow_info *mfs = NULL;
	struct config_bridge *cb;
	struct ofproto *br;
	json_t *list;
	size_t n = 0;

	if (!rpcm_get_bridge(d, params, &cb, &br, code, err))
		return NULL;
	ofproto_megaflow_dump(br, &mfs, &n);
	list = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct ofproto_megaflow_info *m = &mfs[i];
		json_t *used = m->used < 0 ? json_null() : json_real(m->used);

		json_array_append_new(list, json_pack("{s:s, s:s, s:I, s:I, s:o}", "match",
		                                      m->match ? m->match : "", "actions",
		                                      m->actions ? m->actions : "", "packets",
		                                      (json_int_t)m->packets, "bytes",
		                                      (json_int_t)m->bytes, "used", used));
	}
	ofproto_megaflow_info_free(mfs, n);
	return json_pack("{s:o}", "megaflows", list);
}

json_t *rpcm_flush_megaflows(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	struct config_bridge *cb;
	struct ofproto *br;

	if (!rpcm_get_bridge(d, params, &cb, &br, code, err))
		return NULL;
	ofproto_megaflow_flush(br);
	return json_object();
}

json_t *rpcm_trace(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	struct config_bridge *cb;
	struct ofproto *br;
	const char *packet;
	struct errmsg e = {""};
	struct flow flow;
	char *report = NULL;
	json_t *result;
	int error;

	if (!rpcm_get_bridge(d, params, &cb, &br, code, err) ||
	    !rpcm_get_string(params, "packet", &packet, code, err))
		return NULL;
	if (flow_text_parse_packet(packet, ofproto_port_names(br), &flow, &e))
		return rpcm_fail(code, RPC_INVALID_PARAMS, err, "%s", e.msg);
	if ((error = ofproto_trace(br, &flow, &report, &e)))
		return rpcm_fail(code, RPC_FAILED, err, "%s", e.msg[0] ? e.msg : strerror(-error));
	result = json_pack("{s:s}", "report", report ? report : "");
	free(report);
	return result;
}
