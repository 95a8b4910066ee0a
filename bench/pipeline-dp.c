/* pipeline-dp.c - the data path bench/pipeline measures (see pipeline-dp.h):
 * prebuilt frames, the modelled OpenFlow rule set and upcall, and a batch
 * loop with the same steps as src/dpif/dp-fastpath.c. */
#include "pipeline-dp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <urcu.h>

#include "lib/csum.h"
#include "lib/packet-edit.h"
#include "lib/util.h"

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

/* ---- rule set ---- */

#define PBB_N_ACL    16
#define PBB_N_ROUTES 256

static void pbb_rule_add(struct pbb_rules *rs, const struct flow *key, const struct flow *mask,
                         int32_t priority)
{
	struct pbb_rule *r = &rs->rules[rs->n++];

	cls_rule_init(&r->cr, key, mask, priority, r);
	if (classifier_insert(&rs->cls, &r->cr))
		abort(); /* the rule set has no duplicates */
}

void pbb_rules_init(struct pbb_rules *rs)
{
	struct flow key, mask;
	size_t cap = PBB_N_ACL + PBB_N_ROUTES + 2;

	classifier_init(&rs->cls);
	rs->rules = xcalloc(cap, sizeof *rs->rules);
	rs->n = 0;
	for (size_t i = 0; i < cap; i++)
		dp_actions_init(&rs->rules[i].actions);

	/* ACL: exact 5-tuple drops. */
	memset(&mask, 0, sizeof mask);
	mask.dl_type = 0xffff;
	mask.nw_proto = 0xff;
	mask.nw_src = mask.nw_dst = UINT32_MAX;
	mask.tp_src = mask.tp_dst = 0xffff;
	for (uint32_t i = 0; i < PBB_N_ACL; i++) {
		memset(&key, 0, sizeof key);
		key.dl_type = 0x0800;
		key.nw_proto = FLOW_IPPROTO_UDP;
		key.nw_src = 0xc0a80000u | i;
		key.nw_dst = 0xc0a80100u | i;
		key.tp_src = (uint16_t)(1000 + i);
		key.tp_dst = (uint16_t)(2000 + i);
		pbb_rule_add(rs, &key, &mask, 1000);
	}

	/* Routes: nw_dst=10.1.K.0/24 -> rewrite MACs, output. */
	memset(&mask, 0, sizeof mask);
	mask.dl_type = 0xffff;
	mask.nw_dst = 0xffffff00u;
	for (uint32_t k = 0; k < PBB_N_ROUTES; k++) {
		struct pbb_rule *r = &rs->rules[rs->n];
		uint8_t mac[6];

		memset(&key, 0, sizeof key);
		key.dl_type = 0x0800;
		key.nw_dst = 0x0a010000u | k << 8;
		pbb_nexthop_mac(k, mac);
		dp_actions_put_set_bytes(&r->actions, DP_FIELD_ETH_SRC, pbb_router_mac, NULL);
		dp_actions_put_set_bytes(&r->actions, DP_FIELD_ETH_DST, mac, NULL);
		dp_actions_put_output(&r->actions, 2 + k % 4);
		pbb_rule_add(rs, &key, &mask, 500);
	}

	/* Default route inside 10/8. */
	mask.nw_dst = 0xff000000u;
	key.nw_dst = 0x0a000000u;
	dp_actions_put_output(&rs->rules[rs->n].actions, 1);
	pbb_rule_add(rs, &key, &mask, 100);

	/* Table miss: drop (empty actions). */
	memset(&key, 0, sizeof key);
	memset(&mask, 0, sizeof mask);
	pbb_rule_add(rs, &key, &mask, 0);
}

void pbb_rules_destroy(struct pbb_rules *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->n; i++)
		classifier_remove(&rs->cls, &rs->rules[i].cr);
	rcu_barrier();
	classifier_destroy(&rs->cls);
	for (size_t i = 0; i < PBB_N_ACL + PBB_N_ROUTES + 2; i++)
		dp_actions_uninit(&rs->rules[i].actions);
	free(rs->rules);
	rs->rules = NULL;
	rs->n = 0;
}

/* ---- the data path ---- */

struct pbb_acts *pbb_acts_new(const struct dp_actions *acts)
{
	struct pbb_acts *a = xzalloc(sizeof *a + acts->size);

	a->size = acts->size;
	a->pad = 0;
	if (acts->size)
		memcpy(a->data, acts->data, acts->size);
	return a;
}

void pbb_acts_free(void *p)
{
	free(p);
}

struct pbb_dp *pbb_dp_create(const struct pbb_rules *rules, bool with_emc)
{
	struct pbb_dp *dp = xzalloc(sizeof *dp);

	dp->cache = megaflow_cache_create(pbb_acts_free);
	dp->emc = with_emc ? emc_create() : NULL;
	dp->rules = rules;
	return dp;
}

void pbb_dp_destroy(struct pbb_dp *dp)
{
	if (!dp)
		return;
	emc_destroy(dp->emc);
	rcu_barrier();
	megaflow_cache_destroy(dp->cache);
	free(dp->installed);
	free(dp);
}

