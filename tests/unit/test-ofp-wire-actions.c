/* test-ofp-wire-actions.c - unit tests for the OpenFlow 1.3 action and
 * instruction codec: round trips of lists parsed from ovs-ofctl action
 * syntax, instructions captured from ovs-ofctl -O OpenFlow13 add-flow, the
 * exact wire form of each action, and every OFPBAC_* / OFPBIC_* error path
 * with hand-built bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "openflow/ofp-actions.h"
#include "openflow/ofp-errors.h"
#include "openflow/ofp-wire-actions.h"
#include "ofp-text-fixture.h"

static void parse_actions(const char *s, struct ofpacts_buf *b)
{
	struct errmsg err;

	ofpacts_buf_init(b);
	if (ofpacts_parse(s, NULL, b, &err))
		fail_msg("'%s': %s", s, err.msg);
}

static char *format(const struct ofpacts_buf *b)
{
	return ofpacts_to_string((const struct ofpact *)(const void *)b->data, b->size, NULL);
}

/* Action strings and what they read back as after encode + decode (NULL:
 * the very same list). */
static const struct {
	const char *in;
	const char *out;
} round_trips[] = {
        {"drop", NULL},
        {"output:1", NULL},
        {"output:1,output:2,NORMAL,FLOOD,ALL,LOCAL,IN_PORT", NULL},
        {"CONTROLLER:128", NULL},
        {"controller", NULL},
        {"group:7", NULL},
        {"push_vlan:0x8100,set_field:4101->vlan_vid,set_field:3->vlan_pcp", NULL},
        {"push_vlan:0x88a8,pop_vlan", NULL},
        {"mod_nw_ttl:9,dec_ttl,copy_ttl_out,copy_ttl_in", NULL},
        {"set_field:00:11:22:33:44:55->eth_src,set_field:10.0.0.1->ip_dst", NULL},
        {"set_field:fe80::1->ipv6_src,set_field:0x12345->ipv6_label", NULL},
        {"set_field:5->reg0,set_field:0x1234->tun_id,set_field:1.2.3.4->tun_src", NULL},
        {"set_field:80->tcp_dst,set_field:53->udp_src,set_field:9->sctp_src", NULL},
        {"set_field:8->nw_tos,set_field:2->ip_ecn,set_field:10->ip_dscp,set_field:7->nw_ttl", NULL},
        {"set_field:3->icmp_type,set_field:1->icmpv6_code,set_field:fe80::2->nd_target", NULL},
        {"set_field:0x1/0x1->reg0,set_field:0x500/0xff00->tun_id", NULL},
        {"set_field:10.0.0.0/255.0.0.0->ip_src", NULL},
        {"meter:3,output:1,clear_actions,write_actions(output:2,set_field:7->vlan_pcp),"
         "write_metadata:0x5/0xff,goto_table:3",
         NULL},
        {"write_actions(group:1,dec_ttl,set_field:1->reg1,set_field:2->reg2)", NULL},
        {"write_metadata:0x1234", NULL},
        {"goto_table:254", NULL},
        {"meter:1", NULL},
        {"write_actions()", NULL},
        /* Legacy spellings come back in their OpenFlow 1.3 form. */
        {"mod_vlan_vid:5,mod_vlan_pcp:2", "set_field:4101->vlan_vid,set_field:2->vlan_pcp"},
        {"strip_vlan,mod_dl_src:00:00:00:00:00:01",
         "pop_vlan,set_field:00:00:00:00:00:01->eth_src"},
        {"mod_nw_dst:1.2.3.4,mod_tp_dst:80", "set_field:1.2.3.4->ip_dst,set_field:80->tcp_dst"},
        {"set_field:5->vlan_vid", "set_field:4101->vlan_vid"},
};

