/* test-ofp-oxm.c - unit tests for the OXM match codec: round trips of
 * matches parsed from ovs-ofctl flow syntax, matches captured from
 * ovs-ofctl -O OpenFlow13 add-flow, every OFPBMC_* error path with
 * hand-built bytes, single-TLV helpers, and the error names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "openflow/flow-text.h"
#include "openflow/ofp-errors.h"
#include "openflow/ofp-match.h"
#include "openflow/ofp-oxm.h"
#include "ofp-text-fixture.h"

static void parse_match(const char *s, struct match *m)
{
	struct errmsg err;

	if (flow_text_parse_match(s, NULL, m, &err))
		fail_msg("'%s': %s", s, err.msg);
}

/* Matches that flow-text produces; each must survive encode + decode. */
static const char *const match_texts[] = {
        "",
        "in_port=1",
        "in_port=LOCAL",
        "in_port=CONTROLLER",
        "metadata=0x1234",
        "metadata=0x1/0xff",
        "reg0=5,reg7=0xffffffff,reg3=0x10/0xf0",
        "tun_id=0x5,tun_src=1.2.3.4,tun_dst=10.0.0.0/8",
        "tun_id=0x5/0xff",
        "tun_metadata0=0x1234",
        "dl_src=00:11:22:33:44:55,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00",
        "dl_type=0x88cc",
        "dl_vlan=5",
        "dl_vlan=0xffff",
        "dl_vlan=5,dl_vlan_pcp=3",
        "dl_vlan_pcp=7",
        "vlan_tci=0x1000/0x1000",
        "vlan_tci=0",
        "vlan_tci=0x1005/0x1fff",
        "vlan_tci=0x0005",
        "vlan_tci=0x3005/0x3fff",
        "vlan_tci=0xf000/0xf000",
        "vlan_tci=0x2000/0x2000",
        "vlan_tci=0x0000/0x1000",
        "vlan_tci=0x0000/0xf000",
        "vlan_tci=0x0000/0x1fff",
        "ip",
        "ip,nw_src=10.0.0.0/8,nw_dst=192.168.1.1",
        "ip,nw_src=10.0.0.1/255.0.255.0",
        "ip,nw_tos=8,nw_ecn=1,nw_ttl=64",
        "ip,ip_dscp=63",
        "ip,ip_frag=first",
        "ip,ip_frag=later",
        "ip,ip_frag=no",
        "tcp,tp_src=80,tp_dst=443",
        "tcp,tcp_dst=0x100/0xff00",
        "tcp,tcp_flags=+syn-ack",
        "tcp,tcp_flags=0x012/0x0ff",
        "udp,tp_dst=53",
        "udp6,udp_src=53",
        "sctp,sctp_dst=9",
        "icmp,icmp_type=8,icmp_code=0",
        "icmp6,icmp_type=128",
        "icmp6,icmp_type=135,nd_target=fe80::1,nd_sll=00:01:02:03:04:05",
        "icmp6,icmp_type=136,nd_target=fe80::/64,nd_tll=00:01:02:03:04:05",
        "ipv6,ipv6_src=2001:db8::/32,ipv6_dst=::1,ipv6_label=0x12345",
        "ipv6,ipv6_label=0x5/0xf",
        "tcp6,tp_dst=22",
        "arp,arp_op=1,arp_spa=10.0.0.1,arp_tpa=10.0.0.0/24",
        "arp,arp_sha=00:11:22:33:44:55,arp_tha=00:00:00:00:00:00",
        "rarp,arp_op=3",
        "arp,arp_sha=01:02:03:00:00:00/ff:ff:ff:00:00:00",
        "in_port=3,dl_vlan=10,tcp,nw_src=1.2.3.4,tp_dst=80,reg1=2,metadata=0x8",
};

static void test_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(match_texts); i++) {
		struct match m, d;
		struct ofpbuf b;
		struct ofperr oe = {0};
		size_t consumed = 0;

		parse_match(match_texts[i], &m);
		ofpbuf_init(&b, 64);
		oxm_match_encode(&m, &b);
		assert_int_equal(b.size % 8, 0);
		if (oxm_match_decode(b.data, b.size, &d, &consumed, &oe)) {
			char buf[40];

			fail_msg("'%s': %s", match_texts[i], ofperr_name(oe.type, oe.code, buf));
		}
		assert_int_equal(consumed, b.size);
		if (!match_equal(&m, &d)) {
			char *a = flow_text_format_match(&m, -1, NULL);
			char *c = flow_text_format_match(&d, -1, NULL);

			fail_msg("'%s': encoded '%s', decoded '%s'", match_texts[i], a, c);
		}
		ofpbuf_uninit(&b);
	}
}

