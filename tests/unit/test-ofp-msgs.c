/* test-ofp-msgs.c - unit tests for the OpenFlow 1.3 message codec
 * (ofp-msgs.h): messages captured from ovs-ofctl 3.1 (-O OpenFlow13)
 * decoded, every decoder's error paths on hand-built messages, encode /
 * decode round trips, the asynchronous message encoders, multipart
 * request and reply bodies, and reply splitting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "lib/meta-flow.h"
#include "openflow/flow-text.h"
#include "openflow/ofp-actions.h"
#include "openflow/ofp-msgs.h"
#include "openflow/ofp-oxm.h"
#include "openflow/ofp-wire-actions.h"

/* ---- Helpers ---- */

/* Hex string -> heap bytes. */
static uint8_t *hex(const char *s, size_t *len)
{
	size_t n = strlen(s) / 2;
	uint8_t *p = malloc(n ? n : 1);

	for (size_t i = 0; i < n; i++) {
		unsigned x;

		assert_int_equal(sscanf(s + 2 * i, "%2x", &x), 1);
		p[i] = (uint8_t)x;
	}
	*len = n;
	return p;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) << 32 | rd32(p + 4);
}

static void wr16(uint8_t *p, uint16_t x)
{
	p[0] = (uint8_t)(x >> 8);
	p[1] = (uint8_t)x;
}

static void wr32(uint8_t *p, uint32_t x)
{
	wr16(p, (uint16_t)(x >> 16));
	wr16(p + 2, (uint16_t)x);
}

/* Expects 'error' < 0 and 'oe' == (type, code). */
#define assert_ofperr(error, oe, TYPE, CODE)                                                       \
	do {                                                                                       \
		assert_true((error) < 0);                                                          \
		assert_true((oe).set);                                                             \
		assert_int_equal((oe).type, (TYPE));                                               \
		assert_int_equal((oe).code, (CODE));                                               \
	} while (0)

static char *actions_str(const struct ofpact *a, size_t len)
{
	return ofpacts_to_string(a, len, NULL);
}

/* ---- Messages captured from ovs-ofctl 3.1 -O OpenFlow13 ---- */

/* add-flow table=1,priority=5,cookie=0x7,ip,nw_dst=10.0.0.1,actions=output:2 */
static const char ADD_FLOW[] =
        "040e006000000006000000000000000700000000000000000100000000000005ffffffffffffffff"
        "ffffffff000000000001001280000a020800800018040a00000100000000000000040018000000000"
        "0000010000000020000000000000000";
/* mod-flows actions=output:3 */
static const char MOD_FLOWS[] =
        "040e005000000006000000000000000000000000000000000001000000008000ffffffffffffffff"
        "ffffffff000000000001000400000000000400180000000000000010000000030000000000000000";
/* mod-flows cookie=0x5/-1,actions=output:3 */
static const char MOD_FLOWS_COOKIE[] =
        "040e0050000000060000000000000005ffffffffffffffff0001000000008000ffffffffffffffff"
        "ffffffff000000000001000400000000000400180000000000000010000000030000000000000000";
/* mod-flows --strict priority=5,actions=output:3 */
static const char MOD_FLOWS_STRICT[] =
        "040e005000000006000000000000000000000000000000000002000000000005ffffffffffffffff"
        "ffffffff000000000001000400000000000400180000000000000010000000030000000000000000";
/* del-flows */
static const char DEL_FLOWS[] =
        "040e00380000000600000000000000000000000000000000ff03000000008000ffffffffffffffff"
        "ffffffff000000000001000400000000";
/* del-flows --strict priority=5,ip */
static const char DEL_FLOWS_STRICT[] =
        "040e00400000000600000000000000000000000000000000ff04000000000005ffffffffffffffff"
        "ffffffff000000000001000a80000a020800000000000000";
/* del-flows out_port=2 */
static const char DEL_FLOWS_OUT_PORT[] =
        "040e00380000000600000000000000000000000000000000ff03000000008000ffffffff00000002"
        "ffffffff000000000001000400000000";

/* add-group group_id=1,type=select,bucket=weight:10,output:1,bucket=weight:20,
 * actions=output:2 */
static const char ADD_GROUP_SELECT[] =
        "040f00500000000600000100000000010020000affffffffffffffff0000000000000010000000010"
        "00000000000000000200014ffffffffffffffff0000000000000010000000020000000000000000";
/* add-group group_id=2,type=ff,bucket=watch_port:1,output:1,bucket=watch_port:2,
 * watch_group:1,output:2 */
static const char ADD_GROUP_FF[] =
        "040f00500000000600000300000000020020000000000001ffffffff000000000000001000000001"
        "00000000000000000020000000000002000000010000000000000010000000020000000000000000";
/* add-group group_id=3,type=indirect,bucket=set_field:00:00:00:00:00:01->eth_dst,
 * output:1 */
static const char ADD_GROUP_INDIRECT[] =
        "040f004000000006000002000000000300300000ffffffffffffffff0000000000190010800006060"
        "00000000001000000000010000000010000000000000000";
/* mod-group group_id=4,type=all,bucket=output:1 */
static const char MOD_GROUP[] =
        "040f003000000006000100000000000400200000ffffffffffffffff000000000000001000000001"
        "0000000000000000";
/* del-groups group_id=4; del-groups */
static const char DEL_GROUP[] = "040f0010000000060002000000000004";
static const char DEL_GROUPS[] = "040f00100000000600020000fffffffc";

/* add-meter meter=1,kbps,burst,stats,bands=type=drop,rate=1000,burst_size=100 */
static const char ADD_METER[] = "041d0020000000020000000d0000000100010010000003e80000006400000000";
/* add-meter meter=2,pktps,bands=type=dscp_remark,rate=50,prec_level=1 */
static const char ADD_METER_DSCP[] =
        "041d002000000002000000020000000200020010000000320000000001000000";
/* del-meters meter=2; del-meters */
static const char DEL_METER[] = "041d0010000000020002000000000002";
static const char DEL_METERS[] = "041d00100000000200020000ffffffff";

/* packet-out in_port=1 packet=ffffffffffff00000000000108000000 actions=output:2 */
static const char PACKET_OUT[] =
        "040d003800000006ffffffff00000001001000000000000000000010000000020000000000000000"
        "ffffffffffff00000000000108000000";
/* packet-out in_port=controller,...,actions=set_field:00:00:00:00:00:02->eth_src,
 * output:2 */
static const char PACKET_OUT_SET[] =
        "040d004800000006fffffffffffffffd00200000000000000019001080000806000000000002000000"
        "000010000000020000000000000000ffffffffffff00000000000108000000";

/* Multipart requests: table features, port desc, group desc, meter config
 * (all), group stats (all), queue (all), dump-flows. */
static const char MP_TABLE_FEATURES[] = "0412001000000002000c000000000000";
static const char MP_PORT_DESC[] = "0412001000000004000d000000000000";
static const char MP_GROUP_DESC[] = "04120010000000020007000000000000";
static const char MP_METER_CONFIG[] = "0412001800000002000a000000000000ffffffff00000000";
static const char MP_GROUP[] = "04120018000000060006000000000000fffffffc00000000";
static const char MP_QUEUE[] = "04120018000000020005000000000000ffffffffffffffff";
static const char MP_FLOW[] =
        "04120038000000020001000000000000ff000000ffffffffffffffff0000000000000000000000000"
        "0000000000000000001000400000000";

static const char *const ALL_VECTORS[] = {
        ADD_FLOW,           MOD_FLOWS,         MOD_FLOWS_COOKIE,
        MOD_FLOWS_STRICT,   DEL_FLOWS,         DEL_FLOWS_STRICT,
        DEL_FLOWS_OUT_PORT, ADD_GROUP_SELECT,  ADD_GROUP_FF,
        ADD_GROUP_INDIRECT, MOD_GROUP,         DEL_GROUP,
        DEL_GROUPS,         ADD_METER,         ADD_METER_DSCP,
        DEL_METER,          DEL_METERS,        PACKET_OUT,
        PACKET_OUT_SET,     MP_TABLE_FEATURES, MP_PORT_DESC,
        MP_GROUP_DESC,      MP_METER_CONFIG,   MP_GROUP,
        MP_QUEUE,           MP_FLOW,
};

/* ---- Header, framing, HELLO ---- */

