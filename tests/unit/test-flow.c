/* test-flow.c - unit tests for lib/flow (extraction of every packet kind,
 * safety at every truncation length, masks, hashing, text form) and
 * lib/hash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/eth.h"
#include "lib/flow.h"
#include "lib/hash.h"
#include "pkt-build.h"

static const uint8_t v6a[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t v6b[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

static void extract(const struct tb *t, size_t len, struct flow *f)
{
	struct pkt p = {.data = (uint8_t *)t->b, .len = (uint32_t)len};

	flow_extract(&p, 7, f);
}

/* Expected flow skeleton: in_port 7 and the builder's MACs. */
static void expect_init(struct flow *e, uint16_t dl_type)
{
	memset(e, 0, sizeof *e);
	e->in_port = 7;
	memcpy(e->dl_dst, tb_dst, 6);
	memcpy(e->dl_src, tb_src, 6);
	e->dl_type = dl_type;
}

static void assert_flow_equal(const struct flow *a, const struct flow *b)
{
	if (memcmp(a, b, sizeof *a)) {
		char s1[1024], s2[1024];
		struct flow ones;

		memset(&ones, 0xff, sizeof ones);
		flow_format(a, &ones, s1, sizeof s1);
		flow_format(b, &ones, s2, sizeof s2);
		print_error("got      %s\nexpected %s\n", s1, s2);
		fail();
	}
}

/* Extracts every prefix of 't' from an exact-size heap copy (ASan catches
 * over-reads) and checks that each prefix yields in_port, and L3+ fields
 * that are either 0 or the full packet's value. */
static void check_truncations(const struct tb *t)
{
	struct flow full, f;

	extract(t, t->len, &full);
	for (size_t l = 0; l <= t->len; l++) {
		uint8_t *copy = malloc(l ? l : 1);
		struct pkt p = {.data = copy, .len = (uint32_t)l};
		const uint8_t *a = (const uint8_t *)&f, *b = (const uint8_t *)&full;

		memcpy(copy, t->b, l);
		memset(&f, 0xa5, sizeof f);
		flow_extract(&p, 7, &f);
		free(copy);
		assert_int_equal(f.in_port, 7);
		assert_int_equal(f.tun_gnv_class | f.pad3 | f.pad1[0] | f.pad2[0], 0);
		if (l < 14) {
			struct flow z;

			memset(&z, 0, sizeof z);
			z.in_port = 7;
			assert_memory_equal(&f, &z, sizeof z);
			continue;
		}
		if (f.dl_type != full.dl_type)
			continue;
		for (size_t i = offsetof(struct flow, nw_src); i < sizeof f; i++)
			if (a[i] && a[i] != b[i])
				fail_msg("len %zu: byte %zu is %#x, full packet gives %#x", l, i,
				         a[i], b[i]);
	}
	extract(t, t->len, &f);
	assert_flow_equal(&f, &full);
}

static void test_eth_only(void **state)
{
	struct tb t;
	struct flow f, e;

	tb_eth(&t, 0, NULL, NULL, 0x88cc);
	tb_fill(&t, 0, 30);
	extract(&t, t.len, &f);
	expect_init(&e, 0x88cc);
	assert_flow_equal(&f, &e);
	check_truncations(&t);
}