/* struct ofp_match bytes that ovs-ofctl 3.x sends (captured from
 * "ovs-ofctl -O OpenFlow13 add-flow") and the flow text it was given. */
static const struct {
	const char *text;
	const char *hex;
} captured[] = {
        {"tcp,tcp_flags=+syn,reg0=5,tun_src=1.2.3.4,nw_ttl=3,ip_frag=first,dl_vlan_pcp=3,"
         "tp_dst=0x100/0xff00",
         "0001004a80000a02080080000d041000100080000e0103000134010100013a0103800014010680001d04"
         "0100ff00ffff55084f4e46000002000200013e04010203040001000400000005000000000000"},
        {"arp,arp_op=2,arp_spa=1.2.3.0/24,arp_sha=01:02:03:04:05:06/ff:ff:ff:00:00:00,"
         "vlan_tci=0x0000",
         "0001003280000a02080680000c02000080002a02000280002d0801020300ffffff008000310c01020300"
         "0000ffffff000000000000000000"},
        {"icmp6,icmp_type=135,nd_sll=01:02:03:04:05:06,nd_target=fe80::1,ipv6_label=0x12345,dl_"
         "vlan=5,"
         "nw_tos=8,nw_ecn=1,in_port=3,metadata=0x7/0xf",
         "00010066800000040000000380000a0286dd80000c021005800010010280001201018000380400012345"
         "800014013a80003a018780003e10fe80000000000000000000000000000180004006010203040506800"
         "005100000000000000007000000000000000f0000"},
};

static void test_ovs_ofctl_captures(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(captured); i++) {
		uint8_t buf[512];
		size_t n = unhex(captured[i].hex, buf, sizeof buf), consumed;
		struct match want, got;
		struct ofperr oe = {0};
		char name[40];

		parse_match(captured[i].text, &want);
		if (oxm_match_decode(buf, n, &got, &consumed, &oe))
			fail_msg("capture %zu: %s", i, ofperr_name(oe.type, oe.code, name));
		assert_int_equal(consumed, n);
		if (!match_equal(&want, &got)) {
			char *a = flow_text_format_match(&want, -1, NULL);
			char *c = flow_text_format_match(&got, -1, NULL);

			fail_msg("capture %zu: want '%s', decoded '%s'", i, a, c);
		}
	}
}

/* Decodes 'hex' (a struct ofp_match; zero padding to a multiple of 8 is
 * appended unless 'raw') and expects the BAD_MATCH 'code'. */
static void expect_error(const char *hex, bool raw, uint16_t code, int line)
{
	uint8_t buf[256] = {0};
	size_t n = unhex(hex, buf, sizeof buf), consumed;
	struct match m;
	struct ofperr oe = {0};
	char a[40], b[40];

	if (!raw)
		n = (n + 7) & ~(size_t)7;
	if (oxm_match_decode(buf, n, &m, &consumed, &oe) != -EINVAL)
		fail_msg("line %d: '%s' decoded", line, hex);
	if (!oe.set || oe.type != OFPET_BAD_MATCH || oe.code != code)
		fail_msg("line %d: got %s, want %s", line, ofperr_name(oe.type, oe.code, a),
		         ofperr_name(OFPET_BAD_MATCH, code, b));
}

#define EXPECT_ERROR(hex, code) expect_error(hex, false, code, __LINE__)
#define EXPECT_RAW(hex, code)   expect_error(hex, true, code, __LINE__)

