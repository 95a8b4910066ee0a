/* ofagent-handlers.c - what the agent does with each OpenFlow 1.3 message a
 * connection receives: decode it (ofp-msgs.h), check the sender's role,
 * apply it to the bridge (ofproto.h, ofproto-ofp.h), and answer with a
 * reply or an ERROR.
 *
 * Invariants: a message that fails to decode changes nothing and gets the
 * decoder's error; a slave may not change the switch (OFPBRC_IS_SLAVE);
 * EXPERIMENTER messages get OFPBRC_BAD_EXPERIMENTER, unknown types
 * OFPBRC_BAD_TYPE, messages only a switch sends OFPBRC_BAD_TYPE.  Changes
 * of a batch share one revalidation (connmgr_defer_begin/end), which is
 * done before a BARRIER_REPLY goes out. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/vlog.h"
#include "ofagent/connmgr.h"
#include "ofagent/ofagent-multipart.h"
#include "openflow/ofp-msgs.h"

#define VLOG_MODULE "ofagent"

static void send_error(struct ofconn *c, const uint8_t *msg, size_t len, const struct ofperr *oe,
                       uint16_t type, uint16_t code)
{
	if (oe && oe->set) {
		type = oe->type;
		code = oe->code;
	}
	ofconn_send_error(c, msg, len, type, code);
}

static void send_msg(struct ofconn *c, struct ofpbuf *b)
{
	ofconn_send(c, b, false);
}

/* Refuses a state change from a slave. */
static bool refuse_slave(struct ofconn *c, const uint8_t *msg, size_t len)
{
	if (ofconn_role(c) != OFCONN_ROLE_SLAVE)
		return false;
	ofconn_send_error(c, msg, len, OFPET_BAD_REQUEST, OFPBRC_IS_SLAVE);
	return true;
}

