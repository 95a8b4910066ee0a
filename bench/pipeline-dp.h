/* pipeline-dp.h - the in-memory data path that bench/pipeline measures: a
 * copy of the per-batch structure of src/dpif/dp-fastpath.c built only from
 * src/lib (extract, EMC, megaflow batch lookup, upcall, dp_execute_raw),
 * plus a modelled slow path and the prebuilt 64-byte UDP/IPv4 frames.
 *
 * The slow path is a model, not ofproto's xlate: an upcall is a
 * classifier_lookup() with wildcard tracking over a small OpenFlow-like rule
 * set (see pbb_rules_init()), the rule's prebuilt actions copied into a
 * megaflow entry (key = flow & wc, in_port exact) and megaflow_insert().
 *
 * Threads: everything runs on the calling thread, which must be registered
 * with liburcu; pbb_dp_process() takes rcu_read_lock() itself. */
#ifndef PB_BENCH_PIPELINE_DP_H
#define PB_BENCH_PIPELINE_DP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/classifier.h"
#include "lib/dp-actions.h"
#include "lib/emc.h"
#include "lib/flow.h"
#include "lib/megaflow.h"
#include "lib/packet.h"

#define PBB_FRAME_LEN    64 /* bytes of every frame (Ethernet header to payload end) */
#define PBB_FRAME_STRIDE 80 /* headroom + frame + pad, keeps frames 16-byte aligned */
#define PBB_IN_PORT      1u

/* ---- frames ---- */

/* 'n' frames in one allocation; pkts[i] describes frame i. */
struct pbb_frames {
	uint8_t *mem;
	struct pkt *pkts;
	size_t n;
};

/* The 5-tuple of flow number 'id' (distinct for every id < 2^36). */
struct pbb_tuple {
	uint32_t nw_src, nw_dst;
	uint16_t tp_src, tp_dst;
};

/* Routed traffic (to the rule set of pbb_rules_init()): nw_dst in
 * 10.1.0.0/16, every /24 used. */
void pbb_tuple_routed(uint64_t id, struct pbb_tuple *t);
/* Traffic for the 8-mask test: nw_dst's first octet is 20 + id % 8. */
void pbb_tuple_masked8(uint64_t id, struct pbb_tuple *t);

void pbb_frames_alloc(struct pbb_frames *fr, size_t n);
void pbb_frames_free(struct pbb_frames *fr);
/* Writes frame 'i' as a UDP/IPv4 packet with tuple 't' (valid checksums). */
void pbb_frame_write(struct pbb_frames *fr, size_t i, const struct pbb_tuple *t);

/* ---- rule set (the modelled OpenFlow table) ---- */

struct pbb_rule {
	struct cls_rule cr;
	struct dp_actions actions;
};

struct pbb_rules {
	struct classifier cls;
	struct pbb_rule *rules;
	size_t n;
};

/* 16 exact 5-tuple ACL drops at priority 1000 (no test traffic matches
 * them, but every lookup probes them, so megaflows are exact 5-tuples as an
 * OVS ACL makes them), 256 routes "ip,nw_dst=10.1.K.0/24 ->
 * set(eth_dst=next hop K), output:2+K%4" at 500, "ip,nw_dst=10.0.0.0/8 ->
 * output:1" at 100 and a drop-all at 0. */
void pbb_rules_init(struct pbb_rules *rs);
void pbb_rules_destroy(struct pbb_rules *rs);

/* ---- the data path ---- */

/* What a megaflow's actions pointer holds: the same layout as dp-fastpath's
 * 'struct dpfp_acts' (the first four fields are unused here), so the memory
 * per megaflow counts what the daemon stores. */
struct pbb_acts {
	void *free_userdata;
	void *userdata;
	uint64_t credited_packets;
	uint64_t credited_bytes;
	uint32_t size;
	uint32_t pad;
	uint64_t data[];
};

struct pbb_acts *pbb_acts_new(const struct dp_actions *acts);
void pbb_acts_free(void *p);

struct pbb_counters {
	uint64_t emc_hits, megaflow_hits, upcalls, upcall_dups;
	uint64_t out_packets, out_bytes;
};

struct pbb_dp {
	struct megaflow_cache *cache;
	struct emc *emc;               /* NULL: EMC disabled */
	const struct pbb_rules *rules; /* the slow path's table */
	struct pbb_counters c;
	/* Megaflows installed by upcalls, recorded while 'track' is set. */
	bool track;
	struct megaflow **installed;
	size_t n_installed, alloc_installed;
	/* Per-batch scratch. */
	struct flow flows[PKT_BATCH_MAX];
	uint32_t hashes[PKT_BATCH_MAX];
	struct megaflow *mfs[PKT_BATCH_MAX];
	const struct flow *miss_flows[PKT_BATCH_MAX];
	struct megaflow *miss_mfs[PKT_BATCH_MAX];
	size_t miss_idx[PKT_BATCH_MAX];
};

/* A data path with an empty megaflow cache; 'with_emc' false disables the
 * EMC (lookups go straight to the megaflow cache). */
struct pbb_dp *pbb_dp_create(const struct pbb_rules *rules, bool with_emc);
/* NULL is fine.  Waits for pending RCU callbacks first. */
void pbb_dp_destroy(struct pbb_dp *dp);

/* Forwards 'n' (<= PKT_BATCH_MAX) packets received on PBB_IN_PORT: EMC,
 * megaflow lookup, upcall + install on a miss, execution in place. */
void pbb_dp_process(struct pbb_dp *dp, struct pkt *pkts, size_t n);

/* Removes the megaflows recorded in dp->installed and forgets them (outside
 * rcu_read_lock()). */
void pbb_dp_remove_installed(struct pbb_dp *dp);

/* Installs the megaflow 'flow & mask' with 'acts' (no upcall); returns 0 or
 * -EEXIST (then nothing changed). */
int pbb_dp_install(struct pbb_dp *dp, const struct flow *flow, const struct flow *mask,
                   const struct dp_actions *acts);

#endif
