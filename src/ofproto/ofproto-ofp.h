/* ofproto-ofp.h - what the OpenFlow agent (src/ofagent) needs from a bridge
 * beyond ofproto.h: groups, meters, port configuration, table statistics,
 * fail mode, and the events it forwards to controllers (PACKET_IN,
 * FLOW_REMOVED, PORT_STATUS).
 *
 * Threads: every function here runs on the control thread.  Events are
 * queued by whatever thread produced them (PACKET_INs come from datapath
 * threads) and delivered on the control thread by ofswitch_events_run(),
 * when the descriptor of ofswitch_events_fd() is readable. */
#ifndef PB_OFPROTO_OFP_H
#define PB_OFPROTO_OFP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/flow.h"
#include "lib/meta-flow.h"
#include "ofproto/ofproto.h"
#include "openflow/ofp-errors.h"
#include "openflow/ofp-group.h"
#include "openflow/ofp-meter.h"

/* ---- flow_mod with OpenFlow errors ---- */

/* ofproto_flow_mod() that also says which OpenFlow error a refusal is:
 * OFPFMFC_TABLE_FULL, OFPFMFC_OVERLAP, OFPFMFC_BAD_TABLE_ID,
 * OFPBAC_BAD_OUT_GROUP (unknown group), OFPMMFC_UNKNOWN_METER (unknown
 * meter), OFPBAC_* / OFPBMC_* from ofpacts_check, OFPBIC_BAD_TABLE_ID. */
int ofproto_flow_mod_ofp(struct ofproto *br, enum flow_text_cmd cmd, bool strict,
                         const struct flow_text_mod *fm, struct ofperr *oe, struct errmsg *err);

/* Batching: while deferred, flow/group/meter mods (and port mods) only mark
 * the bridge instead of revalidating the datapath's megaflows before they
 * return; turning deferral off revalidates once if anything changed (and
 * waits for the datapath as ofproto_flow_mod() does).  The agent defers
 * around each batch of messages read from a connection and turns it off
 * before answering a BARRIER and at the end of the batch.  While deferred,
 * megaflows made before the changes may still forward packets. */
void ofproto_defer_revalidation(struct ofproto *br, bool defer);

/* Like ofproto_flow_dump() but each entry also carries the rule itself.
 * Counters a rule does not keep (OFPFF_NO_PKT_COUNTS / NO_BYT_COUNTS) are
 * all ones, as OpenFlow asks. */
struct ofproto_rule_info {
	uint8_t table_id;
	uint16_t priority;
	uint64_t cookie;
	uint64_t packets, bytes;
	uint32_t duration_sec, duration_nsec;
	uint16_t idle_timeout, hard_timeout, importance;
	uint16_t flags;
	struct match match;
	struct ofpact *ofpacts; /* heap copy */
	size_t ofpacts_len;
};
void ofproto_rule_dump(struct ofproto *br, const struct flow_text_mod *filter,
                       struct ofproto_rule_info **rules, size_t *n);
void ofproto_rule_info_free(struct ofproto_rule_info *rules, size_t n);

/* Per-table statistics (OFPMP_TABLE).  lookup/matched count translations
 * made for upcalls (one per megaflow set up, not one per packet). */
struct ofproto_table_stats {
	uint32_t active_count;
	uint64_t lookup_count;
	uint64_t matched_count;
};
void ofproto_table_stats(struct ofproto *br, struct ofproto_table_stats stats[OFPROTO_N_TABLES]);
unsigned int ofproto_flow_limit(const struct ofproto *br);

/* ---- groups ---- */

/* Applies a group_mod (checked with ofp_group_mod_check() here too).
 * ADD of an existing id: OFPGMFC_GROUP_EXISTS; MODIFY of a missing one:
 * OFPGMFC_UNKNOWN_GROUP; DELETE of a missing id is not an error; DELETE
 * removes the rules that use the group (as OpenFlow requires, with
 * FLOW_REMOVED reason GROUP_DELETE).  Chained groups (a group action in a
 * bucket) are supported: a bucket naming a missing group is
 * OFPBAC_BAD_OUT_GROUP, a chain leading back to the group OFPGMFC_LOOP,
 * deleting (alone) a group that another group forwards to
 * OFPGMFC_CHAINED_GROUP.  Group and bucket counters count packets as
 * megaflow statistics are credited (like rules).  Revalidates before
 * returning (unless deferred).  0 or -errno with 'oe' and 'err'. */
