/* config-json.c - the configuration document <-> 'struct config': strict
 * parsing with errors that name the offending place, and serialization. */
#include "daemon/config-store.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofagent/stream.h"
#include "daemon/config-l2.h"
#include "openflow/flow-text.h"
#include "openflow/ofp-group.h"
#include "openflow/ofp-meter.h"

/* Fails if 'obj' has a key not in the NULL-terminated 'allowed'. */
static int check_keys(json_t *obj, const char *const *allowed, const char *where,
                      struct errmsg *err)
{
	const char *key;
	json_t *value;

	json_object_foreach(obj, key, value)
	{
		size_t i;

		for (i = 0; allowed[i]; i++)
			if (!strcmp(key, allowed[i]))
				break;
		if (!allowed[i])
			return errmsg_set(err, -EINVAL, "%s%sunknown key '%.64s'", where,
			                  *where ? ": " : "", key);
	}
	return 0;
}

/* Gets the optional string member 'key' of 'obj' into '*out' (NULL when
 * absent).  'required' makes absence an error. */
static int get_string(json_t *obj, const char *key, bool required, const char *where,
                      const char **out, struct errmsg *err)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v) {
		if (required)
			return errmsg_set(err, -EINVAL, "%s%s%s: missing", where, *where ? "." : "",
			                  key);
		return 0;
	}
	if (!json_is_string(v))
		return errmsg_set(err, -EINVAL, "%s%s%s: expected a string", where,
		                  *where ? "." : "", key);
	*out = json_string_value(v);
	return 0;
}

/* Gets integer member 'key' in [min, max]; absent leaves '*out' alone
 * unless 'required'. */
static int get_uint(json_t *obj, const char *key, bool required, uint64_t min, uint64_t max,
                    const char *where, uint64_t *out, struct errmsg *err)
{
	json_t *v = json_object_get(obj, key);

	if (!v) {
		if (required)
			return errmsg_set(err, -EINVAL, "%s.%s: missing", where, key);
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) < min || (uint64_t)json_integer_value(v) > max)
		return errmsg_set(err, -EINVAL, "%s.%s: expected an integer %llu..%llu", where, key,
		                  (unsigned long long)min, (unsigned long long)max);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int check_name(const char *name, const char *where, const char *key, struct errmsg *err)
{
	char what[96];

	snprintf(what, sizeof(what), "%s.%s", where, key);
	return name_check(name, what, err);
}

static int parse_port(struct config *cfg, struct config_bridge *br, json_t *jp, const char *where,
                      struct errmsg *err)
{
	static const char *const keys[] = {
	        "name", "ofport", "type", "peer", "netns", "options", CONFIG_L2_PORT_KEYS, NULL};
	const char *name, *type, *peer, *netns, *options;
	struct config_bridge *other_br;
	struct config_port *other;
	uint64_t ofport = 0;
	int error;

	if (!json_is_object(jp))
		return errmsg_set(err, -EINVAL, "%s: expected an object", where);
	if ((error = check_keys(jp, keys, where, err)) ||
	    (error = get_string(jp, "name", true, where, &name, err)) ||
	    (error = check_name(name, where, "name", err)) ||
	    (error = get_uint(jp, "ofport", true, 1, CONFIG_OFPORT_MAX, where, &ofport, err)) ||
	    (error = get_string(jp, "type", true, where, &type, err)) ||
	    (error = get_string(jp, "peer", false, where, &peer, err)) ||
	    (error = get_string(jp, "netns", false, where, &netns, err)) ||
	    (error = get_string(jp, "options", false, where, &options, err)))
		return error;
	if (!config_port_type_valid(type))
		return errmsg_set(err, -EINVAL,
		                  "%s.type: unknown port type '%.32s' (allowed: system, veth, tap, "
		                  "internal, vxlan, geneve, gre, tun)",
		                  where, type);
	{
		struct errmsg oerr = {""};

		if (config_port_options_check(type, options, &oerr))
			return errmsg_set(err, -EINVAL, "%s.options: %s", where, oerr.msg);
	}
	if (strcmp(type, "veth")) {
		if (peer)
			return errmsg_set(err, -EINVAL, "%s.peer: only allowed with type veth",
			                  where);
		if (netns)
			return errmsg_set(err, -EINVAL, "%s.netns: only allowed with type veth",
			                  where);
	} else {
		if (!peer)
			return errmsg_set(err, -EINVAL, "%s.peer: missing (required for type veth)",
			                  where);
		if ((error = check_name(peer, where, "peer", err)))
			return error;
		if (netns && (error = check_name(netns, where, "netns", err)))
			return error;
	}
	if ((other = config_find_port(cfg, name, &other_br)))
		return errmsg_set(err, -EINVAL,
		                  "%s.name: duplicate port name '%s' (also on bridge %s)", where,
		                  name, other_br->name);
	if ((other = config_find_ofport(cfg, (uint32_t)ofport, NULL)))
		return errmsg_set(err, -EINVAL, "%s.ofport: %llu is already used by port %s", where,
		                  (unsigned long long)ofport, other->name);
	other = config_bridge_add_port(br, name, (uint32_t)ofport, type, peer, netns);
	config_port_set_options(other, options);
	return config_json_parse_port_vlan(other, jp, where, err);
}

