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
 * presence for mod_vlan_vid and push/pop).  After push/pop VLAN or dec_ttl
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
	bool mac_changed; /* NORMAL learned a new or moved MAC */
	bool would_learn; /* XLATE_LEARN_NONE: NORMAL saw an unknown source */
};

/* Sets up 'xo' to write into 'actions' and 'wc' (not cleared here). */
void xlate_out_init(struct xlate_out *xo, struct dp_actions *actions, struct flow_wc *wc);
void xlate_out_uninit(struct xlate_out *xo);

/* Translates 'flow' (in_port = OpenFlow port of 'br') through the tables of
 * 'br', starting at table 0.  'trace' (may be NULL) receives a report, one
 * line per step.  The mask's in_port is all ones. */
void xlate_flow(struct ofproto *br, const struct flow *flow, enum xlate_learn learn,
                struct strbuf *trace, struct xlate_out *xo);

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
};

#define XLATE_DERIVED_TTL  0x1 /* nw_ttl decremented */
#define XLATE_DERIVED_VLAN 0x2 /* tags pushed or popped */

/* Records that the decision depends on the bits 'bits' of ctx->flow. */
void xlate_consult(struct xlate_ctx *ctx, const struct flow *bits);
/* The NORMAL action (normal.c). */
void xlate_normal(struct xlate_ctx *ctx);
/* Emits an output to 'p' (skipping the ingress port unless 'in_ok'). */
void xlate_output_port(struct xlate_ctx *ctx, const struct of_port *p, bool in_ok);

#endif
