/* ofagent-multipart.c - answers OpenFlow 1.3 MULTIPART_REQUESTs for one bridge (see
 * ofagent-multipart.h): decodes the request body (ofp-msgs.h), reads the bridge (ofproto.h,
 * ofproto-ofp.h), appends the reply entries to one body buffer and lets ofpmp_reply_split()
 * cut it into MULTIPART_REPLY messages with OFPMPF_REPLY_MORE.
 *
 * Table features describe exactly what Patchbay implements: the instructions and actions of
 * ofp-actions.h with their OpenFlow type numbers, the match fields of lib/meta-flow.h that
 * have a wire header (maskable ones flagged with hasmask), and the writable ones for
 * set_field.  Control thread only. */
#include "ofagent/ofagent-multipart.h"

#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/meta-flow.h"
#include "lib/util.h"
#include "ofproto/ofproto-ofp.h"
#include "openflow/ofp-msgs.h"
#include "openflow/ofp-port.h"
#include "openflow/ofp-wire-actions.h"
#include "openflow/ofp-wire.h"

#ifndef PB_VERSION
#define PB_VERSION "unknown"
#endif

/* ---- port statistics durations ----
 *
 * Neither ofproto nor netdev records when a port was added, so the agent remembers when it
 * first saw each port (bridge, OpenFlow number, ifindex, name) in a reply and reports the
 * time since then.  Entries of ports that are gone are dropped whenever their bridge is
 * listed.  Control thread only, like everything here. */
struct mp_port_seen {
	const struct ofproto *br;
	uint32_t ofport;
	int ifindex;
	char name[16];
	uint64_t since_ns;
	bool live; /* seen in the current listing */
};

static struct mp_port_seen *ports_seen;
static size_t n_ports_seen, alloc_ports_seen;

static uint64_t port_since_ns(const struct ofproto *br, const struct ofproto_port_info *pi,
                              uint64_t now)
{
	struct mp_port_seen *s;

	for (size_t i = 0; i < n_ports_seen; i++) {
		s = &ports_seen[i];
		if (s->br == br && s->ofport == pi->ofport && s->ifindex == pi->ifindex &&
		    !strncmp(s->name, pi->name, sizeof s->name)) {
			s->live = true;
			return s->since_ns;
		}
	}
	if (n_ports_seen == alloc_ports_seen) {
		alloc_ports_seen = alloc_ports_seen ? 2 * alloc_ports_seen : 16;
		ports_seen = xrealloc(ports_seen, alloc_ports_seen * sizeof *ports_seen);
	}
	s = &ports_seen[n_ports_seen++];
	memset(s, 0, sizeof *s);
	s->br = br;
	s->ofport = pi->ofport;
	s->ifindex = pi->ifindex;
	memcpy(s->name, pi->name, sizeof s->name);
	s->since_ns = now;
	s->live = true;
	return now;
}

/* Forgets the ports of 'br' not marked live by the listing that just ended. */
static void ports_seen_prune(const struct ofproto *br)
{
	size_t j = 0;

	for (size_t i = 0; i < n_ports_seen; i++) {
		struct mp_port_seen *s = &ports_seen[i];

		if (s->br == br && !s->live)
			continue;
		if (s->br == br)
			s->live = false;
		ports_seen[j++] = *s;
	}
	n_ports_seen = j;
}

/* ---- table features ---- */

/* Instructions, in OpenFlow type order; the last table has no goto_table. */
static const uint32_t mp_instructions[] = {
        OFPIT_GOTO_TABLE,    OFPIT_WRITE_METADATA, OFPIT_WRITE_ACTIONS,
        OFPIT_APPLY_ACTIONS, OFPIT_CLEAR_ACTIONS,  OFPIT_METER,
};

/* The OpenFlow 1.3 actions that ofp-wire-actions.h decodes (Patchbay's ofpacts). */
static const uint32_t mp_actions[] = {
        OFPAT_OUTPUT, OFPAT_COPY_TTL_OUT, OFPAT_COPY_TTL_IN, OFPAT_PUSH_VLAN, OFPAT_POP_VLAN,
        OFPAT_GROUP,  OFPAT_SET_NW_TTL,   OFPAT_DEC_NW_TTL,  OFPAT_SET_FIELD,
};

