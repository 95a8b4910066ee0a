/* ofp-msgs-multipart.c - OpenFlow 1.3 MULTIPART_REQUEST bodies (decoders)
 * and MULTIPART_REPLY bodies (encoders, and the splitting of a long body
 * into several replies), plus ofpmsg_decode_any(), the single validation
 * entry point for every message type. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "openflow/ofp-msgs-private.h"
#include "openflow/ofp-msgs.h"
#include "openflow/ofp-oxm.h"
#include "openflow/ofp-wire-actions.h"

static int bad_len(struct ofperr *oe)
{
	return ofperr_set(oe, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
}

/* ---- Requests ---- */

int ofpmp_decode_request(const uint8_t *p, size_t len, uint16_t *type, uint16_t *flags,
                         const uint8_t **body, size_t *body_len, struct ofperr *oe)
{
	*type = *flags = 0;
	*body = NULL;
	*body_len = 0;
	if (len < sizeof(struct ofp_multipart_request))
		return bad_len(oe);
	*type = GET16(p, ofp_multipart_request, type);
	*flags = GET16(p, ofp_multipart_request, flags);
	*body = p + sizeof(struct ofp_multipart_request);
	*body_len = len - sizeof(struct ofp_multipart_request);
	if (*type == OFPMP_EXPERIMENTER)
		return ofperr_set(oe, OFPET_BAD_REQUEST, OFPBRC_BAD_EXPERIMENTER);
	if (*type >= OFPMP_N_TYPES)
		return ofperr_set(oe, OFPET_BAD_REQUEST, OFPBRC_BAD_MULTIPART);
	return 0;
}

int ofpmp_decode_empty_request(const uint8_t *body, size_t len, struct ofperr *oe)
{
	return len ? bad_len(oe) : 0;
}

int ofpmp_decode_flow_request(const uint8_t *body, size_t len, struct flow_text_mod *filter,
                              struct ofperr *oe, struct errmsg *err)
{
	const size_t fixed = sizeof(struct ofp_flow_stats_request);
	size_t consumed = 0;
	int error;

	memset(filter, 0, sizeof *filter);
	match_init_catchall(&filter->match);
	filter->table_id = FLOW_TEXT_TABLE_ALL;
	filter->out_port = OFPP_ANY;
	filter->out_group = OFPG_ANY;
	if (len < fixed + OFP_MATCH_MIN_LEN) {
		errmsg_set(err, -EINVAL, "flow statistics request: bad length %zu", len);
		return bad_len(oe);
	}
	filter->table_id = GET8(body, ofp_flow_stats_request, table_id);
	if (filter->table_id >= OFPROTO_N_TABLES && filter->table_id != OFPTT_ALL) {
		errmsg_set(err, -EINVAL, "flow statistics request: bad table %u", filter->table_id);
		return ofperr_set(oe, OFPET_BAD_REQUEST, OFPBRC_BAD_TABLE_ID);
	}
	filter->out_port = GET32(body, ofp_flow_stats_request, out_port);
	filter->out_group = GET32(body, ofp_flow_stats_request, out_group);
	filter->cookie_mask = GET64(body, ofp_flow_stats_request, cookie_mask);
	filter->cookie = GET64(body, ofp_flow_stats_request, cookie) & filter->cookie_mask;
	error = oxm_match_decode(body + fixed, len - fixed, &filter->match, &consumed, oe);
	if (error) {
		match_init_catchall(&filter->match);
		errmsg_set(err, error, "flow statistics request: bad match");
		return error;
	}
	if (consumed != len - fixed) {
		errmsg_set(err, -EINVAL, "flow statistics request: %zu bytes after the match",
		           len - fixed - consumed);
		return bad_len(oe);
	}
	return 0;
}

/* Bodies of exactly 8 bytes: a 32-bit id, then 4 bytes (padding or a
 * second id). */
static int decode_id_request(const uint8_t *body, size_t len, uint32_t *id, uint32_t *id2,
                             struct ofperr *oe)
{
	*id = 0;
	if (id2)
		*id2 = 0;
	if (len != 8)
		return bad_len(oe);
	*id = ofpw_get32(body);
	if (id2)
		*id2 = ofpw_get32(body + 4);
	return 0;
}