static void test_errors(void **state)
{
	(void)state;
	/* Header. */
	EXPECT_RAW("0001", OFPBMC_BAD_LEN);
	EXPECT_RAW("0000 0004 00000000", OFPBMC_BAD_TYPE);
	EXPECT_RAW("0002 0004 00000000", OFPBMC_BAD_TYPE);
	EXPECT_RAW("0001 0003 00000000", OFPBMC_BAD_LEN);
	/* Length beyond the buffer, padding missing. */
	EXPECT_RAW("0001 000a 80000a02 0800", OFPBMC_BAD_LEN);
	EXPECT_RAW("0001 0010 80000a02 0800 0000", OFPBMC_BAD_LEN);
	/* TLV header cut short, TLV longer than the match. */
	EXPECT_ERROR("0001 0006 8000 0000", OFPBMC_BAD_LEN);
	EXPECT_ERROR("0001 0008 80000a02 0000 0000 0000", OFPBMC_BAD_LEN);
	/* Wrong length for the field (eth_type is 2 bytes). */
	EXPECT_ERROR("0001 0009 80000a01 08", OFPBMC_BAD_LEN);
	EXPECT_ERROR("0001 000b 80000a03 080000", OFPBMC_BAD_LEN);
	/* Unknown fields and classes: in_phy_port, mpls_label, class 0x8001,
	 * an unknown NXM field, a non-ONF experimenter, a short experimenter. */
	EXPECT_ERROR("0001 000c 80000204 00000001", OFPBMC_BAD_FIELD);
	EXPECT_ERROR("0001 000c 80004404 00000001", OFPBMC_BAD_FIELD);
	EXPECT_ERROR("0001 000a 80010a02 0800", OFPBMC_BAD_FIELD);
	EXPECT_ERROR("0001 000c 00017e04 00000001", OFPBMC_BAD_FIELD);
	EXPECT_ERROR("0001 000e ffff5406 00002320 0002", OFPBMC_BAD_FIELD);
	EXPECT_ERROR("0001 000a ffff5402 0000", OFPBMC_BAD_LEN);
	/* Mask on a non-maskable field (eth_type, in_port). */
	EXPECT_ERROR("0001 000c 80000b04 0800ffff", OFPBMC_BAD_MASK);
	EXPECT_ERROR("0001 0010 80000108 00000001 ffffffff", OFPBMC_BAD_MASK);
	/* Mask with bits outside the field (vlan_vid is 13 bits). */
	EXPECT_ERROR("0001 000c 80000d04 1000f000", OFPBMC_BAD_MASK);
	/* Value bits outside the mask. */
	EXPECT_ERROR("0001 0018 80000510 00000000000000ff 000000000000000f", OFPBMC_BAD_WILDCARDS);
	EXPECT_ERROR("0001 000c 80000d04 1005 1000", OFPBMC_BAD_WILDCARDS);
	/* Bad values: vlan_vid > 0x1fff, "no tag" with a VID, vlan_pcp > 7,
	 * ip_dscp > 63, ip_ecn > 3, ipv6_flabel > 20 bits, arp_op > 255,
	 * tcp_flags > 12 bits. */
	EXPECT_ERROR("0001 000a 80000c02 2000", OFPBMC_BAD_VALUE);
	EXPECT_ERROR("0001 000a 80000c02 0005", OFPBMC_BAD_VALUE);
	EXPECT_ERROR("0001 000f 80000c02 1005 80000e01 08", OFPBMC_BAD_VALUE);
	EXPECT_ERROR("0001 000f 80000a02 0800 80001001 40", OFPBMC_BAD_VALUE);
	EXPECT_ERROR("0001 000f 80000a02 0800 80001201 04", OFPBMC_BAD_VALUE);
	EXPECT_ERROR("0001 0012 80000a02 86dd 80003804 00100000", OFPBMC_BAD_VALUE);
	EXPECT_ERROR("0001 0010 80000a02 0806 80002a02 0100", OFPBMC_BAD_VALUE);
	EXPECT_ERROR("0001 0015 80000a02 0800 80001401 06 00014402 1000", OFPBMC_BAD_VALUE);
	/* Duplicates: the same field, two fields on the same bits (NXM and
	 * OXM eth_type; vlan_tci and vlan_vid; ip_dscp and nw_tos). */
	EXPECT_ERROR("0001 0010 80000a02 0800 80000a02 0800", OFPBMC_DUP_FIELD);
	EXPECT_ERROR("0001 0010 80000a02 0800 00000602 0800", OFPBMC_DUP_FIELD);
	EXPECT_ERROR("0001 0010 80000c02 1005 00000802 1005", OFPBMC_DUP_FIELD);
	EXPECT_ERROR("0001 0014 80000a02 0800 80001001 01 00000a01 04", OFPBMC_DUP_FIELD);
	/* Prerequisites: tcp_dst alone, without ip_proto, with ip_proto 17;
	 * ipv4_src alone and with IPv6; vlan_pcp alone and with "no tag";
	 * ip_proto with ARP; nd_sll with icmpv6_type 136. */
	EXPECT_ERROR("0001 000a 80001c02 0050", OFPBMC_BAD_PREREQ);
	EXPECT_ERROR("0001 0010 80000a02 0800 80001c02 0050", OFPBMC_BAD_PREREQ);
	EXPECT_ERROR("0001 0015 80000a02 0800 80001401 11 80001c02 0050", OFPBMC_BAD_PREREQ);
	EXPECT_ERROR("0001 000c 80001604 0a000001", OFPBMC_BAD_PREREQ);
	EXPECT_ERROR("0001 0012 80000a02 86dd 80001604 0a000001", OFPBMC_BAD_PREREQ);
	EXPECT_ERROR("0001 0009 80000e01 03", OFPBMC_BAD_PREREQ);
	EXPECT_ERROR("0001 000f 80000c02 0000 80000e01 03", OFPBMC_BAD_PREREQ);
	EXPECT_ERROR("0001 000f 80000a02 0806 80001401 06", OFPBMC_BAD_PREREQ);
	EXPECT_ERROR("0001 001e 80000a02 86dd 80001401 3a 80003a01 88 80004006 010203040506",
	             OFPBMC_BAD_PREREQ);
}