/* The "flows" array: strings that flow_text_parse() accepts as add-flow
 * lines with port numbers only (no names: the store never holds them). */
static int parse_flows(struct config_bridge *br, json_t *flows, const char *where,
                       struct errmsg *err)
{
	char **lines;
	json_t *jf;
	size_t i, n = json_array_size(flows);
	int error = 0;

	lines = xcalloc(n ? n : 1, sizeof(*lines));
	json_array_foreach(flows, i, jf)
	{
		struct flow_text_mod fm;
		struct errmsg ferr = {""};

		if (!json_is_string(jf)) {
			error = errmsg_set(err, -EINVAL, "%s.flows[%zu]: expected a string", where,
			                   i);
			break;
		}
		error = flow_text_parse(json_string_value(jf), FLOW_TEXT_ADD, NULL, &fm, &ferr);
		flow_text_mod_uninit(&fm);
		if (error) {
			error = errmsg_set(err, -EINVAL, "%s.flows[%zu]: %s", where, i, ferr.msg);
			break;
		}
		lines[i] = (char *)json_string_value(jf);
	}
	if (!error)
		config_bridge_set_flows(br, lines, n);
	free(lines); /* the strings belong to the JSON document */
	return error;
}

/* What one string of an OpenFlow list must be: a checker filling 'id'
 * (duplicate detection: targets by canonical name, groups and meters by
 * id) or returning -EINVAL with 'err'. */
typedef int strv_check_fn(const char *s, char id[OFSTREAM_NAME_MAX], struct errmsg *err);

struct target_id {
	char s[OFSTREAM_NAME_MAX];
};

static int check_active(const char *s, char id[OFSTREAM_NAME_MAX], struct errmsg *err)
{
	struct ofstream_target t;
	int error = ofstream_parse(s, OFSTREAM_ACTIVE, &t, err);

	snprintf(id, OFSTREAM_NAME_MAX, "%s", t.name);
	return error;
}

static int check_passive(const char *s, char id[OFSTREAM_NAME_MAX], struct errmsg *err)
{
	struct ofstream_target t;
	int error = ofstream_parse(s, OFSTREAM_PASSIVE, &t, err);

	snprintf(id, OFSTREAM_NAME_MAX, "%s", t.name);
	return error;
}

static int check_group(const char *s, char id[OFSTREAM_NAME_MAX], struct errmsg *err)
{
	struct ofp_group_mod gm;
	int error;

	ofp_group_mod_init(&gm);
	error = ofp_group_mod_parse(s, OFPGC_ADD, NULL, &gm, err);

	snprintf(id, OFSTREAM_NAME_MAX, "group_id=%u", gm.group_id);
	ofp_group_mod_uninit(&gm);
	return error;
}

static int check_meter(const char *s, char id[OFSTREAM_NAME_MAX], struct errmsg *err)
{
	struct ofp_meter_mod mm;
	int error;

	memset(&mm, 0, sizeof(mm));
	error = ofp_meter_mod_parse(s, OFPMC_ADD, &mm, err);
	snprintf(id, OFSTREAM_NAME_MAX, "meter=%u", mm.meter_id);
	return error;
}

