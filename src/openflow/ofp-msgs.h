/* ofp-msgs.h - OpenFlow 1.3 messages: strict decoders from wire bytes into
 * Patchbay's models (flow_text_mod, ofp_group_mod, ofp_meter_mod...) and
 * encoders from the models and bridge events into wire messages, plus the
 * multipart request/reply bodies.  Layouts are in ofp-wire.h; matches are
 * coded by ofp-oxm.h and actions/instructions by ofp-wire-actions.h.
 *
 * Decoders
 *   - take the whole message ('p', 'len' = the bytes the connection framed,
 *     which must equal the header's length) or, for multipart bodies, the
 *     body alone; they never read outside [p, p + len) and accept any
 *     bytes without crashing;
 *   - validate strictly: exact or minimum lengths, unknown commands, types
 *     and flags, reserved values, as the specification asks;
 *   - return 0, or a negative errno (-EINVAL for malformed or refused
 *     input, -EOPNOTSUPP for valid but unsupported requests) with 'oe' set
 *     to the (type, code) the peer gets in an OFPT_ERROR and, where they
 *     take one, 'err' set to a one-line explanation for logs;
 *   - leave outputs that own memory (flow_text_mod, ofp_group_mod,
 *     ofpmsg_packet_out) initialized even on failure: the caller always
 *     releases them.
 * 'oe' and 'err' may be NULL.
 *
 * Encoders append to a 'struct ofpbuf'.  A message is built between
 * ofpmsg_start() (which empties the buffer and writes the header) and
 * ofpmsg_finish() (which fills in the length); the ofpmsg_encode_*
 * functions do both, so one buffer holds one message.  Multipart reply
 * bodies are built entry by entry with ofpmp_put_*() into a plain body
 * buffer, then ofpmp_reply_split() cuts the body into messages.
 *
 * Pure functions, no global state; any thread. */
#ifndef PB_OFP_MSGS_H
#define PB_OFP_MSGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"
#include "ofproto/ofproto-ofp.h"
#include "openflow/flow-text.h"
#include "openflow/ofp-errors.h"
#include "openflow/ofp-group.h"
#include "openflow/ofp-meter.h"
#include "openflow/ofp-wire.h"
#include "openflow/ofpbuf.h"

/* ---- Header and framing ---- */

/* Number of bytes of the message that starts at 'p' ('avail' bytes
 * received so far): 0 if fewer than 8 bytes are there yet, else the
 * header's length.  -EINVAL (OFPBRC_BAD_LEN) if that length is < 8: the
 * stream cannot be re-synchronised and the connection must close. */
int ofpmsg_frame_len(const uint8_t *p, size_t avail, size_t *msg_len, struct ofperr *oe);

/* Checks the header of the message 'p'/'len' and returns it in host byte
 * order in '*oh' (filled whenever len >= 8, even on failure, so the caller
 * can answer with the request's xid).  Errors: OFPBRC_BAD_LEN (len < 8 or
 * != header length), OFPBRC_BAD_VERSION (version != 0x04; HELLO and
 * ERROR of any version pass), OFPBRC_BAD_TYPE (type >= OFPT_N_TYPES). */
int ofpmsg_check_header(const uint8_t *p, size_t len, struct ofp_header *oh, struct ofperr *oe);

/* Empties 'b' and appends an OpenFlow 1.3 header of 'type' and 'xid'
 * (length filled in by ofpmsg_finish()). */
void ofpmsg_start(struct ofpbuf *b, uint8_t type, uint32_t xid);
/* Writes b->size into the header's length.  The message must not exceed
 * OFP_MAX_MSG_LEN (asserted: encoders bound what they append). */
void ofpmsg_finish(struct ofpbuf *b);
/* A header-only message (FEATURES_REQUEST, BARRIER_REPLY,
 * GET_ASYNC_REQUEST...). */
