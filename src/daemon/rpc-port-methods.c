/* rpc-port-methods.c - the port methods (add-port, del-port, list-ports,
 * dump-ports) and show, which merges the stored configuration with the
 * live port state from ofproto. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/rpc-methods.h"
#include "lib/vlog.h"
#include "ofproto/mirror.h"

#define VLOG_MODULE "rpc"

/* add-port options after validation. */
struct port_request {
	const char *port;
	const char *type;
	const char *peer;
	const char *netns;
	uint32_t ofport;   /* 0: the next free one */
	char options[512]; /* tunnel/tun options as "k=v,..." ("" = none) */
};

/* The add-port options that belong to the port type (netdev_args.options),
 * in the order they are stored. */
static const char *const port_type_options[] = {"remote_ip", "local_ip", "key", "dst_port", "ttl",
                                                "tos",       "tx_path",  "mac", "ip",       NULL};

static const char *option_string(json_t *options, const char *key)
{
	return json_string_value(json_object_get(options, key));
}

/* Everything that does not need the system: names, options, rules. */
static bool port_request_parse(json_t *params, struct port_request *req, int *code,
                               struct errmsg *err)
{
	static const char *const allowed[] = {"type",     "peer", "netns",    "ofport", "remote_ip",
	                                      "local_ip", "key",  "dst_port", "ttl",    "tos",
	                                      "tx_path",  "mac",  "ip",       NULL};
	json_t *options = json_object_get(params, "options");
	struct netdev_args args;
	const char *ofport;
	uint64_t n;

	if (!rpcm_get_string(params, "port", &req->port, code, err))
		return false;
	if (name_check(req->port, "port name", err))
		goto invalid;
	if (!rpcm_check_options(options, "add-port", allowed, code, err))
		return false;
	req->type = option_string(options, "type");
	req->peer = option_string(options, "peer");
	req->netns = option_string(options, "netns");
	ofport = option_string(options, "ofport");
	if (!req->type)
		req->type = "system";
	if (!config_port_type_valid(req->type)) {
		rpcm_fail(code, RPC_INVALID_PARAMS, err,
		          "unknown port type '%.32s' (allowed: system, veth, tap, internal, vxlan, "
		          "geneve, gre, tun)",
		          req->type);
		return false;
	}
	req->options[0] = '\0';
	for (size_t i = 0; port_type_options[i]; i++) {
		const char *v = option_string(options, port_type_options[i]);
		size_t used = strlen(req->options);

		if (!v)
			continue;
		if (strchr(v, ',') || strchr(v, '=') || strlen(v) >= 64) {
			rpcm_fail(code, RPC_INVALID_PARAMS, err,
			          "option '%s': invalid value '%.32s'", port_type_options[i], v);
			return false;
		}
		snprintf(req->options + used, sizeof req->options - used, "%s%s=%s",
		         used ? "," : "", port_type_options[i], v);
	}
	if (strcmp(req->type, "veth")) {
		if (req->peer || req->netns) {
			rpcm_fail(code, RPC_INVALID_PARAMS, err,
			          "option '%s' is only allowed with type=veth",
			          req->peer ? "peer" : "netns");
			return false;
		}
	} else {
		if (!req->peer) {
			rpcm_fail(code, RPC_INVALID_PARAMS, err,
			          "type=veth requires option 'peer'");
			return false;
		}
		if (name_check(req->peer, "peer name", err) ||
		    (req->netns && name_check(req->netns, "netns name", err)))
			goto invalid;
		if (!req->netns && !strcmp(req->peer, req->port)) {
			rpcm_fail(code, RPC_INVALID_PARAMS, err,
			          "peer name must differ from the port name");
			return false;
		}
	}
	req->ofport = 0;
	if (ofport) {
		if (parse_uint(ofport, 1, CONFIG_OFPORT_MAX, &n)) {
			rpcm_fail(code, RPC_INVALID_PARAMS, err,
			          "ofport: expected an integer 1..%u, got '%.32s'",
			          CONFIG_OFPORT_MAX, ofport);
			return false;
		}
		req->ofport = (uint32_t)n;
	}
	args = (struct netdev_args){.name = req->port,
	                            .type = req->type,
	                            .peer = req->peer,
	                            .netns = req->netns,
	                            .options = req->options};
	if (netdev_args_check(&args, err))
		goto invalid;
	return true;

invalid:
	*code = RPC_INVALID_PARAMS;
	return false;
}

