/* test-ofagent-multipart.c - ofagent_multipart() on a device-less bridge
 * (bridge-fixture.h): every multipart type is requested as a controller
 * would, and the replies are decoded back (headers, REPLY_MORE splitting,
 * entries through ofp-wire.h layouts, matches through ofp-oxm.h and
 * instructions through ofp-wire-actions.h) and compared with what the
 * bridge holds.  Errors must append nothing. */
#include <endian.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bridge-fixture.h"
#include "ofagent/ofagent-multipart.h"
#include "ofproto/ofproto-ofp.h"
#include "openflow/flow-text.h"
#include "openflow/ofp-msgs.h"
#include "openflow/ofp-oxm.h"
#include "openflow/ofp-wire-actions.h"

#define XID 0x1234abcdu

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)rd16(p) << 16 | rd16(p + 2);
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) << 32 | rd32(p + 4);
}

/* The bodies of a reply sequence, concatenated, after checking every header. */
struct reply {
	struct ofpbuf body;
	size_t n_msgs;
};

static void reply_uninit(struct reply *r)
{
	ofpbuf_uninit(&r->body);
}

static void msgs_free(struct ofpbuf *msgs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ofpbuf_uninit(&msgs[i]);
	free(msgs);
}

/* Runs the request 'req' and checks the replies: version, type MULTIPART_REPLY, xid, length,
 * multipart type, REPLY_MORE on all but the last. */
static void request(struct ofproto *br, const struct ofpbuf *req, uint16_t type, struct reply *r)
{
	struct ofpbuf *msgs = NULL;
	size_t n = 0;
	struct ofperr oe = {0};

	assert_int_equal(ofagent_multipart(br, req->data, req->size, &msgs, &n, &oe), 0);
	assert_false(oe.set);
	assert_true(n >= 1);
	ofpbuf_init(&r->body, 0);
	r->n_msgs = n;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *m = msgs[i].data;

		assert_true(msgs[i].size >= 16 && msgs[i].size <= 65535);
		assert_int_equal(m[0], OFP13_VERSION);
		assert_int_equal(m[1], OFPT_MULTIPART_REPLY);
		assert_int_equal(rd16(m + 2), msgs[i].size);
		assert_int_equal(rd32(m + 4), XID);
		assert_int_equal(rd16(m + 8), type);
		assert_int_equal(rd16(m + 10), i + 1 < n ? OFPMPF_REPLY_MORE : 0);
		ofpbuf_put(&r->body, m + 16, msgs[i].size - 16);
	}
	msgs_free(msgs, n);
}

static void simple(struct ofproto *br, uint16_t type, const void *body, size_t len, struct reply *r)
{
	struct ofpbuf req;

	ofpbuf_init(&req, 64);
	ofpmp_encode_request(&req, XID, type, 0, body, len);
	request(br, &req, type, r);
	ofpbuf_uninit(&req);
}

/* Expects the request to fail with (type, code) and to append nothing. */
static void refused(struct ofproto *br, const struct ofpbuf *req, uint16_t etype, uint16_t code)
{
	struct ofpbuf *msgs = NULL;
	size_t n = 0;
	struct ofperr oe = {0};

	assert_true(ofagent_multipart(br, req->data, req->size, &msgs, &n, &oe) < 0);
	assert_true(oe.set);
	assert_int_equal(oe.type, etype);
	assert_int_equal(oe.code, code);
	assert_int_equal(n, 0);
	free(msgs);
}

static void refused_body(struct ofproto *br, uint16_t type, uint16_t flags, const void *body,
                         size_t len, uint16_t etype, uint16_t code)
{
	struct ofpbuf req;

	ofpbuf_init(&req, 64);
	ofpmp_encode_request(&req, XID, type, flags, body, len);
	refused(br, &req, etype, code);
	ofpbuf_uninit(&req);
}

