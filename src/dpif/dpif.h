/* dpif.h - the datapath interface: where packets are forwarded.
 *
 * A dpif owns the forwarding thread(s), a set of ports (netdevs it polls,
 * numbered with datapath port numbers) and a megaflow cache: (key, mask) ->
 * datapath actions (lib/dp-actions.h) plus counters.  It knows nothing of
 * bridges or OpenFlow.  A received packet is looked up in the thread's
 * exact-match cache, then in the megaflow cache; on a miss the datapath asks
 * the slow path (the upcall callback, implemented by ofproto), installs the
 * answer as a megaflow and executes it.  See docs/pipeline.md.
 *
 * Threads and locking: dpif_open/close/port_*, the flow functions and
 * dpif_execute run on a control thread (any one thread at a time, or
 * serialized by the caller); the upcall runs on a datapath thread.
 * Callbacks of dpif_flow_sweep() run on the sweeping thread while the
 * megaflow cache is locked against installs.  port_del and dpif_close wait
 * for the datapath threads (an RCU grace period), so the caller must not
 * hold a lock that the upcall takes when calling them. */
#ifndef PB_DPIF_H
#define PB_DPIF_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/dp-actions.h"
#include "lib/flow.h"
#include "lib/packet.h"
#include "lib/util.h"
#include "netdev/netdev.h"

struct dpif;

#define DPIF_MAX_PORTS 1024
#define DPIF_PORT_NONE UINT32_MAX

/* Megaflows not hit for this long are removed by dpif_flow_sweep() callers
 * (ofproto's revalidation) - the datapath itself never expires entries. */
#define DPIF_FLOW_IDLE_MS 10000u

/* One upcall: a packet that missed the caches. */
struct dpif_upcall {
	const struct flow *flow; /* flow_extract() of the packet; in_port = datapath port */
	const struct pkt *pkt;
	/* Filled by the callback (both arrive empty / zeroed). */
	struct dp_actions *actions;
	struct flow_wc *wc; /* every bit of 'flow' the decision depended on */
	/* Opaque slow-path data stored with the megaflow (NULL: none), handed
	 * back by dpif_flow_sweep() and freed with the 'free_userdata'
	 * callback of dpif_open().  Set by the callback; freed by the datapath
	 * if the megaflow is not installed. */
	void *userdata;
};

/* Called on a datapath thread for a packet that missed the caches.  Returns
 * true if (flow & wc, wc) -> actions may be cached as a megaflow, false to
 * execute the actions for this packet only.  Must not block for long and
 * must not call back into the dpif. */
typedef bool dpif_upcall_fn(void *aux, struct dpif_upcall *up);
/* Frees a dpif_upcall.userdata; may run on any thread. */
typedef void dpif_userdata_free_fn(void *userdata);

/* Registers the calling thread with liburcu (memb flavour) unless this
 * function already did; control threads that call into a dpif (or into
 * RCU-protected structures of the slow path) need it.  Never unregisters. */
void dpif_register_thread(void);

/* Opens a datapath of 'type' ("socket") and starts its thread.  Registers
 * the calling thread (dpif_register_thread()).  Returns 0 or -errno
 * (-ENOENT for an unknown type) with 'err' filled. */
int dpif_open(const char *type, dpif_upcall_fn *upcall, dpif_userdata_free_fn *free_userdata,
              void *aux, struct dpif **out, struct errmsg *err);
/* Stops the threads and frees the dpif and its megaflows (NULL is fine).
 * Ports must have been deleted; netdevs are never closed by the dpif (the
 * caller owns them). */
void dpif_close(struct dpif *dpif);

/* Adds 'dev' (owned by the caller, who keeps it open until port_del returns)
 * and returns its datapath port number in '*port_no'.  0 or -errno. */
int dpif_port_add(struct dpif *dpif, struct netdev *dev, uint32_t *port_no);
/* Stops polling and transmitting on 'port_no'; returns when no datapath
 * thread touches it any more.  0 or -ENOENT. */
int dpif_port_del(struct dpif *dpif, uint32_t port_no);

const char *dpif_type(const struct dpif *dpif);

/* The datapath's capture taps (dpif/dp-capture.h), or NULL if this data
 * plane cannot capture. */
