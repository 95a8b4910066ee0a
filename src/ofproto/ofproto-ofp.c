/* ofproto-ofp.c - the OpenFlow agent's view of a bridge (ofproto-ofp.h):
 * flow_mod with OpenFlow errors, batched revalidation, port descriptions,
 * port_mod and link polling (PORT_STATUS), fail mode, datapath id, table
 * statistics and PACKET_OUT. */
#include "ofproto/ofproto-private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/packet-edit.h"
#include "lib/vlog.h"
#include "ofproto/xlate.h"
#include "openflow/ofp-actions.h"

#define VLOG_MODULE "ofproto_ofp"

#define OFPROTO_PORT_SPEED_KBPS 10000000u /* virtual ports: 10 Gb/s */
#define OFPPC_SUPPORTED         (OFPPC_PORT_DOWN | OFPPC_NO_RECV | OFPPC_NO_FWD | OFPPC_NO_PACKET_IN)

/* ---- revalidation batching ---- */

void ofproto_changed(struct ofproto *br)
{
	if (br->defer_reval)
		br->reval_deferred = true;
	else
		ofproto_revalidate(br);
}

void ofproto_defer_revalidation(struct ofproto *br, bool defer)
{
	br->defer_reval = defer;
	if (!defer && br->reval_deferred) {
		br->reval_deferred = false;
		ofproto_revalidate(br);
	}
}

/* ---- flow_mod with OpenFlow errors ---- */

/* Checks that the groups and meters 'a' names exist (mutex held). */
static int check_refs(const struct ofproto *br, const struct ofpact *list, size_t len,
                      struct ofperr *oe, struct errmsg *err)
{
	const struct ofpact *a;

	OFPACT_FOR_EACH(a, list, len)
	{
		if (a->type == OFPACT_GROUP) {
			uint32_t id = ((const struct ofpact_group *)(const void *)a)->group_id;

			if (!ofproto_group_find(br, id)) {
				ofperr_set(oe, OFPET_BAD_ACTION, OFPBAC_BAD_OUT_GROUP);
				return errmsg_set(err, -ENOENT, "group %u does not exist", id);
			}
		} else if (a->type == OFPACT_METER) {
			uint32_t id = ((const struct ofpact_meter *)(const void *)a)->meter_id;

			if (!ofproto_meter_find(br, id)) {
				ofperr_set(oe, OFPET_METER_MOD_FAILED, OFPMMFC_UNKNOWN_METER);
				return errmsg_set(err, -ENOENT, "meter %u does not exist", id);
			}
		} else if (a->type == OFPACT_WRITE_ACTIONS) {
			int error =
			        check_refs(br, ofpact_nest_actions(a), ofpact_nest_len(a), oe, err);

			if (error)
				return error;
		}
	}
	return 0;
}

int ofproto_flow_mod_ofp(struct ofproto *br, enum flow_text_cmd cmd, bool strict,
                         const struct flow_text_mod *fm, struct ofperr *oe, struct errmsg *err)
{
	int goto_table;
	int error;

	if ((cmd == FLOW_TEXT_ADD && fm->table_id >= OFPROTO_N_TABLES) ||
	    (fm->table_id >= OFPROTO_N_TABLES && fm->table_id != FLOW_TEXT_TABLE_ALL)) {
		ofperr_set(oe, OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_TABLE_ID);
		return errmsg_set(err, -EINVAL, "table %u does not exist (tables are 0..%u)",
		                  fm->table_id, OFPROTO_N_TABLES - 1);
	}
	if (cmd != FLOW_TEXT_DELETE) {
		goto_table = ofpacts_goto_table(fm->ofpacts, fm->ofpacts_len);
		if (goto_table >= OFPROTO_N_TABLES ||
		    (goto_table >= 0 && cmd == FLOW_TEXT_ADD && goto_table <= fm->table_id)) {
			ofperr_set(oe, OFPET_BAD_INSTRUCTION, OFPBIC_BAD_TABLE_ID);
			return errmsg_set(err, -EINVAL, "goto_table:%d: bad table", goto_table);
		}
		pthread_mutex_lock(&br->mutex);
		error = check_refs(br, fm->ofpacts, fm->ofpacts_len, oe, err);
		pthread_mutex_unlock(&br->mutex);
		if (error)
			return error;
	}
	error = ofproto_flow_mod(br, cmd, strict, fm, err);
	switch (error) {
	case 0:
		break;
	case -ENOSPC:
		ofperr_set(oe, OFPET_FLOW_MOD_FAILED, OFPFMFC_TABLE_FULL);
		break;
	case -EEXIST:
		ofperr_set(oe, OFPET_FLOW_MOD_FAILED, OFPFMFC_OVERLAP);
		break;
	default:
		if (cmd != FLOW_TEXT_ADD && cmd != FLOW_TEXT_MODIFY && cmd != FLOW_TEXT_DELETE)
			ofperr_set(oe, OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_COMMAND);
		else if (ofpacts_goto_table(fm->ofpacts, fm->ofpacts_len) >= 0 &&
		         strstr(err ? err->msg : "", "goto_table"))
			ofperr_set(oe, OFPET_BAD_INSTRUCTION, OFPBIC_BAD_TABLE_ID);
		else /* ofpacts_check: a set_field whose prerequisites the match lacks */
			ofperr_set(oe, OFPET_BAD_ACTION, OFPBAC_MATCH_INCONSISTENT);
		break;
	}
	return error;
}