void ofpmsg_encode_empty(struct ofpbuf *b, uint8_t type, uint32_t xid);
/* Human-readable name of a message type ("FLOW_MOD"), "UNKNOWN" otherwise. */
const char *ofpmsg_type_name(uint8_t type);

/* ---- HELLO ---- */

/* HELLO with a version bitmap offering only OpenFlow 1.3. */
void ofpmsg_encode_hello(struct ofpbuf *b, uint32_t xid);
/* Negotiates from the peer's HELLO (spec 6.3.1): with a version bitmap
 * element, the highest version set in both bitmaps; without, the lower of
 * the two header versions.  We speak only 0x04, so '*version' is 0x04 or
 * the call fails with OFPHFC_INCOMPATIBLE.  Elements of unknown type are
 * skipped; a malformed element list is OFPBRC_BAD_LEN. */
int ofpmsg_decode_hello(const uint8_t *p, size_t len, uint8_t *version, struct ofperr *oe);

/* ---- ERROR, ECHO, EXPERIMENTER ---- */

/* ERROR (type, code) quoting the first 64 bytes of 'req'/'req_len' (the
 * offending message; may be NULL/0; must not point into 'b').  xid: the
 * request's. */
void ofpmsg_encode_error(struct ofpbuf *b, uint32_t xid, uint16_t type, uint16_t code,
                         const uint8_t *req, size_t req_len);
/* Decodes an ERROR: 'data' points into 'p' (the quoted request). */
int ofpmsg_decode_error(const uint8_t *p, size_t len, uint16_t *type, uint16_t *code,
                        const uint8_t **data, size_t *data_len, struct ofperr *oe);
/* ECHO_REPLY to the ECHO_REQUEST 'req'/'req_len' (same xid, same payload;
 * the request's header must have been checked). */
void ofpmsg_encode_echo_reply(struct ofpbuf *b, const uint8_t *req, size_t req_len);
void ofpmsg_encode_echo_request(struct ofpbuf *b, uint32_t xid, const uint8_t *data,
                                size_t data_len);
/* EXPERIMENTER message: experimenter id and type (length >= 16, else
 * OFPBRC_BAD_LEN).  We support none: the agent answers
 * OFPBRC_BAD_EXPERIMENTER. */
int ofpmsg_decode_experimenter(const uint8_t *p, size_t len, uint32_t *experimenter,
                               uint32_t *exp_type, struct ofperr *oe);

/* ---- Features, switch config ---- */

/* What FEATURES_REPLY advertises: flow, table, port, group and queue
 * statistics (queue statistics are answered, with no queues). */
#define OFPMSG_CAPABILITIES                                                                        \
	(OFPC_FLOW_STATS | OFPC_TABLE_STATS | OFPC_PORT_STATS | OFPC_GROUP_STATS | OFPC_QUEUE_STATS)
/* n_buffers 0, n_tables OFPROTO_N_TABLES (64), auxiliary_id 0. */
void ofpmsg_encode_features_reply(struct ofpbuf *b, uint32_t xid, uint64_t datapath_id);

struct ofpmsg_switch_config {
	uint16_t flags;         /* OFPC_FRAG_NORMAL or OFPC_FRAG_DROP */
	uint16_t miss_send_len; /* bytes of a table-miss packet to send; OFPCML_NO_BUFFER = all */
};
void ofpmsg_encode_get_config_reply(struct ofpbuf *b, uint32_t xid,
                                    const struct ofpmsg_switch_config *cfg);
/* SET_CONFIG: exact length 12 (else OFPBRC_BAD_LEN); flags other than
 * FRAG_NORMAL / FRAG_DROP (REASM, unknown bits): OFPSCFC_BAD_FLAGS. */
int ofpmsg_decode_set_config(const uint8_t *p, size_t len, struct ofpmsg_switch_config *cfg,
                             struct ofperr *oe);

/* ---- Role, async config, barrier ---- */

