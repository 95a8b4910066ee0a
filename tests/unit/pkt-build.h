/* pkt-build.h - helpers for unit tests that hand-craft packets: Ethernet with
 * tags, IPv4/IPv6/ARP headers and TCP/UDP/SCTP/ICMP, with correct checksums
 * computed by a deliberately naive reference implementation (independent of
 * lib/csum.c).  Header-only, static functions; include from one test file. */
#ifndef PB_TEST_PKT_BUILD_H
#define PB_TEST_PKT_BUILD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct tb {
	uint8_t b[512];
	size_t len;
	size_t l3, l4; /* offsets of the L3 and L4 headers */
};

static inline void tb_u8(struct tb *t, unsigned v)
{
	t->b[t->len++] = (uint8_t)v;
}

static inline void tb_u16(struct tb *t, unsigned v)
{
	tb_u8(t, v >> 8);
	tb_u8(t, v);
}

static inline void tb_u32(struct tb *t, uint32_t v)
{
	tb_u16(t, v >> 16);
	tb_u16(t, v & 0xffff);
}

static inline void tb_bytes(struct tb *t, const void *p, size_t n)
{
	memcpy(t->b + t->len, p, n);
	t->len += n;
}

static inline void tb_fill(struct tb *t, uint8_t v, size_t n)
{
	memset(t->b + t->len, v, n);
	t->len += n;
}

static const uint8_t tb_dst[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
static const uint8_t tb_src[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

/* Ethernet: dst, src, then 'n' (tpid, tci) tags, then 'type'. */
static inline void tb_eth(struct tb *t, int n, const uint16_t *tpids, const uint16_t *tcis,
                          uint16_t type)
{
	t->len = 0;
	tb_bytes(t, tb_dst, 6);
	tb_bytes(t, tb_src, 6);
	for (int i = 0; i < n; i++) {
		tb_u16(t, tpids[i]);
		tb_u16(t, tcis[i]);
	}
	tb_u16(t, type);
	t->l3 = t->len;
}

/* Reference one's-complement sum of 16-bit big-endian words. */
static inline uint32_t ref_sum(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i < n; i++)
		sum += i % 2 ? p[i] : (uint32_t)p[i] << 8;
	return sum;
}

static inline uint16_t ref_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* IPv4 header (IHL 5 + 'opt_words'), total length from 'payload'. */
static inline void tb_ipv4(struct tb *t, uint8_t proto, uint32_t src, uint32_t dst, uint8_t tos,
                           uint8_t ttl, uint16_t frag, size_t payload, int opt_words)
{
	size_t h = t->len, hl = 20 + 4 * (size_t)opt_words;

	tb_u8(t, 0x40 | (5 + opt_words));
	tb_u8(t, tos);
	tb_u16(t, (unsigned)(hl + payload));
	tb_u16(t, 0x1234);
	tb_u16(t, frag);
	tb_u8(t, ttl);
	tb_u8(t, proto);
	tb_u16(t, 0);
	tb_u32(t, src);
	tb_u32(t, dst);
	for (int i = 0; i < opt_words; i++)
		tb_u32(t, 0x01010101); /* NOPs */
	{
		uint16_t c = (uint16_t)~ref_fold(ref_sum(t->b + h, hl, 0));

		t->b[h + 10] = (uint8_t)(c >> 8);
		t->b[h + 11] = (uint8_t)c;
	}
	t->l4 = t->len;
}

static inline void tb_ipv6(struct tb *t, uint8_t nh, const uint8_t src[16], const uint8_t dst[16],
                           uint8_t tc, uint32_t label, uint8_t hlim, size_t payload)
{
	tb_u32(t, 6u << 28 | (uint32_t)tc << 20 | label);
	tb_u16(t, (unsigned)payload);
	tb_u8(t, nh);
	tb_u8(t, hlim);
	tb_bytes(t, src, 16);
	tb_bytes(t, dst, 16);
	t->l4 = t->len;
}

/* Computes and stores the L4 checksum (TCP/UDP/ICMP/ICMPv6) of the segment
 * at t->l4 .. t->len, for an IPv4 (l3 version 4) or IPv6 packet. */
static inline void tb_l4_csum(struct tb *t, uint8_t proto)
{
	const uint8_t *ip = t->b + t->l3;
	size_t l4len = t->len - t->l4, cofs;
	uint32_t sum = 0;
	uint16_t c;

	cofs = proto == 6 ? 16 : proto == 17 ? 6 : 2;
	t->b[t->l4 + cofs] = t->b[t->l4 + cofs + 1] = 0;
	if (proto != 1) {
		if (ip[0] >> 4 == 4)
			sum = ref_sum(ip + 12, 8, 0);
		else
			sum = ref_sum(ip + 8, 32, 0);
		sum += proto + (uint32_t)l4len;
	}
	sum = ref_sum(t->b + t->l4, l4len, sum);
	c = (uint16_t)~ref_fold(sum);
	if (proto == 17 && !c)
		c = 0xffff;
	t->b[t->l4 + cofs] = (uint8_t)(c >> 8);
	t->b[t->l4 + cofs + 1] = (uint8_t)c;
}

/* Bitwise reference CRC32C. */
static inline uint32_t ref_crc32c(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
	}
	return ~c;
}

static inline void tb_sctp_csum(struct tb *t)
{
	uint8_t *s = t->b + t->l4;
	uint32_t c;

	memset(s + 8, 0, 4);
	c = ref_crc32c(s, t->len - t->l4);
	s[8] = (uint8_t)c;
	s[9] = (uint8_t)(c >> 8);
	s[10] = (uint8_t)(c >> 16);
	s[11] = (uint8_t)(c >> 24);
}

static inline void tb_tcp(struct tb *t, uint16_t sp, uint16_t dp, uint16_t flags, size_t data)
{
	tb_u16(t, sp);
	tb_u16(t, dp);
	tb_u32(t, 1000);
	tb_u32(t, 2000);
	tb_u16(t, 0x5000 | flags);
	tb_u16(t, 8192);
	tb_u16(t, 0);
	tb_u16(t, 0);
	tb_fill(t, 0xab, data);
}

static inline void tb_udp(struct tb *t, uint16_t sp, uint16_t dp, size_t data)
{
	tb_u16(t, sp);
	tb_u16(t, dp);
	tb_u16(t, (unsigned)(8 + data));
	tb_u16(t, 0);
	tb_fill(t, 0xcd, data);
}

static inline void tb_sctp(struct tb *t, uint16_t sp, uint16_t dp, size_t data)
{
	tb_u16(t, sp);
	tb_u16(t, dp);
	tb_u32(t, 0xdeadbeef);
	tb_u32(t, 0);
	tb_fill(t, 0x11, data);
}

static inline void tb_icmp(struct tb *t, uint8_t type, uint8_t code, size_t data)
{
	tb_u8(t, type);
	tb_u8(t, code);
	tb_u16(t, 0);
	tb_u32(t, 0x00010002);
	tb_fill(t, 0x5a, data);
}

#endif
