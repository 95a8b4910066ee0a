/* xlate.c - translation of a flow through a bridge's OpenFlow tables into
 * datapath actions, with the un-wildcarding that makes the megaflow mask
 * (see xlate.h and docs/pipeline.md): table lookups, instructions, the
 * action set, and every action except NORMAL (normal.c). */
#include "ofproto/xlate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/eth.h"
#include "lib/meta-flow.h"
#include "netdev/netdev.h"
#include "openflow/flow-text.h"
#include "openflow/ofp-actions.h"
#include "openflow/ofp-match.h"
#include "openflow/ofp-port.h"

#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_IPV6 0x86dd

void xlate_out_init(struct xlate_out *xo, struct dp_actions *actions, struct flow_wc *wc)
{
	memset(xo, 0, sizeof *xo);
	xo->actions = actions;
	xo->wc = wc;
}

void xlate_out_uninit(struct xlate_out *xo)
{
	if (xo) {
		free(xo->rules);
		xo->rules = NULL;
		xo->n_rules = xo->alloc_rules = 0;
		free(xo->groups);
		xo->groups = NULL;
		xo->n_groups = xo->alloc_groups = 0;
	}
}

struct xcache *xlate_out_xcache(const struct xlate_out *xo)
{
	struct xcache *xc = xcache_create(xo->rules, xo->n_rules);

	xcache_set_groups(xc, xo->groups, xo->n_groups);
	return xc;
}

static void xlate_add_rule(struct xlate_out *xo, struct rule *rule)
{
	if (xo->n_rules == xo->alloc_rules) {
		xo->alloc_rules = xo->alloc_rules ? 2 * xo->alloc_rules : 4;
		xo->rules = xrealloc(xo->rules, xo->alloc_rules * sizeof *xo->rules);
	}
	xo->rules[xo->n_rules++] = rule;
}

/* Word-wise helpers through memcpy: struct flow has members of many types,
 * so it is never accessed through a uint64_t pointer here (aliasing). */
static void flow_to_words(uint64_t w[FLOW_U64S], const struct flow *f)
{
	memcpy(w, f, sizeof *f);
}

static void words_to_flow(struct flow *f, const uint64_t w[FLOW_U64S])
{
	memcpy(f, w, sizeof *f);
}

void xlate_consult(struct xlate_ctx *ctx, const struct flow *bits)
{
	uint64_t b[FLOW_U64S], w[FLOW_U64S], wc[FLOW_U64S];
	struct flow c;

	flow_to_words(b, bits);
	flow_to_words(w, &ctx->written);
	for (size_t i = 0; i < FLOW_U64S; i++)
		b[i] &= ~w[i];
	words_to_flow(&c, b);
	/* A decremented TTL or a shifted tag stack: a consulted bit stands
	 * for the whole original field(s). */
	if ((ctx->derived & XLATE_DERIVED_TTL) && c.nw_ttl)
		c.nw_ttl = 0xff;
	if ((ctx->derived & XLATE_DERIVED_VLAN) &&
	    (c.vlan_tci || c.vlan_tpid || c.inner_vlan_tci)) {
		c.vlan_tci = 0xffff;
		c.vlan_tpid = 0xffff;
		c.inner_vlan_tci = 0xffff;
	}
	flow_to_words(b, &c);
	flow_to_words(wc, &ctx->xo->wc->masks);
	for (size_t i = 0; i < FLOW_U64S; i++)
		wc[i] |= b[i];
	words_to_flow(&ctx->xo->wc->masks, wc);
}

static void consult_dl_type(struct xlate_ctx *ctx)
{
	struct flow b;

	memset(&b, 0, sizeof b);
	b.dl_type = 0xffff;
	xlate_consult(ctx, &b);
}

/* Consults whether the packet has a tag (and, if it has, the bits 'also'
 * of it); returns the outermost tag's TCI (ctx->flow.vlan_tci), or NULL if
 * the packet has none. */
static uint16_t *consult_outer_tci(struct xlate_ctx *ctx, uint16_t also)
{
	struct flow b;
	struct flow *f = &ctx->flow;

	memset(&b, 0, sizeof b);
	b.vlan_tci = VLAN_CFI;
	if (f->vlan_tci & VLAN_CFI)
		b.vlan_tci |= also;
	xlate_consult(ctx, &b);
	return f->vlan_tci & VLAN_CFI ? &f->vlan_tci : NULL;
}

/* Before an output to a tunnel port: passes the tunnel fields the port
 * takes from the flow (key=flow, remote_ip=flow, the Geneve option) as
 * explicit metadata sets, since cached actions run without the flow, and
 * consults them (the megaflow then matches on them unless this translation
 * wrote them itself). */
