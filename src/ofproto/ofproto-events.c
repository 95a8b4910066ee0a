/* ofproto-events.c - events for the OpenFlow agent: the controller-action
 * descriptors behind PACKET_IN cookies, delivery of PACKET_INs from the
 * datapath's userspace queue, and the FLOW_REMOVED / PORT_STATUS events
 * queued by the control-thread code that caused them.
 *
 * PACKET_IN path: translation turns output:CONTROLLER into a datapath
 * userspace action whose cookie is index + 1 of an interned descriptor
 * (bridge, in_port, reason, table, rule cookie, max_len, metadata and
 * registers: all constant for a megaflow, since metadata and registers
 * start at zero and change only by constants).  The datapath copies the
 * packet and its flow into a bounded queue (dpif_userspace_*());
 * ofswitch_events_run() takes them on the control thread, looks the
 * descriptor up and calls the packet_in callback.  The descriptor table
 * only grows (OFPROTO_CTL_MAX entries; beyond that the controller action
 * gets cookie 0 and its packets are dropped). */
#include "ofproto/ofproto-private.h"

#include <stdlib.h>
#include <string.h>

#include "lib/hash.h"
#include "lib/vlog.h"

#define VLOG_MODULE "ofproto_events"

#define EVENTS_RUN_MAX 2048 /* packet-ins per ofswitch_events_run() */
#define LINK_POLL_MS   200  /* ofswitch_events_run() polls links at most this often */

void ofswitch_events_init(struct ofswitch *sw)
{
	pthread_mutex_init(&sw->ctl_mutex, NULL);
}

void ofswitch_events_destroy(struct ofswitch *sw)
{
	pthread_mutex_destroy(&sw->ctl_mutex);
	free(sw->ctl_descs);
	free(sw->ctl_index);
	free(sw->pending);
	free(sw->dp_meter_ids);
}

/* ---- controller-action descriptors ---- */

static uint32_t ctl_hash(const struct ofproto_ctl_desc *d)
{
	return hash_bytes(d, sizeof *d, 0x50b1);
}

/* Rebuilds the index at twice the size (ctl_mutex held). */
static void ctl_index_grow(struct ofswitch *sw)
{
	size_t size = sw->ctl_index_size ? 2 * sw->ctl_index_size : 256;
	uint32_t *idx = xcalloc(size, sizeof *idx);

	for (size_t i = 0; i < sw->n_ctl_descs; i++) {
		size_t h = ctl_hash(&sw->ctl_descs[i]) & (size - 1);

		while (idx[h])
			h = (h + 1) & (size - 1);
		idx[h] = (uint32_t)i + 1;
	}
	free(sw->ctl_index);
	sw->ctl_index = idx;
	sw->ctl_index_size = size;
}

uint64_t ofswitch_ctl_intern(struct ofswitch *sw, const struct ofproto_ctl_desc *d)
{
	uint64_t cookie = 0;
	size_t h;

	pthread_mutex_lock(&sw->ctl_mutex);
	if (2 * (sw->n_ctl_descs + 1) > sw->ctl_index_size)
		ctl_index_grow(sw);
	h = ctl_hash(d) & (sw->ctl_index_size - 1);
	while (sw->ctl_index[h]) {
		uint32_t i = sw->ctl_index[h] - 1;

		if (!memcmp(&sw->ctl_descs[i], d, sizeof *d)) {
			cookie = (uint64_t)i + 1;
			goto out;
		}
		h = (h + 1) & (sw->ctl_index_size - 1);
	}
	if (sw->n_ctl_descs >= OFPROTO_CTL_MAX)
		goto out;
	if (sw->n_ctl_descs == sw->alloc_ctl_descs) {
		sw->alloc_ctl_descs = sw->alloc_ctl_descs ? 2 * sw->alloc_ctl_descs : 64;
		sw->ctl_descs =
		        xrealloc(sw->ctl_descs, sw->alloc_ctl_descs * sizeof *sw->ctl_descs);
	}
	sw->ctl_descs[sw->n_ctl_descs] = *d;
	sw->ctl_index[h] = (uint32_t)++sw->n_ctl_descs;
	cookie = sw->n_ctl_descs;
out:
	pthread_mutex_unlock(&sw->ctl_mutex);
	return cookie;
}

bool ofswitch_ctl_lookup(struct ofswitch *sw, uint64_t cookie, struct ofproto_ctl_desc *d)
{
	bool ok;

	pthread_mutex_lock(&sw->ctl_mutex);
	ok = cookie >= 1 && cookie <= sw->n_ctl_descs;
	if (ok)
		*d = sw->ctl_descs[cookie - 1];
	pthread_mutex_unlock(&sw->ctl_mutex);
	return ok;
}

/* ---- registration ---- */

void ofswitch_set_event_ops(struct ofswitch *sw, const struct ofproto_event_ops *ops, void *aux)
{
	if (ops) {
		sw->event_ops = *ops;
		sw->event_aux = aux;
		sw->has_event_ops = true;
	} else {
		memset(&sw->event_ops, 0, sizeof sw->event_ops);
		sw->event_aux = NULL;
		sw->has_event_ops = false;
	}
	/* Without a packet_in callback the datapath only counts. */
	dpif_userspace_enable(sw->dpif, sw->has_event_ops && sw->event_ops.packet_in);
}

int ofswitch_events_fd(const struct ofswitch *sw)
{
	return dpif_userspace_fd(sw->dpif);
}

/* ---- FLOW_REMOVED and PORT_STATUS ---- */

static struct ofproto_pending_event *pending_new(struct ofswitch *sw, struct ofproto *br)
{
	struct ofproto_pending_event *e;

