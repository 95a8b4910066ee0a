/* pipeline-dp.c - the data path bench/pipeline measures (see pipeline-dp.h):
 * prebuilt frames, and an in-memory bridge whose rules are installed through
 * ofproto_flow_mod() in front of the daemon's fast path (dp-fastpath.c). */
#include "pipeline-dp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <urcu.h>

#include "lib/csum.h"
#include "lib/packet-edit.h"
#include "lib/util.h"
#include "ofproto/ofproto-private.h"
#include "openflow/flow-text.h"

/* ---- frames ---- */

static const uint8_t pbb_router_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

/* Next-hop MAC of route 'k' (0..255). */
static void pbb_nexthop_mac(unsigned k, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0x00;
	mac[2] = 0x00;
	mac[3] = 0x00;
	mac[4] = 0x01;
	mac[5] = (uint8_t)k;
}

void pbb_tuple_routed(uint64_t id, struct pbb_tuple *t)
{
	t->nw_src = 0x0a000000u | (uint32_t)((id >> 12) & 0xffffff);
	t->nw_dst = 0x0a010000u | (uint32_t)(id & 0xff) << 8 | (uint32_t)(((id >> 8) & 0xf) + 1);
	t->tp_src = (uint16_t)(1024 + (id * 7919) % 60000);
	t->tp_dst = (uint16_t)(1 + id % 1000);
}

void pbb_tuple_masked8(uint64_t id, struct pbb_tuple *t)
{
	uint32_t k = (uint32_t)(id % 8), j = (uint32_t)(id / 8);

	t->nw_src = 0x1e000000u | (j & 0xffffff);
	t->nw_dst = (20 + k) << 24 | (j % 64) << 16 | ((j / 64) % 64) << 8 | (j % 251 + 1);
	t->tp_src = (uint16_t)(1024 + (j * 7919) % 60000);
	t->tp_dst = (uint16_t)(1 + j % 100);
}

void pbb_frames_alloc(struct pbb_frames *fr, size_t n)
{
	fr->n = n;
	fr->mem = xzalloc(n * PBB_FRAME_STRIDE);
	fr->pkts = xcalloc(n, sizeof *fr->pkts);
	for (size_t i = 0; i < n; i++) {
		fr->pkts[i].data = fr->mem + i * PBB_FRAME_STRIDE + PKT_EDIT_HEADROOM;
		fr->pkts[i].len = PBB_FRAME_LEN;
		fr->pkts[i].headroom = PKT_EDIT_HEADROOM;
	}
}

void pbb_frames_free(struct pbb_frames *fr)
{
	if (!fr)
		return;
	free(fr->mem);
	free(fr->pkts);
	memset(fr, 0, sizeof *fr);
}

void pbb_frame_write(struct pbb_frames *fr, size_t i, const struct pbb_tuple *t)
{
	uint8_t *p = fr->pkts[i].data, *ip = p + 14, *udp = ip + 20;
	uint32_t l4_len = PBB_FRAME_LEN - 14 - 20;
	uint16_t check;

	/* The frames already carry the addresses the route actions write, so
	 * the edit rewrites the same bytes every pass and flows stay put. */
	pbb_nexthop_mac((t->nw_dst >> 8) & 0xff, p);
	memcpy(p + 6, pbb_router_mac, 6);
	pb_put_be16(p + 12, 0x0800);

	memset(ip, 0, 20);
	ip[0] = 0x45;
	pb_put_be16(ip + 2, (uint16_t)(20 + l4_len));
	ip[8] = 64;
	ip[9] = FLOW_IPPROTO_UDP;
	pb_put_be32(ip + 12, t->nw_src);
	pb_put_be32(ip + 16, t->nw_dst);
	pb_put_be16(ip + 10, csum(ip, 20));

	pb_put_be16(udp, t->tp_src);
	pb_put_be16(udp + 2, t->tp_dst);
	pb_put_be16(udp + 4, (uint16_t)l4_len);
	pb_put_be16(udp + 6, 0);
	for (uint32_t b = 8; b < l4_len; b++)
		udp[b] = (uint8_t)(i + b);
	check = csum_finish(csum_partial(
	        udp, l4_len, csum_pseudo_ipv4(t->nw_src, t->nw_dst, FLOW_IPPROTO_UDP, l4_len)));
	pb_put_be16(udp + 6, check ? check : 0xffff);
}

/* ---- the data path ---- */

#define PBB_N_ACL    16
#define PBB_N_ROUTES 256
#define PBB_N_PORTS  5

