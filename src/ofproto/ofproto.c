/* ofproto.c - the switch (one datapath shared by all bridges), bridges and
 * their ports, MAC table settings and dumps.  The OpenFlow tables are in
 * ofproto-flow.c, translation in xlate.c, the upcall and revalidation in
 * revalidate.c. */
#include "ofproto/ofproto-private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <urcu.h>

#include "lib/vlog.h"
#include "ofproto/mirror.h"

#define VLOG_MODULE "ofproto"

int ofswitch_create(const char *dp_type, struct ofswitch **out, struct errmsg *err)
{
	struct ofswitch *sw = xzalloc(sizeof *sw);
	int error;

	*out = NULL;
	for (size_t i = 0; i < DPIF_MAX_PORTS; i++)
		atomic_init(&sw->by_dp[i], NULL);
	pthread_mutex_init(&sw->reval_mutex, NULL);
	ofswitch_events_init(sw);
	error = dpif_open(dp_type, ofswitch_upcall, xcache_free, sw, &sw->dpif, err);
	if (error) {
		ofswitch_events_destroy(sw);
		pthread_mutex_destroy(&sw->reval_mutex);
		free(sw);
		return error;
	}
	sw->last_periodic_ms = time_msec();
	ofswitch_reval_start(sw);
	*out = sw;
	return 0;
}

static struct of_port *ofswitch_port_find(const struct ofswitch *sw, const char *name,
                                          uint32_t ofport)
{
	for (size_t b = 0; b < sw->n_bridges; b++) {
		const struct ofproto *br = sw->bridges[b];

		for (size_t i = 0; i < br->n_ports; i++) {
			struct of_port *p = br->ports[i];

			if ((name && !strcmp(p->name, name)) || (!name && p->ofport == ofport))
				return p;
		}
	}
	return NULL;
}

struct of_port *ofproto_port_by_ofport(const struct ofproto *br, uint32_t ofport)
{
	size_t lo = 0, hi = br->n_ports;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		struct of_port *p = br->ports[mid];

		if (p->ofport == ofport)
			return p;
		if (p->ofport < ofport)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct ofproto *ofswitch_bridge_find(const struct ofswitch *sw, const char *name)
{
	for (size_t i = 0; i < sw->n_bridges; i++)
		if (!strcmp(sw->bridges[i]->name, name))
			return sw->bridges[i];
	return NULL;
}

static int names_to_port(const char *name, uint32_t *port, void *br_)
{
	const struct ofproto *br = br_;

	for (size_t i = 0; i < br->n_ports; i++) {
		if (!strcmp(br->ports[i]->name, name)) {
			*port = br->ports[i]->ofport;
			return 0;
		}
	}
	return -ENOENT;
}

static const char *names_to_name(uint32_t port, void *br_)
{
	const struct of_port *p = ofproto_port_by_ofport(br_, port);

	return p ? p->name : NULL;
}

const struct ofp_port_names *ofproto_port_names(struct ofproto *br)
{
	return &br->names;
}

int ofswitch_bridge_add(struct ofswitch *sw, const char *name, struct ofproto **out,
                        struct errmsg *err)
{
	struct ofproto *br;

	if (ofswitch_bridge_find(sw, name))
		return errmsg_set(err, -EEXIST, "bridge %s already exists", name);
	if (strlen(name) >= sizeof br->name)
		return errmsg_set(err, -EINVAL, "bridge name '%s' is too long", name);
	br = xzalloc(sizeof *br);
	strcpy(br->name, name);
	br->sw = sw;
	br->mac_aging = OFPROTO_MAC_AGING_DEFAULT;
	pthread_mutex_init(&br->mutex, NULL);
	br->macs = mac_table_create(OFPROTO_MAC_TABLE_SIZE_DEFAULT);
	br->flow_limit = OFPROTO_FLOW_LIMIT_DEFAULT;
	atomic_init(&br->need_reval, false);
	br->names.name_to_port = names_to_port;
	br->names.port_to_name = names_to_name;
	br->names.aux = br;
	br->id = ++sw->next_bridge_id;
	ofproto_tables_init(br);