/* ---- tables ---- */

void ofproto_table_stats(struct ofproto *br, struct ofproto_table_stats stats[OFPROTO_N_TABLES])
{
	pthread_mutex_lock(&br->mutex);
	for (size_t t = 0; t < OFPROTO_N_TABLES; t++) {
		stats[t] = br->table_stats[t];
		stats[t].active_count = (uint32_t)classifier_count(&br->tables[t]);
	}
	pthread_mutex_unlock(&br->mutex);
}

unsigned int ofproto_flow_limit(const struct ofproto *br)
{
	return br->flow_limit;
}

/* ---- ports ---- */

void ofproto_port_desc_fill(const struct of_port *p, struct ofproto_port_desc *d)
{
	memset(d, 0, sizeof *d);
	d->port_no = p->ofport;
	if (p->dev && netdev_get_mac(p->dev, d->hw_addr))
		memset(d->hw_addr, 0, sizeof d->hw_addr);
	snprintf(d->name, sizeof d->name, "%s", p->name);
	d->config = p->config;
	if (!p->link_up)
		d->state |= OFPPS_LINK_DOWN;
	if (ofproto_port_is_live(p))
		d->state |= OFPPS_LIVE;
	d->curr_speed = d->max_speed = OFPROTO_PORT_SPEED_KBPS;
}

void ofproto_port_descs(struct ofproto *br, struct ofproto_port_desc **descs, size_t *n)
{
	struct ofproto_port_desc *v = xcalloc(br->n_ports ? br->n_ports : 1, sizeof *v);

	/* Ports change only on the control thread: no lock needed to read. */
	for (size_t i = 0; i < br->n_ports; i++)
		ofproto_port_desc_fill(br->ports[i], &v[i]);
	*descs = v;
	*n = br->n_ports;
}

/* Sends PORT_STATUS MODIFY for 'p' if what a controller sees changed. */
static void port_report(struct ofproto *br, struct of_port *p)
{
	struct ofproto_port_desc d;

	ofproto_port_desc_fill(p, &d);
	if (d.state == p->reported_state && d.config == p->config)
		return;
	p->reported_state = d.state;
	ofproto_note_port_status(br, OFPROTO_PORT_MODIFY, &d);
}

