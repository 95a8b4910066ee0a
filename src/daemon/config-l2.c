/* config-l2.c - the config store's port VLAN settings and bridge mirrors:
 * the model helpers and their strict JSON form (see config-store.h and
 * docs/vlan-mirror.md):
 *   port:   "vlan-mode": "access", "tag": 10, "trunks": "10,20-30",
 *           "cvlans": "5"                      (each optional)
 *   bridge: "mirrors": [{"name": "m1", "select-all": true,
 *           "select-src": ["p1"], "select-dst": ["p2"], "select-vlan": "10",
 *           "output-port": "p3" | "output-vlan": 100}] */
#include "daemon/config-l2.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- model ---- */

struct mirror_cfg *config_bridge_find_mirror(const struct config_bridge *br, const char *name)
{
	for (size_t i = 0; i < br->n_mirrors; i++)
		if (!strcmp(br->mirrors[i].name, name))
			return &br->mirrors[i];
	return NULL;
}

void config_bridge_add_mirror(struct config_bridge *br, const struct mirror_cfg *m)
{
	size_t pos = 0;

	while (pos < br->n_mirrors && strcmp(br->mirrors[pos].name, m->name) < 0)
		pos++;
	br->mirrors = xrealloc(br->mirrors, (br->n_mirrors + 1) * sizeof *br->mirrors);
	memmove(&br->mirrors[pos + 1], &br->mirrors[pos],
	        (br->n_mirrors - pos) * sizeof *br->mirrors);
	mirror_cfg_clone(&br->mirrors[pos], m);
	br->n_mirrors++;
}

int config_bridge_remove_mirror(struct config_bridge *br, const char *name)
{
	for (size_t i = 0; i < br->n_mirrors; i++) {
		if (!strcmp(br->mirrors[i].name, name)) {
			mirror_cfg_uninit(&br->mirrors[i]);
			memmove(&br->mirrors[i], &br->mirrors[i + 1],
			        (br->n_mirrors - i - 1) * sizeof *br->mirrors);
			br->n_mirrors--;
			return 0;
		}
	}
	return -ENOENT;
}

void config_bridge_copy_l2(struct config_bridge *dst, const struct config_bridge *src)
{
	for (size_t i = 0; i < src->n_mirrors; i++)
		config_bridge_add_mirror(dst, &src->mirrors[i]);
	for (size_t i = 0; i < src->n_ports; i++) {
		struct config_port *p = config_find_port_on(dst, src->ports[i]->name);

		if (p)
			p->vlan = src->ports[i]->vlan;
	}
}

void config_bridge_free_l2(struct config_bridge *br)
{
	for (size_t i = 0; i < br->n_mirrors; i++)
		mirror_cfg_uninit(&br->mirrors[i]);
	free(br->mirrors);
	br->mirrors = NULL;
	br->n_mirrors = 0;
}

struct config_port *config_find_port_on(const struct config_bridge *br, const char *name)
{
	for (size_t i = 0; i < br->n_ports; i++)
		if (!strcmp(br->ports[i]->name, name))
			return br->ports[i];
	return NULL;
}

/* ---- JSON ---- */

static json_t *json_vlan_list(const struct vlan_bitmap *bm)
{
	char *s = vlan_list_format(bm);
	json_t *j = json_string(s);

	free(s);
	return j;
}

int config_json_parse_port_vlan(struct config_port *p, json_t *jp, const char *where,
                                struct errmsg *err)
{
	static const char *const keys[] = {"vlan-mode", "trunks", "cvlans"};
	struct vlan_port_cfg cfg;
	struct errmsg lerr = {""};
	json_t *tag = json_object_get(jp, "tag");

	vlan_port_cfg_init(&cfg);
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		json_t *v = json_object_get(jp, keys[i]);

		if (!v)
			continue;
		if (!json_is_string(v) || !json_string_length(v))
			return errmsg_set(err, -EINVAL, "%s.%s: expected a non-empty string", where,
			                  keys[i]);
		if (vlan_port_cfg_set(&cfg, keys[i], json_string_value(v), &lerr))
			return errmsg_set(err, -EINVAL, "%s: %s", where, lerr.msg);
	}
	if (tag) {
		if (!json_is_integer(tag) || json_integer_value(tag) < 0 ||
		    json_integer_value(tag) >= VLAN_N_VIDS)
			return errmsg_set(err, -EINVAL, "%s.tag: expected an integer 0..4095",
			                  where);
		cfg.tag = (int)json_integer_value(tag);
	}
	if (vlan_port_cfg_check(&cfg, &lerr))
		return errmsg_set(err, -EINVAL, "%s: %s", where, lerr.msg);
	p->vlan = cfg;
	return 0;
}

void config_json_port_vlan(const struct config_port *p, json_t *jp)
{
	const struct vlan_port_cfg *cfg = &p->vlan;

	if (cfg->mode != VLAN_MODE_UNSET)
		json_object_set_new(jp, "vlan-mode", json_string(vlan_mode_name(cfg->mode)));
	if (cfg->tag >= 0)
		json_object_set_new(jp, "tag", json_integer(cfg->tag));
	if (cfg->has_trunks)
		json_object_set_new(jp, "trunks", json_vlan_list(&cfg->trunks));
	if (cfg->has_cvlans)
		json_object_set_new(jp, "cvlans", json_vlan_list(&cfg->cvlans));
}

/* A JSON array of port names as "a,b" for mirror_cfg_set(). */
static int names_option(json_t *arr, const char *where, const char *key, char **out,
                        struct errmsg *err)
{
	size_t i, len = 0;
	json_t *v;
	char *s;

