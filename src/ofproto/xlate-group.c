/* xlate-group.c - translation of the group action: every bucket of an ALL
 * group, the hashed bucket of a SELECT group, the bucket of an INDIRECT
 * group, the first live bucket of a FAST_FAILOVER group.  Each bucket runs
 * in a datapath clone on a saved translation state, so its edits reach
 * neither the other buckets nor the actions after the group.
 *
 * Un-wildcarding: SELECT consults exactly the fields it hashes (dl_src,
 * dl_dst, dl_type, then for IP the addresses and protocol, then for
 * TCP/UDP/SCTP the ports); FAST_FAILOVER consults nothing (liveness is
 * not a packet field: port and group changes revalidate instead).  Bucket
 * actions were checked without prerequisites (a bucket has no match): a
 * set_field the packet cannot take is skipped by xlate.c, which consults
 * what that check reads. */
#include "ofproto/xlate.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/hash.h"
#include "openflow/ofp-port.h"

#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_IPV6 0x86dd

void xlate_trace(struct xlate_ctx *ctx, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!ctx->trace)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	strbuf_puts(ctx->trace, buf);
	strbuf_putc(ctx->trace, '\n');
}

static void xlate_add_group_hit(struct xlate_out *xo, struct ofgroup *g, int bucket)
{
	if (xo->n_groups == xo->alloc_groups) {
		xo->alloc_groups = xo->alloc_groups ? 2 * xo->alloc_groups : 4;
		xo->groups = xrealloc(xo->groups, xo->alloc_groups * sizeof *xo->groups);
	}
	xo->groups[xo->n_groups].group = g;
	xo->groups[xo->n_groups].bucket = bucket;
	xo->n_groups++;
}

bool ofproto_port_is_live(const struct of_port *p)
{
	return p && p->link_up && !(p->config & OFPPC_PORT_DOWN);
}

static bool bucket_is_live(const struct ofproto *br, const struct ofp_bucket *b, unsigned depth)
{
	if (b->watch_port == OFPP_ANY && b->watch_group == OFPG_ANY)
		return true;
	if (b->watch_port != OFPP_ANY && b->watch_port <= OFPP_MAX &&
	    ofproto_port_is_live(ofproto_port_by_ofport(br, b->watch_port)))
		return true;
	return b->watch_group != OFPG_ANY &&
	       ofproto_group_is_live(br, ofproto_group_find(br, b->watch_group), depth + 1);
}

bool ofproto_group_is_live(const struct ofproto *br, const struct ofgroup *g, unsigned depth)
{
	if (!g || depth > XLATE_MAX_GROUP_DEPTH)
		return false;
	for (size_t i = 0; i < g->n_buckets; i++)
		if (bucket_is_live(br, &g->buckets[i], depth))
			return true;
	return false;
}

/* Runs bucket 'i' of 'g' in a clone of the packet, on a copy of the
 * translation state. */
static void xlate_bucket(struct xlate_ctx *ctx, struct ofgroup *g, size_t i)
{
	const struct ofp_bucket *b = &g->buckets[i];
	struct dp_actions *acts = ctx->xo->actions;
	struct xlate_ctx saved;
	unsigned left;
	size_t ofs;

	if (!ctx->buckets_left) {
		xlate_trace(ctx, "        -> too many buckets in one translation: dropped");
		return;
	}
	ctx->buckets_left--;
	xlate_add_group_hit(ctx->xo, g, (int)i);
	xlate_trace(ctx, "    group %u bucket %zu:", g->id, i);
	saved = *ctx;
	ofs = dp_actions_start_clone(acts);
	ctx->group_depth++;
	xlate_actions_list(ctx, b->ofpacts, b->ofpacts_len);
	left = ctx->buckets_left;
	*ctx = saved;
	ctx->buckets_left = left;
	if (!dp_actions_end_clone(acts, ofs))
		xlate_trace(ctx, "        -> bucket has too many actions: dropped");
}