static uint32_t mp_oxm_header(const struct mf_field *mf, bool masked)
{
	unsigned len = masked ? 2u * mf->oxm.len : mf->oxm.len;

	return (uint32_t)mf->oxm.oxm_class << 16 | (uint32_t)mf->oxm.field << 9 |
	       (uint32_t)masked << 8 | len;
}

static bool mp_has_header(const uint32_t *ids, size_t n, uint32_t header)
{
	/* Two fields may share a header (aliases over the same bits): list it once.  The
	 * hasmask bit and length are not part of the identity. */
	for (size_t i = 0; i < n; i++)
		if ((ids[i] & 0xfffffe00u) == (header & 0xfffffe00u))
			return true;
	return false;
}

/* The OXM headers of the fields Patchbay matches ('match', maskable ones with hasmask) and
 * of the writable ones ('set').  Arrays of MFF_N_IDS entries. */
static void mp_field_headers(uint32_t *match, size_t *n_match, uint32_t *set, size_t *n_set)
{
	*n_match = *n_set = 0;
	for (int id = 0; id < MFF_N_IDS; id++) {
		const struct mf_field *mf = mf_from_id((enum mf_field_id)id);

		if (!mf->oxm.len)
			continue;
		if (!mp_has_header(match, *n_match, mp_oxm_header(mf, false)))
			match[(*n_match)++] = mp_oxm_header(mf, mf->maskable);
		if (mf->writable && !mp_has_header(set, *n_set, mp_oxm_header(mf, false)))
			set[(*n_set)++] = mp_oxm_header(mf, false);
	}
}

static void mp_put_table_features(struct ofproto *br, struct ofpbuf *body)
{
	uint32_t match[MFF_N_IDS], set[MFF_N_IDS], wild[MFF_N_IDS], next[OFPROTO_N_TABLES];
	size_t n_match, n_set;
	unsigned int limit = ofproto_flow_limit(br);

	mp_field_headers(match, &n_match, set, &n_set);
	/* Every field can be left out of a match.  WILDCARDS lists plain headers (Open vSwitch
	 * refuses hasmask there with OFPBMC_BAD_MASK). */
	for (size_t i = 0; i < n_match; i++)
		wild[i] = match[i] & 0x100 ? (match[i] & 0xfffffe00u) | (match[i] & 0xff) / 2
		                           : match[i];
	for (unsigned t = 0; t < OFPROTO_N_TABLES; t++) {
		struct ofpmp_table_features tf;
		struct ofpmp_tf_ids ins, nxt, act, fields, wc, sets;
		char name[OFP_MAX_TABLE_NAME_LEN];
		size_t n_next = 0;

		for (unsigned u = t + 1; u < OFPROTO_N_TABLES; u++)
			next[n_next++] = u;
		snprintf(name, sizeof name, "table%u", t);
		ins = (struct ofpmp_tf_ids){mp_instructions, ARRAY_SIZE(mp_instructions)};
		if (t == OFPROTO_N_TABLES - 1)
			ins = (struct ofpmp_tf_ids){mp_instructions + 1,
			                            ARRAY_SIZE(mp_instructions) - 1};
		nxt = (struct ofpmp_tf_ids){next, n_next};
		act = (struct ofpmp_tf_ids){mp_actions, ARRAY_SIZE(mp_actions)};
		fields = (struct ofpmp_tf_ids){match, n_match};
		wc = (struct ofpmp_tf_ids){wild, n_match};
		sets = (struct ofpmp_tf_ids){set, n_set};

		memset(&tf, 0, sizeof tf);
		tf.table_id = (uint8_t)t;
		tf.name = name;
		tf.metadata_match = UINT64_MAX;
		tf.metadata_write = UINT64_MAX;
		tf.config = 0;
		tf.max_entries = limit;
		tf.props[OFPTFPT_INSTRUCTIONS] = ins;
		tf.props[OFPTFPT_INSTRUCTIONS_MISS] = ins;
		tf.props[OFPTFPT_NEXT_TABLES] = nxt;
		tf.props[OFPTFPT_NEXT_TABLES_MISS] = nxt;
		tf.props[OFPTFPT_WRITE_ACTIONS] = act;
		tf.props[OFPTFPT_WRITE_ACTIONS_MISS] = act;
		tf.props[OFPTFPT_APPLY_ACTIONS] = act;
		tf.props[OFPTFPT_APPLY_ACTIONS_MISS] = act;
		tf.props[OFPTFPT_MATCH] = fields;
		tf.props[OFPTFPT_WILDCARDS] = wc;
		tf.props[OFPTFPT_WRITE_SETFIELD] = sets;
		tf.props[OFPTFPT_WRITE_SETFIELD_MISS] = sets;
		tf.props[OFPTFPT_APPLY_SETFIELD] = sets;
		tf.props[OFPTFPT_APPLY_SETFIELD_MISS] = sets;
		ofpmp_put_table_features(body, &tf);
	}
}