int ofproto_port_mod(struct ofproto *br, uint32_t port_no, const uint8_t hw_addr[6],
                     uint32_t config, uint32_t mask, struct ofperr *oe, struct errmsg *err)
{
	struct of_port *p = port_no <= OFPP_MAX ? ofproto_port_by_ofport(br, port_no) : NULL;
	uint8_t mac[6] = {0, 0, 0, 0, 0, 0};
	uint32_t old;

	if (!p) {
		ofperr_set(oe, OFPET_PORT_MOD_FAILED, OFPPMFC_BAD_PORT);
		return errmsg_set(err, -ENOENT, "port %u: no such port on bridge %s", port_no,
		                  br->name);
	}
	if (p->dev && netdev_get_mac(p->dev, mac))
		memset(mac, 0, sizeof mac);
	if (memcmp(mac, hw_addr, sizeof mac)) {
		ofperr_set(oe, OFPET_PORT_MOD_FAILED, OFPPMFC_BAD_HW_ADDR);
		return errmsg_set(err, -EINVAL, "port %u: hardware address does not match",
		                  port_no);
	}
	if (mask & ~OFPPC_SUPPORTED) {
		ofperr_set(oe, OFPET_PORT_MOD_FAILED, OFPPMFC_BAD_CONFIG);
		return errmsg_set(err, -EINVAL, "port %u: unsupported config bits %#x", port_no,
		                  mask & ~OFPPC_SUPPORTED);
	}
	old = p->config;
	config = (old & ~mask) | (config & mask);
	if ((old ^ config) & OFPPC_PORT_DOWN && p->dev) {
		int error = netdev_set_admin_up(p->dev, !(config & OFPPC_PORT_DOWN));

		if (error) {
			ofperr_set(oe, OFPET_PORT_MOD_FAILED, OFPPMFC_EPERM);
			return errmsg_set(err, error, "port %s: cannot bring it %s: %s", p->name,
			                  config & OFPPC_PORT_DOWN ? "down" : "up",
			                  strerror(-error));
		}
	}
	pthread_mutex_lock(&br->mutex);
	p->config = config;
	if (p->dev)
		p->link_up = netdev_get_link(p->dev) == NETDEV_LINK_UP;
	pthread_mutex_unlock(&br->mutex);
	if (old != config) {
		port_report(br, p);
		ofproto_changed(br);
	}
	ofswitch_events_flush(br->sw);
	return 0;
}

void ofswitch_poll_ports(struct ofswitch *sw)
{
	sw->last_link_poll_ms = time_msec();
	for (size_t b = 0; b < sw->n_bridges; b++) {
		struct ofproto *br = sw->bridges[b];
		bool changed = false;

		for (size_t i = 0; i < br->n_ports; i++) {
			struct of_port *p = br->ports[i];
			bool up;

			if (!p->dev)
				continue;
			up = netdev_get_link(p->dev) == NETDEV_LINK_UP;
			if (up == p->link_up)
				continue;
			pthread_mutex_lock(&br->mutex);
			p->link_up = up;
			pthread_mutex_unlock(&br->mutex);
			VLOG_DBG("port %s: link %s", p->name, up ? "up" : "down");
			port_report(br, p);
			changed = true;
		}
		/* Fast-failover choices depend on liveness. */
		if (changed && br->n_groups)
			ofproto_changed(br);
	}
}

/* ---- controller-facing settings ---- */

static void fail_mode_update(struct ofproto *br)
{
	bool open = br->has_controllers && !br->controller_connected &&
	            br->fail_mode == OFPROTO_FAIL_STANDALONE;

	if (open == br->fail_open)
		return;
	pthread_mutex_lock(&br->mutex);
	br->fail_open = open;
	pthread_mutex_unlock(&br->mutex);
	VLOG_INFO("bridge %s: %s", br->name,
	          open ? "no controller connected: forwarding by NORMAL (fail open)"
	               : "using the flow tables");
	ofproto_changed(br);
}

void ofproto_set_fail_mode(struct ofproto *br, enum ofproto_fail_mode mode)
{
	br->fail_mode = mode;
	fail_mode_update(br);
}

void ofproto_set_controller_state(struct ofproto *br, bool has_controllers, bool connected)
{
	br->has_controllers = has_controllers;
	br->controller_connected = connected;
	fail_mode_update(br);
}

void ofproto_set_datapath_id(struct ofproto *br, uint64_t dpid)
{
	br->dpid = dpid;
}

uint64_t ofproto_datapath_id(const struct ofproto *br)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a 64 */

	if (br->dpid)
		return br->dpid;
	/* Derived from the name: stable across restarts, 48 bits like a MAC. */
	for (const char *c = br->name; *c; c++) {
		h ^= (uint8_t)*c;
		h *= 0x100000001b3ull;
	}
	h &= 0xffffffffffffull;
	return h ? h : 1;
}

/* ---- PACKET_OUT ---- */

