/* ofproto.h - bridges: ports, the MAC learning (NORMAL) behaviour, and the
 * slow path that tells the datapath what to do with a packet.
 *
 * A 'struct ofswitch' is every bridge of one daemon plus the one datapath
 * (dpif) they share.  A 'struct ofproto' is one bridge.  Configuration
 * (which bridges and ports exist, their options) belongs to the caller (the
 * daemon's config store): ofproto holds the live state made from it.
 *
 * Threads: every function here runs on the control thread.  The datapath
 * thread enters only through the upcall, which takes the bridge's lock;
 * ofswitch_create() starts a revalidator thread that repairs megaflows after
 * MAC learning changes (see docs/pipeline.md).  The daemon needs no extra
 * file descriptor to watch. */
#ifndef PB_OFPROTO_H
#define PB_OFPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"
#include "netdev/netdev.h"
#include "openflow/flow-text.h"

struct ofswitch;
struct ofproto;

#define OFPROTO_OFPORT_MAX             65279u /* OFPP_MAX in OpenFlow 1.3 is 0xffffff00 */
#define OFPROTO_MAC_AGING_DEFAULT      300u
#define OFPROTO_MAC_TABLE_SIZE_DEFAULT 8192u

/* Creates the switch and its datapath of type 'dp_type' ("socket").
 * 0 or -errno with 'err' filled. */
int ofswitch_create(const char *dp_type, struct ofswitch **out, struct errmsg *err);
/* Closes every bridge and port without removing kernel devices (daemon
 * shutdown) and frees 'sw' (NULL is fine). */
void ofswitch_destroy(struct ofswitch *sw);

/* Runs periodic work: MAC aging, megaflow statistics credited to rules,
 * idle megaflows (unused for 10 s) removed, MAC entries of used megaflows
 * refreshed, idle/hard timeouts of rules.  Call about once a second. */
void ofswitch_run(struct ofswitch *sw);

/* Bridges.  Names are validated by the caller. */
int ofswitch_bridge_add(struct ofswitch *sw, const char *name, struct ofproto **out,
                        struct errmsg *err);
/* Deletes the bridge and all its ports, removing the kernel devices that
 * its ports created.  0 or -ENOENT. */
int ofswitch_bridge_del(struct ofswitch *sw, const char *name, struct errmsg *err);
struct ofproto *ofswitch_bridge_find(const struct ofswitch *sw, const char *name);

const char *ofproto_name(const struct ofproto *br);

/* MAC learning settings.  0 or -EINVAL.  Shrinking the table evicts the
 * oldest entries at once. */
int ofproto_set_mac_aging(struct ofproto *br, unsigned int seconds);
int ofproto_set_mac_table_size(struct ofproto *br, unsigned int entries);

/* Opens the netdev (see netdev_open; 'netdev_flags' NETDEV_OPEN_*) and
 * attaches it to the bridge as OpenFlow port 'ofport' (1..OFPROTO_OFPORT_MAX,
 * chosen by the caller).  Fails with -EEXIST if the name or ofport is used
 * on any bridge of the switch.  On failure nothing is left behind. */
int ofproto_port_add(struct ofproto *br, const struct netdev_args *args, uint32_t ofport,
                     unsigned int netdev_flags, struct errmsg *err);
/* Detaches and closes the port; 'remove_device' as in netdev_close.  Its MAC
 * table entries are flushed.  0 or -ENOENT. */
int ofproto_port_del(struct ofproto *br, const char *name, bool remove_device, struct errmsg *err);

struct ofproto_port_info {
	char name[16];
	char type[16];
	uint32_t ofport;
	int ifindex;
	bool link_up;
	uint8_t mac[6];
	int mtu;
	struct netdev_stats stats;
};
/* Live ports of 'br' ordered by ofport; '*ports' is malloc'd (caller frees). */
void ofproto_port_list(struct ofproto *br, struct ofproto_port_info **ports, size_t *n);