/* ---- one function per type; each appends entries to 'body' ---- */

static void mp_desc(struct ofproto *br, struct ofpbuf *body)
{
	struct ofpmp_desc d = {
	        .mfr_desc = "The Patchbay project",
	        .hw_desc = "Patchbay virtual switch",
	        .sw_desc = PB_VERSION,
	        .serial_num = "None",
	        .dp_desc = ofproto_name(br),
	};

	ofpmp_put_desc(body, &d);
}

static int mp_flow(struct ofproto *br, uint16_t type, const uint8_t *req, size_t len,
                   struct ofpbuf *body, struct ofperr *oe)
{
	struct ofproto_rule_info *rules = NULL;
	struct flow_text_mod filter;
	struct errmsg err;
	uint64_t packets = 0, bytes = 0;
	size_t n = 0;
	int error;

	error = ofpmp_decode_flow_request(req, len, &filter, oe, &err);
	if (error)
		goto out;
	ofproto_rule_dump(br, &filter, &rules, &n);
	for (size_t i = 0; i < n; i++) {
		if (type == OFPMP_FLOW) {
			ofpmp_put_flow_stats(body, &rules[i]);
		} else {
			packets += rules[i].packets;
			bytes += rules[i].bytes;
		}
	}
	if (type == OFPMP_AGGREGATE)
		ofpmp_put_aggregate(body, packets, bytes, (uint32_t)n);
	ofproto_rule_info_free(rules, n);
out:
	flow_text_mod_uninit(&filter);
	return error;
}

static void mp_table(struct ofproto *br, struct ofpbuf *body)
{
	struct ofproto_table_stats stats[OFPROTO_N_TABLES];

	ofproto_table_stats(br, stats);
	for (unsigned t = 0; t < OFPROTO_N_TABLES; t++)
		ofpmp_put_table_stats(body, (uint8_t)t, &stats[t]);
}

static bool port_matches(uint32_t want, uint32_t ofport)
{
	return want == OFPP_ANY || want == ofport;
}

static int mp_port_stats(struct ofproto *br, const uint8_t *req, size_t len, struct ofpbuf *body,
                         struct ofperr *oe)
{
	struct ofproto_port_info *ports = NULL;
	uint32_t port_no;
	uint64_t now = time_ns();
	size_t n = 0;
	int error;

	error = ofpmp_decode_port_stats_request(req, len, &port_no, oe);
	if (error)
		return error;
	/* A port that does not exist gets an empty reply (as Open vSwitch answers). */
	ofproto_port_list(br, &ports, &n);
	for (size_t i = 0; i < n; i++) {
		const struct ofproto_port_info *pi = &ports[i];
		uint64_t age = now - port_since_ns(br, pi, now);
		struct ofpmp_port_stats ps;

		if (!port_matches(port_no, pi->ofport))
			continue;
		memset(&ps, 0, sizeof ps);
		ps.port_no = pi->ofport;
		ps.rx_packets = pi->stats.rx_packets;
		ps.tx_packets = pi->stats.tx_packets;
		ps.rx_bytes = pi->stats.rx_bytes;
		ps.tx_bytes = pi->stats.tx_bytes;
		ps.rx_dropped = pi->stats.rx_dropped;
		ps.tx_dropped = pi->stats.tx_dropped;
		ps.rx_errors = pi->stats.rx_errors;
		ps.tx_errors = pi->stats.tx_errors;
		ps.duration_sec = (uint32_t)(age / 1000000000u);
		ps.duration_nsec = (uint32_t)(age % 1000000000u);
		ofpmp_put_port_stats(body, &ps);
	}
	if (port_no == OFPP_ANY)
		ports_seen_prune(br);
	free(ports);
	return 0;
}

