/* normal.c - the NORMAL action inside translation: a MAC learning switch
 * with VLANs (vlan.h).  The ingress port's settings give the frame its VLAN
 * or drop it (counted); the source is learned per (VLAN, MAC); known
 * unicast goes to its port, the rest floods to the other ports carrying
 * the VLAN, each output in the tag shape its port wants; mirror output
 * ports neither receive nor send normal traffic.  Also the emitter that
 * keeps the datapath packet's tags in step with the flow (xlate.h). */
#include "ofproto/xlate.h"

#include <stdio.h>
#include <string.h>

#include "lib/eth.h"
#include "openflow/ofp-text.h"

/* ---- the tag emitter ---- */

struct vlan_emit *xlate_vlan_emitter(struct xlate_ctx *ctx)
{
	if (!ctx->vlan_dp_active) {
		struct vlan_port_cfg def;
		const struct vlan_port_cfg *cfg = ctx->in ? &ctx->in->vlan : NULL;
		struct vlan_in in;

		if (!cfg) {
			vlan_port_cfg_init(&def);
			cfg = &def;
		}
		vlan_ingress(cfg, ctx->flow.vlan_tci, &in);
		vlan_emit_init(&ctx->vlan_dp, ctx->flow.vlan_tci, ctx->flow.vlan_tpid, &in);
		ctx->vlan_dp_active = true;
	}
	return &ctx->vlan_dp;
}

void xlate_vlan_consult(struct xlate_ctx *ctx)
{
	struct vlan_emit *e = &ctx->vlan_dp;
	struct flow b;

	if (!e->used_tci && !e->used_tpid)
		return;
	memset(&b, 0, sizeof b);
	b.vlan_tci = e->used_tci;
	b.vlan_tpid = e->used_tpid;
	xlate_consult(ctx, &b);
	e->used_tci = e->used_tpid = 0;
}

void xlate_vlan_commit(struct xlate_ctx *ctx)
{
	if (!ctx->vlan_dp_active)
		return;
	vlan_emit_restore(&ctx->vlan_dp, ctx->xo->actions);
	xlate_vlan_consult(ctx);
	ctx->vlan_dp_active = false;
}

/* ---- NORMAL ---- */

static void normal_trace(struct xlate_ctx *ctx, const char *what, const uint8_t mac[6],
                         uint16_t vlan)
{
	char m[18];

	if (!ctx->trace)
		return;
	eth_addr_format(mac, m);
	strbuf_printf(ctx->trace, "        NORMAL: %s %s (vlan %u)\n", what, m, vlan);
}

/* Learns dl_src on the ingress port as 'ctx->learn' allows. */
static void normal_learn(struct xlate_ctx *ctx, uint16_t vlan)
{
	struct ofproto *br = ctx->br;
	const uint8_t *src = ctx->flow.dl_src;
	enum mac_learn_result r;

	if (!ctx->in || eth_addr_is_multicast(src) || eth_addr_is_zero(src))
		return;
	if (ctx->learn == XLATE_LEARN_NONE) {
		if (mac_table_lookup(br->macs, vlan, src) == MAC_TABLE_PORT_NONE)
			ctx->xo->would_learn = true;
		return;
	}
	if (ctx->learn == XLATE_LEARN_REFRESH) {
		uint32_t cur = mac_table_lookup(br->macs, vlan, src);

		if (cur != MAC_TABLE_PORT_NONE && cur != ctx->in->dp_port)
			return; /* moved since: the upcall of its new port decides */
	}
	r = mac_table_learn(br->macs, vlan, src, ctx->in->dp_port, ofproto_now_ms());
	if (r != MAC_LEARN_REFRESHED)
		ctx->xo->mac_changed = true;
}

/* Outputs to 'p' in the shape 'how' for 'vlan'. */
static void normal_output(struct xlate_ctx *ctx, const struct of_port *p, enum vlan_out how,
                          uint16_t vlan)
{
	vlan_emit_to(xlate_vlan_emitter(ctx), ctx->xo->actions, how, vlan);
	xlate_vlan_consult(ctx);
	xlate_output_port(ctx, p, false);
}

