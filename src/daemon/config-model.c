/* config-model.c - the in-memory configuration model: create, clone, find,
 * add and remove bridges and ports, and a bridge's stored flow lines (see
 * config-store.h). */
#include "daemon/config-store.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *const config_port_types[] = {"system", "veth", "tap", "internal", "vxlan",
                                         "geneve", "gre",  "tun", NULL};

bool config_port_type_valid(const char *type)
{
	for (size_t i = 0; config_port_types[i]; i++)
		if (!strcmp(type, config_port_types[i]))
			return true;
	return false;
}

static char *xstrdup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

struct config *config_create(void)
{
	return xzalloc(sizeof(struct config));
}

static void config_port_free(struct config_port *port)
{
	if (!port)
		return;
	free(port->name);
	free(port->type);
	free(port->peer);
	free(port->netns);
	free(port->options);
	free(port);
}

static void config_bridge_free_flows(struct config_bridge *br)
{
	for (size_t i = 0; i < br->n_flows; i++)
		free(br->flows[i]);
	free(br->flows);
	br->flows = NULL;
	br->n_flows = 0;
}

static void config_bridge_free(struct config_bridge *br)
{
	if (!br)
		return;
	config_bridge_free_flows(br);
	config_strv_set(&br->controllers, &br->n_controllers, NULL, 0);
	config_strv_set(&br->ofp_listen, &br->n_ofp_listen, NULL, 0);
	config_strv_set(&br->groups, &br->n_groups, NULL, 0);
	config_strv_set(&br->meters, &br->n_meters, NULL, 0);
	config_bridge_free_l2(br);
	for (size_t i = 0; i < br->n_ports; i++)
		config_port_free(br->ports[i]);
	free(br->ports);
	free(br->name);
	free(br->datapath);
	free(br);
}

void config_free(struct config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->n_bridges; i++)
		config_bridge_free(cfg->bridges[i]);
	free(cfg->bridges);
	free(cfg);
}

struct config *config_clone(const struct config *cfg)
{
	struct config *copy = config_create();

	for (size_t i = 0; i < cfg->n_bridges; i++) {
		const struct config_bridge *br = cfg->bridges[i];
		struct config_bridge *nbr = config_add_bridge(copy, br->name);

		free(nbr->datapath);
		nbr->datapath = xstrdup(br->datapath);
		nbr->mac_aging = br->mac_aging;
		nbr->mac_table_size = br->mac_table_size;
		nbr->flow_limit = br->flow_limit;
		if (br->has_flows)
			config_bridge_set_flows(nbr, br->flows, br->n_flows);
		config_strv_set(&nbr->controllers, &nbr->n_controllers, br->controllers,
		                br->n_controllers);
		config_strv_set(&nbr->ofp_listen, &nbr->n_ofp_listen, br->ofp_listen,
		                br->n_ofp_listen);
		config_strv_set(&nbr->groups, &nbr->n_groups, br->groups, br->n_groups);
		config_strv_set(&nbr->meters, &nbr->n_meters, br->meters, br->n_meters);
		nbr->fail_secure = br->fail_secure;
		nbr->datapath_id = br->datapath_id;
		for (size_t j = 0; j < br->n_ports; j++) {
			const struct config_port *p = br->ports[j];

			struct config_port *np = config_bridge_add_port(nbr, p->name, p->ofport,
			                                                p->type, p->peer, p->netns);

			config_port_set_options(np, p->options);
		}
		config_bridge_copy_l2(nbr, br);
	}
	return copy;
}

struct config_bridge *config_find_bridge(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_bridges; i++)
		if (!strcmp(cfg->bridges[i]->name, name))
			return cfg->bridges[i];
	return NULL;
}

struct config_port *config_find_port(const struct config *cfg, const char *name,
                                     struct config_bridge **brp)
{
	for (size_t i = 0; i < cfg->n_bridges; i++) {
		struct config_bridge *br = cfg->bridges[i];

		for (size_t j = 0; j < br->n_ports; j++) {
			if (!strcmp(br->ports[j]->name, name)) {
				if (brp)
					*brp = br;
				return br->ports[j];
			}
		}
	}
	return NULL;
}