struct ofproto_fdb_entry {
	uint8_t mac[6];
	uint16_t vlan;
	uint32_t ofport;
	unsigned int age; /* seconds since last seen */
};
/* Snapshot of the MAC table ordered by (vlan, mac); '*entries' malloc'd. */
void ofproto_fdb_dump(struct ofproto *br, struct ofproto_fdb_entry **entries, size_t *n);
void ofproto_fdb_flush(struct ofproto *br);

/* ---- OpenFlow tables (see docs/pipeline.md) ----
 *
 * A bridge has OFPROTO_N_TABLES tables numbered 0..63.  A new bridge gets
 * one flow, "table=0,priority=0,actions=NORMAL", so that it behaves as a
 * learning switch until the user programs it; a miss in any table drops.
 * Every change to the tables revalidates the datapath's megaflows before it
 * returns, so the fast path never forwards by a stale rule. */
#define OFPROTO_N_TABLES           64
#define OFPROTO_FLOW_LIMIT_DEFAULT 1000000u

/* Applies one flow-table change, as parsed by flow_text_parse() (and later
 * decoded from OpenFlow FLOW_MODs).  'cmd' is FLOW_TEXT_ADD, _MODIFY or
 * _DELETE; 'strict' selects modify_strict/delete_strict.  Errors: -EINVAL
 * (bad table, actions that fail ofpacts_check, output to a port that the
 * bridge does not have is allowed as in OpenFlow), -ENOSPC ("table 0 is
 * full (limit 1000000 flows)"), -EEXIST (CHECK_OVERLAP hit).  On error
 * nothing changes. */
int ofproto_flow_mod(struct ofproto *br, enum flow_text_cmd cmd, bool strict,
                     const struct flow_text_mod *fm, struct errmsg *err);

/* One rule as dump-flows shows it.  'text' is the rule formatted by
 * flow_text_format_rule() with port names (heap); the rest is for callers
 * that want fields. */
struct ofproto_flow_info {
	uint8_t table_id;
	uint16_t priority;
	uint64_t cookie;
	uint64_t packets, bytes;
	double duration; /* seconds since added */
	uint16_t idle_timeout, hard_timeout;
	uint16_t flags;
	char *text;
};
/* Rules matching the FLOW_TEXT_MATCH filter 'filter' (NULL = all), ordered by
 * table then descending priority.  '*flows' malloc'd; free with
 * ofproto_flow_info_free(). */
void ofproto_flow_dump(struct ofproto *br, const struct flow_text_mod *filter,
                       struct ofproto_flow_info **flows, size_t *n);
void ofproto_flow_info_free(struct ofproto_flow_info *flows, size_t n);

/* Every rule formatted for the config store ("table=0,priority=..,cookie=..,
 * idle_timeout=..,MATCH,actions=.." with port NUMBERS, no counters), in
 * table/priority order.  '*lines' is a malloc'd array of heap strings. */
void ofproto_flow_save(struct ofproto *br, char ***lines, size_t *n);

/* Per-table flow limit (1..OFPROTO_FLOW_LIMIT_DEFAULT*16).  0 or -EINVAL. */
int ofproto_set_flow_limit(struct ofproto *br, unsigned int limit);

/* Port names of 'br' for flow_text_parse/format (valid while 'br' lives). */
const struct ofp_port_names *ofproto_port_names(struct ofproto *br);

/* Megaflows installed for this bridge's ports. */
struct ofproto_megaflow_info {
	char *match;   /* flow_format() of key/mask (heap) */
	char *actions; /* dp_actions_format() (heap) */
	uint64_t packets, bytes;
	double used; /* seconds since last hit, or -1 for never */
};
void ofproto_megaflow_dump(struct ofproto *br, struct ofproto_megaflow_info **mfs, size_t *n);
void ofproto_megaflow_info_free(struct ofproto_megaflow_info *mfs, size_t n);
void ofproto_megaflow_flush(struct ofproto *br);

/* Runs 'flow' (as parsed by flow_text_parse_packet()) through the tables
 * without forwarding anything and without learning, and returns a heap
 * report: each table visited with the rule matched (or the miss), the
 * actions executed, the final datapath actions and the megaflow (match
 * with mask) that an upcall would install.  0 or -errno. */
int ofproto_trace(struct ofproto *br, const struct flow *flow, char **report, struct errmsg *err);

#endif