static void test_decode_accepts(void **state)
{
	uint8_t buf[128];
	size_t n, consumed;
	struct match m, want;
	struct ofperr oe = {0};

	(void)state;
	/* Empty match; the rest of a message after it is not consumed. */
	n = unhex("0001 0004 00000000 deadbeef", buf, sizeof buf);
	assert_int_equal(oxm_match_decode(buf, n, &m, &consumed, &oe), 0);
	assert_int_equal(consumed, 8);
	assert_true(match_is_catchall(&m));
	/* Prerequisites after the fields that need them are accepted. */
	n = unhex("0001 0015 80001c02 0050 80001401 06 80000a02 0800 000000", buf, sizeof buf);
	assert_int_equal(oxm_match_decode(buf, n, &m, &consumed, &oe), 0);
	parse_match("tcp,tp_dst=80", &want);
	assert_true(match_equal(&m, &want));
	/* vlan_vid present/present: any tag. */
	n = unhex("0001 000c 80000d04 1000 1000 00000000", buf, sizeof buf);
	assert_int_equal(oxm_match_decode(buf, n, &m, &consumed, &oe), 0);
	parse_match("vlan_tci=0x1000/0x1000", &want);
	assert_true(match_equal(&m, &want));
	/* ONF tcp_flags without a mask, NXM tcp_flags. */
	n = unhex("0001 0019 80000a02 0800 80001401 06 ffff5406 4f4e4600 0012 00000000000000", buf,
	          sizeof buf);
	assert_int_equal(oxm_match_decode(buf, n, &m, &consumed, &oe), 0);
	parse_match("tcp,tcp_flags=0x012", &want);
	assert_true(match_equal(&m, &want));
	n = unhex("0001 0015 80000a02 0800 80001401 06 00014402 0012 000000", buf, sizeof buf);
	assert_int_equal(oxm_match_decode(buf, n, &m, &consumed, &oe), 0);
	assert_true(match_equal(&m, &want));
	assert_false(oe.set);
}