struct dpcap *dpif_capture(struct dpif *dpif);

/* ---- megaflows ---- */

struct dpif_flow_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t used; /* time_msec() of the last hit, 0 if never */
};

/* A megaflow as dpif_flow_sweep() shows it. */
struct dpif_flow {
	struct flow key; /* masked */
	struct flow mask;
	const void *actions; /* encoded dp actions (dp_execute_raw form) */
	size_t actions_len;
	void *userdata;               /* as the upcall left it */
	struct dpif_flow_stats stats; /* totals */
	/* With DPIF_SWEEP_DELTAS: packets/bytes since the previous
	 * DPIF_SWEEP_DELTAS sweep (or the install); otherwise 0. */
	uint64_t delta_packets, delta_bytes;
};

enum dpif_sweep_verdict {
	DPIF_SWEEP_KEEP,
	DPIF_SWEEP_MODIFY, /* replace the actions with '*new_actions' (and
	                    * the userdata with '*new_userdata') */
	DPIF_SWEEP_DELETE,
};

/* 'new_actions' arrives empty (initialized); 'new_userdata' arrives NULL.
 * With MODIFY, '*new_userdata' becomes the flow's userdata (NULL: none;
 * f->userdata: keep the current one; the replaced one is freed).  With
 * KEEP or DELETE a non-NULL '*new_userdata' other than f->userdata is
 * freed. */
typedef enum dpif_sweep_verdict dpif_sweep_fn(void *aux, const struct dpif_flow *f,
                                              struct dp_actions *new_actions, void **new_userdata);

#define DPIF_SWEEP_DELTAS 0x1 /* report and restart the per-flow deltas */

/* Calls 'fn' for every megaflow while installs are held off, applying its
 * verdicts.  Any upcall whose translation began before this call started
 * is not installed (its packet is still forwarded), so a caller that
 * changed the slow path's state before sweeping leaves no stale megaflow
 * behind.  Returns the number of megaflows visited. */
size_t dpif_flow_sweep(struct dpif *dpif, dpif_sweep_fn *fn, void *aux, unsigned flags);
/* Removes every megaflow. */
void dpif_flow_flush(struct dpif *dpif);
/* Installs a megaflow directly (tests, preinstalled flows).  'actions' is
 * copied; 'userdata' is owned by the dpif from now on (also on failure).
 * 0 or -EEXIST. */
int dpif_flow_put(struct dpif *dpif, const struct flow *key, const struct flow *mask,
                  const struct dp_actions *actions, void *userdata);
/* Removes the megaflow with exactly this key (masked here) and mask.  0 or
 * -ENOENT. */
int dpif_flow_del(struct dpif *dpif, const struct flow *key, const struct flow *mask);
/* Replaces its actions.  0 or -ENOENT. */
int dpif_flow_set_actions(struct dpif *dpif, const struct flow *key, const struct flow *mask,
                          const struct dp_actions *actions);
size_t dpif_flow_count(struct dpif *dpif);

/* Waits until no datapath thread can still be using a megaflow's previous
 * actions or forwarding a packet it looked up before this call. */
void dpif_flow_quiesce(struct dpif *dpif);

/* ---- packets from the control thread ---- */

/* Executes 'actions' on a copy of 'pkt' as if it had been received on
 * 'in_port' (DPIF_PORT_NONE: no port), on a datapath thread (the copy is
 * queued; it is sent shortly after the call returns).  For PACKET_OUT.
 * 0, -EINVAL (too long) or -ENOBUFS (queue full). */
int dpif_execute(struct dpif *dpif, uint32_t in_port, const struct pkt *pkt,
                 const struct dp_actions *actions);

/* Runs 'pkt' through the datapath's caches and upcall exactly as a packet
 * received on 'in_port' would be (exact-match cache of a control-side
 * context, megaflow lookup, rate-limited upcall, install), editing it in
 * place, but hands the resulting outputs to 'ops' instead of transmitting.
 * For tests and tools that check the fast path against the slow path.
 * Returns 1 if the caches answered, 0 after an upcall, -EAGAIN if the upcall
 * was refused by the rate limit (packet dropped). */