/* An optional array of strings 'key', each passing 'check', none twice. */
static int parse_strv(json_t *jb, const char *key, size_t max, strv_check_fn *check,
                      const char *where, char ***list, size_t *n, struct errmsg *err)
{
	json_t *arr = json_object_get(jb, key), *js;
	struct target_id *ids;
	char **lines;
	size_t i, len;
	int error = 0;

	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return errmsg_set(err, -EINVAL, "%s.%s: expected an array", where, key);
	len = json_array_size(arr);
	if (len > max)
		return errmsg_set(err, -EINVAL, "%s.%s: at most %zu entries", where, key, max);
	lines = xcalloc(len ? len : 1, sizeof(*lines));
	ids = xcalloc(len ? len : 1, sizeof(*ids));
	json_array_foreach(arr, i, js)
	{
		struct errmsg e = {""};

		if (!json_is_string(js)) {
			error = errmsg_set(err, -EINVAL, "%s.%s[%zu]: expected a string", where,
			                   key, i);
			break;
		}
		if (check(json_string_value(js), ids[i].s, &e)) {
			error = errmsg_set(err, -EINVAL, "%s.%s[%zu]: %s", where, key, i, e.msg);
			break;
		}
		for (size_t j = 0; j < i && !error; j++)
			if (!strcmp(ids[i].s, ids[j].s))
				error = errmsg_set(err, -EINVAL, "%s.%s[%zu]: %s given twice",
				                   where, key, i, ids[i].s);
		if (error)
			break;
		lines[i] = (char *)json_string_value(js);
	}
	if (!error)
		config_strv_set(list, n, lines, len);
	free(lines); /* the strings belong to the JSON document */
	free(ids);
	return error;
}

/* "fail-mode" and "datapath-id" (16 hex digits, "0x" allowed). */
static int parse_ofp_settings(struct config_bridge *br, json_t *jb, const char *where,
                              struct errmsg *err)
{
	const char *mode, *dpid;
	int error;

	if ((error = get_string(jb, "fail-mode", false, where, &mode, err)) ||
	    (error = get_string(jb, "datapath-id", false, where, &dpid, err)))
		return error;
	if (mode && strcmp(mode, "standalone") && strcmp(mode, "secure"))
		return errmsg_set(err, -EINVAL,
		                  "%s.fail-mode: expected \"standalone\" or \"secure\", got "
		                  "\"%.32s\"",
		                  where, mode);
	br->fail_secure = mode && !strcmp(mode, "secure");
	if (dpid && config_parse_datapath_id(dpid, &br->datapath_id))
		return errmsg_set(err, -EINVAL,
		                  "%s.datapath-id: expected 1 to 16 hex digits, got \"%.32s\"",
		                  where, dpid);
	return 0;
}

int config_parse_datapath_id(const char *s, uint64_t *dpid)
{
	size_t len;
	char *end;

	if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2))
		s += 2;
	len = strlen(s);
	if (!len || len > 16 || strspn(s, "0123456789abcdefABCDEF") != len)
		return -EINVAL;
	*dpid = strtoull(s, &end, 16);
	return 0;
}

static int parse_ofp(struct config_bridge *br, json_t *jb, const char *where, struct errmsg *err)
{
	int error;

	if ((error = parse_ofp_settings(br, jb, where, err)) ||
	    (error = parse_strv(jb, "controllers", CONFIG_OFP_TARGETS_MAX, check_active, where,
	                        &br->controllers, &br->n_controllers, err)) ||
	    (error = parse_strv(jb, "ofp-listen", CONFIG_OFP_TARGETS_MAX, check_passive, where,
	                        &br->ofp_listen, &br->n_ofp_listen, err)) ||
	    (error = parse_strv(jb, "groups", SIZE_MAX, check_group, where, &br->groups,
	                        &br->n_groups, err)) ||
	    (error = parse_strv(jb, "meters", SIZE_MAX, check_meter, where, &br->meters,
	                        &br->n_meters, err)))
		return error;
	return 0;
}