static void test_header(void **state)
{
	uint8_t msg[16] = {4, OFPT_BARRIER_REQUEST, 0, 8, 0, 0, 0, 9};
	struct ofp_header oh;
	struct ofperr oe = {0};
	size_t n;

	(void)state;
	assert_int_equal(ofpmsg_check_header(msg, 8, &oh, &oe), 0);
	assert_false(oe.set);
	assert_int_equal(oh.type, OFPT_BARRIER_REQUEST);
	assert_int_equal(oh.xid, 9);
	assert_int_equal(oh.length, 8);

	memset(&oe, 0, sizeof oe);
	assert_ofperr(ofpmsg_check_header(msg, 7, &oh, &oe), oe, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
	memset(&oe, 0, sizeof oe);
	assert_ofperr(ofpmsg_check_header(msg, 9, &oh, &oe), oe, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
	assert_int_equal(oh.xid, 9); /* filled for the error reply */

	msg[0] = 1;
	memset(&oe, 0, sizeof oe);
	assert_ofperr(ofpmsg_check_header(msg, 8, &oh, &oe), oe, OFPET_BAD_REQUEST,
	              OFPBRC_BAD_VERSION);
	msg[1] = OFPT_HELLO; /* HELLO of any version passes */
	assert_int_equal(ofpmsg_check_header(msg, 8, &oh, NULL), 0);
	msg[0] = 4;
	msg[1] = 30;
	memset(&oe, 0, sizeof oe);
	assert_ofperr(ofpmsg_check_header(msg, 8, &oh, &oe), oe, OFPET_BAD_REQUEST,
	              OFPBRC_BAD_TYPE);

	assert_int_equal(ofpmsg_frame_len(msg, 7, &n, NULL), 0);
	assert_int_equal(n, 0);
	assert_int_equal(ofpmsg_frame_len(msg, 8, &n, NULL), 0);
	assert_int_equal(n, 8);
	msg[3] = 7;
	memset(&oe, 0, sizeof oe);
	assert_ofperr(ofpmsg_frame_len(msg, 8, &n, &oe), oe, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
	assert_string_equal(ofpmsg_type_name(OFPT_FLOW_MOD), "FLOW_MOD");
	assert_string_equal(ofpmsg_type_name(99), "UNKNOWN");
}

static void test_hello(void **state)
{
	struct ofpbuf b;
	struct ofperr oe = {0};
	uint8_t version;
	size_t len;
	uint8_t *p;

	(void)state;
	ofpbuf_init(&b, 64);
	ofpmsg_encode_hello(&b, 1);
	/* What ovs-ofctl sends as well: */
	p = hex("04000010000000010001000800000010", &len);
	assert_int_equal(b.size, len);
	assert_memory_equal(b.data, p, len);
	assert_int_equal(ofpmsg_decode_hello(p, len, &version, &oe), 0);
	assert_int_equal(version, 4);
	free(p);

	/* OpenFlow 1.0 + 1.5 bitmap only: no common version. */
	p = hex("06000010000000010001000800000042", &len);
	assert_ofperr(ofpmsg_decode_hello(p, len, &version, &oe), oe, OFPET_HELLO_FAILED,
	              OFPHFC_INCOMPATIBLE);
	free(p);
	/* No bitmap: min(1.0, 1.3) = 1.0: incompatible; 1.5: 1.3. */
	memset(&oe, 0, sizeof oe);
	p = hex("0100000800000001", &len);
	assert_ofperr(ofpmsg_decode_hello(p, len, &version, &oe), oe, OFPET_HELLO_FAILED,
	              OFPHFC_INCOMPATIBLE);
	p[0] = 6;
	assert_int_equal(ofpmsg_decode_hello(p, len, &version, NULL), 0);
	assert_int_equal(version, 4);
	free(p);
	/* Unknown element skipped, then the bitmap. */
	p = hex("04000018000000010007000500000000000100080000001e", &len);
	assert_int_equal(ofpmsg_decode_hello(p, len, &version, NULL), 0);
	assert_int_equal(version, 4);
	free(p);
	/* Element longer than the message. */
	memset(&oe, 0, sizeof oe);
	p = hex("04000010000000010001001000000010", &len);
	assert_ofperr(ofpmsg_decode_hello(p, len, &version, &oe), oe, OFPET_BAD_REQUEST,
	              OFPBRC_BAD_LEN);
	free(p);
	/* Bitmap of odd length. */
	memset(&oe, 0, sizeof oe);
	p = hex("04000010000000010001000700000010", &len);
	assert_ofperr(ofpmsg_decode_hello(p, len, &version, &oe), oe, OFPET_BAD_REQUEST,
	              OFPBRC_BAD_LEN);
	free(p);
	ofpbuf_uninit(&b);
}

/* ---- ERROR, ECHO, features, config, role, async ---- */

static void test_error_echo(void **state)
{
	uint8_t req[100];
	struct ofpbuf b;
	uint16_t type, code;
	const uint8_t *data;
	size_t data_len;
	struct ofperr oe = {0};
	uint32_t exp, exp_type;

	(void)state;
	for (size_t i = 0; i < sizeof req; i++)
		req[i] = (uint8_t)i;
	ofpbuf_init(&b, 0);
	ofpmsg_encode_error(&b, 77, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN, req, sizeof req);
	assert_int_equal(b.size, 12 + 64);
	assert_int_equal(rd16(b.data + 2), 12 + 64);
	assert_int_equal(rd32(b.data + 4), 77);
	assert_int_equal(ofpmsg_decode_error(b.data, b.size, &type, &code, &data, &data_len, NULL),
	                 0);
	assert_int_equal(type, OFPET_BAD_REQUEST);
	assert_int_equal(code, OFPBRC_BAD_LEN);
	assert_int_equal(data_len, 64);
	assert_memory_equal(data, req, 64);
	assert_int_equal(ofpmsg_decode_any(b.data, b.size, NULL), 0);
	assert_ofperr(ofpmsg_decode_error(b.data, 11, &type, &code, &data, &data_len, &oe), oe,
	              OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);

	/* Echo: same xid and payload. */
	req[0] = 4;
	req[1] = OFPT_ECHO_REQUEST;
	wr16(req + 2, 20);
	wr32(req + 4, 0xabcdef01);
	ofpmsg_encode_echo_reply(&b, req, 20);
	assert_int_equal(b.size, 20);
	assert_int_equal(b.data[1], OFPT_ECHO_REPLY);
	assert_int_equal(rd32(b.data + 4), 0xabcdef01);
	assert_memory_equal(b.data + 8, req + 8, 12);

	/* Experimenter. */
	memset(req, 0, 16);
	req[0] = 4;
	req[1] = OFPT_EXPERIMENTER;
	wr16(req + 2, 16);
	wr32(req + 8, 0x2320);
	wr32(req + 12, 7);
	assert_int_equal(ofpmsg_decode_experimenter(req, 16, &exp, &exp_type, NULL), 0);
	assert_int_equal(exp, 0x2320);
	assert_int_equal(exp_type, 7);
	memset(&oe, 0, sizeof oe);
	assert_ofperr(ofpmsg_decode_experimenter(req, 12, &exp, &exp_type, &oe), oe,
	              OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
	ofpbuf_uninit(&b);
}

static void test_features_config(void **state)
{
	struct ofpmsg_switch_config cfg = {OFPC_FRAG_DROP, 200}, out;
	struct ofperr oe = {0};
	struct ofpbuf b;

	(void)state;
	ofpbuf_init(&b, 0);
	ofpmsg_encode_features_reply(&b, 5, 0x0000aabbccddeeffull);
	assert_int_equal(b.size, 32);
	assert_int_equal(b.data[1], OFPT_FEATURES_REPLY);
	assert_int_equal(rd64(b.data + 8), 0x0000aabbccddeeffull);
	assert_int_equal(rd32(b.data + 16), 0); /* n_buffers */
	assert_int_equal(b.data[20], 64);       /* n_tables */
	assert_int_equal(b.data[21], 0);        /* auxiliary_id */
	assert_int_equal(rd32(b.data + 24), OFPMSG_CAPABILITIES);

	ofpmsg_encode_get_config_reply(&b, 6, &cfg);
	assert_int_equal(b.size, 12);
	/* SET_CONFIG has the same layout. */
	b.data[1] = OFPT_SET_CONFIG;
	assert_int_equal(ofpmsg_decode_set_config(b.data, b.size, &out, NULL), 0);
	assert_int_equal(out.flags, OFPC_FRAG_DROP);
	assert_int_equal(out.miss_send_len, 200);
	assert_ofperr(ofpmsg_decode_set_config(b.data, 11, &out, &oe), oe, OFPET_BAD_REQUEST,
	              OFPBRC_BAD_LEN);
	b.data[9] = OFPC_FRAG_REASM;
	memset(&oe, 0, sizeof oe);
	assert_ofperr(ofpmsg_decode_set_config(b.data, b.size, &out, &oe), oe,
	              OFPET_SWITCH_CONFIG_FAILED, OFPSCFC_BAD_FLAGS);
	b.data[9] = 0;
	b.data[8] = 0x80;
	memset(&oe, 0, sizeof oe);
	assert_ofperr(ofpmsg_decode_set_config(b.data, b.size, &out, &oe), oe,
	              OFPET_SWITCH_CONFIG_FAILED, OFPSCFC_BAD_FLAGS);
	ofpbuf_uninit(&b);
}

static void test_role_async(void **state)
{
	struct ofpmsg_role role = {OFPCR_ROLE_MASTER, 0x1122334455667788ull}, r;
	struct ofpmsg_async_config ac, ac2;
	struct ofperr oe = {0};
	struct ofpbuf b;

	(void)state;
	ofpbuf_init(&b, 0);
	ofpmsg_encode_role_reply(&b, 3, &role);
	assert_int_equal(b.size, 24);
	b.data[1] = OFPT_ROLE_REQUEST;
	assert_int_equal(ofpmsg_decode_role_request(b.data, b.size, &r, NULL), 0);
	assert_int_equal(r.role, OFPCR_ROLE_MASTER);
	assert_int_equal(r.generation_id, 0x1122334455667788ull);
	b.data[11] = 4;
	assert_ofperr(ofpmsg_decode_role_request(b.data, b.size, &r, &oe), oe,
	              OFPET_ROLE_REQUEST_FAILED, OFPRRFC_BAD_ROLE);
	memset(&oe, 0, sizeof oe);
	assert_ofperr(ofpmsg_decode_role_request(b.data, 16, &r, &oe), oe, OFPET_BAD_REQUEST,
	              OFPBRC_BAD_LEN);

	ofpmsg_async_config_default(&ac);
	assert_int_equal(ac.packet_in_mask[0], 3);
	assert_int_equal(ac.port_status_mask[1], 7);
	assert_int_equal(ac.flow_removed_mask[1], 0);
	ac.flow_removed_mask[1] = 0x5;
	ofpmsg_encode_get_async_reply(&b, 4, &ac);
	assert_int_equal(b.size, 32);
	b.data[1] = OFPT_SET_ASYNC;
	assert_int_equal(ofpmsg_decode_set_async(b.data, b.size, &ac2, NULL), 0);
	assert_memory_equal(&ac, &ac2, sizeof ac);
	memset(&oe, 0, sizeof oe);
	assert_ofperr(ofpmsg_decode_set_async(b.data, 28, &ac2, &oe), oe, OFPET_BAD_REQUEST,
	              OFPBRC_BAD_LEN);
	ofpbuf_uninit(&b);
}

/* ---- FLOW_MOD ---- */

static void decode_vector_flow(const char *vec, struct flow_text_mod *fm, enum flow_text_cmd *cmd,
                               bool *strict)
{
	struct errmsg err = {{0}};
	struct ofperr oe = {0};
	size_t len;
	uint8_t *p = hex(vec, &len);
	int error = ofpmsg_decode_flow_mod(p, len, fm, cmd, strict, &oe, &err);

	if (error)
		fail_msg("%s", err.msg);
	assert_false(oe.set);
	free(p);
}

static void assert_match_str(const struct match *m, const char *want)
{
	char *s = flow_text_format_match(m, -1, NULL);

	assert_string_equal(s, want);
	free(s);
}

static void test_flow_mod_vectors(void **state)
{
	struct flow_text_mod fm;
	enum flow_text_cmd cmd;
	bool strict;
	char *s;

	(void)state;
	decode_vector_flow(ADD_FLOW, &fm, &cmd, &strict);
	assert_int_equal(cmd, FLOW_TEXT_ADD);
	assert_false(strict);
	assert_int_equal(fm.table_id, 1);
	assert_int_equal(fm.priority, 5);
	assert_true(fm.has_priority);
	assert_int_equal(fm.new_cookie, 7);
	assert_int_equal(fm.cookie_mask, 0);
	assert_int_equal(fm.out_port, OFPP_ANY);
	assert_match_str(&fm.match, "ip,nw_dst=10.0.0.1");
	s = actions_str(fm.ofpacts, fm.ofpacts_len);
	assert_string_equal(s, "output:2");
	free(s);
	flow_text_mod_uninit(&fm);

	decode_vector_flow(MOD_FLOWS, &fm, &cmd, &strict);
	assert_int_equal(cmd, FLOW_TEXT_MODIFY);
	assert_false(strict);
	assert_int_equal(fm.table_id, 0);
	assert_false(fm.modify_cookie);
	assert_int_equal(fm.cookie_mask, 0);
	assert_match_str(&fm.match, "");
	s = actions_str(fm.ofpacts, fm.ofpacts_len);
	assert_string_equal(s, "output:3");
	free(s);
	flow_text_mod_uninit(&fm);

	decode_vector_flow(MOD_FLOWS_COOKIE, &fm, &cmd, &strict);
	assert_int_equal(fm.cookie, 5);
	assert_int_equal(fm.cookie_mask, UINT64_MAX);
	assert_false(fm.modify_cookie);
	flow_text_mod_uninit(&fm);

	decode_vector_flow(MOD_FLOWS_STRICT, &fm, &cmd, &strict);
	assert_int_equal(cmd, FLOW_TEXT_MODIFY);
	assert_true(strict);
	assert_int_equal(fm.priority, 5);
	flow_text_mod_uninit(&fm);

	decode_vector_flow(DEL_FLOWS, &fm, &cmd, &strict);
	assert_int_equal(cmd, FLOW_TEXT_DELETE);
	assert_false(strict);
	assert_int_equal(fm.table_id, FLOW_TEXT_TABLE_ALL);
	assert_int_equal(fm.ofpacts_len, 0);
	flow_text_mod_uninit(&fm);

	decode_vector_flow(DEL_FLOWS_STRICT, &fm, &cmd, &strict);
	assert_int_equal(cmd, FLOW_TEXT_DELETE);
	assert_true(strict);
	assert_int_equal(fm.priority, 5);
	assert_match_str(&fm.match, "ip");
	flow_text_mod_uninit(&fm);

	decode_vector_flow(DEL_FLOWS_OUT_PORT, &fm, &cmd, &strict);
	assert_int_equal(fm.out_port, 2);
	assert_int_equal(fm.out_group, OFPG_ANY);
	flow_text_mod_uninit(&fm);
}

/* Decodes 'p' expecting (type, code) and a message. */
static void expect_flow_mod_error(const uint8_t *p, size_t len, uint16_t type, uint16_t code)
{
	struct errmsg err = {{0}};
	struct ofperr oe = {0};
	struct flow_text_mod fm;
	enum flow_text_cmd cmd;
	bool strict;
	int error = ofpmsg_decode_flow_mod(p, len, &fm, &cmd, &strict, &oe, &err);

	assert_ofperr(error, oe, type, code);
	assert_true(err.msg[0] != '\0');
	flow_text_mod_uninit(&fm);
	assert_int_equal(ofpmsg_decode_any(p, len, NULL) < 0, true);
}

static void test_flow_mod_errors(void **state)
{
	size_t len;
	uint8_t *p = hex(ADD_FLOW, &len);

	(void)state;
	expect_flow_mod_error(p, 55, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
	p[25] = 5; /* command */
	expect_flow_mod_error(p, len, OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_COMMAND);
	p[25] = OFPFC_ADD;
	p[24] = 64; /* table */
	expect_flow_mod_error(p, len, OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_TABLE_ID);
	p[24] = OFPTT_ALL; /* only for delete */
	expect_flow_mod_error(p, len, OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_TABLE_ID);
	p[24] = 1;
	p[45] = 0x20; /* flags */
	expect_flow_mod_error(p, len, OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_FLAGS);
	p[45] = 0;
	wr32(p + 32, 5); /* buffer_id */
	expect_flow_mod_error(p, len, OFPET_BAD_REQUEST, OFPBRC_BUFFER_UNKNOWN);
	wr32(p + 32, OFP_NO_BUFFER);
	wr16(p + 48, 0); /* match type: standard */
	expect_flow_mod_error(p, len, OFPET_BAD_MATCH, OFPBMC_BAD_TYPE);
	wr16(p + 48, 1);
	p[51] = 0x40; /* match length beyond the message */
	expect_flow_mod_error(p, len, OFPET_BAD_MATCH, OFPBMC_BAD_LEN);
	p[51] = 0x12;
	wr16(p + 72, 9); /* instruction type 9 */
	expect_flow_mod_error(p, len, OFPET_BAD_INSTRUCTION, OFPBIC_UNKNOWN_INST);
	free(p);
}

/* Encodes a flow_mod from text (ADD) with extra ofpacts appended. */
static void encode_text_flow(struct ofpbuf *b, const char *text, const char *raw_actions,
                             uint8_t table_id)
{
	struct errmsg err = {{0}};
	struct flow_text_mod fm;
	struct ofpacts_buf ob;

	if (flow_text_parse(text, FLOW_TEXT_ADD, NULL, &fm, &err))
		fail_msg("%s", err.msg);
	fm.table_id = table_id;
	if (raw_actions) {
		ofpacts_buf_init(&ob);
		if (ofpacts_parse(raw_actions, NULL, &ob, &err))
			fail_msg("%s", err.msg);
		free(fm.ofpacts);
		fm.ofpacts = ofpacts_buf_steal(&ob, &fm.ofpacts_len);
		ofpacts_buf_uninit(&ob);
	}
	ofpmsg_encode_flow_mod(b, 1, FLOW_TEXT_ADD, false, &fm);
	flow_text_mod_uninit(&fm);
}

static void test_flow_mod_check(void **state)
{
	struct ofpbuf b;

	(void)state;
	ofpbuf_init(&b, 0);
	/* set_field:ip_dst without ip in the match. */
	encode_text_flow(&b, "in_port=1,actions=drop", "set_field:10.0.0.1->ip_dst,output:2", 0);
	expect_flow_mod_error(b.data, b.size, OFPET_BAD_ACTION, OFPBAC_MATCH_INCONSISTENT);
	/* goto_table backwards / to itself / past the last table. */
	encode_text_flow(&b, "actions=drop", "goto_table:2", 3);
	expect_flow_mod_error(b.data, b.size, OFPET_BAD_INSTRUCTION, OFPBIC_BAD_TABLE_ID);
	encode_text_flow(&b, "actions=drop", "goto_table:3", 3);
	expect_flow_mod_error(b.data, b.size, OFPET_BAD_INSTRUCTION, OFPBIC_BAD_TABLE_ID);
	encode_text_flow(&b, "actions=drop", "goto_table:64", 3);
	expect_flow_mod_error(b.data, b.size, OFPET_BAD_INSTRUCTION, OFPBIC_BAD_TABLE_ID);
	/* ... but forward is fine. */
	encode_text_flow(&b, "actions=drop", "goto_table:4", 3);
	assert_int_equal(ofpmsg_decode_any(b.data, b.size, NULL), 0);
	ofpbuf_uninit(&b);
}

static const char *const flow_round_trips[] = {
        "priority=100,ip,in_port=1,nw_dst=10.0.0.0/24,actions=output:2",
        "table=5,cookie=0x123,idle_timeout=10,hard_timeout=20,send_flow_rem,tcp,tp_dst=80,"
        "actions=set_field:00:11:22:33:44:55->eth_src,output:2",
        "priority=0,actions=drop",
        "dl_vlan=10,actions=pop_vlan,output:3",
        "ipv6,ipv6_src=2001:db8::/32,actions=meter:1,output:NORMAL,write_metadata:0x5/0xff,"
        "goto_table:7",
        "udp,reg0=5,actions=group:3",
        "arp,arp_op=1,actions=clear_actions,write_actions(output:CONTROLLER)",
};

static void test_flow_mod_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof flow_round_trips / sizeof *flow_round_trips; i++) {
		struct errmsg err = {{0}};
		struct flow_text_mod in, out;
		enum flow_text_cmd cmd;
		struct ofperr oe = {0};
		struct ofpbuf b;
		bool strict;

		if (flow_text_parse(flow_round_trips[i], FLOW_TEXT_ADD, NULL, &in, &err))
			fail_msg("%s: %s", flow_round_trips[i], err.msg);
		ofpbuf_init(&b, 0);
		ofpmsg_encode_flow_mod(&b, 42, FLOW_TEXT_ADD, false, &in);
		if (ofpmsg_decode_flow_mod(b.data, b.size, &out, &cmd, &strict, &oe, &err))
			fail_msg("%s: %s", flow_round_trips[i], err.msg);
		assert_int_equal(cmd, FLOW_TEXT_ADD);
		assert_memory_equal(&in.match, &out.match, sizeof in.match);
		assert_int_equal(in.priority, out.priority);
		assert_int_equal(in.table_id, out.table_id);
		assert_int_equal(in.new_cookie, out.new_cookie);
		assert_int_equal(in.idle_timeout, out.idle_timeout);
		assert_int_equal(in.hard_timeout, out.hard_timeout);
		assert_int_equal(in.flags, out.flags);
		assert_true(
		        ofpacts_equal(in.ofpacts, in.ofpacts_len, out.ofpacts, out.ofpacts_len));
		flow_text_mod_uninit(&in);
		flow_text_mod_uninit(&out);

		/* The same as DELETE_STRICT: match and priority survive. */
		if (flow_text_parse(flow_round_trips[i], FLOW_TEXT_ADD, NULL, &in, &err))
			fail_msg("%s", err.msg);
		in.cookie = 0x10;
		in.cookie_mask = 0xf0;
		in.out_port = 7;
		ofpmsg_encode_flow_mod(&b, 42, FLOW_TEXT_DELETE, true, &in);
		assert_int_equal(
		        ofpmsg_decode_flow_mod(b.data, b.size, &out, &cmd, &strict, NULL, NULL), 0);
		assert_int_equal(cmd, FLOW_TEXT_DELETE);
		assert_true(strict);
		assert_memory_equal(&in.match, &out.match, sizeof in.match);
		assert_int_equal(out.cookie, 0x10);
		assert_int_equal(out.cookie_mask, 0xf0);
		assert_int_equal(out.out_port, 7);
		assert_int_equal(out.ofpacts_len, 0);
		flow_text_mod_uninit(&in);
		flow_text_mod_uninit(&out);
		ofpbuf_uninit(&b);
	}
}

/* ---- GROUP_MOD, METER_MOD ---- */

static void format_group(const struct ofp_group_mod *gm, const char *want)
{
	struct strbuf sb;

	strbuf_init(&sb);
	ofp_group_format(gm, NULL, &sb);
	assert_string_equal(sb.s, want);
	strbuf_uninit(&sb);
}

static void decode_group_vec(const char *vec, struct ofp_group_mod *gm)
{
	struct errmsg err = {{0}};
	size_t len;
	uint8_t *p = hex(vec, &len);

	if (ofpmsg_decode_group_mod(p, len, gm, NULL, &err))
		fail_msg("%s", err.msg);
	free(p);
}

static void test_group_mod_vectors(void **state)
{
	struct ofp_group_mod gm;

	(void)state;
	decode_group_vec(ADD_GROUP_SELECT, &gm);
	assert_int_equal(gm.command, OFPGC_ADD);
	format_group(&gm, "group_id=1,type=select,bucket=weight:10,actions=output:1,"
	                  "bucket=weight:20,actions=output:2");
	ofp_group_mod_uninit(&gm);
	decode_group_vec(ADD_GROUP_FF, &gm);
	format_group(&gm, "group_id=2,type=ff,bucket=watch_port:1,actions=output:1,"
	                  "bucket=watch_port:2,watch_group:1,actions=output:2");
	ofp_group_mod_uninit(&gm);
	decode_group_vec(ADD_GROUP_INDIRECT, &gm);
	format_group(&gm, "group_id=3,type=indirect,bucket=actions=set_field:00:00:00:00:00:01->"
	                  "eth_dst,output:1");
	ofp_group_mod_uninit(&gm);
	decode_group_vec(MOD_GROUP, &gm);
	assert_int_equal(gm.command, OFPGC_MODIFY);
	format_group(&gm, "group_id=4,type=all,bucket=actions=output:1");
	ofp_group_mod_uninit(&gm);
	decode_group_vec(DEL_GROUP, &gm);
	assert_int_equal(gm.command, OFPGC_DELETE);
	assert_int_equal(gm.group_id, 4);
	ofp_group_mod_uninit(&gm);
	decode_group_vec(DEL_GROUPS, &gm);
	assert_int_equal(gm.group_id, OFPG_ALL);
	ofp_group_mod_uninit(&gm);
}

static void expect_group_error(const uint8_t *p, size_t len, uint16_t type, uint16_t code)
{
	struct errmsg err = {{0}};
	struct ofperr oe = {0};
	struct ofp_group_mod gm;

	assert_ofperr(ofpmsg_decode_group_mod(p, len, &gm, &oe, &err), oe, type, code);
	assert_true(err.msg[0] != '\0');
	ofp_group_mod_uninit(&gm);
}

static void test_group_mod_errors(void **state)
{
	size_t len;
	uint8_t *p = hex(ADD_GROUP_SELECT, &len);

	(void)state;
	expect_group_error(p, 15, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
	p[9] = 3; /* command */
	expect_group_error(p, len, OFPET_GROUP_MOD_FAILED, OFPGMFC_BAD_COMMAND);
	p[9] = 0;
	p[10] = 4; /* type */
	expect_group_error(p, len, OFPET_GROUP_MOD_FAILED, OFPGMFC_BAD_TYPE);
	p[10] = OFPGT_SELECT;
	wr32(p + 12, OFPG_ALL); /* only for delete */
	expect_group_error(p, len, OFPET_GROUP_MOD_FAILED, OFPGMFC_INVALID_GROUP);
	wr32(p + 12, 1);
	wr16(p + 16, 0x1c); /* bucket length not a multiple of 8 ... */
	expect_group_error(p, len, OFPET_GROUP_MOD_FAILED, OFPGMFC_BAD_BUCKET);
	wr16(p + 16, 0x08); /* ... too short ... */
	expect_group_error(p, len, OFPET_GROUP_MOD_FAILED, OFPGMFC_BAD_BUCKET);
	wr16(p + 16, 0x80); /* ... past the end */
	expect_group_error(p, len, OFPET_GROUP_MOD_FAILED, OFPGMFC_BAD_BUCKET);
	wr16(p + 16, 0x20);
	wr16(p + 32, 99); /* action type */
	expect_group_error(p, len, OFPET_BAD_ACTION, OFPBAC_BAD_TYPE);
	wr16(p + 32, 0);
	p[10] = OFPGT_INDIRECT; /* two buckets */
	expect_group_error(p, len, OFPET_GROUP_MOD_FAILED, OFPGMFC_BAD_BUCKET);
	p[10] = OFPGT_FF; /* no watch */
	expect_group_error(p, len, OFPET_GROUP_MOD_FAILED, OFPGMFC_BAD_WATCH);
	free(p);

	p = hex(ADD_GROUP_FF, &len);
	wr32(p + 20, OFPP_CONTROLLER); /* watch_port: not a port */
	expect_group_error(p, len, OFPET_GROUP_MOD_FAILED, OFPGMFC_BAD_WATCH);
	free(p);
}

static void test_group_mod_round_trip(void **state)
{
	static const char *const texts[] = {
	        "group_id=1,type=select,bucket=weight:10,output:1,bucket=weight:20,actions=output:"
	        "2",
	        "group_id=2,type=ff,bucket=watch_port:1,output:1,bucket=watch_group:7,output:2",
	        "group_id=3,type=indirect,bucket=actions=set_field:00:00:00:00:00:05->eth_dst,"
	        "output:1",
	        "group_id=4,type=all",
	        "group_id=5,type=all,bucket=output:1,bucket=output:2,bucket=actions=drop",
	};

	(void)state;
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		struct errmsg err = {{0}};
		struct ofp_group_mod in, out;
		struct strbuf a, b2;
		struct ofpbuf b;
		size_t ofs;

		if (ofp_group_mod_parse(texts[i], OFPGC_ADD, NULL, &in, &err))
			fail_msg("%s: %s", texts[i], err.msg);
		ofpbuf_init(&b, 0);
		ofpmsg_encode_group_mod(&b, 9, &in);
		if (ofpmsg_decode_group_mod(b.data, b.size, &out, NULL, &err))
			fail_msg("%s: %s", texts[i], err.msg);
		strbuf_init(&a);
		strbuf_init(&b2);
		ofp_group_format(&in, NULL, &a);
		ofp_group_format(&out, NULL, &b2);
		assert_string_equal(a.s, b2.s);
		strbuf_uninit(&a);
		strbuf_uninit(&b2);

		/* GROUP_DESC entry = the group_mod's type, id and buckets. */
		ofs = b.size;
		ofpmp_put_group_desc(&b, &in);
		assert_int_equal(rd16(b.data + ofs), b.size - ofs);
		assert_int_equal(b.data[ofs + 2], in.type);
		assert_int_equal(rd32(b.data + ofs + 4), in.group_id);
		assert_memory_equal(b.data + ofs + 8, b.data + 16, ofs - 16);
		ofp_group_mod_uninit(&in);
		ofp_group_mod_uninit(&out);
		ofpbuf_uninit(&b);
	}
}

static void test_meter_mod(void **state)
{
	struct errmsg err = {{0}};
	struct ofp_meter_mod mm;
	struct ofperr oe = {0};
	struct ofpbuf b;
	struct strbuf sb;
	size_t len;
	uint8_t *p;

	(void)state;
	p = hex(ADD_METER, &len);
	assert_int_equal(ofpmsg_decode_meter_mod(p, len, &mm, NULL, &err), 0);
	strbuf_init(&sb);
	ofp_meter_format(&mm, &sb);
	assert_string_equal(sb.s, "meter=1 kbps burst stats bands=\ntype=drop rate=1000 "
	                          "burst_size=100");
	strbuf_uninit(&sb);
	/* Encoding gives the same bytes as ovs-ofctl. */
	ofpbuf_init(&b, 0);
	ofpmsg_encode_meter_mod(&b, 2, &mm);
	assert_int_equal(b.size, len);
	assert_memory_equal(b.data, p, len);
	/* METER_CONFIG entry: the same bands. */
	ofpbuf_clear(&b);
	ofpmp_put_meter_config(&b, &mm);
	assert_int_equal(b.size, 8 + 16);
	assert_int_equal(rd16(b.data), 24);
	assert_int_equal(rd16(b.data + 2), mm.flags);
	assert_int_equal(rd32(b.data + 4), 1);
	assert_memory_equal(b.data + 8, p + 16, 16);

	/* Errors. */
	p[9] = 3;
	assert_ofperr(ofpmsg_decode_meter_mod(p, len, &mm, &oe, &err), oe, OFPET_METER_MOD_FAILED,
	              OFPMMFC_BAD_COMMAND);
	p[9] = 0;
	p[17] = 3; /* band type */
	memset(&oe, 0, sizeof oe);
	assert_ofperr(ofpmsg_decode_meter_mod(p, len, &mm, &oe, &err), oe, OFPET_METER_MOD_FAILED,
	              OFPMMFC_BAD_BAND);
	p[17] = 1;
	p[19] = 12; /* band length */
	memset(&oe, 0, sizeof oe);
	assert_ofperr(ofpmsg_decode_meter_mod(p, len, &mm, &oe, &err), oe, OFPET_METER_MOD_FAILED,
	              OFPMMFC_BAD_BAND);
	p[19] = 16;
	wr32(p + 20, 0); /* rate */
	memset(&oe, 0, sizeof oe);
	assert_ofperr(ofpmsg_decode_meter_mod(p, len, &mm, &oe, &err), oe, OFPET_METER_MOD_FAILED,
	              OFPMMFC_BAD_RATE);
	wr32(p + 20, 1000);
	p[11] = 0x0c; /* no kbps/pktps */
	memset(&oe, 0, sizeof oe);
	assert_ofperr(ofpmsg_decode_meter_mod(p, len, &mm, &oe, &err), oe, OFPET_METER_MOD_FAILED,
	              OFPMMFC_BAD_FLAGS);
	p[11] = 0x0d;
	wr32(p + 12, 0); /* meter 0 */
	memset(&oe, 0, sizeof oe);
	assert_ofperr(ofpmsg_decode_meter_mod(p, len, &mm, &oe, &err), oe, OFPET_METER_MOD_FAILED,
	              OFPMMFC_INVALID_METER);
	wr32(p + 12, 1);
	memset(&oe, 0, sizeof oe);
	assert_ofperr(ofpmsg_decode_meter_mod(p, 15, &mm, &oe, &err), oe, OFPET_BAD_REQUEST,
	              OFPBRC_BAD_LEN);
	memset(&oe, 0, sizeof oe);
	assert_ofperr(ofpmsg_decode_meter_mod(p, 20, &mm, &oe, &err), oe, OFPET_BAD_REQUEST,
	              OFPBRC_BAD_LEN);
	free(p);

	/* Nine bands. */
	{
		uint8_t big[16 + 9 * 16];

		memset(big, 0, sizeof big);
		big[0] = 4;
		big[1] = OFPT_METER_MOD;
		wr16(big + 2, sizeof big);
		wr16(big + 10, OFPMF_KBPS);
		wr32(big + 12, 1);
		for (int i = 0; i < 9; i++) {
			wr16(big + 16 + 16 * i, OFPMBT_DROP);
			wr16(big + 18 + 16 * i, 16);
			wr32(big + 20 + 16 * i, 10);
		}
		memset(&oe, 0, sizeof oe);
		assert_ofperr(ofpmsg_decode_meter_mod(big, sizeof big, &mm, &oe, &err), oe,
		              OFPET_METER_MOD_FAILED, OFPMMFC_OUT_OF_BANDS);
	}

	p = hex(ADD_METER_DSCP, &len);
	assert_int_equal(ofpmsg_decode_meter_mod(p, len, &mm, NULL, &err), 0);
	assert_int_equal(mm.bands[0].type, OFPMBT_DSCP_REMARK);
	assert_int_equal(mm.bands[0].prec_level, 1);
	ofpmsg_encode_meter_mod(&b, 2, &mm);
	assert_memory_equal(b.data, p, len);
	free(p);
	p = hex(DEL_METERS, &len);
	assert_int_equal(ofpmsg_decode_meter_mod(p, len, &mm, NULL, &err), 0);
	assert_int_equal(mm.command, OFPMC_DELETE);
	assert_int_equal(mm.meter_id, OFPM_ALL);
	ofpmsg_encode_meter_mod(&b, 2, &mm);
	assert_memory_equal(b.data, p, len);
	free(p);
	ofpbuf_uninit(&b);
}

/* ---- PORT_MOD, TABLE_MOD, PACKET_OUT ---- */

static void test_port_table_mod(void **state)
{
	struct ofpmsg_port_mod pm = {1, {0, 1, 2, 3, 4, 5}, OFPPC_PORT_DOWN, OFPPC_PORT_DOWN, 0},
	                       out;
	struct ofperr oe = {0};
	struct ofpbuf b;
	uint8_t tm[16] = {4, OFPT_TABLE_MOD, 0, 16};
	uint8_t table_id;
	uint32_t config;

	(void)state;
	ofpbuf_init(&b, 0);
	ofpmsg_encode_port_mod(&b, 1, &pm);
	assert_int_equal(b.size, 40);
	assert_int_equal(ofpmsg_decode_port_mod(b.data, b.size, &out, NULL), 0);
	assert_int_equal(out.port_no, 1);
	assert_memory_equal(out.hw_addr, pm.hw_addr, 6);
	assert_int_equal(out.config, OFPPC_PORT_DOWN);
	assert_int_equal(out.mask, OFPPC_PORT_DOWN);
	assert_int_equal(out.advertise, 0);
	assert_ofperr(ofpmsg_decode_port_mod(b.data, 32, &out, &oe), oe, OFPET_BAD_REQUEST,
	              OFPBRC_BAD_LEN);
	wr32(b.data + 8, OFPP_CONTROLLER);
	memset(&oe, 0, sizeof oe);
	assert_ofperr(ofpmsg_decode_port_mod(b.data, b.size, &out, &oe), oe, OFPET_PORT_MOD_FAILED,
	              OFPPMFC_BAD_PORT);
	wr32(b.data + 8, OFPP_LOCAL);
	assert_int_equal(ofpmsg_decode_port_mod(b.data, b.size, &out, NULL), 0);
	wr32(b.data + 28, 0x2); /* mask: a 1.0 bit */
	memset(&oe, 0, sizeof oe);
	assert_ofperr(ofpmsg_decode_port_mod(b.data, b.size, &out, &oe), oe, OFPET_PORT_MOD_FAILED,
	              OFPPMFC_BAD_CONFIG);
	wr32(b.data + 28, 0);
	wr32(b.data + 32, 0x10000); /* advertise */
	memset(&oe, 0, sizeof oe);
	assert_ofperr(ofpmsg_decode_port_mod(b.data, b.size, &out, &oe), oe, OFPET_PORT_MOD_FAILED,
	              OFPPMFC_BAD_ADVERTISE);
	ofpbuf_uninit(&b);

	assert_int_equal(ofpmsg_decode_table_mod(tm, 16, &table_id, &config, NULL), 0);
	tm[8] = OFPTT_ALL;
	tm[15] = 3; /* deprecated bits */
	assert_int_equal(ofpmsg_decode_table_mod(tm, 16, &table_id, &config, NULL), 0);
	assert_int_equal(table_id, OFPTT_ALL);
	assert_int_equal(config, 3);
	tm[15] = 4;
	memset(&oe, 0, sizeof oe);
	assert_ofperr(ofpmsg_decode_table_mod(tm, 16, &table_id, &config, &oe), oe,
	              OFPET_TABLE_MOD_FAILED, OFPTMFC_BAD_CONFIG);
	tm[15] = 0;
	tm[8] = 64;
	memset(&oe, 0, sizeof oe);
	assert_ofperr(ofpmsg_decode_table_mod(tm, 16, &table_id, &config, &oe), oe,
	              OFPET_TABLE_MOD_FAILED, OFPTMFC_BAD_TABLE);
	memset(&oe, 0, sizeof oe);
	assert_ofperr(ofpmsg_decode_table_mod(tm, 12, &table_id, &config, &oe), oe,
	              OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
}

static void expect_po_error(const uint8_t *p, size_t len, uint16_t type, uint16_t code)
{
	struct errmsg err = {{0}};
	struct ofpmsg_packet_out po;
	struct ofperr oe = {0};

	assert_ofperr(ofpmsg_decode_packet_out(p, len, &po, &oe, &err), oe, type, code);
	assert_true(err.msg[0] != '\0');
	ofpmsg_packet_out_uninit(&po);
}

static void test_packet_out(void **state)
{
	struct errmsg err = {{0}};
	struct ofpmsg_packet_out po;
	struct ofpbuf b;
	size_t len;
	uint8_t *p;
	char *s;

	(void)state;
	p = hex(PACKET_OUT, &len);
	if (ofpmsg_decode_packet_out(p, len, &po, NULL, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(po.in_port, 1);
	assert_int_equal(po.packet_len, 16);
	assert_ptr_equal(po.packet, p + len - 16);
	s = actions_str(po.ofpacts, po.ofpacts_len);
	assert_string_equal(s, "output:2");
	free(s);
	ofpbuf_init(&b, 0);
	ofpmsg_encode_packet_out(&b, 6, &po);
	assert_int_equal(b.size, len);
	assert_memory_equal(b.data, p, len);
	ofpmsg_packet_out_uninit(&po);
	ofpbuf_uninit(&b);

	expect_po_error(p, 23, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
	wr32(p + 8, 1); /* buffer_id */
	expect_po_error(p, len, OFPET_BAD_REQUEST, OFPBRC_BUFFER_UNKNOWN);
	wr32(p + 8, OFP_NO_BUFFER);
	wr32(p + 12, OFPP_FLOOD); /* in_port */
	expect_po_error(p, len, OFPET_BAD_REQUEST, OFPBRC_BAD_PORT);
	wr32(p + 12, 1);
	wr16(p + 16, 0x40); /* actions_len past the end */
	expect_po_error(p, len, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
	wr16(p + 16, 0x0c); /* not a multiple of 8 */
	expect_po_error(p, len, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
	wr16(p + 16, 0x10);
	expect_po_error(p, len - 16, OFPET_BAD_REQUEST, OFPBRC_BAD_PACKET);
	wr16(p + 24, 99); /* action type */
	expect_po_error(p, len, OFPET_BAD_ACTION, OFPBAC_BAD_TYPE);
	free(p);

	p = hex(PACKET_OUT_SET, &len);
	assert_int_equal(ofpmsg_decode_packet_out(p, len, &po, NULL, &err), 0);
	assert_int_equal(po.in_port, OFPP_CONTROLLER);
	ofpmsg_packet_out_uninit(&po);
	/* set_field of an IPv4 address on the (ARP-less, IPv4) packet is fine;
	 * on a non-IP packet it is not. */
	{
		struct ofpmsg_packet_out po2 = {0};
		struct ofpacts_buf ob;
		uint8_t pkt[14] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0,
		                   0,    0,    0,    0,    1,    0x88, 0xcc};

		ofpacts_buf_init(&ob);
		assert_int_equal(
		        ofpacts_parse("set_field:10.0.0.1->ip_dst,output:1", NULL, &ob, &err), 0);
		po2.ofpacts = ofpacts_buf_steal(&ob, &po2.ofpacts_len);
		ofpacts_buf_uninit(&ob);
		po2.in_port = OFPP_CONTROLLER;
		po2.packet = pkt;
		po2.packet_len = sizeof pkt;
		ofpbuf_init(&b, 0);
		ofpmsg_encode_packet_out(&b, 1, &po2);
		expect_po_error(b.data, b.size, OFPET_BAD_ACTION, OFPBAC_MATCH_INCONSISTENT);
		ofpmsg_packet_out_uninit(&po2);
		ofpbuf_uninit(&b);
	}
	free(p);
}

/* ---- Asynchronous messages ---- */

static void test_packet_in(void **state)
{
	uint8_t pkt[100];
	struct ofproto_packet_in pin;
	struct match m, want;
	struct ofpbuf b;
	size_t consumed, ofs;

	(void)state;
	for (size_t i = 0; i < sizeof pkt; i++)
		pkt[i] = (uint8_t)(i * 7);
	memset(&pin, 0, sizeof pin);
	pin.reason = OFPROTO_PIN_ACTION;
	pin.table_id = 3;
	pin.cookie = 0xfeed;
	pin.flow.in_port = 5;
	pin.flow.regs[2] = 0x77;
	pin.flow.metadata = 0x1234;
	pin.packet = pkt;
	pin.packet_len = sizeof pkt;
	ofpbuf_init(&b, 0);
	ofpmsg_encode_packet_in(&b, 0, &pin, 40);
	assert_int_equal(b.data[1], OFPT_PACKET_IN);
	assert_int_equal(rd16(b.data + 2), b.size);
	assert_int_equal(rd32(b.data + 8), OFP_NO_BUFFER);
	assert_int_equal(rd16(b.data + 12), 100);
	assert_int_equal(b.data[14], OFPR_ACTION);
	assert_int_equal(b.data[15], 3);
	assert_int_equal(rd64(b.data + 16), 0xfeed);
	assert_int_equal(oxm_match_decode(b.data + 24, b.size - 24, &m, &consumed, NULL), 0);
	assert_int_equal(
	        flow_text_parse_match("in_port=5,metadata=0x1234,reg2=0x77", NULL, &want, NULL), 0);
	assert_memory_equal(&m, &want, sizeof m);
	ofs = 24 + consumed;
	assert_int_equal(b.data[ofs], 0);
	assert_int_equal(b.data[ofs + 1], 0);
	assert_int_equal(b.size - ofs - 2, 40);
	assert_memory_equal(b.data + ofs + 2, pkt, 40);
	/* NO_BUFFER: the whole packet; the reasons map. */
	pin.reason = OFPROTO_PIN_NO_MATCH;
	ofpmsg_encode_packet_in(&b, 0, &pin, OFPCML_NO_BUFFER);
	assert_int_equal(b.data[14], OFPR_NO_MATCH);
	assert_memory_equal(b.data + b.size - 100, pkt, 100);
	assert_int_equal(ofpmsg_decode_any(b.data, b.size, NULL), 0);
	ofpbuf_uninit(&b);
}

static void test_flow_removed_port_status(void **state)
{
	struct ofproto_flow_removed fr;
	struct ofproto_port_desc d, d2;
	struct match m;
	struct ofpbuf b;
	size_t consumed;

	(void)state;
	memset(&fr, 0, sizeof fr);
	fr.reason = 4; /* meter delete: sent as DELETE */
	fr.table_id = 2;
	fr.priority = 300;
	fr.cookie = 0xabc;
	fr.idle_timeout = 10;
	fr.hard_timeout = 20;
	fr.duration_sec = 5;
	fr.duration_nsec = 6;
	fr.packets = 7;
	fr.bytes = 8;
	assert_int_equal(flow_text_parse_match("tcp,tp_dst=22", NULL, &fr.match, NULL), 0);
	ofpbuf_init(&b, 0);
	ofpmsg_encode_flow_removed(&b, 0, &fr);
	assert_int_equal(b.data[1], OFPT_FLOW_REMOVED);
	assert_int_equal(rd64(b.data + 8), 0xabc);
	assert_int_equal(rd16(b.data + 16), 300);
	assert_int_equal(b.data[18], OFPRR_DELETE);
	assert_int_equal(b.data[19], 2);
	assert_int_equal(rd32(b.data + 20), 5);
	assert_int_equal(rd32(b.data + 24), 6);
	assert_int_equal(rd16(b.data + 28), 10);
	assert_int_equal(rd16(b.data + 30), 20);
	assert_int_equal(rd64(b.data + 32), 7);
	assert_int_equal(rd64(b.data + 40), 8);
	assert_int_equal(oxm_match_decode(b.data + 48, b.size - 48, &m, &consumed, NULL), 0);
	assert_int_equal(48 + consumed, b.size);
	assert_memory_equal(&m, &fr.match, sizeof m);

	memset(&d, 0, sizeof d);
	d.port_no = 3;
	memcpy(d.hw_addr, "\x02\x00\x00\x00\x00\x03", 6);
	strcpy(d.name, "veth-long-name1");
	d.config = OFPPC_NO_FWD;
	d.state = OFPPS_LIVE;
	d.curr_speed = d.max_speed = 10000000;
	ofpmsg_encode_port_status(&b, 0, OFPPR_MODIFY, &d);
	assert_int_equal(b.size, 80);
	assert_int_equal(b.data[8], OFPPR_MODIFY);
	assert_int_equal(rd32(b.data + 16 + 40), OFPPF_10GB_FD | OFPPF_COPPER); /* curr */
	ofp_port_decode(b.data + 16, &d2);
	assert_memory_equal(&d, &d2, sizeof d);
	ofpbuf_uninit(&b);
}

/* ---- Multipart ---- */

static void test_multipart_requests(void **state)
{
	struct flow_text_mod filter;
	struct ofperr oe = {0};
	const uint8_t *body;
	uint16_t type, flags;
	size_t len, body_len;
	uint32_t a, c;
	uint8_t *p;

	(void)state;
	p = hex(MP_METER_CONFIG, &len);
	assert_int_equal(ofpmp_decode_request(p, len, &type, &flags, &body, &body_len, NULL), 0);
	assert_int_equal(type, OFPMP_METER_CONFIG);
	assert_int_equal(body_len, 8);
	assert_int_equal(ofpmp_decode_meter_request(body, body_len, &a, NULL), 0);
	assert_int_equal(a, OFPM_ALL);
	assert_ofperr(ofpmp_decode_meter_request(body, 4, &a, &oe), oe, OFPET_BAD_REQUEST,
	              OFPBRC_BAD_LEN);
	free(p);

	p = hex(MP_QUEUE, &len);
	assert_int_equal(ofpmp_decode_request(p, len, &type, &flags, &body, &body_len, NULL), 0);
	assert_int_equal(ofpmp_decode_queue_request(body, body_len, &a, &c, NULL), 0);
	assert_int_equal(a, OFPP_ANY);
	assert_int_equal(c, OFPQ_ALL);
	free(p);

	p = hex(MP_GROUP, &len);
	assert_int_equal(ofpmp_decode_request(p, len, &type, &flags, &body, &body_len, NULL), 0);
	assert_int_equal(ofpmp_decode_group_request(body, body_len, &a, NULL), 0);
	assert_int_equal(a, OFPG_ALL);
	free(p);

	p = hex(MP_FLOW, &len);
	assert_int_equal(ofpmp_decode_request(p, len, &type, &flags, &body, &body_len, NULL), 0);
	assert_int_equal(type, OFPMP_FLOW);
	assert_int_equal(ofpmp_decode_flow_request(body, body_len, &filter, NULL, NULL), 0);
	assert_int_equal(filter.table_id, FLOW_TEXT_TABLE_ALL);
	assert_int_equal(filter.out_port, OFPP_ANY);
	assert_int_equal(filter.out_group, OFPG_ANY);
	assert_int_equal(filter.cookie_mask, 0);
	assert_false(filter.has_priority);
	flow_text_mod_uninit(&filter);
	/* Bad table, trailing bytes, short. */
	((uint8_t *)body)[0] = 64;
	memset(&oe, 0, sizeof oe);
	assert_ofperr(ofpmp_decode_flow_request(body, body_len, &filter, &oe, NULL), oe,
	              OFPET_BAD_REQUEST, OFPBRC_BAD_TABLE_ID);
	flow_text_mod_uninit(&filter);
	((uint8_t *)body)[0] = 0xff;
	memset(&oe, 0, sizeof oe);
	assert_ofperr(ofpmp_decode_flow_request(body, 39, &filter, &oe, NULL), oe,
	              OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
	flow_text_mod_uninit(&filter);
	{
		/* 8 bytes after the match. */
		uint8_t big[64];

		memset(big, 0, sizeof big);
		memcpy(big, body, 40);
		memset(&oe, 0, sizeof oe);
		assert_ofperr(ofpmp_decode_flow_request(big, 48, &filter, &oe, NULL), oe,
		              OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
		flow_text_mod_uninit(&filter);
	}
	free(p);

	/* Unknown type, experimenter, short. */
	p = hex(MP_TABLE_FEATURES, &len);
	assert_int_equal(ofpmp_decode_request(p, len, &type, &flags, &body, &body_len, NULL), 0);
	assert_int_equal(ofpmp_decode_table_features_request(body, body_len, NULL), 0);
	memset(&oe, 0, sizeof oe);
	assert_int_equal(ofpmp_decode_table_features_request(p, 8, &oe), -EOPNOTSUPP);
	assert_int_equal(oe.type, OFPET_TABLE_FEATURES_FAILED);
	assert_int_equal(oe.code, OFPTFFC_EPERM);
	p[9] = 14;
	memset(&oe, 0, sizeof oe);
	assert_ofperr(ofpmp_decode_request(p, len, &type, &flags, &body, &body_len, &oe), oe,
	              OFPET_BAD_REQUEST, OFPBRC_BAD_MULTIPART);
	p[8] = p[9] = 0xff;
	memset(&oe, 0, sizeof oe);
	assert_ofperr(ofpmp_decode_request(p, len, &type, &flags, &body, &body_len, &oe), oe,
	              OFPET_BAD_REQUEST, OFPBRC_BAD_EXPERIMENTER);
	memset(&oe, 0, sizeof oe);
	assert_ofperr(ofpmp_decode_request(p, 12, &type, &flags, &body, &body_len, &oe), oe,
	              OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
	memset(&oe, 0, sizeof oe);
	assert_ofperr(ofpmp_decode_empty_request(p, 1, &oe), oe, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
	free(p);

	/* Round trip of a flow request with a match and cookie filter. */
	{
		struct flow_text_mod in;
		struct ofpbuf b;

		assert_int_equal(
		        flow_text_parse("table=3,cookie=0x10/0xf0,out_port=2,udp,tp_src=53",
		                        FLOW_TEXT_MATCH, NULL, &in, NULL),
		        0);
		ofpbuf_init(&b, 0);
		ofpmp_encode_flow_request(&b, 1, OFPMP_AGGREGATE, &in);
		assert_int_equal(
		        ofpmp_decode_request(b.data, b.size, &type, &flags, &body, &body_len, NULL),
		        0);
		assert_int_equal(type, OFPMP_AGGREGATE);
		assert_int_equal(ofpmp_decode_flow_request(body, body_len, &filter, NULL, NULL), 0);
		assert_memory_equal(&in.match, &filter.match, sizeof in.match);
		assert_int_equal(filter.table_id, 3);
		assert_int_equal(filter.cookie, 0x10);
		assert_int_equal(filter.cookie_mask, 0xf0);
		assert_int_equal(filter.out_port, 2);
		flow_text_mod_uninit(&in);
		flow_text_mod_uninit(&filter);
		ofpbuf_uninit(&b);
	}
}

static void test_multipart_bodies(void **state)
{
	struct ofproto_rule_info r;
	struct ofproto_table_stats ts = {5, 100, 90};
	struct ofp_group_stats gs;
	struct ofp_meter_stats ms;
	struct ofpmp_desc desc = {"Patchbay", "hw", "sw", "serial", "dp"};
	struct ofpmp_table_features tf;
	const uint32_t insts[] = {1, 4}, tables[] = {1, 2, 3}, oxms[] = {0x80000004};
	struct ofpbuf b;
	size_t consumed;
	struct match m;

	(void)state;
	ofpbuf_init(&b, 0);
	ofpmp_put_desc(&b, &desc);
	assert_int_equal(b.size, 1056);
	assert_string_equal((char *)b.data, "Patchbay");
	assert_string_equal((char *)b.data + 800, "dp");

	ofpbuf_clear(&b);
	memset(&r, 0, sizeof r);
	r.table_id = 2;
	r.priority = 10;
	r.cookie = 0x99;
	r.packets = 3;
	r.bytes = 4;
	r.flags = OFPFF_SEND_FLOW_REM;
	assert_int_equal(flow_text_parse_match("ip,nw_src=1.2.3.4", NULL, &r.match, NULL), 0);
	{
		struct ofpacts_buf ob;

		ofpacts_buf_init(&ob);
		assert_int_equal(ofpacts_parse("output:1,goto_table:5", NULL, &ob, NULL), 0);
		r.ofpacts = ofpacts_buf_steal(&ob, &r.ofpacts_len);
		ofpacts_buf_uninit(&ob);
	}
	ofpmp_put_flow_stats(&b, &r);
	assert_int_equal(rd16(b.data), b.size);
	assert_int_equal(b.data[2], 2);
	assert_int_equal(rd16(b.data + 12), 10);
	assert_int_equal(rd16(b.data + 18), OFPFF_SEND_FLOW_REM);
	assert_int_equal(rd64(b.data + 24), 0x99);
	assert_int_equal(rd64(b.data + 32), 3);
	assert_int_equal(rd64(b.data + 40), 4);
	assert_int_equal(oxm_match_decode(b.data + 48, b.size - 48, &m, &consumed, NULL), 0);
	assert_memory_equal(&m, &r.match, sizeof m);
	{
		struct ofpacts_buf ob;
		struct ofpact *a;
		size_t alen;

		ofpacts_buf_init(&ob);
		assert_int_equal(ofpacts_decode_instructions(b.data + 48 + consumed,
		                                             b.size - 48 - consumed, &ob, NULL),
		                 0);
		a = ofpacts_buf_steal(&ob, &alen);
		ofpacts_buf_uninit(&ob);
		assert_true(ofpacts_equal(a, alen, r.ofpacts, r.ofpacts_len));
		free(a);
	}
	free(r.ofpacts);

	ofpbuf_clear(&b);
	ofpmp_put_aggregate(&b, 1, 2, 3);
	assert_int_equal(b.size, 24);
	assert_int_equal(rd32(b.data + 16), 3);
	ofpbuf_clear(&b);
	ofpmp_put_table_stats(&b, 7, &ts);
	assert_int_equal(b.size, 24);
	assert_int_equal(b.data[0], 7);
	assert_int_equal(rd32(b.data + 4), 5);
	assert_int_equal(rd64(b.data + 16), 90);

	/* Table features: 14 properties, each padded to 8. */
	ofpbuf_clear(&b);
	memset(&tf, 0, sizeof tf);
	tf.table_id = 1;
	tf.name = "table1";
	tf.max_entries = 1000;
	tf.props[OFPTFPT_INSTRUCTIONS] = (struct ofpmp_tf_ids){insts, 2};
	tf.props[OFPTFPT_NEXT_TABLES] = (struct ofpmp_tf_ids){tables, 3};
	tf.props[OFPTFPT_MATCH] = (struct ofpmp_tf_ids){oxms, 1};
	ofpmp_put_table_features(&b, &tf);
	assert_int_equal(rd16(b.data), b.size);
	assert_int_equal(b.size % 8, 0);
	/* instructions: 4 + 2 * 4 = 12 -> 16; next_tables 4 + 3 = 7 -> 8; match 8;
	 * 11 empty ones 8 each. */
	assert_int_equal(b.size, 64 + 16 + 8 + 8 + 11 * 8);
	assert_int_equal(rd16(b.data + 64), OFPTFPT_INSTRUCTIONS);
	assert_int_equal(rd16(b.data + 66), 12);
	assert_int_equal(rd16(b.data + 68), 1);
	assert_int_equal(rd16(b.data + 70), 4);
	assert_int_equal(rd16(b.data + 72), 4);
	assert_int_equal(rd16(b.data + 80), OFPTFPT_INSTRUCTIONS_MISS);
	assert_int_equal(rd16(b.data + 82), 4);
	assert_int_equal(rd16(b.data + 88), OFPTFPT_NEXT_TABLES);
	assert_int_equal(rd16(b.data + 90), 7);
	assert_int_equal(b.data[93], 2);
	assert_int_equal(b.data[94], 3);

	ofpbuf_clear(&b);
	memset(&gs, 0, sizeof gs);
	gs.group_id = 9;
	gs.n_buckets = 2;
	gs.buckets[1].bytes = 55;
	ofpmp_put_group_stats(&b, &gs);
	assert_int_equal(b.size, 40 + 32);
	assert_int_equal(rd16(b.data), 72);
	assert_int_equal(rd64(b.data + 40 + 16 + 8), 55);

	ofpbuf_clear(&b);
	memset(&ms, 0, sizeof ms);
	ms.meter_id = 4;
	ms.n_bands = 1;
	ms.bands[0].packets = 12;
	ofpmp_put_meter_stats(&b, &ms);
	assert_int_equal(b.size, 56);
	assert_int_equal(rd32(b.data), 4);
	assert_int_equal(rd16(b.data + 4), 56);
	assert_int_equal(rd64(b.data + 40), 12);

	ofpbuf_clear(&b);
	{
		struct ofpmp_group_features gf = {0xf, 0x5, {1, 2, 3, 4}, {5, 6, 7, 8}};
		struct ofpmp_meter_features mf = {65536, 6, 0xf, 8, 0};
		struct ofpmp_port_stats ps = {.port_no = 1, .rx_packets = 10, .collisions = 9};
		struct ofpmp_queue_stats qs = {.port_no = 1, .queue_id = 2, .tx_errors = 3};

		ofpmp_put_group_features(&b, &gf);
		assert_int_equal(b.size, 40);
		assert_int_equal(rd32(b.data + 36), 8);
		ofpbuf_clear(&b);
		ofpmp_put_meter_features(&b, &mf);
		assert_int_equal(b.size, 16);
		assert_int_equal(rd32(b.data), 65536);
		assert_int_equal(b.data[12], 8);
		ofpbuf_clear(&b);
		ofpmp_put_port_stats(&b, &ps);
		assert_int_equal(b.size, 112);
		assert_int_equal(rd64(b.data + 8), 10);
		assert_int_equal(rd64(b.data + 96), 9);
		ofpbuf_clear(&b);
		ofpmp_put_queue_stats(&b, &qs);
		assert_int_equal(b.size, 40);
		assert_int_equal(rd64(b.data + 24), 3);
	}
	ofpbuf_uninit(&b);
}

static void free_msgs(struct ofpbuf *msgs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ofpbuf_uninit(&msgs[i]);
	free(msgs);
}

static void test_reply_split(void **state)
{
	struct ofpmp_port_stats ps;
	struct ofpbuf body, *msgs = NULL;
	struct ofperr oe = {0};
	size_t n = 0, total = 0;

	(void)state;
	ofpbuf_init(&body, 0);
	/* Empty body: one empty reply. */
	assert_int_equal(ofpmp_reply_split(OFPMP_PORT_STATS, 5, &body, &msgs, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(msgs[0].size, 16);
	assert_int_equal(rd16(msgs[0].data + 8), OFPMP_PORT_STATS);
	assert_int_equal(rd16(msgs[0].data + 10), 0);
	free_msgs(msgs, n);
	msgs = NULL;
	n = 0;

	/* 1000 port stats = 112000 bytes: two replies of whole entries. */
	memset(&ps, 0, sizeof ps);
	for (uint32_t i = 0; i < 1000; i++) {
		ps.port_no = i;
		ofpmp_put_port_stats(&body, &ps);
	}
	assert_int_equal(ofpmp_reply_split(OFPMP_PORT_STATS, 5, &body, &msgs, &n, NULL), 0);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		struct ofp_header oh;

		assert_int_equal(ofpmsg_check_header(msgs[i].data, msgs[i].size, &oh, NULL), 0);
		assert_int_equal(oh.type, OFPT_MULTIPART_REPLY);
		assert_int_equal(oh.xid, 5);
		assert_int_equal(rd16(msgs[i].data + 10), i == 0 ? OFPMPF_REPLY_MORE : 0);
		assert_int_equal((msgs[i].size - 16) % 112, 0);
		total += msgs[i].size - 16;
	}
	assert_int_equal(total, 112000);
	assert_int_equal(rd32(msgs[1].data + 16), (msgs[0].size - 16) / 112);
	free_msgs(msgs, n);
	msgs = NULL;
	n = 0;

	/* Variable entries (group stats, 40 + 16 * n bytes). */
	ofpbuf_clear(&body);
	total = 0;
	for (uint32_t i = 0; i < 3000; i++) {
		struct ofp_group_stats gs;

		memset(&gs, 0, sizeof gs);
		gs.group_id = i;
		gs.n_buckets = i % 5;
		ofpmp_put_group_stats(&body, &gs);
	}
	assert_int_equal(ofpmp_reply_split(OFPMP_GROUP, 6, &body, &msgs, &n, NULL), 0);
	assert_true(n >= 3);
	for (size_t i = 0; i < n; i++) {
		size_t ofs = 16;

		assert_true(msgs[i].size <= 65535);
		while (ofs < msgs[i].size)
			ofs += rd16(msgs[i].data + ofs);
		assert_int_equal(ofs, msgs[i].size);
		total += msgs[i].size - 16;
	}
	assert_int_equal(total, body.size);
	free_msgs(msgs, n);
	msgs = NULL;
	n = 0;

	/* Malformed: an entry claiming more than is there; nothing appended. */
	body.data[0] = 0xff;
	assert_int_equal(ofpmp_reply_split(OFPMP_GROUP, 6, &body, &msgs, &n, &oe), -EINVAL);
	assert_int_equal(n, 0);
	ofpbuf_clear(&body);
	ofpbuf_put_zeros(&body, 100); /* not a multiple of 112 */
	assert_int_equal(ofpmp_reply_split(OFPMP_PORT_STATS, 6, &body, &msgs, &n, &oe), -EINVAL);
	assert_int_equal(n, 0);
	free(msgs);
	ofpbuf_uninit(&body);
}

/* ---- decode_any ---- */

static void test_decode_any(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof ALL_VECTORS / sizeof *ALL_VECTORS; i++) {
		struct ofperr oe = {0};
		size_t len;
		uint8_t *p = hex(ALL_VECTORS[i], &len);

		if (ofpmsg_decode_any(p, len, &oe))
			fail_msg("vector %zu: error %u/%u", i, oe.type, oe.code);
		/* Every truncation (with the header's length fixed up) is
		 * refused or accepted without reading past the end. */
		for (size_t cut = 0; cut < len; cut++) {
			uint8_t *q = malloc(cut ? cut : 1);

			memcpy(q, p, cut);
			if (cut >= 4)
				wr16(q + 2, (uint16_t)cut);
			(void)ofpmsg_decode_any(q, cut, NULL);
			free(q);
		}
		free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_header),
	        cmocka_unit_test(test_hello),
	        cmocka_unit_test(test_error_echo),
	        cmocka_unit_test(test_features_config),
	        cmocka_unit_test(test_role_async),
	        cmocka_unit_test(test_flow_mod_vectors),
	        cmocka_unit_test(test_flow_mod_errors),
	        cmocka_unit_test(test_flow_mod_check),
	        cmocka_unit_test(test_flow_mod_round_trip),
	        cmocka_unit_test(test_group_mod_vectors),
	        cmocka_unit_test(test_group_mod_errors),
	        cmocka_unit_test(test_group_mod_round_trip),
	        cmocka_unit_test(test_meter_mod),
	        cmocka_unit_test(test_port_table_mod),
	        cmocka_unit_test(test_packet_out),
	        cmocka_unit_test(test_packet_in),
	        cmocka_unit_test(test_flow_removed_port_status),
	        cmocka_unit_test(test_multipart_requests),
	        cmocka_unit_test(test_multipart_bodies),
	        cmocka_unit_test(test_reply_split),
	        cmocka_unit_test(test_decode_any),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