static void xlate_tunnel_md(struct xlate_ctx *ctx, const struct of_port *p)
{
	unsigned f = p->dev ? netdev_tnl_flow_fields(p->dev) : 0;
	struct dp_actions *acts = ctx->xo->actions;
	const struct flow *fl = &ctx->flow;
	struct flow b;

	if (!f)
		return;
	memset(&b, 0, sizeof b);
	if (f & NETDEV_TNL_FROM_FLOW_KEY) {
		b.tun_id = UINT64_MAX;
		dp_actions_put_set_int(acts, DP_FIELD_TUN_ID, fl->tun_id, UINT64_MAX);
	}
	if (f & NETDEV_TNL_FROM_FLOW_DST) {
		b.tun_dst = UINT32_MAX;
		dp_actions_put_set_int(acts, DP_FIELD_TUN_DST, fl->tun_dst, UINT32_MAX);
	}
	if (f & NETDEV_TNL_FROM_FLOW_OPT) {
		b.tun_gnv_class = 0xffff;
		b.tun_gnv_type = 0xff;
		b.tun_gnv_len = 0xff;
		b.tun_gnv_data = UINT64_MAX;
		dp_actions_put_set_int(acts, DP_FIELD_TUN_GNV_CLASS, fl->tun_gnv_class, 0xffff);
		dp_actions_put_set_int(acts, DP_FIELD_TUN_GNV_TYPE, fl->tun_gnv_type, 0xff);
		dp_actions_put_set_int(acts, DP_FIELD_TUN_GNV_LEN, fl->tun_gnv_len, 0xff);
		dp_actions_put_set_int(acts, DP_FIELD_TUN_GNV_DATA, fl->tun_gnv_data, UINT64_MAX);
	}
	xlate_consult(ctx, &b);
	xlate_trace(ctx,
	            "        -> tunnel port %s: tun_id=0x%llx tun_dst=%u.%u.%u.%u from the flow",
	            p->name, (unsigned long long)fl->tun_id, fl->tun_dst >> 24,
	            (fl->tun_dst >> 16) & 0xff, (fl->tun_dst >> 8) & 0xff, fl->tun_dst & 0xff);
}

void xlate_output_port(struct xlate_ctx *ctx, const struct of_port *p, bool in_ok)
{
	if (p == ctx->in && !in_ok) {
		xlate_trace(ctx, "        -> port %s is the ingress port: skipped", p->name);
		return;
	}
	if (p->config & OFPPC_NO_FWD) {
		xlate_trace(ctx, "        -> port %s is no_fwd: skipped", p->name);
		return;
	}
	xlate_tunnel_md(ctx, p);
	dp_actions_put_output(ctx->xo->actions, p->dp_port);
	xlate_trace(ctx, "        -> output to port %s (ofport %u, datapath port %u)", p->name,
	            p->ofport, p->dp_port);
	mirror_xlate_output(ctx, p);
}

static void xlate_flood(struct xlate_ctx *ctx)
{
	for (size_t i = 0; i < ctx->br->n_ports; i++)
		if (ctx->br->ports[i] != ctx->in)
			xlate_output_port(ctx, ctx->br->ports[i], false);
}

/* output:CONTROLLER: a userspace action whose cookie names a descriptor
 * of the PACKET_IN (ofswitch_ctl_intern()). */
static void xlate_controller(struct xlate_ctx *ctx, uint16_t max_len)
{
	const struct rule *r = ctx->rule;
	struct ofproto_ctl_desc d;
	uint64_t cookie;

	if (ctx->in && (ctx->in->config & OFPPC_NO_PACKET_IN)) {
		xlate_trace(ctx, "        -> to the controller: port %s is no_packet_in: skipped",
		            ctx->in->name);
		return;
	}
	memset(&d, 0, sizeof d);
	d.bridge_id = ctx->br->id;
	d.in_port = ctx->flow.in_port;
	/* The table-miss flow: priority 0 and an empty match. */
	d.reason = r && !r->priority && match_is_catchall(&r->match) ? OFPROTO_PIN_NO_MATCH
	                                                             : OFPROTO_PIN_ACTION;
	d.table_id = ctx->table_id;
	d.max_len = max_len;
	d.cookie = r ? r->cookie : UINT64_MAX;
	d.metadata = ctx->flow.metadata;
	memcpy(d.regs, ctx->flow.regs, sizeof d.regs);
	cookie = ofswitch_ctl_intern(ctx->br->sw, &d);
	dp_actions_put_userspace(ctx->xo->actions, cookie);
	xlate_trace(ctx, "        -> to the controller (%s, max_len %u)",
	            d.reason == OFPROTO_PIN_NO_MATCH ? "no_match" : "action", max_len);
}