int ofpmp_decode_port_stats_request(const uint8_t *body, size_t len, uint32_t *port_no,
                                    struct ofperr *oe)
{
	return decode_id_request(body, len, port_no, NULL, oe);
}

int ofpmp_decode_queue_request(const uint8_t *body, size_t len, uint32_t *port_no,
                               uint32_t *queue_id, struct ofperr *oe)
{
	return decode_id_request(body, len, port_no, queue_id, oe);
}

int ofpmp_decode_group_request(const uint8_t *body, size_t len, uint32_t *group_id,
                               struct ofperr *oe)
{
	return decode_id_request(body, len, group_id, NULL, oe);
}

int ofpmp_decode_meter_request(const uint8_t *body, size_t len, uint32_t *meter_id,
                               struct ofperr *oe)
{
	return decode_id_request(body, len, meter_id, NULL, oe);
}

int ofpmp_decode_table_features_request(const uint8_t *body, size_t len, struct ofperr *oe)
{
	if (!len)
		return 0;
	ofperr_set(oe, OFPET_TABLE_FEATURES_FAILED, OFPTFFC_EPERM);
	return -EOPNOTSUPP;
}

void ofpmp_encode_request(struct ofpbuf *b, uint32_t xid, uint16_t type, uint16_t flags,
                          const void *body, size_t body_len)
{
	ofpmsg_start(b, OFPT_MULTIPART_REQUEST, xid);
	ofpbuf_put_zeros(b, sizeof(struct ofp_multipart_request) - sizeof(struct ofp_header));
	PUT16(b->data, ofp_multipart_request, type, type);
	PUT16(b->data, ofp_multipart_request, flags, flags);
	if (body_len)
		ofpbuf_put(b, body, body_len);
	ofpmsg_finish(b);
}

void ofpmp_encode_flow_request(struct ofpbuf *b, uint32_t xid, uint16_t type,
                               const struct flow_text_mod *filter)
{
	uint8_t *h;

	ofpmp_encode_request(b, xid, type, 0, NULL, 0);
	h = ofpbuf_put_zeros(b, sizeof(struct ofp_flow_stats_request));
	PUT8(h, ofp_flow_stats_request, table_id, filter->table_id);
	PUT32(h, ofp_flow_stats_request, out_port, filter->out_port);
	PUT32(h, ofp_flow_stats_request, out_group, filter->out_group);
	PUT64(h, ofp_flow_stats_request, cookie, filter->cookie);
	PUT64(h, ofp_flow_stats_request, cookie_mask, filter->cookie_mask);
	oxm_match_encode(&filter->match, b);
	ofpmsg_finish(b);
}

/* ---- Reply bodies ---- */

static void put_str(uint8_t *dst, size_t size, const char *s)
{
	if (s)
		memcpy(dst, s, strnlen(s, size - 1));
}

void ofpmp_put_desc(struct ofpbuf *body, const struct ofpmp_desc *d)
{
	uint8_t *h = ofpbuf_put_zeros(body, sizeof(struct ofp_desc));

	put_str(h + offsetof(struct ofp_desc, mfr_desc), OFP_DESC_STR_LEN, d->mfr_desc);
	put_str(h + offsetof(struct ofp_desc, hw_desc), OFP_DESC_STR_LEN, d->hw_desc);
	put_str(h + offsetof(struct ofp_desc, sw_desc), OFP_DESC_STR_LEN, d->sw_desc);
	put_str(h + offsetof(struct ofp_desc, serial_num), OFP_SERIAL_NUM_LEN, d->serial_num);
	put_str(h + offsetof(struct ofp_desc, dp_desc), OFP_DESC_STR_LEN, d->dp_desc);
}