static void mp_port_desc(struct ofproto *br, struct ofpbuf *body)
{
	struct ofproto_port_desc *descs = NULL;
	size_t n = 0;

	ofproto_port_descs(br, &descs, &n);
	for (size_t i = 0; i < n; i++)
		ofpmp_put_port_desc(body, &descs[i]);
	free(descs);
}

/* Patchbay has no queues: OFPP_ANY (or a port of the bridge) with OFPQ_ALL is an empty
 * reply, an unknown port OFPQOFC_BAD_PORT, a particular queue OFPQOFC_BAD_QUEUE. */
static int mp_queue(struct ofproto *br, const uint8_t *req, size_t len, struct ofperr *oe)
{
	struct ofproto_port_info *ports = NULL;
	uint32_t port_no, queue_id;
	bool found = false;
	size_t n = 0;
	int error;

	error = ofpmp_decode_queue_request(req, len, &port_no, &queue_id, oe);
	if (error)
		return error;
	if (port_no != OFPP_ANY) {
		ofproto_port_list(br, &ports, &n);
		for (size_t i = 0; i < n && !found; i++)
			found = ports[i].ofport == port_no;
		free(ports);
		if (!found)
			return ofperr_set(oe, OFPET_QUEUE_OP_FAILED, OFPQOFC_BAD_PORT);
	}
	if (queue_id != OFPQ_ALL)
		return ofperr_set(oe, OFPET_QUEUE_OP_FAILED, OFPQOFC_BAD_QUEUE);
	return 0;
}

static int mp_group(struct ofproto *br, uint16_t type, const uint8_t *req, size_t len,
                    struct ofpbuf *body, struct ofperr *oe)
{
	struct ofp_group_mod *groups = NULL;
	struct ofp_group_stats *stats = NULL;
	uint32_t group_id = OFPG_ALL;
	size_t n = 0;
	int error;

	if (type == OFPMP_GROUP) {
		error = ofpmp_decode_group_request(req, len, &group_id, oe);
		if (error)
			return error;
	}
	ofproto_group_dump(br, group_id, &groups, type == OFPMP_GROUP ? &stats : NULL, &n);
	for (size_t i = 0; i < n; i++) {
		if (type == OFPMP_GROUP)
			ofpmp_put_group_stats(body, &stats[i]);
		else
			ofpmp_put_group_desc(body, &groups[i]);
		ofp_group_mod_uninit(&groups[i]);
	}
	free(groups);
	free(stats);
	return 0;
}

/* Bucket actions: everything but group (chaining is refused, OFPGMFC_CHAINING_UNSUPPORTED). */
static uint32_t mp_group_actions(void)
{
	uint32_t bits = 0;

	for (size_t i = 0; i < ARRAY_SIZE(mp_actions); i++)
		if (mp_actions[i] != OFPAT_GROUP)
			bits |= 1u << mp_actions[i];
	return bits;
}

static void mp_group_features(struct ofpbuf *body)
{
	struct ofpmp_group_features f;

	memset(&f, 0, sizeof f);
	f.types = 1u << OFPGT_ALL | 1u << OFPGT_SELECT | 1u << OFPGT_INDIRECT | 1u << OFPGT_FF;
	f.capabilities = OFPGFC_SELECT_WEIGHT | OFPGFC_SELECT_LIVENESS;
	for (int t = 0; t < 4; t++) {
		f.max_groups[t] = OFPG_MAX;
		f.actions[t] = mp_group_actions();
	}
	ofpmp_put_group_features(body, &f);
}