static void add_flow(struct ofproto *br, const char *text)
{
	struct flow_text_mod fm;
	struct errmsg err;

	assert_int_equal(flow_text_parse(text, FLOW_TEXT_ADD, NULL, &fm, &err), 0);
	assert_int_equal(ofproto_flow_mod(br, FLOW_TEXT_ADD, false, &fm, &err), 0);
	flow_text_mod_uninit(&fm);
}

static int setup(void **state)
{
	return bridge_fixture_setup(state, 3, 10);
}

static int teardown(void **state)
{
	return bridge_fixture_teardown(state);
}

static void test_desc(void **state)
{
	struct fixture *fx = *state;
	struct reply r;

	simple(fx->br, OFPMP_DESC, NULL, 0, &r);
	assert_int_equal(r.n_msgs, 1);
	assert_int_equal(r.body.size, sizeof(struct ofp_desc));
	/* NUL-padded strings; dp_desc names the bridge */
	assert_true(((const char *)r.body.data)[0] != '\0');
	assert_string_equal((const char *)r.body.data + offsetof(struct ofp_desc, dp_desc), "br0");
	reply_uninit(&r);
}

/* Decodes the flow stats entries of 'r' and checks them against the bridge's rules. */
static size_t check_flow_entries(struct ofproto *br, const struct reply *r,
                                 const struct flow_text_mod *filter)
{
	struct ofproto_rule_info *rules;
	const uint8_t *p = r->body.data;
	size_t n, i = 0, off = 0;

	ofproto_rule_dump(br, filter, &rules, &n);
	while (off < r->body.size) {
		const uint8_t *e = p + off;
		size_t len = rd16(e), consumed;
		struct ofpacts_buf acts;
		struct ofperr oe = {0};
		struct match m;
		struct ofpact *list;
		size_t list_len;

		assert_true(len >= OFP_FLOW_STATS_SPEC_LEN && len % 8 == 0);
		assert_true(off + len <= r->body.size);
		assert_true(i < n);
		assert_int_equal(e[2], rules[i].table_id);
		assert_int_equal(rd16(e + 12), rules[i].priority);
		assert_int_equal(rd64(e + 24), rules[i].cookie);
		assert_int_equal(rd64(e + 32), rules[i].packets);
		assert_int_equal(oxm_match_decode(e + 48, len - 48, &m, &consumed, &oe), 0);
		assert_true(match_equal(&m, &rules[i].match));
		ofpacts_buf_init(&acts);
		assert_int_equal(ofpacts_decode_instructions(e + 48 + consumed, len - 48 - consumed,
		                                             &acts, &oe),
		                 0);
		list = ofpacts_buf_steal(&acts, &list_len);
		assert_true(ofpacts_equal(list, list_len, rules[i].ofpacts, rules[i].ofpacts_len));
		free(list);
		ofpacts_buf_uninit(&acts);
		off += len;
		i++;
	}
	assert_int_equal(i, n);
	ofproto_rule_info_free(rules, n);
	return i;
}

static void flow_request(struct ofproto *br, uint16_t type, const char *match, struct reply *r,
                         struct flow_text_mod *filter)
{
	struct errmsg err;
	struct ofpbuf req;

	assert_int_equal(flow_text_parse(match, FLOW_TEXT_MATCH, NULL, filter, &err), 0);
	ofpbuf_init(&req, 64);
	ofpmp_encode_flow_request(&req, XID, type, filter);
	request(br, &req, type, r);
	ofpbuf_uninit(&req);
}