void ofpmp_put_flow_stats(struct ofpbuf *body, const struct ofproto_rule_info *r)
{
	size_t start = body->size;
	uint8_t *h;

	ofpbuf_put_zeros(body, sizeof(struct ofp_flow_stats));
	oxm_match_encode(&r->match, body);
	ofpacts_encode_instructions(r->ofpacts, r->ofpacts_len, body);
	h = ofpbuf_at(body, start);
	PUT16(h, ofp_flow_stats, length, (uint16_t)(body->size - start));
	PUT8(h, ofp_flow_stats, table_id, r->table_id);
	PUT32(h, ofp_flow_stats, duration_sec, r->duration_sec);
	PUT32(h, ofp_flow_stats, duration_nsec, r->duration_nsec);
	PUT16(h, ofp_flow_stats, priority, r->priority);
	PUT16(h, ofp_flow_stats, idle_timeout, r->idle_timeout);
	PUT16(h, ofp_flow_stats, hard_timeout, r->hard_timeout);
	PUT16(h, ofp_flow_stats, flags, r->flags & OFPFF_ALL_13);
	PUT64(h, ofp_flow_stats, cookie, r->cookie);
	PUT64(h, ofp_flow_stats, packet_count, r->packets);
	PUT64(h, ofp_flow_stats, byte_count, r->bytes);
}

void ofpmp_put_aggregate(struct ofpbuf *body, uint64_t packets, uint64_t bytes, uint32_t flow_count)
{
	uint8_t *h = ofpbuf_put_zeros(body, sizeof(struct ofp_aggregate_stats_reply));

	PUT64(h, ofp_aggregate_stats_reply, packet_count, packets);
	PUT64(h, ofp_aggregate_stats_reply, byte_count, bytes);
	PUT32(h, ofp_aggregate_stats_reply, flow_count, flow_count);
}

void ofpmp_put_table_stats(struct ofpbuf *body, uint8_t table_id,
                           const struct ofproto_table_stats *s)
{
	uint8_t *h = ofpbuf_put_zeros(body, sizeof(struct ofp_table_stats));

	PUT8(h, ofp_table_stats, table_id, table_id);
	PUT32(h, ofp_table_stats, active_count, s->active_count);
	PUT64(h, ofp_table_stats, lookup_count, s->lookup_count);
	PUT64(h, ofp_table_stats, matched_count, s->matched_count);
}

static void put_tf_prop(struct ofpbuf *body, uint16_t type, const struct ofpmp_tf_ids *ids)
{
	size_t start = body->size;
	uint8_t *h;

	ofpbuf_put_zeros(body, sizeof(struct ofp_table_feature_prop_header));
	for (size_t i = 0; i < ids->n; i++) {
		uint32_t id = ids->ids[i];
		uint8_t *e;

		switch (type) {
		case OFPTFPT_INSTRUCTIONS:
		case OFPTFPT_INSTRUCTIONS_MISS:
		case OFPTFPT_WRITE_ACTIONS:
		case OFPTFPT_WRITE_ACTIONS_MISS:
		case OFPTFPT_APPLY_ACTIONS:
		case OFPTFPT_APPLY_ACTIONS_MISS:
			e = ofpbuf_put_zeros(body, 4);
			ofpw_put16(e, (uint16_t)id);
			ofpw_put16(e + 2, 4);
			break;
		case OFPTFPT_NEXT_TABLES:
		case OFPTFPT_NEXT_TABLES_MISS:
			e = ofpbuf_put_zeros(body, 1);
			e[0] = (uint8_t)id;
			break;
		default:
			e = ofpbuf_put_zeros(body, 4);
			ofpw_put32(e, id);
			break;
		}
	}
	h = ofpbuf_at(body, start);
	ofpw_put16(h, type);
	ofpw_put16(h + 2, (uint16_t)(body->size - start));
	ofpbuf_pad(body, 8);
}

void ofpmp_put_table_features(struct ofpbuf *body, const struct ofpmp_table_features *tf)
{
	size_t start = body->size;
	uint8_t *h;

	ofpbuf_put_zeros(body, sizeof(struct ofp_table_features));
	for (uint16_t type = 0; type < OFPTFPT_N_STANDARD; type++) {
		if (type == 9 || type == 11)
			continue;
		put_tf_prop(body, type, &tf->props[type]);
	}
	h = ofpbuf_at(body, start);
	PUT16(h, ofp_table_features, length, (uint16_t)(body->size - start));
	PUT8(h, ofp_table_features, table_id, tf->table_id);
	put_str(h + offsetof(struct ofp_table_features, name), OFP_MAX_TABLE_NAME_LEN, tf->name);
	PUT64(h, ofp_table_features, metadata_match, tf->metadata_match);
	PUT64(h, ofp_table_features, metadata_write, tf->metadata_write);
	PUT32(h, ofp_table_features, config, tf->config);
	PUT32(h, ofp_table_features, max_entries, tf->max_entries);
}