int ofproto_group_mod(struct ofproto *br, const struct ofp_group_mod *gm, struct ofperr *oe,
                      struct errmsg *err);
/* Groups ('group_id' or OFPG_ALL), ordered by id: descriptions (heap array
 * of group_mods with command ADD; free each with ofp_group_mod_uninit, then
 * the array) and, if 'stats' is not NULL, statistics (heap array). */
void ofproto_group_dump(struct ofproto *br, uint32_t group_id, struct ofp_group_mod **groups,
                        struct ofp_group_stats **stats, size_t *n);

/* ---- meters ---- */

/* Applies a meter_mod.  ADD of an existing id: OFPMMFC_METER_EXISTS;
 * MODIFY/DELETE of a missing one: OFPMMFC_UNKNOWN_METER; DELETE removes the
 * rules that use the meter.  Meters execute in the fast path (token bucket
 * per band).  0 or -errno with 'oe' and 'err'. */
int ofproto_meter_mod(struct ofproto *br, const struct ofp_meter_mod *mm, struct ofperr *oe,
                      struct errmsg *err);
/* Meters ('meter_id' or OFPM_ALL) ordered by id, as meter_mods (command
 * ADD) and optionally statistics; heap arrays. */
void ofproto_meter_dump(struct ofproto *br, uint32_t meter_id, struct ofp_meter_mod **meters,
                        struct ofp_meter_stats **stats, size_t *n);

/* ---- ports ---- */

/* OpenFlow 1.3 port config and state bits. */
#define OFPPC_PORT_DOWN    0x01
#define OFPPC_NO_RECV      0x04
#define OFPPC_NO_FWD       0x20
#define OFPPC_NO_PACKET_IN 0x40
#define OFPPS_LINK_DOWN    0x01
#define OFPPS_BLOCKED      0x02
#define OFPPS_LIVE         0x04

struct ofproto_port_desc {
	uint32_t port_no; /* OFPP_LOCAL for the bridge's local port if any */
	uint8_t hw_addr[6];
	char name[16];
	uint32_t config;                /* OFPPC_* */
	uint32_t state;                 /* OFPPS_* */
	uint32_t curr_speed, max_speed; /* kbps (10 Gb/s for virtual ports) */
};
/* Every port of 'br' ordered by number (heap array). */
void ofproto_port_descs(struct ofproto *br, struct ofproto_port_desc **descs, size_t *n);
/* PORT_MOD: sets the OFPPC_* bits under 'mask' (PORT_DOWN brings the device
 * down; NO_RECV drops what the port receives, NO_FWD what would leave
 * through it, NO_PACKET_IN suppresses PACKET_INs of packets it received).
 * 'hw_addr' must be the port's (OFPPMFC_BAD_HW_ADDR otherwise).  Unknown
 * port: OFPPMFC_BAD_PORT; unsupported bits: OFPPMFC_BAD_CONFIG.  0 or
 * -errno. */
int ofproto_port_mod(struct ofproto *br, uint32_t port_no, const uint8_t hw_addr[6],
                     uint32_t config, uint32_t mask, struct ofperr *oe, struct errmsg *err);

/* ---- controller-facing settings ---- */

enum ofproto_fail_mode {
	OFPROTO_FAIL_STANDALONE, /* no controller connected: forward by NORMAL */
	OFPROTO_FAIL_SECURE,     /* never NORMAL on its own: installed flows only */
};
/* 'connected' is whether at least one controller connection is up; the
 * agent calls it whenever that changes.  With controllers configured and
 * none connected, a standalone bridge forwards every packet by NORMAL
 * ahead of its tables (OVS's "fail open"); secure keeps using the tables.
 * Revalidates when the effective behaviour changes. */
void ofproto_set_fail_mode(struct ofproto *br, enum ofproto_fail_mode mode);
void ofproto_set_controller_state(struct ofproto *br, bool has_controllers, bool connected);

/* The 64-bit datapath id: set, or (0) derived from the bridge name. */
void ofproto_set_datapath_id(struct ofproto *br, uint64_t dpid);
uint64_t ofproto_datapath_id(const struct ofproto *br);

/* ---- events to controllers ---- */

enum ofproto_packet_in_reason {
	OFPROTO_PIN_NO_MATCH = 0,    /* table-miss flow's output:CONTROLLER */
	OFPROTO_PIN_ACTION = 1,      /* output:CONTROLLER */
	OFPROTO_PIN_INVALID_TTL = 2, /* dec_ttl hit 0 with invalid_ttl_to_controller */
};