struct ofpmsg_role {
	uint32_t role; /* OFPCR_ROLE_* */
	uint64_t generation_id;
};
/* ROLE_REQUEST: length 24; role > SLAVE: OFPRRFC_BAD_ROLE.  (Staleness of
 * generation_id is the agent's business: OFPRRFC_STALE.) */
int ofpmsg_decode_role_request(const uint8_t *p, size_t len, struct ofpmsg_role *role,
                               struct ofperr *oe);
void ofpmsg_encode_role_reply(struct ofpbuf *b, uint32_t xid, const struct ofpmsg_role *role);

struct ofpmsg_async_config {
	uint32_t packet_in_mask[2];    /* [0] master/equal, [1] slave; bit = 1 << OFPR_* */
	uint32_t port_status_mask[2];  /* bit = 1 << OFPPR_* */
	uint32_t flow_removed_mask[2]; /* bit = 1 << OFPRR_* */
};
/* The specification's default: master/equal get every packet_in reason
 * except INVALID_TTL, all port_status and flow_removed reasons; slaves get
 * port_status only. */
void ofpmsg_async_config_default(struct ofpmsg_async_config *ac);
void ofpmsg_encode_get_async_reply(struct ofpbuf *b, uint32_t xid,
                                   const struct ofpmsg_async_config *ac);
/* SET_ASYNC: exact length 32 (OFPBRC_BAD_LEN). */
int ofpmsg_decode_set_async(const uint8_t *p, size_t len, struct ofpmsg_async_config *ac,
                            struct ofperr *oe);

/* ---- FLOW_MOD ---- */

/* Decodes a FLOW_MOD into 'fm' (initialized here; release with
 * flow_text_mod_uninit() whatever the result), '*cmd' and '*strict':
 *   ADD -> FLOW_TEXT_ADD; MODIFY[_STRICT] -> FLOW_TEXT_MODIFY;
 *   DELETE[_STRICT] -> FLOW_TEXT_DELETE.
 * Fields follow flow-text.h's semantics: ADD takes the cookie as the rule's
 * (new_cookie) and ignores cookie_mask; MODIFY/DELETE use cookie/cookie_mask
 * as a filter and never change cookies (modify_cookie false);
 * has_priority is always true; out_port/out_group filter DELETE only (ANY
 * for the others); instructions are ignored for DELETE.  Errors:
 * OFPBRC_BAD_LEN, OFPFMFC_BAD_COMMAND, OFPFMFC_BAD_TABLE_ID (table >= 64,
 * or OFPTT_ALL outside DELETE), OFPFMFC_BAD_FLAGS (unknown bits),
 * OFPBRC_BUFFER_UNKNOWN (buffer_id other than OFP_NO_BUFFER for
 * ADD/MODIFY), OFPBMC_* from the match, OFPBIC_* / OFPBAC_* from the
 * instructions, OFPBIC_BAD_TABLE_ID (goto_table not forward or past the
 * last table), OFPBAC_MATCH_INCONSISTENT (a set_field whose
 * prerequisites the match lacks, or any other ofpacts_check() failure). */
int ofpmsg_decode_flow_mod(const uint8_t *p, size_t len, struct flow_text_mod *fm,
                           enum flow_text_cmd *cmd, bool *strict, struct ofperr *oe,
                           struct errmsg *err);
/* The inverse (for tests and tools): FLOW_TEXT_MATCH encodes as DELETE;
 * buffer_id OFP_NO_BUFFER. */
void ofpmsg_encode_flow_mod(struct ofpbuf *b, uint32_t xid, enum flow_text_cmd cmd, bool strict,
                            const struct flow_text_mod *fm);

/* ---- GROUP_MOD, METER_MOD ---- */