void ofpmp_put_port_stats(struct ofpbuf *body, const struct ofpmp_port_stats *s)
{
	uint8_t *h = ofpbuf_put_zeros(body, sizeof(struct ofp_port_stats));

	PUT32(h, ofp_port_stats, port_no, s->port_no);
	PUT64(h, ofp_port_stats, rx_packets, s->rx_packets);
	PUT64(h, ofp_port_stats, tx_packets, s->tx_packets);
	PUT64(h, ofp_port_stats, rx_bytes, s->rx_bytes);
	PUT64(h, ofp_port_stats, tx_bytes, s->tx_bytes);
	PUT64(h, ofp_port_stats, rx_dropped, s->rx_dropped);
	PUT64(h, ofp_port_stats, tx_dropped, s->tx_dropped);
	PUT64(h, ofp_port_stats, rx_errors, s->rx_errors);
	PUT64(h, ofp_port_stats, tx_errors, s->tx_errors);
	PUT64(h, ofp_port_stats, rx_frame_err, s->rx_frame_err);
	PUT64(h, ofp_port_stats, rx_over_err, s->rx_over_err);
	PUT64(h, ofp_port_stats, rx_crc_err, s->rx_crc_err);
	PUT64(h, ofp_port_stats, collisions, s->collisions);
	PUT32(h, ofp_port_stats, duration_sec, s->duration_sec);
	PUT32(h, ofp_port_stats, duration_nsec, s->duration_nsec);
}

void ofpmp_put_port_desc(struct ofpbuf *body, const struct ofproto_port_desc *d)
{
	ofp_port_encode(body, d);
}

void ofpmp_put_queue_stats(struct ofpbuf *body, const struct ofpmp_queue_stats *s)
{
	uint8_t *h = ofpbuf_put_zeros(body, sizeof(struct ofp_queue_stats));

	PUT32(h, ofp_queue_stats, port_no, s->port_no);
	PUT32(h, ofp_queue_stats, queue_id, s->queue_id);
	PUT64(h, ofp_queue_stats, tx_bytes, s->tx_bytes);
	PUT64(h, ofp_queue_stats, tx_packets, s->tx_packets);
	PUT64(h, ofp_queue_stats, tx_errors, s->tx_errors);
	PUT32(h, ofp_queue_stats, duration_sec, s->duration_sec);
	PUT32(h, ofp_queue_stats, duration_nsec, s->duration_nsec);
}

void ofpmp_put_group_stats(struct ofpbuf *body, const struct ofp_group_stats *s)
{
	size_t n = PB_MIN(s->n_buckets, (size_t)OFP_GROUP_MAX_BUCKETS);
	size_t start = body->size;
	uint8_t *h;

	ofpbuf_put_zeros(body, sizeof(struct ofp_group_stats_wire) +
	                               n * sizeof(struct ofp_bucket_counter));
	h = ofpbuf_at(body, start);
	PUT16(h, ofp_group_stats_wire, length, (uint16_t)(body->size - start));
	PUT32(h, ofp_group_stats_wire, group_id, s->group_id);
	PUT32(h, ofp_group_stats_wire, ref_count, s->ref_count);
	PUT64(h, ofp_group_stats_wire, packet_count, s->packets);
	PUT64(h, ofp_group_stats_wire, byte_count, s->bytes);
	PUT32(h, ofp_group_stats_wire, duration_sec, s->duration_sec);
	PUT32(h, ofp_group_stats_wire, duration_nsec, s->duration_nsec);
	for (size_t i = 0; i < n; i++) {
		uint8_t *c = h + sizeof(struct ofp_group_stats_wire) +
		             i * sizeof(struct ofp_bucket_counter);

		PUT64(c, ofp_bucket_counter, packet_count, s->buckets[i].packets);
		PUT64(c, ofp_bucket_counter, byte_count, s->buckets[i].bytes);
	}
}