static int parse_bridge(struct config *cfg, json_t *jb, const char *where, struct errmsg *err)
{
	static const char *const keys[] = {
	        "name",        "datapath", "mac-aging",   "mac-table-size", "ports",
	        "flow-limit",  "flows",    "controllers", "ofp-listen",     "fail-mode",
	        "datapath-id", "groups",   "meters",      "mirrors",        NULL};
	uint64_t aging = CONFIG_MAC_AGING_DEFAULT, size = CONFIG_MAC_TABLE_SIZE_DEFAULT;
	uint64_t flow_limit = CONFIG_FLOW_LIMIT_DEFAULT;
	const char *name, *datapath;
	struct config_bridge *br;
	json_t *ports, *jp, *flows;
	size_t i;
	int error;

	if (!json_is_object(jb))
		return errmsg_set(err, -EINVAL, "%s: expected an object", where);
	if ((error = check_keys(jb, keys, where, err)) ||
	    (error = get_string(jb, "name", true, where, &name, err)) ||
	    (error = check_name(name, where, "name", err)) ||
	    (error = get_string(jb, "datapath", false, where, &datapath, err)) ||
	    (error = get_uint(jb, "mac-aging", false, CONFIG_MAC_AGING_MIN, CONFIG_MAC_AGING_MAX,
	                      where, &aging, err)) ||
	    (error = get_uint(jb, "mac-table-size", false, CONFIG_MAC_TABLE_SIZE_MIN,
	                      CONFIG_MAC_TABLE_SIZE_MAX, where, &size, err)) ||
	    (error = get_uint(jb, "flow-limit", false, CONFIG_FLOW_LIMIT_MIN, CONFIG_FLOW_LIMIT_MAX,
	                      where, &flow_limit, err)))
		return error;
	if (datapath && strcmp(datapath, CONFIG_DATAPATH_DEFAULT))
		return errmsg_set(err, -EINVAL,
		                  "%s.datapath: datapath '%.32s' is not available (available: %s)",
		                  where, datapath, CONFIG_DATAPATH_DEFAULT);
	if (config_find_bridge(cfg, name))
		return errmsg_set(err, -EINVAL, "%s.name: duplicate bridge name '%s'", where, name);
	ports = json_object_get(jb, "ports");
	if (ports && !json_is_array(ports))
		return errmsg_set(err, -EINVAL, "%s.ports: expected an array", where);
	flows = json_object_get(jb, "flows");
	if (flows && !json_is_array(flows))
		return errmsg_set(err, -EINVAL, "%s.flows: expected an array", where);

	br = config_add_bridge(cfg, name);
	br->mac_aging = (unsigned int)aging;
	br->mac_table_size = (unsigned int)size;
	br->flow_limit = (unsigned int)flow_limit;
	if (flows && (error = parse_flows(br, flows, where, err)))
		return error;
	if ((error = parse_ofp(br, jb, where, err)))
		return error;
	json_array_foreach(ports, i, jp)
	{
		char pwhere[64];

		snprintf(pwhere, sizeof(pwhere), "%s.ports[%zu]", where, i);
		if ((error = parse_port(cfg, br, jp, pwhere, err)))
			return error;
	}
	return config_json_parse_mirrors(br, json_object_get(jb, "mirrors"), where, err);
}

/* Names and keys quoted in messages may hold control characters: keep the
 * message on one printable line. */