static void test_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(round_trips); i++) {
		struct ofpacts_buf in, out;
		struct ofpbuf wire;
		struct ofperr oe = {0};
		char name[40];

		parse_actions(round_trips[i].in, &in);
		ofpbuf_init(&wire, 64);
		ofpacts_encode_instructions((const struct ofpact *)(const void *)in.data, in.size,
		                            &wire);
		assert_int_equal(wire.size % 8, 0);
		ofpacts_buf_init(&out);
		if (ofpacts_decode_instructions(wire.data, wire.size, &out, &oe))
			fail_msg("'%s': %s", round_trips[i].in,
			         ofperr_name(oe.type, oe.code, name));
		if (round_trips[i].out) {
			char *s = format(&out);

			if (strcmp(s, round_trips[i].out))
				fail_msg("'%s' came back as '%s'", round_trips[i].in, s);
			free(s);
		} else if (!ofpacts_equal((const struct ofpact *)(const void *)in.data, in.size,
		                          (const struct ofpact *)(const void *)out.data,
		                          out.size)) {
			char *s = format(&out);

			fail_msg("'%s' came back as '%s'", round_trips[i].in, s);
		}
		ofpbuf_uninit(&wire);
		ofpacts_buf_uninit(&in);
		ofpacts_buf_uninit(&out);
	}
}

/* Plain action lists (packet_out, buckets) without instructions. */
static void test_actions_only(void **state)
{
	struct ofpacts_buf in, out;
	struct ofpbuf wire;
	struct ofperr oe = {0};
	uint8_t want[64];
	size_t n;

	(void)state;
	parse_actions("output:3,set_field:4101->vlan_vid,pop_vlan,CONTROLLER:100", &in);
	ofpbuf_init(&wire, 64);
	ofpacts_encode_actions((const struct ofpact *)(const void *)in.data, in.size, &wire);
	n = unhex("0000 0010 00000003 0000 000000000000"
	          "0019 0010 80000c02 1005 000000000000"
	          "0012 0008 00000000"
	          "0000 0010 fffffffd 0064 000000000000",
	          want, sizeof want);
	assert_int_equal(wire.size, n);
	assert_memory_equal(wire.data, want, n);
	ofpacts_buf_init(&out);
	assert_int_equal(ofpacts_decode_actions(wire.data, wire.size, &out, &oe), 0);
	assert_true(ofpacts_equal((const struct ofpact *)(const void *)in.data, in.size,
	                          (const struct ofpact *)(const void *)out.data, out.size));
	/* Empty list. */
	assert_int_equal(ofpacts_decode_actions(NULL, 0, &out, &oe), 0);
	ofpbuf_uninit(&wire);
	ofpacts_buf_uninit(&in);
	ofpacts_buf_uninit(&out);
}

/* Instructions that ovs-ofctl sends (captured), and their reading. */
static const struct {
	const char *hex;
	const char *text;
} captured[] = {
        /* set_field:0x1/0x1->reg0 (NXAST_REG_LOAD), set_field:5->reg1,
         * mod_vlan_vid:5, set_field:4101->vlan_vid, strip_vlan, dec_ttl,
         * mod_nw_ttl:4, mod_dl_src, output:3, controller, group:1,
         * write_metadata:0x5/0xff, goto_table:3 */
        {"000400a000000000ffff00180000232000070000000100040000000000000001001900100001020400"
         "000005000000000019001080000c0210050000000000000019001080000c02100500000000000000120"
         "0080000000000180008000000000017000804000000001900108000080601020304050600000000001"
         "000000003000000000000000000000010fffffffdffff0000000000000016000800000001000200180"
         "0000000000000000000000500000000000000ff0001000803000000",
         "set_field:0x1/0x1->reg0,set_field:0x5->reg1,set_field:4101->vlan_vid,"
         "set_field:4101->vlan_vid,pop_vlan,dec_ttl,mod_nw_ttl:4,"
         "set_field:01:02:03:04:05:06->eth_src,output:3,CONTROLLER:65535,group:1,"
         "write_metadata:0x5/0xff,goto_table:3"},
        /* meter:3,push_vlan:0x88a8,clear_actions,write_actions(output:2,
         * set_field:7->vlan_pcp) */
        {"000600080000000300040010000000000011000888a80000000500080000000000030028000000000000"
         "00100000000200000000000000000019001080000e010700000000000000",
         "meter:3,push_vlan:0x88a8,clear_actions,write_actions(output:2,set_field:7->vlan_pcp)"},
};