static void test_vlans(void **state)
{
	uint16_t tp1[] = {ETH_TYPE_VLAN}, tc1[] = {0x6064};
	uint16_t tp2[] = {ETH_TYPE_VLAN_8021AD, ETH_TYPE_VLAN}, tc2[] = {0x0005, 0xa00a};
	uint16_t tp3[] = {0x8100, 0x8100, 0x8100}, tc3[] = {1, 2, 3};
	struct tb t;
	struct flow f, e;
	char buf[512];

	tb_eth(&t, 1, tp1, tc1, 0x88cc);
	tb_fill(&t, 0, 30);
	extract(&t, t.len, &f);
	expect_init(&e, 0x88cc);
	e.vlan_tci = 0x6064 | VLAN_CFI;
	e.vlan_tpid = ETH_TYPE_VLAN;
	assert_flow_equal(&f, &e);
	check_truncations(&t);

	tb_eth(&t, 2, tp2, tc2, 0x88cc);
	tb_fill(&t, 0, 30);
	extract(&t, t.len, &f);
	/* vlan_tci is the outermost tag (first on the wire), as OpenFlow's
	 * VLAN_VID; the second is inner_vlan_tci. */
	e.vlan_tci = 0x0005 | VLAN_CFI;
	e.vlan_tpid = ETH_TYPE_VLAN_8021AD;
	e.inner_vlan_tci = 0xa00a | VLAN_CFI;
	assert_flow_equal(&f, &e);
	check_truncations(&t);

	/* Cut inside the second tag: only the outer one is parsed. */
	extract(&t, 20, &f);
	expect_init(&e, ETH_TYPE_VLAN);
	e.vlan_tci = 0x0005 | VLAN_CFI;
	e.vlan_tpid = ETH_TYPE_VLAN_8021AD;
	assert_flow_equal(&f, &e);

	/* A third tag is not parsed: its TPID is the dl_type. */
	tb_eth(&t, 3, tp3, tc3, ETH_TYPE_IPV4);
	tb_fill(&t, 0, 30);
	extract(&t, t.len, &f);
	expect_init(&e, 0x8100);
	e.vlan_tci = 1 | VLAN_CFI;
	e.vlan_tpid = 0x8100;
	e.inner_vlan_tci = 2 | VLAN_CFI;
	assert_flow_equal(&f, &e);

	/* Tag cut short: dl_type is the TPID, no VLAN. */
	tb_eth(&t, 1, tp1, tc1, ETH_TYPE_IPV4);
	extract(&t, 16, &f);
	expect_init(&e, 0x8100);
	assert_flow_equal(&f, &e);

	/* A packet's text form names the outer tag vlan_tci, with its TPID,
	 * and the second tag inner_vlan_tci (only when there is one). */
	tb_eth(&t, 2, tp2, tc2, 0x88cc);
	extract(&t, t.len, &f);
	flow_format(&f, NULL, buf, sizeof buf);
	assert_non_null(strstr(buf, ",vlan_tci=0x1005,vlan_tpid=0x88a8,inner_vlan_tci=0xb00a,"
	                            "dl_type=0x88cc"));
	tb_eth(&t, 1, tp1, tc1, 0x88cc);
	extract(&t, t.len, &f);
	flow_format(&f, NULL, buf, sizeof buf);
	assert_non_null(strstr(buf, ",vlan_tci=0x7064,vlan_tpid=0x8100,dl_type=0x88cc"));
}

static void test_ipv4_tcp(void **state)
{
	uint16_t tp[] = {ETH_TYPE_VLAN}, tc[] = {10};
	struct tb t;
	struct flow f, e;

	tb_eth(&t, 1, tp, tc, ETH_TYPE_IPV4);
	tb_ipv4(&t, 6, 0x0a000001, 0x0a000002, 0xb9, 64, 0x4000, 20 + 5, 0);
	tb_tcp(&t, 12345, 80, 0x012, 5);
	tb_l4_csum(&t, 6);
	extract(&t, t.len, &f);
	expect_init(&e, ETH_TYPE_IPV4);
	e.vlan_tci = 10 | VLAN_CFI;
	e.vlan_tpid = ETH_TYPE_VLAN;
	e.nw_src = 0x0a000001;
	e.nw_dst = 0x0a000002;
	e.nw_proto = 6;
	e.nw_tos = 0xb9;
	e.nw_ttl = 64;
	e.tp_src = 12345;
	e.tp_dst = 80;
	e.tcp_flags = 0x012;
	assert_flow_equal(&f, &e);
	check_truncations(&t);

	/* Ethernet padding beyond the IP total length is ignored, and a TCP
	 * header that the total length cuts short gives no ports. */
	tb_eth(&t, 0, NULL, NULL, ETH_TYPE_IPV4);
	tb_ipv4(&t, 6, 1, 2, 0, 1, 0, 10, 0);
	tb_tcp(&t, 1, 2, 0x002, 0);
	extract(&t, t.len, &f);
	assert_int_equal(f.nw_proto, 6);
	assert_int_equal(f.tp_src, 0);
	assert_int_equal(f.tcp_flags, 0);

	/* A bad data offset (< 5) gives no L4 fields. */
	tb_eth(&t, 0, NULL, NULL, ETH_TYPE_IPV4);
	tb_ipv4(&t, 6, 1, 2, 0, 1, 0, 20, 0);
	tb_tcp(&t, 1, 2, 0x002, 0);
	t.b[t.l4 + 12] = 0x40;
	extract(&t, t.len, &f);
	assert_int_equal(f.tp_src, 0);
}