static void test_flow_and_aggregate(void **state)
{
	struct fixture *fx = *state;
	struct flow_text_mod filter;
	struct reply r;

	add_flow(fx->br, "priority=100,cookie=0x42,ip,nw_dst=10.0.0.0/8,actions=output:2");
	add_flow(fx->br,
	         "table=1,priority=7,udp,tp_dst=53,actions=set_field:02:00:00:00:00:01->eth_dst,"
	         "output:3");
	add_flow(fx->br, "priority=5,in_port=1,actions=write_metadata:0x5/0xff,goto_table:1");

	flow_request(fx->br, OFPMP_FLOW, "", &r, &filter);
	assert_int_equal(check_flow_entries(fx->br, &r, &filter), 4); /* + the NORMAL flow */
	flow_text_mod_uninit(&filter);
	reply_uninit(&r);

	flow_request(fx->br, OFPMP_FLOW, "table=1", &r, &filter);
	assert_int_equal(check_flow_entries(fx->br, &r, &filter), 1);
	flow_text_mod_uninit(&filter);
	reply_uninit(&r);

	flow_request(fx->br, OFPMP_AGGREGATE, "ip", &r, &filter);
	assert_int_equal(r.body.size, sizeof(struct ofp_aggregate_stats_reply));
	assert_int_equal(rd32((const uint8_t *)r.body.data + 16), 2); /* ip and udp */
	flow_text_mod_uninit(&filter);
	reply_uninit(&r);

	/* a bad table id */
	{
		uint8_t body[40] = {70};

		memset(body + 4, 0xff, 8);  /* out_port, out_group ANY */
		body[33] = 1, body[35] = 4; /* empty OXM match */
		refused_body(fx->br, OFPMP_FLOW, 0, body, sizeof body, OFPET_BAD_REQUEST,
		             OFPBRC_BAD_TABLE_ID);
	}
}

static void test_flow_split(void **state)
{
	struct fixture *fx = *state;
	struct flow_text_mod filter;
	struct reply r;
	char text[128];

	for (int i = 0; i < 5000; i++) {
		snprintf(text, sizeof text,
		         "priority=100,udp,nw_dst=10.%d.%d.1,tp_dst=%d,actions=output:2", i >> 8,
		         i & 255, i + 1);
		add_flow(fx->br, text);
	}
	flow_request(fx->br, OFPMP_FLOW, "", &r, &filter);
	assert_true(r.n_msgs >= 5); /* ~100 bytes per entry: several messages */
	assert_int_equal(check_flow_entries(fx->br, &r, &filter), 5001);
	flow_text_mod_uninit(&filter);
	reply_uninit(&r);
}

static void test_table_stats(void **state)
{
	struct fixture *fx = *state;
	const uint8_t *p;
	struct reply r;

	add_flow(fx->br, "table=3,priority=1,actions=drop");
	simple(fx->br, OFPMP_TABLE, NULL, 0, &r);
	assert_int_equal(r.body.size, OFPROTO_N_TABLES * sizeof(struct ofp_table_stats));
	p = r.body.data;
	for (unsigned t = 0; t < OFPROTO_N_TABLES; t++) {
		const uint8_t *e = p + t * sizeof(struct ofp_table_stats);

		assert_int_equal(e[0], t);
		assert_int_equal(rd32(e + 4), t == 0 || t == 3 ? 1 : 0);
	}
	reply_uninit(&r);
}

/* Finds property 'type' in the table-features entry 'e'; its content in '*content'/'*len'. */
static bool tf_prop(const uint8_t *e, uint16_t type, const uint8_t **content, size_t *len)
{
	size_t total = rd16(e), off = sizeof(struct ofp_table_features);

	while (off + 4 <= total) {
		size_t plen = rd16(e + off + 2);

		assert_true(plen >= 4 && off + plen <= total);
		if (rd16(e + off) == type) {
			*content = e + off + 4;
			*len = plen - 4;
			return true;
		}
		off += (plen + 7) / 8 * 8;
	}
	return false;
}

static bool ids_have(const uint8_t *c, size_t len, uint32_t id, uint32_t mask)
{
	for (size_t i = 0; i + 4 <= len; i += 4)
		if ((rd32(c + i) & mask) == id)
			return true;
	return false;
}

