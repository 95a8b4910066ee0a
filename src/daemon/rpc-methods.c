/* rpc-methods.c - method dispatch and parameter checks, and the bridge
 * and MAC table methods: version, add-br, del-br, list-br, set-bridge,
 * fdb-show, fdb-flush.  Port methods are in rpc-port-methods.c, OpenFlow
 * methods in rpc-flow-methods.c. */
#include "daemon/rpc-methods.h"
#include "daemon/capture-session.h"
#include "daemon/daemon-flows.h"
#include "daemon/daemon-ofp.h"
#include "ofagent/ofagent.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/vlog.h"

#define VLOG_MODULE "rpc"

json_t *rpcm_fail(int *code, int rpc_code, struct errmsg *err, const char *fmt, ...)
{
	va_list ap;

	*code = rpc_code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return NULL;
}

bool rpcm_get_string(json_t *params, const char *key, const char **out, int *code,
                     struct errmsg *err)
{
	json_t *v = json_object_get(params, key);

	if (!json_is_string(v)) {
		rpcm_fail(code, RPC_INVALID_PARAMS, err, "parameter '%s' must be a string", key);
		return false;
	}
	*out = json_string_value(v);
	return true;
}

bool rpcm_get_bridge(struct pbd *d, json_t *params, struct config_bridge **cb, struct ofproto **br,
                     int *code, struct errmsg *err)
{
	const char *name;

	if (!rpcm_get_string(params, "bridge", &name, code, err))
		return false;
	if (name_check(name, "bridge name", err)) {
		*code = RPC_INVALID_PARAMS;
		return false;
	}
	*cb = config_find_bridge(d->cfg, name);
	if (!*cb) {
		rpcm_fail(code, RPC_FAILED, err, "bridge %s: no such bridge", name);
		return false;
	}
	*br = ofswitch_bridge_find(d->sw, name);
	if (!*br) { /* cannot happen: restore or add-br made it */
		rpcm_fail(code, RPC_FAILED, err, "bridge %s: not running", name);
		return false;
	}
	return true;
}

static void join_names(char *buf, size_t size, const char *const *names)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; names[i] && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "", names[i]);
}

bool rpcm_check_options(json_t *options, const char *method, const char *const *allowed, int *code,
                        struct errmsg *err)
{
	const char *key;
	json_t *value;

	if (!options)
		return true;
	if (!json_is_object(options)) {
		rpcm_fail(code, RPC_INVALID_PARAMS, err, "parameter 'options' must be an object");
		return false;
	}
	json_object_foreach(options, key, value)
	{
		size_t i;

		for (i = 0; allowed[i]; i++)
			if (!strcmp(key, allowed[i]))
				break;
		if (!allowed[i]) {
			char list[128];

			join_names(list, sizeof(list), allowed);
			rpcm_fail(code, RPC_INVALID_PARAMS, err,
			          "unknown option '%.32s' for %s (allowed: %s)", key, method, list);
			return false;
		}
		if (!json_is_string(value)) {
			rpcm_fail(code, RPC_INVALID_PARAMS, err, "option '%s' must be a string",
			          key);
			return false;
		}
	}
	return true;
}

/* ---- methods ----------------------------------------------------------- */

static json_t *m_version(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	return json_pack("{s:s}", "version", PB_VERSION);
}

