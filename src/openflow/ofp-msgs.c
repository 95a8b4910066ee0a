/* ofp-msgs.c - OpenFlow 1.3 message decoders and encoders: header and
 * framing, HELLO, ERROR, ECHO, features, switch config, role, async
 * config, FLOW_MOD, GROUP_MOD, METER_MOD, PORT_MOD, TABLE_MOD, PACKET_OUT,
 * and the asynchronous PACKET_IN / FLOW_REMOVED / PORT_STATUS.  Multipart
 * bodies are in ofp-msgs-multipart.c. */
#include "openflow/ofp-msgs.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/flow.h"
#include "lib/packet.h"
#include "openflow/ofp-msgs-private.h"
#include "openflow/ofp-oxm.h"
#include "openflow/ofp-wire-actions.h"

/* Records the OpenFlow error and a message; returns 'error'. */
static int PB_PRINTF(6, 7) fail(struct ofperr *oe, struct errmsg *err, int error, uint16_t type,
                                uint16_t code, const char *fmt, ...)
{
	va_list ap;

	ofperr_set(oe, type, code);
	if (err) {
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
	}
	return error;
}

static int bad_len(struct ofperr *oe, struct errmsg *err, const char *what, size_t len)
{
	return fail(oe, err, -EINVAL, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN, "%s: bad length %zu", what,
	            len);
}

/* After a decoder failed without a message of its own. */
static int fill_err(struct errmsg *err, int error, const char *what, const struct ofperr *oe)
{
	char name[40];

	if (err && !err->msg[0])
		errmsg_set(err, error, "%s: %s", what,
		           oe && oe->set ? ofperr_name(oe->type, oe->code, name) : "invalid");
	return error;
}

/* ---- Header and framing ---- */

int ofpmsg_frame_len(const uint8_t *p, size_t avail, size_t *msg_len, struct ofperr *oe)
{
	uint16_t length;

	*msg_len = 0;
	if (avail < sizeof(struct ofp_header))
		return 0;
	length = GET16(p, ofp_header, length);
	if (length < sizeof(struct ofp_header))
		return bad_len(oe, NULL, "header", length);
	*msg_len = length;
	return 0;
}

int ofpmsg_check_header(const uint8_t *p, size_t len, struct ofp_header *oh, struct ofperr *oe)
{
	memset(oh, 0, sizeof *oh);
	if (len < sizeof(struct ofp_header))
		return bad_len(oe, NULL, "header", len);
	oh->version = GET8(p, ofp_header, version);
	oh->type = GET8(p, ofp_header, type);
	oh->length = GET16(p, ofp_header, length);
	oh->xid = GET32(p, ofp_header, xid);
	if (oh->length != len)
		return bad_len(oe, NULL, "header", len);
	if (oh->version != OFP13_VERSION && oh->type != OFPT_HELLO && oh->type != OFPT_ERROR)
		return ofperr_set(oe, OFPET_BAD_REQUEST, OFPBRC_BAD_VERSION);
	if (oh->type >= OFPT_N_TYPES)
		return ofperr_set(oe, OFPET_BAD_REQUEST, OFPBRC_BAD_TYPE);
	return 0;
}

void ofpmsg_start(struct ofpbuf *b, uint8_t type, uint32_t xid)
{
	uint8_t *h;

	ofpbuf_clear(b);
	h = ofpbuf_put_zeros(b, sizeof(struct ofp_header));
	PUT8(h, ofp_header, version, OFP13_VERSION);
	PUT8(h, ofp_header, type, type);
	PUT32(h, ofp_header, xid, xid);
}

void ofpmsg_finish(struct ofpbuf *b)
{
	assert(b->size >= sizeof(struct ofp_header) && b->size <= OFP_MAX_MSG_LEN);
	PUT16(b->data, ofp_header, length, (uint16_t)b->size);
}

void ofpmsg_encode_empty(struct ofpbuf *b, uint8_t type, uint32_t xid)
{
	ofpmsg_start(b, type, xid);
	ofpmsg_finish(b);
}

const char *ofpmsg_type_name(uint8_t type)
{
	static const char *const names[OFPT_N_TYPES] = {
	        [OFPT_HELLO] = "HELLO",
	        [OFPT_ERROR] = "ERROR",
	        [OFPT_ECHO_REQUEST] = "ECHO_REQUEST",
	        [OFPT_ECHO_REPLY] = "ECHO_REPLY",
	        [OFPT_EXPERIMENTER] = "EXPERIMENTER",
	        [OFPT_FEATURES_REQUEST] = "FEATURES_REQUEST",
	        [OFPT_FEATURES_REPLY] = "FEATURES_REPLY",
	        [OFPT_GET_CONFIG_REQUEST] = "GET_CONFIG_REQUEST",
	        [OFPT_GET_CONFIG_REPLY] = "GET_CONFIG_REPLY",
	        [OFPT_SET_CONFIG] = "SET_CONFIG",
	        [OFPT_PACKET_IN] = "PACKET_IN",
	        [OFPT_FLOW_REMOVED] = "FLOW_REMOVED",
	        [OFPT_PORT_STATUS] = "PORT_STATUS",
	        [OFPT_PACKET_OUT] = "PACKET_OUT",
	        [OFPT_FLOW_MOD] = "FLOW_MOD",
	        [OFPT_GROUP_MOD] = "GROUP_MOD",
	        [OFPT_PORT_MOD] = "PORT_MOD",
	        [OFPT_TABLE_MOD] = "TABLE_MOD",
	        [OFPT_MULTIPART_REQUEST] = "MULTIPART_REQUEST",
	        [OFPT_MULTIPART_REPLY] = "MULTIPART_REPLY",
	        [OFPT_BARRIER_REQUEST] = "BARRIER_REQUEST",
	        [OFPT_BARRIER_REPLY] = "BARRIER_REPLY",
	        [OFPT_QUEUE_GET_CONFIG_REQUEST] = "QUEUE_GET_CONFIG_REQUEST",
	        [OFPT_QUEUE_GET_CONFIG_REPLY] = "QUEUE_GET_CONFIG_REPLY",
	        [OFPT_ROLE_REQUEST] = "ROLE_REQUEST",
	        [OFPT_ROLE_REPLY] = "ROLE_REPLY",
	        [OFPT_GET_ASYNC_REQUEST] = "GET_ASYNC_REQUEST",
	        [OFPT_GET_ASYNC_REPLY] = "GET_ASYNC_REPLY",
	        [OFPT_SET_ASYNC] = "SET_ASYNC",
	        [OFPT_METER_MOD] = "METER_MOD",
	};

	return type < OFPT_N_TYPES ? names[type] : "UNKNOWN";
}