static void test_ovs_ofctl_captures(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(captured); i++) {
		uint8_t buf[512];
		size_t n = unhex(captured[i].hex, buf, sizeof buf);
		struct ofpacts_buf out;
		struct ofperr oe = {0};
		char name[40], *s;

		ofpacts_buf_init(&out);
		if (ofpacts_decode_instructions(buf, n, &out, &oe))
			fail_msg("capture %zu: %s", i, ofperr_name(oe.type, oe.code, name));
		s = format(&out);
		if (strcmp(s, captured[i].text))
			fail_msg("capture %zu: got '%s'", i, s);
		free(s);
		ofpacts_buf_uninit(&out);
	}
}

/* Instructions out of order on the wire come out in the ofpacts order. */
static void test_instruction_order(void **state)
{
	uint8_t buf[128];
	size_t n;
	struct ofpacts_buf out;
	struct ofperr oe = {0};
	char *s;

	(void)state;
	n = unhex("0001 0008 05000000"                                      /* goto_table:5 */
	          "0003 0018 00000000 0000 0010 00000002 0000 000000000000" /* write */
	          "0002 0018 00000000 0000000000000001 00000000000000ff"    /* metadata */
	          "0005 0008 00000000"                                      /* clear */
	          "0004 0010 00000000 0012 0008 00000000"                   /* apply */
	          "0006 0008 00000009",                                     /* meter */
	          buf, sizeof buf);
	ofpacts_buf_init(&out);
	assert_int_equal(ofpacts_decode_instructions(buf, n, &out, &oe), 0);
	s = format(&out);
	assert_string_equal(s, "meter:9,pop_vlan,clear_actions,write_actions(output:2),"
	                       "write_metadata:0x1/0xff,goto_table:5");
	free(s);
	ofpacts_buf_uninit(&out);
}

static void expect(bool inst, const char *hex, uint16_t type, uint16_t code, int line)
{
	uint8_t buf[256];
	size_t n = unhex(hex, buf, sizeof buf);
	struct ofpacts_buf out;
	struct ofperr oe = {0};
	char a[40], b[40];
	int r;

	ofpacts_buf_init(&out);
	r = inst ? ofpacts_decode_instructions(buf, n, &out, &oe)
	         : ofpacts_decode_actions(buf, n, &out, &oe);
	ofpacts_buf_uninit(&out);
	if (r != -EINVAL)
		fail_msg("line %d: '%s' decoded", line, hex);
	if (!oe.set || oe.type != type || oe.code != code)
		fail_msg("line %d: got %s, want %s", line, ofperr_name(oe.type, oe.code, a),
		         ofperr_name(type, code, b));
}

#define BAC(hex, code)  expect(false, hex, OFPET_BAD_ACTION, code, __LINE__)
#define BIC(hex, code)  expect(true, hex, OFPET_BAD_INSTRUCTION, code, __LINE__)
#define IBAC(hex, code) expect(true, hex, OFPET_BAD_ACTION, code, __LINE__)