int dpif_receive(struct dpif *dpif, uint32_t in_port, struct pkt *pkt,
                 const struct dp_exec_ops *ops, void *aux);

/* ---- meters (DP_ACTION_METER) ----
 *
 * A meter is a set of bands, each a token bucket filled at 'rate' (kbit/s,
 * or packets/s with 'pktps') up to 'burst' (kbit or packets; 0 = the
 * default: a tenth of a second of the rate, at least one 1500-byte frame
 * or one packet).  Every packet takes tokens from each band that has
 * enough; among the bands that had too few, the one with the highest rate
 * applies (OpenFlow: "the band with the highest rate below the measured
 * rate"): DROP drops the packet, DSCP_REMARK raises the AF drop precedence
 * of an IPv4/IPv6 packet by 'prec_level'.  Ids are 0..DPIF_MAX_METERS-1,
 * shared by every user of the dpif.  Control thread. */
#define DPIF_MAX_METERS      65536u
#define DPIF_METER_MAX_BANDS 8

enum dpif_meter_band_type { DPIF_METER_BAND_DROP = 1, DPIF_METER_BAND_DSCP_REMARK = 2 };

struct dpif_meter_band {
	uint8_t type; /* enum dpif_meter_band_type */
	uint8_t prec_level;
	uint32_t rate;
	uint32_t burst;
};

struct dpif_meter_config {
	bool pktps; /* rates in packets/s, else kbit/s */
	uint32_t n_bands;
	struct dpif_meter_band bands[DPIF_METER_MAX_BANDS];
};

struct dpif_meter_stats {
	uint64_t packets, bytes; /* every packet the meter saw */
	uint32_t n_bands;
	struct {
		uint64_t packets, bytes; /* packets the band applied to */
	} bands[DPIF_METER_MAX_BANDS];
};

/* Creates or replaces meter 'id' (counters are kept when replacing).
 * 0 or -EINVAL. */
int dpif_meter_set(struct dpif *dpif, uint32_t id, const struct dpif_meter_config *cfg);
/* 0 or -ENOENT. */
int dpif_meter_del(struct dpif *dpif, uint32_t id);
/* 0 or -ENOENT. */
int dpif_meter_get_stats(struct dpif *dpif, uint32_t id, struct dpif_meter_stats *stats);
/* Tests: freezes the meters' clock at 'now_ns' (0: the real clock). */
void dpif_meter_set_clock(struct dpif *dpif, uint64_t now_ns);

/* ---- packets of the userspace action ----
 *
 * A packet that executes DP_ACTION_USERSPACE is counted (dpif_stats
 * .userspace) and, while enabled, copied with its flow into a bounded queue
 * (DPIF_USERSPACE_QUEUE packets; when full the packet is dropped and
 * counted in .userspace_dropped: the datapath thread never waits).  The
 * slow path reads them on the control thread. */
#define DPIF_USERSPACE_QUEUE 1024u

struct dpif_userspace_packet {
	uint64_t cookie;  /* the action's */
	struct flow flow; /* as extracted at reception (in_port = datapath port,
	                   * DPIF_PORT_NONE for dpif_execute without a port) */
	uint32_t len;
	uint8_t data[]; /* the packet as edited up to the action */
};

/* Queueing is off after dpif_open() (packets are only counted). */
void dpif_userspace_enable(struct dpif *dpif, bool enable);
/* A descriptor (eventfd) readable while the queue is not empty. */
int dpif_userspace_fd(const struct dpif *dpif);
/* Takes up to 'max' queued packets (oldest first); free() each.  Returns
 * how many; the descriptor stays readable if more remain. */
size_t dpif_userspace_recv(struct dpif *dpif, struct dpif_userspace_packet **pkts, size_t max);

/* Datapath counters. */
struct dpif_stats {
	uint64_t emc_hits;
	uint64_t megaflow_hits;
	uint64_t upcalls;           /* misses handed to the slow path */
	uint64_t upcall_dropped;    /* misses dropped by the upcall rate limit */
	uint64_t userspace;         /* packets sent to the userspace action */
	uint64_t userspace_dropped; /* of those, dropped because the queue was full */
	uint64_t n_flows;
};
void dpif_get_stats(struct dpif *dpif, struct dpif_stats *stats);

#endif