static void test_field_helpers(void **state)
{
	const struct mf_field *mf;
	union mf_value v, mask;
	struct ofpbuf b;
	bool hm;
	size_t n;
	struct ofperr oe = {0};

	(void)state;
	ofpbuf_init(&b, 32);
	memset(&v, 0, sizeof v);
	memset(&mask, 0, sizeof mask);
	v.u32 = 0x0a000000;
	mask.u32 = 0xff000000;
	oxm_field_encode(mf_from_id(MFF_IPV4_SRC), &v, &mask, &b);
	assert_int_equal(b.size, 12);
	assert_memory_equal(b.data, "\x80\x00\x17\x08\x0a\x00\x00\x00\xff\x00\x00\x00", 12);
	assert_int_equal(oxm_field_decode(b.data, b.size, &mf, &v, &mask, &hm, &n, &oe), 0);
	assert_int_equal(mf->id, MFF_IPV4_SRC);
	assert_true(hm);
	assert_int_equal(n, 12);
	assert_int_equal(v.u32, 0x0a000000);
	assert_int_equal(mask.u32, 0xff000000);

	/* Exact: no mask on the wire, an exact mask back. */
	ofpbuf_clear(&b);
	v.u32 = 7;
	oxm_field_encode(mf_from_id(MFF_REG2), &v, NULL, &b);
	assert_memory_equal(b.data, "\x00\x01\x04\x04\x00\x00\x00\x07", 8);
	assert_int_equal(oxm_field_decode(b.data, b.size, &mf, &v, &mask, &hm, &n, &oe), 0);
	assert_int_equal(mf->id, MFF_REG2);
	assert_false(hm);
	assert_int_equal(mask.u32, 0xffffffff);
	/* Cut short. */
	assert_int_equal(oxm_field_decode(b.data, 7, &mf, &v, &mask, &hm, &n, &oe), -EINVAL);
	assert_int_equal(oe.code, OFPBMC_BAD_LEN);
	assert_true(oxm_field_has_header(mf_from_id(MFF_TUN_SRC)));
	assert_false(oxm_field_has_header(mf_from_id(MFF_DL_VLAN)));
	ofpbuf_uninit(&b);
}

static void test_encode_form(void **state)
{
	struct match m;
	struct ofpbuf b;
	uint8_t want[64];
	size_t n;

	(void)state;
	/* Prerequisites first, OXM vlan_vid for dl_vlan, padded to 8. */
	parse_match("tcp,tp_dst=80,dl_vlan=5,in_port=2", &m);
	ofpbuf_init(&b, 64);
	oxm_match_encode(&m, &b);
	n = unhex("0001 0023 80000004 00000002 80000a02 0800 80000c02 1005 80001401 06"
	          " 80001c02 0050 0000000000",
	          want, sizeof want);
	assert_int_equal(b.size, n);
	assert_memory_equal(b.data, want, n);
	/* Catch-all: header and padding only. */
	match_init_catchall(&m);
	ofpbuf_clear(&b);
	oxm_match_encode(&m, &b);
	assert_int_equal(b.size, 8);
	assert_memory_equal(b.data, "\x00\x01\x00\x04\x00\x00\x00\x00", 8);
	ofpbuf_uninit(&b);
}

static void test_errors_api(void **state)
{
	struct ofperr oe = {0};
	char buf[40];

	(void)state;
	assert_int_equal(ofperr_set(&oe, OFPET_BAD_MATCH, OFPBMC_BAD_PREREQ), -EINVAL);
	assert_int_equal(ofperr_set(&oe, OFPET_BAD_ACTION, OFPBAC_BAD_LEN), -EINVAL);
	assert_true(oe.set);
	assert_int_equal(oe.type, OFPET_BAD_MATCH); /* the first one wins */
	assert_int_equal(oe.code, OFPBMC_BAD_PREREQ);
	assert_int_equal(ofperr_set(NULL, 1, 1), -EINVAL);
	assert_string_equal(ofperr_name(OFPET_BAD_MATCH, OFPBMC_BAD_PREREQ, buf),
	                    "OFPBMC_BAD_PREREQ");
	assert_string_equal(ofperr_name(OFPET_BAD_ACTION, OFPBAC_BAD_SET_ARGUMENT, buf),
	                    "OFPBAC_BAD_SET_ARGUMENT");
	assert_string_equal(ofperr_name(OFPET_HELLO_FAILED, OFPHFC_EPERM, buf), "OFPHFC_EPERM");
	assert_string_equal(ofperr_name(OFPET_TABLE_FEATURES_FAILED, OFPTFFC_EPERM, buf),
	                    "OFPTFFC_EPERM");
	assert_string_equal(ofperr_name(OFPET_BAD_MATCH, 99, buf), "type 4 code 99");
	assert_string_equal(ofperr_name(0xffff, 3, buf), "type 65535 code 3");
	assert_string_equal(ofperr_type_name(OFPET_METER_MOD_FAILED), "OFPET_METER_MOD_FAILED");
	assert_null(ofperr_type_name(14));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_round_trip),    cmocka_unit_test(test_ovs_ofctl_captures),
	        cmocka_unit_test(test_errors),        cmocka_unit_test(test_decode_accepts),
	        cmocka_unit_test(test_field_helpers), cmocka_unit_test(test_encode_form),
	        cmocka_unit_test(test_errors_api),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