/* ---- HELLO ---- */

void ofpmsg_encode_hello(struct ofpbuf *b, uint32_t xid)
{
	uint8_t *e;

	ofpmsg_start(b, OFPT_HELLO, xid);
	e = ofpbuf_put_zeros(b, 8);
	PUT16(e, ofp_hello_elem_header, type, OFPHET_VERSIONBITMAP);
	PUT16(e, ofp_hello_elem_header, length, 8);
	ofpw_put32(e + 4, 1u << OFP13_VERSION);
	ofpmsg_finish(b);
}

int ofpmsg_decode_hello(const uint8_t *p, size_t len, uint8_t *version, struct ofperr *oe)
{
	size_t ofs = sizeof(struct ofp_header);
	bool have_bitmap = false;
	bool common = false;

	*version = 0;
	if (len < sizeof(struct ofp_header))
		return bad_len(oe, NULL, "HELLO", len);
	while (len - ofs >= sizeof(struct ofp_hello_elem_header)) {
		uint16_t type = ofpw_get16(p + ofs);
		uint16_t elen = ofpw_get16(p + ofs + 2);
		size_t padded = ((size_t)elen + 7) / 8 * 8;

		if (elen < sizeof(struct ofp_hello_elem_header) || elen > len - ofs)
			return bad_len(oe, NULL, "HELLO element", elen);
		if (type == OFPHET_VERSIONBITMAP) {
			if ((elen - 4) % 4)
				return bad_len(oe, NULL, "HELLO version bitmap", elen);
			have_bitmap = true;
			/* Version 4 is bit 4 of the first bitmap. */
			if (elen >= 8 && (ofpw_get32(p + ofs + 4) & (1u << OFP13_VERSION)))
				common = true;
		}
		if (padded >= len - ofs)
			break;
		ofs += padded;
	}
	if (!have_bitmap)
		common = GET8(p, ofp_header, version) >= OFP13_VERSION;
	if (!common)
		return ofperr_set(oe, OFPET_HELLO_FAILED, OFPHFC_INCOMPATIBLE);
	*version = OFP13_VERSION;
	return 0;
}

/* ---- ERROR, ECHO, EXPERIMENTER ---- */

void ofpmsg_encode_error(struct ofpbuf *b, uint32_t xid, uint16_t type, uint16_t code,
                         const uint8_t *req, size_t req_len)
{
	uint8_t *e;

	ofpmsg_start(b, OFPT_ERROR, xid);
	e = ofpbuf_put_zeros(b, 4);
	ofpw_put16(e, type);
	ofpw_put16(e + 2, code);
	if (req && req_len)
		ofpbuf_put(b, req, PB_MIN(req_len, (size_t)OFP_ERROR_DATA_LEN));
	ofpmsg_finish(b);
}

int ofpmsg_decode_error(const uint8_t *p, size_t len, uint16_t *type, uint16_t *code,
                        const uint8_t **data, size_t *data_len, struct ofperr *oe)
{
	*type = *code = 0;
	*data = NULL;
	*data_len = 0;
	if (len < sizeof(struct ofp_error_msg))
		return bad_len(oe, NULL, "ERROR", len);
	*type = GET16(p, ofp_error_msg, type);
	*code = GET16(p, ofp_error_msg, code);
	*data = p + sizeof(struct ofp_error_msg);
	*data_len = len - sizeof(struct ofp_error_msg);
	return 0;
}

void ofpmsg_encode_echo_reply(struct ofpbuf *b, const uint8_t *req, size_t req_len)
{
	uint32_t xid = 0;
	const uint8_t *data = NULL;
	size_t n = 0;

	if (req_len >= sizeof(struct ofp_header)) {
		xid = GET32(req, ofp_header, xid);
		data = req + sizeof(struct ofp_header);
		n = req_len - sizeof(struct ofp_header);
	}
	ofpmsg_encode_echo_request(b, xid, data, n);
	PUT8(b->data, ofp_header, type, OFPT_ECHO_REPLY);
}

void ofpmsg_encode_echo_request(struct ofpbuf *b, uint32_t xid, const uint8_t *data,
                                size_t data_len)
{
	ofpmsg_start(b, OFPT_ECHO_REQUEST, xid);
	data_len = PB_MIN(data_len, (size_t)OFP_MAX_MSG_LEN - sizeof(struct ofp_header));
	if (data_len)
		ofpbuf_put(b, data, data_len);
	ofpmsg_finish(b);
}

int ofpmsg_decode_experimenter(const uint8_t *p, size_t len, uint32_t *experimenter,
                               uint32_t *exp_type, struct ofperr *oe)
{
	*experimenter = *exp_type = 0;
	if (len < sizeof(struct ofp_experimenter_header))
		return bad_len(oe, NULL, "EXPERIMENTER", len);
	*experimenter = GET32(p, ofp_experimenter_header, experimenter);
	*exp_type = GET32(p, ofp_experimenter_header, exp_type);
	return 0;
}

/* ---- Features, switch config ---- */

void ofpmsg_encode_features_reply(struct ofpbuf *b, uint32_t xid, uint64_t datapath_id)
{
	uint8_t *h;

	ofpmsg_start(b, OFPT_FEATURES_REPLY, xid);
	ofpbuf_put_zeros(b, sizeof(struct ofp_switch_features) - sizeof(struct ofp_header));
	h = b->data;
	PUT64(h, ofp_switch_features, datapath_id, datapath_id);
	PUT32(h, ofp_switch_features, n_buffers, 0);
	PUT8(h, ofp_switch_features, n_tables, OFPROTO_N_TABLES);
	PUT8(h, ofp_switch_features, auxiliary_id, 0);
	PUT32(h, ofp_switch_features, capabilities, OFPMSG_CAPABILITIES);
	ofpmsg_finish(b);
}