struct config_port *config_find_ofport(const struct config *cfg, uint32_t ofport,
                                       struct config_bridge **brp)
{
	for (size_t i = 0; i < cfg->n_bridges; i++) {
		struct config_bridge *br = cfg->bridges[i];

		for (size_t j = 0; j < br->n_ports; j++) {
			if (br->ports[j]->ofport == ofport) {
				if (brp)
					*brp = br;
				return br->ports[j];
			}
		}
	}
	return NULL;
}

static int uint32_cmp(const void *a_, const void *b_)
{
	uint32_t a = *(const uint32_t *)a_, b = *(const uint32_t *)b_;

	return a < b ? -1 : a > b;
}

uint32_t config_next_ofport(const struct config *cfg)
{
	size_t n = 0, cap = 0;
	uint32_t *used = NULL, next = 1;

	for (size_t i = 0; i < cfg->n_bridges; i++)
		cap += cfg->bridges[i]->n_ports;
	used = xcalloc(cap, sizeof(*used));
	for (size_t i = 0; i < cfg->n_bridges; i++)
		for (size_t j = 0; j < cfg->bridges[i]->n_ports; j++)
			used[n++] = cfg->bridges[i]->ports[j]->ofport;
	qsort(used, n, sizeof(*used), uint32_cmp);
	for (size_t i = 0; i < n && used[i] <= next; i++)
		if (used[i] == next)
			next++;
	free(used);
	return next <= CONFIG_OFPORT_MAX ? next : 0;
}

struct config_bridge *config_add_bridge(struct config *cfg, const char *name)
{
	struct config_bridge *br = xzalloc(sizeof(*br));
	size_t pos = 0;

	assert(!config_find_bridge(cfg, name));
	br->name = xstrdup(name);
	br->datapath = xstrdup(CONFIG_DATAPATH_DEFAULT);
	br->mac_aging = CONFIG_MAC_AGING_DEFAULT;
	br->mac_table_size = CONFIG_MAC_TABLE_SIZE_DEFAULT;
	br->flow_limit = CONFIG_FLOW_LIMIT_DEFAULT;

	while (pos < cfg->n_bridges && strcmp(cfg->bridges[pos]->name, name) < 0)
		pos++;
	cfg->bridges = xrealloc(cfg->bridges, (cfg->n_bridges + 1) * sizeof(*cfg->bridges));
	memmove(&cfg->bridges[pos + 1], &cfg->bridges[pos],
	        (cfg->n_bridges - pos) * sizeof(*cfg->bridges));
	cfg->bridges[pos] = br;
	cfg->n_bridges++;
	return br;
}

int config_remove_bridge(struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_bridges; i++) {
		if (!strcmp(cfg->bridges[i]->name, name)) {
			config_bridge_free(cfg->bridges[i]);
			memmove(&cfg->bridges[i], &cfg->bridges[i + 1],
			        (cfg->n_bridges - i - 1) * sizeof(*cfg->bridges));
			cfg->n_bridges--;
			return 0;
		}
	}
	return -ENOENT;
}

struct config_port *config_bridge_add_port(struct config_bridge *br, const char *name,
                                           uint32_t ofport, const char *type, const char *peer,
                                           const char *netns)
{
	struct config_port *port = xzalloc(sizeof(*port));
	size_t pos = 0;

	port->name = xstrdup(name);
	port->ofport = ofport;
	port->type = xstrdup(type);
	port->peer = xstrdup_or_null(peer);
	port->netns = xstrdup_or_null(netns);
	vlan_port_cfg_init(&port->vlan);

	for (size_t hi = br->n_ports; pos < hi;) { /* binary search: first ofport >= new */
		size_t mid = pos + (hi - pos) / 2;

		if (br->ports[mid]->ofport < ofport)
			pos = mid + 1;
		else
			hi = mid;
	}
	assert(pos == br->n_ports || br->ports[pos]->ofport != ofport);
	br->ports = xrealloc(br->ports, (br->n_ports + 1) * sizeof(*br->ports));
	memmove(&br->ports[pos + 1], &br->ports[pos], (br->n_ports - pos) * sizeof(*br->ports));
	br->ports[pos] = port;
	br->n_ports++;
	return port;
}