/* What the kernel must (not) have before we create the port. */
static bool port_request_check_system(const struct port_request *req, int *code, struct errmsg *err)
{
	bool creates = strcmp(req->type, "system") != 0;

	if (!creates && !if_nametoindex(req->port)) {
		rpcm_fail(code, RPC_FAILED, err, "port %s: no such device", req->port);
		return false;
	}
	if (creates && if_nametoindex(req->port)) {
		rpcm_fail(code, RPC_FAILED, err,
		          "port %s: a network device with this name already exists", req->port);
		return false;
	}
	if (req->netns) {
		char path[64];

		snprintf(path, sizeof(path), "/run/netns/%s", req->netns);
		if (access(path, F_OK) < 0) {
			rpcm_fail(code, RPC_FAILED, err, "netns %s does not exist", req->netns);
			return false;
		}
	} else if (req->peer && if_nametoindex(req->peer)) {
		rpcm_fail(code, RPC_FAILED, err,
		          "peer %s: a network device with this name already exists", req->peer);
		return false;
	}
	return true;
}

json_t *rpcm_add_port(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	struct port_request req;
	struct config_bridge *cb, *other_br;
	struct config_port *other;
	struct netdev_args args;
	struct ofproto *br;
	struct config *cfg;

	if (!rpcm_get_bridge(d, params, &cb, &br, code, err) ||
	    !port_request_parse(params, &req, code, err))
		return NULL;
	if ((other = config_find_port(d->cfg, req.port, &other_br)))
		return rpcm_fail(code, RPC_FAILED, err, "port %s already exists on bridge %s",
		                 req.port, other_br->name);
	if (req.ofport && (other = config_find_ofport(d->cfg, req.ofport, &other_br)))
		return rpcm_fail(code, RPC_FAILED, err,
		                 "ofport %u is already used by port %s on bridge %s", req.ofport,
		                 other->name, other_br->name);
	if (!req.ofport && !(req.ofport = config_next_ofport(d->cfg)))
		return rpcm_fail(code, RPC_FAILED, err, "no free ofport left");
	if (!port_request_check_system(&req, code, err))
		return NULL;

	args = (struct netdev_args){.name = req.port,
	                            .type = req.type,
	                            .peer = req.peer,
	                            .netns = req.netns,
	                            .options = req.options};
	if (ofproto_port_add(br, &args, req.ofport, 0, err)) {
		*code = RPC_FAILED;
		return NULL;
	}
	cfg = config_clone(d->cfg);
	config_port_set_options(config_bridge_add_port(config_find_bridge(cfg, cb->name), req.port,
	                                               req.ofport, req.type, req.peer, req.netns),
	                        req.options);
	if (pbd_commit(d, cfg, err)) {
		struct errmsg derr = {""};

		if (ofproto_port_del(br, req.port, true, &derr))
			VLOG_ERR("bridge %s: cannot undo add-port %s: %s", ofproto_name(br),
			         req.port, derr.msg);
		*code = RPC_FAILED;
		return NULL;
	}
	VLOG_INFO("bridge %s: added port %s (type %s) as ofport %u", ofproto_name(br), req.port,
	          req.type, req.ofport);
	return json_pack("{s:I}", "ofport", (json_int_t)req.ofport);
}

json_t *rpcm_del_port(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	struct config_bridge *cb, *port_br;
	const char *port;
	struct ofproto *br;
	struct config *cfg;
	bool live;
	char *name;

	if (!rpcm_get_bridge(d, params, &cb, &br, code, err) ||
	    !rpcm_get_string(params, "port", &port, code, err))
		return NULL;
	if (name_check(port, "port name", err)) {
		*code = RPC_INVALID_PARAMS;
		return NULL;
	}
	if (!config_find_port(d->cfg, port, &port_br) || port_br != cb)
		return rpcm_fail(code, RPC_FAILED, err, "bridge %s has no port %s", cb->name, port);
	live = !pbd_absent_error(d, port);
	name = xstrdup(port);
	cfg = config_clone(d->cfg);
	config_bridge_remove_port(config_find_bridge(cfg, cb->name), name);
	if (pbd_commit(d, cfg, err)) {
		free(name);
		*code = RPC_FAILED;
		return NULL;
	}
	if (live && ofproto_port_del(br, name, true, err))
		VLOG_WARN("bridge %s: %s", ofproto_name(br), err->msg);
	ofproto_port_set_vlan(br, name, NULL); /* a new port of that name starts afresh */
	VLOG_INFO("bridge %s: deleted port %s", ofproto_name(br), name);
	free(name);
	return json_object();
}

json_t *rpcm_list_ports(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	struct config_bridge *cb;
	struct ofproto *br;
	json_t *names;

	if (!rpcm_get_bridge(d, params, &cb, &br, code, err))
		return NULL;
	names = json_array();
	for (size_t i = 0; i < cb->n_ports; i++) /* ordered by ofport */
		json_array_append_new(names, json_string(cb->ports[i]->name));
	return json_pack("{s:o}", "ports", names);
}

/* Live info of port 'name' among 'ports', or NULL. */
static const struct ofproto_port_info *find_live(const struct ofproto_port_info *ports, size_t n,
                                                 const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(ports[i].name, name))
			return &ports[i];
	return NULL;
}