static void xlate_output(struct xlate_ctx *ctx, const struct ofpact_output *o)
{
	const struct of_port *p;

	switch (o->port) {
	case OFPP_IN_PORT:
		if (ctx->in)
			xlate_output_port(ctx, ctx->in, true);
		break;
	case OFPP_NORMAL:
		xlate_normal(ctx);
		break;
	case OFPP_FLOOD:
	case OFPP_ALL:
		xlate_flood(ctx);
		break;
	case OFPP_CONTROLLER:
		xlate_controller(ctx, o->max_len);
		break;
	case OFPP_TABLE:
		if (!ctx->packet_out) {
			xlate_trace(ctx, "        -> TABLE outside a packet-out: dropped");
			break;
		}
		xlate_trace(ctx, "        -> TABLE: the tables from table 0");
		{
			size_t ofs = dp_actions_start_clone(ctx->xo->actions);
			struct xlate_ctx saved = *ctx;

			xlate_flow(ctx->br, &ctx->flow, ctx->learn, ctx->trace, ctx->xo);
			*ctx = saved;
			if (!dp_actions_end_clone(ctx->xo->actions, ofs))
				xlate_trace(ctx, "        -> too many actions: dropped");
		}
		break;
	case OFPP_LOCAL:
		xlate_trace(ctx, "        -> LOCAL: the bridge has no local port: dropped");
		break;
	default:
		p = o->port <= OFPP_MAX ? ofproto_port_by_ofport(ctx->br, o->port) : NULL;
		if (p)
			xlate_output_port(ctx, p, false);
		else
			xlate_trace(ctx, "        -> no port %u on this bridge: dropped", o->port);
		break;
	}
}

/* The datapath field that set_field of 'id' writes, or -1 (metadata only
 * or unsupported).  'v6' picks IPv6's TC/hop limit. */
static int dp_field_of(enum mf_field_id id, bool v6)
{
	switch (id) {
	case MFF_ETH_SRC:
		return DP_FIELD_ETH_SRC;
	case MFF_ETH_DST:
		return DP_FIELD_ETH_DST;
	case MFF_IPV4_SRC:
		return DP_FIELD_IPV4_SRC;
	case MFF_IPV4_DST:
		return DP_FIELD_IPV4_DST;
	case MFF_IPV6_SRC:
		return DP_FIELD_IPV6_SRC;
	case MFF_IPV6_DST:
		return DP_FIELD_IPV6_DST;
	case MFF_IPV6_LABEL:
		return DP_FIELD_IPV6_LABEL;
	case MFF_NW_TOS:
	case MFF_IP_DSCP:
	case MFF_IP_ECN:
		return v6 ? DP_FIELD_IPV6_TC : DP_FIELD_IPV4_TOS;
	case MFF_NW_TTL:
		return v6 ? DP_FIELD_IPV6_HLIMIT : DP_FIELD_IPV4_TTL;
	case MFF_ARP_OP:
		return DP_FIELD_ARP_OP;
	case MFF_ARP_SPA:
		return DP_FIELD_ARP_SPA;
	case MFF_ARP_TPA:
		return DP_FIELD_ARP_TPA;
	case MFF_ARP_SHA:
		return DP_FIELD_ARP_SHA;
	case MFF_ARP_THA:
		return DP_FIELD_ARP_THA;
	case MFF_TCP_SRC:
		return DP_FIELD_TCP_SRC;
	case MFF_TCP_DST:
		return DP_FIELD_TCP_DST;
	case MFF_UDP_SRC:
		return DP_FIELD_UDP_SRC;
	case MFF_UDP_DST:
		return DP_FIELD_UDP_DST;
	case MFF_SCTP_SRC:
		return DP_FIELD_SCTP_SRC;
	case MFF_SCTP_DST:
		return DP_FIELD_SCTP_DST;
	case MFF_ICMPV4_TYPE:
		return DP_FIELD_ICMP_TYPE;
	case MFF_ICMPV4_CODE:
		return DP_FIELD_ICMP_CODE;
	case MFF_ICMPV6_TYPE:
		return DP_FIELD_ICMPV6_TYPE;
	case MFF_ICMPV6_CODE:
		return DP_FIELD_ICMPV6_CODE;
	case MFF_ND_TARGET:
		return DP_FIELD_ND_TARGET;
	case MFF_ND_SLL:
		return DP_FIELD_ND_SLL;
	case MFF_ND_TLL:
		return DP_FIELD_ND_TLL;
	case MFF_TUN_ID:
		return DP_FIELD_TUN_ID;
	case MFF_TUN_SRC:
		return DP_FIELD_TUN_SRC;
	case MFF_TUN_DST:
		return DP_FIELD_TUN_DST;
	case MFF_TUN_GNV_CLASS:
		return DP_FIELD_TUN_GNV_CLASS;
	case MFF_TUN_GNV_TYPE:
		return DP_FIELD_TUN_GNV_TYPE;
	case MFF_TUN_GNV_LEN:
		return DP_FIELD_TUN_GNV_LEN;
	case MFF_TUN_GNV_DATA:
		return DP_FIELD_TUN_GNV_DATA;
	default:
		return -1;
	}
}