/* A request with nothing after the header must be exactly 8 bytes. */
static bool check_empty(struct ofconn *c, const uint8_t *msg, size_t len)
{
	if (len == sizeof(struct ofp_header))
		return true;
	ofconn_send_error(c, msg, len, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
	return false;
}

static void log_refused(struct connmgr *cm, struct ofconn *c, const char *what,
                        const struct ofperr *oe, const struct errmsg *err)
{
	char name[40];

	VLOG_DBG("bridge %s: %s: %s refused: %s%s%s", ofproto_name(connmgr_bridge(cm)),
	         ofconn_name(c), what, ofperr_name(oe->type, oe->code, name),
	         err->msg[0] ? ": " : "", err->msg);
}

static void handle_flow_mod(struct connmgr *cm, struct ofconn *c, const uint8_t *msg, size_t len)
{
	struct ofproto *br = connmgr_bridge(cm);
	struct ofperr oe = {0};
	struct errmsg err = {""};
	struct flow_text_mod fm;
	enum flow_text_cmd cmd;
	bool strict;

	if (refuse_slave(c, msg, len))
		return;
	if (!ofpmsg_decode_flow_mod(msg, len, &fm, &cmd, &strict, &oe, &err)) {
		connmgr_defer_begin(cm);
		if (!ofproto_flow_mod_ofp(br, cmd, strict, &fm, &oe, &err)) {
			connmgr_mark_dirty(cm);
			flow_text_mod_uninit(&fm);
			return;
		}
		if (!oe.set)
			ofperr_set(&oe, OFPET_FLOW_MOD_FAILED, OFPFMFC_UNKNOWN);
	}
	flow_text_mod_uninit(&fm);
	log_refused(cm, c, "FLOW_MOD", &oe, &err);
	send_error(c, msg, len, &oe, OFPET_FLOW_MOD_FAILED, OFPFMFC_UNKNOWN);
}

static void handle_group_mod(struct connmgr *cm, struct ofconn *c, const uint8_t *msg, size_t len)
{
	struct ofperr oe = {0};
	struct errmsg err = {""};
	struct ofp_group_mod gm;

	if (refuse_slave(c, msg, len))
		return;
	if (!ofpmsg_decode_group_mod(msg, len, &gm, &oe, &err)) {
		connmgr_defer_begin(cm);
		if (!ofproto_group_mod(connmgr_bridge(cm), &gm, &oe, &err)) {
			connmgr_mark_dirty(cm);
			ofp_group_mod_uninit(&gm);
			return;
		}
	}
	ofp_group_mod_uninit(&gm);
	log_refused(cm, c, "GROUP_MOD", &oe, &err);
	send_error(c, msg, len, &oe, OFPET_GROUP_MOD_FAILED, OFPGMFC_EPERM);
}

static void handle_meter_mod(struct connmgr *cm, struct ofconn *c, const uint8_t *msg, size_t len)
{
	struct ofperr oe = {0};
	struct errmsg err = {""};
	struct ofp_meter_mod mm;

	if (refuse_slave(c, msg, len))
		return;
	memset(&mm, 0, sizeof(mm));
	if (!ofpmsg_decode_meter_mod(msg, len, &mm, &oe, &err)) {
		connmgr_defer_begin(cm);
		if (!ofproto_meter_mod(connmgr_bridge(cm), &mm, &oe, &err)) {
			connmgr_mark_dirty(cm);
			return;
		}
	}
	log_refused(cm, c, "METER_MOD", &oe, &err);
	send_error(c, msg, len, &oe, OFPET_METER_MOD_FAILED, OFPMMFC_UNKNOWN);
}

static void handle_port_mod(struct connmgr *cm, struct ofconn *c, const uint8_t *msg, size_t len)
{
	struct ofperr oe = {0};
	struct errmsg err = {""};
	struct ofpmsg_port_mod pm;

	if (refuse_slave(c, msg, len))
		return;
	if (!ofpmsg_decode_port_mod(msg, len, &pm, &oe) &&
	    !ofproto_port_mod(connmgr_bridge(cm), pm.port_no, pm.hw_addr, pm.config, pm.mask, &oe,
	                      &err))
		return;
	log_refused(cm, c, "PORT_MOD", &oe, &err);
	send_error(c, msg, len, &oe, OFPET_PORT_MOD_FAILED, OFPPMFC_EPERM);
}

static void handle_table_mod(struct connmgr *cm, struct ofconn *c, const uint8_t *msg, size_t len)
{
	struct ofperr oe = {0};
	uint8_t table_id;
	uint32_t config;

	if (refuse_slave(c, msg, len))
		return;
	/* OpenFlow 1.3 table config bits are deprecated: nothing to apply. */
	if (ofpmsg_decode_table_mod(msg, len, &table_id, &config, &oe))
		send_error(c, msg, len, &oe, OFPET_TABLE_MOD_FAILED, OFPTMFC_BAD_CONFIG);
}

static void handle_packet_out(struct connmgr *cm, struct ofconn *c, const uint8_t *msg, size_t len)
{
	struct ofpmsg_packet_out po;
	struct ofperr oe = {0};
	struct errmsg err = {""};

	if (refuse_slave(c, msg, len))
		return;
	if (!ofpmsg_decode_packet_out(msg, len, &po, &oe, &err)) {
		/* output:TABLE must see the flows sent before it. */
		connmgr_defer_end(cm);
		if (!ofproto_packet_out(connmgr_bridge(cm), po.in_port, po.packet, po.packet_len,
		                        po.ofpacts, po.ofpacts_len, &oe, &err)) {
			ofpmsg_packet_out_uninit(&po);
			return;
		}
	}
	ofpmsg_packet_out_uninit(&po);
	log_refused(cm, c, "PACKET_OUT", &oe, &err);
	send_error(c, msg, len, &oe, OFPET_BAD_REQUEST, OFPBRC_EPERM);
}

static void handle_multipart(struct connmgr *cm, struct ofconn *c, const uint8_t *msg, size_t len)
{
	struct ofpbuf *replies = NULL;
	struct ofperr oe = {0};
	size_t n = 0;

	/* Statistics reflect every change before the request. */
	connmgr_defer_end(cm);
	if (ofagent_multipart(connmgr_bridge(cm), msg, len, &replies, &n, &oe)) {
		send_error(c, msg, len, &oe, OFPET_BAD_REQUEST, OFPBRC_BAD_MULTIPART);
	} else {
		for (size_t i = 0; i < n; i++)
			send_msg(c, &replies[i]);
	}
	for (size_t i = 0; i < n; i++)
		ofpbuf_uninit(&replies[i]);
	free(replies);
}

static void handle_queue_get_config(struct ofconn *c, const uint8_t *msg, size_t len, uint32_t xid)
{
	struct ofp_queue_get_config_request req;
	struct ofp_queue_get_config_reply *reply;
	struct ofpbuf b;
	uint32_t port;

	if (len != sizeof(req)) {
		ofconn_send_error(c, msg, len, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
		return;
	}
	memcpy(&req, msg, sizeof(req));
	port = ntohl(req.port);
	if (port > OFPP_MAX && port != OFPP_ANY) {
		ofconn_send_error(c, msg, len, OFPET_QUEUE_OP_FAILED, OFPQOFC_BAD_PORT);
		return;
	}
	/* No queues are configured on any port. */
	ofpbuf_init(&b, sizeof(*reply));
	ofpmsg_start(&b, OFPT_QUEUE_GET_CONFIG_REPLY, xid);
	reply = ofpbuf_put_zeros(&b, sizeof(*reply) - sizeof(struct ofp_header));
	memcpy(reply, &req.port, sizeof(req.port));
	ofpmsg_finish(&b);
	send_msg(c, &b);
}

static void handle_role_request(struct connmgr *cm, struct ofconn *c, const uint8_t *msg,
                                size_t len, uint32_t xid)
{
	struct ofpmsg_role role;
	struct ofperr oe = {0};
	struct ofpbuf b;

	if (ofpmsg_decode_role_request(msg, len, &role, &oe) ||
	    connmgr_role_request(cm, c, role.role, role.generation_id, &role.generation_id, &oe)) {
		send_error(c, msg, len, &oe, OFPET_ROLE_REQUEST_FAILED, OFPRRFC_BAD_ROLE);
		return;
	}
	role.role = ofconn_role(c);
	ofpbuf_init(&b, 24);
	ofpmsg_encode_role_reply(&b, xid, &role);
	send_msg(c, &b);
}

static void async_to_msg(const struct ofconn_async *a, struct ofpmsg_async_config *ac)
{
	for (int i = 0; i < 2; i++) {
		ac->packet_in_mask[i] = a->packet_in[i];
		ac->port_status_mask[i] = a->port_status[i];
		ac->flow_removed_mask[i] = a->flow_removed[i];
	}
}

static void handle_set_async(struct ofconn *c, const uint8_t *msg, size_t len)
{
	struct ofpmsg_async_config ac;
	struct ofconn_async a;
	struct ofperr oe = {0};

	if (ofpmsg_decode_set_async(msg, len, &ac, &oe)) {
		send_error(c, msg, len, &oe, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
		return;
	}
	for (int i = 0; i < 2; i++) {
		a.packet_in[i] = ac.packet_in_mask[i];
		a.port_status[i] = ac.port_status_mask[i];
		a.flow_removed[i] = ac.flow_removed_mask[i];
	}
	ofconn_set_async(c, &a);
}

void ofagent_handle_msg(struct connmgr *cm, struct ofconn *c, const uint8_t *msg, size_t len)
{
	struct ofproto *br = connmgr_bridge(cm);
	struct ofperr oe = {0};
	struct ofp_header oh;
	struct ofpbuf b;

	if (ofpmsg_check_header(msg, len, &oh, &oe)) {
		send_error(c, msg, len, &oe, OFPET_BAD_REQUEST, OFPBRC_BAD_TYPE);
		return;
	}
	switch (oh.type) {
	case OFPT_ERROR:
		VLOG_DBG("bridge %s: %s sent an ERROR", ofproto_name(br), ofconn_name(c));
		break;
	case OFPT_EXPERIMENTER: {
		uint32_t exp, exp_type;

		if (!ofpmsg_decode_experimenter(msg, len, &exp, &exp_type, &oe))
			ofperr_set(&oe, OFPET_BAD_REQUEST, OFPBRC_BAD_EXPERIMENTER);
		send_error(c, msg, len, &oe, OFPET_BAD_REQUEST, OFPBRC_BAD_EXPERIMENTER);
		break;
	}
	case OFPT_FEATURES_REQUEST:
		if (check_empty(c, msg, len)) {
			ofpbuf_init(&b, 32);
			ofpmsg_encode_features_reply(&b, oh.xid, ofproto_datapath_id(br));
			send_msg(c, &b);
		}
		break;
	case OFPT_GET_CONFIG_REQUEST:
		if (check_empty(c, msg, len)) {
			struct ofpmsg_switch_config cfg = {ofconn_frag_flags(c),
			                                   ofconn_miss_send_len(c)};

			ofpbuf_init(&b, 12);
			ofpmsg_encode_get_config_reply(&b, oh.xid, &cfg);
			send_msg(c, &b);
		}
		break;
	case OFPT_SET_CONFIG: {
		struct ofpmsg_switch_config cfg;

		if (ofpmsg_decode_set_config(msg, len, &cfg, &oe))
			send_error(c, msg, len, &oe, OFPET_SWITCH_CONFIG_FAILED, OFPSCFC_BAD_LEN);
		else
			ofconn_set_config(c, cfg.flags, cfg.miss_send_len);
		break;
	}
	case OFPT_PACKET_OUT:
		handle_packet_out(cm, c, msg, len);
		break;
	case OFPT_FLOW_MOD:
		handle_flow_mod(cm, c, msg, len);
		break;
	case OFPT_GROUP_MOD:
		handle_group_mod(cm, c, msg, len);
		break;
	case OFPT_PORT_MOD:
		handle_port_mod(cm, c, msg, len);
		break;
	case OFPT_TABLE_MOD:
		handle_table_mod(cm, c, msg, len);
		break;
	case OFPT_METER_MOD:
		handle_meter_mod(cm, c, msg, len);
		break;
	case OFPT_MULTIPART_REQUEST:
		handle_multipart(cm, c, msg, len);
		break;
	case OFPT_BARRIER_REQUEST:
		if (check_empty(c, msg, len)) {
			connmgr_defer_end(cm);
			ofpbuf_init(&b, 8);
			ofpmsg_encode_empty(&b, OFPT_BARRIER_REPLY, oh.xid);
			send_msg(c, &b);
		}
		break;
	case OFPT_QUEUE_GET_CONFIG_REQUEST:
		handle_queue_get_config(c, msg, len, oh.xid);
		break;
	case OFPT_ROLE_REQUEST:
		handle_role_request(cm, c, msg, len, oh.xid);
		break;
	case OFPT_GET_ASYNC_REQUEST:
		if (check_empty(c, msg, len)) {
			struct ofpmsg_async_config ac;

			async_to_msg(ofconn_async(c), &ac);
			ofpbuf_init(&b, 32);
			ofpmsg_encode_get_async_reply(&b, oh.xid, &ac);
			send_msg(c, &b);
		}
		break;
	case OFPT_SET_ASYNC:
		handle_set_async(c, msg, len);
		break;
	default:
		/* Replies and switch-to-controller messages. */
		ofconn_send_error(c, msg, len, OFPET_BAD_REQUEST, OFPBRC_BAD_TYPE);
		break;
	}
}
