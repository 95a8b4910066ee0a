/* ofp-actions.h - the OpenFlow 1.3 actions and instructions of a rule, as
 * one compact heap list ("ofpacts"), with the ovs-ofctl text syntax
 * (parse and format), checks against a rule's match, and the action set
 * that write_actions fills and the pipeline runs at its end.
 *
 * Layout: a list is a byte array of variable-length records, each starting
 * with 'struct ofpact' and OFPACT_ALIGN-aligned; 'len' covers the whole
 * record.  Plain actions (the apply_actions instruction) and instructions
 * share the list; instructions appear in the OpenFlow order
 *     meter, <apply actions>, clear_actions, write_actions, write_metadata,
 *     goto_table
 * and write_actions nests its own list of actions inside its record.
 * Records are zero-padded, so two lists are equal iff their bytes are.
 *
 * Ownership: a finished list is a plain heap block (free() it) plus its
 * length; 'struct ofpacts_buf' is the growable builder.  Pure data, no
 * global state: any thread may read a list it holds. */
#ifndef PB_OFP_ACTIONS_H
#define PB_OFP_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/meta-flow.h"
#include "lib/util.h"
#include "openflow/ofp-errors.h"
#include "openflow/ofp-port.h"
#include "openflow/ofp-text.h"

#define OFPACT_ALIGN 8

enum ofpact_type {
	/* Actions (apply_actions, write_actions). */
	OFPACT_OUTPUT,       /* struct ofpact_output */
	OFPACT_GROUP,        /* struct ofpact_group */
	OFPACT_SET_FIELD,    /* struct ofpact_set_field */
	OFPACT_SET_VLAN_VID, /* struct ofpact_vlan_vid: mod_vlan_vid */
	OFPACT_SET_VLAN_PCP, /* struct ofpact_vlan_pcp: mod_vlan_pcp */
	OFPACT_PUSH_VLAN,    /* struct ofpact_push_vlan */
	OFPACT_POP_VLAN,     /* struct ofpact (raw OFPACT_RAW_LEGACY: "strip_vlan") */
	OFPACT_SET_NW_TTL,   /* struct ofpact_nw_ttl */
	OFPACT_DEC_TTL,      /* struct ofpact */
	/* copy_ttl_out/in: OpenFlow 1.3 defines the copy only between MPLS and
	 * IP headers (or nested IP-in-IP); Patchbay has neither, so executing
	 * them leaves the packet unchanged.  Accepted for compatibility. */
	OFPACT_COPY_TTL_OUT, /* struct ofpact */
	OFPACT_COPY_TTL_IN,  /* struct ofpact */
	/* Instructions. */
	OFPACT_METER,          /* struct ofpact_meter */
	OFPACT_CLEAR_ACTIONS,  /* struct ofpact */
	OFPACT_WRITE_ACTIONS,  /* struct ofpact_nest */
	OFPACT_WRITE_METADATA, /* struct ofpact_write_metadata */
	OFPACT_GOTO_TABLE,     /* struct ofpact_goto_table */
	OFPACT_N_TYPES
};

/* 'raw': how the action was spelled, so that formatting gives back the
 * user's form: 0 = the OpenFlow 1.3 form (set_field:..., pop_vlan),
 * OFPACT_RAW_LEGACY = ovs-ofctl's OpenFlow 1.0 names (mod_dl_src:...,
 * mod_tp_dst:..., strip_vlan). */
#define OFPACT_RAW_LEGACY 1

struct ofpact {
	uint8_t type; /* enum ofpact_type */
	uint8_t raw;
	uint16_t len; /* bytes of the whole record, multiple of OFPACT_ALIGN */
};

struct ofpact_output {
	struct ofpact ofpact;
	uint32_t port;    /* port number or OFPP_* */
	uint16_t max_len; /* bytes to send for OFPP_CONTROLLER */
};

struct ofpact_group {
	struct ofpact ofpact;
	uint32_t group_id;
};

