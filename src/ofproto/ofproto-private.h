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
#include <string.h>
#include <time.h>

#include "dpif/dpif.h"
#include "lib/classifier.h"
#include "lib/mac-table.h"
#include "ofproto/ofproto-ofp.h"
#include "ofproto/ofproto.h"
#include "ofproto/vlan.h"

struct of_port {
	char name[16];
	uint32_t ofport;
	uint32_t dp_port;   /* datapath port number */
	struct netdev *dev; /* NULL for ports attached by tests */
	struct ofproto *br;
	/* OpenFlow port config (OFPPC_*, port_mod) and the link state last
	 * seen by the poll (ofproto-ofp.c); under br->mutex. */
	uint32_t config;
	bool link_up;
	uint32_t reported_state; /* OFPPS_* as last sent in PORT_STATUS */
	/* VLAN settings and mirror roles (bit i: mirror slot i), filled by
	 * mirror.c from the bridge's settings by name; the VLAN drop counter
	 * is credited by revalidation.  Under br->mutex. */
	struct vlan_port_cfg vlan;
	uint32_t mirror_src, mirror_dst, mirror_out;
	uint64_t vlan_drops;
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
struct xlate_l2_credit {
	uint32_t mirrors;        /* bit i: mirror slot i copied the packet */
	uint32_t vlan_drop_port; /* ofport whose VLAN check dropped it, or 0 */
	/* The upcall's own packet, credited at once (the megaflow may not get
	 * installed): the first statistics credited skip it. */
	uint32_t skip_packets, skip_bytes;
};

/* A group the translation went through: 'bucket' -1 for the group itself
 * (one per packet), else the bucket's index. */
struct xcache_group {
	struct ofgroup *group;
	int bucket;
};

struct xcache {
	struct xcache_group *groups; /* heap (NULL if none); see xcache_set_groups() */
	size_t n_groups;
	struct xlate_l2_credit l2; /* credited by ofproto_l2_credit() (mirror.h) */
	size_t n_rules;
	struct rule *rules[];
};
struct xcache *xcache_create(struct rule *const *rules, size_t n);
/* Adds the group (and bucket) hits of a translation: references taken. */
void xcache_set_groups(struct xcache *xc, const struct xcache_group *groups, size_t n);
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

	/* OpenFlow agent state (ofproto-group.c, ofproto-meter.c,
	 * ofproto-ofp.c); under 'mutex' unless said otherwise. */
	uint32_t id;             /* unique in the switch, for PACKET_IN descriptors */
	struct ofgroup **groups; /* ordered by id */
	size_t n_groups, alloc_groups;
	struct ofmeter **meters; /* ordered by id */
	size_t n_meters, alloc_meters;
	size_t n_ref_rules;     /* rules with a group action or a meter */
	size_t n_flowrem_rules; /* rules with OFPFF_SEND_FLOW_REM */
	struct ofproto_table_stats table_stats[OFPROTO_N_TABLES]; /* counted by upcalls */
	enum ofproto_fail_mode fail_mode;
	bool has_controllers, controller_connected;
	bool fail_open; /* translation: NORMAL instead of the tables */
	uint64_t dpid;  /* 0: derived from the name */
	/* ofproto_defer_revalidation() (control thread). */
	bool defer_reval;
	bool reval_deferred;   /* something changed while deferred */
	struct ofproto_l2 *l2; /* VLAN settings and mirrors (mirror.c), under 'mutex' */
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

	/* OpenFlow agent (ofproto-events.c): event callbacks and the events
	 * waiting for delivery (control thread only). */
	struct ofproto_event_ops event_ops;
	void *event_aux;
	bool has_event_ops;
	struct ofproto_pending_event *pending;
	size_t n_pending, alloc_pending;
	uint64_t last_link_poll_ms;
	uint32_t next_bridge_id;
	/* Controller-action descriptors (see ofswitch_ctl_intern()), under
	 * 'ctl_mutex' (translation adds them on datapath threads). */
	pthread_mutex_t ctl_mutex;
	struct ofproto_ctl_desc *ctl_descs;
	size_t n_ctl_descs, alloc_ctl_descs;
	uint32_t *ctl_index; /* open addressing: descriptor index + 1, 0 = empty */
	size_t ctl_index_size;
	/* Datapath meter ids in use (bit set), control thread. */
	uint64_t *dp_meter_ids;
};

/* ---- groups (ofproto-group.c) ---- */

/* A group.  Its buckets are read by translation under br->mutex; its
 * memory is reference counted like a rule's because megaflow xlate caches
 * credit statistics to it. */
struct ofgroup {
	uint32_t id;
	enum ofp_group_type type;
	struct ofp_bucket *buckets; /* owned (replaced by MODIFY) */
	size_t n_buckets;
	uint64_t created_ms;
	uint64_t packets, bytes;
	uint64_t bucket_packets[OFP_GROUP_MAX_BUCKETS], bucket_bytes[OFP_GROUP_MAX_BUCKETS];
	uint32_t n_rules;      /* rules whose actions use it */
	uint32_t n_group_refs; /* buckets of other groups that use it */
	bool removed;
	atomic_uint refcnt;
};

void ofgroup_ref(struct ofgroup *g);
void ofgroup_unref(struct ofgroup *g);
/* The group with 'id' or NULL (mutex held or control thread). */
struct ofgroup *ofproto_group_find(const struct ofproto *br, uint32_t id);
/* Fast-failover liveness: a port that exists, has its link up and is not
 * OFPPC_PORT_DOWN; a group that exists and has a live bucket (a bucket
 * without a watch is live).  Mutex held. */