	if (!json_is_array(arr) || !json_array_size(arr))
		return errmsg_set(err, -EINVAL, "%s.%s: expected a non-empty array of port names",
		                  where, key);
	json_array_foreach(arr, i, v)
	{
		if (!json_is_string(v))
			return errmsg_set(err, -EINVAL, "%s.%s[%zu]: expected a string", where, key,
			                  i);
		len += json_string_length(v) + 1;
	}
	s = xzalloc(len + 1);
	json_array_foreach(arr, i, v)
	{
		if (i)
			strcat(s, ",");
		strcat(s, json_string_value(v));
	}
	*out = s;
	return 0;
}

static int parse_mirror(struct config_bridge *br, json_t *jm, const char *where, struct errmsg *err)
{
	static const char *const keys[] = {"name",        "select-all",  "select-src", "select-dst",
	                                   "select-vlan", "output-port", "output-vlan"};
	struct errmsg lerr = {""};
	struct mirror_cfg m;
	const char *key;
	json_t *name, *v;
	int error = 0;

	if (!json_is_object(jm))
		return errmsg_set(err, -EINVAL, "%s: expected an object", where);
	json_object_foreach(jm, key, v)
	{
		size_t i;

		for (i = 0; i < ARRAY_SIZE(keys) && strcmp(key, keys[i]); i++)
			continue;
		if (i == ARRAY_SIZE(keys))
			return errmsg_set(err, -EINVAL, "%s: unknown key '%.64s'", where, key);
	}
	name = json_object_get(jm, "name");
	if (!json_is_string(name))
		return errmsg_set(err, -EINVAL, "%s.name: expected a string", where);
	if (name_check(json_string_value(name), "mirror name", &lerr))
		return errmsg_set(err, -EINVAL, "%s.name: %s", where, lerr.msg);
	if (config_bridge_find_mirror(br, json_string_value(name)))
		return errmsg_set(err, -EINVAL, "%s.name: duplicate mirror name '%s'", where,
		                  json_string_value(name));
	mirror_cfg_init(&m, json_string_value(name));
	json_object_foreach(jm, key, v)
	{
		char buf[32], *value = NULL;

		if (!strcmp(key, "name"))
			continue;
		if (!strcmp(key, "select-all")) {
			if (!json_is_boolean(v)) {
				error = errmsg_set(err, -EINVAL, "%s.%s: expected true or false",
				                   where, key);
				break;
			}
			value = xstrdup(json_is_true(v) ? "true" : "false");
		} else if (!strcmp(key, "select-src") || !strcmp(key, "select-dst")) {
			if ((error = names_option(v, where, key, &value, err)))
				break;
		} else if (!strcmp(key, "output-vlan")) {
			if (!json_is_integer(v)) {
				error = errmsg_set(err, -EINVAL,
				                   "%s.%s: expected an integer 1..4095", where,
				                   key);
				break;
			}
			snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
			value = xstrdup(buf);
		} else if (!json_is_string(v)) {
			error = errmsg_set(err, -EINVAL, "%s.%s: expected a string", where, key);
			break;
		} else {
			value = xstrdup(json_string_value(v));
		}
		error = mirror_cfg_set(&m, key, value, &lerr);
		free(value);
		if (error) {
			error = errmsg_set(err, -EINVAL, "%s: %s", where, lerr.msg);
			break;
		}
	}
	if (!error && mirror_cfg_check(&m, &lerr))
		error = errmsg_set(err, -EINVAL, "%s: %s", where, lerr.msg);
	if (!error && br->n_mirrors >= MIRROR_MAX)
		error = errmsg_set(err, -EINVAL, "%s: more than %d mirrors", where, MIRROR_MAX);
	if (!error)
		config_bridge_add_mirror(br, &m);
	mirror_cfg_uninit(&m);
	return error;
}

int config_json_parse_mirrors(struct config_bridge *br, json_t *mirrors, const char *where,
                              struct errmsg *err)
{
	json_t *jm;
	size_t i;
	int error;

	if (!mirrors)
		return 0;
	if (!json_is_array(mirrors))
		return errmsg_set(err, -EINVAL, "%s.mirrors: expected an array", where);
	json_array_foreach(mirrors, i, jm)
	{
		char mwhere[80];

		snprintf(mwhere, sizeof mwhere, "%s.mirrors[%zu]", where, i);
		if ((error = parse_mirror(br, jm, mwhere, err)))
			return error;
	}
	return 0;
}

static json_t *names_json(char *const *names, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(names[i]));
	return a;
}

json_t *config_json_mirror(const struct mirror_cfg *m)
{
	json_t *jm = json_pack("{s:s}", "name", m->name);

	if (m->select_all)
		json_object_set_new(jm, "select-all", json_true());
	if (m->n_src)
		json_object_set_new(jm, "select-src", names_json(m->src, m->n_src));
	if (m->n_dst)
		json_object_set_new(jm, "select-dst", names_json(m->dst, m->n_dst));
	if (m->has_vlans)
		json_object_set_new(jm, "select-vlan", json_vlan_list(&m->vlans));
	if (m->output_port)
		json_object_set_new(jm, "output-port", json_string(m->output_port));
	else
		json_object_set_new(jm, "output-vlan", json_integer(m->output_vlan));
	return jm;
}

void config_json_mirrors(const struct config_bridge *br, json_t *jb)
{
	json_t *a;

	if (!br->n_mirrors)
		return;
	a = json_array();
	for (size_t i = 0; i < br->n_mirrors; i++)
		json_array_append_new(a, config_json_mirror(&br->mirrors[i]));
	json_object_set_new(jb, "mirrors", a);
}