void ofpmsg_encode_get_config_reply(struct ofpbuf *b, uint32_t xid,
                                    const struct ofpmsg_switch_config *cfg)
{
	ofpmsg_start(b, OFPT_GET_CONFIG_REPLY, xid);
	ofpbuf_put_zeros(b, 4);
	PUT16(b->data, ofp_switch_config, flags, cfg->flags);
	PUT16(b->data, ofp_switch_config, miss_send_len, cfg->miss_send_len);
	ofpmsg_finish(b);
}

int ofpmsg_decode_set_config(const uint8_t *p, size_t len, struct ofpmsg_switch_config *cfg,
                             struct ofperr *oe)
{
	uint16_t flags;

	memset(cfg, 0, sizeof *cfg);
	if (len != sizeof(struct ofp_switch_config))
		return bad_len(oe, NULL, "SET_CONFIG", len);
	flags = GET16(p, ofp_switch_config, flags);
	if (flags & ~(uint16_t)OFPC_FRAG_MASK || (flags & OFPC_FRAG_MASK) == OFPC_FRAG_REASM ||
	    (flags & OFPC_FRAG_MASK) == OFPC_FRAG_MASK)
		return ofperr_set(oe, OFPET_SWITCH_CONFIG_FAILED, OFPSCFC_BAD_FLAGS);
	cfg->flags = flags;
	cfg->miss_send_len = GET16(p, ofp_switch_config, miss_send_len);
	return 0;
}

/* ---- Role, async config ---- */

int ofpmsg_decode_role_request(const uint8_t *p, size_t len, struct ofpmsg_role *role,
                               struct ofperr *oe)
{
	memset(role, 0, sizeof *role);
	if (len != sizeof(struct ofp_role_request))
		return bad_len(oe, NULL, "ROLE_REQUEST", len);
	role->role = GET32(p, ofp_role_request, role);
	role->generation_id = GET64(p, ofp_role_request, generation_id);
	if (role->role > OFPCR_ROLE_SLAVE)
		return ofperr_set(oe, OFPET_ROLE_REQUEST_FAILED, OFPRRFC_BAD_ROLE);
	return 0;
}

void ofpmsg_encode_role_reply(struct ofpbuf *b, uint32_t xid, const struct ofpmsg_role *role)
{
	ofpmsg_start(b, OFPT_ROLE_REPLY, xid);
	ofpbuf_put_zeros(b, sizeof(struct ofp_role_request) - sizeof(struct ofp_header));
	PUT32(b->data, ofp_role_request, role, role->role);
	PUT64(b->data, ofp_role_request, generation_id, role->generation_id);
	ofpmsg_finish(b);
}

void ofpmsg_async_config_default(struct ofpmsg_async_config *ac)
{
	ac->packet_in_mask[0] = (1u << OFPR_NO_MATCH) | (1u << OFPR_ACTION);
	ac->packet_in_mask[1] = 0;
	ac->port_status_mask[0] = (1u << OFPPR_ADD) | (1u << OFPPR_DELETE) | (1u << OFPPR_MODIFY);
	ac->port_status_mask[1] = ac->port_status_mask[0];
	ac->flow_removed_mask[0] = (1u << OFPRR_IDLE_TIMEOUT) | (1u << OFPRR_HARD_TIMEOUT) |
	                           (1u << OFPRR_DELETE) | (1u << OFPRR_GROUP_DELETE);
	ac->flow_removed_mask[1] = 0;
}

void ofpmsg_encode_get_async_reply(struct ofpbuf *b, uint32_t xid,
                                   const struct ofpmsg_async_config *ac)
{
	uint8_t *h;

	ofpmsg_start(b, OFPT_GET_ASYNC_REPLY, xid);
	ofpbuf_put_zeros(b, sizeof(struct ofp_async_config) - sizeof(struct ofp_header));
	h = b->data;
	for (int i = 0; i < 2; i++) {
		ofpw_put32(h + offsetof(struct ofp_async_config, packet_in_mask) + 4 * i,
		           ac->packet_in_mask[i]);
		ofpw_put32(h + offsetof(struct ofp_async_config, port_status_mask) + 4 * i,
		           ac->port_status_mask[i]);
		ofpw_put32(h + offsetof(struct ofp_async_config, flow_removed_mask) + 4 * i,
		           ac->flow_removed_mask[i]);
	}
	ofpmsg_finish(b);
}

int ofpmsg_decode_set_async(const uint8_t *p, size_t len, struct ofpmsg_async_config *ac,
                            struct ofperr *oe)
{
	memset(ac, 0, sizeof *ac);
	if (len != sizeof(struct ofp_async_config))
		return bad_len(oe, NULL, "SET_ASYNC", len);
	for (int i = 0; i < 2; i++) {
		ac->packet_in_mask[i] =
		        ofpw_get32(p + offsetof(struct ofp_async_config, packet_in_mask) + 4 * i);
		ac->port_status_mask[i] =
		        ofpw_get32(p + offsetof(struct ofp_async_config, port_status_mask) + 4 * i);
		ac->flow_removed_mask[i] = ofpw_get32(
		        p + offsetof(struct ofp_async_config, flow_removed_mask) + 4 * i);
	}
	return 0;
}

/* ---- FLOW_MOD ---- */

/* Checks a decoded instruction list against the rule, mapping failures to
 * OpenFlow codes. */
static int check_rule_ofpacts(struct ofpact *a, size_t len, const struct match *match,
                              uint8_t table_id, struct ofperr *oe, struct errmsg *err)
{
	int goto_table = ofpacts_goto_table(a, len);
	struct errmsg check_err;

	if (goto_table >= 0 && (goto_table <= table_id || goto_table >= OFPROTO_N_TABLES))
		return fail(oe, err, -EINVAL, OFPET_BAD_INSTRUCTION, OFPBIC_BAD_TABLE_ID,
		            "goto_table:%d from table %u: tables go forward up to %d", goto_table,
		            table_id, OFPROTO_N_TABLES - 1);
	check_err.msg[0] = '\0';
	if (ofpacts_check(a, len, match, table_id, &check_err) < 0)
		return fail(oe, err, -EINVAL, OFPET_BAD_ACTION, OFPBAC_MATCH_INCONSISTENT, "%s",
		            check_err.msg);
	return 0;
}