static void test_ipv4_udp_sctp_icmp_options(void **state)
{
	struct tb t;
	struct flow f, e;

	tb_eth(&t, 0, NULL, NULL, ETH_TYPE_IPV4);
	tb_ipv4(&t, 17, 0xc0a80001, 0xc0a80002, 0, 5, 0, 8 + 4, 2); /* 8 bytes of options */
	tb_udp(&t, 53, 5353, 4);
	tb_l4_csum(&t, 17);
	extract(&t, t.len, &f);
	expect_init(&e, ETH_TYPE_IPV4);
	e.nw_src = 0xc0a80001;
	e.nw_dst = 0xc0a80002;
	e.nw_proto = 17;
	e.nw_ttl = 5;
	e.tp_src = 53;
	e.tp_dst = 5353;
	assert_flow_equal(&f, &e);
	check_truncations(&t);

	tb_eth(&t, 0, NULL, NULL, ETH_TYPE_IPV4);
	tb_ipv4(&t, 132, 1, 2, 0, 9, 0, 12 + 16, 0);
	tb_sctp(&t, 2905, 2906, 16);
	extract(&t, t.len, &f);
	expect_init(&e, ETH_TYPE_IPV4);
	e.nw_src = 1;
	e.nw_dst = 2;
	e.nw_proto = 132;
	e.nw_ttl = 9;
	e.tp_src = 2905;
	e.tp_dst = 2906;
	assert_flow_equal(&f, &e);
	check_truncations(&t);

	tb_eth(&t, 0, NULL, NULL, ETH_TYPE_IPV4);
	tb_ipv4(&t, 1, 1, 2, 0, 9, 0, 8 + 8, 0);
	tb_icmp(&t, 8, 0, 8);
	tb_l4_csum(&t, 1);
	extract(&t, t.len, &f);
	e.nw_proto = 1;
	e.tp_src = 8;
	e.tp_dst = 0;
	assert_flow_equal(&f, &e);
	check_truncations(&t);

	/* Bad version / IHL / total length: dl_type only. */
	tb_eth(&t, 0, NULL, NULL, ETH_TYPE_IPV4);
	tb_ipv4(&t, 1, 1, 2, 0, 9, 0, 8, 0);
	tb_icmp(&t, 8, 0, 0);
	t.b[t.l3] = 0x44;
	extract(&t, t.len, &f);
	expect_init(&e, ETH_TYPE_IPV4);
	assert_flow_equal(&f, &e);
	t.b[t.l3] = 0x65;
	extract(&t, t.len, &f);
	assert_flow_equal(&f, &e);
	t.b[t.l3] = 0x45;
	t.b[t.l3 + 2] = 0;
	t.b[t.l3 + 3] = 19;
	extract(&t, t.len, &f);
	assert_flow_equal(&f, &e);
}

