/* test-dp-actions.c - unit tests for lib/csum, lib/packet-edit and
 * lib/dp-actions: checksums against a reference, every set-field on every
 * kind of packet (re-extraction shows the new value, checksums still verify
 * and equal a full recomputation), VLAN push/pop, dec_ttl, the output copy
 * rule, formatting, validation, ND target/SLL/TLL rewrites. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "lib/csum.h"
#include "lib/dp-actions.h"
#include "lib/eth.h"
#include "lib/flow.h"
#include "lib/packet-edit.h"
#include "pkt-build.h"

static const uint8_t v6a[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t v6b[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* ---- csum ---- */

static void test_csum(void **state)
{
	/* RFC 1071-style example: an IPv4 header whose checksum is 0xb861. */
	static const uint8_t hdr[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
	                                0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
	uint8_t buf[101];

	assert_int_equal(csum(hdr, 20), 0xb861);
	for (int iter = 0; iter < 2000; iter++) {
		size_t n = rng() % sizeof buf;
		uint16_t c;
		uint32_t w;

		for (size_t i = 0; i < n; i++)
			buf[i] = (uint8_t)rng();
		assert_int_equal(csum_partial(buf, n, 0) % 0xffff,
		                 ref_fold(ref_sum(buf, n, 0)) % 0xffff);
		if (n < 8)
			continue;
		/* Incremental updates verify like a recomputation. */
		c = csum(buf, n & ~1u);
		w = (uint32_t)rng();
		{
			size_t ofs = (rng() % ((n & ~1u) - 4)) & ~1u;
			uint32_t old = pb_get_be32(buf + ofs);
			uint16_t inc;

			pb_put_be32(buf + ofs, w);
			inc = csum_update32(c, old, w);
			assert_int_equal(ref_fold(ref_sum(buf, n & ~1u, inc)), 0xffff);
			old = pb_get_be16(buf + ofs);
			pb_put_be16(buf + ofs, (uint16_t)~w);
			inc = csum_update16(inc, (uint16_t)old, (uint16_t)~w);
			assert_int_equal(ref_fold(ref_sum(buf, n & ~1u, inc)), 0xffff);
		}
	}
}

static void test_crc32c(void **state)
{
	uint8_t buf[300];

	assert_int_equal(crc32c("123456789", 9), 0xe3069283u);
	assert_int_equal(crc32c_portable("123456789", 9), 0xe3069283u);
	for (size_t n = 0; n < sizeof buf; n += 7) {
		for (size_t i = 0; i < n; i++)
			buf[i] = (uint8_t)rng();
		assert_int_equal(crc32c(buf + 1, n - (n ? 1 : 0)),
		                 ref_crc32c(buf + 1, n - (n ? 1 : 0)));
		assert_int_equal(crc32c_portable(buf, n), ref_crc32c(buf, n));
	}
}

/* ---- test packets ---- */

enum kind {
	K_V4_TCP,
	K_V4_UDP,
	K_V4_UDP0, /* UDP checksum 0 */
	K_V4_ICMP,
	K_V4_SCTP,
	K_V4_FRAG_LATER,
	K_V6_TCP,
	K_V6_UDP,
	K_V6_ICMP,
	K_V6_SCTP,
	K_V6_EXT_UDP,
	K_ARP,
	K_VLAN_V4_TCP,
	K_QINQ_V6_TCP,
	K_V6_NS,       /* neighbor solicitation: nonce option, then SLL */
	K_V6_NA,       /* neighbor advertisement with a TLL option */
	K_V6_NS_NOOPT, /* solicitation with a nonce option but no SLL */
	K_N
};

struct tpkt {
	struct tb t;
	uint8_t proto; /* L4 protocol with a checksum to verify, 0 if none */
	bool sctp;
};

static const uint8_t nd_mac[6] = {0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};

/* An ICMPv6 NS (135) or NA (136) for target v6b with the options 'opts'
 * ('n_opts' bytes, already in 8-byte units) after it. */
static void build_nd(struct tb *t, uint8_t type, const uint8_t *opts, size_t n_opts)
{
	tb_eth(t, 0, NULL, NULL, ETH_TYPE_IPV6);
	tb_ipv6(t, 58, v6a, v6b, 0, 0, 255, 24 + n_opts);
	tb_u8(t, type);
	tb_u8(t, 0);
	tb_u16(t, 0);
	tb_u32(t, type == 136 ? 0x60000000 : 0); /* NA: solicited, override */
	tb_bytes(t, v6b, 16);
	tb_bytes(t, opts, n_opts);
}

static void build(enum kind k, struct tpkt *p)
{
	struct tb *t = &p->t;
	uint16_t tp[] = {ETH_TYPE_VLAN_8021AD, ETH_TYPE_VLAN}, tc[] = {0x2064, 0x0007};

	memset(p, 0, sizeof *p);
	switch (k) {
	case K_V4_TCP:
	case K_VLAN_V4_TCP:
		tb_eth(t, k == K_VLAN_V4_TCP, tp + 1, tc, ETH_TYPE_IPV4);
		tb_ipv4(t, 6, 0x0a000001, 0x0a000002, 0x10, 64, 0x4000, 20 + 11, 0);
		tb_tcp(t, 1234, 80, 0x18, 11);
		p->proto = 6;
		break;
	case K_V4_UDP:
	case K_V4_UDP0:
		tb_eth(t, 0, NULL, NULL, ETH_TYPE_IPV4);
		tb_ipv4(t, 17, 0xc0a80101, 0xc0a80102, 0, 17, 0, 8 + 5, 1);
		tb_udp(t, 5000, 53, 5);
		p->proto = k == K_V4_UDP ? 17 : 0;
		break;
	case K_V4_ICMP:
		tb_eth(t, 0, NULL, NULL, ETH_TYPE_IPV4);
		tb_ipv4(t, 1, 0x01020304, 0x05060708, 0, 3, 0, 8 + 6, 0);
		tb_icmp(t, 8, 0, 6);
		p->proto = 1;
		break;
	case K_V4_SCTP:
		tb_eth(t, 0, NULL, NULL, ETH_TYPE_IPV4);
		tb_ipv4(t, 132, 0x01020304, 0x05060708, 0, 3, 0, 12 + 20, 0);
		tb_sctp(t, 2905, 36412, 20);
		p->sctp = true;
		break;
	case K_V4_FRAG_LATER:
		tb_eth(t, 0, NULL, NULL, ETH_TYPE_IPV4);
		tb_ipv4(t, 6, 0x0a000001, 0x0a000002, 0, 64, 100, 20, 0);
		tb_fill(t, 0x77, 20);
		break;
	case K_V6_TCP:
	case K_QINQ_V6_TCP:
		tb_eth(t, k == K_QINQ_V6_TCP ? 2 : 0, tp, tc, ETH_TYPE_IPV6);
		tb_ipv6(t, 6, v6a, v6b, 0x11, 0x12345, 64, 20 + 3);
		tb_tcp(t, 33000, 22, 0x02, 3);
		p->proto = 6;
		break;
	case K_V6_UDP:
		tb_eth(t, 0, NULL, NULL, ETH_TYPE_IPV6);
		tb_ipv6(t, 17, v6a, v6b, 0, 0, 1, 8 + 9);
		tb_udp(t, 546, 547, 9);
		p->proto = 17;
		break;
	case K_V6_ICMP:
		tb_eth(t, 0, NULL, NULL, ETH_TYPE_IPV6);
		tb_ipv6(t, 58, v6a, v6b, 0, 0, 255, 8 + 4);
		tb_icmp(t, 128, 0, 4);
		p->proto = 58;
		break;
	case K_V6_SCTP:
		tb_eth(t, 0, NULL, NULL, ETH_TYPE_IPV6);
		tb_ipv6(t, 132, v6a, v6b, 0, 0, 9, 12 + 7);
		tb_sctp(t, 1, 2, 7);
		p->sctp = true;
		break;
	case K_V6_EXT_UDP:
		tb_eth(t, 0, NULL, NULL, ETH_TYPE_IPV6);
		tb_ipv6(t, 0, v6a, v6b, 0, 0, 9, 8 + 8 + 2);
		tb_u8(t, 17);
		tb_fill(t, 0, 7);
		t->l4 = t->len;
		tb_udp(t, 100, 200, 2);
		p->proto = 17;
		break;
	case K_V6_NS:
	case K_V6_NA:
	case K_V6_NS_NOOPT: {
		uint8_t opts[16] = {14, 1, 1, 2, 3, 4, 5, 6, 1, 1}; /* nonce; SLL */

		memcpy(opts + 10, nd_mac, 6);
		if (k == K_V6_NA)
			build_nd(t, 136, (const uint8_t *)"\x02\x01\x0a\x0b\x0c\x0d\x0e\x0f", 8);
		else
			build_nd(t, 135, opts, k == K_V6_NS ? 16 : 8);
		p->proto = 58;
		break;
	}
	case K_ARP:
		tb_eth(t, 0, NULL, NULL, ETH_TYPE_ARP);
		tb_u16(t, 1);
		tb_u16(t, ETH_TYPE_IPV4);
		tb_u8(t, 6);
		tb_u8(t, 4);
		tb_u16(t, 1);
		tb_bytes(t, tb_src, 6);
		tb_u32(t, 0x0a000001);
		tb_fill(t, 0, 6);
		tb_u32(t, 0x0a000002);
		break;
	default:
		fail();
	}
	if (p->proto)
		tb_l4_csum(t, p->proto);
	if (p->sctp)
		tb_sctp_csum(t);
	tb_fill(t, 0, 6); /* Ethernet padding after the IP datagram */
}

/* Every checksum of the packet verifies, and equals a full recomputation
 * (modulo the +0/-0 ambiguity of one's complement). */
static void verify_checksums(const struct tpkt *p, const uint8_t *data)
{
	const struct tb *t = &p->t;
	const uint8_t *ip = data + t->l3;

	if (t->b[t->l3 - 2] == 0x08 && t->b[t->l3 - 1] == 0x00) {
		size_t hl = (size_t)(ip[0] & 0xf) * 4;

		assert_int_equal(ref_fold(ref_sum(ip, hl, 0)), 0xffff);
	}
	if (p->proto) {
		struct tb copy = *t;
		size_t cofs = p->proto == 6 ? 16 : p->proto == 17 ? 6 : 2;
		uint16_t stored, want;

		memcpy(copy.b, data, t->len);
		copy.len = t->len - 6; /* without the padding */
		stored = pb_get_be16(copy.b + t->l4 + cofs);
		tb_l4_csum(&copy, p->proto);
		want = pb_get_be16(copy.b + t->l4 + cofs);
		if (stored != want && !(stored == 0xffff && want == 0) &&
		    !(stored == 0 && want == 0xffff))
			fail_msg("L4 checksum %#x, recomputed %#x", stored, want);
	}
	if (p->sctp) {
		size_t n = t->len - 6 - t->l4;
		uint8_t s[256];
		uint32_t c;

		memcpy(s, data + t->l4, n);
		memset(s + 8, 0, 4);
		c = ref_crc32c(s, n);
		assert_int_equal(data[t->l4 + 8] | data[t->l4 + 9] << 8 | data[t->l4 + 10] << 16 |
		                         (uint32_t)data[t->l4 + 11] << 24,
		                 c);
	}
}

/* Recording dp_exec_ops: copies each output's bytes. */
struct rec {
	int n;
	uint32_t ports[8];
	unsigned flags[8];
	uint8_t bytes[8][600];
	uint32_t lens[8];
	struct dp_tunnel_md tun[8];
	int n_up;
	uint64_t cookies[4];
	struct flow up_flow;
};

static void rec_output(void *aux, uint32_t port, const struct pkt *pkt, unsigned flags,
                       const struct dp_tunnel_md *tun)
{
	struct rec *r = aux;

	assert_true(r->n < 8);
	r->ports[r->n] = port;
	r->flags[r->n] = flags;
	r->lens[r->n] = pkt->len;
	memcpy(r->bytes[r->n], pkt->data, pkt->len);
	r->tun[r->n] = *tun;
	r->n++;
}

static void rec_userspace(void *aux, uint64_t cookie, const struct pkt *pkt, unsigned flags,
                          const struct flow *flow)
{
	struct rec *r = aux;

	r->cookies[r->n_up++] = cookie;
	if (flow)
		r->up_flow = *flow;
}

static const struct dp_exec_ops rec_ops = {.output = rec_output, .userspace = rec_userspace};

/* Does the packet kind have the header that field 'f' lives in? */
static bool kind_has(enum kind k, enum dp_field f)
{
	bool v4 = k <= K_V4_FRAG_LATER || k == K_VLAN_V4_TCP;
	bool v6 = k >= K_V6_TCP && k <= K_V6_EXT_UDP;
	bool tcp = k == K_V4_TCP || k == K_VLAN_V4_TCP || k == K_V6_TCP || k == K_QINQ_V6_TCP;
	bool udp = k == K_V4_UDP || k == K_V4_UDP0 || k == K_V6_UDP || k == K_V6_EXT_UDP;
	bool sctp = k == K_V4_SCTP || k == K_V6_SCTP;
	bool nd = k == K_V6_NS || k == K_V6_NA || k == K_V6_NS_NOOPT;

	v6 |= k == K_QINQ_V6_TCP || nd;
	switch (f) {
	case DP_FIELD_ETH_SRC:
	case DP_FIELD_ETH_DST:
		return true;
	case DP_FIELD_VLAN_VID:
	case DP_FIELD_VLAN_PCP:
		return k == K_VLAN_V4_TCP || k == K_QINQ_V6_TCP;
	case DP_FIELD_IPV4_SRC:
	case DP_FIELD_IPV4_DST:
	case DP_FIELD_IPV4_TOS:
	case DP_FIELD_IPV4_TTL:
		return v4;
	case DP_FIELD_IPV6_SRC:
	case DP_FIELD_IPV6_DST:
	case DP_FIELD_IPV6_LABEL:
	case DP_FIELD_IPV6_TC:
	case DP_FIELD_IPV6_HLIMIT:
		return v6;
	case DP_FIELD_TCP_SRC:
	case DP_FIELD_TCP_DST:
		return tcp;
	case DP_FIELD_UDP_SRC:
	case DP_FIELD_UDP_DST:
		return udp;
	case DP_FIELD_SCTP_SRC:
	case DP_FIELD_SCTP_DST:
		return sctp;
	case DP_FIELD_ICMP_TYPE:
	case DP_FIELD_ICMP_CODE:
		return k == K_V4_ICMP;
	case DP_FIELD_ICMPV6_TYPE:
	case DP_FIELD_ICMPV6_CODE:
		return k == K_V6_ICMP || nd;
	case DP_FIELD_ND_TARGET:
		return nd;
	case DP_FIELD_ND_SLL:
		return k == K_V6_NS; /* K_V6_NS_NOOPT lacks the option */
	case DP_FIELD_ND_TLL:
		return k == K_V6_NA;
	case DP_FIELD_ARP_OP:
	case DP_FIELD_ARP_SPA:
	case DP_FIELD_ARP_TPA:
	case DP_FIELD_ARP_SHA:
	case DP_FIELD_ARP_THA:
		return k == K_ARP;
	default:
		return false;
	}
}

/* The flow field a dp_field shows up in after re-extraction, as an integer
 * (for integer fields). */
static uint64_t flow_int(const struct flow *fl, enum dp_field f)
{
	switch (f) {
	case DP_FIELD_VLAN_VID:
		return fl->vlan_tci & 0xfff; /* the outermost tag, as the edit */
	case DP_FIELD_VLAN_PCP:
		return fl->vlan_tci >> 13;
	case DP_FIELD_IPV4_SRC:
	case DP_FIELD_ARP_SPA:
		return fl->nw_src;
	case DP_FIELD_IPV4_DST:
	case DP_FIELD_ARP_TPA:
		return fl->nw_dst;
	case DP_FIELD_IPV4_TOS:
	case DP_FIELD_IPV6_TC:
		return fl->nw_tos;
	case DP_FIELD_IPV4_TTL:
	case DP_FIELD_IPV6_HLIMIT:
		return fl->nw_ttl;
	case DP_FIELD_IPV6_LABEL:
		return fl->ipv6_label;
	case DP_FIELD_TCP_SRC:
	case DP_FIELD_UDP_SRC:
	case DP_FIELD_SCTP_SRC:
	case DP_FIELD_ICMP_TYPE:
	case DP_FIELD_ICMPV6_TYPE:
		return fl->tp_src;
	case DP_FIELD_TCP_DST:
	case DP_FIELD_UDP_DST:
	case DP_FIELD_SCTP_DST:
	case DP_FIELD_ICMP_CODE:
	case DP_FIELD_ICMPV6_CODE:
		return fl->tp_dst;
	case DP_FIELD_ARP_OP:
		return fl->nw_proto;
	default:
		fail();
		return 0;
	}
}

static const uint8_t *flow_bytes(const struct flow *fl, enum dp_field f)
{
	switch (f) {
	case DP_FIELD_ETH_SRC:
		return fl->dl_src;
	case DP_FIELD_ETH_DST:
		return fl->dl_dst;
	case DP_FIELD_IPV6_SRC:
		return fl->ipv6_src;
	case DP_FIELD_IPV6_DST:
		return fl->ipv6_dst;
	case DP_FIELD_ARP_SHA:
	case DP_FIELD_ND_SLL:
		return fl->arp_sha;
	case DP_FIELD_ARP_THA:
	case DP_FIELD_ND_TLL:
		return fl->arp_tha;
	case DP_FIELD_ND_TARGET:
		return fl->nd_target;
	default:
		fail();
		return NULL;
	}
}

/* One set-field (exact when 'masked' is false) of 'f' on packet kind 'k'. */
static void check_set(enum kind k, enum dp_field f, bool masked)
{
	struct tpkt p;
	uint8_t room[8 + 600];
	struct pkt pkt = {.data = room + 8, .headroom = 8};
	struct flow before, fl, after;
	struct dp_actions acts;
	struct rec r;
	uint64_t v = 0, m = 0, expect = 0;
	uint8_t vb[16], mb[16], eb[16];
	unsigned nb = dp_field_n_bytes(f);

	build(k, &p);
	memcpy(pkt.data, p.t.b, p.t.len);
	pkt.len = (uint32_t)p.t.len;
	flow_extract(&pkt, 3, &before);
	fl = before;
	fl.regs[1] = 77; /* metadata survives */

	dp_actions_init(&acts);
	if (nb) {
		for (unsigned i = 0; i < nb; i++) {
			vb[i] = (uint8_t)(0x50 + i * 3);
			mb[i] = masked ? (i % 2 ? 0xf0 : 0xff) : 0xff;
		}
		dp_actions_put_set_bytes(&acts, f, vb, masked ? mb : NULL);
		memcpy(eb, flow_bytes(&before, f), nb);
		for (unsigned i = 0; i < nb; i++)
			eb[i] = (uint8_t)((eb[i] & ~mb[i]) | (vb[i] & mb[i]));
	} else {
		uint64_t max = dp_field_max(f);

		v = 0x5a5a5a5a5a5a5a5aull & max;
		if (f == DP_FIELD_ARP_OP)
			v = 0x42;
		m = masked ? 0x0f0f0f0f0f0f0f0full & max : max;
		dp_actions_put_set_int(&acts, f, v, m);
		if (kind_has(k, f))
			expect = (flow_int(&before, f) & ~m) | (v & m);
	}
	dp_actions_put_output(&acts, 9);

	memset(&r, 0, sizeof r);
	assert_int_equal(dp_execute(&pkt, &fl, &acts, &rec_ops, &r), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ports[0], 9);
	assert_int_equal(r.flags[0], 0);
	assert_int_equal(r.lens[0], p.t.len);
	assert_memory_equal(r.bytes[0], pkt.data, pkt.len);

	flow_extract(&pkt, 3, &after);
	if (!kind_has(k, f)) {
		assert_memory_equal(pkt.data, p.t.b, p.t.len); /* untouched */
	} else if (nb) {
		assert_memory_equal(flow_bytes(&after, f), eb, nb);
	} else {
		assert_int_equal(flow_int(&after, f), expect);
	}
	verify_checksums(&p, pkt.data);
	/* The executor kept the flow in step, metadata included. */
	assert_int_equal(fl.regs[1], 77);
	fl.regs[1] = 0;
	assert_memory_equal(&fl, &after, sizeof fl);
	dp_actions_uninit(&acts);
}

static void test_set_fields(void **state)
{
	for (int k = 0; k < K_N; k++)
		for (int f = 0; f < DP_N_FIELDS; f++) {
			if (f >= DP_FIELD_TUN_ID && f <= DP_FIELD_TUN_GNV_DATA) /* metadata only */
				continue;
			check_set(k, f, false);
			check_set(k, f, true);
		}
}

static void test_udp_zero_csum_and_sctp_bad_crc(void **state)
{
	struct tpkt p;
	struct pkt pkt;
	struct pkt_layers l;

	build(K_V4_UDP0, &p);
	pkt = (struct pkt){.data = p.t.b, .len = (uint32_t)p.t.len};
	pkt_layers_parse(&pkt, &l);
	assert_int_equal(l.l4_ofs, p.t.l4);
	assert_int_equal(pkt_set_ipv4_addr(&pkt, &l, true, 0x0b0b0b0b, UINT32_MAX), 0);
	assert_int_equal(pkt_set_l4_port(&pkt, &l, 17, false, 9999, 0xffff), 0);
	assert_int_equal(pb_get_be16(p.t.b + p.t.l4 + 6), 0);

	/* A wrong SCTP CRC stays wrong by the same amount. */
	build(K_V4_SCTP, &p);
	p.t.b[p.t.l4 + 8] ^= 0x5a;
	pkt = (struct pkt){.data = p.t.b, .len = (uint32_t)p.t.len};
	pkt_layers_parse(&pkt, &l);
	assert_int_equal(pkt_set_l4_port(&pkt, &l, 132, true, 1, 0xffff), 0);
	p.t.b[p.t.l4 + 8] ^= 0x5a;
	verify_checksums(&p, p.t.b);

	/* Wrong protocol: no change. */
	assert_int_equal(pkt_set_l4_port(&pkt, &l, 6, true, 1, 0xffff), -EINVAL);
}

static void test_layers(void **state)
{
	struct tpkt p;
	struct pkt pkt;
	struct pkt_layers l;

	build(K_QINQ_V6_TCP, &p);
	pkt = (struct pkt){.data = p.t.b, .len = (uint32_t)p.t.len};
	pkt_layers_parse(&pkt, &l);
	assert_int_equal(l.n_vlans, 2);
	assert_int_equal(l.l3_ofs, 22);
	assert_int_equal(l.l4_ofs, 62);
	assert_int_equal(l.l3_end, p.t.len - 6);
	assert_int_equal(l.flags, PKT_L_IPV6);
	assert_int_equal(l.nw_proto, 6);

	build(K_V4_FRAG_LATER, &p);
	pkt = (struct pkt){.data = p.t.b, .len = (uint32_t)p.t.len};
	pkt_layers_parse(&pkt, &l);
	assert_int_equal(l.flags, PKT_L_IPV4);
	assert_int_equal(l.l4_ofs, 0);

	/* Every truncation from an exact-size heap copy. */
	for (int k = 0; k < K_N; k++) {
		build(k, &p);
		for (size_t n = 0; n <= p.t.len; n++) {
			uint8_t *c = malloc(n ? n : 1);

			memcpy(c, p.t.b, n);
			pkt = (struct pkt){.data = c, .len = (uint32_t)n};
			pkt_layers_parse(&pkt, &l);
			assert_true(l.l3_end <= n);
			if (l.l4_ofs)
				assert_true(l.l4_ofs < l.l3_end);
			/* Edits on a truncated packet stay within it. */
			pkt_set_ipv4_addr(&pkt, &l, true, 1, UINT32_MAX);
			pkt_set_ipv6_addr(&pkt, &l, false, v6a, v6b);
			pkt_set_l4_port(&pkt, &l, l.nw_proto, true, 1, 0xffff);
			pkt_set_icmp(&pkt, &l, k == K_V6_ICMP, true, 1, 0xff);
			pkt_set_nd_target(&pkt, &l, v6a, v6b);
			pkt_set_nd_lla(&pkt, &l, k != K_V6_NA, v6a, v6b);
			pkt_set_arp_mac(&pkt, &l, false, v6a, v6b);
			pkt_set_vlan_tci(&pkt, 1, 0xfff);
			pkt_dec_ttl(&pkt, &l);
			free(c);
		}
	}
}

/* ND edits directly: which messages have which field, malformed option
 * lists, the checksum against a full recomputation. */
static void test_nd(void **state)
{
	static const uint8_t mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
	static const uint8_t ones[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	                                 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct tpkt p;
	struct pkt pkt;
	struct pkt_layers l;
	struct flow fl;
	uint8_t orig[600];

	/* NS: target and SLL set; TLL refused (an NS carries no TLL). */
	build(K_V6_NS, &p);
	pkt = (struct pkt){.data = p.t.b, .len = (uint32_t)p.t.len};
	pkt_layers_parse(&pkt, &l);
	memcpy(orig, p.t.b, p.t.len);
	assert_int_equal(pkt_set_nd_lla(&pkt, &l, false, mac, ones), -EINVAL);
	assert_memory_equal(orig, p.t.b, p.t.len);
	assert_int_equal(pkt_set_nd_target(&pkt, &l, v6a, ones), 0);
	assert_int_equal(pkt_set_nd_lla(&pkt, &l, true, mac, ones), 0);
	verify_checksums(&p, p.t.b);
	flow_extract(&pkt, 1, &fl);
	assert_memory_equal(fl.nd_target, v6a, 16);
	assert_memory_equal(fl.arp_sha, mac, 6);

	/* NA: TLL set; SLL refused. */
	build(K_V6_NA, &p);
	pkt = (struct pkt){.data = p.t.b, .len = (uint32_t)p.t.len};
	pkt_layers_parse(&pkt, &l);
	assert_int_equal(pkt_set_nd_lla(&pkt, &l, true, mac, ones), -EINVAL);
	assert_int_equal(pkt_set_nd_lla(&pkt, &l, false, mac, ones), 0);
	verify_checksums(&p, p.t.b);
	flow_extract(&pkt, 1, &fl);
	assert_memory_equal(fl.arp_tha, mac, 6);
	assert_memory_equal(fl.nd_target, v6b, 16);

	/* A zero-length option: malformed, nothing changes. */
	build(K_V6_NS, &p);
	p.t.b[p.t.l4 + 24 + 1] = 0;
	pkt = (struct pkt){.data = p.t.b, .len = (uint32_t)p.t.len};
	pkt_layers_parse(&pkt, &l);
	memcpy(orig, p.t.b, p.t.len);
	assert_int_equal(pkt_set_nd_target(&pkt, &l, v6a, ones), -EINVAL);
	assert_int_equal(pkt_set_nd_lla(&pkt, &l, true, mac, ones), -EINVAL);
	assert_memory_equal(orig, p.t.b, p.t.len);

	/* An option running past the payload: malformed too. */
	build(K_V6_NS, &p);
	p.t.b[p.t.l4 + 24 + 1] = 3;
	pkt = (struct pkt){.data = p.t.b, .len = (uint32_t)p.t.len};
	pkt_layers_parse(&pkt, &l);
	assert_int_equal(pkt_set_nd_lla(&pkt, &l, true, mac, ones), -EINVAL);

	/* A second SLL after a non-zero one (the nonce turned into an SLL). */
	build(K_V6_NS, &p);
	p.t.b[p.t.l4 + 24] = 1;
	pkt = (struct pkt){.data = p.t.b, .len = (uint32_t)p.t.len};
	pkt_layers_parse(&pkt, &l);
	assert_int_equal(pkt_set_nd_target(&pkt, &l, v6a, ones), -EINVAL);

	/* Not ND: an echo request, and an NS with a non-zero code. */
	build(K_V6_ICMP, &p);
	pkt = (struct pkt){.data = p.t.b, .len = (uint32_t)p.t.len};
	pkt_layers_parse(&pkt, &l);
	assert_int_equal(pkt_set_nd_target(&pkt, &l, v6a, ones), -EINVAL);
	build(K_V6_NA, &p);
	p.t.b[p.t.l4 + 1] = 1;
	pkt = (struct pkt){.data = p.t.b, .len = (uint32_t)p.t.len};
	pkt_layers_parse(&pkt, &l);
	assert_int_equal(pkt_set_nd_target(&pkt, &l, v6a, ones), -EINVAL);
}

static void test_push_pop(void **state)
{
	struct tpkt p;
	uint8_t room[8 + 600];
	struct pkt pkt = {.data = room + 8, .headroom = 8};
	struct dp_actions acts;
	struct flow fl;
	struct rec r;
	uint8_t *orig = room + 8;

	build(K_V4_TCP, &p);
	memcpy(pkt.data, p.t.b, p.t.len);
	pkt.len = (uint32_t)p.t.len;
	flow_extract(&pkt, 1, &fl);

	dp_actions_init(&acts);
	dp_actions_put_push_vlan(&acts, ETH_TYPE_VLAN, 0x6000 | 10);
	dp_actions_put_output(&acts, 1);
	dp_actions_put_push_vlan(&acts, ETH_TYPE_VLAN_8021AD, 20);
	dp_actions_put_output(&acts, 2);
	dp_actions_put_pop_vlan(&acts);
	dp_actions_put_output(&acts, 3);
	dp_actions_put_pop_vlan(&acts);
	dp_actions_put_output(&acts, 4);
	dp_actions_put_pop_vlan(&acts); /* no tag left: no-op */
	dp_actions_put_output(&acts, 5);

	memset(&r, 0, sizeof r);
	assert_int_equal(dp_execute(&pkt, &fl, &acts, &rec_ops, &r), 0);
	assert_int_equal(r.n, 5);
	assert_int_equal(r.lens[0], p.t.len + 4);
	assert_memory_equal(r.bytes[0], p.t.b, 12);
	assert_int_equal(pb_get_be16(r.bytes[0] + 12), ETH_TYPE_VLAN);
	assert_int_equal(pb_get_be16(r.bytes[0] + 14), 0x600a);
	assert_memory_equal(r.bytes[0] + 16, p.t.b + 12, p.t.len - 12);
	assert_int_equal(r.lens[1], p.t.len + 8);
	assert_int_equal(pb_get_be16(r.bytes[1] + 12), ETH_TYPE_VLAN_8021AD);
	assert_int_equal(pb_get_be16(r.bytes[1] + 14), 20);
	assert_int_equal(pb_get_be16(r.bytes[1] + 16), ETH_TYPE_VLAN);
	assert_memory_equal(r.bytes[2], r.bytes[0], r.lens[0]);
	assert_int_equal(r.lens[3], p.t.len);
	assert_memory_equal(r.bytes[3], p.t.b, p.t.len);
	assert_memory_equal(r.bytes[4], p.t.b, p.t.len);
	for (int i = 0; i < 4; i++)
		assert_int_equal(r.flags[i], DP_EXEC_EDITED_LATER);
	assert_int_equal(r.flags[4], 0);
	assert_ptr_equal(pkt.data, orig);
	assert_int_equal(pkt.headroom, 8);
	assert_int_equal(fl.vlan_tci, 0);
	assert_int_equal(fl.in_port, 1);

	/* The flow follows a push. */
	dp_actions_clear(&acts);
	dp_actions_put_push_vlan(&acts, ETH_TYPE_VLAN, 0x2005);
	dp_actions_put_set_int(&acts, DP_FIELD_VLAN_VID, 6, 0xfff);
	assert_int_equal(dp_execute(&pkt, &fl, &acts, &rec_ops, &r), 0);
	assert_int_equal(fl.vlan_tci, 0x2006 | VLAN_CFI);
	assert_int_equal(fl.dl_type, ETH_TYPE_IPV4);
	assert_int_equal(fl.tp_src, 1234);

	/* A second push makes the old tag the inner one; a VID edit changes the
	 * outermost tag on the wire and in the flow; a pop makes the inner tag
	 * the outermost again.  The tracked flow always equals re-extraction. */
	dp_actions_clear(&acts);
	dp_actions_put_push_vlan(&acts, ETH_TYPE_VLAN_8021AD, 20);
	assert_int_equal(dp_execute(&pkt, &fl, &acts, &rec_ops, &r), 0);
	assert_int_equal(fl.vlan_tci, 20 | VLAN_CFI);
	assert_int_equal(fl.vlan_tpid, ETH_TYPE_VLAN_8021AD);
	assert_int_equal(fl.inner_vlan_tci, 0x2006 | VLAN_CFI);
	assert_int_equal(fl.dl_type, ETH_TYPE_IPV4);
	dp_actions_clear(&acts);
	dp_actions_put_set_int(&acts, DP_FIELD_VLAN_VID, 30, 0xfff);
	dp_actions_put_set_int(&acts, DP_FIELD_VLAN_PCP, 5, 0x7);
	assert_int_equal(dp_execute(&pkt, &fl, &acts, &rec_ops, &r), 0);
	assert_int_equal(pb_get_be16(pkt.data + 12), ETH_TYPE_VLAN_8021AD);
	assert_int_equal(pb_get_be16(pkt.data + 14), 0xa000 | 30);
	assert_int_equal(pb_get_be16(pkt.data + 18), 0x2006);
	assert_int_equal(fl.vlan_tci, 0xa000 | 30 | VLAN_CFI);
	assert_int_equal(fl.inner_vlan_tci, 0x2006 | VLAN_CFI);
	{
		struct flow re;

		flow_extract(&pkt, 1, &re);
		assert_memory_equal(&re, &fl, sizeof re);
	}
	dp_actions_clear(&acts);
	dp_actions_put_pop_vlan(&acts);
	assert_int_equal(dp_execute(&pkt, &fl, &acts, &rec_ops, &r), 0);
	assert_int_equal(fl.vlan_tci, 0x2006 | VLAN_CFI);
	assert_int_equal(fl.vlan_tpid, ETH_TYPE_VLAN);
	assert_int_equal(fl.inner_vlan_tci, 0);

	/* No headroom: -ENOSPC, packet unchanged, later outputs skipped. */
	pkt.headroom = 0;
	memcpy(p.t.b, pkt.data, pkt.len);
	dp_actions_clear(&acts);
	dp_actions_put_output(&acts, 1);
	dp_actions_put_push_vlan(&acts, ETH_TYPE_VLAN, 1);
	dp_actions_put_output(&acts, 2);
	memset(&r, 0, sizeof r);
	assert_int_equal(dp_execute(&pkt, NULL, &acts, &rec_ops, &r), -ENOSPC);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.flags[0], DP_EXEC_EDITED_LATER);
	assert_memory_equal(pkt.data, p.t.b, pkt.len);
	dp_actions_uninit(&acts);
}

static void test_dec_ttl(void **state)
{
	struct tpkt p;
	struct pkt pkt;
	struct dp_actions acts;
	struct flow fl;
	struct rec r;

	dp_actions_init(&acts);
	dp_actions_put_output(&acts, 1);
	dp_actions_put_dec_ttl(&acts);
	dp_actions_put_output(&acts, 2);

	build(K_V4_TCP, &p); /* TTL 64 */
	pkt = (struct pkt){.data = p.t.b, .len = (uint32_t)p.t.len};
	flow_extract(&pkt, 1, &fl);
	memset(&r, 0, sizeof r);
	assert_int_equal(dp_execute(&pkt, &fl, &acts, &rec_ops, &r), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.bytes[0][p.t.l3 + 8], 64);
	assert_int_equal(r.bytes[1][p.t.l3 + 8], 63);
	assert_int_equal(fl.nw_ttl, 63);
	verify_checksums(&p, pkt.data);

	build(K_V6_UDP, &p); /* hop limit 1: dropped at dec_ttl */
	pkt = (struct pkt){.data = p.t.b, .len = (uint32_t)p.t.len};
	memset(&r, 0, sizeof r);
	assert_int_equal(dp_execute(&pkt, NULL, &acts, &rec_ops, &r), -ETIMEDOUT);
	assert_int_equal(r.n, 1);
	assert_int_equal(p.t.b[p.t.l3 + 7], 1);

	build(K_V4_ICMP, &p); /* TTL 3 -> 2 -> 1 -> drop */
	pkt = (struct pkt){.data = p.t.b, .len = (uint32_t)p.t.len};
	dp_actions_clear(&acts);
	dp_actions_put_dec_ttl(&acts);
	dp_actions_put_dec_ttl(&acts);
	dp_actions_put_output(&acts, 1);
	dp_actions_put_dec_ttl(&acts);
	dp_actions_put_output(&acts, 2);
	memset(&r, 0, sizeof r);
	assert_int_equal(dp_execute(&pkt, NULL, &acts, &rec_ops, &r), -ETIMEDOUT);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.bytes[0][p.t.l3 + 8], 1);
	verify_checksums(&p, pkt.data);

	build(K_ARP, &p); /* not IP: passes unchanged */
	pkt = (struct pkt){.data = p.t.b, .len = (uint32_t)p.t.len};
	memset(&r, 0, sizeof r);
	assert_int_equal(dp_execute(&pkt, NULL, &acts, &rec_ops, &r), 0);
	assert_int_equal(r.n, 2);
	dp_actions_uninit(&acts);
}