bool ofproto_port_is_live(const struct of_port *p);
bool ofproto_group_is_live(const struct ofproto *br, const struct ofgroup *g, unsigned depth);
/* Frees every group (bridge destruction). */
void ofproto_groups_destroy(struct ofproto *br);

/* ---- meters (ofproto-meter.c) ---- */

struct ofmeter {
	uint32_t id;
	struct ofp_meter_mod config; /* command ADD */
	uint32_t dp_id;              /* the datapath meter */
	uint64_t created_ms;
	uint32_t n_rules;
};

struct ofmeter *ofproto_meter_find(const struct ofproto *br, uint32_t id);
void ofproto_meters_destroy(struct ofproto *br);

/* ---- vectors of pointers ordered by id (br->groups, br->meters) ---- */

/* Index of 'id' among the 'n' ascending ids that 'id_at' reads from
 * 'vec', or where it would be inserted; '*found' says which. */
static inline size_t ofproto_id_pos(const void *vec, size_t n,
                                    uint32_t (*id_at)(const void *vec, size_t i), uint32_t id,
                                    bool *found)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		uint32_t mid_id = id_at(vec, mid);

		if (mid_id == id) {
			*found = true;
			return mid;
		}
		if (mid_id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

/* Opens slot 'pos' in 'vec', a vector of '*n' elements of 'elem' bytes
 * with room for '*alloc' (grown as needed), and counts it in '*n'.
 * Returns the vector, maybe moved: the caller fills the slot. */
static inline void *ofproto_vec_insert(void *vec, size_t *n, size_t *alloc, size_t pos, size_t elem)
{
	if (*n == *alloc) {
		*alloc = *alloc ? 2 * *alloc : 8;
		vec = xrealloc(vec, *alloc * elem);
	}
	memmove((char *)vec + (pos + 1) * elem, (char *)vec + pos * elem, (*n - pos) * elem);
	(*n)++;
	return vec;
}

/* Closes slot 'pos' of 'vec' ('*n' elements of 'elem' bytes). */
static inline void ofproto_vec_remove(void *vec, size_t *n, size_t pos, size_t elem)
{
	memmove((char *)vec + pos * elem, (char *)vec + (pos + 1) * elem, (*n - pos - 1) * elem);
	(*n)--;
}

/* ---- rules' references (ofproto-flow.c) ---- */

/* Adds 'delta' (+1/-1) to the n_rules of every group and meter that
 * 'ofpacts' uses (mutex held); returns true if it uses any. */
bool ofproto_count_refs(struct ofproto *br, const struct ofpact *ofpacts, size_t len, int delta);
/* Removes every rule whose actions use group 'group_id' (OFPG_ANY: none)
 * or meter 'meter_id' (0: none), with FLOW_REMOVED 'reason' (mutex held).
 * Returns how many. */
size_t ofproto_remove_rules_using(struct ofproto *br, uint32_t group_id, uint32_t meter_id,
                                  uint8_t reason);
/* How many rules use group 'group_id' or meter 'meter_id' (the same
 * test; mutex held). */
size_t ofproto_count_rules_using(struct ofproto *br, uint32_t group_id, uint32_t meter_id);

/* ---- events (ofproto-events.c) ---- */

struct ofproto_pending_event {
	struct ofproto *br;
	bool is_port;
	enum ofproto_port_reason port_reason;
	struct ofproto_port_desc port;
	struct ofproto_flow_removed fr;
};

/* Queues FLOW_REMOVED for 'rule' if it asked for it and someone listens
 * (control thread, mutex may be held). */
void ofproto_note_flow_removed(struct ofproto *br, const struct rule *rule, uint8_t reason);
/* Queues PORT_STATUS (control thread). */
void ofproto_note_port_status(struct ofproto *br, enum ofproto_port_reason reason,
                              const struct ofproto_port_desc *desc);
/* Delivers queued FLOW_REMOVED / PORT_STATUS events: call with no lock
 * held (control thread). */
void ofswitch_events_flush(struct ofswitch *sw);
/* Drops queued events of 'br' (bridge destruction). */
void ofswitch_events_forget(struct ofswitch *sw, struct ofproto *br);
void ofswitch_events_init(struct ofswitch *sw);
void ofswitch_events_destroy(struct ofswitch *sw);

/* What a controller action (DP_ACTION_USERSPACE) stands for; the action's
 * cookie is its index + 1 in the switch's table. */
struct ofproto_ctl_desc {
	uint32_t bridge_id;
	uint32_t in_port; /* OpenFlow in_port of the translation */
	uint8_t reason;   /* enum ofproto_packet_in_reason */
	uint8_t table_id;
	uint16_t max_len;
	uint32_t pad;
	uint64_t cookie;
	uint64_t metadata;
	uint32_t regs[FLOW_N_REGS];
};

/* The cookie for 'd' (any thread; takes ctl_mutex): 0 if the table is full
 * (OFPROTO_CTL_MAX descriptors). */
#define OFPROTO_CTL_MAX (1u << 20)
uint64_t ofswitch_ctl_intern(struct ofswitch *sw, const struct ofproto_ctl_desc *d);
/* Looks 'cookie' up; false if unknown. */
bool ofswitch_ctl_lookup(struct ofswitch *sw, uint64_t cookie, struct ofproto_ctl_desc *d);

/* ---- ofproto-ofp.c ---- */

/* Fills 'd' for port 'p' (mutex held or control thread). */
void ofproto_port_desc_fill(const struct of_port *p, struct ofproto_port_desc *d);
/* Polls link states of every port: PORT_STATUS and revalidation when a
 * port changed (control thread, no lock held). */
void ofswitch_poll_ports(struct ofswitch *sw);
/* Marks 'br' changed: revalidates now, or later if deferred. */
void ofproto_changed(struct ofproto *br);

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