int ofpmsg_decode_flow_mod(const uint8_t *p, size_t len, struct flow_text_mod *fm,
                           enum flow_text_cmd *cmd, bool *strict, struct ofperr *oe,
                           struct errmsg *err)
{
	const size_t fixed = sizeof(struct ofp_flow_mod);
	struct ofpacts_buf ob;
	uint8_t command, table_id;
	size_t consumed = 0;
	uint32_t buffer_id;
	uint16_t flags;
	int error;

	memset(fm, 0, sizeof *fm);
	match_init_catchall(&fm->match);
	fm->out_port = OFPP_ANY;
	fm->out_group = OFPG_ANY;
	*cmd = FLOW_TEXT_ADD;
	*strict = false;
	if (err)
		err->msg[0] = '\0';
	if (len < fixed + OFP_MATCH_MIN_LEN)
		return bad_len(oe, err, "FLOW_MOD", len);

	command = GET8(p, ofp_flow_mod, command);
	switch (command) {
	case OFPFC_ADD:
		*cmd = FLOW_TEXT_ADD;
		break;
	case OFPFC_MODIFY_STRICT:
		*strict = true;
		/* fall through */
	case OFPFC_MODIFY:
		*cmd = FLOW_TEXT_MODIFY;
		break;
	case OFPFC_DELETE_STRICT:
		*strict = true;
		/* fall through */
	case OFPFC_DELETE:
		*cmd = FLOW_TEXT_DELETE;
		break;
	default:
		return fail(oe, err, -EINVAL, OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_COMMAND,
		            "FLOW_MOD: unknown command %u", command);
	}

	table_id = GET8(p, ofp_flow_mod, table_id);
	if (table_id >= OFPROTO_N_TABLES && !(table_id == OFPTT_ALL && *cmd == FLOW_TEXT_DELETE))
		return fail(oe, err, -EINVAL, OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_TABLE_ID,
		            "FLOW_MOD: bad table %u", table_id);
	flags = GET16(p, ofp_flow_mod, flags);
	if (flags & ~OFPFF_ALL_13)
		return fail(oe, err, -EINVAL, OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_FLAGS,
		            "FLOW_MOD: unknown flags 0x%x", flags & ~OFPFF_ALL_13);
	buffer_id = GET32(p, ofp_flow_mod, buffer_id);
	if (buffer_id != OFP_NO_BUFFER && *cmd != FLOW_TEXT_DELETE)
		return fail(oe, err, -EINVAL, OFPET_BAD_REQUEST, OFPBRC_BUFFER_UNKNOWN,
		            "FLOW_MOD: buffer %u unknown (the switch buffers no packets)",
		            buffer_id);

	fm->table_id = table_id;
	fm->priority = GET16(p, ofp_flow_mod, priority);
	fm->has_priority = true;
	fm->idle_timeout = GET16(p, ofp_flow_mod, idle_timeout);
	fm->hard_timeout = GET16(p, ofp_flow_mod, hard_timeout);
	fm->flags = flags;
	if (*cmd == FLOW_TEXT_ADD) {
		fm->new_cookie = GET64(p, ofp_flow_mod, cookie);
	} else {
		fm->cookie_mask = GET64(p, ofp_flow_mod, cookie_mask);
		fm->cookie = GET64(p, ofp_flow_mod, cookie) & fm->cookie_mask;
	}
	if (*cmd == FLOW_TEXT_DELETE) {
		fm->out_port = GET32(p, ofp_flow_mod, out_port);
		fm->out_group = GET32(p, ofp_flow_mod, out_group);
	}

	error = oxm_match_decode(p + fixed, len - fixed, &fm->match, &consumed, oe);
	if (error) {
		match_init_catchall(&fm->match);
		return fill_err(err, error, "FLOW_MOD match", oe);
	}
	if (*cmd == FLOW_TEXT_DELETE)
		return 0; /* instructions are ignored */

	ofpacts_buf_init(&ob);
	error = ofpacts_decode_instructions(p + fixed + consumed, len - fixed - consumed, &ob, oe);
	if (error) {
		ofpacts_buf_uninit(&ob);
		return fill_err(err, error, "FLOW_MOD instructions", oe);
	}
	fm->ofpacts = ofpacts_buf_steal(&ob, &fm->ofpacts_len);
	ofpacts_buf_uninit(&ob);
	return check_rule_ofpacts(fm->ofpacts, fm->ofpacts_len, &fm->match, table_id, oe, err);
}

void ofpmsg_encode_flow_mod(struct ofpbuf *b, uint32_t xid, enum flow_text_cmd cmd, bool strict,
                            const struct flow_text_mod *fm)
{
	uint8_t command;

	switch (cmd) {
	case FLOW_TEXT_ADD:
		command = OFPFC_ADD;
		break;
	case FLOW_TEXT_MODIFY:
		command = strict ? OFPFC_MODIFY_STRICT : OFPFC_MODIFY;
		break;
	case FLOW_TEXT_DELETE:
	case FLOW_TEXT_MATCH:
	default:
		command = strict ? OFPFC_DELETE_STRICT : OFPFC_DELETE;
		break;
	}
	ofpmsg_start(b, OFPT_FLOW_MOD, xid);
	ofpbuf_put_zeros(b, sizeof(struct ofp_flow_mod) - sizeof(struct ofp_header));
	PUT64(b->data, ofp_flow_mod, cookie, command == OFPFC_ADD ? fm->new_cookie : fm->cookie);
	PUT64(b->data, ofp_flow_mod, cookie_mask, command == OFPFC_ADD ? 0 : fm->cookie_mask);
	PUT8(b->data, ofp_flow_mod, table_id, fm->table_id);
	PUT8(b->data, ofp_flow_mod, command, command);
	PUT16(b->data, ofp_flow_mod, idle_timeout, fm->idle_timeout);
	PUT16(b->data, ofp_flow_mod, hard_timeout, fm->hard_timeout);
	PUT16(b->data, ofp_flow_mod, priority, fm->priority);
	PUT32(b->data, ofp_flow_mod, buffer_id, OFP_NO_BUFFER);
	PUT32(b->data, ofp_flow_mod, out_port, fm->out_port);
	PUT32(b->data, ofp_flow_mod, out_group, fm->out_group);
	PUT16(b->data, ofp_flow_mod, flags, fm->flags);
	oxm_match_encode(&fm->match, b);
	if (command != OFPFC_DELETE && command != OFPFC_DELETE_STRICT)
		ofpacts_encode_instructions(fm->ofpacts, fm->ofpacts_len, b);
	ofpmsg_finish(b);
}