/* Decodes and checks (ofp_group_mod_check()) a GROUP_MOD into 'gm'
 * (initialized here; release with ofp_group_mod_uninit()).  Errors:
 * OFPBRC_BAD_LEN, OFPGMFC_BAD_COMMAND, OFPGMFC_BAD_TYPE,
 * OFPGMFC_INVALID_GROUP (id > OFPG_MAX, except OFPG_ALL for DELETE),
 * OFPGMFC_BAD_BUCKET (bucket length < 16, not a multiple of 8, or past
 * the message), OFPBAC_* from the bucket actions, and the check's codes.
 * DELETE ignores type and buckets. */
int ofpmsg_decode_group_mod(const uint8_t *p, size_t len, struct ofp_group_mod *gm,
                            struct ofperr *oe, struct errmsg *err);
void ofpmsg_encode_group_mod(struct ofpbuf *b, uint32_t xid, const struct ofp_group_mod *gm);

/* Decodes and checks (ofp_meter_mod_check()) a METER_MOD.  Errors:
 * OFPBRC_BAD_LEN, OFPMMFC_BAD_COMMAND, OFPMMFC_BAD_BAND (unknown or
 * experimenter band type, band length != 16), OFPMMFC_OUT_OF_BANDS (more
 * than OFP_METER_MAX_BANDS), and the check's codes.  DELETE ignores flags
 * and bands. */
int ofpmsg_decode_meter_mod(const uint8_t *p, size_t len, struct ofp_meter_mod *mm,
                            struct ofperr *oe, struct errmsg *err);
void ofpmsg_encode_meter_mod(struct ofpbuf *b, uint32_t xid, const struct ofp_meter_mod *mm);

/* ---- PORT_MOD, TABLE_MOD ---- */

struct ofpmsg_port_mod {
	uint32_t port_no;
	uint8_t hw_addr[6];
	uint32_t config;    /* OFPPC_* */
	uint32_t mask;      /* OFPPC_* bits to change */
	uint32_t advertise; /* OFPPF_*; 0 = no change */
};
/* Length 40 (OFPBRC_BAD_LEN); port_no > OFPP_MAX other than OFPP_LOCAL:
 * OFPPMFC_BAD_PORT; config or mask bits other than PORT_DOWN, NO_RECV,
 * NO_FWD, NO_PACKET_IN: OFPPMFC_BAD_CONFIG; advertise bits beyond
 * OFPPF_PAUSE_ASYM: OFPPMFC_BAD_ADVERTISE. */
int ofpmsg_decode_port_mod(const uint8_t *p, size_t len, struct ofpmsg_port_mod *pm,
                           struct ofperr *oe);
void ofpmsg_encode_port_mod(struct ofpbuf *b, uint32_t xid, const struct ofpmsg_port_mod *pm);

/* Length 16; table_id < 64 or OFPTT_ALL (else OFPTMFC_BAD_TABLE); config
 * may only use the deprecated bits 0..1 (OFPTMFC_BAD_CONFIG), which 1.3
 * ignores. */
int ofpmsg_decode_table_mod(const uint8_t *p, size_t len, uint8_t *table_id, uint32_t *config,
                            struct ofperr *oe);

/* ---- PACKET_OUT ---- */

struct ofpmsg_packet_out {
	uint32_t in_port;       /* a port, OFPP_LOCAL, OFPP_CONTROLLER or OFPP_ANY */
	struct ofpact *ofpacts; /* heap, owned (NULL when no actions) */
	size_t ofpacts_len;
	const uint8_t *packet; /* points into the message */
	size_t packet_len;
};
/* Decodes a PACKET_OUT into 'po' (initialized here; release with
 * ofpmsg_packet_out_uninit()).  Errors: OFPBRC_BAD_LEN (short, or
 * actions_len past the message or not a multiple of 8),
 * OFPBRC_BUFFER_UNKNOWN (buffer_id != OFP_NO_BUFFER: we buffer nothing),
 * OFPBRC_BAD_PORT (in_port not a port, LOCAL, CONTROLLER or ANY),
 * OFPBRC_BAD_PACKET (no data), OFPBAC_* from the actions (only plain
 * actions; OFPBAC_MATCH_INCONSISTENT when ofpacts_check() refuses them
 * against the packet's headers). */