	if (sw->n_pending == sw->alloc_pending) {
		sw->alloc_pending = sw->alloc_pending ? 2 * sw->alloc_pending : 16;
		sw->pending = xrealloc(sw->pending, sw->alloc_pending * sizeof *sw->pending);
	}
	e = &sw->pending[sw->n_pending++];
	memset(e, 0, sizeof *e);
	e->br = br;
	return e;
}

void ofproto_note_flow_removed(struct ofproto *br, const struct rule *r, uint8_t reason)
{
	struct ofswitch *sw = br->sw;
	struct ofproto_pending_event *e;
	uint64_t now, age;

	if (!(r->flags & OFPFF_SEND_FLOW_REM) || !sw->has_event_ops || !sw->event_ops.flow_removed)
		return;
	now = time_msec();
	age = now > r->created_ms ? now - r->created_ms : 0;
	e = pending_new(sw, br);
	e->fr.reason = reason;
	e->fr.table_id = r->table_id;
	e->fr.priority = r->priority;
	e->fr.cookie = r->cookie;
	e->fr.idle_timeout = r->idle_timeout;
	e->fr.hard_timeout = r->hard_timeout;
	e->fr.duration_sec = (uint32_t)(age / 1000u);
	e->fr.duration_nsec = (uint32_t)(age % 1000u) * 1000000u;
	e->fr.packets = r->flags & OFPFF_NO_PKT_COUNTS ? UINT64_MAX : r->packets;
	e->fr.bytes = r->flags & OFPFF_NO_BYT_COUNTS ? UINT64_MAX : r->bytes;
	e->fr.match = r->match;
}

void ofproto_note_port_status(struct ofproto *br, enum ofproto_port_reason reason,
                              const struct ofproto_port_desc *desc)
{
	struct ofswitch *sw = br->sw;
	struct ofproto_pending_event *e;

	if (!sw->has_event_ops || !sw->event_ops.port_status)
		return;
	e = pending_new(sw, br);
	e->is_port = true;
	e->port_reason = reason;
	e->port = *desc;
}

void ofswitch_events_flush(struct ofswitch *sw)
{
	/* A callback may cause new events (a FLOW_MOD from the callback):
	 * take the batch first. */
	while (sw->n_pending) {
		struct ofproto_pending_event *v = sw->pending;
		size_t n = sw->n_pending;

		sw->pending = NULL;
		sw->n_pending = sw->alloc_pending = 0;
		for (size_t i = 0; i < n; i++) {
			const struct ofproto_pending_event *e = &v[i];

			if (!sw->has_event_ops)
				break;
			if (e->is_port && sw->event_ops.port_status)
				sw->event_ops.port_status(sw->event_aux, e->br, e->port_reason,
				                          &e->port);
			else if (!e->is_port && sw->event_ops.flow_removed)
				sw->event_ops.flow_removed(sw->event_aux, e->br, &e->fr);
		}
		free(v);
	}
}

void ofswitch_events_forget(struct ofswitch *sw, struct ofproto *br)
{
	size_t k = 0;

	for (size_t i = 0; i < sw->n_pending; i++)
		if (sw->pending[i].br != br)
			sw->pending[k++] = sw->pending[i];
	sw->n_pending = k;
}

/* ---- PACKET_IN ---- */

static struct ofproto *bridge_by_id(const struct ofswitch *sw, uint32_t id)
{
	for (size_t i = 0; i < sw->n_bridges; i++)
		if (sw->bridges[i]->id == id)
			return sw->bridges[i];
	return NULL;
}

static void deliver_packet_in(struct ofswitch *sw, const struct dpif_userspace_packet *u)
{
	struct ofproto_packet_in pin;
	struct ofproto_ctl_desc d;
	struct ofproto *br;

	if (!ofswitch_ctl_lookup(sw, u->cookie, &d)) {
		VLOG_DBG("userspace packet with unknown cookie %#llx dropped",
		         (unsigned long long)u->cookie);
		return;
	}
	br = bridge_by_id(sw, d.bridge_id);
	if (!br)
		return; /* bridge deleted meanwhile */
	memset(&pin, 0, sizeof pin);
	pin.reason = (enum ofproto_packet_in_reason)d.reason;
	pin.table_id = d.table_id;
	pin.cookie = d.cookie;
	pin.max_len = d.max_len;
	/* Tunnel fields from the packet as received; the rest of the
	 * pipeline's metadata from the descriptor. */
	pin.flow = u->flow;
	pin.flow.in_port = d.in_port;
	pin.flow.metadata = d.metadata;
	memcpy(pin.flow.regs, d.regs, sizeof pin.flow.regs);
	pin.packet = u->data;
	pin.packet_len = u->len;
	sw->event_ops.packet_in(sw->event_aux, br, &pin);
}

void ofswitch_events_run(struct ofswitch *sw)
{
	struct dpif_userspace_packet *pkts[64];
	size_t total = 0, n;
	uint64_t now = time_msec();

	do {
		n = dpif_userspace_recv(sw->dpif, pkts, ARRAY_SIZE(pkts));
		for (size_t i = 0; i < n; i++) {
			if (sw->has_event_ops && sw->event_ops.packet_in)
				deliver_packet_in(sw, pkts[i]);
			free(pkts[i]);
		}
		total += n;
	} while (n == ARRAY_SIZE(pkts) && total < EVENTS_RUN_MAX);

	if (now - sw->last_link_poll_ms >= LINK_POLL_MS)
		ofswitch_poll_ports(sw);
	ofswitch_events_flush(sw);
}