struct ofproto_packet_in {
	enum ofproto_packet_in_reason reason;
	uint8_t table_id;
	uint64_t cookie;       /* the rule's */
	uint16_t max_len;      /* the action's max_len (OFPCML_NO_BUFFER = 0xffff) */
	struct flow flow;      /* metadata for the PACKET_IN match: in_port, metadata,
	                        * tun_*, regs as the pipeline had them */
	const uint8_t *packet; /* the whole packet as edited so far */
	size_t packet_len;
};

/* FLOW_REMOVED reasons (OpenFlow 1.3 OFPRR_* values; METER_DELETE is
 * OpenFlow 1.4's: a 1.3 agent sends it as DELETE). */
enum ofproto_flow_removed_reason {
	OFPROTO_FR_IDLE_TIMEOUT = 0,
	OFPROTO_FR_HARD_TIMEOUT = 1,
	OFPROTO_FR_DELETE = 2,
	OFPROTO_FR_GROUP_DELETE = 3,
	OFPROTO_FR_METER_DELETE = 4,
};

struct ofproto_flow_removed {
	uint8_t reason; /* enum ofproto_flow_removed_reason */
	uint8_t table_id;
	uint16_t priority;
	uint64_t cookie;
	uint16_t idle_timeout, hard_timeout;
	uint32_t duration_sec, duration_nsec;
	uint64_t packets, bytes;
	struct match match;
};

enum ofproto_port_reason { OFPROTO_PORT_ADD = 0, OFPROTO_PORT_DELETE = 1, OFPROTO_PORT_MODIFY = 2 };

/* Callbacks, run on the control thread from ofswitch_events_run() (and
 * flow_removed/port_status also synchronously from the call that caused
 * them: flow/group/meter mods, port add/del/mod, ofswitch_run() for
 * timeouts and link changes), never with a bridge lock held, so they may
 * call back into ofproto.  Pointers in the event are valid during the
 * callback only.  Without a packet_in callback the datapath only counts
 * controller-bound packets; with one, it queues up to
 * DPIF_USERSPACE_QUEUE of them and drops (and counts, dpif_get_stats()
 * .userspace_dropped) the rest.  PACKET_IN flow: in_port, metadata and
 * registers as the pipeline had them at the controller action; tunnel
 * fields as received. */
struct ofproto_event_ops {
	void (*packet_in)(void *aux, struct ofproto *br, const struct ofproto_packet_in *pin);
	/* Only for rules with OFPFF_SEND_FLOW_REM. */
	void (*flow_removed)(void *aux, struct ofproto *br, const struct ofproto_flow_removed *fr);
	void (*port_status)(void *aux, struct ofproto *br, enum ofproto_port_reason reason,
	                    const struct ofproto_port_desc *desc);
};
void ofswitch_set_event_ops(struct ofswitch *sw, const struct ofproto_event_ops *ops, void *aux);
/* An eventfd-like descriptor that becomes readable when events are queued. */
int ofswitch_events_fd(const struct ofswitch *sw);
/* Delivers queued events (at most a few thousand per call, so the loop
 * stays responsive) and rearms the descriptor.  Also polls port link
 * state and reports changes as PORT_STATUS MODIFY. */
void ofswitch_events_run(struct ofswitch *sw);

/* PACKET_OUT: runs 'actions' (an ofpacts list of plain actions, already
 * checked) on 'packet' as if received on 'in_port' (a port of the bridge,
 * OFPP_CONTROLLER, OFPP_LOCAL or OFPP_ANY for none); output:TABLE submits
 * it to table 0 (with the in_port given).  The packet is sent by the
 * datapath thread shortly after the call returns (dpif_execute).  0 or
 * -errno with 'oe': OFPBRC_BAD_PORT (in_port), OFPBRC_BAD_PACKET (empty or
 * longer than PKT_MAX_LEN), OFPBAC_BAD_OUT_PORT (output to a port the
 * bridge lacks), OFPBAC_BAD_OUT_GROUP, OFPBAC_BAD_TYPE (an instruction),
 * OFPBRC_EPERM (the datapath's queue is full: -ENOBUFS). */
int ofproto_packet_out(struct ofproto *br, uint32_t in_port, const uint8_t *packet, size_t len,
                       const struct ofpact *actions, size_t actions_len, struct ofperr *oe,
                       struct errmsg *err);

#endif