static void test_table_features(void **state)
{
	struct fixture *fx = *state;
	const uint8_t *p, *c;
	size_t off = 0, len;
	unsigned t = 0;
	struct reply r;

	assert_int_equal(ofproto_set_flow_limit(fx->br, 12345), 0);
	simple(fx->br, OFPMP_TABLE_FEATURES, NULL, 0, &r);
	assert_true(r.n_msgs >= 2); /* 64 tables of ~2 KB do not fit one message */
	p = r.body.data;
	while (off < r.body.size) {
		const uint8_t *e = p + off;
		char name[OFP_MAX_TABLE_NAME_LEN + 1] = {0}, want[16];
		/* ip_dst (OXM basic 12) maskable, eth_type (5) exact */
		const uint32_t ip_dst = 0x80001800u, eth_type = 0x80000a00u;

		assert_int_equal(e[2], t);
		memcpy(name, e + 8, OFP_MAX_TABLE_NAME_LEN);
		snprintf(want, sizeof want, "table%u", t);
		assert_string_equal(name, want);
		assert_true(rd64(e + 40) == UINT64_MAX && rd64(e + 48) == UINT64_MAX);
		assert_int_equal(rd32(e + 60), 12345);
		for (uint16_t type = 0; type < 16; type++) {
			if (type == 9 || type == 11)
				continue;
			assert_true(tf_prop(e, type, &c, &len));
		}
		assert_true(tf_prop(e, OFPTFPT_INSTRUCTIONS, &c, &len));
		assert_true(ids_have(c, len, (uint32_t)OFPIT_APPLY_ACTIONS << 16 | 4, ~0u));
		assert_int_equal(ids_have(c, len, (uint32_t)OFPIT_GOTO_TABLE << 16 | 4, ~0u),
		                 t < OFPROTO_N_TABLES - 1);
		assert_true(tf_prop(e, OFPTFPT_NEXT_TABLES, &c, &len));
		assert_int_equal(len, OFPROTO_N_TABLES - 1 - t);
		if (len)
			assert_int_equal(c[0], t + 1);
		assert_true(tf_prop(e, OFPTFPT_APPLY_ACTIONS, &c, &len));
		assert_true(ids_have(c, len, (uint32_t)OFPAT_SET_FIELD << 16 | 4, ~0u));
		assert_true(tf_prop(e, OFPTFPT_MATCH, &c, &len));
		assert_true(ids_have(c, len, ip_dst | 0x100 | 8, ~0u)); /* hasmask, 2 x 4 bytes */
		assert_true(ids_have(c, len, eth_type | 2, ~0u));
		assert_true(tf_prop(e, OFPTFPT_WILDCARDS, &c, &len));
		assert_true(ids_have(c, len, ip_dst | 4, ~0u)); /* never hasmask */
		assert_false(ids_have(c, len, 0x100, 0x100));
		assert_true(tf_prop(e, OFPTFPT_APPLY_SETFIELD, &c, &len));
		assert_true(ids_have(c, len, ip_dst | 4, ~0u));
		assert_false(ids_have(c, len, eth_type, 0xfffffe00u)); /* not writable */
		off += rd16(e);
		t++;
	}
	assert_int_equal(t, OFPROTO_N_TABLES);
	reply_uninit(&r);
}