/* Checks output ports and groups of a PACKET_OUT's actions. */
static int packet_out_check(const struct ofproto *br, const struct ofpact *list, size_t len,
                            struct ofperr *oe, struct errmsg *err)
{
	const struct ofpact *a;

	OFPACT_FOR_EACH(a, list, len)
	{
		if (ofpact_is_instruction((enum ofpact_type)a->type)) {
			ofperr_set(oe, OFPET_BAD_ACTION, OFPBAC_BAD_TYPE);
			return errmsg_set(err, -EINVAL, "packet-out: %s is not an action",
			                  ofpact_type_name((enum ofpact_type)a->type));
		}
		if (a->type == OFPACT_OUTPUT) {
			uint32_t port = ((const struct ofpact_output *)(const void *)a)->port;

			if (port <= OFPP_MAX && !ofproto_port_by_ofport(br, port)) {
				ofperr_set(oe, OFPET_BAD_ACTION, OFPBAC_BAD_OUT_PORT);
				return errmsg_set(err, -EINVAL, "packet-out: no port %u", port);
			}
		} else if (a->type == OFPACT_GROUP) {
			uint32_t id = ((const struct ofpact_group *)(const void *)a)->group_id;

			if (!ofproto_group_find(br, id)) {
				ofperr_set(oe, OFPET_BAD_ACTION, OFPBAC_BAD_OUT_GROUP);
				return errmsg_set(err, -EINVAL, "packet-out: no group %u", id);
			}
		}
	}
	return 0;
}

int ofproto_packet_out(struct ofproto *br, uint32_t in_port, const uint8_t *packet, size_t len,
                       const struct ofpact *actions, size_t actions_len, struct ofperr *oe,
                       struct errmsg *err)
{
	struct pkt pkt = {.data = (uint8_t *)(uintptr_t)packet, .len = (uint32_t)len};
	const struct of_port *in = NULL;
	uint32_t dp_in = DPIF_PORT_NONE;
	struct dp_actions acts;
	struct xlate_out xo;
	struct flow_wc wc;
	struct flow flow;
	bool mac_changed;
	int error;

	if (!len || len > PKT_MAX_LEN) {
		ofperr_set(oe, OFPET_BAD_REQUEST, OFPBRC_BAD_PACKET);
		return errmsg_set(err, -EINVAL, "packet-out: packet of %zu bytes (1..%u)", len,
		                  PKT_MAX_LEN);
	}
	if (in_port <= OFPP_MAX) {
		in = ofproto_port_by_ofport(br, in_port);
		if (!in) {
			ofperr_set(oe, OFPET_BAD_REQUEST, OFPBRC_BAD_PORT);
			return errmsg_set(err, -EINVAL, "packet-out: no in_port %u", in_port);
		}
		dp_in = in->dp_port;
	} else if (in_port != OFPP_CONTROLLER && in_port != OFPP_ANY && in_port != OFPP_LOCAL) {
		ofperr_set(oe, OFPET_BAD_REQUEST, OFPBRC_BAD_PORT);
		return errmsg_set(err, -EINVAL, "packet-out: bad in_port %#x", in_port);
	}

	flow_extract(&pkt, in_port, &flow);
	dp_actions_init(&acts);
	memset(&wc, 0, sizeof wc);
	xlate_out_init(&xo, &acts, &wc);
	pthread_mutex_lock(&br->mutex);
	error = packet_out_check(br, actions, actions_len, oe, err);
	if (!error)
		xlate_packet_out(br, &flow, actions, actions_len, XLATE_LEARN, &xo);
	pthread_mutex_unlock(&br->mutex);
	mac_changed = xo.mac_changed;
	xlate_out_uninit(&xo);
	if (error)
		goto out;
	if (mac_changed)
		ofproto_request_revalidation(br);
	if (acts.size) {
		error = dpif_execute(br->sw->dpif, dp_in, &pkt, &acts);
		if (error) {
			ofperr_set(oe, OFPET_BAD_REQUEST, OFPBRC_EPERM);
			errmsg_set(err, error, "packet-out: the datapath is busy: %s",
			           strerror(-error));
		}
	}
out:
	dp_actions_uninit(&acts);
	return error;
}