static json_t *m_add_br(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	struct pbd_flow_lines flows;
	struct config *cfg;
	struct config_bridge *cb;
	struct ofproto *br;
	const char *name;
	int error;

	if (!rpcm_get_string(params, "bridge", &name, code, err))
		return NULL;
	if (name_check(name, "bridge name", err)) {
		*code = RPC_INVALID_PARAMS;
		return NULL;
	}
	if (config_find_bridge(d->cfg, name) || ofswitch_bridge_find(d->sw, name))
		return rpcm_fail(code, RPC_FAILED, err, "bridge %s already exists", name);

	cfg = config_clone(d->cfg);
	cb = config_add_bridge(cfg, name);
	if ((error = ofswitch_bridge_add(d->sw, name, &br, err))) {
		config_free(cfg);
		*code = RPC_FAILED;
		return NULL;
	}
	if (ofproto_set_mac_aging(br, cb->mac_aging) ||
	    ofproto_set_mac_table_size(br, cb->mac_table_size) ||
	    ofproto_set_flow_limit(br, cb->flow_limit)) {
		ofswitch_bridge_del(d->sw, name, NULL);
		config_free(cfg);
		return rpcm_fail(code, RPC_FAILED, err, "bridge %s: cannot apply its settings",
		                 name);
	}
	/* Store the default rules of the new bridge. */
	pbd_flows_snapshot(br, &flows);
	config_bridge_set_flows(cb, flows.lines, flows.n);
	pbd_flows_free(&flows);
	ofagent_bridge_add(d->agent, br);
	if (pbd_commit(d, cfg, err)) {
		ofagent_bridge_del(d->agent, br);
		ofswitch_bridge_del(d->sw, name, NULL);
		*code = RPC_FAILED;
		return NULL;
	}
	VLOG_INFO("added bridge %s", name);
	return json_object();
}

static json_t *m_del_br(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	struct config_bridge *cb;
	struct ofproto *br;
	struct config *cfg;
	char *name;

	if (!rpcm_get_bridge(d, params, &cb, &br, code, err))
		return NULL;
	name = xstrdup(cb->name);
	cfg = config_clone(d->cfg);
	config_remove_bridge(cfg, name);
	if (pbd_commit(d, cfg, err)) {
		free(name);
		*code = RPC_FAILED;
		return NULL;
	}
	/* Saved: now remove it live, with the devices its ports created. */
	ofagent_bridge_del(d->agent, br);
	if (ofswitch_bridge_del(d->sw, name, err))
		VLOG_WARN("bridge %s: %s", name, err->msg);
	VLOG_INFO("deleted bridge %s", name);
	free(name);
	return json_object();
}

static json_t *m_list_br(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	json_t *names = json_array();

	for (size_t i = 0; i < d->cfg->n_bridges; i++)
		json_array_append_new(names, json_string(d->cfg->bridges[i]->name));
	return json_pack("{s:o}", "bridges", names);
}

static bool parse_setting(json_t *options, const char *key, unsigned int min, unsigned int max,
                          unsigned int *value, int *code, struct errmsg *err)
{
	json_t *v = json_object_get(options, key);
	uint64_t n;

	if (!v)
		return true;
	if (parse_uint(json_string_value(v), min, max, &n)) {
		rpcm_fail(code, RPC_INVALID_PARAMS, err,
		          "%s: expected an integer %u..%u, got '%.32s'", key, min, max,
		          json_string_value(v));
		return false;
	}
	*value = (unsigned int)n;
	return true;
}

struct bridge_settings {
	unsigned int aging, size, flow_limit;
};

static int apply_settings(struct ofproto *br, const struct bridge_settings *s)
{
	int error = ofproto_set_mac_aging(br, s->aging);

	if (!error)
		error = ofproto_set_mac_table_size(br, s->size);
	if (!error)
		error = ofproto_set_flow_limit(br, s->flow_limit);
	return error;
}