/* True if output in shape 'how' needs no tag change from the flow's. */
static bool normal_shape_is_flows(const struct vlan_emit *e, enum vlan_out how, uint16_t vlan)
{
	switch (how) {
	case VLAN_OUT_ASIS:
		return true;
	case VLAN_OUT_UNTAGGED:
		return !e->svc_tagged;
	case VLAN_OUT_TAGGED:
		return e->svc_tagged && (e->flow_tci & VLAN_VID_BITS) == vlan;
	case VLAN_OUT_NONE:
	default:
		return false;
	}
}

/* Floods 'vlan' to every other port carrying it: the outputs that need a
 * tag change first, grouped by shape, then those that send the packet as
 * the flow has it, so that the datapath packet usually ends as it began. */
static void normal_flood(struct xlate_ctx *ctx, uint16_t vlan)
{
	static const enum vlan_out order[] = {VLAN_OUT_TAGGED, VLAN_OUT_UNTAGGED, VLAN_OUT_ASIS};
	struct ofproto *br = ctx->br;
	const struct vlan_emit *e = xlate_vlan_emitter(ctx);

	for (int pass = 0; pass < 2; pass++) {
		for (size_t k = 0; k < ARRAY_SIZE(order); k++) {
			if (normal_shape_is_flows(e, order[k], vlan) != (pass == 1))
				continue;
			for (size_t i = 0; i < br->n_ports; i++) {
				const struct of_port *p = br->ports[i];

				if (p == ctx->in || p->mirror_out ||
				    vlan_egress(&p->vlan, vlan) != order[k])
					continue;
				normal_output(ctx, p, order[k], vlan);
			}
		}
	}
}

void xlate_normal(struct xlate_ctx *ctx)
{
	struct ofproto *br = ctx->br;
	const struct flow *f = &ctx->flow;
	struct vlan_port_cfg def;
	const struct vlan_port_cfg *cfg;
	struct vlan_in in;
	struct flow b;
	uint16_t vlan;

	memset(&b, 0, sizeof b);
	memset(b.dl_src, 0xff, sizeof b.dl_src);
	memset(b.dl_dst, 0xff, sizeof b.dl_dst);
	b.vlan_tci = VLAN_CFI | VLAN_VID_BITS;
	xlate_consult(ctx, &b);

	if (ctx->in && ctx->in->mirror_out) {
		normal_trace(ctx, "ingress port is a mirror output: dropping frame from", f->dl_src,
		             0);
		return;
	}
	if (ctx->in) {
		cfg = &ctx->in->vlan;
	} else {
		vlan_port_cfg_init(&def);
		cfg = &def;
	}
	vlan_ingress(cfg, f->vlan_tci, &in);
	if (in.drop) {
		if (ctx->trace)
			strbuf_printf(ctx->trace,
			              "        NORMAL: VLAN %s of the frame is not allowed on the "
			              "ingress port (vlan-mode %s): dropped\n",
			              f->vlan_tci & VLAN_CFI ? "tag" : "(untagged)",
			              vlan_mode_name(vlan_port_cfg_mode(cfg)));
		if (ctx->in)
			ctx->xo->l2.vlan_drop_port = ctx->in->ofport;
		return;
	}
	vlan = in.vlan;

	normal_learn(ctx, vlan);

	if (!eth_addr_is_multicast(f->dl_dst)) {
		uint32_t out = mac_table_lookup(br->macs, vlan, f->dl_dst);
		const struct of_port *p = NULL;

		if (out < DPIF_MAX_PORTS)
			p = atomic_load_explicit(&br->sw->by_dp[out], memory_order_acquire);
		if (p && p->br == br) {
			enum vlan_out how = vlan_egress(&p->vlan, vlan);

			normal_trace(ctx, "learned destination", f->dl_dst, vlan);
			if (p == ctx->in)
				xlate_output_port(ctx, p, false); /* skipped, with a trace line */
			else if (how != VLAN_OUT_NONE && !p->mirror_out)
				normal_output(ctx, p, how, vlan);
			return;
		}
		normal_trace(ctx, "unknown destination, flooding", f->dl_dst, vlan);
	} else {
		normal_trace(ctx, "multicast destination, flooding", f->dl_dst, vlan);
	}
	normal_flood(ctx, vlan);
}