/* set_field: the field's bits under 'mask' become 'value' (mask is exact
 * for OpenFlow 1.3's set_field; a masked form is accepted for maskable
 * fields, as ovs-ofctl does).  Legacy mod_tp_src/dst name the TCP field and
 * are re-targeted to UDP/SCTP by ofpacts_check() from the match; in a list
 * without a match (a group bucket, ofpacts_check_unmatched()) they stay TCP
 * here and translation re-targets them to the packet's L4 protocol, as
 * OVS's mod_tp_src/dst do (on the wire they are set_field tcp_src/dst, so a
 * bucket read back over OpenFlow is TCP-only, like mod_vlan_vid loses its
 * "push if untagged" there).  At execution a set_field whose prerequisites
 * the packet does not meet is skipped (xlate.c). */
struct ofpact_set_field {
	struct ofpact ofpact;
	uint16_t field; /* enum mf_field_id */
	uint8_t pad[2];
	union mf_value value;
	union mf_value mask;
};

/* mod_vlan_vid / mod_vlan_pcp: set the VID / PCP of the outermost tag,
 * pushing an 802.1Q tag (VID 0, PCP 0) first if the packet has none. */
struct ofpact_vlan_vid {
	struct ofpact ofpact;
	uint16_t vid;
};

struct ofpact_vlan_pcp {
	struct ofpact ofpact;
	uint8_t pcp;
};

struct ofpact_push_vlan {
	struct ofpact ofpact;
	uint16_t tpid; /* 0x8100 or 0x88a8 */
};

struct ofpact_nw_ttl {
	struct ofpact ofpact;
	uint8_t ttl;
};

struct ofpact_meter {
	struct ofpact ofpact;
	uint32_t meter_id;
};

/* write_actions: the nested actions follow this header. */
struct ofpact_nest {
	struct ofpact ofpact;
	uint32_t pad;
};

struct ofpact_write_metadata {
	struct ofpact ofpact;
	uint32_t pad;
	uint64_t metadata;
	uint64_t mask;
};

struct ofpact_goto_table {
	struct ofpact ofpact;
	uint8_t table_id;
};

static inline const struct ofpact *ofpact_next(const struct ofpact *a)
{
	return (const struct ofpact *)(const void *)((const uint8_t *)a + a->len);
}

/* One past the list 'a'/'len' ('a' may be NULL when 'len' is 0). */
static inline const struct ofpact *ofpact_end(const struct ofpact *a, size_t len)
{
	return len ? (const struct ofpact *)(const void *)((const uint8_t *)a + len) : a;
}

/* Iterates 'POS' (const struct ofpact *) over the list OFPACTS/LEN. */
#define OFPACT_FOR_EACH(POS, OFPACTS, LEN)                                                         \
	for ((POS) = (OFPACTS); (POS) < ofpact_end(OFPACTS, LEN); (POS) = ofpact_next(POS))

/* The actions nested in a write_actions record. */
static inline const struct ofpact *ofpact_nest_actions(const struct ofpact *nest)
{
	return (const struct ofpact *)(const void *)((const uint8_t *)nest +
	                                             sizeof(struct ofpact_nest));
}

static inline size_t ofpact_nest_len(const struct ofpact *nest)
{
	return nest->len - sizeof(struct ofpact_nest);
}

/* True for instruction types (meter ... goto_table). */
bool ofpact_is_instruction(enum ofpact_type type);
/* Whether 'port' may be an output action's port: 1..OFPP_MAX or one of the
 * reserved ports IN_PORT, TABLE, NORMAL, FLOOD, ALL, CONTROLLER, LOCAL
 * (text and wire decoders alike). */
bool ofpact_output_port_ok(uint32_t port);
/* The ovs-ofctl name of an action/instruction type ("output", "goto_table"). */
const char *ofpact_type_name(enum ofpact_type type);

/* A growable list under construction. */
struct ofpacts_buf {
	uint8_t *data;
	size_t size;
	size_t alloc;
};

void ofpacts_buf_init(struct ofpacts_buf *b);
void ofpacts_buf_uninit(struct ofpacts_buf *b);
/* Appends a zeroed record of 'size' bytes (the struct of 'type') and returns
 * it; the pointer is valid until the next append. */