static json_t *m_set_bridge(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	static const char *const allowed[] = {
	        "mac-aging", "mac-table-size", "flow-limit",  "datapath",
	        "fail-mode", "ofp-listen",     "datapath-id", NULL};
	struct bridge_settings new, old;
	struct config_bridge *cb, *ncb;
	json_t *options = json_object_get(params, "options");
	const char *datapath = NULL;
	struct ofproto *br;
	struct config *cfg;

	if (!rpcm_get_bridge(d, params, &cb, &br, code, err) ||
	    !rpcm_check_options(options, "set-bridge", allowed, code, err))
		return NULL;
	old = (struct bridge_settings){cb->mac_aging, cb->mac_table_size, cb->flow_limit};
	new = old;
	if (!parse_setting(options, "mac-aging", CONFIG_MAC_AGING_MIN, CONFIG_MAC_AGING_MAX,
	                   &new.aging, code, err) ||
	    !parse_setting(options, "mac-table-size", CONFIG_MAC_TABLE_SIZE_MIN,
	                   CONFIG_MAC_TABLE_SIZE_MAX, &new.size, code, err) ||
	    !parse_setting(options, "flow-limit", CONFIG_FLOW_LIMIT_MIN, CONFIG_FLOW_LIMIT_MAX,
	                   &new.flow_limit, code, err))
		return NULL;
	if (json_object_get(options, "datapath")) {
		datapath = json_string_value(json_object_get(options, "datapath"));
		if (strcmp(datapath, CONFIG_DATAPATH_DEFAULT))
			return rpcm_fail(code, RPC_INVALID_PARAMS, err,
			                 "datapath '%.32s' is not available (available: %s)",
			                 datapath, CONFIG_DATAPATH_DEFAULT);
	}

	cfg = config_clone(d->cfg);
	ncb = config_find_bridge(cfg, cb->name);
	ncb->mac_aging = new.aging;
	ncb->mac_table_size = new.size;
	ncb->flow_limit = new.flow_limit;
	if (datapath) {
		free(ncb->datapath);
		ncb->datapath = xstrdup(datapath);
	}
	/* fail-mode, ofp-listen, datapath-id (rpc-ofp-methods.c). */
	if (!rpcm_ofp_bridge_options(options, ncb, code, err)) {
		config_free(cfg);
		return NULL;
	}
	if (apply_settings(br, &new)) {
		apply_settings(br, &old);
		config_free(cfg);
		return rpcm_fail(code, RPC_FAILED, err, "bridge %s: cannot apply the settings",
		                 cb->name);
	}
	if (pbd_ofp_apply(d, br, ncb, false, err)) { /* a listener cannot bind */
		apply_settings(br, &old);
		config_free(cfg);
		*code = RPC_FAILED;
		return NULL;
	}
	if (pbd_commit(d, cfg, err)) {
		apply_settings(br, &old);
		pbd_ofp_apply(d, br, cb, true, NULL);
		*code = RPC_FAILED;
		return NULL;
	}
	VLOG_INFO("bridge %s: mac-aging %u, mac-table-size %u, flow-limit %u", ofproto_name(br),
	          new.aging, new.size, new.flow_limit);
	return json_object();
}

static json_t *m_fdb_show(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	struct ofproto_fdb_entry *entries = NULL;
	struct config_bridge *cb;
	json_t *list = json_array();
	struct ofproto *br;
	size_t n = 0;

	if (!rpcm_get_bridge(d, params, &cb, &br, code, err)) {
		json_decref(list);
		return NULL;
	}
	ofproto_fdb_dump(br, &entries, &n);
	for (size_t i = 0; i < n; i++) {
		struct config_port *p = config_find_ofport(d->cfg, entries[i].ofport, NULL);
		char mac[18];

		eth_addr_format(entries[i].mac, mac);
		json_array_append_new(list, json_pack("{s:s?, s:I, s:i, s:s, s:I}", "port",
		                                      p ? p->name : NULL, "ofport",
		                                      (json_int_t)entries[i].ofport, "vlan",
		                                      (int)entries[i].vlan, "mac", mac, "age",
		                                      (json_int_t)entries[i].age));
	}
	free(entries);
	return json_pack("{s:o}", "entries", list);
}

static json_t *m_fdb_flush(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	struct config_bridge *cb;
	struct ofproto *br;

	if (!rpcm_get_bridge(d, params, &cb, &br, code, err))
		return NULL;
	ofproto_fdb_flush(br);
	return json_object();
}

/* ---- dispatch ---------------------------------------------------------- */

typedef json_t *rpcm_fn(struct pbd *d, json_t *params, int *code, struct errmsg *err);

struct rpcm_method {
	const char *name;
	rpcm_fn *fn;
	const char *required[3];
	const char *optional[8];
};