/* ---- Buckets and bands (shared with the multipart replies) ---- */

void ofpmsg_put_buckets(struct ofpbuf *b, const struct ofp_group_mod *g)
{
	for (size_t i = 0; i < g->n_buckets; i++) {
		const struct ofp_bucket *bk = &g->buckets[i];
		size_t start = b->size;
		uint8_t *h;

		ofpbuf_put_zeros(b, sizeof(struct ofp_bucket_wire));
		ofpacts_encode_actions(bk->ofpacts, bk->ofpacts_len, b);
		h = ofpbuf_at(b, start);
		PUT16(h, ofp_bucket_wire, len, (uint16_t)(b->size - start));
		PUT16(h, ofp_bucket_wire, weight, g->type == OFPGT_SELECT ? bk->weight : 0);
		PUT32(h, ofp_bucket_wire, watch_port, bk->watch_port);
		PUT32(h, ofp_bucket_wire, watch_group, bk->watch_group);
	}
}

int ofpmsg_get_buckets(const uint8_t *p, size_t len, struct ofp_group_mod *gm, struct ofperr *oe,
                       struct errmsg *err)
{
	size_t ofs = 0;

	while (ofs < len) {
		struct ofp_bucket *bk;
		struct ofpacts_buf ob;
		uint16_t blen;
		int error;

		if (len - ofs < sizeof(struct ofp_bucket_wire))
			return fail(oe, err, -EINVAL, OFPET_GROUP_MOD_FAILED, OFPGMFC_BAD_BUCKET,
			            "bucket %zu: truncated", gm->n_buckets);
		blen = ofpw_get16(p + ofs);
		if (blen < sizeof(struct ofp_bucket_wire) || blen % 8 || blen > len - ofs)
			return fail(oe, err, -EINVAL, OFPET_GROUP_MOD_FAILED, OFPGMFC_BAD_BUCKET,
			            "bucket %zu: bad length %u", gm->n_buckets, blen);
		if (gm->n_buckets >= OFP_GROUP_MAX_BUCKETS)
			return fail(oe, err, -EINVAL, OFPET_GROUP_MOD_FAILED,
			            OFPGMFC_OUT_OF_BUCKETS, "more than %d buckets",
			            OFP_GROUP_MAX_BUCKETS);
		gm->buckets = xrealloc(gm->buckets, (gm->n_buckets + 1) * sizeof *gm->buckets);
		bk = &gm->buckets[gm->n_buckets++];
		memset(bk, 0, sizeof *bk);
		bk->bucket_id = (uint32_t)(gm->n_buckets - 1);
		bk->weight = GET16(p + ofs, ofp_bucket_wire, weight);
		bk->watch_port = GET32(p + ofs, ofp_bucket_wire, watch_port);
		bk->watch_group = GET32(p + ofs, ofp_bucket_wire, watch_group);
		ofpacts_buf_init(&ob);
		error = ofpacts_decode_actions(p + ofs + sizeof(struct ofp_bucket_wire),
		                               blen - sizeof(struct ofp_bucket_wire), &ob, oe);
		if (!error)
			bk->ofpacts = ofpacts_buf_steal(&ob, &bk->ofpacts_len);
		ofpacts_buf_uninit(&ob);
		if (error)
			return fill_err(err, error, "bucket actions", oe);
		ofs += blen;
	}
	return 0;
}

void ofpmsg_put_bands(struct ofpbuf *b, const struct ofp_meter_mod *m)
{
	for (size_t i = 0; i < m->n_bands && i < OFP_METER_MAX_BANDS; i++) {
		const struct ofp_meter_band *band = &m->bands[i];
		uint8_t *h = ofpbuf_put_zeros(b, sizeof(struct ofp_meter_band_drop));

		PUT16(h, ofp_meter_band_header, type, band->type);
		PUT16(h, ofp_meter_band_header, len, sizeof(struct ofp_meter_band_drop));
		PUT32(h, ofp_meter_band_header, rate, band->rate);
		PUT32(h, ofp_meter_band_header, burst_size, band->burst_size);
		if (band->type == OFPMBT_DSCP_REMARK)
			PUT8(h, ofp_meter_band_dscp_remark, prec_level, band->prec_level);
	}
}

/* ---- GROUP_MOD ---- */

int ofpmsg_decode_group_mod(const uint8_t *p, size_t len, struct ofp_group_mod *gm,
                            struct ofperr *oe, struct errmsg *err)
{
	const size_t fixed = sizeof(struct ofp_group_mod_wire);
	uint16_t command;
	uint8_t type;
	int error;

	ofp_group_mod_init(gm);
	if (err)
		err->msg[0] = '\0';
	if (len < fixed)
		return bad_len(oe, err, "GROUP_MOD", len);
	command = GET16(p, ofp_group_mod_wire, command);
	type = GET8(p, ofp_group_mod_wire, type);
	gm->group_id = GET32(p, ofp_group_mod_wire, group_id);
	if (command > OFPGC_DELETE)
		return fail(oe, err, -EINVAL, OFPET_GROUP_MOD_FAILED, OFPGMFC_BAD_COMMAND,
		            "GROUP_MOD: unknown command %u", command);
	gm->command = command;
	if (command == OFPGC_DELETE) {
		if (gm->group_id > OFPG_MAX && gm->group_id != OFPG_ALL)
			return fail(oe, err, -EINVAL, OFPET_GROUP_MOD_FAILED, OFPGMFC_INVALID_GROUP,
			            "GROUP_MOD: invalid group 0x%x", gm->group_id);
		return 0;
	}
	if (type > OFPGT_FF)
		return fail(oe, err, -EINVAL, OFPET_GROUP_MOD_FAILED, OFPGMFC_BAD_TYPE,
		            "GROUP_MOD: unknown group type %u", type);
	gm->type = type;
	if (gm->group_id > OFPG_MAX)
		return fail(oe, err, -EINVAL, OFPET_GROUP_MOD_FAILED, OFPGMFC_INVALID_GROUP,
		            "GROUP_MOD: invalid group 0x%x", gm->group_id);
	error = ofpmsg_get_buckets(p + fixed, len - fixed, gm, oe, err);
	if (error)
		return error;
	return ofp_group_mod_check(gm, oe, err);
}

