/* test-tunnel-hdr.c - unit tests for the tunnel headers (netdev/tnl-*.c):
 * VXLAN, Geneve and GRE built and parsed back, checksums, malformed and
 * truncated headers, the whole-frame builder (Ethernet + outer headers), the
 * UDP source port hash, and the port option splitter of netdev-tunnel.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "lib/csum.h"
#include "netdev/netdev-tunnel.h"
#include "netdev/tnl-hdr.h"

/* An Ethernet + IPv4 + UDP frame with 'payload' bytes. */
static size_t inner_frame(uint8_t *f, uint16_t sport, size_t payload)
{
	static const uint8_t macs[12] = {0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2};
	size_t len = 14 + 20 + 8 + payload;

	memset(f, 0, len);
	memcpy(f, macs, 12);
	pb_put_be16(f + 12, 0x0800);
	f[14] = 0x45;
	f[15] = 0xb8; /* DSCP 46 */
	pb_put_be16(f + 16, (uint16_t)(len - 14));
	f[22] = 64;
	f[23] = 17;
	pb_put_be32(f + 26, 0x0a000001);
	pb_put_be32(f + 30, 0x0a000002);
	pb_put_be16(f + 34, sport);
	pb_put_be16(f + 36, 80);
	for (size_t i = 0; i < payload; i++)
		f[42 + i] = (uint8_t)i;
	return len;
}

/* Builds 'e' around 'inner' into 'pkt' and checks the outer IPv4 header. */
static size_t encap(const struct tnl_encap *e, const uint8_t *inner, size_t ilen, uint8_t *pkt)
{
	int hlen = tnl_build(e, inner, ilen, pkt);

	assert_true(hlen > 0);
	assert_int_equal((size_t)hlen, tnl_hdr_len(e));
	memcpy(pkt + hlen, inner, ilen);
	assert_int_equal(pkt[0], 0x45);
	assert_int_equal(pb_get_be16(pkt + 2), hlen + ilen);
	assert_int_equal(csum(pkt, 20), 0);
	assert_int_equal(pkt[8], e->ttl);
	assert_int_equal(pkt[1], e->tos);
	assert_int_equal(pb_get_be16(pkt + 6), e->df ? 0x4000 : 0);
	return (size_t)hlen + ilen;
}

/* Verifies the UDP checksum of the IPv4 packet 'pkt'. */
static void check_udp_csum(const uint8_t *pkt, size_t len)
{
	uint32_t sum = csum_pseudo_ipv4(pb_get_be32(pkt + 12), pb_get_be32(pkt + 16), 17,
	                                (uint32_t)(len - 20));

	assert_int_not_equal(pb_get_be16(pkt + 26), 0);
	assert_int_equal(csum_finish(csum_partial(pkt + 20, len - 20, sum)), 0);
}

static void test_vxlan(void **state)
{
	uint8_t inner[200], pkt[300];
	size_t ilen = inner_frame(inner, 1234, 100), len;
	struct tnl_encap e = {.proto = TNL_VXLAN,
	                      .src = 0xc0a80001,
	                      .dst = 0xc0a80002,
	                      .ttl = 64,
	                      .tos = 0,
	                      .df = true,
	                      .udp_csum = true,
	                      .udp_src = 50000,
	                      .udp_dst = 4789,
	                      .key = 0x123456};
	struct pkt_tnl md;
	int ofs;

	(void)state;
	len = encap(&e, inner, ilen, pkt);
	assert_int_equal(len, 20 + 8 + 8 + ilen);
	assert_int_equal(pkt[9], 17);
	assert_int_equal(pb_get_be16(pkt + 20), 50000);
	assert_int_equal(pb_get_be16(pkt + 22), 4789);
	assert_int_equal(pb_get_be16(pkt + 24), len - 20);
	check_udp_csum(pkt, len);
	assert_int_equal(pkt[28], 0x08);
	ofs = tnl_vxlan_parse(pkt + 28, len - 28, &md);
	assert_int_equal(ofs, 8);
	assert_int_equal(md.tun_id, 0x123456);
	assert_memory_equal(pkt + 28 + ofs, inner, ilen);

	/* No checksum asked: zero. */
	e.udp_csum = false;
	len = encap(&e, inner, ilen, pkt);
	assert_int_equal(pb_get_be16(pkt + 26), 0);
	/* Keys wider than 24 bits are cut to the VNI. */
	e.key = 0xff000001;
	len = encap(&e, inner, ilen, pkt);
	assert_int_equal(tnl_vxlan_parse(pkt + 28, len - 28, &md), 8);
	assert_int_equal(md.tun_id, 1);

	/* The I flag is required; reserved bits are ignored. */
	pkt[28] = 0x00;
	assert_int_equal(tnl_vxlan_parse(pkt + 28, len - 28, &md), -EINVAL);
	pkt[28] = 0xff;
	assert_int_equal(tnl_vxlan_parse(pkt + 28, len - 28, &md), 8);
	/* Too short for a header and an Ethernet frame. */
	for (size_t l = 0; l < 8 + 14; l++)
		assert_int_equal(tnl_vxlan_parse(pkt + 28, l, &md), -EINVAL);
}