static uint64_t member_read(const struct flow *f, unsigned ofs, unsigned size)
{
	const uint8_t *p = (const uint8_t *)f + ofs;
	uint64_t v = 0;

	switch (size) {
	case 1:
		v = *p;
		break;
	case 2: {
		uint16_t x;
		memcpy(&x, p, 2);
		v = x;
		break;
	}
	case 4: {
		uint32_t x;
		memcpy(&x, p, 4);
		v = x;
		break;
	}
	case 8:
		memcpy(&v, p, 8);
		break;
	default:
		break;
	}
	return v;
}

/* Sets the outermost tag's bits 'mask' (VID and/or PCP bits of a TCI) to
 * 'value'. */
static void xlate_set_vlan_bits(struct xlate_ctx *ctx, uint16_t value, uint16_t mask)
{
	uint16_t *tci = consult_outer_tci(ctx, 0);

	mask &= VLAN_VID_BITS | VLAN_PCP_MASK;
	if (!tci) {
		xlate_trace(ctx, "        -> no VLAN tag: nothing to set");
		return;
	}
	*tci = (uint16_t)((*tci & ~mask) | (value & mask));
	ctx->written.vlan_tci |= mask;
	if (mask & VLAN_VID_BITS)
		dp_actions_put_set_int(ctx->xo->actions, DP_FIELD_VLAN_VID, value & VLAN_VID_BITS,
		                       mask & VLAN_VID_BITS);
	if (mask & VLAN_PCP_MASK)
		dp_actions_put_set_int(ctx->xo->actions, DP_FIELD_VLAN_PCP,
		                       (value & VLAN_PCP_MASK) >> VLAN_PCP_SHIFT,
		                       (mask & VLAN_PCP_MASK) >> VLAN_PCP_SHIFT);
}

/* The tag stack changed shape: written bits of the tags no longer line up. */
static void vlan_reshaped(struct xlate_ctx *ctx)
{
	ctx->derived |= XLATE_DERIVED_VLAN;
	ctx->written.vlan_tci = 0;
	ctx->written.vlan_tpid = 0;
	ctx->written.inner_vlan_tci = 0;
}

/* Pushes a tag with TPID 'tpid' and wire TCI 'tci'. */
static void xlate_push_vlan(struct xlate_ctx *ctx, uint16_t tpid, uint16_t tci)
{
	struct flow *f = &ctx->flow;

	dp_actions_put_push_vlan(ctx->xo->actions, tpid, tci);
	/* The old outermost tag becomes the inner one; a third tag is beyond
	 * what a flow describes, so the two outermost stay visible to later
	 * tables. */
	f->inner_vlan_tci = f->vlan_tci;
	f->vlan_tci = (uint16_t)(VLAN_CFI | (tci & ~VLAN_CFI));
	f->vlan_tpid = tpid;
	vlan_reshaped(ctx);
}

/* Whether the packet as translated so far has the field 'mf': the field's
 * prerequisites (enum mf_prereq) evaluated on ctx->flow, narrowed to what
 * the datapath can edit (ARP fields: Ethernet/IPv4 ARP only, not RARP; L4
 * fields: not a later fragment; ND fields: ICMPv6 code 0), so that skipping
 * the set here and the datapath's "a field the packet lacks is left alone"
 * agree and ctx->flow stays the packet's flow.  Consults exactly the bits
 * it reads (dl_type, then nw_proto, nw_frag, ICMP type/code as the answer
 * unfolds), whether the answer is yes or no. */