void ofpmsg_encode_group_mod(struct ofpbuf *b, uint32_t xid, const struct ofp_group_mod *gm)
{
	ofpmsg_start(b, OFPT_GROUP_MOD, xid);
	ofpbuf_put_zeros(b, sizeof(struct ofp_group_mod_wire) - sizeof(struct ofp_header));
	PUT16(b->data, ofp_group_mod_wire, command, gm->command);
	PUT8(b->data, ofp_group_mod_wire, type, gm->command == OFPGC_DELETE ? 0 : gm->type);
	PUT32(b->data, ofp_group_mod_wire, group_id, gm->group_id);
	if (gm->command != OFPGC_DELETE)
		ofpmsg_put_buckets(b, gm);
	ofpmsg_finish(b);
}

/* ---- METER_MOD ---- */

int ofpmsg_decode_meter_mod(const uint8_t *p, size_t len, struct ofp_meter_mod *mm,
                            struct ofperr *oe, struct errmsg *err)
{
	const size_t fixed = sizeof(struct ofp_meter_mod_wire);
	uint16_t command;
	size_t ofs;

	memset(mm, 0, sizeof *mm);
	if (err)
		err->msg[0] = '\0';
	if (len < fixed)
		return bad_len(oe, err, "METER_MOD", len);
	command = GET16(p, ofp_meter_mod_wire, command);
	if (command > OFPMC_DELETE)
		return fail(oe, err, -EINVAL, OFPET_METER_MOD_FAILED, OFPMMFC_BAD_COMMAND,
		            "METER_MOD: unknown command %u", command);
	mm->command = command;
	mm->meter_id = GET32(p, ofp_meter_mod_wire, meter_id);
	if (command == OFPMC_DELETE)
		return ofp_meter_mod_check(mm, oe, err);
	mm->flags = GET16(p, ofp_meter_mod_wire, flags);
	for (ofs = fixed; ofs < len;) {
		struct ofp_meter_band *band;
		uint16_t type, blen;

		if (len - ofs < sizeof(struct ofp_meter_band_header))
			return bad_len(oe, err, "METER_MOD band", len - ofs);
		type = GET16(p + ofs, ofp_meter_band_header, type);
		blen = GET16(p + ofs, ofp_meter_band_header, len);
		if (blen < sizeof(struct ofp_meter_band_header) || blen > len - ofs)
			return bad_len(oe, err, "METER_MOD band", blen);
		if ((type != OFPMBT_DROP && type != OFPMBT_DSCP_REMARK) ||
		    blen != sizeof(struct ofp_meter_band_drop))
			return fail(oe, err, -EINVAL, OFPET_METER_MOD_FAILED, OFPMMFC_BAD_BAND,
			            "METER_MOD: unsupported band type %u (length %u)", type, blen);
		if (mm->n_bands >= OFP_METER_MAX_BANDS)
			return fail(oe, err, -EINVAL, OFPET_METER_MOD_FAILED, OFPMMFC_OUT_OF_BANDS,
			            "METER_MOD: more than %d bands", OFP_METER_MAX_BANDS);
		band = &mm->bands[mm->n_bands++];
		band->type = type;
		band->rate = GET32(p + ofs, ofp_meter_band_header, rate);
		band->burst_size = GET32(p + ofs, ofp_meter_band_header, burst_size);
		if (type == OFPMBT_DSCP_REMARK)
			band->prec_level = GET8(p + ofs, ofp_meter_band_dscp_remark, prec_level);
		ofs += blen;
	}
	return ofp_meter_mod_check(mm, oe, err);
}

void ofpmsg_encode_meter_mod(struct ofpbuf *b, uint32_t xid, const struct ofp_meter_mod *mm)
{
	ofpmsg_start(b, OFPT_METER_MOD, xid);
	ofpbuf_put_zeros(b, sizeof(struct ofp_meter_mod_wire) - sizeof(struct ofp_header));
	PUT16(b->data, ofp_meter_mod_wire, command, mm->command);
	PUT16(b->data, ofp_meter_mod_wire, flags, mm->command == OFPMC_DELETE ? 0 : mm->flags);
	PUT32(b->data, ofp_meter_mod_wire, meter_id, mm->meter_id);
	if (mm->command != OFPMC_DELETE)
		ofpmsg_put_bands(b, mm);
	ofpmsg_finish(b);
}

/* ---- PORT_MOD, TABLE_MOD ---- */

int ofpmsg_decode_port_mod(const uint8_t *p, size_t len, struct ofpmsg_port_mod *pm,
                           struct ofperr *oe)
{
	memset(pm, 0, sizeof *pm);
	if (len != sizeof(struct ofp_port_mod))
		return bad_len(oe, NULL, "PORT_MOD", len);
	pm->port_no = GET32(p, ofp_port_mod, port_no);
	memcpy(pm->hw_addr, p + offsetof(struct ofp_port_mod, hw_addr), 6);
	pm->config = GET32(p, ofp_port_mod, config);
	pm->mask = GET32(p, ofp_port_mod, mask);
	pm->advertise = GET32(p, ofp_port_mod, advertise);
	if (pm->port_no == 0 || (pm->port_no > OFPP_MAX && pm->port_no != OFPP_LOCAL))
		return ofperr_set(oe, OFPET_PORT_MOD_FAILED, OFPPMFC_BAD_PORT);
	if ((pm->config | pm->mask) & ~OFPPC_ALL_13)
		return ofperr_set(oe, OFPET_PORT_MOD_FAILED, OFPPMFC_BAD_CONFIG);
	if (pm->advertise & ~0xffffu)
		return ofperr_set(oe, OFPET_PORT_MOD_FAILED, OFPPMFC_BAD_ADVERTISE);
	return 0;
}

