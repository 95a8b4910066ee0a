/* xlate.h - translation: runs a flow through a bridge's OpenFlow tables and
 * produces the datapath actions, the megaflow mask (every bit of the
 * original flow the decisions depended on) and the rules hit.
 *
 * The un-wildcarding rules (what ends up in the mask) are documented in
 * docs/pipeline.md and tested by tests/unit/test-xlate.c.  In short: the
 * ingress port always; the bits each classifier lookup consulted (as the
 * classifier reports them), except bits that earlier actions had set to
 * constants; NORMAL's dl_src, dl_dst and VLAN tags; the fields an action
 * needs to decide what to emit (e.g. dl_type for set nw_ttl, the VLAN
 * presence for mod_vlan_vid and push/pop, the prerequisite fields of a
 * set_field, which is skipped when the packet lacks its field).  After push/pop VLAN or dec_ttl
 * a consulted bit of the affected fields un-wildcards the whole original
 * fields.
 *
 * Threads: the caller holds br->mutex. */
#ifndef PB_XLATE_H
#define PB_XLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/dp-actions.h"
#include "lib/flow.h"
#include "ofproto/mirror.h"
#include "ofproto/ofproto-private.h"
#include "openflow/ofp-text.h"

enum xlate_learn {
	XLATE_LEARN_NONE,    /* trace, revalidation: never touch the MAC table */
	XLATE_LEARN,         /* upcall: learn and move */
	XLATE_LEARN_REFRESH, /* revalidation of a used megaflow: refresh or
	                      * re-add an entry on the same port, never move */
};

struct xlate_out {
	struct dp_actions *actions; /* caller's list, appended to */
	struct flow_wc *wc;         /* caller's mask, ORed into */
	struct rule **rules;        /* rules hit, in order (heap, no references) */
	size_t n_rules, alloc_rules;
	struct xcache_group *groups; /* groups and buckets hit (heap, no references) */
	size_t n_groups, alloc_groups;
	bool mac_changed;          /* NORMAL learned a new or moved MAC */
	bool would_learn;          /* XLATE_LEARN_NONE: NORMAL saw an unknown source */
	struct xlate_l2_credit l2; /* VLAN drop and mirror copies, for counters */
};

/* Sets up 'xo' to write into 'actions' and 'wc' (not cleared here). */
void xlate_out_init(struct xlate_out *xo, struct dp_actions *actions, struct flow_wc *wc);
void xlate_out_uninit(struct xlate_out *xo);

/* Translates 'flow' (in_port = OpenFlow port of 'br') through the tables of
 * 'br', starting at table 0.  'trace' (may be NULL) receives a report, one
 * line per step.  The mask's in_port is all ones. */
void xlate_flow(struct ofproto *br, const struct flow *flow, enum xlate_learn learn,
                struct strbuf *trace, struct xlate_out *xo);

/* PACKET_OUT: runs the plain actions 'ofpacts' on 'flow' (in_port = an
 * OpenFlow port of 'br' or a reserved port); output:TABLE runs the tables
 * from table 0 on the packet as the actions left it (in a datapath clone,
 * so later actions see it unchanged).  Caller holds br->mutex. */
void xlate_packet_out(struct ofproto *br, const struct flow *flow, const struct ofpact *ofpacts,
                      size_t len, enum xlate_learn learn, struct xlate_out *xo);
/* The xlate cache for what 'xo' hit (rules and groups, referenced). */
struct xcache *xlate_out_xcache(const struct xlate_out *xo);

/* Formats datapath actions (as dp_actions_format_raw) with output ports
 * shown as the OpenFlow port numbers of the switch's ports (datapath ports
 * that are no port's stay as they are). */
void xlate_format_actions(struct ofswitch *sw, const void *data, size_t size, char *buf,
                          size_t len);

/* ---- internal to xlate.c and normal.c ---- */

struct xlate_ctx {
	struct ofproto *br;
	struct flow flow;    /* the packet as the actions have changed it */
	struct flow written; /* bits of 'flow' that actions set to constants */
	unsigned derived;    /* XLATE_DERIVED_*: fields computed from the original */
	const struct of_port *in;
	enum xlate_learn learn;
	struct strbuf *trace;
	struct xlate_out *xo;
	/* OpenFlow agent state: the rule and table being executed (for
	 * PACKET_IN), group nesting, the bucket budget, PACKET_OUT. */
	const struct rule *rule;
	uint8_t table_id;
	bool packet_out;
	unsigned group_depth;
	unsigned buckets_left;
	/* normal.c: while 'vlan_dp_active', the datapath's packet may differ
	 * from 'flow' in its tags (NORMAL and mirror outputs); the next action
	 * first restores it (xlate_vlan_commit). */
	struct vlan_emit vlan_dp;
	bool vlan_dp_active;
	struct mirror_xstate mirror; /* mirror.c */
};

/* Bounds of group processing (xlate-group.c): chained groups deeper than
 * this drop; a translation executes at most this many buckets. */
#define XLATE_MAX_GROUP_DEPTH (DP_CLONE_MAX_DEPTH - 2)
#define XLATE_MAX_BUCKETS     1024

#define XLATE_DERIVED_TTL  0x1 /* nw_ttl decremented */
#define XLATE_DERIVED_VLAN 0x2 /* tags pushed or popped */

/* Records that the decision depends on the bits 'bits' of ctx->flow. */
void xlate_consult(struct xlate_ctx *ctx, const struct flow *bits);
/* The NORMAL action (normal.c). */
void xlate_normal(struct xlate_ctx *ctx);
/* The emitter of the datapath packet's tags, set up from the ingress
 * port's VLAN settings and the current flow when not active (normal.c). */
struct vlan_emit *xlate_vlan_emitter(struct xlate_ctx *ctx);
/* Un-wildcards what the emitter's actions used since the last call. */
void xlate_vlan_consult(struct xlate_ctx *ctx);
/* Restores the datapath packet to 'flow' if NORMAL or a mirror changed its
 * tags (called before every action). */
void xlate_vlan_commit(struct xlate_ctx *ctx);
/* Runs a list of plain actions (a bucket's, PACKET_OUT's). */
void xlate_actions_list(struct xlate_ctx *ctx, const struct ofpact *list, size_t len);
/* The group action (xlate-group.c). */
void xlate_group(struct xlate_ctx *ctx, uint32_t group_id);
/* One line of the trace report (no-op without a trace). */
void xlate_trace(struct xlate_ctx *ctx, const char *fmt, ...) PB_PRINTF(2, 3);
/* Emits an output to 'p' (skipping the ingress port unless 'in_ok'). */
void xlate_output_port(struct xlate_ctx *ctx, const struct of_port *p, bool in_ok);

#endif