	pthread_mutex_lock(&sw->reval_mutex);
	sw->bridges = xrealloc(sw->bridges, (sw->n_bridges + 1) * sizeof *sw->bridges);
	sw->bridges[sw->n_bridges++] = br;
	pthread_mutex_unlock(&sw->reval_mutex);
	if (out)
		*out = br;
	return 0;
}

/* Detaches and frees 'p', which must be br->ports[idx]. */
static void ofproto_port_destroy(struct ofproto *br, size_t idx, bool remove_device)
{
	struct ofswitch *sw = br->sw;
	struct of_port *p = br->ports[idx];
	struct ofproto_port_desc desc;
	int error;

	ofproto_port_desc_fill(p, &desc);
	/* Stop translating to it, forget what was learned on it. */
	pthread_mutex_lock(&sw->reval_mutex);
	pthread_mutex_lock(&br->mutex);
	memmove(&br->ports[idx], &br->ports[idx + 1], (br->n_ports - idx - 1) * sizeof *br->ports);
	br->n_ports--;
	mac_table_flush_port(br->macs, p->dp_port);
	pthread_mutex_unlock(&br->mutex);
	atomic_store_explicit(&sw->by_dp[p->dp_port], NULL, memory_order_release);
	pthread_mutex_unlock(&sw->reval_mutex);

	if (p->dev) {
		error = dpif_port_del(sw->dpif, p->dp_port);
		if (error)
			VLOG_WARN("port %s: removing from datapath: %s", p->name, strerror(-error));
	} else {
		dpif_flow_quiesce(sw->dpif); /* upcalls may still hold 'p' */
	}

	/* An upcall that raced with the above may have learned on it again;
	 * megaflows from it or to it are re-translated or deleted. */
	pthread_mutex_lock(&br->mutex);
	mac_table_flush_port(br->macs, p->dp_port);
	pthread_mutex_unlock(&br->mutex);
	ofproto_revalidate(br);

	netdev_close(p->dev, remove_device);
	free(p);
	ofproto_note_port_status(br, OFPROTO_PORT_DELETE, &desc);
	ofswitch_events_flush(sw);
}

static void ofproto_destroy(struct ofproto *br, bool remove_devices)
{
	struct ofswitch *sw = br->sw;

	while (br->n_ports)
		ofproto_port_destroy(br, br->n_ports - 1, remove_devices);
	pthread_mutex_lock(&sw->reval_mutex);
	for (size_t i = 0; i < sw->n_bridges; i++) {
		if (sw->bridges[i] == br) {
			memmove(&sw->bridges[i], &sw->bridges[i + 1],
			        (sw->n_bridges - i - 1) * sizeof *sw->bridges);
			sw->n_bridges--;
			break;
		}
	}
	pthread_mutex_unlock(&sw->reval_mutex);
	ofproto_tables_destroy(br);
	ofproto_groups_destroy(br);
	ofproto_meters_destroy(br);
	ofswitch_events_forget(sw, br);
	ofproto_l2_destroy(br);
	mac_table_destroy(br->macs);
	pthread_mutex_destroy(&br->mutex);
	free(br->ports);
	free(br);
}

int ofswitch_bridge_del(struct ofswitch *sw, const char *name, struct errmsg *err)
{
	struct ofproto *br = ofswitch_bridge_find(sw, name);

	if (!br)
		return errmsg_set(err, -ENOENT, "bridge %s: no such bridge", name);
	ofproto_destroy(br, true);
	return 0;
}

void ofswitch_destroy(struct ofswitch *sw)
{
	if (!sw)
		return;
	ofswitch_reval_stop(sw);
	while (sw->n_bridges)
		ofproto_destroy(sw->bridges[sw->n_bridges - 1], false);
	dpif_close(sw->dpif);
	rcu_barrier(); /* rules freed by megaflow callbacks */
	ofswitch_events_destroy(sw);
	pthread_mutex_destroy(&sw->reval_mutex);
	free(sw->bridges);
	free(sw);
}

void ofswitch_run(struct ofswitch *sw)
{
	uint64_t now = ofproto_now_ms();

	for (size_t i = 0; i < sw->n_bridges; i++) {
		struct ofproto *br = sw->bridges[i];
		size_t n;

		pthread_mutex_lock(&br->mutex);
		n = mac_table_expire(br->macs, now, (uint64_t)br->mac_aging * 1000u);
		pthread_mutex_unlock(&br->mutex);
		if (n) {
			VLOG_DBG("bridge %s: %zu MAC entries aged out", br->name, n);
			atomic_store(&br->need_reval, true);
		}
	}
	/* Statistics, idle megaflows, MAC refresh, marked bridges. */
	ofswitch_revalidate_periodic(sw);
	/* Rule timeouts use the statistics just credited. */
	for (size_t i = 0; i < sw->n_bridges; i++) {
		struct ofproto *br = sw->bridges[i];
		size_t n = ofproto_expire_rules(br, time_msec());

		if (n) {
			VLOG_DBG("bridge %s: %zu flows timed out", br->name, n);
			ofproto_changed(br);
		}
	}
	/* Link changes (PORT_STATUS, fast-failover liveness). */
	ofswitch_poll_ports(sw);
	ofswitch_events_flush(sw);
}

const char *ofproto_name(const struct ofproto *br)
{
	return br->name;
}

int ofproto_set_mac_aging(struct ofproto *br, unsigned int seconds)
{
	if (!seconds)
		return -EINVAL;
	br->mac_aging = seconds;
	return 0;
}

int ofproto_set_mac_table_size(struct ofproto *br, unsigned int entries)
{
	size_t n;

	if (!entries)
		return -EINVAL;
	pthread_mutex_lock(&br->mutex);
	n = mac_table_set_max(br->macs, entries);
	pthread_mutex_unlock(&br->mutex);
	if (n)
		ofproto_revalidate(br);
	return 0;
}

/* Inserts 'p' into br->ports and publishes it (control thread). */
static void ofproto_port_insert(struct ofproto *br, struct of_port *p)
{
	struct ofswitch *sw = br->sw;
	size_t idx;

	pthread_mutex_lock(&sw->reval_mutex);
	pthread_mutex_lock(&br->mutex);
	ofproto_l2_port_attached(br, p);
	for (idx = 0; idx < br->n_ports && br->ports[idx]->ofport < p->ofport; idx++)
		continue;
	br->ports = xrealloc(br->ports, (br->n_ports + 1) * sizeof *br->ports);
	memmove(&br->ports[idx + 1], &br->ports[idx], (br->n_ports - idx) * sizeof *br->ports);
	br->ports[idx] = p;
	br->n_ports++;
	pthread_mutex_unlock(&br->mutex);
	atomic_store_explicit(&sw->by_dp[p->dp_port], p, memory_order_release);
	pthread_mutex_unlock(&sw->reval_mutex);
	/* Flooding megaflows must include the new port. */
	ofproto_revalidate(br);
	{
		struct ofproto_port_desc desc;

		ofproto_port_desc_fill(p, &desc);
		p->reported_state = desc.state;
		ofproto_note_port_status(br, OFPROTO_PORT_ADD, &desc);
		ofswitch_events_flush(sw);
	}
}

static int ofproto_port_check(struct ofproto *br, const char *name, uint32_t ofport,
                              struct errmsg *err)
{
	struct ofswitch *sw = br->sw;
	struct of_port *p;