static int mp_meter(struct ofproto *br, uint16_t type, const uint8_t *req, size_t len,
                    struct ofpbuf *body, struct ofperr *oe)
{
	struct ofp_meter_mod *meters = NULL;
	struct ofp_meter_stats *stats = NULL;
	uint32_t meter_id;
	size_t n = 0;
	int error;

	error = ofpmp_decode_meter_request(req, len, &meter_id, oe);
	if (error)
		return error;
	ofproto_meter_dump(br, meter_id, &meters, type == OFPMP_METER ? &stats : NULL, &n);
	for (size_t i = 0; i < n; i++) {
		if (type == OFPMP_METER)
			ofpmp_put_meter_stats(body, &stats[i]);
		else
			ofpmp_put_meter_config(body, &meters[i]);
	}
	free(meters);
	free(stats);
	return 0;
}

static void mp_meter_features(struct ofpbuf *body)
{
	struct ofpmp_meter_features f = {
	        .max_meter = OFP_METER_MAX,
	        .band_types = 1u << OFPMBT_DROP | 1u << OFPMBT_DSCP_REMARK,
	        .capabilities = OFPMF_KBPS | OFPMF_PKTPS | OFPMF_BURST | OFPMF_STATS,
	        .max_bands = OFP_METER_MAX_BANDS,
	        .max_color = 0,
	};

	ofpmp_put_meter_features(body, &f);
}

int ofagent_multipart(struct ofproto *br, const uint8_t *msg, size_t len, struct ofpbuf **replies,
                      size_t *n_replies, struct ofperr *oe)
{
	struct ofp_header oh;
	const uint8_t *req;
	uint16_t type, flags;
	struct ofpbuf body;
	size_t req_len;
	int error;

	error = ofpmp_decode_request(msg, len, &type, &flags, &req, &req_len, oe);
	if (error)
		return error;
	/* A request spread over several messages: none of ours needs one. */
	if (flags & OFPMPF_REQ_MORE)
		return ofperr_set(oe, OFPET_BAD_REQUEST, OFPBRC_MULTIPART_BUFFER_OVERFLOW);
	memcpy(&oh, msg, sizeof oh);
	ofpbuf_init(&body, 4096);
	switch (type) {
	case OFPMP_DESC:
	case OFPMP_TABLE:
	case OFPMP_PORT_DESC:
	case OFPMP_GROUP_DESC:
	case OFPMP_GROUP_FEATURES:
	case OFPMP_METER_FEATURES:
		error = ofpmp_decode_empty_request(req, req_len, oe);
		if (error)
			break;
		if (type == OFPMP_DESC)
			mp_desc(br, &body);
		else if (type == OFPMP_TABLE)
			mp_table(br, &body);
		else if (type == OFPMP_PORT_DESC)
			mp_port_desc(br, &body);
		else if (type == OFPMP_GROUP_DESC)
			error = mp_group(br, type, req, req_len, &body, oe);
		else if (type == OFPMP_GROUP_FEATURES)
			mp_group_features(&body);
		else
			mp_meter_features(&body);
		break;
	case OFPMP_FLOW:
	case OFPMP_AGGREGATE:
		error = mp_flow(br, type, req, req_len, &body, oe);
		break;
	case OFPMP_TABLE_FEATURES:
		error = ofpmp_decode_table_features_request(req, req_len, oe);
		if (!error)
			mp_put_table_features(br, &body);
		break;
	case OFPMP_PORT_STATS:
		error = mp_port_stats(br, req, req_len, &body, oe);
		break;
	case OFPMP_QUEUE:
		error = mp_queue(br, req, req_len, oe);
		break;
	case OFPMP_GROUP:
		error = mp_group(br, type, req, req_len, &body, oe);
		break;
	case OFPMP_METER:
	case OFPMP_METER_CONFIG:
		error = mp_meter(br, type, req, req_len, &body, oe);
		break;
	default:
		error = ofperr_set(oe, OFPET_BAD_REQUEST, OFPBRC_BAD_MULTIPART);
		break;
	}
	if (!error)
		error = ofpmp_reply_split(type, be32toh(oh.xid), &body, replies, n_replies, oe);
	ofpbuf_uninit(&body);
	return error;
}