static void test_action_errors(void **state)
{
	(void)state;
	/* Lengths: header cut short, < 8, not a multiple of 8, beyond the
	 * list, wrong for the type. */
	BAC("0000", OFPBAC_BAD_LEN);
	BAC("0012 0004 00000000", OFPBAC_BAD_LEN);
	BAC("0012 000c 00000000 00000000", OFPBAC_BAD_LEN);
	BAC("0012 0010 00000000", OFPBAC_BAD_LEN);
	BAC("0000 0008 00000001", OFPBAC_BAD_LEN);
	BAC("0012 0010 00000000 00000000 00000000", OFPBAC_BAD_LEN);
	BAC("0011 0010 81000000 00000000 00000000", OFPBAC_BAD_LEN);
	BAC("0016 0010 00000001 00000000 00000000", OFPBAC_BAD_LEN);
	BAC("0017 0010 40000000 00000000 00000000", OFPBAC_BAD_LEN);
	/* Unknown and unsupported types: 1 (OF1.0 set_vlan_vid), MPLS, PBB,
	 * set_queue, 28. */
	BAC("0001 0008 00000000", OFPBAC_BAD_TYPE);
	BAC("000f 0008 40000000", OFPBAC_BAD_TYPE);
	BAC("0010 0008 00000000", OFPBAC_BAD_TYPE);
	BAC("0013 0008 88470000", OFPBAC_BAD_TYPE);
	BAC("0014 0008 08000000", OFPBAC_BAD_TYPE);
	BAC("0015 0008 00000001", OFPBAC_BAD_TYPE);
	BAC("001a 0008 88e70000", OFPBAC_BAD_TYPE);
	BAC("001b 0008 00000000", OFPBAC_BAD_TYPE);
	BAC("001c 0008 00000000", OFPBAC_BAD_TYPE);
	/* Experimenters: not Nicira; Nicira with an unknown subtype. */
	BAC("ffff 0010 00002321 0000 000000000000", OFPBAC_BAD_EXPERIMENTER);
	BAC("ffff 0008 4f4e4600", OFPBAC_BAD_EXPERIMENTER);
	BAC("ffff 0010 00002320 0005 000000000000", OFPBAC_BAD_EXP_TYPE);
	BAC("ffff 0008 00002320", OFPBAC_BAD_LEN);
	/* Output ports: 0, OFPP_ANY, above OFPP_MAX. */
	BAC("0000 0010 00000000 ffff 000000000000", OFPBAC_BAD_OUT_PORT);
	BAC("0000 0010 ffffffff ffff 000000000000", OFPBAC_BAD_OUT_PORT);
	BAC("0000 0010 ffffff01 ffff 000000000000", OFPBAC_BAD_OUT_PORT);
	BAC("0000 0010 fffffff7 ffff 000000000000", OFPBAC_BAD_OUT_PORT);
	/* Groups: OFPG_ALL / OFPG_ANY are not groups. */
	BAC("0016 0008 fffffffc", OFPBAC_BAD_OUT_GROUP);
	BAC("0016 0008 ffffffff", OFPBAC_BAD_OUT_GROUP);
	/* push_vlan with a non-VLAN ethertype. */
	BAC("0011 0008 08000000", OFPBAC_BAD_ARGUMENT);
	BAC("0011 0008 88470000", OFPBAC_BAD_ARGUMENT);
	/* set_field: unknown field, non-writable fields (in_port, eth_type,
	 * ip_proto, tcp_flags), unknown class. */
	BAC("0019 0010 80004404 00000001 00000000", OFPBAC_BAD_SET_TYPE);
	BAC("0019 0010 80000004 00000001 00000000", OFPBAC_BAD_SET_TYPE);
	BAC("0019 0010 80000a02 0800 000000000000", OFPBAC_BAD_SET_TYPE);
	BAC("0019 0010 80001401 06 00000000000000", OFPBAC_BAD_SET_TYPE);
	BAC("0019 0010 00014402 0002 000000000000", OFPBAC_BAD_SET_TYPE);
	BAC("0019 0010 12340002 0002 000000000000", OFPBAC_BAD_SET_TYPE);
	/* set_field lengths: TLV length wrong for the field, action length
	 * not matching the TLV, TLV header missing. */
	BAC("0019 0010 80000803 010203 0000000000", OFPBAC_BAD_SET_LEN);
	BAC("0019 0018 80000c02 1005 000000000000 0000000000000000", OFPBAC_BAD_SET_LEN);
	BAC("0019 0010 80000808 010203040506 0000", OFPBAC_BAD_SET_LEN);
	/* set_field arguments: a mask, a value out of range, vlan_vid without
	 * OFPVID_PRESENT, nonzero padding. */
	BAC("0019 0010 80000d04 1005 1fff 00000000", OFPBAC_BAD_SET_ARGUMENT);
	BAC("0019 0010 80000e01 08 00000000000000", OFPBAC_BAD_SET_ARGUMENT);
	BAC("0019 0010 80001001 40 00000000000000", OFPBAC_BAD_SET_ARGUMENT);
	BAC("0019 0010 80000c02 0005 000000000000", OFPBAC_BAD_SET_ARGUMENT);
	BAC("0019 0010 80000c02 1005 000000000001", OFPBAC_BAD_SET_ARGUMENT);
	/* NXAST_REG_LOAD: bits beyond the field, value wider than n_bits,
	 * unknown or non-writable destination, wrong length. */
	BAC("ffff 0018 00002320 0007 07c1 00010004 0000000000000001", OFPBAC_BAD_SET_ARGUMENT);
	BAC("ffff 0018 00002320 0007 0000 00010004 0000000000000002", OFPBAC_BAD_SET_ARGUMENT);
	BAC("ffff 0018 00002320 0007 0000 00017e04 0000000000000001", OFPBAC_BAD_SET_TYPE);
	BAC("ffff 0018 00002320 0007 0000 80000004 0000000000000001", OFPBAC_BAD_SET_TYPE);
	BAC("ffff 0020 00002320 0007 0000 00010004 0000000000000001 0000000000000000",
	    OFPBAC_BAD_LEN);
	/* NXAST_REG_LOAD2: bad TLV, bad padding, mask on a non-maskable field. */
	BAC("ffff 0018 00002320 0021 00017e08 00000001 00000001 0000", OFPBAC_BAD_SET_TYPE);
	BAC("ffff 0018 00002320 0021 00010108 00000001 00000001 0001", OFPBAC_BAD_SET_ARGUMENT);
	BAC("ffff 0018 00002320 0021 80000f02 0300 0000000000000000", OFPBAC_BAD_SET_ARGUMENT);
	/* The first error wins: a later bad action does not override. */
	BAC("0012 0008 00000000 0011 0008 08000000 0000 0008 00000000", OFPBAC_BAD_ARGUMENT);
}

