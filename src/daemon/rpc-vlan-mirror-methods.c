/* rpc-vlan-mirror-methods.c - the port VLAN and mirror methods: set-port,
 * add-mirror, del-mirror, list-mirrors (docs/rpc.md, docs/vlan-mirror.md),
 * and applying stored VLAN settings and mirrors to a restored bridge. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/config-l2.h"
#include "daemon/rpc-methods.h"
#include "lib/vlog.h"
#include "ofproto/mirror.h"

#define VLOG_MODULE "rpc"

/* 'options' must be a non-empty object of strings. */
static bool get_options(json_t *params, const char *method, json_t **options, int *code,
                        struct errmsg *err)
{
	const char *key;
	json_t *v;

	*options = json_object_get(params, "options");
	if (!*options) {
		*options = NULL;
		return true;
	}
	if (!json_is_object(*options)) {
		rpcm_fail(code, RPC_INVALID_PARAMS, err, "parameter 'options' must be an object");
		return false;
	}
	json_object_foreach(*options, key, v)
	{
		if (!json_is_string(v)) {
			rpcm_fail(code, RPC_INVALID_PARAMS, err,
			          "%s: option '%.32s' must be a string", method, key);
			return false;
		}
	}
	return true;
}

json_t *rpcm_set_port(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	struct config_port *cp, *ncp;
	struct config_bridge *cb;
	struct vlan_port_cfg vlan, old;
	struct errmsg lerr = {""};
	json_t *options, *v;
	struct ofproto *br;
	struct config *cfg;
	const char *port, *key;

	if (!rpcm_get_string(params, "port", &port, code, err) ||
	    !get_options(params, "set-port", &options, code, err))
		return NULL;
	if (name_check(port, "port name", err)) {
		*code = RPC_INVALID_PARAMS;
		return NULL;
	}
	if (!options || !json_object_size(options))
		return rpcm_fail(code, RPC_INVALID_PARAMS, err,
		                 "set-port: nothing to set (keys: vlan-mode, tag, trunks, cvlans)");
	cp = config_find_port(d->cfg, port, &cb);
	if (!cp)
		return rpcm_fail(code, RPC_FAILED, err, "port %s: no such port", port);
	br = ofswitch_bridge_find(d->sw, cb->name);
	if (!br)
		return rpcm_fail(code, RPC_FAILED, err, "bridge %s: not running", cb->name);
	vlan = cp->vlan;
	json_object_foreach(options, key, v)
	{
		if (vlan_port_cfg_set(&vlan, key, json_string_value(v), &lerr))
			return rpcm_fail(code, RPC_INVALID_PARAMS, err, "port %s: %s", port,
			                 lerr.msg);
	}
	if (vlan_port_cfg_check(&vlan, &lerr))
		return rpcm_fail(code, RPC_INVALID_PARAMS, err, "port %s: %s", port, lerr.msg);

	old = cp->vlan;
	cfg = config_clone(d->cfg);
	ncp = config_find_port(cfg, port, NULL);
	ncp->vlan = vlan;
	ofproto_port_set_vlan(br, port, &vlan);
	if (pbd_commit(d, cfg, err)) {
		ofproto_port_set_vlan(br, port, &old);
		*code = RPC_FAILED;
		return NULL;
	}
	VLOG_INFO("port %s: VLAN settings changed", port);
	return json_object();
}

/* The ports a mirror names must be ports of its bridge. */
static bool mirror_ports_exist(const struct config_bridge *cb, const struct mirror_cfg *m,
                               int *code, struct errmsg *err)
{
	const char *missing = NULL;

	for (size_t i = 0; !missing && i < m->n_src; i++)
		if (!config_find_port_on(cb, m->src[i]))
			missing = m->src[i];
	for (size_t i = 0; !missing && i < m->n_dst; i++)
		if (!config_find_port_on(cb, m->dst[i]))
			missing = m->dst[i];
	if (!missing && m->output_port && !config_find_port_on(cb, m->output_port))
		missing = m->output_port;
	if (missing) {
		rpcm_fail(code, RPC_FAILED, err, "mirror %s: bridge %s has no port %s", m->name,
		          cb->name, missing);
		return false;
	}
	return true;
}

