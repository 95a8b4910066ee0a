/* dp-meter.h - the datapath's meter table: OpenFlow-style meters (token
 * bucket bands, drop or DSCP remark) that the DP_ACTION_METER action runs
 * in the fast path.  Behind dpif_meter_*() (dpif.h); one table per dpif,
 * shared by all bridges (ofproto allocates the datapath meter ids).
 *
 * Threads: dp_meters_execute() runs on datapath threads inside an RCU
 * read-side section and finds a meter with one acquire load (no lock on
 * the table); a meter's buckets and counters are updated under its own
 * spinlock (held for a few dozen instructions).  set/del/get_stats run on
 * a control thread (registered with liburcu): set publishes a new meter
 * (counters carried over) and frees the old one after a grace period. */
#ifndef PB_DP_METER_H
#define PB_DP_METER_H

#include <stdint.h>

#include "dpif/dpif.h"
#include "lib/packet.h"

struct dp_meters;

struct dp_meters *dp_meters_create(void);
/* No reader may remain.  NULL is fine. */
void dp_meters_destroy(struct dp_meters *m);

/* 0, -EINVAL (id >= DPIF_MAX_METERS, no band, too many bands, rate 0). */
int dp_meters_set(struct dp_meters *m, uint32_t id, const struct dpif_meter_config *cfg);
/* 0 or -ENOENT. */
int dp_meters_del(struct dp_meters *m, uint32_t id);
int dp_meters_get_stats(struct dp_meters *m, uint32_t id, struct dpif_meter_stats *stats);

/* The meters' clock: real (CLOCK_MONOTONIC) unless frozen by
 * dp_meters_set_clock() (tests; 0 goes back to the real clock). */
void dp_meters_set_clock(struct dp_meters *m, uint64_t now_ns);
uint64_t dp_meters_now(const struct dp_meters *m);

/* Runs 'pkt' through meter 'id' at time 'now_ns' (dp_meters_now(), read
 * once per batch): returns DP_METER_DROP, 0 (pass) or the DSCP precedence
 * levels to add (see dp_exec_ops.meter).  A missing meter passes. */
int dp_meters_execute(struct dp_meters *m, uint32_t id, const struct pkt *pkt, uint64_t now_ns);

#endif