static const struct rpcm_method methods[] = {
        {"version", m_version, {NULL}, {NULL}},
        {"add-br", m_add_br, {"bridge", NULL}, {NULL}},
        {"del-br", m_del_br, {"bridge", NULL}, {NULL}},
        {"list-br", m_list_br, {NULL}, {NULL}},
        {"show", rpcm_show, {NULL}, {NULL}},
        {"add-port", rpcm_add_port, {"bridge", "port", NULL}, {"options", NULL}},
        {"del-port", rpcm_del_port, {"bridge", "port", NULL}, {NULL}},
        {"list-ports", rpcm_list_ports, {"bridge", NULL}, {NULL}},
        {"dump-ports", rpcm_dump_ports, {"bridge", NULL}, {NULL}},
        {"set-port", rpcm_set_port, {"port", "options", NULL}, {NULL}},
        {"add-mirror", rpcm_add_mirror, {"bridge", "mirror", NULL}, {"options", NULL}},
        {"del-mirror", rpcm_del_mirror, {"bridge", "mirror", NULL}, {NULL}},
        {"list-mirrors", rpcm_list_mirrors, {"bridge", NULL}, {NULL}},
        {"fdb-show", m_fdb_show, {"bridge", NULL}, {NULL}},
        {"fdb-flush", m_fdb_flush, {"bridge", NULL}, {NULL}},
        {"set-bridge", m_set_bridge, {"bridge", NULL}, {"options", NULL}},
        {"set-controller", rpcm_set_controller, {"bridge", "targets", NULL}, {NULL}},
        {"del-controller", rpcm_del_controller, {"bridge", NULL}, {NULL}},
        {"get-controller", rpcm_get_controller, {"bridge", NULL}, {NULL}},
        {"add-group", rpcm_add_group, {"bridge", "group", NULL}, {NULL}},
        {"mod-group", rpcm_mod_group, {"bridge", "group", NULL}, {NULL}},
        {"del-groups", rpcm_del_groups, {"bridge", NULL}, {"group", NULL}},
        {"dump-groups", rpcm_dump_groups, {"bridge", NULL}, {"group", NULL}},
        {"add-meter", rpcm_add_meter, {"bridge", "meter", NULL}, {NULL}},
        {"mod-meter", rpcm_mod_meter, {"bridge", "meter", NULL}, {NULL}},
        {"del-meters", rpcm_del_meters, {"bridge", NULL}, {"meter", NULL}},
        {"dump-meters", rpcm_dump_meters, {"bridge", NULL}, {"meter", NULL}},
        {"add-flow", rpcm_add_flow, {"bridge", "flow", NULL}, {NULL}},
        {"add-flows", rpcm_add_flows, {"bridge", "flows", NULL}, {NULL}},
        {"mod-flows", rpcm_mod_flows, {"bridge", "flow", NULL}, {"strict", NULL}},
        {"del-flows", rpcm_del_flows, {"bridge", NULL}, {"match", "strict", NULL}},
        {"dump-flows", rpcm_dump_flows, {"bridge", NULL}, {"match", NULL}},
        {"dump-megaflows", rpcm_dump_megaflows, {"bridge", NULL}, {NULL}},
        {"flush-megaflows", rpcm_flush_megaflows, {"bridge", NULL}, {NULL}},
        {"trace", rpcm_trace, {"bridge", "packet", NULL}, {NULL}},
        {"capture",
         capture_rpc_start,
         {"bridge", NULL},
         {"ports", "direction", "count", "duration", "snaplen", "ring_size", NULL}},
};

static bool in_list(const char *const *list, const char *key)
{
	for (; *list; list++)
		if (!strcmp(*list, key))
			return true;
	return false;
}

static bool check_params(const struct rpcm_method *m, json_t *params, int *code, struct errmsg *err)
{
	const char *key;
	json_t *value;

	json_object_foreach(params, key, value)
	{
		if (!in_list(m->required, key) && !in_list(m->optional, key)) {
			rpcm_fail(code, RPC_INVALID_PARAMS, err, "unknown parameter '%.32s' for %s",
			          key, m->name);
			return false;
		}
	}
	for (size_t i = 0; m->required[i]; i++) {
		if (!json_object_get(params, m->required[i])) {
			rpcm_fail(code, RPC_INVALID_PARAMS, err, "missing parameter '%s' for %s",
			          m->required[i], m->name);
			return false;
		}
	}
	return true;
}

json_t *rpcm_dispatch(void *aux, const char *method, json_t *params, int *code, struct errmsg *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(methods); i++) {
		if (!strcmp(methods[i].name, method)) {
			if (!check_params(&methods[i], params, code, err))
				return NULL;
			return methods[i].fn(aux, params, code, err);
		}
	}
	return rpcm_fail(code, RPC_METHOD_NOT_FOUND, err, "unknown method '%.32s'", method);
}