json_t *rpcm_add_mirror(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	struct config_bridge *cb;
	struct errmsg lerr = {""};
	struct mirror_cfg m;
	struct ofproto *br;
	struct config *cfg;
	json_t *options, *v;
	const char *name, *key;

	if (!rpcm_get_bridge(d, params, &cb, &br, code, err) ||
	    !rpcm_get_string(params, "mirror", &name, code, err) ||
	    !get_options(params, "add-mirror", &options, code, err))
		return NULL;
	if (name_check(name, "mirror name", err)) {
		*code = RPC_INVALID_PARAMS;
		return NULL;
	}
	mirror_cfg_init(&m, name);
	json_object_foreach(options, key, v)
	{
		if (mirror_cfg_set(&m, key, json_string_value(v), &lerr)) {
			rpcm_fail(code, RPC_INVALID_PARAMS, err, "mirror %s: %s", name, lerr.msg);
			goto out;
		}
	}
	if (mirror_cfg_check(&m, &lerr)) {
		rpcm_fail(code, RPC_INVALID_PARAMS, err, "%s", lerr.msg);
		goto out;
	}
	if (config_bridge_find_mirror(cb, name)) {
		rpcm_fail(code, RPC_FAILED, err, "bridge %s already has a mirror %s", cb->name,
		          name);
		goto out;
	}
	if (cb->n_mirrors >= MIRROR_MAX) {
		rpcm_fail(code, RPC_FAILED, err, "bridge %s already has %d mirrors", cb->name,
		          MIRROR_MAX);
		goto out;
	}
	if (!mirror_ports_exist(cb, &m, code, err))
		goto out;
	if (ofproto_mirror_set(br, &m, err)) {
		*code = RPC_FAILED;
		goto out;
	}
	cfg = config_clone(d->cfg);
	config_bridge_add_mirror(config_find_bridge(cfg, cb->name), &m);
	if (pbd_commit(d, cfg, err)) {
		ofproto_mirror_del(br, name);
		*code = RPC_FAILED;
		goto out;
	}
	VLOG_INFO("bridge %s: added mirror %s", ofproto_name(br), name);
	mirror_cfg_uninit(&m);
	return json_object();
out:
	mirror_cfg_uninit(&m);
	return NULL;
}

json_t *rpcm_del_mirror(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	struct config_bridge *cb;
	struct ofproto *br;
	struct config *cfg;
	const char *name;
	char *copy;

	if (!rpcm_get_bridge(d, params, &cb, &br, code, err) ||
	    !rpcm_get_string(params, "mirror", &name, code, err))
		return NULL;
	if (name_check(name, "mirror name", err)) {
		*code = RPC_INVALID_PARAMS;
		return NULL;
	}
	if (!config_bridge_find_mirror(cb, name))
		return rpcm_fail(code, RPC_FAILED, err, "bridge %s has no mirror %s", cb->name,
		                 name);
	copy = xstrdup(name);
	cfg = config_clone(d->cfg);
	config_bridge_remove_mirror(config_find_bridge(cfg, cb->name), copy);
	if (pbd_commit(d, cfg, err)) {
		free(copy);
		*code = RPC_FAILED;
		return NULL;
	}
	ofproto_mirror_del(br, copy);
	VLOG_INFO("bridge %s: deleted mirror %s", ofproto_name(br), copy);
	free(copy);
	return json_object();
}

json_t *rpcm_list_mirrors(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	struct config_bridge *cb;
	struct ofproto *br;
	json_t *list;

	if (!rpcm_get_bridge(d, params, &cb, &br, code, err))
		return NULL;
	ofproto_l2_push_stats(br);
	list = json_array();
	for (size_t i = 0; i < cb->n_mirrors; i++) {
		json_t *jm = config_json_mirror(&cb->mirrors[i]);
		uint64_t packets = 0, bytes = 0;

		ofproto_mirror_stats(br, cb->mirrors[i].name, &packets, &bytes);
		json_object_set_new(jm, "packets", json_integer((json_int_t)packets));
		json_object_set_new(jm, "bytes", json_integer((json_int_t)bytes));
		json_array_append_new(list, jm);
	}
	return json_pack("{s:o}", "mirrors", list);
}

void pbd_l2_apply(struct ofproto *br, const struct config_bridge *cb)
{
	for (size_t i = 0; i < cb->n_ports; i++)
		if (!vlan_port_cfg_is_default(&cb->ports[i]->vlan))
			ofproto_port_set_vlan(br, cb->ports[i]->name, &cb->ports[i]->vlan);
	for (size_t i = 0; i < cb->n_mirrors; i++) {
		struct errmsg err = {""};

		if (ofproto_mirror_set(br, &cb->mirrors[i], &err))
			VLOG_ERR("bridge %s: mirror %s: %s", cb->name, cb->mirrors[i].name,
			         err.msg);
	}
	if (cb->n_mirrors)
		VLOG_INFO("bridge %s: %zu mirror(s) restored", cb->name, cb->n_mirrors);
}

void pbd_port_l2_json(const struct config_port *p, json_t *options)
{
	config_json_port_vlan(p, options);
}
