/* normal.c - the NORMAL action inside translation: a MAC learning switch.
 * Learn the source (when the caller allows it), send known unicast to its
 * port, flood the rest to every other port of the bridge, never back out of
 * the ingress port.  Consults in_port, dl_src, dl_dst and the VLAN tags. */
#include "ofproto/xlate.h"

#include <stdio.h>
#include <string.h>

#include "lib/eth.h"
#include "openflow/ofp-text.h"

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

void xlate_normal(struct xlate_ctx *ctx)
{
	struct ofproto *br = ctx->br;
	const struct flow *f = &ctx->flow;
	struct flow b;
	uint16_t vlan;

	memset(&b, 0, sizeof b);
	memset(b.dl_src, 0xff, sizeof b.dl_src);
	memset(b.dl_dst, 0xff, sizeof b.dl_dst);
	b.vlan_tci = VLAN_CFI | VLAN_VID_BITS;
	xlate_consult(ctx, &b);

	/* Untagged and priority-tagged frames are VLAN 0; tagged frames are
	 * learned and flooded within their outermost VLAN (every port trunks). */
	vlan = f->vlan_tci & VLAN_CFI ? f->vlan_tci & VLAN_VID_BITS : 0;

	normal_learn(ctx, vlan);

	if (!eth_addr_is_multicast(f->dl_dst)) {
		uint32_t out = mac_table_lookup(br->macs, vlan, f->dl_dst);
		const struct of_port *p = NULL;

		if (out < DPIF_MAX_PORTS)
			p = atomic_load_explicit(&br->sw->by_dp[out], memory_order_acquire);
		if (p && p->br == br) {
			normal_trace(ctx, "learned destination", f->dl_dst, vlan);
			xlate_output_port(ctx, p, false);
			return;
		}
		normal_trace(ctx, "unknown destination, flooding", f->dl_dst, vlan);
	} else {
		normal_trace(ctx, "multicast destination, flooding", f->dl_dst, vlan);
	}
	for (size_t i = 0; i < br->n_ports; i++)
		if (br->ports[i] != ctx->in)
			xlate_output_port(ctx, br->ports[i], false);
}