	if (!name || strlen(name) >= sizeof p->name)
		return errmsg_set(err, -EINVAL, "port name is missing or too long");
	if (ofport < 1 || ofport > OFPROTO_OFPORT_MAX)
		return errmsg_set(err, -EINVAL, "port %s: ofport %u out of range (1..%u)", name,
		                  ofport, OFPROTO_OFPORT_MAX);
	p = ofswitch_port_find(sw, name, 0);
	if (p)
		return errmsg_set(err, -EEXIST, "port %s already exists on bridge %s", name,
		                  p->br->name);
	p = ofswitch_port_find(sw, NULL, ofport);
	if (p)
		return errmsg_set(err, -EEXIST, "ofport %u is already used by port %s on bridge %s",
		                  ofport, p->name, p->br->name);
	return 0;
}

int ofproto_port_attach(struct ofproto *br, const char *name, uint32_t ofport, uint32_t dp_port,
                        struct netdev *dev)
{
	struct of_port *p;
	int error = ofproto_port_check(br, name, ofport, NULL);

	if (error)
		return error;
	if (dp_port >= DPIF_MAX_PORTS || atomic_load(&br->sw->by_dp[dp_port]))
		return -EEXIST;
	p = xzalloc(sizeof *p);
	strcpy(p->name, name);
	p->ofport = ofport;
	p->dp_port = dp_port;
	p->dev = dev;
	p->br = br;
	p->link_up = !p->dev || netdev_get_link(p->dev) == NETDEV_LINK_UP;
	ofproto_port_insert(br, p);
	return 0;
}

int ofproto_port_add(struct ofproto *br, const struct netdev_args *args, uint32_t ofport,
                     unsigned int netdev_flags, struct errmsg *err)
{
	struct ofswitch *sw = br->sw;
	struct netdev *dev = NULL;
	struct of_port *p;
	uint32_t dp_port;
	int error;

	error = ofproto_port_check(br, args->name, ofport, err);
	if (error)
		return error;
	error = netdev_open(args, netdev_flags, &dev, err);
	if (error)
		return error;
	error = dpif_port_add(sw->dpif, dev, &dp_port);
	if (error) {
		netdev_close(dev, !(netdev_flags & NETDEV_OPEN_REUSE));
		return errmsg_set(err, error, "port %s: cannot add to the datapath: %s", args->name,
		                  strerror(-error));
	}

	p = xzalloc(sizeof *p);
	strcpy(p->name, args->name);
	p->ofport = ofport;
	p->dp_port = dp_port;
	p->dev = dev;
	p->br = br;
	p->link_up = !p->dev || netdev_get_link(p->dev) == NETDEV_LINK_UP;
	ofproto_port_insert(br, p);
	return 0;
}

int ofproto_port_del(struct ofproto *br, const char *name, bool remove_device, struct errmsg *err)
{
	for (size_t i = 0; i < br->n_ports; i++) {
		if (!strcmp(br->ports[i]->name, name)) {
			ofproto_port_destroy(br, i, remove_device);
			return 0;
		}
	}
	return errmsg_set(err, -ENOENT, "port %s: no such port on bridge %s", name, br->name);
}

void ofproto_port_list(struct ofproto *br, struct ofproto_port_info **ports, size_t *n)
{
	struct ofproto_port_info *v = xcalloc(br->n_ports, sizeof *v);

	for (size_t i = 0; i < br->n_ports; i++) {
		const struct of_port *p = br->ports[i];
		struct ofproto_port_info *info = &v[i];

		strcpy(info->name, p->name);
		info->ofport = p->ofport;
		if (!p->dev) /* attached without a device (tests) */
			continue;
		snprintf(info->type, sizeof info->type, "%s", netdev_get_type(p->dev));
		info->ofport = p->ofport;
		info->ifindex = netdev_get_ifindex(p->dev);
		info->link_up = netdev_get_link(p->dev) == NETDEV_LINK_UP;
		if (netdev_get_mac(p->dev, info->mac))
			memset(info->mac, 0, sizeof info->mac);
		if (netdev_get_mtu(p->dev, &info->mtu))
			info->mtu = 0;
		netdev_get_stats(p->dev, &info->stats);
	}
	*ports = v;
	*n = br->n_ports;
}

void ofproto_fdb_dump(struct ofproto *br, struct ofproto_fdb_entry **entries, size_t *n)
{
	struct mac_table_entry_info *raw;
	struct ofproto_fdb_entry *v;
	size_t n_raw, k = 0;
	uint64_t now = ofproto_now_ms();

	pthread_mutex_lock(&br->mutex);
	mac_table_dump(br->macs, &raw, &n_raw);
	pthread_mutex_unlock(&br->mutex);
	mac_table_dump_sort(raw, n_raw);

	v = xcalloc(n_raw, sizeof *v);
	for (size_t i = 0; i < n_raw; i++) {
		const struct of_port *p = NULL;

		if (raw[i].port < DPIF_MAX_PORTS)
			p = atomic_load_explicit(&br->sw->by_dp[raw[i].port], memory_order_relaxed);
		if (!p || p->br != br)
			continue;
		memcpy(v[k].mac, raw[i].mac, sizeof v[k].mac);
		v[k].vlan = raw[i].vlan;
		v[k].ofport = p->ofport;
		v[k].age = now > raw[i].last_seen ? (unsigned int)((now - raw[i].last_seen) / 1000)
		                                  : 0;
		k++;
	}
	free(raw);
	*entries = v;
	*n = k;
}

void ofproto_fdb_flush(struct ofproto *br)
{
	pthread_mutex_lock(&br->mutex);
	mac_table_flush(br->macs);
	pthread_mutex_unlock(&br->mutex);
	ofproto_revalidate(br);
}
