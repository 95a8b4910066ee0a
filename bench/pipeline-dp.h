/* pipeline-dp.h - what bench/pipeline measures: the daemon's own fast path
 * (src/dpif/dp-fastpath.c) driven in memory, with the real slow path behind
 * it (an ofswitch bridge with device-less ports, an OpenFlow rule set added
 * through ofproto_flow_mod(), ofswitch_upcall() as the upcall), plus the
 * prebuilt 64-byte UDP/IPv4 frames.
 *
 * Threads: everything runs on the calling thread, which must be registered
 * with liburcu; pbb_dp_process() takes rcu_read_lock() itself. */
#ifndef PB_BENCH_PIPELINE_DP_H
#define PB_BENCH_PIPELINE_DP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpif/dp-fastpath.h"
#include "lib/flow.h"
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

/* Routed traffic (to the routes of pbb_dp_create()): nw_dst in
 * 10.1.0.0/16, every /24 used. */
void pbb_tuple_routed(uint64_t id, struct pbb_tuple *t);
/* Traffic for the 8-mask test: nw_dst's first octet is 20 + id % 8. */
void pbb_tuple_masked8(uint64_t id, struct pbb_tuple *t);

void pbb_frames_alloc(struct pbb_frames *fr, size_t n);
void pbb_frames_free(struct pbb_frames *fr);
/* Writes frame 'i' as a UDP/IPv4 packet with tuple 't' (valid checksums). */
void pbb_frame_write(struct pbb_frames *fr, size_t i, const struct pbb_tuple *t);

/* ---- the data path ---- */

struct ofswitch;
struct ofproto;

/* The rule set of bridge "br0" (ports p1..p5 = datapath ports 1..5):
 * 16 exact 5-tuple UDP ACL drops at priority 1000 (no test traffic matches
 * them, but every lookup probes them, so megaflows are exact 5-tuples as an
 * OVS ACL makes them), 256 routes "ip,nw_dst=10.1.K.0/24 ->
 * mod_dl_src:router, mod_dl_dst:next hop K, output:2+K%4" at 500,
 * "ip,nw_dst=10.0.0.0/8 -> output:2" at 100 and a drop-all at 0. */
struct pbb_dp {
	struct ofswitch *sw;
	struct ofproto *br;
	struct dpfp *fp;
	struct dpfp_ctx *ctx;
	uint64_t out_packets, out_bytes; /* counted by the output callback */
};

/* The switch, bridge, ports and rules above and a dpfp with one context,
 * default options.  Aborts on error (a bench, not a daemon). */
struct pbb_dp *pbb_dp_create(void);
/* NULL is fine. */
void pbb_dp_destroy(struct pbb_dp *dp);

/* Forwards 'n' (<= PKT_BATCH_MAX) packets received on PBB_IN_PORT through
 * dpfp_process(). */
void pbb_dp_process(struct pbb_dp *dp, struct pkt *pkts, size_t n);

/* Counters of the dpfp (dpfp_get_stats()). */
void pbb_dp_stats(struct pbb_dp *dp, struct dpif_stats *st);

/* Turns the EMC off (no lookup, no insert) or back on with the default
 * insertion probability. */
void pbb_dp_set_emc(struct pbb_dp *dp, bool on);

/* Removes the megaflows that forwarded at most one packet (the 10% misses
 * of a repetition); returns how many.  Outside rcu_read_lock(). */
size_t pbb_dp_remove_singles(struct pbb_dp *dp);

#endif