void *ofpact_put(struct ofpacts_buf *b, enum ofpact_type type, size_t size);
/* Appends a copy of the list 'a'/'len'. */
void ofpacts_put_list(struct ofpacts_buf *b, const struct ofpact *a, size_t len);
/* Hands the contents over as a heap block of exactly *len bytes (NULL when
 * empty) and leaves 'b' empty. */
struct ofpact *ofpacts_buf_steal(struct ofpacts_buf *b, size_t *len);

/* Parses the text after "actions=" ("output:2,mod_dl_src:...", "drop",
 * "meter:1,write_actions(output:3),goto_table:2", ...) into 'b' (appended).
 * Port names are resolved through 'names' (may be NULL).  Returns 0 or
 * -EINVAL with a one-line message naming the bad item.  Checks syntax,
 * instruction order and write_actions' "one of each type" rule, but not
 * the match (see ofpacts_check()). */
int ofpacts_parse(const char *s, const struct ofp_port_names *names, struct ofpacts_buf *b,
                  struct errmsg *err);

/* Appends the list in ovs-ofctl syntax ("drop" when empty) to 'sb'. */
void ofpacts_format(const struct ofpact *a, size_t len, const struct ofp_port_names *names,
                    struct strbuf *sb);
/* Same, as a heap string the caller frees. */
char *ofpacts_to_string(const struct ofpact *a, size_t len, const struct ofp_port_names *names);

/* Checks the list against the rule it belongs to: set_field fields must be
 * known and writable, their values valid for the field (the structure
 * ofpacts_check_unmatched() checks too) and their prerequisites met by
 * 'match' (legacy mod_tp_* are
 * re-targeted to the match's L4 protocol, hence non-const 'a'); goto_table
 * must go forward from 'table_id'.  Returns 0 or -EINVAL with a message. */
int ofpacts_check(struct ofpact *a, size_t len, const struct match *match, uint8_t table_id,
                  struct errmsg *err);
/* Checks a list of plain actions that runs without a match of its own (a
 * group bucket's): the structure ofpacts_check() checks (set_field fields
 * writable, values and masks valid for the field) but no prerequisites,
 * since translation skips a set_field the packet cannot take, as OVS does.
 * Instructions are refused.  Returns 0 or -EINVAL with a message and 'oe'
 * (may be NULL) set to OFPBAC_BAD_TYPE (an instruction),
 * OFPBAC_BAD_SET_TYPE (unknown or read-only field) or
 * OFPBAC_BAD_SET_ARGUMENT (value or mask). */
int ofpacts_check_unmatched(struct ofpact *a, size_t len, struct ofperr *oe, struct errmsg *err);

bool ofpacts_equal(const struct ofpact *a, size_t alen, const struct ofpact *b, size_t blen);
/* True if the list outputs to 'port' (directly or in write_actions); for
 * out_port filters. OFPP_ANY matches every list. */
bool ofpacts_output_to_port(const struct ofpact *a, size_t len, uint32_t port);
/* True if the list uses group 'group' (OFPG_ANY matches every list). */
bool ofpacts_output_to_group(const struct ofpact *a, size_t len, uint32_t group);
/* The goto_table instruction's table, or -1 if there is none. */
int ofpacts_goto_table(const struct ofpact *a, size_t len);

/* The action set (OpenFlow 1.3 section 5.10).  It is a list of actions kept
 * in a 'struct ofpacts_buf', holding at most one action of each type (one
 * set_field per field).  write merges (a later action of a type replaces
 * the earlier one); clear empties it; ordered produces the list to execute
 * at the end of the pipeline in the specification's order: copy_ttl_in,
 * pop_vlan, push_vlan, copy_ttl_out, dec_ttl, set (set_field, mod_vlan_*,
 * set ttl), group, output -- output is dropped when a group is present. */
void ofpact_set_write(struct ofpacts_buf *set, const struct ofpact *actions, size_t len);
void ofpact_set_clear(struct ofpacts_buf *set);
void ofpact_set_ordered(const struct ofpacts_buf *set, struct ofpacts_buf *out);

#endif