static bool xlate_has_field(struct xlate_ctx *ctx, const struct mf_field *mf)
{
	const struct flow *f = &ctx->flow;
	uint8_t proto = 0, icmp_type = 0;
	bool ok = false, ip4, ip6;
	struct flow b;

	memset(&b, 0, sizeof b);
	switch (mf->prereq) {
	case MFP_NONE:
		return true;
	case MFP_VLAN:
		return consult_outer_tci(ctx, 0) != NULL;
	default:
		break;
	}
	b.dl_type = 0xffff;
	ip4 = f->dl_type == ETH_TYPE_IPV4;
	ip6 = f->dl_type == ETH_TYPE_IPV6;
	switch (mf->prereq) {
	case MFP_ARP:
		ok = f->dl_type == ETH_TYPE_ARP;
		break;
	case MFP_IPV4:
		ok = ip4;
		break;
	case MFP_IPV6:
		ok = ip6;
		break;
	case MFP_IP_ANY:
		ok = ip4 || ip6;
		break;
	case MFP_TCP:
	case MFP_UDP:
	case MFP_SCTP:
		proto = mf->prereq == MFP_TCP   ? FLOW_IPPROTO_TCP
		        : mf->prereq == MFP_UDP ? FLOW_IPPROTO_UDP
		                                : FLOW_IPPROTO_SCTP;
		ok = ip4 || ip6;
		break;
	case MFP_ICMPV4:
		proto = FLOW_IPPROTO_ICMP;
		ok = ip4;
		break;
	case MFP_ICMPV6:
	case MFP_ND:
	case MFP_ND_SOLICIT:
	case MFP_ND_ADVERT:
		proto = FLOW_IPPROTO_ICMPV6;
		ok = ip6;
		break;
	default:
		break;
	}
	if (ok && proto) {
		b.nw_proto = 0xff;
		ok = f->nw_proto == proto;
		if (ok) {
			b.nw_frag = FLOW_NW_FRAG_LATER;
			ok = !(f->nw_frag & FLOW_NW_FRAG_LATER);
		}
	}
	if (ok &&
	    (mf->prereq == MFP_ND || mf->prereq == MFP_ND_SOLICIT || mf->prereq == MFP_ND_ADVERT)) {
		b.tp_src = b.tp_dst = 0xff; /* ICMPv6 type and code */
		icmp_type = (uint8_t)f->tp_src;
		ok = (f->tp_dst & 0xff) == 0 &&
		     (mf->prereq == MFP_ND_SOLICIT  ? icmp_type == 135
		      : mf->prereq == MFP_ND_ADVERT ? icmp_type == 136
		                                    : icmp_type == 135 || icmp_type == 136);
	}
	xlate_consult(ctx, &b);
	return ok;
}

/* Legacy mod_tp_src/dst set the port of the packet's TCP, UDP or SCTP
 * header (rules have them re-targeted from their match already; a group
 * bucket has no match).  Reads only what xlate_has_field() then consults. */
static const struct mf_field *xlate_retarget_l4(const struct xlate_ctx *ctx,
                                                const struct ofpact_set_field *sf)
{
	const struct flow *f = &ctx->flow;
	enum mf_field_id id = (enum mf_field_id)sf->field;
	bool src = id == MFF_TCP_SRC || id == MFF_UDP_SRC || id == MFF_SCTP_SRC;

	if (sf->ofpact.raw != OFPACT_RAW_LEGACY ||
	    (!src && id != MFF_TCP_DST && id != MFF_UDP_DST && id != MFF_SCTP_DST) ||
	    (f->dl_type != ETH_TYPE_IPV4 && f->dl_type != ETH_TYPE_IPV6))
		return mf_from_id(id);
	if (f->nw_proto == FLOW_IPPROTO_UDP)
		return mf_from_id(src ? MFF_UDP_SRC : MFF_UDP_DST);
	if (f->nw_proto == FLOW_IPPROTO_SCTP)
		return mf_from_id(src ? MFF_SCTP_SRC : MFF_SCTP_DST);
	return mf_from_id(src ? MFF_TCP_SRC : MFF_TCP_DST);
}

/* set_field.  As in OVS, a set_field whose prerequisites the packet does
 * not meet (ip_dst on ARP or IPv6, tcp_src on UDP, vlan_pcp untagged) is
 * skipped: no datapath action and ctx->flow unchanged (for ARP, nw_dst is
 * arp_tpa).  Rules meet their actions' prerequisites by their match
 * (ofpacts_check()); group buckets have none and rely on this.  VLAN_VID,
 * VLAN_TCI and dl_vlan on an untagged packet are skipped too (OpenFlow
 * 1.3's set_field edits an existing tag; mod_vlan_vid pushes one). */