/* The SELECT hash: consults exactly the fields it reads. */
static uint32_t xlate_select_hash(struct xlate_ctx *ctx)
{
	const struct flow *f = &ctx->flow;
	struct flow b;
	uint32_t h;

	memset(&b, 0, sizeof b);
	memset(b.dl_src, 0xff, sizeof b.dl_src);
	memset(b.dl_dst, 0xff, sizeof b.dl_dst);
	b.dl_type = 0xffff;
	h = hash_bytes(f->dl_src, sizeof f->dl_src, 0);
	h = hash_bytes(f->dl_dst, sizeof f->dl_dst, h);
	h = hash_add32(h, f->dl_type);
	if (f->dl_type == ETH_TYPE_IPV4 || f->dl_type == ETH_TYPE_IPV6) {
		if (f->dl_type == ETH_TYPE_IPV4) {
			b.nw_src = b.nw_dst = UINT32_MAX;
			h = hash_add32(h, f->nw_src);
			h = hash_add32(h, f->nw_dst);
		} else {
			memset(b.ipv6_src, 0xff, sizeof b.ipv6_src);
			memset(b.ipv6_dst, 0xff, sizeof b.ipv6_dst);
			h = hash_bytes(f->ipv6_src, sizeof f->ipv6_src, h);
			h = hash_bytes(f->ipv6_dst, sizeof f->ipv6_dst, h);
		}
		b.nw_proto = 0xff;
		h = hash_add32(h, f->nw_proto);
		if (f->nw_proto == FLOW_IPPROTO_TCP || f->nw_proto == FLOW_IPPROTO_UDP ||
		    f->nw_proto == FLOW_IPPROTO_SCTP) {
			b.tp_src = b.tp_dst = 0xffff;
			h = hash_add32(h, (uint32_t)f->tp_src << 16 | f->tp_dst);
		}
	}
	xlate_consult(ctx, &b);
	return hash_finish(h, 48);
}

/* The bucket a SELECT group picks for the packet (weights respected), or
 * -1 if no bucket has a weight. */
static int xlate_select_bucket(struct xlate_ctx *ctx, const struct ofgroup *g)
{
	uint64_t total = 0, pick;

	for (size_t i = 0; i < g->n_buckets; i++)
		total += g->buckets[i].weight;
	if (!total)
		return -1;
	pick = xlate_select_hash(ctx) % total;
	for (size_t i = 0; i < g->n_buckets; i++) {
		if (pick < g->buckets[i].weight)
			return (int)i;
		pick -= g->buckets[i].weight;
	}
	return -1;
}

void xlate_group(struct xlate_ctx *ctx, uint32_t group_id)
{
	struct ofgroup *g = ofproto_group_find(ctx->br, group_id);
	int b;

	if (!g) {
		xlate_trace(ctx, "        -> no group %u: dropped", group_id);
		return;
	}
	if (ctx->group_depth >= XLATE_MAX_GROUP_DEPTH) {
		xlate_trace(ctx, "        -> groups nested too deep: dropped");
		return;
	}
	xlate_add_group_hit(ctx->xo, g, -1);
	switch (g->type) {
	case OFPGT_ALL:
		for (size_t i = 0; i < g->n_buckets; i++)
			xlate_bucket(ctx, g, i);
		break;
	case OFPGT_INDIRECT:
		if (g->n_buckets)
			xlate_bucket(ctx, g, 0);
		break;
	case OFPGT_SELECT:
		b = xlate_select_bucket(ctx, g);
		if (b >= 0)
			xlate_bucket(ctx, g, (size_t)b);
		else
			xlate_trace(ctx, "        -> no bucket to select: dropped");
		break;
	case OFPGT_FF:
		for (size_t i = 0; i < g->n_buckets; i++) {
			if (bucket_is_live(ctx->br, &g->buckets[i], 0)) {
				xlate_bucket(ctx, g, i);
				return;
			}
		}
		xlate_trace(ctx, "        -> no live bucket: dropped");
		break;
	default:
		break;
	}
}
