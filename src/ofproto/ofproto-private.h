/* ofproto-private.h - the live state behind ofproto.h, shared by the files
 * of src/ofproto: ofproto.c (switch, bridges, ports), ofproto-flow.c
 * (OpenFlow tables), xlate.c + normal.c (translation), revalidate.c and
 * trace.c.
 *
 * Threads and locks (see docs/pipeline.md):
 *  - control thread: every ofproto.h function;
 *  - datapath thread(s): the upcall (ofswitch_upcall), which reads
 *    ofswitch.by_dp with acquire loads inside its RCU read-side section and
 *    translates under the bridge's mutex;
 *  - the revalidator thread (revalidate.c): sweeps megaflows after MAC
 *    table changes.
 * ofproto.mutex protects a bridge's tables, rules, MAC table and port list
 * (everything translation reads).  ofswitch.reval_mutex serializes
 * revalidation sweeps with changes to the bridge list and port structs, so a
 * sweep may dereference by_dp[] entries safely.  Lock order: reval_mutex,
 * then the dpif's install lock (inside dpif_flow_sweep), then a bridge mutex.
 * Never call into the dpif (port_add/del, quiesce) holding a bridge mutex. */
#ifndef PB_OFPROTO_PRIVATE_H
#define PB_OFPROTO_PRIVATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "dpif/dpif.h"
#include "lib/classifier.h"
#include "lib/mac-table.h"
#include "ofproto/ofproto.h"

struct of_port {
	char name[16];
	uint32_t ofport;
	uint32_t dp_port;   /* datapath port number */
	struct netdev *dev; /* NULL for ports attached by tests */
	struct ofproto *br;
};

/* An OpenFlow rule.  Lives in one table's classifier; its memory is
 * reference counted because megaflows (through their xlate cache) may
 * still credit statistics to it after it was removed. */
struct rule {
	struct cls_rule cr; /* cr.data = this rule */
	struct match match;
	uint8_t table_id;
	uint16_t priority;
	uint16_t idle_timeout, hard_timeout;
	uint16_t importance;
	uint16_t flags; /* OFPFF_SEND_FLOW_REM | OFPFF_NO_*_COUNTS */
	bool removed;   /* no longer in its table */
	uint64_t cookie;
	uint64_t serial;     /* insertion order, for stable dumps */
	uint64_t created_ms; /* time_msec() */
	uint64_t used_ms;    /* last hit known to revalidation (created_ms if none) */
	uint64_t packets, bytes;
	struct ofpact *ofpacts; /* heap; replaced by modify under the mutex */
	size_t ofpacts_len;
	atomic_uint refcnt; /* the table's reference + xlate caches */
};

void rule_ref(struct rule *rule);
/* Frees the rule when the last reference goes (any thread). */
void rule_unref(struct rule *rule);

/* The rules a megaflow's translation hit: the dpif userdata of ofproto's
 * megaflows, holding a reference to each rule. */
struct xcache {
	size_t n_rules;
	struct rule *rules[];
};
struct xcache *xcache_create(struct rule *const *rules, size_t n);
void xcache_free(void *xcache); /* dpif_userdata_free_fn */

struct ofproto {
	char name[16];
	struct ofswitch *sw;
	unsigned int mac_aging; /* seconds */

	pthread_mutex_t mutex;
	/* Under 'mutex' (ports also written only by the control thread, so it
	 * may read them without the lock). */
	struct of_port **ports; /* ordered by ofport */
	size_t n_ports;
	struct mac_table *macs; /* values are datapath port numbers */
	struct classifier tables[OFPROTO_N_TABLES];
	unsigned int flow_limit;
	uint64_t next_serial;
	size_t n_timeout_rules; /* rules with an idle or hard timeout */

	/* Set by anything that may change translations of this bridge's
	 * megaflows (MAC learning on the datapath thread, control changes);
	 * consumed by the next revalidation sweep. */
	atomic_bool need_reval;
	bool reval_now; /* this sweep re-translates (under reval_mutex) */

	struct ofp_port_names names;
};

struct ofswitch {
	struct dpif *dpif;
	struct ofproto **bridges; /* changed under reval_mutex */
	size_t n_bridges;
	/* Datapath port -> port, published for the upcall. */
	struct of_port *_Atomic by_dp[DPIF_MAX_PORTS];

	pthread_mutex_t reval_mutex;
	uint64_t last_periodic_ms; /* time_msec() of the last periodic sweep */

	/* The revalidator thread and its wakeup. */
	pthread_t reval_thread;
	pthread_mutex_t wake_mutex;
	pthread_cond_t wake_cond;
	bool wake_pending;
	bool reval_stop;
};

/* The clock for MAC learning, in milliseconds (coarse: cheap per packet). */
static inline uint64_t ofproto_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- ofproto.c ---- */

/* The port of 'br' with OpenFlow number 'ofport', or NULL (mutex held or
 * control thread). */
struct of_port *ofproto_port_by_ofport(const struct ofproto *br, uint32_t ofport);
/* Attaches a port record (no netdev, no datapath port: 'dp_port' is the
 * caller's) so that translation and the fast path can be tested without
 * devices.  Control thread; 0 or -EEXIST. */
int ofproto_port_attach(struct ofproto *br, const char *name, uint32_t ofport, uint32_t dp_port,
                        struct netdev *dev);

/* ---- ofproto-flow.c ---- */

void ofproto_tables_init(struct ofproto *br);
/* Removes and releases every rule (bridge destruction). */
void ofproto_tables_destroy(struct ofproto *br);
/* Deletes rules whose idle or hard timeout expired at 'now' (time_msec());
 * returns how many.  Takes the mutex. */
size_t ofproto_expire_rules(struct ofproto *br, uint64_t now);

/* ---- revalidate.c ---- */

/* Starts / stops the revalidator thread. */
void ofswitch_reval_start(struct ofswitch *sw);
void ofswitch_reval_stop(struct ofswitch *sw);
/* Marks 'br' for re-translation and wakes the revalidator thread (any
 * thread; no locks needed). */
void ofproto_request_revalidation(struct ofproto *br);
/* Re-translates every megaflow of 'br' now and waits until no datapath
 * thread can still use a stale one.  Control thread, reval_mutex NOT held. */
void ofproto_revalidate(struct ofproto *br);
/* Same with reval_mutex held by the caller. */
void ofproto_revalidate_locked(struct ofproto *br);
/* The periodic pass (ofswitch_run): credits statistics, expires idle
 * megaflows, refreshes MAC entries of used megaflows, re-translates marked
 * bridges. */
void ofswitch_revalidate_periodic(struct ofswitch *sw);
/* Credits megaflow statistics to rules (for fresh dump counters). */
void ofswitch_push_stats(struct ofswitch *sw);
/* Handles pending revalidation requests synchronously (tests). */
void ofswitch_revalidate_pending(struct ofswitch *sw);
/* dpif_upcall_fn of the switch. */
bool ofswitch_upcall(void *sw, struct dpif_upcall *up);

#endif