int config_bridge_remove_port(struct config_bridge *br, const char *name)
{
	for (size_t i = 0; i < br->n_ports; i++) {
		if (!strcmp(br->ports[i]->name, name)) {
			config_port_free(br->ports[i]);
			memmove(&br->ports[i], &br->ports[i + 1],
			        (br->n_ports - i - 1) * sizeof(*br->ports));
			br->n_ports--;
			return 0;
		}
	}
	return -ENOENT;
}

void config_bridge_set_flows(struct config_bridge *br, char *const *lines, size_t n)
{
	char **copy = xcalloc(n ? n : 1, sizeof(*copy));

	for (size_t i = 0; i < n; i++)
		copy[i] = xstrdup(lines[i]);
	config_bridge_free_flows(br);
	br->flows = copy;
	br->n_flows = n;
	br->has_flows = true;
}

bool config_bridge_flows_equal(const struct config_bridge *br, char *const *lines, size_t n)
{
	if (!br->has_flows || br->n_flows != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(br->flows[i], lines[i]))
			return false;
	return true;
}

void config_strv_set(char ***list, size_t *n, char *const *lines, size_t n_lines)
{
	char **copy = n_lines ? xcalloc(n_lines, sizeof(*copy)) : NULL;

	for (size_t i = 0; i < n_lines; i++)
		copy[i] = xstrdup(lines[i]);
	for (size_t i = 0; i < *n; i++)
		free((*list)[i]);
	free(*list);
	*list = copy;
	*n = n_lines;
}

bool config_strv_equal(char *const *a, size_t na, char *const *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]))
			return false;
	return true;
}

void config_port_set_options(struct config_port *port, const char *options)
{
	free(port->options);
	port->options = options && options[0] ? xstrdup(options) : NULL;
}

int config_port_options_check(const char *type, const char *options, struct errmsg *err)
{
	static const char *const tunnel[] = {"remote_ip", "local_ip", "key",     "dst_port",
	                                     "ttl",       "tos",      "tx_path", NULL};
	static const char *const gre[] = {"remote_ip", "local_ip", "key", "ttl",
	                                  "tos",       "tx_path",  NULL};
	static const char *const tun[] = {"mac", "ip", NULL};
	const char *const *allowed = NULL;
	unsigned seen = 0;
	const char *s = options;

	if (!strcmp(type, "vxlan") || !strcmp(type, "geneve"))
		allowed = tunnel;
	else if (!strcmp(type, "gre"))
		allowed = gre;
	else if (!strcmp(type, "tun"))
		allowed = tun;
	if (!options || !options[0])
		return 0;
	if (!allowed)
		return errmsg_set(err, -EINVAL, "type %s takes no options", type);
	while (*s) {
		const char *end = strchr(s, ','), *eq;
		size_t len = end ? (size_t)(end - s) : strlen(s), i;

		eq = memchr(s, '=', len);
		if (!eq || eq == s || eq == s + len - 1)
			return errmsg_set(err, -EINVAL, "expected key=value, got '%.*s'",
			                  (int)(len > 64 ? 64 : len), s);
		for (i = 0; allowed[i]; i++)
			if (strlen(allowed[i]) == (size_t)(eq - s) &&
			    !memcmp(allowed[i], s, (size_t)(eq - s)))
				break;
		if (!allowed[i])
			return errmsg_set(err, -EINVAL, "unknown option '%.*s' for type %s",
			                  (int)(eq - s > 32 ? 32 : eq - s), s, type);
		if (seen & (1u << i))
			return errmsg_set(err, -EINVAL, "option '%s' given twice", allowed[i]);
		seen |= 1u << i;
		if (!end)
			break;
		s = end + 1;
		if (!*s)
			return errmsg_set(err, -EINVAL, "trailing ',' in options");
	}
	return 0;
}
