/* ofp-wire-actions.h - the OpenFlow 1.3 wire form of actions (spec 1.3.5
 * section 7.2.5, struct ofp_action_*) and instructions (section 7.2.4,
 * struct ofp_instruction_*), to and from the ofpacts model of
 * openflow/ofp-actions.h.
 *
 * Decoding checks the wire form only (lengths, known types, argument
 * ranges, set_field fields being known and writable); it does not know the
 * rule's match, so callers must run ofpacts_check() on the result.
 *
 * Supported actions: OUTPUT, COPY_TTL_OUT/IN, SET_NW_TTL, DEC_NW_TTL,
 * PUSH_VLAN, POP_VLAN, GROUP, SET_FIELD.  MPLS, PBB and SET_QUEUE actions
 * are valid OpenFlow that Patchbay does not implement: OFPBAC_BAD_TYPE.
 * EXPERIMENTER actions: OFPBAC_BAD_EXPERIMENTER, except the two Nicira
 * actions ovs-ofctl sends for a masked set_field in OpenFlow 1.3
 * (NXAST_REG_LOAD and NXAST_REG_LOAD2), which decode as a masked
 * OFPACT_SET_FIELD; the encoder writes masked set_fields as NXAST_REG_LOAD2
 * (OpenFlow 1.3's set_field has no mask), which ovs-ofctl reads back.
 *
 * Encoding of the legacy ofpacts (ovs-ofctl's OpenFlow 1.0 spellings):
 * mod_vlan_vid:N becomes set_field vlan_vid=N|OFPVID_PRESENT and
 * mod_vlan_pcp:P set_field vlan_pcp=P (OpenFlow 1.3 has no "push a tag if
 * none" form, so on an untagged packet these differ from mod_vlan_* the
 * way they differ in OVS talking OpenFlow 1.3); they decode back as
 * set_field.  Other legacy set_fields (mod_dl_src...) are set_field already
 * and only lose their 'raw' spelling.  set_field:5->vlan_vid is written
 * with OFPVID_PRESENT (4101), as OpenFlow requires on the wire.  set_fields
 * of fields without an OXM/NXM header (Patchbay-only fields such as
 * tun_gnv_class) cannot be written and are left out.  Round trip is exact
 * for lists made only of OpenFlow 1.3 forms.
 *
 * Sizes: the encoders do not check that an instruction or action fits the
 * 16-bit wire length (lists parsed from text or decoded from a message
 * always do); callers building messages check the message size.
 *
 * Errors: functions return 0 or -EINVAL and record the OpenFlow error in
 * '*oe' (may be NULL) through ofperr_set().  On failure 'out' may hold a
 * partial list: the caller discards it.  Pure functions, any thread. */
#ifndef PB_OFP_WIRE_ACTIONS_H
#define PB_OFP_WIRE_ACTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "openflow/ofp-actions.h"
#include "openflow/ofp-errors.h"
#include "openflow/ofpbuf.h"

/* Action types (ofp_action_type). */
enum ofp_action_type {
	OFPAT_OUTPUT = 0,
	OFPAT_COPY_TTL_OUT = 11,
	OFPAT_COPY_TTL_IN = 12,
	OFPAT_SET_MPLS_TTL = 15,
	OFPAT_DEC_MPLS_TTL = 16,
	OFPAT_PUSH_VLAN = 17,
	OFPAT_POP_VLAN = 18,
	OFPAT_PUSH_MPLS = 19,
	OFPAT_POP_MPLS = 20,
	OFPAT_SET_QUEUE = 21,
	OFPAT_GROUP = 22,
	OFPAT_SET_NW_TTL = 23,
	OFPAT_DEC_NW_TTL = 24,
	OFPAT_SET_FIELD = 25,
	OFPAT_PUSH_PBB = 26,
	OFPAT_POP_PBB = 27,
	OFPAT_EXPERIMENTER = 0xffff,
};

/* Instruction types (ofp_instruction_type). */
enum ofp_instruction_type {
	OFPIT_GOTO_TABLE = 1,
	OFPIT_WRITE_METADATA = 2,
	OFPIT_WRITE_ACTIONS = 3,
	OFPIT_APPLY_ACTIONS = 4,
	OFPIT_CLEAR_ACTIONS = 5,
	OFPIT_METER = 6,
	OFPIT_EXPERIMENTER = 0xffff,
};

/* Decodes the action list at 'p' (exactly 'len' bytes: an apply/write
 * actions body, a packet_out's or a bucket's actions) and appends the
 * ofpacts to 'out'.  Errors (OFPET_BAD_ACTION): OFPBAC_BAD_LEN (action
 * length < 8, not a multiple of 8, beyond 'len', or wrong for its type),
 * OFPBAC_BAD_TYPE (unknown or unsupported type), OFPBAC_BAD_EXPERIMENTER,
 * OFPBAC_BAD_OUT_PORT (output to 0, OFPP_ANY or a number above OFPP_MAX
 * that is not a reserved port), OFPBAC_BAD_OUT_GROUP (group > OFPG_MAX:
 * OFPG_ALL/OFPG_ANY are not groups to send to), OFPBAC_BAD_ARGUMENT
 * (push_vlan ethertype not 0x8100/0x88a8), OFPBAC_BAD_SET_TYPE (set_field
 * of an unknown or non-writable field), OFPBAC_BAD_SET_LEN (TLV length
 * wrong for the field, or TLV + padding not matching the action length),
 * OFPBAC_BAD_SET_ARGUMENT (masked set_field, value out of range, vlan_vid
 * without OFPVID_PRESENT, nonzero padding after the TLV), OFPBAC_BAD_EXP_TYPE
 * (a Nicira action other than reg_load/reg_load2). */
int ofpacts_decode_actions(const uint8_t *p, size_t len, struct ofpacts_buf *out,
                           struct ofperr *oe);

/* Decodes the instruction list at 'p' (exactly 'len' bytes: the rest of a
 * flow_mod) and appends the ofpacts to 'out' in the order ofp-actions.h
 * requires (meter, apply actions, clear_actions, write_actions,
 * write_metadata, goto_table) whatever the wire order.  An empty list
 * (len 0) is valid (drop).  Errors: OFPBIC_BAD_LEN (instruction length < 8,
 * not a multiple of 8, beyond 'len', or wrong for its type),
 * OFPBIC_UNKNOWN_INST (unknown type), OFPBIC_BAD_EXPERIMENTER,
 * OFPBIC_UNSUP_INST (an instruction type present twice), OFPBIC_BAD_TABLE_ID
 * (goto_table 0xff), plus the OFPET_BAD_ACTION errors of the nested
 * actions, and OFPBAC_TOO_MANY for a write_actions with two actions of one
 * kind (an action set holds one of each; ofpacts_parse() refuses the same).
 * Meter ids and goto_table's direction are the caller's to check (meter
 * table; ofpacts_check()). */
int ofpacts_decode_instructions(const uint8_t *p, size_t len, struct ofpacts_buf *out,
                                struct ofperr *oe);

/* Appends the plain actions 'a'/'len' (no instructions: they are skipped)
 * as a wire action list (each action padded to 8). */
void ofpacts_encode_actions(const struct ofpact *a, size_t len, struct ofpbuf *b);

/* Appends a rule's list as wire instructions: the plain actions become one
 * APPLY_ACTIONS instruction (none if there are no plain actions), the
 * instruction ofpacts their instructions, in the list's order. */
void ofpacts_encode_instructions(const struct ofpact *a, size_t len, struct ofpbuf *b);

#endif