int ofpmsg_decode_packet_out(const uint8_t *p, size_t len, struct ofpmsg_packet_out *po,
                             struct ofperr *oe, struct errmsg *err);
void ofpmsg_packet_out_uninit(struct ofpmsg_packet_out *po);
void ofpmsg_encode_packet_out(struct ofpbuf *b, uint32_t xid, const struct ofpmsg_packet_out *po);

/* ---- Asynchronous messages ---- */

/* PACKET_IN (xid 0 normally): buffer_id OFP_NO_BUFFER, total_len =
 * packet_len, reason, table_id, cookie, an OXM match of in_port plus
 * metadata, tun_id and regs when non-zero, then the first 'send_len'
 * bytes of the packet (all when send_len >= packet_len or OFPCML_NO_BUFFER;
 * the caller picks the action's max_len or the miss_send_len). */
void ofpmsg_encode_packet_in(struct ofpbuf *b, uint32_t xid, const struct ofproto_packet_in *pin,
                             uint16_t send_len);
/* FLOW_REMOVED.  Reason 4 (meter delete, an OpenFlow 1.4 reason) is sent
 * as OFPRR_DELETE. */
void ofpmsg_encode_flow_removed(struct ofpbuf *b, uint32_t xid,
                                const struct ofproto_flow_removed *fr);
/* PORT_STATUS with OFPPR_* 'reason' (enum ofproto_port_reason has the
 * same values). */
void ofpmsg_encode_port_status(struct ofpbuf *b, uint32_t xid, uint8_t reason,
                               const struct ofproto_port_desc *desc);
/* Appends one 64-byte struct ofp_port (also the PORT_DESC entry): curr,
 * advertised, supported from curr_speed (OFPPF_10GB_FD... or OFPPF_OTHER)
 * plus OFPPF_COPPER; peer 0. */
void ofp_port_encode(struct ofpbuf *b, const struct ofproto_port_desc *desc);
/* The inverse of ofp_port_encode (64 bytes at 'p'). */
void ofp_port_decode(const uint8_t *p, struct ofproto_port_desc *desc);

/* ---- Multipart requests ---- */

/* Checks a MULTIPART_REQUEST (header already checked) and returns its
 * type, flags and body (pointing into 'p').  Errors: OFPBRC_BAD_LEN (< 16
 * bytes), OFPBRC_BAD_MULTIPART (unknown type), OFPBRC_BAD_EXPERIMENTER
 * (OFPMP_EXPERIMENTER: we have none).  OFPMPF_REQ_MORE is returned in
 * '*flags' for the caller to refuse or gather. */
int ofpmp_decode_request(const uint8_t *p, size_t len, uint16_t *type, uint16_t *flags,
                         const uint8_t **body, size_t *body_len, struct ofperr *oe);
/* Body decoders (the body alone, as ofpmp_decode_request() returned it).
 * OFPBRC_BAD_LEN when the length is wrong. */

/* DESC, TABLE, PORT_DESC, GROUP_DESC, GROUP_FEATURES, METER_FEATURES:
 * the body must be empty. */
int ofpmp_decode_empty_request(const uint8_t *body, size_t len, struct ofperr *oe);
/* FLOW and AGGREGATE: a FLOW_TEXT_MATCH-style filter in 'filter'
 * (initialized here; release with flow_text_mod_uninit()): match,
 * table_id (OFPTT_ALL = FLOW_TEXT_TABLE_ALL), out_port, out_group,
 * cookie/cookie_mask; has_priority false.  Errors: OFPBRC_BAD_LEN,
 * OFPBRC_BAD_TABLE_ID (table >= 64 and not ALL), OFPBMC_*. */