static void pbb_flow_add(struct ofproto *br, const char *text)
{
	struct flow_text_mod fm;
	struct errmsg err;

	if (flow_text_parse(text, FLOW_TEXT_ADD, ofproto_port_names(br), &fm, &err) ||
	    ofproto_flow_mod(br, FLOW_TEXT_ADD, false, &fm, &err)) {
		fprintf(stderr, "pipeline: cannot add '%s': %s\n", text, err.msg);
		abort();
	}
	flow_text_mod_uninit(&fm);
}

static void pbb_output(void *aux, uint32_t port, const struct pkt *pkt, unsigned flags,
                       const struct dp_tunnel_md *tun)
{
	struct pbb_dp *dp = aux;

	dp->out_packets++;
	dp->out_bytes += pkt->len;
}

static const struct dp_exec_ops pbb_exec_ops = {.output = pbb_output, .userspace = NULL};

struct pbb_dp *pbb_dp_create(void)
{
	struct pbb_dp *dp = xzalloc(sizeof *dp);
	struct dpfp_options o;
	struct errmsg err;
	char text[256];

	if (ofswitch_create("socket", &dp->sw, &err) ||
	    ofswitch_bridge_add(dp->sw, "br0", &dp->br, &err)) {
		fprintf(stderr, "pipeline: cannot create the bridge: %s\n", err.msg);
		abort();
	}
	for (uint32_t i = 1; i <= PBB_N_PORTS; i++) {
		snprintf(text, sizeof text, "p%u", i);
		if (ofproto_port_attach(dp->br, text, i, i, NULL))
			abort();
	}
	for (uint32_t i = 0; i < PBB_N_ACL; i++) {
		snprintf(text, sizeof text,
		         "priority=1000,udp,nw_src=192.168.0.%u,nw_dst=192.168.1.%u,tp_src=%u,"
		         "tp_dst=%u,actions=drop",
		         i, i, 1000 + i, 2000 + i);
		pbb_flow_add(dp->br, text);
	}
	for (uint32_t k = 0; k < PBB_N_ROUTES; k++) {
		uint8_t mac[6];

		pbb_nexthop_mac(k, mac);
		snprintf(text, sizeof text,
		         "priority=500,ip,nw_dst=10.1.%u.0/24,actions=mod_dl_src:02:00:00:00:00:01,"
		         "mod_dl_dst:%02x:%02x:%02x:%02x:%02x:%02x,output:%u",
		         k, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], 2 + k % 4);
		pbb_flow_add(dp->br, text);
	}
	pbb_flow_add(dp->br, "priority=100,ip,nw_dst=10.0.0.0/8,actions=output:2");
	pbb_flow_add(dp->br, "priority=0,actions=drop"); /* replaces the default NORMAL */

	/* The upcall limit off: the bench measures what the slow path can do
	 * (the default limit is DPFP_UPCALL_RATE per thread). */
	dp->fp = dpfp_create(ofswitch_upcall, xcache_free, dp->sw);
	dpfp_get_options(dp->fp, &o);
	o.upcall_rate = 0;
	dpfp_set_options(dp->fp, &o);
	dp->ctx = dpfp_ctx_create(dp->fp);
	return dp;
}

void pbb_dp_destroy(struct pbb_dp *dp)
{
	if (!dp)
		return;
	dpfp_ctx_destroy(dp->ctx);
	dpfp_destroy(dp->fp); /* releases the rule references first */
	ofswitch_destroy(dp->sw);
	free(dp);
}

void pbb_dp_process(struct pbb_dp *dp, struct pkt *pkts, size_t n)
{
	rcu_read_lock();
	dpfp_process(dp->ctx, PBB_IN_PORT, pkts, n, &pbb_exec_ops, dp, NULL);
	rcu_read_unlock();
}

void pbb_dp_stats(struct pbb_dp *dp, struct dpif_stats *st)
{
	dpfp_get_stats(dp->fp, st);
}

void pbb_dp_set_emc(struct pbb_dp *dp, bool on)
{
	struct dpfp_options o;

	dpfp_get_options(dp->fp, &o);
	o.emc_insert_inv_prob = on ? DPFP_EMC_INSERT_INV_PROB : 0;
	dpfp_set_options(dp->fp, &o);
}

static enum dpif_sweep_verdict pbb_single_cb(void *aux, const struct dpif_flow *f,
                                             struct dp_actions *new_actions, void **new_userdata)
{
	size_t *n = aux;

	if (f->stats.packets > 1)
		return DPIF_SWEEP_KEEP;
	(*n)++;
	return DPIF_SWEEP_DELETE;
}

size_t pbb_dp_remove_singles(struct pbb_dp *dp)
{
	size_t n = 0;

	dpfp_flow_sweep(dp->fp, pbb_single_cb, &n, 0);
	return n;
}