static void xlate_set_field(struct xlate_ctx *ctx, const struct ofpact_set_field *sf)
{
	const struct mf_field *mf = xlate_retarget_l4(ctx, sf);
	uint64_t fw[FLOW_U64S], ww[FLOW_U64S], tv[FLOW_U64S], tm[FLOW_U64S];
	struct match tmp;
	bool v6;
	int dpf;

	match_init_catchall(&tmp);
	mf_set(mf, &sf->value, &sf->mask, &tmp);
	switch (mf->id) {
	case MFF_VLAN_TCI:
	case MFF_VLAN_VID:
	case MFF_DL_VLAN:
	case MFF_VLAN_PCP:
	case MFF_DL_VLAN_PCP:
		xlate_set_vlan_bits(ctx, tmp.flow.vlan_tci, tmp.mask.vlan_tci);
		return;
	default:
		break;
	}
	if (!xlate_has_field(ctx, mf)) {
		xlate_trace(ctx, "        -> the packet has no %s: skipped", mf->name);
		return;
	}
	v6 = ctx->flow.dl_type == ETH_TYPE_IPV6; /* consulted by IP fields' check */

	/* The packet's field becomes a constant: no bit of the original is
	 * consulted, and later lookups of these bits consult nothing. */
	flow_to_words(tv, &tmp.flow);
	flow_to_words(tm, &tmp.mask);
	flow_to_words(fw, &ctx->flow);
	flow_to_words(ww, &ctx->written);
	for (size_t i = 0; i < FLOW_U64S; i++) {
		fw[i] = (fw[i] & ~tm[i]) | tv[i];
		ww[i] |= tm[i];
	}
	words_to_flow(&ctx->flow, fw);
	words_to_flow(&ctx->written, ww);
	dpf = dp_field_of(mf->id, v6);
	if (dpf < 0)
		return; /* metadata and registers live in the flow only */
	if (dp_field_n_bytes((enum dp_field)dpf))
		dp_actions_put_set_bytes(ctx->xo->actions, (enum dp_field)dpf,
		                         (const uint8_t *)&tmp.flow + mf->flow_ofs,
		                         (const uint8_t *)&tmp.mask + mf->flow_ofs);
	else
		dp_actions_put_set_int(ctx->xo->actions, (enum dp_field)dpf,
		                       member_read(&tmp.flow, mf->flow_ofs, mf->flow_size),
		                       member_read(&tmp.mask, mf->flow_ofs, mf->flow_size));
}

static bool flow_is_ip(struct xlate_ctx *ctx)
{
	consult_dl_type(ctx);
	return ctx->flow.dl_type == ETH_TYPE_IPV4 || ctx->flow.dl_type == ETH_TYPE_IPV6;
}

/* Executes one action (not an instruction). */
static void xlate_action(struct xlate_ctx *ctx, const struct ofpact *a)
{
	struct flow *f = &ctx->flow;
	uint16_t *tci;

	xlate_vlan_commit(ctx);
	if (ctx->trace) {
		char *s = ofpacts_to_string(a, a->len, &ctx->br->names);

		xlate_trace(ctx, "    %s", s);
		free(s);
	}
	switch ((enum ofpact_type)a->type) {
	case OFPACT_OUTPUT:
		xlate_output(ctx, (const struct ofpact_output *)(const void *)a);
		break;
	case OFPACT_GROUP:
		xlate_group(ctx, ((const struct ofpact_group *)(const void *)a)->group_id);
		break;
	case OFPACT_SET_FIELD:
		xlate_set_field(ctx, (const struct ofpact_set_field *)(const void *)a);
		break;
	case OFPACT_SET_VLAN_VID: {
		uint16_t vid =
		        ((const struct ofpact_vlan_vid *)(const void *)a)->vid & VLAN_VID_BITS;

		tci = consult_outer_tci(ctx, 0);
		if (tci)
			xlate_set_vlan_bits(ctx, vid, VLAN_VID_BITS);
		else
			xlate_push_vlan(ctx, 0x8100, vid);
		break;
	}
	case OFPACT_SET_VLAN_PCP: {
		uint16_t pcp =
		        (uint16_t)(((const struct ofpact_vlan_pcp *)(const void *)a)->pcp & 7)
		        << VLAN_PCP_SHIFT;

		tci = consult_outer_tci(ctx, 0);
		if (tci)
			xlate_set_vlan_bits(ctx, pcp, VLAN_PCP_MASK);
		else
			xlate_push_vlan(ctx, 0x8100, pcp);
		break;
	}
	case OFPACT_PUSH_VLAN: {
		uint16_t tpid = ((const struct ofpact_push_vlan *)(const void *)a)->tpid;

		/* OpenFlow 1.3: the new tag copies the VID and PCP of the
		 * outermost existing tag, else zero. */
		tci = consult_outer_tci(ctx, VLAN_VID_BITS | VLAN_PCP_MASK);
		xlate_push_vlan(ctx, tpid, tci ? (uint16_t)(*tci & ~VLAN_CFI) : 0);
		break;
	}
	case OFPACT_POP_VLAN:
		tci = consult_outer_tci(ctx, 0);
		if (!tci) {
			xlate_trace(ctx, "        -> no VLAN tag: nothing to pop");
			break;
		}
		dp_actions_put_pop_vlan(ctx->xo->actions);
		/* The inner tag (if any) becomes the outermost.  The flow does
		 * not keep its TPID: assume the customer tag's. */
		f->vlan_tci = f->inner_vlan_tci;
		f->vlan_tpid = f->vlan_tci & VLAN_CFI ? ETH_TYPE_VLAN : 0;
		f->inner_vlan_tci = 0;
		vlan_reshaped(ctx);
		break;
	case OFPACT_SET_NW_TTL:
		if (!flow_is_ip(ctx))
			break;
		f->nw_ttl = ((const struct ofpact_nw_ttl *)(const void *)a)->ttl;
		ctx->written.nw_ttl = 0xff;
		dp_actions_put_set_int(ctx->xo->actions,
		                       f->dl_type == ETH_TYPE_IPV6 ? DP_FIELD_IPV6_HLIMIT
		                                                   : DP_FIELD_IPV4_TTL,
		                       f->nw_ttl, 0xff);
		break;
	case OFPACT_DEC_TTL:
		if (!flow_is_ip(ctx))
			break;
		/* The datapath drops a packet whose TTL is <= 1 right there. */
		dp_actions_put_dec_ttl(ctx->xo->actions);
		if (f->nw_ttl)
			f->nw_ttl--;
		ctx->derived |= XLATE_DERIVED_TTL;
		break;
	case OFPACT_COPY_TTL_OUT:
	case OFPACT_COPY_TTL_IN:
		/* No MPLS or IP-in-IP: nothing to copy (see ofp-actions.h). */
		break;
	default:
		break;
	}
}