static void test_output_copy_rule_userspace_tunnel(void **state)
{
	static const uint8_t mac[6] = {0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
	struct tpkt p;
	struct pkt pkt;
	struct dp_actions acts;
	struct flow fl;
	struct rec r;

	build(K_V4_UDP, &p);
	pkt = (struct pkt){.data = p.t.b, .len = (uint32_t)p.t.len};
	flow_extract(&pkt, 1, &fl);
	dp_actions_init(&acts);
	dp_actions_put_output(&acts, 1);
	dp_actions_put_userspace(&acts, 0x1234567890ull);
	dp_actions_put_set_int(&acts, DP_FIELD_TUN_ID, 42, UINT64_MAX); /* metadata only */
	dp_actions_put_output(&acts, 2);
	dp_actions_put_set_bytes(&acts, DP_FIELD_ETH_DST, mac, NULL);
	dp_actions_put_set_int(&acts, DP_FIELD_TUN_DST, 0x0a0a0a0a, UINT32_MAX);
	dp_actions_put_output(&acts, 3);
	dp_actions_put_userspace(&acts, 7);
	memset(&r, 0, sizeof r);
	assert_int_equal(dp_execute(&pkt, &fl, &acts, &rec_ops, &r), 0);
	assert_int_equal(r.n, 3);
	assert_memory_equal(r.bytes[0], tb_dst, 6);
	assert_memory_equal(r.bytes[1], tb_dst, 6);
	assert_memory_equal(r.bytes[2], mac, 6);
	assert_int_equal(r.flags[0], DP_EXEC_EDITED_LATER);
	assert_int_equal(r.flags[1], DP_EXEC_EDITED_LATER);
	assert_int_equal(r.flags[2], 0);
	assert_int_equal(r.tun[0].tun_id, 0);
	assert_int_equal(r.tun[1].tun_id, 42);
	assert_int_equal(r.tun[2].tun_dst, 0x0a0a0a0a);
	assert_int_equal(r.n_up, 2);
	assert_int_equal(r.cookies[0], 0x1234567890ull);
	assert_int_equal(r.cookies[1], 7);
	assert_memory_equal(r.up_flow.dl_dst, mac, 6);
	assert_int_equal(r.up_flow.tun_id, 42);
	assert_int_equal(fl.tun_dst, 0x0a0a0a0a);

	/* NULL userspace callback: skipped. */
	{
		struct dp_exec_ops ops = {.output = rec_output};

		memset(&r, 0, sizeof r);
		assert_int_equal(dp_execute(&pkt, NULL, &acts, &ops, &r), 0);
		assert_int_equal(r.n, 3);
		assert_int_equal(r.n_up, 0);
	}
	dp_actions_uninit(&acts);
}

static void test_format_equal_validate(void **state)
{
	struct dp_actions a, b;
	char buf[512];
	int n;

	dp_actions_init(&a);
	assert_int_equal(dp_actions_format(&a, buf, sizeof buf), 4);
	assert_string_equal(buf, "drop");

	dp_actions_put_push_vlan(&a, ETH_TYPE_VLAN, 10);
	dp_actions_put_set_int(&a, DP_FIELD_IPV4_SRC, 0x0a000001, UINT32_MAX);
	dp_actions_put_output(&a, 2);
	n = dp_actions_format(&a, buf, sizeof buf);
	assert_string_equal(buf, "push_vlan(vid=10,pcp=0),set(ipv4(src=10.0.0.1)),output:2");
	assert_int_equal(n, (int)strlen(buf));

	dp_actions_clear(&a);
	dp_actions_put_push_vlan(&a, ETH_TYPE_VLAN_8021AD, 0xb000 | 4095);
	dp_actions_put_pop_vlan(&a);
	dp_actions_put_set_int(&a, DP_FIELD_IPV4_DST, 0xc0a80000, 0xffff0000);
	dp_actions_put_set_int(&a, DP_FIELD_IPV4_TOS, 0xb8, 0xfc);
	dp_actions_put_set_bytes(&a, DP_FIELD_ETH_SRC, (const uint8_t *)"\x02\0\0\0\0\x09", NULL);
	dp_actions_put_set_bytes(&a, DP_FIELD_IPV6_DST, v6a, NULL);
	dp_actions_put_set_int(&a, DP_FIELD_TCP_DST, 8080, 0xffff);
	dp_actions_put_set_int(&a, DP_FIELD_TUN_ID, 0x99, UINT64_MAX);
	dp_actions_put_set_int(&a, DP_FIELD_ARP_SPA, 0x01020304, UINT32_MAX);
	dp_actions_put_set_int(&a, DP_FIELD_ICMPV6_TYPE, 129, 0xff);
	dp_actions_put_set_bytes(&a, DP_FIELD_ND_TARGET, v6b, NULL);
	dp_actions_put_set_bytes(&a, DP_FIELD_ND_TLL, (const uint8_t *)"\x02\0\0\0\0\x07", NULL);
	dp_actions_put_set_int(&a, DP_FIELD_IPV6_LABEL, 5, 0); /* mask 0: nothing */
	dp_actions_put_dec_ttl(&a);
	dp_actions_put_userspace(&a, 0xabc);
	n = dp_actions_format(&a, buf, sizeof buf);
	assert_string_equal(buf,
	                    "push_vlan(tpid=0x88a8,vid=4095,pcp=5,dei=1),pop_vlan,"
	                    "set(ipv4(dst=192.168.0.0/255.255.0.0)),set(ipv4(tos=0xb8/0xfc)),"
	                    "set(eth(src=02:00:00:00:00:09)),set(ipv6(dst=2001:db8::1)),"
	                    "set(tcp(dst=8080)),set(tunnel(tun_id=0x99)),set(arp(sip=1.2.3.4)),"
	                    "set(icmpv6(type=129)),set(nd(target=2001:db8::2)),"
	                    "set(nd(tll=02:00:00:00:00:07)),dec_ttl,userspace(cookie=0xabc)");
	assert_int_equal(dp_actions_format(&a, buf, 5), n);
	assert_string_equal(buf, "push");
	assert_int_equal(dp_actions_validate(a.data, a.size), 0);

	/* Clone, equality, hash; growth past the stub. */
	dp_actions_clone(&b, &a);
	assert_true(dp_actions_equal(&a, &b));
	assert_int_equal(dp_actions_hash(&a, 1), dp_actions_hash(&b, 1));
	for (uint32_t i = 0; i < 200; i++)
		dp_actions_put_output(&b, i);
	assert_false(dp_actions_equal(&a, &b));
	assert_int_not_equal(dp_actions_hash(&a, 1), dp_actions_hash(&b, 1));
	assert_int_equal(dp_actions_validate(b.data, b.size), 0);
	{
		struct dp_actions c;
		void *raw = dp_actions_copy_data(&b);

		dp_actions_clone(&c, &b);
		assert_true(dp_actions_equal(&b, &c));
		assert_memory_equal(raw, b.data, b.size);
		free(raw);
		dp_actions_uninit(&c);
	}

	/* Malformed lists. */
	{
		uint64_t bad[4] = {0, 0, 0, 0};
		struct dp_action *h = (struct dp_action *)(void *)bad;

		h->type = DP_ACTION_OUTPUT;
		h->len = 8;
		assert_int_equal(dp_actions_validate(bad, 8), 0);
		assert_int_equal(dp_actions_validate(bad, 4), -EINVAL);
		h->len = 0;
		assert_int_equal(dp_actions_validate(bad, 8), -EINVAL);
		h->len = 16;
		assert_int_equal(dp_actions_validate(bad, 16), -EINVAL);
		h->type = 99;
		h->len = 8;
		assert_int_equal(dp_actions_validate(bad, 8), -EINVAL);
		h->type = DP_ACTION_SET_FIELD;
		h->len = 24;
		h->arg = DP_N_FIELDS;
		assert_int_equal(dp_actions_validate(bad, 24), -EINVAL);
		h->arg = DP_FIELD_IPV6_SRC; /* needs 40 bytes */
		assert_int_equal(dp_actions_validate(bad, 24), -EINVAL);
	}
	dp_actions_uninit(&a);
	dp_actions_uninit(&b);
	dp_actions_uninit(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_csum),
	        cmocka_unit_test(test_crc32c),
	        cmocka_unit_test(test_set_fields),
	        cmocka_unit_test(test_udp_zero_csum_and_sctp_bad_crc),
	        cmocka_unit_test(test_layers),
	        cmocka_unit_test(test_nd),
	        cmocka_unit_test(test_push_pop),
	        cmocka_unit_test(test_dec_ttl),
	        cmocka_unit_test(test_output_copy_rule_userspace_tunnel),
	        cmocka_unit_test(test_format_equal_validate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