int ofpmp_decode_flow_request(const uint8_t *body, size_t len, struct flow_text_mod *filter,
                              struct ofperr *oe, struct errmsg *err);
/* PORT_STATS: port_no (OFPP_ANY = all). */
int ofpmp_decode_port_stats_request(const uint8_t *body, size_t len, uint32_t *port_no,
                                    struct ofperr *oe);
/* QUEUE: port_no (OFPP_ANY = all), queue_id (OFPQ_ALL = all). */
int ofpmp_decode_queue_request(const uint8_t *body, size_t len, uint32_t *port_no,
                               uint32_t *queue_id, struct ofperr *oe);
/* GROUP: group_id (OFPG_ALL = all). */
int ofpmp_decode_group_request(const uint8_t *body, size_t len, uint32_t *group_id,
                               struct ofperr *oe);
/* METER and METER_CONFIG: meter_id (OFPM_ALL = all). */
int ofpmp_decode_meter_request(const uint8_t *body, size_t len, uint32_t *meter_id,
                               struct ofperr *oe);
/* TABLE_FEATURES: an empty body asks for the features; a body would set
 * them, which we refuse: -EOPNOTSUPP with OFPTFFC_EPERM. */
int ofpmp_decode_table_features_request(const uint8_t *body, size_t len, struct ofperr *oe);

/* Encoders of requests (for tests and tools): the header and body. */
void ofpmp_encode_request(struct ofpbuf *b, uint32_t xid, uint16_t type, uint16_t flags,
                          const void *body, size_t body_len);
/* FLOW / AGGREGATE request from a filter (FLOW_TEXT_MATCH semantics). */
void ofpmp_encode_flow_request(struct ofpbuf *b, uint32_t xid, uint16_t type,
                               const struct flow_text_mod *filter);

/* ---- Multipart reply bodies ---- */

/* Each ofpmp_put_*() appends one entry to a body buffer (a plain ofpbuf,
 * no header). */

struct ofpmp_desc {
	const char *mfr_desc, *hw_desc, *sw_desc, *serial_num, *dp_desc; /* truncated to fit */
};
void ofpmp_put_desc(struct ofpbuf *body, const struct ofpmp_desc *d);
/* One flow entry (match via ofp-oxm, instructions via ofp-wire-actions). */
void ofpmp_put_flow_stats(struct ofpbuf *body, const struct ofproto_rule_info *r);
void ofpmp_put_aggregate(struct ofpbuf *body, uint64_t packets, uint64_t bytes,
                         uint32_t flow_count);
void ofpmp_put_table_stats(struct ofpbuf *body, uint8_t table_id,
                           const struct ofproto_table_stats *s);

/* One id list of a table-features property. */
struct ofpmp_tf_ids {
	const uint32_t *ids; /* instruction types (OFPIT_*), action types
	                      * (OFPAT_*), table ids, or OXM headers */
	size_t n;
};
struct ofpmp_table_features {
	uint8_t table_id;
	const char *name; /* truncated to 31 bytes */
	uint64_t metadata_match, metadata_write;
	uint32_t config, max_entries;
	/* Indexed by OFPTFPT_* (0..15; 9 and 11 unused).  Every standard
	 * property is written, empty lists too, in type order (ovs-ofctl
	 * refuses a reply that lacks one of the 8 non-miss properties, and
	 * asks for TABLE_FEATURES before every flow_mod command):
	 * INSTRUCTIONS[_MISS]: 4-byte ofp_instruction ids {type, len 4};
	 * NEXT_TABLES[_MISS]: one byte per table; *_ACTIONS[_MISS]: 4-byte
	 * ofp_action ids {type, len 4}; MATCH, WILDCARDS, *_SETFIELD[_MISS]:
	 * 4-byte OXM headers as given. */
	struct ofpmp_tf_ids props[OFPTFPT_N_STANDARD];
};
void ofpmp_put_table_features(struct ofpbuf *body, const struct ofpmp_table_features *tf);