void ofpmp_put_group_desc(struct ofpbuf *body, const struct ofp_group_mod *g)
{
	size_t start = body->size;
	uint8_t *h;

	ofpbuf_put_zeros(body, sizeof(struct ofp_group_desc));
	ofpmsg_put_buckets(body, g);
	h = ofpbuf_at(body, start);
	PUT16(h, ofp_group_desc, length, (uint16_t)(body->size - start));
	PUT8(h, ofp_group_desc, type, g->type);
	PUT32(h, ofp_group_desc, group_id, g->group_id);
}

void ofpmp_put_group_features(struct ofpbuf *body, const struct ofpmp_group_features *f)
{
	uint8_t *h = ofpbuf_put_zeros(body, sizeof(struct ofp_group_features));

	PUT32(h, ofp_group_features, types, f->types);
	PUT32(h, ofp_group_features, capabilities, f->capabilities);
	for (int i = 0; i < 4; i++) {
		ofpw_put32(h + offsetof(struct ofp_group_features, max_groups) + 4 * i,
		           f->max_groups[i]);
		ofpw_put32(h + offsetof(struct ofp_group_features, actions) + 4 * i, f->actions[i]);
	}
}

void ofpmp_put_meter_stats(struct ofpbuf *body, const struct ofp_meter_stats *s)
{
	size_t n = PB_MIN(s->n_bands, (size_t)OFP_METER_MAX_BANDS);
	size_t start = body->size;
	uint8_t *h;

	ofpbuf_put_zeros(body, sizeof(struct ofp_meter_stats_wire) +
	                               n * sizeof(struct ofp_meter_band_stats));
	h = ofpbuf_at(body, start);
	PUT32(h, ofp_meter_stats_wire, meter_id, s->meter_id);
	PUT16(h, ofp_meter_stats_wire, len, (uint16_t)(body->size - start));
	PUT32(h, ofp_meter_stats_wire, flow_count, s->flow_count);
	PUT64(h, ofp_meter_stats_wire, packet_in_count, s->packets_in);
	PUT64(h, ofp_meter_stats_wire, byte_in_count, s->bytes_in);
	PUT32(h, ofp_meter_stats_wire, duration_sec, s->duration_sec);
	PUT32(h, ofp_meter_stats_wire, duration_nsec, s->duration_nsec);
	for (size_t i = 0; i < n; i++) {
		uint8_t *c = h + sizeof(struct ofp_meter_stats_wire) +
		             i * sizeof(struct ofp_meter_band_stats);

		PUT64(c, ofp_meter_band_stats, packet_band_count, s->bands[i].packets);
		PUT64(c, ofp_meter_band_stats, byte_band_count, s->bands[i].bytes);
	}
}

void ofpmp_put_meter_config(struct ofpbuf *body, const struct ofp_meter_mod *m)
{
	size_t start = body->size;
	uint8_t *h;

	ofpbuf_put_zeros(body, sizeof(struct ofp_meter_config));
	ofpmsg_put_bands(body, m);
	h = ofpbuf_at(body, start);
	PUT16(h, ofp_meter_config, length, (uint16_t)(body->size - start));
	PUT16(h, ofp_meter_config, flags, m->flags);
	PUT32(h, ofp_meter_config, meter_id, m->meter_id);
}

void ofpmp_put_meter_features(struct ofpbuf *body, const struct ofpmp_meter_features *f)
{
	uint8_t *h = ofpbuf_put_zeros(body, sizeof(struct ofp_meter_features));

	PUT32(h, ofp_meter_features, max_meter, f->max_meter);
	PUT32(h, ofp_meter_features, band_types, f->band_types);
	PUT32(h, ofp_meter_features, capabilities, f->capabilities);
	PUT8(h, ofp_meter_features, max_bands, f->max_bands);
	PUT8(h, ofp_meter_features, max_color, f->max_color);
}

/* ---- Splitting a body into replies ---- */

/* Length of the entry at 'p' ('avail' bytes left) of multipart 'type', or 0
 * if malformed. */