static void pbb_track(struct pbb_dp *dp, struct megaflow *mf)
{
	if (dp->n_installed == dp->alloc_installed) {
		dp->alloc_installed = dp->alloc_installed ? 2 * dp->alloc_installed : 1024;
		dp->installed =
		        xrealloc(dp->installed, dp->alloc_installed * sizeof *dp->installed);
	}
	dp->installed[dp->n_installed++] = mf;
}

int pbb_dp_install(struct pbb_dp *dp, const struct flow *flow, const struct flow *mask,
                   const struct dp_actions *acts)
{
	struct pbb_acts *a = pbb_acts_new(acts);
	struct megaflow *mf;
	struct flow key;
	int error;

	flow_apply_mask(&key, flow, mask);
	error = megaflow_insert(dp->cache, &key, mask, a, &mf);
	if (error)
		pbb_acts_free(a);
	else if (dp->track)
		pbb_track(dp, mf);
	return error;
}

/* The modelled upcall: classify with wildcard tracking, install. */
static struct megaflow *pbb_upcall(struct pbb_dp *dp, const struct flow *flow)
{
	static const struct dp_actions drop; /* size 0 */
	const struct dp_actions *acts = &drop;
	const struct cls_rule *cr;
	struct megaflow *mf = NULL;
	struct pbb_acts *a;
	struct flow_wc wc;
	struct flow key;

	dp->c.upcalls++;
	memset(&wc, 0, sizeof wc);
	cr = classifier_lookup(&dp->rules->cls, flow, &wc);
	if (cr)
		acts = &((const struct pbb_rule *)cr->data)->actions;
	wc.masks.in_port = UINT32_MAX;
	flow_apply_mask(&key, flow, &wc.masks);
	a = pbb_acts_new(acts);
	if (megaflow_insert(dp->cache, &key, &wc.masks, a, &mf)) {
		pbb_acts_free(a); /* same megaflow already there: use it */
		dp->c.upcall_dups++;
	} else if (dp->track) {
		pbb_track(dp, mf);
	}
	return mf;
}

static void pbb_output(void *aux, uint32_t port, const struct pkt *pkt, unsigned flags,
                       const struct dp_tunnel_md *tun)
{
	struct pbb_dp *dp = aux;

	dp->c.out_packets++;
	dp->c.out_bytes += pkt->len;
}

static const struct dp_exec_ops pbb_exec_ops = {.output = pbb_output, .userspace = NULL};

void pbb_dp_process(struct pbb_dp *dp, struct pkt *pkts, size_t n)
{
	size_t n_miss = 0, n_up = 0;
	uint64_t now = time_msec();

	if (n > PKT_BATCH_MAX)
		n = PKT_BATCH_MAX;
	rcu_read_lock();
	for (size_t i = 0; i < n; i++) {
		struct flow *f = &dp->flows[i];

		flow_extract(&pkts[i], PBB_IN_PORT, f);
		if (dp->emc) {
			dp->hashes[i] = emc_flow_hash(f);
			dp->mfs[i] = emc_lookup(dp->emc, f, dp->hashes[i]);
		} else {
			dp->mfs[i] = NULL;
		}
		if (dp->mfs[i]) {
			dp->c.emc_hits++;
		} else {
			dp->miss_flows[n_miss] = f;
			dp->miss_idx[n_miss++] = i;
		}
	}

	if (n_miss) {
		megaflow_lookup_batch(dp->cache, dp->miss_flows, n_miss, dp->miss_mfs);
		for (size_t m = 0; m < n_miss; m++) {
			size_t i = dp->miss_idx[m];
			struct megaflow *mf = dp->miss_mfs[m];

			if (!mf && n_up) /* an upcall of this batch may cover it */
				mf = megaflow_lookup(dp->cache, &dp->flows[i]);
			if (mf) {
				dp->c.megaflow_hits++;
			} else {
				n_up++;
				mf = pbb_upcall(dp, &dp->flows[i]);
			}
			if (mf && dp->emc)
				emc_insert(dp->emc, &dp->flows[i], dp->hashes[i], mf);
			dp->mfs[i] = mf;
		}
	}

	/* Execute in arrival order; account runs of one megaflow at once. */
	for (size_t i = 0; i < n;) {
		struct megaflow *mf = dp->mfs[i];
		uint32_t bytes = 0, cnt = 0;
		size_t j = i;

		for (; j < n && dp->mfs[j] == mf; j++) {
			bytes += pkts[j].len;
			cnt++;
			if (mf) {
				const struct pbb_acts *a = megaflow_actions(mf);

				if (a->size)
					dp_execute_raw(&pkts[j], NULL, a->data, a->size,
					               &pbb_exec_ops, dp);
			}
		}
		if (mf)
			megaflow_account(mf, cnt, bytes, now);
		i = j;
	}
	rcu_read_unlock();
}

void pbb_dp_remove_installed(struct pbb_dp *dp)
{
	for (size_t i = 0; i < dp->n_installed; i++)
		megaflow_remove(dp->cache, dp->installed[i]);
	dp->n_installed = 0;
}