/* The IPv4 header checksum computed the slow way (RFC 1071: the ones'
 * complement of the ones' complement sum of the 16-bit words, the checksum
 * field taken as zero), independent of lib/csum. */
static uint16_t ref_ipv4_csum(const uint8_t *h)
{
	uint32_t sum = 0;

	for (int i = 0; i < 20; i += 2)
		if (i != 10)
			sum += (uint32_t)h[i] << 8 | h[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void test_build_frame(void **state)
{
	static const uint8_t dmac[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x01};
	static const uint8_t smac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x02};
	uint8_t inner[1600], hdr[TNL_MAX_FRAME_HLEN], ref[TNL_MAX_HLEN], pkt[1700];
	const enum tnl_proto protos[] = {TNL_VXLAN, TNL_GENEVE, TNL_GRE};
	const uint16_t ids[] = {0, 1, 0x1234, 0xffff};

	(void)state;
	for (size_t p = 0; p < 3; p++) {
		for (size_t k = 0; k < 4; k++) {
			size_t ilen = inner_frame(inner, (uint16_t)(1000 + k), 7 + 333 * k), len;
			struct tnl_encap e = {.proto = protos[p],
			                      .src = 0x0a630001,
			                      .dst = 0xc0a8fe02 + (uint32_t)k,
			                      .ttl = (uint8_t)(1 + 80 * k),
			                      .tos = (uint8_t)(0x2e * k),
			                      .df = k != 2,
			                      .ip_id = ids[k],
			                      .udp_csum = true,
			                      .udp_src = 49152,
			                      .udp_dst = 4789,
			                      .key = 5 + k,
			                      .gnv_data = k == 3 ? 0x0102030405060708 : 0};
			int n = tnl_build_frame(&e, dmac, smac, inner, ilen, hdr);
			const uint8_t *ip = hdr + TNL_ETH_HLEN;

			assert_int_equal(n, TNL_ETH_HLEN + (int)tnl_hdr_len(&e));
			assert_true(n <= TNL_MAX_FRAME_HLEN);
			assert_memory_equal(hdr, dmac, 6);
			assert_memory_equal(hdr + 6, smac, 6);
			assert_int_equal(pb_get_be16(hdr + 12), 0x0800);
			/* The same outer header as tnl_build()'s, after Ethernet. */
			assert_int_equal(tnl_build(&e, inner, ilen, ref), n - TNL_ETH_HLEN);
			assert_memory_equal(ip, ref, (size_t)n - TNL_ETH_HLEN);
			/* IPv4: ID, flags, length, the header checksum. */
			assert_int_equal(pb_get_be16(ip + 4), ids[k]);
			assert_int_equal(pb_get_be16(ip + 6), e.df ? 0x4000 : 0);
			assert_int_equal(pb_get_be16(ip + 2), n - TNL_ETH_HLEN + (int)ilen);
			assert_int_equal(pb_get_be16(ip + 10), ref_ipv4_csum(ip));
			assert_int_equal(csum(ip, 20), 0);
			assert_int_equal(pb_get_be32(ip + 16), e.dst);
			/* The whole frame parses back; the UDP checksum holds. */
			len = (size_t)n - TNL_ETH_HLEN;
			memcpy(pkt, ip, len);
			memcpy(pkt + len, inner, ilen);
			len += ilen;
			if (protos[p] != TNL_GRE)
				check_udp_csum(pkt, len);
			{
				uint32_t src, dst;
				uint8_t proto;
				size_t l4;

				assert_int_equal(tnl_ipv4_parse(pkt, len, &src, &dst, &proto, &l4),
				                 20);
				assert_int_equal(l4, len - 20);
			}
		}
	}
	/* Too big for IPv4: refused, nothing assumed about 'hdr'. */
	{
		static uint8_t big[65536];
		struct tnl_encap e = {.proto = TNL_VXLAN, .src = 1, .dst = 2, .ttl = 1};

		assert_int_equal(tnl_build_frame(&e, dmac, smac, big, 65535 - 35, hdr), -EMSGSIZE);
		assert_int_equal(tnl_build_frame(&e, dmac, smac, big, 65535 - 36, hdr),
		                 TNL_ETH_HLEN + 36);
	}
}

static void test_geneve(void **state)
{
	uint8_t inner[200], pkt[300];
	size_t ilen = inner_frame(inner, 99, 50), len;
	struct tnl_encap e = {.proto = TNL_GENEVE,
	                      .src = 0x0a0a0a01,
	                      .dst = 0x0a0a0a02,
	                      .ttl = 9,
	                      .tos = 0x10,
	                      .df = true,
	                      .udp_csum = true,
	                      .udp_src = 60000,
	                      .udp_dst = 6081,
	                      .key = 77};
	struct pkt_tnl md;
	int ofs;

	(void)state;
	/* No option. */
	len = encap(&e, inner, ilen, pkt);
	assert_int_equal(len, 20 + 8 + 8 + ilen);
	check_udp_csum(pkt, len);
	assert_int_equal(pb_get_be16(pkt + 30), 0x6558);
	ofs = tnl_geneve_parse(pkt + 28, len - 28, &md);
	assert_int_equal(ofs, 8);
	assert_int_equal(md.tun_id, 77);
	assert_int_equal(md.gnv_class | md.gnv_type | md.gnv_len, 0);

	/* An 8-byte option (len 0 with data means 8). */
	e.gnv_class = 0x0102;
	e.gnv_type = 0x03;
	e.gnv_data = 0x1122334455667788ull;
	len = encap(&e, inner, ilen, pkt);
	assert_int_equal(len, 20 + 8 + 8 + 12 + ilen);
	check_udp_csum(pkt, len);
	assert_int_equal(pkt[28] & 0x3f, 3);
	ofs = tnl_geneve_parse(pkt + 28, len - 28, &md);
	assert_int_equal(ofs, 20);
	assert_int_equal(md.gnv_class, 0x0102);
	assert_int_equal(md.gnv_type, 3);
	assert_int_equal(md.gnv_len, 8);
	assert_true(md.gnv_data == 0x1122334455667788ull);
	assert_memory_equal(pkt + 28 + ofs, inner, ilen);

	/* A 4-byte critical option sets the C bit. */
	e.gnv_type = 0x83;
	e.gnv_len = 4;
	e.gnv_data = 0xdeadbeef;
	len = encap(&e, inner, ilen, pkt);
	assert_int_equal(pkt[29] & 0x40, 0x40);
	ofs = tnl_geneve_parse(pkt + 28, len - 28, &md);
	assert_int_equal(ofs, 16);
	assert_int_equal(md.gnv_len, 4);
	assert_true(md.gnv_data == 0xdeadbeef);

	/* A present option with class/type only and no data. */
	assert_int_equal(tnl_geneve_opt_data_len(1, 0, 0, 0), 0);
	assert_int_equal(tnl_geneve_opt_data_len(0, 0, 0, 0), -1);
	assert_int_equal(tnl_geneve_opt_data_len(0, 0, 3, 0), 4);
	assert_int_equal(tnl_geneve_opt_data_len(0, 0, 5, 0), 8);

	/* Version 1, the O bit, another protocol: refused. */
	pkt[28] |= 0x40;
	assert_int_equal(tnl_geneve_parse(pkt + 28, len - 28, &md), -EINVAL);
	pkt[28] &= 0x3f;
	pkt[29] |= 0x80;
	assert_int_equal(tnl_geneve_parse(pkt + 28, len - 28, &md), -EPROTONOSUPPORT);
	pkt[29] &= 0x7f;
	pb_put_be16(pkt + 30, 0x0800);
	assert_int_equal(tnl_geneve_parse(pkt + 28, len - 28, &md), -EPROTONOSUPPORT);
	pb_put_be16(pkt + 30, 0x6558);
	/* An option longer than the options area. */
	pkt[28 + 8 + 3] = 5;
	assert_int_equal(tnl_geneve_parse(pkt + 28, len - 28, &md), -EINVAL);
	for (size_t l = 0; l < 16 + 14; l++) {
		pkt[28 + 8 + 3] = 1;
		assert_true(tnl_geneve_parse(pkt + 28, l, &md) < 0);
	}
}

static void test_geneve_options(void **state)
{
	/* Hand-built: a 12-byte first option (not kept) then a kept one. */
	uint8_t p[8 + 16 + 8 + 14];
	struct pkt_tnl md;

	(void)state;
	memset(p, 0, sizeof p);
	p[0] = (16 + 8) / 4;
	pb_put_be16(p + 2, 0x6558);
	pb_put_be32(p + 4, 5u << 8);
	pb_put_be16(p + 8, 0xaaaa);
	p[10] = 0x01; /* not critical */
	p[11] = 3;    /* 12 data bytes */
	pb_put_be16(p + 24, 0xbbbb);
	p[26] = 0x02;
	p[27] = 1;
	pb_put_be32(p + 28, 0x01020304);
	assert_int_equal(tnl_geneve_parse(p, sizeof p, &md), 32);
	assert_int_equal(md.gnv_class, 0xbbbb);
	assert_int_equal(md.gnv_len, 4);
	assert_int_equal(md.tun_id, 5);
	/* The unkept first option is critical: the packet is refused. */
	p[10] = 0x81;
	assert_int_equal(tnl_geneve_parse(p, sizeof p, &md), -EPROTONOSUPPORT);
	/* A second critical option after the kept one: refused too. */
	p[10] = 0x01;
	p[11] = 0;
	p[0] = (4 + 8) / 4; /* option 1: 4 bytes, option 2 at 12: 8 bytes */
	pb_put_be16(p + 12, 0xcccc);
	p[14] = 0x80;
	p[15] = 1;
	assert_int_equal(tnl_geneve_parse(p, sizeof p, &md), -EPROTONOSUPPORT);
}

static void test_gre(void **state)
{
	uint8_t inner[200], pkt[300];
	size_t ilen = inner_frame(inner, 7, 64), len;
	struct tnl_encap e = {.proto = TNL_GRE,
	                      .src = 0x01020304,
	                      .dst = 0x05060708,
	                      .ttl = 64,
	                      .df = true,
	                      .key = 0xabcdef01};
	uint32_t src, dst;
	struct pkt_tnl md;
	uint8_t proto;
	size_t l4;
	int ofs;

	(void)state;
	len = encap(&e, inner, ilen, pkt);
	assert_int_equal(len, 20 + 8 + ilen);
	assert_int_equal(pkt[9], 47);
	assert_int_equal(tnl_ipv4_parse(pkt, len, &src, &dst, &proto, &l4), 20);
	assert_int_equal(src, 0x01020304);
	assert_int_equal(dst, 0x05060708);
	assert_int_equal(proto, 47);
	assert_int_equal(l4, len - 20);
	ofs = tnl_gre_parse(pkt + 20, l4, &md);
	assert_int_equal(ofs, 8);
	assert_true(md.tun_id == 0xabcdef01);

	/* Key 0: no key field. */
	e.key = 0;
	len = encap(&e, inner, ilen, pkt);
	assert_int_equal(len, 20 + 4 + ilen);
	assert_int_equal(pb_get_be16(pkt + 20), 0);
	assert_int_equal(tnl_gre_parse(pkt + 20, len - 20, &md), 4);
	assert_int_equal(md.tun_id, 0);

	/* With a checksum (hand-built): good, then corrupted. */
	{
		uint8_t g[8 + 200];

		pb_put_be16(g, 0x8000);
		pb_put_be16(g + 2, 0x6558);
		pb_put_be32(g + 4, 0);
		memcpy(g + 8, inner, ilen);
		pb_put_be16(g + 4, csum(g, 8 + ilen));
		assert_int_equal(tnl_gre_parse(g, 8 + ilen, &md), 8);
		g[20] ^= 1;
		assert_int_equal(tnl_gre_parse(g, 8 + ilen, &md), -EBADMSG);
	}
	/* Version 1 (PPTP), routing, another protocol. */
	pb_put_be16(pkt + 20, 0x0001);
	assert_int_equal(tnl_gre_parse(pkt + 20, len - 20, &md), -EINVAL);
	pb_put_be16(pkt + 20, 0x4000);
	assert_int_equal(tnl_gre_parse(pkt + 20, len - 20, &md), -EINVAL);
	pb_put_be16(pkt + 20, 0);
	pb_put_be16(pkt + 22, 0x0800);
	assert_int_equal(tnl_gre_parse(pkt + 20, len - 20, &md), -EPROTONOSUPPORT);
	for (size_t l = 0; l < 4 + 14; l++)
		assert_true(tnl_gre_parse(pkt + 20, l, &md) < 0);
}

static void test_ipv4_parse(void **state)
{
	uint8_t p[40];
	uint32_t s, d;
	uint8_t proto;
	size_t l4;

	(void)state;
	memset(p, 0, sizeof p);
	p[0] = 0x45;
	pb_put_be16(p + 2, 40);
	p[9] = 47;
	assert_int_equal(tnl_ipv4_parse(p, 40, &s, &d, &proto, &l4), 20);
	assert_int_equal(l4, 20);
	assert_int_equal(tnl_ipv4_parse(p, 39, &s, &d, &proto, &l4), -EINVAL); /* tot > len */
	pb_put_be16(p + 6, 0x2000);                                            /* MF */
	assert_int_equal(tnl_ipv4_parse(p, 40, &s, &d, &proto, &l4), -EINVAL);
	pb_put_be16(p + 6, 0);
	p[0] = 0x44;
	assert_int_equal(tnl_ipv4_parse(p, 40, &s, &d, &proto, &l4), -EINVAL);
	p[0] = 0x65;
	assert_int_equal(tnl_ipv4_parse(p, 40, &s, &d, &proto, &l4), -EINVAL);
}

static void test_udp_src_port(void **state)
{
	uint8_t f[200];
	uint16_t seen[64];
	unsigned distinct = 0;

	(void)state;
	for (uint16_t i = 0; i < 64; i++) {
		size_t len = inner_frame(f, (uint16_t)(1000 + i), 10);
		uint16_t p = tnl_udp_src_port(f, len);
		bool dup = false;

		assert_true(p >= 49152);
		assert_int_equal(p, tnl_udp_src_port(f, len)); /* stable */
		for (unsigned j = 0; j < distinct; j++)
			dup |= seen[j] == p;
		if (!dup)
			seen[distinct++] = p;
	}
	assert_true(distinct > 48);
	assert_int_equal(tnl_udp_src_port(f, 3), 49152);
}

static void test_options_split(void **state)
{
	static const char *const allowed[] = {"remote_ip", "key", NULL};
	char v[2][NETDEV_OPT_VAL_MAX];
	struct errmsg err = {""};

	(void)state;
	assert_int_equal(netdev_options_split("vx0", "remote_ip=1.2.3.4,key=5", allowed, v, &err),
	                 0);
	assert_string_equal(v[0], "1.2.3.4");
	assert_string_equal(v[1], "5");
	assert_int_equal(netdev_options_split("vx0", NULL, allowed, v, &err), 0);
	assert_string_equal(v[0], "");
	assert_int_equal(netdev_options_split("vx0", "foo=1", allowed, v, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "unknown option 'foo'"));
	assert_int_equal(netdev_options_split("vx0", "key=1,key=2", allowed, v, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "twice"));
	assert_int_equal(netdev_options_split("vx0", "key=", allowed, v, &err), -EINVAL);
	assert_int_equal(netdev_options_split("vx0", "key", allowed, v, &err), -EINVAL);
	assert_int_equal(netdev_options_split("vx0", "key=1,", allowed, v, &err), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_vxlan),          cmocka_unit_test(test_geneve),
	        cmocka_unit_test(test_geneve_options), cmocka_unit_test(test_gre),
	        cmocka_unit_test(test_ipv4_parse),     cmocka_unit_test(test_udp_src_port),
	        cmocka_unit_test(test_options_split),  cmocka_unit_test(test_build_frame),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