static void test_ports(void **state)
{
	struct fixture *fx = *state;
	struct ofproto_port_desc d;
	uint8_t body[8];
	const uint8_t *p;
	struct reply r;

	simple(fx->br, OFPMP_PORT_DESC, NULL, 0, &r);
	assert_int_equal(r.body.size, 3 * 64);
	for (int i = 0; i < 3; i++) {
		char want[8];

		ofp_port_decode((const uint8_t *)r.body.data + 64 * i, &d);
		snprintf(want, sizeof want, "p%d", i + 1);
		assert_int_equal(d.port_no, i + 1);
		assert_string_equal(d.name, want);
	}
	reply_uninit(&r);

	memset(body, 0, sizeof body);
	memset(body, 0xff, 4); /* OFPP_ANY */
	simple(fx->br, OFPMP_PORT_STATS, body, sizeof body, &r);
	assert_int_equal(r.body.size, 3 * sizeof(struct ofp_port_stats));
	p = r.body.data;
	for (int i = 0; i < 3; i++)
		assert_int_equal(rd32(p + i * sizeof(struct ofp_port_stats)), i + 1);
	reply_uninit(&r);

	body[0] = body[1] = body[2] = 0, body[3] = 2;
	simple(fx->br, OFPMP_PORT_STATS, body, sizeof body, &r);
	assert_int_equal(r.body.size, sizeof(struct ofp_port_stats));
	assert_int_equal(rd32(r.body.data), 2);
	reply_uninit(&r);

	body[3] = 99; /* no such port: empty */
	simple(fx->br, OFPMP_PORT_STATS, body, sizeof body, &r);
	assert_int_equal(r.body.size, 0);
	reply_uninit(&r);
}