void ofpmsg_encode_port_mod(struct ofpbuf *b, uint32_t xid, const struct ofpmsg_port_mod *pm)
{
	ofpmsg_start(b, OFPT_PORT_MOD, xid);
	ofpbuf_put_zeros(b, sizeof(struct ofp_port_mod) - sizeof(struct ofp_header));
	PUT32(b->data, ofp_port_mod, port_no, pm->port_no);
	memcpy(b->data + offsetof(struct ofp_port_mod, hw_addr), pm->hw_addr, 6);
	PUT32(b->data, ofp_port_mod, config, pm->config);
	PUT32(b->data, ofp_port_mod, mask, pm->mask);
	PUT32(b->data, ofp_port_mod, advertise, pm->advertise);
	ofpmsg_finish(b);
}

int ofpmsg_decode_table_mod(const uint8_t *p, size_t len, uint8_t *table_id, uint32_t *config,
                            struct ofperr *oe)
{
	*table_id = 0;
	*config = 0;
	if (len != sizeof(struct ofp_table_mod))
		return bad_len(oe, NULL, "TABLE_MOD", len);
	*table_id = GET8(p, ofp_table_mod, table_id);
	*config = GET32(p, ofp_table_mod, config);
	if (*table_id >= OFPROTO_N_TABLES && *table_id != OFPTT_ALL)
		return ofperr_set(oe, OFPET_TABLE_MOD_FAILED, OFPTMFC_BAD_TABLE);
	if (*config & ~OFPTC_DEPRECATED_MASK)
		return ofperr_set(oe, OFPET_TABLE_MOD_FAILED, OFPTMFC_BAD_CONFIG);
	return 0;
}

/* ---- PACKET_OUT ---- */

void ofpmsg_packet_out_uninit(struct ofpmsg_packet_out *po)
{
	if (!po)
		return;
	free(po->ofpacts);
	po->ofpacts = NULL;
	po->ofpacts_len = 0;
}

int ofpmsg_decode_packet_out(const uint8_t *p, size_t len, struct ofpmsg_packet_out *po,
                             struct ofperr *oe, struct errmsg *err)
{
	const size_t fixed = sizeof(struct ofp_packet_out);
	struct ofpacts_buf ob;
	uint16_t actions_len;
	uint32_t buffer_id;
	struct match m;
	struct flow flow;
	struct pkt pkt;
	int error;

	memset(po, 0, sizeof *po);
	if (err)
		err->msg[0] = '\0';
	if (len < fixed)
		return bad_len(oe, err, "PACKET_OUT", len);
	buffer_id = GET32(p, ofp_packet_out, buffer_id);
	po->in_port = GET32(p, ofp_packet_out, in_port);
	actions_len = GET16(p, ofp_packet_out, actions_len);
	if (actions_len > len - fixed || actions_len % 8)
		return bad_len(oe, err, "PACKET_OUT actions", actions_len);
	if (buffer_id != OFP_NO_BUFFER)
		return fail(oe, err, -EINVAL, OFPET_BAD_REQUEST, OFPBRC_BUFFER_UNKNOWN,
		            "PACKET_OUT: buffer %u unknown (the switch buffers no packets)",
		            buffer_id);
	if (po->in_port == 0 || (po->in_port > OFPP_MAX && po->in_port != OFPP_LOCAL &&
	                         po->in_port != OFPP_CONTROLLER && po->in_port != OFPP_ANY))
		return fail(oe, err, -EINVAL, OFPET_BAD_REQUEST, OFPBRC_BAD_PORT,
		            "PACKET_OUT: bad in_port 0x%x", po->in_port);
	po->packet = p + fixed + actions_len;
	po->packet_len = len - fixed - actions_len;
	if (!po->packet_len)
		return fail(oe, err, -EINVAL, OFPET_BAD_REQUEST, OFPBRC_BAD_PACKET,
		            "PACKET_OUT: no packet");

	ofpacts_buf_init(&ob);
	error = ofpacts_decode_actions(p + fixed, actions_len, &ob, oe);
	if (!error)
		po->ofpacts = ofpacts_buf_steal(&ob, &po->ofpacts_len);
	ofpacts_buf_uninit(&ob);
	if (error)
		return fill_err(err, error, "PACKET_OUT actions", oe);

	/* Check the actions against the packet itself (set_field needs the
	 * headers it rewrites). */
	memset(&pkt, 0, sizeof pkt);
	pkt.data = (uint8_t *)(uintptr_t)po->packet;
	pkt.len = (uint32_t)po->packet_len;
	flow_extract(&pkt, po->in_port, &flow);
	m.flow = flow;
	memset(&m.mask, 0xff, sizeof m.mask);
	return check_rule_ofpacts(po->ofpacts, po->ofpacts_len, &m, 0, oe, err);
}

void ofpmsg_encode_packet_out(struct ofpbuf *b, uint32_t xid, const struct ofpmsg_packet_out *po)
{
	size_t start;

	ofpmsg_start(b, OFPT_PACKET_OUT, xid);
	ofpbuf_put_zeros(b, sizeof(struct ofp_packet_out) - sizeof(struct ofp_header));
	PUT32(b->data, ofp_packet_out, buffer_id, OFP_NO_BUFFER);
	PUT32(b->data, ofp_packet_out, in_port, po->in_port);
	start = b->size;
	ofpacts_encode_actions(po->ofpacts, po->ofpacts_len, b);
	PUT16(b->data, ofp_packet_out, actions_len, (uint16_t)(b->size - start));
	if (po->packet_len)
		ofpbuf_put(b, po->packet, PB_MIN(po->packet_len, OFP_MAX_MSG_LEN - b->size));
	ofpmsg_finish(b);
}

/* ---- Asynchronous messages ---- */

static void set_exact(struct match *m, enum mf_field_id id, uint64_t x)
{
	const struct mf_field *mf = mf_from_id(id);
	union mf_value v;

	memset(&v, 0, sizeof v);
	mf_value_from_u64(mf, x, &v);
	mf_set(mf, &v, NULL, m);
}