static void test_instruction_errors(void **state)
{
	(void)state;
	/* Lengths. */
	BIC("0001", OFPBIC_BAD_LEN);
	BIC("0001 0004 00000000", OFPBIC_BAD_LEN);
	BIC("0001 0008", OFPBIC_BAD_LEN);
	BIC("0005 000c 00000000 00000000", OFPBIC_BAD_LEN);
	BIC("0001 0010 01000000 00000000", OFPBIC_BAD_LEN);
	BIC("0002 0010 00000000 0000000000000001", OFPBIC_BAD_LEN);
	BIC("0005 0010 00000000 00000000 00000000", OFPBIC_BAD_LEN);
	BIC("0006 0010 00000001 00000000 00000000", OFPBIC_BAD_LEN);
	BIC("0004 0008 00000000 00000000", OFPBIC_BAD_LEN);
	/* Unknown type, experimenter. */
	BIC("0007 0008 00000000", OFPBIC_UNKNOWN_INST);
	BIC("0000 0008 00000000", OFPBIC_UNKNOWN_INST);
	BIC("ffff 0008 00002320", OFPBIC_BAD_EXPERIMENTER);
	/* Duplicates. */
	BIC("0005 0008 00000000 0005 0008 00000000", OFPBIC_UNSUP_INST);
	BIC("0004 0008 00000000 0001 0008 01000000 0004 0008 00000000", OFPBIC_UNSUP_INST);
	/* goto_table 0xff. */
	BIC("0001 0008 ff000000", OFPBIC_BAD_TABLE_ID);
	/* Nested action errors keep their type. */
	IBAC("0004 0010 00000000 0011 0008 08000000", OFPBAC_BAD_ARGUMENT);
	IBAC("0003 0010 00000000 0012 0010 00000000", OFPBAC_BAD_LEN);
	/* write_actions holds one action of each kind. */
	IBAC("0003 0018 00000000 0012 0008 00000000 0012 0008 00000000", OFPBAC_TOO_MANY);
	IBAC("0003 0028 00000000 0019 0010 00010004 00000001 00000000"
	     " 0019 0010 00010004 00000002 00000000",
	     OFPBAC_TOO_MANY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_round_trip),
	        cmocka_unit_test(test_actions_only),
	        cmocka_unit_test(test_ovs_ofctl_captures),
	        cmocka_unit_test(test_instruction_order),
	        cmocka_unit_test(test_action_errors),
	        cmocka_unit_test(test_instruction_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