static void test_queues(void **state)
{
	struct fixture *fx = *state;
	uint8_t body[8];
	struct reply r;

	memset(body, 0xff, sizeof body); /* OFPP_ANY, OFPQ_ALL */
	simple(fx->br, OFPMP_QUEUE, body, sizeof body, &r);
	assert_int_equal(r.n_msgs, 1);
	assert_int_equal(r.body.size, 0);
	reply_uninit(&r);

	memset(body, 0, 4), body[3] = 1; /* port 1, all queues: none */
	simple(fx->br, OFPMP_QUEUE, body, sizeof body, &r);
	assert_int_equal(r.body.size, 0);
	reply_uninit(&r);

	body[3] = 99;
	refused_body(fx->br, OFPMP_QUEUE, 0, body, sizeof body, OFPET_QUEUE_OP_FAILED,
	             OFPQOFC_BAD_PORT);
	body[3] = 1;
	memset(body + 4, 0, 4), body[7] = 5;
	refused_body(fx->br, OFPMP_QUEUE, 0, body, sizeof body, OFPET_QUEUE_OP_FAILED,
	             OFPQOFC_BAD_QUEUE);
	refused_body(fx->br, OFPMP_QUEUE, 0, body, 4, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
}

static void test_groups(void **state)
{
	struct fixture *fx = *state;
	struct ofp_group_mod gm;
	struct ofperr oe = {0};
	struct errmsg err;
	uint8_t body[8];
	const uint8_t *p;
	struct reply r;

	assert_int_equal(ofp_group_mod_parse("group_id=7,type=select,bucket=weight:3,output:1,"
	                                     "bucket=weight:5,output:2",
	                                     OFPGC_ADD, NULL, &gm, &err),
	                 0);
	assert_int_equal(ofproto_group_mod(fx->br, &gm, &oe, &err), 0);
	ofp_group_mod_uninit(&gm);

	simple(fx->br, OFPMP_GROUP_DESC, NULL, 0, &r);
	p = r.body.data;
	assert_int_equal(rd16(p), r.body.size);
	assert_int_equal(p[2], OFPGT_SELECT);
	assert_int_equal(rd32(p + 4), 7);
	assert_int_equal(rd16(p + 8 + 2), 3); /* first bucket's weight */
	reply_uninit(&r);

	memset(body, 0, sizeof body);
	memcpy(body, "\xff\xff\xff\xfc", 4); /* OFPG_ALL */
	simple(fx->br, OFPMP_GROUP, body, sizeof body, &r);
	p = r.body.data;
	assert_int_equal(r.body.size, sizeof(struct ofp_group_stats_wire) + 2 * 16);
	assert_int_equal(rd16(p), r.body.size);
	assert_int_equal(rd32(p + 4), 7);
	reply_uninit(&r);

	body[0] = body[1] = body[2] = 0, body[3] = 8; /* no such group: empty */
	simple(fx->br, OFPMP_GROUP, body, sizeof body, &r);
	assert_int_equal(r.body.size, 0);
	reply_uninit(&r);

	simple(fx->br, OFPMP_GROUP_FEATURES, NULL, 0, &r);
	p = r.body.data;
	assert_int_equal(r.body.size, sizeof(struct ofp_group_features));
	assert_int_equal(rd32(p), 0xf);
	assert_true(rd32(p + 24) & 1u << OFPAT_OUTPUT);
	reply_uninit(&r);
}

static void test_meters(void **state)
{
	struct fixture *fx = *state;
	struct ofp_meter_mod mm;
	struct ofperr oe = {0};
	struct errmsg err;
	uint8_t body[8];
	const uint8_t *p;
	struct reply r;

	assert_int_equal(ofp_meter_mod_parse("meter=3,pktps,burst,stats,bands=type=drop,rate=10,"
	                                     "burst_size=4",
	                                     OFPMC_ADD, &mm, &err),
	                 0);
	assert_int_equal(ofproto_meter_mod(fx->br, &mm, &oe, &err), 0);

	memset(body, 0, sizeof body);
	memset(body, 0xff, 4); /* OFPM_ALL */
	simple(fx->br, OFPMP_METER_CONFIG, body, sizeof body, &r);
	p = r.body.data;
	assert_int_equal(r.body.size, 8 + 16);
	assert_int_equal(rd16(p), 24);
	assert_int_equal(rd16(p + 2), OFPMF_PKTPS | OFPMF_BURST | OFPMF_STATS);
	assert_int_equal(rd32(p + 4), 3);
	assert_int_equal(rd16(p + 8), OFPMBT_DROP);
	assert_int_equal(rd32(p + 12), 10);
	reply_uninit(&r);

	simple(fx->br, OFPMP_METER, body, sizeof body, &r);
	p = r.body.data;
	assert_int_equal(r.body.size, sizeof(struct ofp_meter_stats_wire) + 16);
	assert_int_equal(rd32(p), 3);
	assert_int_equal(rd16(p + 4), r.body.size);
	reply_uninit(&r);

	simple(fx->br, OFPMP_METER_FEATURES, NULL, 0, &r);
	p = r.body.data;
	assert_int_equal(r.body.size, sizeof(struct ofp_meter_features));
	assert_int_equal(rd32(p), OFP_METER_MAX);
	assert_int_equal(rd32(p + 4), 1u << OFPMBT_DROP | 1u << OFPMBT_DSCP_REMARK);
	assert_int_equal(p[12], OFP_METER_MAX_BANDS);
	reply_uninit(&r);
}

static void test_errors(void **state)
{
	struct fixture *fx = *state;
	uint8_t junk[8] = {0};
	struct ofpbuf req;

	refused_body(fx->br, 0x20, 0, NULL, 0, OFPET_BAD_REQUEST, OFPBRC_BAD_MULTIPART);
	refused_body(fx->br, OFPMP_DESC, 0, junk, sizeof junk, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
	refused_body(fx->br, OFPMP_DESC, OFPMPF_REQ_MORE, NULL, 0, OFPET_BAD_REQUEST,
	             OFPBRC_MULTIPART_BUFFER_OVERFLOW);
	refused_body(fx->br, OFPMP_PORT_STATS, 0, junk, 4, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
	/* a truncated request */
	ofpbuf_init(&req, 64);
	ofpmp_encode_request(&req, XID, OFPMP_DESC, 0, NULL, 0);
	req.size = 12;
	((uint8_t *)req.data)[3] = 12;
	refused(fx->br, &req, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
	ofpbuf_uninit(&req);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_desc, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_flow_and_aggregate, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_flow_split, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_table_stats, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_table_features, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_ports, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_queues, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_groups, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_meters, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