void ofpmsg_encode_packet_in(struct ofpbuf *b, uint32_t xid, const struct ofproto_packet_in *pin,
                             uint16_t send_len)
{
	const struct flow *f = &pin->flow;
	size_t data_len = pin->packet_len;
	struct match m;
	uint8_t reason;

	switch (pin->reason) {
	case OFPROTO_PIN_NO_MATCH:
		reason = OFPR_NO_MATCH;
		break;
	case OFPROTO_PIN_INVALID_TTL:
		reason = OFPR_INVALID_TTL;
		break;
	case OFPROTO_PIN_ACTION:
	default:
		reason = OFPR_ACTION;
		break;
	}
	match_init_catchall(&m);
	set_exact(&m, MFF_IN_PORT, f->in_port);
	if (f->metadata)
		set_exact(&m, MFF_METADATA, f->metadata);
	if (f->tun_id)
		set_exact(&m, MFF_TUN_ID, f->tun_id);
	for (int i = 0; i < FLOW_N_REGS; i++)
		if (f->regs[i])
			set_exact(&m, (enum mf_field_id)(MFF_REG0 + i), f->regs[i]);

	ofpmsg_start(b, OFPT_PACKET_IN, xid);
	ofpbuf_put_zeros(b, sizeof(struct ofp_packet_in) - sizeof(struct ofp_header));
	PUT32(b->data, ofp_packet_in, buffer_id, OFP_NO_BUFFER);
	PUT16(b->data, ofp_packet_in, total_len, (uint16_t)PB_MIN(pin->packet_len, 0xffffu));
	PUT8(b->data, ofp_packet_in, reason, reason);
	PUT8(b->data, ofp_packet_in, table_id, pin->table_id);
	PUT64(b->data, ofp_packet_in, cookie, pin->cookie);
	oxm_match_encode(&m, b);
	ofpbuf_put_zeros(b, 2);
	if (send_len != OFPCML_NO_BUFFER && send_len < data_len)
		data_len = send_len;
	data_len = PB_MIN(data_len, OFP_MAX_MSG_LEN - b->size);
	if (data_len)
		ofpbuf_put(b, pin->packet, data_len);
	ofpmsg_finish(b);
}

void ofpmsg_encode_flow_removed(struct ofpbuf *b, uint32_t xid,
                                const struct ofproto_flow_removed *fr)
{
	uint8_t reason = fr->reason <= OFPRR_GROUP_DELETE ? fr->reason : OFPRR_DELETE;

	ofpmsg_start(b, OFPT_FLOW_REMOVED, xid);
	ofpbuf_put_zeros(b, sizeof(struct ofp_flow_removed) - sizeof(struct ofp_header));
	PUT64(b->data, ofp_flow_removed, cookie, fr->cookie);
	PUT16(b->data, ofp_flow_removed, priority, fr->priority);
	PUT8(b->data, ofp_flow_removed, reason, reason);
	PUT8(b->data, ofp_flow_removed, table_id, fr->table_id);
	PUT32(b->data, ofp_flow_removed, duration_sec, fr->duration_sec);
	PUT32(b->data, ofp_flow_removed, duration_nsec, fr->duration_nsec);
	PUT16(b->data, ofp_flow_removed, idle_timeout, fr->idle_timeout);
	PUT16(b->data, ofp_flow_removed, hard_timeout, fr->hard_timeout);
	PUT64(b->data, ofp_flow_removed, packet_count, fr->packets);
	PUT64(b->data, ofp_flow_removed, byte_count, fr->bytes);
	oxm_match_encode(&fr->match, b);
	ofpmsg_finish(b);
}

static uint32_t port_features(uint32_t speed_kbps)
{
	switch (speed_kbps) {
	case 10000:
		return OFPPF_10MB_FD;
	case 100000:
		return OFPPF_100MB_FD;
	case 1000000:
		return OFPPF_1GB_FD;
	case 10000000:
		return OFPPF_10GB_FD;
	case 40000000:
		return OFPPF_40GB_FD;
	case 100000000:
		return OFPPF_100GB_FD;
	case 1000000000:
		return OFPPF_1TB_FD;
	default:
		return OFPPF_OTHER;
	}
}

void ofp_port_encode(struct ofpbuf *b, const struct ofproto_port_desc *d)
{
	uint8_t *h = ofpbuf_put_zeros(b, sizeof(struct ofp_port));
	uint32_t curr = port_features(d->curr_speed) | OFPPF_COPPER;
	size_t name_len = strnlen(d->name, sizeof d->name);

	PUT32(h, ofp_port, port_no, d->port_no);
	memcpy(h + offsetof(struct ofp_port, hw_addr), d->hw_addr, 6);
	memcpy(h + offsetof(struct ofp_port, name), d->name,
	       PB_MIN(name_len, (size_t)OFP_MAX_PORT_NAME_LEN - 1));
	PUT32(h, ofp_port, config, d->config);
	PUT32(h, ofp_port, state, d->state);
	PUT32(h, ofp_port, curr, curr);
	PUT32(h, ofp_port, advertised, curr);
	PUT32(h, ofp_port, supported, curr);
	PUT32(h, ofp_port, peer, 0);
	PUT32(h, ofp_port, curr_speed, d->curr_speed);
	PUT32(h, ofp_port, max_speed, d->max_speed);
}

void ofp_port_decode(const uint8_t *p, struct ofproto_port_desc *d)
{
	memset(d, 0, sizeof *d);
	d->port_no = GET32(p, ofp_port, port_no);
	memcpy(d->hw_addr, p + offsetof(struct ofp_port, hw_addr), 6);
	memcpy(d->name, p + offsetof(struct ofp_port, name), sizeof d->name - 1);
	d->config = GET32(p, ofp_port, config);
	d->state = GET32(p, ofp_port, state);
	d->curr_speed = GET32(p, ofp_port, curr_speed);
	d->max_speed = GET32(p, ofp_port, max_speed);
}

void ofpmsg_encode_port_status(struct ofpbuf *b, uint32_t xid, uint8_t reason,
                               const struct ofproto_port_desc *desc)
{
	ofpmsg_start(b, OFPT_PORT_STATUS, xid);
	ofpbuf_put_zeros(b, offsetof(struct ofp_port_status, desc) - sizeof(struct ofp_header));
	PUT8(b->data, ofp_port_status, reason, reason);
	ofp_port_encode(b, desc);
	ofpmsg_finish(b);
}