static void test_ipv4_fragments(void **state)
{
	struct tb t;
	struct flow f;

	/* First fragment: MF set, offset 0: L4 parsed. */
	tb_eth(&t, 0, NULL, NULL, ETH_TYPE_IPV4);
	tb_ipv4(&t, 17, 1, 2, 0, 9, 0x2000, 8 + 8, 0);
	tb_udp(&t, 1000, 2000, 8);
	extract(&t, t.len, &f);
	assert_int_equal(f.nw_frag, FLOW_NW_FRAG_ANY);
	assert_int_equal(f.tp_src, 1000);
	assert_int_equal(f.nw_proto, 17);
	check_truncations(&t);

	/* Later fragment: offset 185 (x8 bytes), no L4. */
	tb_eth(&t, 0, NULL, NULL, ETH_TYPE_IPV4);
	tb_ipv4(&t, 17, 1, 2, 0, 9, 185, 8 + 8, 0);
	tb_udp(&t, 1000, 2000, 8);
	extract(&t, t.len, &f);
	assert_int_equal(f.nw_frag, FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER);
	assert_int_equal(f.tp_src, 0);
	assert_int_equal(f.tp_dst, 0);
	assert_int_equal(f.nw_proto, 17);
	assert_int_equal(f.nw_src, 1);
	check_truncations(&t);
}

/* IPv6 with hop-by-hop, routing and destination options, then 'proto'. */
static void build_ipv6_ext(struct tb *t, uint8_t proto, size_t l4len)
{
	size_t plen = 8 + 24 + 16 + l4len;

	tb_eth(t, 0, NULL, NULL, ETH_TYPE_IPV6);
	tb_ipv6(t, 0, v6a, v6b, 0x2e, 0xabcde, 33, plen);
	tb_u8(t, 43); /* hop-by-hop -> routing */
	tb_u8(t, 0);
	tb_fill(t, 1, 6);
	tb_u8(t, 60); /* routing (24 bytes) -> destination options */
	tb_u8(t, 2);
	tb_fill(t, 0, 22);
	tb_u8(t, proto); /* destination options (16 bytes) */
	tb_u8(t, 1);
	tb_fill(t, 1, 14);
	t->l4 = t->len;
}

static void test_ipv6(void **state)
{
	struct tb t;
	struct flow f, e;

	build_ipv6_ext(&t, 6, 20);
	tb_tcp(&t, 443, 50000, 0x811, 0);
	tb_l4_csum(&t, 6);
	extract(&t, t.len, &f);
	expect_init(&e, ETH_TYPE_IPV6);
	memcpy(e.ipv6_src, v6a, 16);
	memcpy(e.ipv6_dst, v6b, 16);
	e.ipv6_label = 0xabcde;
	e.nw_tos = 0x2e;
	e.nw_ttl = 33;
	e.nw_proto = 6;
	e.tp_src = 443;
	e.tp_dst = 50000;
	e.tcp_flags = 0x811;
	assert_flow_equal(&f, &e);
	check_truncations(&t);

	/* Plain UDP. */
	tb_eth(&t, 0, NULL, NULL, ETH_TYPE_IPV6);
	tb_ipv6(&t, 17, v6a, v6b, 0, 0, 64, 8 + 3);
	tb_udp(&t, 546, 547, 3);
	tb_l4_csum(&t, 17);
	extract(&t, t.len, &f);
	assert_int_equal(f.nw_proto, 17);
	assert_int_equal(f.tp_src, 546);
	assert_int_equal(f.tp_dst, 547);
	check_truncations(&t);

	/* Too many extension headers: walking stops, nw_proto is the next
	 * extension header, no L4. */
	tb_eth(&t, 0, NULL, NULL, ETH_TYPE_IPV6);
	tb_ipv6(&t, 60, v6a, v6b, 0, 0, 64, 8 * (FLOW_IPV6_MAX_EXT + 1) + 8);
	for (int i = 0; i < FLOW_IPV6_MAX_EXT + 1; i++) {
		tb_u8(&t, i == FLOW_IPV6_MAX_EXT ? 17 : 60);
		tb_fill(&t, 0, 7);
	}
	tb_udp(&t, 1, 2, 0);
	extract(&t, t.len, &f);
	assert_int_equal(f.nw_proto, 60);
	assert_int_equal(f.tp_src, 0);
	check_truncations(&t);
}