static size_t entry_len(uint16_t type, const uint8_t *p, size_t avail)
{
	size_t len, min;

	switch (type) {
	case OFPMP_DESC:
	case OFPMP_AGGREGATE:
	case OFPMP_GROUP_FEATURES:
	case OFPMP_METER_FEATURES:
		return avail; /* one structure */
	case OFPMP_TABLE:
		len = min = sizeof(struct ofp_table_stats);
		break;
	case OFPMP_PORT_STATS:
		len = min = sizeof(struct ofp_port_stats);
		break;
	case OFPMP_PORT_DESC:
		len = min = sizeof(struct ofp_port);
		break;
	case OFPMP_QUEUE:
		len = min = sizeof(struct ofp_queue_stats);
		break;
	case OFPMP_FLOW:
	case OFPMP_GROUP:
	case OFPMP_GROUP_DESC:
	case OFPMP_METER_CONFIG:
	case OFPMP_TABLE_FEATURES:
		if (avail < 2)
			return 0;
		len = ofpw_get16(p);
		min = 8;
		break;
	case OFPMP_METER:
		if (avail < sizeof(struct ofp_meter_stats_wire))
			return 0;
		len = GET16(p, ofp_meter_stats_wire, len);
		min = sizeof(struct ofp_meter_stats_wire);
		break;
	default:
		return 0;
	}
	return len >= min && len <= avail ? len : 0;
}

static void put_reply(struct ofpbuf *m, uint16_t type, uint32_t xid, uint16_t flags,
                      const uint8_t *body, size_t len)
{
	ofpbuf_init(m, sizeof(struct ofp_multipart_reply) + len);
	ofpmsg_start(m, OFPT_MULTIPART_REPLY, xid);
	ofpbuf_put_zeros(m, sizeof(struct ofp_multipart_reply) - sizeof(struct ofp_header));
	PUT16(m->data, ofp_multipart_reply, type, type);
	PUT16(m->data, ofp_multipart_reply, flags, flags);
	if (len)
		ofpbuf_put(m, body, len);
	ofpmsg_finish(m);
}

int ofpmp_reply_split(uint16_t type, uint32_t xid, const struct ofpbuf *body, struct ofpbuf **msgs,
                      size_t *n_msgs, struct ofperr *oe)
{
	size_t n_chunks = 0, chunk_start = 0, ofs = 0, i;
	size_t *ends = NULL;

	/* First pass: validate entries and find the chunk boundaries. */
	while (ofs < body->size) {
		size_t len = entry_len(type, body->data + ofs, body->size - ofs);

		if (!len) {
			free(ends);
			return -EINVAL;
		}
		if (len > OFPMP_MAX_BODY) {
			free(ends);
			ofperr_set(oe, OFPET_BAD_REQUEST, OFPBRC_MULTIPART_BUFFER_OVERFLOW);
			return -EMSGSIZE;
		}
		if (ofs + len - chunk_start > OFPMP_MAX_BODY) {
			ends = xrealloc(ends, (n_chunks + 1) * sizeof *ends);
			ends[n_chunks++] = ofs;
			chunk_start = ofs;
		}
		ofs += len;
	}
	ends = xrealloc(ends, (n_chunks + 1) * sizeof *ends);
	ends[n_chunks++] = body->size;

	*msgs = xrealloc(*msgs, (*n_msgs + n_chunks) * sizeof **msgs);
	chunk_start = 0;
	for (i = 0; i < n_chunks; i++) {
		put_reply(&(*msgs)[*n_msgs + i], type, xid,
		          i + 1 < n_chunks ? OFPMPF_REPLY_MORE : 0, body->data + chunk_start,
		          ends[i] - chunk_start);
		chunk_start = ends[i];
	}
	*n_msgs += n_chunks;
	free(ends);
	return 0;
}

/* ---- Everything ---- */

static int decode_multipart(const uint8_t *p, size_t len, struct ofperr *oe)
{
	struct flow_text_mod filter;
	const uint8_t *body;
	uint16_t type, flags;
	size_t body_len;
	uint32_t a, b;
	int error;

	error = ofpmp_decode_request(p, len, &type, &flags, &body, &body_len, oe);
	if (error)
		return error;
	switch (type) {
	case OFPMP_FLOW:
	case OFPMP_AGGREGATE:
		error = ofpmp_decode_flow_request(body, body_len, &filter, oe, NULL);
		flow_text_mod_uninit(&filter);
		return error;
	case OFPMP_PORT_STATS:
		return ofpmp_decode_port_stats_request(body, body_len, &a, oe);
	case OFPMP_QUEUE:
		return ofpmp_decode_queue_request(body, body_len, &a, &b, oe);
	case OFPMP_GROUP:
		return ofpmp_decode_group_request(body, body_len, &a, oe);
	case OFPMP_METER:
	case OFPMP_METER_CONFIG:
		return ofpmp_decode_meter_request(body, body_len, &a, oe);
	case OFPMP_TABLE_FEATURES:
		return ofpmp_decode_table_features_request(body, body_len, oe);
	default:
		return ofpmp_decode_empty_request(body, body_len, oe);
	}
}

