/* dp-fastpath.h - the fast path shared by the userspace data planes: flow
 * extraction, the per-thread exact-match cache, the megaflow cache, the
 * rate-limited upcall with megaflow install, and execution of the cached
 * actions.  A provider (dpif-socket.c) owns the I/O and calls
 * dpfp_process() for each received batch.
 *
 * Threads: one 'struct dpfp' per datapath, one 'struct dpfp_ctx' per thread
 * that processes packets.  dpfp_process() runs inside rcu_read_lock() on a
 * registered thread.  The flow functions (sweep, flush, put, del...) are
 * the control side: they take the install lock (never held across an
 * upcall), so they may run on any registered thread. */
#ifndef PB_DP_FASTPATH_H
#define PB_DP_FASTPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpif/dpif.h"
#include "lib/dp-actions.h"
#include "lib/packet.h"

struct dpfp;
struct dpfp_ctx;
struct dp_meters;
struct dp_uqueue;

/* Tunables of one datapath (see docs/pipeline.md). */
struct dpfp_options {
	/* Upcall limit per context (thread): a token bucket of 'upcall_burst'
	 * upcalls refilled at 'upcall_rate' per second; misses beyond it are
	 * dropped and counted.  'upcall_rate' 0: unlimited. */
	uint32_t upcall_rate;
	uint32_t upcall_burst;
	/* A megaflow hit is copied into the EMC with probability
	 * 1/'emc_insert_inv_prob' (1: always; 0: EMC off, not even looked up).
	 * Upcall answers and a context's first EMC_ENTRIES/2 insertions are
	 * always inserted. */
	uint32_t emc_insert_inv_prob;
};

#define DPFP_UPCALL_RATE         400000u
#define DPFP_UPCALL_BURST        4096u
#define DPFP_EMC_INSERT_INV_PROB 100u

/* Fills 'o' with the defaults above. */
void dpfp_options_default(struct dpfp_options *o);

struct dpfp *dpfp_create(dpif_upcall_fn *upcall, dpif_userdata_free_fn *free_userdata, void *aux);
/* Sets the tunables (dpfp_create() starts with the defaults).  Any thread;
 * each context applies them from its next batch on.  'burst' 0 counts as 1. */
void dpfp_set_options(struct dpfp *fp, const struct dpfp_options *o);
void dpfp_get_options(struct dpfp *fp, struct dpfp_options *o);
/* The meter table that DP_ACTION_METER runs and the queue that
 * DP_ACTION_USERSPACE copies packets into (owned by the caller, who keeps
 * them until dpfp_destroy()); call before any packet is processed.
 * Without them meters pass every packet and the userspace action only
 * counts. */
void dpfp_set_services(struct dpfp *fp, struct dp_meters *meters, struct dp_uqueue *uqueue);
/* Frees the cache and every megaflow; no context may remain.  NULL is fine. */
void dpfp_destroy(struct dpfp *fp);

struct dpfp_ctx *dpfp_ctx_create(struct dpfp *fp);
/* Releases the context's EMC references.  NULL is fine. */
void dpfp_ctx_destroy(struct dpfp_ctx *ctx);

/* Forwards 'n' (<= PKT_BATCH_MAX) packets received on 'in_port': each is
 * looked up (EMC, megaflows, upcall) and its actions executed in place
 * through 'ops' (see dp_execute()), in arrival order.  If 'n_upcalls' is not
 * NULL it receives the number of upcalls made.  Returns the number of
 * packets answered by the caches. */
size_t dpfp_process(struct dpfp_ctx *ctx, uint32_t in_port, struct pkt *pkts, size_t n,
                    const struct dp_exec_ops *ops, void *aux, size_t *n_upcalls);
/* As dpfp_process() for packets received on a tunnel port: 'tnl' (NULL for
 * none) has each packet's tunnel metadata, which goes into its flow. */
size_t dpfp_process_tnl(struct dpfp_ctx *ctx, uint32_t in_port, struct pkt *pkts,
                        const struct pkt_tnl *tnl, size_t n, const struct dp_exec_ops *ops,
                        void *aux, size_t *n_upcalls);
/* As dpfp_process() for one packet; returns 1 (cache hit), 0 (upcall) or
 * -EAGAIN (rate limited: dropped). */
int dpfp_process_one(struct dpfp_ctx *ctx, uint32_t in_port, struct pkt *pkt,
                     const struct dp_exec_ops *ops, void *aux);

/* Executes 'acts' on 'pkt' (received on 'in_port', DPIF_PORT_NONE for
 * none) with the meters and userspace queue of the fast path, outputs to
 * 'ops' (dpif_execute()).  Returns as dp_execute(). */
int dpfp_execute_actions(struct dpfp_ctx *ctx, uint32_t in_port, struct pkt *pkt,
                         const struct dp_actions *acts, const struct dp_exec_ops *ops, void *aux);

/* Releases dead EMC entries now and then (call from the thread's idle
 * loop). */
void dpfp_ctx_sweep(struct dpfp_ctx *ctx);

/* Control side: see the dpif_flow_* functions in dpif.h. */
size_t dpfp_flow_sweep(struct dpfp *fp, dpif_sweep_fn *fn, void *aux, unsigned flags);
void dpfp_flow_flush(struct dpfp *fp);
int dpfp_flow_put(struct dpfp *fp, const struct flow *key, const struct flow *mask,
                  const struct dp_actions *actions, void *userdata);
int dpfp_flow_del(struct dpfp *fp, const struct flow *key, const struct flow *mask);
int dpfp_flow_set_actions(struct dpfp *fp, const struct flow *key, const struct flow *mask,
                          const struct dp_actions *actions);
size_t dpfp_flow_count(struct dpfp *fp);
/* Number of distinct megaflow masks (subtables) in the cache. */
size_t dpfp_flow_n_masks(struct dpfp *fp);

/* Counters summed over every context (approximate while threads run). */
void dpfp_get_stats(struct dpfp *fp, struct dpif_stats *stats);
/* Counts a packet handed to the userspace action. */
void dpfp_count_userspace(struct dpfp_ctx *ctx);

#endif