static void test_ipv6_fragments(void **state)
{
	struct tb t;
	struct flow f;

	for (int later = 0; later < 2; later++) {
		tb_eth(&t, 0, NULL, NULL, ETH_TYPE_IPV6);
		tb_ipv6(&t, 44, v6a, v6b, 0, 0, 64, 8 + 8 + 4);
		tb_u8(&t, 17);
		tb_u8(&t, 0);
		tb_u16(&t, later ? (100 << 3) : 1); /* offset, M */
		tb_u32(&t, 0x11223344);
		t.l4 = t.len;
		tb_udp(&t, 7, 9, 4);
		extract(&t, t.len, &f);
		assert_int_equal(f.nw_proto, 17);
		assert_int_equal(f.nw_frag, FLOW_NW_FRAG_ANY | (later ? FLOW_NW_FRAG_LATER : 0));
		assert_int_equal(f.tp_src, later ? 0 : 7);
		assert_int_equal(f.tp_dst, later ? 0 : 9);
		check_truncations(&t);
	}
}

static void build_nd(struct tb *t, uint8_t type, uint8_t opt, uint8_t opt_len_units)
{
	static const uint8_t mac[6] = {0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
	size_t olen = (size_t)8 * (opt_len_units ? opt_len_units : 1);

	tb_eth(t, 0, NULL, NULL, ETH_TYPE_IPV6);
	tb_ipv6(t, 58, v6a, v6b, 0, 0, 255, 24 + 8 + olen);
	tb_u8(t, type);
	tb_u8(t, 0);
	tb_u16(t, 0);
	tb_u32(t, type == 136 ? 0x60000000 : 0);
	tb_bytes(t, v6b, 16);
	tb_u8(t, 99); /* an unknown option first, skipped */
	tb_u8(t, 1);
	tb_fill(t, 0, 6);
	tb_u8(t, opt);
	tb_u8(t, opt_len_units);
	tb_bytes(t, mac, 6);
	tb_fill(t, 0, olen - 8);
	tb_l4_csum(t, 58);
}

static void test_nd(void **state)
{
	static const uint8_t mac[6] = {0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
	static const uint8_t zero[16];
	struct tb t;
	struct flow f;

	build_nd(&t, 135, 1, 1); /* NS with SLL */
	extract(&t, t.len, &f);
	assert_int_equal(f.nw_proto, 58);
	assert_int_equal(f.tp_src, 135);
	assert_int_equal(f.tp_dst, 0);
	assert_memory_equal(f.nd_target, v6b, 16);
	assert_memory_equal(f.arp_sha, mac, 6);
	assert_memory_equal(f.arp_tha, zero, 6);
	check_truncations(&t);

	build_nd(&t, 136, 2, 1); /* NA with TLL */
	extract(&t, t.len, &f);
	assert_int_equal(f.tp_src, 136);
	assert_memory_equal(f.nd_target, v6b, 16);
	assert_memory_equal(f.arp_tha, mac, 6);
	assert_memory_equal(f.arp_sha, zero, 6);
	check_truncations(&t);

	build_nd(&t, 136, 1, 1); /* NA with an SLL: ignored */
	extract(&t, t.len, &f);
	assert_memory_equal(f.nd_target, v6b, 16);
	assert_memory_equal(f.arp_sha, zero, 6);

	build_nd(&t, 135, 1, 0); /* option length 0: malformed */
	extract(&t, t.len, &f);
	assert_int_equal(f.tp_src, 135);
	assert_memory_equal(f.nd_target, zero, 16);
	assert_memory_equal(f.arp_sha, zero, 6);

	/* Echo request: no ND fields. */
	tb_eth(&t, 0, NULL, NULL, ETH_TYPE_IPV6);
	tb_ipv6(&t, 58, v6a, v6b, 0, 0, 64, 8 + 24);
	tb_icmp(&t, 128, 0, 24);
	extract(&t, t.len, &f);
	assert_int_equal(f.tp_src, 128);
	assert_memory_equal(f.nd_target, zero, 16);
}

static void build_arp(struct tb *t, uint16_t op)
{
	static const uint8_t tha[6] = {0, 0, 0, 0, 0, 0x99};

	tb_eth(t, 0, NULL, NULL, ETH_TYPE_ARP);
	tb_u16(t, 1);
	tb_u16(t, ETH_TYPE_IPV4);
	tb_u8(t, 6);
	tb_u8(t, 4);
	tb_u16(t, op);
	tb_bytes(t, tb_src, 6);
	tb_u32(t, 0x0a000001);
	tb_bytes(t, tha, 6);
	tb_u32(t, 0x0a0000fe);
	tb_fill(t, 0, 18); /* Ethernet padding */
}

static void test_arp(void **state)
{
	static const uint8_t tha[6] = {0, 0, 0, 0, 0, 0x99};
	struct tb t;
	struct flow f, e;

	build_arp(&t, 2);
	extract(&t, t.len, &f);
	expect_init(&e, ETH_TYPE_ARP);
	e.nw_proto = 2;
	e.nw_src = 0x0a000001;
	e.nw_dst = 0x0a0000fe;
	memcpy(e.arp_sha, tb_src, 6);
	memcpy(e.arp_tha, tha, 6);
	assert_flow_equal(&f, &e);
	check_truncations(&t);

	build_arp(&t, 0x1234); /* opcode > 0xff: nw_proto 0 */
	extract(&t, t.len, &f);
	assert_int_equal(f.nw_proto, 0);
	assert_int_equal(f.nw_src, 0x0a000001);

	build_arp(&t, 1);
	t.b[t.l3 + 5] = 16; /* not IPv4 ARP */
	extract(&t, t.len, &f);
	expect_init(&e, ETH_TYPE_ARP);
	assert_flow_equal(&f, &e);
}

static void test_llc_snap(void **state)
{
	struct tb t;
	struct flow f, e;

	tb_eth(&t, 0, NULL, NULL, 46); /* 802.3 length, plain LLC */
	tb_u8(&t, 0x42);
	tb_u8(&t, 0x42);
	tb_u8(&t, 0x03);
	tb_fill(&t, 0, 43);
	extract(&t, t.len, &f);
	expect_init(&e, FLOW_DL_TYPE_NONE);
	assert_flow_equal(&f, &e);
	check_truncations(&t);

	tb_eth(&t, 0, NULL, NULL, 60); /* LLC/SNAP carrying IPv4 */
	tb_u8(&t, 0xaa);
	tb_u8(&t, 0xaa);
	tb_u8(&t, 0x03);
	tb_fill(&t, 0, 3);
	tb_u16(&t, ETH_TYPE_IPV4);
	t.l3 = t.len;
	tb_ipv4(&t, 17, 5, 6, 0, 9, 0, 8, 0);
	tb_udp(&t, 10, 20, 0);
	extract(&t, t.len, &f);
	assert_int_equal(f.dl_type, ETH_TYPE_IPV4);
	assert_int_equal(f.nw_src, 5);
	assert_int_equal(f.tp_dst, 20);
	check_truncations(&t);
}

static void test_mask_hash_equal(void **state)
{
	struct tb t;
	struct flow a, b, m, masked;
	uint32_t hashes[1000];
	int distinct = 0;

	tb_eth(&t, 0, NULL, NULL, ETH_TYPE_IPV4);
	tb_ipv4(&t, 6, 0x0a000001, 0x0a000002, 0, 64, 0, 20, 0);
	tb_tcp(&t, 1, 2, 0x10, 0);
	extract(&t, t.len, &a);
	b = a;
	b.nw_src = 0x0a0000ff; /* differs only in the low 8 bits */
	b.tp_src = 999;

	memset(&m, 0, sizeof m);
	m.nw_src = 0xffffff00;
	m.dl_type = 0xffff;
	m.in_port = UINT32_MAX;
	assert_true(flow_equal_masked(&a, &b, &m));
	assert_int_equal(flow_hash_masked(&a, &m, 42), flow_hash_masked(&b, &m, 42));
	flow_apply_mask(&masked, &b, &m);
	assert_int_equal(masked.nw_src, 0x0a000000);
	assert_int_equal(masked.tp_src, 0);
	assert_int_equal(masked.in_port, 7);
	assert_int_equal(flow_hash(&masked, 42), flow_hash_masked(&a, &m, 42));

	m.tp_src = 0xffff;
	assert_false(flow_equal_masked(&a, &b, &m));
	assert_int_not_equal(flow_hash_masked(&a, &m, 42), flow_hash_masked(&b, &m, 42));
	assert_int_not_equal(flow_hash(&a, 1), flow_hash(&a, 2));
	assert_int_equal(flow_hash(&a, 1), flow_hash(&a, 1));

	/* Spread: 1000 flows differing in one field, in each word position. */
	for (size_t w = 0; w < FLOW_U64S; w++) {
		uint64_t *words = (uint64_t *)(void *)&b;

		distinct = 0;
		for (int i = 0; i < 1000; i++) {
			b = a;
			words[w] += (uint64_t)i << (w % 4 * 16);
			hashes[i] = flow_hash(&b, 0);
			for (int j = 0; j < i; j++)
				if (hashes[j] == hashes[i])
					goto dup;
			distinct++;
		dup:;
		}
		assert_true(distinct >= 999);
	}

	/* Swapping two words changes the hash. */
	{
		uint64_t w[4] = {1, 2, 3, 4}, s[4] = {2, 1, 3, 4};

		assert_int_not_equal(hash_words64(w, 4, 0), hash_words64(s, 4, 0));
		assert_int_not_equal(hash_words64(w, 3, 0), hash_words64(w, 4, 0));
	}
}

static void test_hash_bytes(void **state)
{
	uint8_t buf[64 + 1];
	uint64_t aligned[8];

	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)(i * 7 + 1);
	for (size_t n = 0; n <= 64; n++) {
		memcpy(aligned, buf + 1, n);
		assert_int_equal(hash_bytes(buf + 1, n, 5), hash_bytes(aligned, n, 5));
		if (n)
			assert_int_not_equal(hash_bytes(buf + 1, n, 5),
			                     hash_bytes(buf + 1, n - 1, 5));
	}
	assert_int_not_equal(hash_int(1, 0), hash_int(2, 0));
	assert_int_not_equal(hash_u64(1, 0), hash_u64(1ull << 32, 0));
	assert_int_equal(hash_finish(hash_add32(hash_add32(9, 1), 2), 8),
	                 hash_finish(hash_add64(9, 1 | 2ull << 32), 8));
}

static void test_format(void **state)
{
	struct tb t;
	struct flow f, m;
	char buf[512];
	int n;

	tb_eth(&t, 0, NULL, NULL, ETH_TYPE_IPV4);
	tb_ipv4(&t, 6, 0x0a000001, 0x0a000002, 0xb9, 64, 0, 20, 0);
	tb_tcp(&t, 1234, 80, 0x012, 0);
	extract(&t, t.len, &f);

	memset(&m, 0, sizeof m);
	m.in_port = UINT32_MAX;
	memset(m.dl_src, 0xff, 6);
	memset(m.dl_dst, 0xff, 6);
	m.dl_type = 0xffff;
	m.nw_src = 0xffffff00;
	n = flow_format(&f, &m, buf, sizeof buf);
	assert_string_equal(buf, "in_port=7,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,"
	                         "dl_type=0x800,nw_src=10.0.0.0/255.255.255.0");
	assert_int_equal(n, (int)strlen(buf));

	flow_format(&f, NULL, buf, sizeof buf);
	assert_string_equal(buf, "in_port=7,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,"
	                         "vlan_tci=0x0,dl_type=0x800,nw_src=10.0.0.1,nw_dst=10.0.0.2,"
	                         "nw_proto=6,nw_tos=184,nw_ecn=1,nw_ttl=64,nw_frag=no,"
	                         "tp_src=1234,tp_dst=80,tcp_flags=0x12");

	/* Truncation: NUL-terminated, returns the full length. */
	n = flow_format(&f, NULL, NULL, 0);
	assert_int_equal(n, (int)strlen(buf));
	memset(buf, 'x', sizeof buf);
	assert_int_equal(flow_format(&f, NULL, buf, 10), n);
	assert_int_equal(strlen(buf), 9);
	assert_int_equal(buf[10], 'x');

	/* Empty mask: empty string. */
	memset(&m, 0, sizeof m);
	assert_int_equal(flow_format(&f, &m, buf, sizeof buf), 0);
	assert_string_equal(buf, "");

	/* ARP and ICMP names. */
	build_arp(&t, 1);
	extract(&t, t.len, &f);
	flow_format(&f, NULL, buf, sizeof buf);
	assert_non_null(strstr(buf, "dl_type=0x806,arp_spa=10.0.0.1,arp_tpa=10.0.0.254,arp_op=1,"
	                            "arp_sha=02:00:00:00:00:01,arp_tha=00:00:00:00:00:99"));

	tb_eth(&t, 0, NULL, NULL, ETH_TYPE_IPV4);
	tb_ipv4(&t, 1, 1, 2, 0, 9, 0x2000, 8, 0);
	tb_icmp(&t, 3, 4, 0);
	extract(&t, t.len, &f);
	flow_format(&f, NULL, buf, sizeof buf);
	assert_non_null(strstr(buf, "nw_frag=first,icmp_type=3,icmp_code=4"));

	build_nd(&t, 135, 1, 1);
	extract(&t, t.len, &f);
	f.tun_id = 0x55;
	f.regs[3] = 9;
	flow_format(&f, NULL, buf, sizeof buf);
	assert_true(!strncmp(buf, "tun_id=0x55,reg3=0x9,in_port=7,", 31));
	assert_non_null(strstr(buf, "ipv6_src=2001:db8::1,ipv6_dst=2001:db8::2,ipv6_label=0x0,"
	                            "nw_proto=58"));
	assert_non_null(strstr(buf, "nd_sll=0a:0b:0c:0d:0e:0f,nd_target=2001:db8::2,"
	                            "icmpv6_type=135,icmpv6_code=0"));

	/* Partial masks. */
	memset(&m, 0, sizeof m);
	m.vlan_tci = 0x1fff;
	m.nw_frag = FLOW_NW_FRAG_ANY;
	memset(m.ipv6_src, 0xff, 8);
	m.tp_src = 0xf0;
	f.vlan_tci = 0x1005;
	f.dl_type = 0x1234; /* not IP: tp_* keep their generic names */
	flow_format(&f, &m, buf, sizeof buf);
	assert_string_equal(buf, "vlan_tci=0x1005/0x1fff,ipv6_src=2001:db8::/ffff:ffff:ffff:ffff::,"
	                         "nw_frag=no,tp_src=0x80/0xf0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_eth_only),
	        cmocka_unit_test(test_vlans),
	        cmocka_unit_test(test_ipv4_tcp),
	        cmocka_unit_test(test_ipv4_udp_sctp_icmp_options),
	        cmocka_unit_test(test_ipv4_fragments),
	        cmocka_unit_test(test_ipv6),
	        cmocka_unit_test(test_ipv6_fragments),
	        cmocka_unit_test(test_nd),
	        cmocka_unit_test(test_arp),
	        cmocka_unit_test(test_llc_snap),
	        cmocka_unit_test(test_mask_hash_equal),
	        cmocka_unit_test(test_hash_bytes),
	        cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