int ofpmsg_decode_any(const uint8_t *p, size_t len, struct ofperr *oe)
{
	struct ofp_header oh;
	int error;

	error = ofpmsg_check_header(p, len, &oh, oe);
	if (error)
		return error;
	switch ((enum ofp_type)oh.type) {
	case OFPT_HELLO: {
		uint8_t version;

		return ofpmsg_decode_hello(p, len, &version, oe);
	}
	case OFPT_ERROR: {
		uint16_t type, code;
		const uint8_t *data;
		size_t data_len;

		return ofpmsg_decode_error(p, len, &type, &code, &data, &data_len, oe);
	}
	case OFPT_ECHO_REQUEST:
	case OFPT_ECHO_REPLY:
		return 0;
	case OFPT_EXPERIMENTER: {
		uint32_t experimenter, exp_type;

		return ofpmsg_decode_experimenter(p, len, &experimenter, &exp_type, oe);
	}
	case OFPT_FEATURES_REQUEST:
	case OFPT_GET_CONFIG_REQUEST:
	case OFPT_BARRIER_REQUEST:
	case OFPT_BARRIER_REPLY:
	case OFPT_GET_ASYNC_REQUEST:
		return len == sizeof(struct ofp_header) ? 0 : bad_len(oe);
	case OFPT_GET_CONFIG_REPLY:
	case OFPT_SET_CONFIG: {
		struct ofpmsg_switch_config cfg;

		return ofpmsg_decode_set_config(p, len, &cfg, oe);
	}
	case OFPT_FLOW_MOD: {
		struct flow_text_mod fm;
		enum flow_text_cmd cmd;
		bool strict;

		error = ofpmsg_decode_flow_mod(p, len, &fm, &cmd, &strict, oe, NULL);
		flow_text_mod_uninit(&fm);
		return error;
	}
	case OFPT_GROUP_MOD: {
		struct ofp_group_mod gm;

		error = ofpmsg_decode_group_mod(p, len, &gm, oe, NULL);
		ofp_group_mod_uninit(&gm);
		return error;
	}
	case OFPT_METER_MOD: {
		struct ofp_meter_mod mm;

		return ofpmsg_decode_meter_mod(p, len, &mm, oe, NULL);
	}
	case OFPT_PORT_MOD: {
		struct ofpmsg_port_mod pm;

		return ofpmsg_decode_port_mod(p, len, &pm, oe);
	}
	case OFPT_TABLE_MOD: {
		uint8_t table_id;
		uint32_t config;

		return ofpmsg_decode_table_mod(p, len, &table_id, &config, oe);
	}
	case OFPT_PACKET_OUT: {
		struct ofpmsg_packet_out po;

		error = ofpmsg_decode_packet_out(p, len, &po, oe, NULL);
		ofpmsg_packet_out_uninit(&po);
		return error;
	}
	case OFPT_MULTIPART_REQUEST:
		return decode_multipart(p, len, oe);
	case OFPT_ROLE_REQUEST:
	case OFPT_ROLE_REPLY: {
		struct ofpmsg_role role;

		return ofpmsg_decode_role_request(p, len, &role, oe);
	}
	case OFPT_GET_ASYNC_REPLY:
	case OFPT_SET_ASYNC: {
		struct ofpmsg_async_config ac;

		return ofpmsg_decode_set_async(p, len, &ac, oe);
	}
	case OFPT_QUEUE_GET_CONFIG_REQUEST:
		return len == sizeof(struct ofp_queue_get_config_request) ? 0 : bad_len(oe);
	case OFPT_FEATURES_REPLY:
	case OFPT_PACKET_IN:
	case OFPT_FLOW_REMOVED:
	case OFPT_PORT_STATUS:
	case OFPT_MULTIPART_REPLY:
	case OFPT_QUEUE_GET_CONFIG_REPLY:
	default:
		return 0;
	}
}