struct ofpmp_port_stats {
	uint32_t port_no;
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
	uint64_t rx_dropped, tx_dropped, rx_errors, tx_errors;
	uint64_t rx_frame_err, rx_over_err, rx_crc_err, collisions;
	uint32_t duration_sec, duration_nsec;
};
void ofpmp_put_port_stats(struct ofpbuf *body, const struct ofpmp_port_stats *s);
/* PORT_DESC entry (same as ofp_port_encode). */
void ofpmp_put_port_desc(struct ofpbuf *body, const struct ofproto_port_desc *d);

struct ofpmp_queue_stats {
	uint32_t port_no, queue_id;
	uint64_t tx_bytes, tx_packets, tx_errors;
	uint32_t duration_sec, duration_nsec;
};
void ofpmp_put_queue_stats(struct ofpbuf *body, const struct ofpmp_queue_stats *s);

void ofpmp_put_group_stats(struct ofpbuf *body, const struct ofp_group_stats *s);
/* GROUP_DESC entry of a group (buckets' actions via ofp-wire-actions). */
void ofpmp_put_group_desc(struct ofpbuf *body, const struct ofp_group_mod *g);

struct ofpmp_group_features {
	uint32_t types;        /* 1 << OFPGT_* */
	uint32_t capabilities; /* OFPGFC_* */
	uint32_t max_groups[4];
	uint32_t actions[4]; /* 1 << OFPAT_* per group type */
};
void ofpmp_put_group_features(struct ofpbuf *body, const struct ofpmp_group_features *f);

void ofpmp_put_meter_stats(struct ofpbuf *body, const struct ofp_meter_stats *s);
/* METER_CONFIG entry of a meter. */
void ofpmp_put_meter_config(struct ofpbuf *body, const struct ofp_meter_mod *m);

struct ofpmp_meter_features {
	uint32_t max_meter;
	uint32_t band_types;   /* 1 << OFPMBT_* */
	uint32_t capabilities; /* OFPMF_* */
	uint8_t max_bands, max_color;
};
void ofpmp_put_meter_features(struct ofpbuf *body, const struct ofpmp_meter_features *f);

/* Largest body per MULTIPART_REPLY message (the header's length is 16
 * bits). */
#define OFPMP_MAX_BODY (OFP_MAX_MSG_LEN - sizeof(struct ofp_multipart_reply))

/* Cuts 'body' (entries of multipart 'type' appended by ofpmp_put_*()) into
 * MULTIPART_REPLY messages of at most OFPMP_MAX_BODY body bytes each,
 * never splitting an entry; every message but the last has
 * OFPMPF_REPLY_MORE.  An empty body gives one empty reply.  Appends the
 * messages (one ofpbuf each, xid 'xid') to the heap array '*msgs' /
 * '*n_msgs' (grown here; the caller uninits each and frees the array).
 * -EINVAL if the body is not a well-formed sequence of entries (a bug),
 * -EMSGSIZE (OFPBRC_MULTIPART_BUFFER_OVERFLOW) if one entry alone exceeds
 * OFPMP_MAX_BODY; nothing is appended then. */
int ofpmp_reply_split(uint16_t type, uint32_t xid, const struct ofpbuf *body, struct ofpbuf **msgs,
                      size_t *n_msgs, struct ofperr *oe);

/* ---- Everything ---- */

/* Decodes any message 'p'/'len' by its type with the decoder above
 * (including multipart request bodies), frees what it built and returns
 * the decoder's result: the validation entry point (and fuzz target).
 * Messages that carry nothing to decode (FEATURES_REQUEST, BARRIER_...)
 * only get their length checked; replies and switch-to-controller types
 * are accepted after the header check. */
int ofpmsg_decode_any(const uint8_t *p, size_t len, struct ofperr *oe);

#endif