json_t *rpcm_dump_ports(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	struct ofproto_port_info *live = NULL;
	struct config_bridge *cb;
	struct ofproto *br;
	size_t n_live = 0;
	json_t *list;

	if (!rpcm_get_bridge(d, params, &cb, &br, code, err))
		return NULL;
	ofproto_port_list(br, &live, &n_live);
	ofproto_l2_push_stats(br);
	list = json_array();
	for (size_t i = 0; i < cb->n_ports; i++) {
		const struct config_port *p = cb->ports[i];
		const struct ofproto_port_info *info = find_live(live, n_live, p->name);
		struct netdev_stats s = {0};

		if (info)
			s = info->stats;
		json_array_append_new(
		        list,
		        json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "name",
		                  p->name, "ofport", (json_int_t)p->ofport, "rx_packets",
		                  (json_int_t)s.rx_packets, "rx_bytes", (json_int_t)s.rx_bytes,
		                  "rx_dropped", (json_int_t)s.rx_dropped, "rx_errors",
		                  (json_int_t)s.rx_errors, "tx_packets", (json_int_t)s.tx_packets,
		                  "tx_bytes", (json_int_t)s.tx_bytes, "tx_dropped",
		                  (json_int_t)s.tx_dropped, "tx_errors", (json_int_t)s.tx_errors));
		json_object_set_new(json_array_get(list, i), "vlan_drops",
		                    json_integer((json_int_t)ofproto_port_vlan_drops(br, p->name)));
		if (!strcmp(p->type, "vxlan") || !strcmp(p->type, "geneve") ||
		    !strcmp(p->type, "gre")) {
			json_t *o = json_array_get(list, i);

			json_object_set_new(o, "tnl_tx_packet",
			                    json_integer((json_int_t)s.tnl_tx_packet));
			json_object_set_new(o, "tnl_tx_kernel",
			                    json_integer((json_int_t)s.tnl_tx_kernel));
		}
	}
	free(live);
	return json_pack("{s:o}", "ports", list);
}

static json_t *show_port(const struct pbd *d, const struct config_port *p,
                         const struct ofproto_port_info *info)
{
	json_t *options = json_object(), *jp;

	if (p->peer)
		json_object_set_new(options, "peer", json_string(p->peer));
	if (p->netns)
		json_object_set_new(options, "netns", json_string(p->netns));
	pbd_port_l2_json(p, options);
	for (const char *s = p->options; s && *s;) {
		const char *end = strchr(s, ','), *eq = strchr(s, '=');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		char key[32], val[64];

		if (eq && eq < s + len && (size_t)(eq - s) < sizeof key &&
		    len - (size_t)(eq - s) - 1 < sizeof val) {
			snprintf(key, sizeof key, "%.*s", (int)(eq - s), s);
			snprintf(val, sizeof val, "%.*s", (int)(len - (size_t)(eq - s) - 1),
			         eq + 1);
			json_object_set_new(options, key, json_string(val));
		}
		s = end ? end + 1 : s + len;
	}
	jp = json_pack("{s:s, s:I, s:s, s:o}", "name", p->name, "ofport", (json_int_t)p->ofport,
	               "type", p->type, "options", options);
	if (info) {
		char mac[18];

		eth_addr_format(info->mac, mac);
		json_object_set_new(jp, "link", json_string(info->link_up ? "up" : "down"));
		json_object_set_new(jp, "mac", json_string(mac));
		json_object_set_new(jp, "mtu", json_integer(info->mtu));
		json_object_set_new(jp, "error", json_null());
	} else {
		const char *error = pbd_absent_error(d, p->name);

		json_object_set_new(jp, "link", json_string("absent"));
		json_object_set_new(jp, "mac", json_null());
		json_object_set_new(jp, "mtu", json_null());
		json_object_set_new(jp, "error", json_string(error ? error : "not open"));
	}
	return jp;
}

json_t *rpcm_show(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	json_t *bridges = json_array();

	for (size_t i = 0; i < d->cfg->n_bridges; i++) {
		const struct config_bridge *cb = d->cfg->bridges[i];
		struct ofproto *br = ofswitch_bridge_find(d->sw, cb->name);
		struct ofproto_port_info *live = NULL;
		size_t n_live = 0;
		json_t *ports = json_array();

		if (br)
			ofproto_port_list(br, &live, &n_live);
		for (size_t j = 0; j < cb->n_ports; j++)
			json_array_append_new(
			        ports, show_port(d, cb->ports[j],
			                         find_live(live, n_live, cb->ports[j]->name)));
		free(live);
		json_array_append_new(bridges,
		                      json_pack("{s:s, s:s, s:I, s:I, s:I, s:o}", "name", cb->name,
		                                "datapath", cb->datapath, "mac-aging",
		                                (json_int_t)cb->mac_aging, "mac-table-size",
		                                (json_int_t)cb->mac_table_size, "flow-limit",
		                                (json_int_t)cb->flow_limit, "ports", ports));
	}
	return json_pack("{s:o}", "bridges", bridges);
}