static void errmsg_sanitize(struct errmsg *err)
{
	for (char *p = err ? err->msg : NULL; p && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

static int config_parse__(const char *text, size_t len, struct config **out, struct errmsg *err);

int config_parse(const char *text, size_t len, struct config **out, struct errmsg *err)
{
	int error = config_parse__(text, len, out, err);

	if (error)
		errmsg_sanitize(err);
	return error;
}

static int config_parse__(const char *text, size_t len, struct config **out, struct errmsg *err)
{
	static const char *const keys[] = {"format", "version", "bridges", NULL};
	struct config *cfg = NULL;
	const char *format;
	json_error_t jerr;
	json_t *root, *bridges, *jb;
	uint64_t version = 0;
	size_t i;
	int error;

	*out = NULL;
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return errmsg_set(err, -EINVAL, "not valid JSON: %s (line %d, column %d)",
		                  jerr.text, jerr.line, jerr.column);
	if (!json_is_object(root)) {
		error = errmsg_set(err, -EINVAL, "expected a JSON object at the top level");
		goto out;
	}
	if ((error = check_keys(root, keys, "", err)) ||
	    (error = get_string(root, "format", true, "", &format, err)))
		goto out;
	if (strcmp(format, CONFIG_FORMAT)) {
		error = errmsg_set(err, -EINVAL, "format: expected \"%s\", got \"%.32s\"",
		                   CONFIG_FORMAT, format);
		goto out;
	}
	if (!json_object_get(root, "version")) {
		error = errmsg_set(err, -EINVAL, "version: missing");
		goto out;
	}
	if (get_uint(root, "version", true, 0, UINT32_MAX, "", &version, NULL) ||
	    version != CONFIG_VERSION) {
		error = errmsg_set(err, -EINVAL, "version: unsupported (this patchbayd reads %d)",
		                   CONFIG_VERSION);
		goto out;
	}
	bridges = json_object_get(root, "bridges");
	if (!bridges) {
		error = errmsg_set(err, -EINVAL, "bridges: missing");
		goto out;
	}
	if (!json_is_array(bridges)) {
		error = errmsg_set(err, -EINVAL, "bridges: expected an array");
		goto out;
	}
	cfg = config_create();
	json_array_foreach(bridges, i, jb)
	{
		char where[32];

		snprintf(where, sizeof(where), "bridges[%zu]", i);
		if ((error = parse_bridge(cfg, jb, where, err)))
			goto out;
	}
	*out = cfg;
	cfg = NULL;
	error = 0;
out:
	config_free(cfg);
	json_decref(root);
	return error;
}

static json_t *port_to_json(const struct config_port *p)
{
	json_t *jp = json_pack("{s:s, s:I, s:s}", "name", p->name, "ofport", (json_int_t)p->ofport,
	                       "type", p->type);

	if (p->peer)
		json_object_set_new(jp, "peer", json_string(p->peer));
	if (p->netns)
		json_object_set_new(jp, "netns", json_string(p->netns));
	if (p->options)
		json_object_set_new(jp, "options", json_string(p->options));
	config_json_port_vlan(p, jp);
	return jp;
}

static void strv_to_json(json_t *jb, const char *key, char *const *list, size_t n)
{
	json_t *arr;

	if (!n)
		return;
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_string(list[i]));
	json_object_set_new(jb, key, arr);
}

/* The OpenFlow keys, only when they differ from the defaults. */
static void ofp_to_json(const struct config_bridge *br, json_t *jb)
{
	strv_to_json(jb, "controllers", br->controllers, br->n_controllers);
	strv_to_json(jb, "ofp-listen", br->ofp_listen, br->n_ofp_listen);
	if (br->fail_secure)
		json_object_set_new(jb, "fail-mode", json_string("secure"));
	if (br->datapath_id) {
		char dpid[20];

		snprintf(dpid, sizeof(dpid), "%016llx", (unsigned long long)br->datapath_id);
		json_object_set_new(jb, "datapath-id", json_string(dpid));
	}
	strv_to_json(jb, "groups", br->groups, br->n_groups);
	strv_to_json(jb, "meters", br->meters, br->n_meters);
}

char *config_format(const struct config *cfg)
{
	json_t *bridges = json_array(), *root;
	char *text, *copy;

	for (size_t i = 0; i < cfg->n_bridges; i++) {
		const struct config_bridge *br = cfg->bridges[i];
		json_t *ports = json_array(), *jb;

		for (size_t j = 0; j < br->n_ports; j++)
			json_array_append_new(ports, port_to_json(br->ports[j]));
		jb = json_pack("{s:s, s:s, s:I, s:I, s:I, s:o}", "name", br->name, "datapath",
		               br->datapath, "mac-aging", (json_int_t)br->mac_aging,
		               "mac-table-size", (json_int_t)br->mac_table_size, "flow-limit",
		               (json_int_t)br->flow_limit, "ports", ports);
		if (br->has_flows) {
			json_t *flows = json_array();

			for (size_t j = 0; j < br->n_flows; j++)
				json_array_append_new(flows, json_string(br->flows[j]));
			json_object_set_new(jb, "flows", flows);
		}
		ofp_to_json(br, jb);
		config_json_mirrors(br, jb);
		json_array_append_new(bridges, jb);
	}
	root = json_pack("{s:s, s:i, s:o}", "format", CONFIG_FORMAT, "version", CONFIG_VERSION,
	                 "bridges", bridges);
	text = json_dumps(root, JSON_INDENT(2));
	json_decref(root);
	if (!text)
		abort(); /* only on out of memory */
	copy = xasprintf("%s\n", text);
	free(text);
	return copy;
}