static void xlate_actions(struct xlate_ctx *ctx, const struct ofpact *list, size_t len)
{
	const struct ofpact *a;

	OFPACT_FOR_EACH(a, list, len)
	xlate_action(ctx, a);
}

void xlate_actions_list(struct xlate_ctx *ctx, const struct ofpact *list, size_t len)
{
	xlate_actions(ctx, list, len);
}

/* The meter instruction: the datapath meter of OpenFlow meter 'id'. */
static void xlate_meter(struct xlate_ctx *ctx, uint32_t id)
{
	const struct ofmeter *m = ofproto_meter_find(ctx->br, id);

	if (!m) {
		xlate_trace(ctx, "    meter:%u: no such meter: ignored", id);
		return;
	}
	xlate_trace(ctx, "    meter:%u (datapath meter %u)", id, m->dp_id);
	dp_actions_put_meter(ctx->xo->actions, m->dp_id);
}

/* What happens ahead of the tables: fail-open NORMAL, no_recv ports.
 * Returns true if translation is complete. */
static bool xlate_ahead_of_tables(struct xlate_ctx *ctx)
{
	if (ctx->br->fail_open) {
		xlate_trace(ctx, "fail mode standalone, no controller connected: NORMAL");
		xlate_normal(ctx);
		return true;
	}
	if (ctx->in && (ctx->in->config & OFPPC_NO_RECV)) {
		xlate_trace(ctx, "port %s is no_recv: drop", ctx->in->name);
		return true;
	}
	return false;
}

void xlate_packet_out(struct ofproto *br, const struct flow *flow, const struct ofpact *ofpacts,
                      size_t len, enum xlate_learn learn, struct xlate_out *xo)
{
	struct xlate_ctx ctx;

	memset(&ctx, 0, sizeof ctx);
	ctx.br = br;
	ctx.flow = *flow;
	ctx.in = flow->in_port <= OFPP_MAX ? ofproto_port_by_ofport(br, flow->in_port) : NULL;
	ctx.learn = learn;
	ctx.xo = xo;
	ctx.packet_out = true;
	ctx.table_id = 0xff;
	ctx.buckets_left = XLATE_MAX_BUCKETS;
	xo->wc->masks.in_port = UINT32_MAX;
	mirror_xlate_begin(&ctx);
	xlate_actions(&ctx, ofpacts, len);
}

void xlate_flow(struct ofproto *br, const struct flow *flow, enum xlate_learn learn,
                struct strbuf *trace, struct xlate_out *xo)
{
	struct xlate_ctx ctx;
	struct ofpacts_buf set;
	unsigned table = 0;
	bool dropped = false;

	memset(&ctx, 0, sizeof ctx);
	ctx.br = br;
	ctx.flow = *flow;
	ctx.in = ofproto_port_by_ofport(br, flow->in_port);
	ctx.learn = learn;
	ctx.trace = trace;
	ctx.xo = xo;
	ctx.buckets_left = XLATE_MAX_BUCKETS;
	xo->wc->masks.in_port = UINT32_MAX;
	ofpacts_buf_init(&set);
	mirror_xlate_begin(&ctx);
	if (xlate_ahead_of_tables(&ctx)) {
		ofpacts_buf_uninit(&set);
		return;
	}

