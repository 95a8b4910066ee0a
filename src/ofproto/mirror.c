/* mirror.c - a bridge's VLAN settings and mirrors, kept by port name and
 * resolved onto the attached ports; the translation hooks that emit mirror
 * copies; counters credited from megaflow statistics (see mirror.h). */
#include "ofproto/mirror.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofproto/ofproto-private.h"
#include "ofproto/xlate.h"

struct l2_port_setting {
	char name[16];
	struct vlan_port_cfg cfg;
};

struct l2_mirror {
	struct mirror_cfg cfg;
	uint64_t packets, bytes;
};

struct ofproto_l2 {
	struct l2_port_setting *ports;
	size_t n_ports;
	struct l2_mirror *mirrors[MIRROR_MAX]; /* slots; NULL = free */
};

static struct ofproto_l2 *l2_get(struct ofproto *br)
{
	if (!br->l2)
		br->l2 = xzalloc(sizeof *br->l2);
	return br->l2;
}

static bool names_have(char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

/* br->mutex held (or 'p' not yet visible). */
static void l2_resolve_port(const struct ofproto_l2 *l2, struct of_port *p)
{
	vlan_port_cfg_init(&p->vlan);
	p->mirror_src = p->mirror_dst = p->mirror_out = 0;
	if (!l2)
		return;
	for (size_t i = 0; i < l2->n_ports; i++)
		if (!strcmp(l2->ports[i].name, p->name))
			p->vlan = l2->ports[i].cfg;
	for (unsigned i = 0; i < MIRROR_MAX; i++) {
		const struct l2_mirror *m = l2->mirrors[i];

		if (!m)
			continue;
		if (names_have(m->cfg.src, m->cfg.n_src, p->name))
			p->mirror_src |= 1u << i;
		if (names_have(m->cfg.dst, m->cfg.n_dst, p->name))
			p->mirror_dst |= 1u << i;
		if (m->cfg.output_port && !strcmp(m->cfg.output_port, p->name))
			p->mirror_out |= 1u << i;
	}
}

void ofproto_l2_port_attached(struct ofproto *br, struct of_port *p)
{
	l2_resolve_port(br->l2, p);
}

/* Re-resolves every port, forgetting what the ports whose role or VLAN
 * changed had learned (br->mutex held). */
static void l2_resolve_all(struct ofproto *br)
{
	for (size_t i = 0; i < br->n_ports; i++) {
		struct of_port *p = br->ports[i];
		struct vlan_port_cfg old = p->vlan;
		uint32_t old_out = p->mirror_out;

		l2_resolve_port(br->l2, p);
		if (!vlan_port_cfg_equal(&old, &p->vlan) || (p->mirror_out && !old_out))
			mac_table_flush_port(br->macs, p->dp_port);
	}
}

void ofproto_l2_destroy(struct ofproto *br)
{
	struct ofproto_l2 *l2 = br->l2;

	if (!l2)
		return;
	for (unsigned i = 0; i < MIRROR_MAX; i++) {
		if (l2->mirrors[i]) {
			mirror_cfg_uninit(&l2->mirrors[i]->cfg);
			free(l2->mirrors[i]);
		}
	}
	free(l2->ports);
	free(l2);
	br->l2 = NULL;
}

void ofproto_port_set_vlan(struct ofproto *br, const char *port, const struct vlan_port_cfg *cfg)
{
	struct ofproto_l2 *l2;
	size_t i;

	pthread_mutex_lock(&br->mutex);
	l2 = l2_get(br);
	for (i = 0; i < l2->n_ports; i++)
		if (!strcmp(l2->ports[i].name, port))
			break;
	if (cfg && !vlan_port_cfg_is_default(cfg)) {
		if (i == l2->n_ports) {
			l2->ports = xrealloc(l2->ports, (l2->n_ports + 1) * sizeof *l2->ports);
			memset(&l2->ports[i], 0, sizeof l2->ports[i]);
			snprintf(l2->ports[i].name, sizeof l2->ports[i].name, "%s", port);
			l2->n_ports++;
		}
		l2->ports[i].cfg = *cfg;
	} else if (i < l2->n_ports) {
		l2->ports[i] = l2->ports[--l2->n_ports];
	}
	l2_resolve_all(br);
	pthread_mutex_unlock(&br->mutex);
	ofproto_revalidate(br);
}

static int l2_mirror_find(const struct ofproto_l2 *l2, const char *name)
{
	for (int i = 0; l2 && i < MIRROR_MAX; i++)
		if (l2->mirrors[i] && !strcmp(l2->mirrors[i]->cfg.name, name))
			return i;
	return -1;
}

int ofproto_mirror_set(struct ofproto *br, const struct mirror_cfg *m, struct errmsg *err)
{
	struct ofproto_l2 *l2;
	int slot;

	/* Counters up to now belong to the old configuration. */
	ofswitch_push_stats(br->sw);
	pthread_mutex_lock(&br->mutex);
	l2 = l2_get(br);
	slot = l2_mirror_find(l2, m->name);
	if (slot >= 0) {
		mirror_cfg_uninit(&l2->mirrors[slot]->cfg);
	} else {
		for (slot = 0; slot < MIRROR_MAX && l2->mirrors[slot]; slot++)
			continue;
		if (slot == MIRROR_MAX) {
			pthread_mutex_unlock(&br->mutex);
			return errmsg_set(err, -ENOSPC, "bridge %s already has %d mirrors",
			                  br->name, MIRROR_MAX);
		}
		l2->mirrors[slot] = xzalloc(sizeof *l2->mirrors[slot]);
	}
	mirror_cfg_clone(&l2->mirrors[slot]->cfg, m);
	l2_resolve_all(br);
	pthread_mutex_unlock(&br->mutex);
	ofproto_revalidate(br);
	return 0;
}

int ofproto_mirror_del(struct ofproto *br, const char *name)
{
	struct ofproto_l2 *l2;
	int slot;

	ofswitch_push_stats(br->sw);
	pthread_mutex_lock(&br->mutex);
	l2 = br->l2;
	slot = l2_mirror_find(l2, name);
	if (slot < 0) {
		pthread_mutex_unlock(&br->mutex);
		return -ENOENT;
	}
	/* Megaflows still naming the slot credit nothing until revalidation
	 * below replaces their caches: the slot stays free until then. */
	mirror_cfg_uninit(&l2->mirrors[slot]->cfg);
	free(l2->mirrors[slot]);
	l2->mirrors[slot] = NULL;
	l2_resolve_all(br);
	pthread_mutex_unlock(&br->mutex);
	ofproto_revalidate(br);
	return 0;
}

void ofproto_l2_push_stats(struct ofproto *br)
{
	ofswitch_push_stats(br->sw);
}

int ofproto_mirror_stats(struct ofproto *br, const char *name, uint64_t *packets, uint64_t *bytes)
{
	int slot, error = 0;

	pthread_mutex_lock(&br->mutex);
	slot = l2_mirror_find(br->l2, name);
	if (slot < 0) {
		error = -ENOENT;
		*packets = *bytes = 0;
	} else {
		*packets = br->l2->mirrors[slot]->packets;
		*bytes = br->l2->mirrors[slot]->bytes;
	}
	pthread_mutex_unlock(&br->mutex);
	return error;
}

uint64_t ofproto_port_vlan_drops(struct ofproto *br, const char *port)
{
	uint64_t n = 0;

	pthread_mutex_lock(&br->mutex);
	for (size_t i = 0; i < br->n_ports; i++)
		if (!strcmp(br->ports[i]->name, port))
			n = br->ports[i]->vlan_drops;
	pthread_mutex_unlock(&br->mutex);
	return n;
}

static void l2_credit(struct ofproto *br, const struct xcache *xc, uint64_t packets, uint64_t bytes)
{
	if (xc->l2.vlan_drop_port) {
		struct of_port *p = ofproto_port_by_ofport(br, xc->l2.vlan_drop_port);

		if (p)
			p->vlan_drops += packets;
	}
	for (unsigned i = 0; xc->l2.mirrors && br->l2 && i < MIRROR_MAX; i++) {
		struct l2_mirror *m = br->l2->mirrors[i];

		if (m && (xc->l2.mirrors >> i) & 1) {
			m->packets += packets;
			m->bytes += bytes;
		}
	}
}

void ofproto_l2_credit(struct ofproto *br, struct xcache *xc, uint64_t packets, uint64_t bytes)
{
	if (!xc || !packets || (!xc->l2.mirrors && !xc->l2.vlan_drop_port))
		return;
	if (xc->l2.skip_packets) {
		uint64_t sp = PB_MIN(packets, xc->l2.skip_packets);
		uint64_t sb = PB_MIN(bytes, xc->l2.skip_bytes);

		packets -= sp;
		bytes -= sb;
		xc->l2.skip_packets -= (uint32_t)sp;
		xc->l2.skip_bytes -= (uint32_t)sb;
	}
	if (packets)
		l2_credit(br, xc, packets, bytes);
}

void ofproto_l2_credit_upcall(struct ofproto *br, struct xcache *xc, uint32_t len)
{
	if (!xc || (!xc->l2.mirrors && !xc->l2.vlan_drop_port))
		return;
	l2_credit(br, xc, 1, len);
	xc->l2.skip_packets = 1;
	xc->l2.skip_bytes = len;
}

/* ---- translation ---- */

static void mirror_trace(struct xlate_ctx *ctx, const struct l2_mirror *m, const char *what)
{
	if (ctx->trace)
		strbuf_printf(ctx->trace, "        mirror %s: %s\n", m->cfg.name, what);
}

/* True if output 'key' was already made for a mirror of this packet;
 * records it otherwise. */
static bool mirror_sent(struct mirror_xstate *mx, uint32_t key)
{
	for (uint32_t i = 0; i < mx->n_sent; i++)
		if (mx->sent[i] == key)
			return true;
	if (mx->n_sent < ARRAY_SIZE(mx->sent))
		mx->sent[mx->n_sent++] = key;
	return false;
}

static void mirror_emit_span(struct xlate_ctx *ctx, const struct l2_mirror *m, unsigned slot)
{
	const struct ofproto *br = ctx->br;

	for (size_t i = 0; i < br->n_ports; i++) {
		const struct of_port *q = br->ports[i];

		if (!((q->mirror_out >> slot) & 1))
			continue;
		if (q == ctx->in) {
			mirror_trace(ctx, m, "output port is the ingress port: skipped");
			return;
		}
		ctx->xo->l2.mirrors |= 1u << slot;
		if (mirror_sent(&ctx->mirror, q->dp_port)) {
			mirror_trace(ctx, m, "copy already sent to its output port");
			return;
		}
		dp_actions_put_output(ctx->xo->actions, q->dp_port);
		if (ctx->trace)
			strbuf_printf(ctx->trace, "        mirror %s: copy to port %s\n",
			              m->cfg.name, q->name);
		return;
	}
	mirror_trace(ctx, m, "output port is not attached: no copy");
}

static void mirror_emit_rspan(struct xlate_ctx *ctx, const struct l2_mirror *m, unsigned slot)
{
	const struct ofproto *br = ctx->br;
	uint16_t vlan = (uint16_t)m->cfg.output_vlan;

	ctx->xo->l2.mirrors |= 1u << slot;
	if (mirror_sent(&ctx->mirror, 1u << 31 | vlan)) {
		mirror_trace(ctx, m, "copy already flooded on its VLAN");
		return;
	}
	for (size_t i = 0; i < br->n_ports; i++) {
		const struct of_port *q = br->ports[i];
		enum vlan_out how = vlan_egress(&q->vlan, vlan);

		if (q == ctx->in || q->mirror_out || how == VLAN_OUT_NONE)
			continue;
		vlan_emit_to(xlate_vlan_emitter(ctx), ctx->xo->actions, how, vlan);
		xlate_vlan_consult(ctx);
		dp_actions_put_output(ctx->xo->actions, q->dp_port);
		if (ctx->trace)
			strbuf_printf(ctx->trace, "        mirror %s: copy on VLAN %u to port %s\n",
			              m->cfg.name, vlan, q->name);
	}
}

static void mirror_emit(struct xlate_ctx *ctx, unsigned slot)
{
	const struct l2_mirror *m = ctx->br->l2->mirrors[slot];

	ctx->mirror.done |= 1u << slot;
	if (m->cfg.has_vlans && !vlan_bitmap_test(&m->cfg.vlans, ctx->mirror.vlan))
		return;
	if (m->cfg.output_port)
		mirror_emit_span(ctx, m, slot);
	else
		mirror_emit_rspan(ctx, m, slot);
}

void mirror_xlate_begin(struct xlate_ctx *ctx)
{
	const struct ofproto_l2 *l2 = ctx->br->l2;
	const struct of_port *in = ctx->in;
	struct vlan_in vin;
	struct flow b;
	unsigned i;

	memset(&ctx->mirror, 0, sizeof ctx->mirror);
	for (i = 0; l2 && i < MIRROR_MAX && !l2->mirrors[i]; i++)
		continue;
	if (!l2 || i == MIRROR_MAX || !in || in->mirror_out)
		return;
	/* Whether and how the packet is mirrored depends on its VLAN. */
	memset(&b, 0, sizeof b);
	b.vlan_tci = VLAN_CFI | VLAN_VID_BITS;
	xlate_consult(ctx, &b);
	vlan_ingress(&in->vlan, ctx->flow.vlan_tci, &vin);
	if (vin.drop)
		return;
	ctx->mirror.on = true;
	ctx->mirror.vlan = vin.vlan;
	for (i = 0; i < MIRROR_MAX; i++) {
		const struct l2_mirror *m = l2->mirrors[i];

		if (m && (m->cfg.select_all || ((in->mirror_src >> i) & 1)))
			mirror_emit(ctx, i);
	}
}

void mirror_xlate_output(struct xlate_ctx *ctx, const struct of_port *p)
{
	uint32_t sel;

	if (!ctx->mirror.on)
		return;
	sel = p->mirror_dst & ~ctx->mirror.done;
	for (unsigned i = 0; sel && i < MIRROR_MAX; i++) {
		if ((sel >> i) & 1 && ctx->br->l2->mirrors[i]) {
			sel &= ~(1u << i);
			mirror_emit(ctx, i);
		}
	}
}