	for (;;) {
		const struct cls_rule *cr;
		struct flow_wc lwc;
		struct rule *rule;
		const struct ofpact *a;
		int next = -1;

		memset(&lwc, 0, sizeof lwc);
		cr = classifier_lookup(&br->tables[table], &ctx.flow, &lwc);
		xlate_consult(&ctx, &lwc.masks);
		if (learn == XLATE_LEARN) { /* table statistics count upcalls */
			br->table_stats[table].lookup_count++;
			if (cr)
				br->table_stats[table].matched_count++;
		}
		ctx.table_id = (uint8_t)table;
		ctx.rule = cr ? cr->data : NULL;
		if (!cr) {
			xlate_trace(&ctx, "table %u: miss -> drop", table);
			dropped = true;
			break;
		}
		rule = cr->data;
		xlate_add_rule(xo, rule);
		if (trace) {
			char *m = flow_text_format_match(&rule->match, -1, &br->names);
			char *acts =
			        ofpacts_to_string(rule->ofpacts, rule->ofpacts_len, &br->names);

			xlate_trace(&ctx, "table %u: matched 'priority=%u%s%s actions=%s'", table,
			            rule->priority, *m ? "," : "", m, acts);
			free(m);
			free(acts);
		}
		OFPACT_FOR_EACH(a, rule->ofpacts, rule->ofpacts_len)
		{
			switch ((enum ofpact_type)a->type) {
			case OFPACT_METER:
				xlate_meter(
				        &ctx,
				        ((const struct ofpact_meter *)(const void *)a)->meter_id);
				break;
			case OFPACT_CLEAR_ACTIONS:
				xlate_trace(&ctx, "    clear_actions");
				ofpact_set_clear(&set);
				break;
			case OFPACT_WRITE_ACTIONS:
				if (trace) {
					char *s = ofpacts_to_string(a, a->len, &br->names);

					xlate_trace(&ctx, "    %s", s);
					free(s);
				}
				ofpact_set_write(&set, ofpact_nest_actions(a), ofpact_nest_len(a));
				break;
			case OFPACT_WRITE_METADATA: {
				const struct ofpact_write_metadata *wm =
				        (const struct ofpact_write_metadata *)(const void *)a;

				xlate_trace(&ctx, "    write_metadata:%#llx/%#llx",
				            (unsigned long long)wm->metadata,
				            (unsigned long long)wm->mask);
				ctx.flow.metadata =
				        (ctx.flow.metadata & ~wm->mask) | (wm->metadata & wm->mask);
				ctx.written.metadata |= wm->mask;
				break;
			}
			case OFPACT_GOTO_TABLE:
				next = ((const struct ofpact_goto_table *)(const void *)a)
				               ->table_id;
				xlate_trace(&ctx, "    goto_table:%d", next);
				break;
			default:
				xlate_action(&ctx, a);
				break;
			}
		}
		if (next < 0 || next >= OFPROTO_N_TABLES || (unsigned)next <= table)
			break;
		table = (unsigned)next;
	}

	if (!dropped && set.size) {
		struct ofpacts_buf ordered;

		ofpacts_buf_init(&ordered);
		ofpact_set_ordered(&set, &ordered);
		xlate_trace(&ctx, "action set:");
		xlate_actions(&ctx, (const struct ofpact *)(const void *)ordered.data,
		              ordered.size);
		ofpacts_buf_uninit(&ordered);
	}
	ofpacts_buf_uninit(&set);
}

/* Output ports of the list (clones included) to OpenFlow numbers. */
static void xlate_ports_to_ofports(struct ofswitch *sw, const void *data, size_t size)
{
	const struct dp_action *a;

	DP_ACTIONS_FOR_EACH(a, data, size)
	{
		if (a->type == DP_ACTION_OUTPUT && a->arg < DPIF_MAX_PORTS) {
			const struct of_port *p =
			        atomic_load_explicit(&sw->by_dp[a->arg], memory_order_acquire);

			if (p)
				((struct dp_action *)(uintptr_t)a)->arg = p->ofport;
		} else if (a->type == DP_ACTION_CLONE) {
			xlate_ports_to_ofports(sw, a + 1, a->len - sizeof *a);
		}
	}
}

void xlate_format_actions(struct ofswitch *sw, const void *data, size_t size, char *buf, size_t len)
{
	uint64_t *copy = size ? xmalloc(size) : NULL;

	if (size)
		memcpy(copy, data, size);
	xlate_ports_to_ofports(sw, copy, size);
	dp_actions_format_raw(copy, size, buf, len);
	free(copy);
}
