/* packet-edit.c - header field writes with checksum maintenance, VLAN tag
 * push/pop and TTL decrement (see packet-edit.h). */
#include "lib/packet-edit.h"

#include <errno.h>
#include <string.h>

#include "lib/csum.h"
#include "lib/eth.h"
#include "lib/flow.h"

#define PKT_LAYERS_MAX_VLANS 2

static uint32_t l4_min_len(uint8_t proto, bool v6)
{
	switch (proto) {
	case FLOW_IPPROTO_TCP:
		return 20;
	case FLOW_IPPROTO_UDP:
		return 8;
	case FLOW_IPPROTO_SCTP:
		return 12;
	case FLOW_IPPROTO_ICMP:
		return v6 ? 0 : 4;
	case FLOW_IPPROTO_ICMPV6:
		return v6 ? 4 : 0;
	default:
		return 0;
	}
}

/* Sets l4_ofs if the L4 header at 'ofs' is complete by the same rules as
 * flow_extract() (so an edit never changes a field the flow does not have). */
static void pkt_layers_l4(struct pkt_layers *l, const uint8_t *p, uint32_t ofs, uint8_t proto,
                          bool v6)
{
	uint32_t need = l4_min_len(proto, v6);

	l->nw_proto = proto;
	if (!need || ofs > l->l3_end || l->l3_end - ofs < need)
		return;
	if (proto == FLOW_IPPROTO_TCP) {
		uint32_t doff = (uint32_t)(p[ofs + 12] >> 4) * 4;

		if (doff < 20 || doff > l->l3_end - ofs)
			return;
	}
	l->l4_ofs = ofs;
}

void pkt_layers_parse(const struct pkt *pkt, struct pkt_layers *l)
{
	const uint8_t *p = pkt->data, *ip;
	uint32_t len = pkt->len, ofs = 12, avail;
	uint16_t type;

	memset(l, 0, sizeof *l);
	if (len < ETH_HEADER_LEN)
		return;
	type = pb_get_be16(p + 12);
	while (eth_type_is_vlan(type) && l->n_vlans < PKT_LAYERS_MAX_VLANS && len - ofs >= 6) {
		ofs += 4;
		type = pb_get_be16(p + ofs);
		l->n_vlans++;
	}
	ofs += 2;
	if (type < ETH_TYPE_MIN) {
		static const uint8_t snap[6] = {0xaa, 0xaa, 0x03, 0, 0, 0};

		if (len - ofs < 8 || memcmp(p + ofs, snap, 6) ||
		    pb_get_be16(p + ofs + 6) < ETH_TYPE_MIN) {
			l->l3_ofs = ofs;
			l->l3_end = len;
			return;
		}
		type = pb_get_be16(p + ofs + 6);
		ofs += 8;
	}
	l->dl_type = type;
	l->l3_ofs = ofs;
	l->l3_end = len;
	ip = p + ofs;
	avail = len - ofs;

	if (type == ETH_TYPE_IPV4 && avail >= 20 && ip[0] >> 4 == 4) {
		uint32_t ihl = (uint32_t)(ip[0] & 0x0f) * 4, tot = pb_get_be16(ip + 2);

		if (ihl < 20 || ihl > avail || tot < ihl)
			return;
		l->flags = PKT_L_IPV4;
		l->l3_end = ofs + (tot < avail ? tot : avail);
		l->nw_proto = ip[9];
		if (!(pb_get_be16(ip + 6) & 0x1fff))
			pkt_layers_l4(l, p, ofs + ihl, ip[9], false);
	} else if (type == ETH_TYPE_IPV6 && avail >= 40 && ip[0] >> 4 == 6) {
		uint32_t plen = pb_get_be16(ip + 4);
		uint8_t nh = ip[6], frag;
		int ext;

		l->flags = PKT_L_IPV6;
		if (plen && plen + 40 < avail)
			l->l3_end = ofs + 40 + plen;
		ext = flow_ipv6_skip_ext(ip + 40, l->l3_end - ofs - 40, &nh, &frag);
		if (ext >= 0 && !(frag & FLOW_NW_FRAG_LATER))
			pkt_layers_l4(l, p, ofs + 40 + (uint32_t)ext, nh, true);
	} else if (type == ETH_TYPE_ARP && avail >= 28 && pb_get_be16(ip) == 1 &&
	           pb_get_be16(ip + 2) == ETH_TYPE_IPV4 && ip[4] == 6 && ip[5] == 4) {
		l->flags = PKT_L_ARP;
	}
}

/* ---- helpers ---- */

static inline uint16_t masked16(uint16_t old, uint16_t v, uint16_t m)
{
	return (uint16_t)((old & ~m) | (v & m));
}

static inline uint32_t masked32(uint32_t old, uint32_t v, uint32_t m)
{
	return (old & ~m) | (v & m);
}

static void masked_bytes(uint8_t *dst, const uint8_t *v, const uint8_t *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = (uint8_t)((dst[i] & ~m[i]) | (v[i] & m[i]));
}

/* Offset of the TCP/UDP/ICMPv6 checksum that covers the pseudo header, or 0
 * if there is none to update (no L4, other protocol, UDP checksum 0). */
static uint32_t l4_pseudo_csum_ofs(const struct pkt *pkt, const struct pkt_layers *l)
{
	if (!l->l4_ofs)
		return 0;
	switch (l->nw_proto) {
	case FLOW_IPPROTO_TCP:
		return l->l4_ofs + 16;
	case FLOW_IPPROTO_UDP:
		return pb_get_be16(pkt->data + l->l4_ofs + 6) ? l->l4_ofs + 6 : 0;
	case FLOW_IPPROTO_ICMPV6:
		return l->flags & PKT_L_IPV6 ? l->l4_ofs + 2 : 0;
	default:
		return 0;
	}
}

static void put_l4_csum(struct pkt *pkt, const struct pkt_layers *l, uint32_t ofs, uint16_t c)
{
	if (l->nw_proto == FLOW_IPPROTO_UDP && !c)
		c = 0xffff; /* 0 means "no checksum" for UDP */
	pb_put_be16(pkt->data + ofs, c);
}

/* ---- L2 ---- */

int pkt_set_eth_addr(struct pkt *pkt, bool src, const uint8_t value[6], const uint8_t mask[6])
{
	if (pkt->len < ETH_HEADER_LEN)
		return -EINVAL;
	masked_bytes(pkt->data + (src ? 6 : 0), value, mask, 6);
	return 0;
}

int pkt_set_vlan_tci(struct pkt *pkt, uint16_t value, uint16_t mask)
{
	uint8_t *p = pkt->data;

	if (pkt->len < 18 || !eth_type_is_vlan(pb_get_be16(p + 12)))
		return -EINVAL;
	pb_put_be16(p + 14, masked16(pb_get_be16(p + 14), value, mask));
	return 0;
}

int pkt_push_vlan(struct pkt *pkt, uint16_t tpid, uint16_t tci)
{
	if (pkt->len < 12)
		return -EINVAL;
	if (pkt->headroom < ETH_VLAN_HEADER_LEN)
		return -ENOSPC;
	memmove(pkt->data - ETH_VLAN_HEADER_LEN, pkt->data, 12);
	pkt->data -= ETH_VLAN_HEADER_LEN;
	pkt->headroom -= ETH_VLAN_HEADER_LEN;
	pkt->len += ETH_VLAN_HEADER_LEN;
	pb_put_be16(pkt->data + 12, tpid);
	pb_put_be16(pkt->data + 14, tci);
	return 0;
}

int pkt_pop_vlan(struct pkt *pkt)
{
	if (pkt->len < 18 || !eth_type_is_vlan(pb_get_be16(pkt->data + 12)))
		return -EINVAL;
	memmove(pkt->data + ETH_VLAN_HEADER_LEN, pkt->data, 12);
	pkt->data += ETH_VLAN_HEADER_LEN;
	pkt->headroom += ETH_VLAN_HEADER_LEN;
	pkt->len -= ETH_VLAN_HEADER_LEN;
	return 0;
}

/* ---- IPv4 ---- */

int pkt_set_ipv4_addr(struct pkt *pkt, const struct pkt_layers *l, bool src, uint32_t value,
                      uint32_t mask)
{
	uint8_t *ip = pkt->data + l->l3_ofs;
	uint8_t *field = ip + (src ? 12 : 16);
	uint32_t old, new, cofs;

	if (!(l->flags & PKT_L_IPV4))
		return -EINVAL;
	old = pb_get_be32(field);
	new = masked32(old, value, mask);
	pb_put_be32(field, new);
	pb_put_be16(ip + 10, csum_update32(pb_get_be16(ip + 10), old, new));
	cofs = l4_pseudo_csum_ofs(pkt, l);
	if (cofs)
		put_l4_csum(pkt, l, cofs, csum_update32(pb_get_be16(pkt->data + cofs), old, new));
	return 0;
}

/* Rewrites byte 'idx' (0 or 1) of the 16-bit header word at 'word' and
 * updates the checksum at 'check'. */
static void set_byte_in_word(uint8_t *word, int idx, uint8_t value, uint8_t mask, uint8_t *check)
{
	uint16_t old = pb_get_be16(word), new;

	word[idx] = (uint8_t)((word[idx] & ~mask) | (value & mask));
	new = pb_get_be16(word);
	pb_put_be16(check, csum_update16(pb_get_be16(check), old, new));
}

int pkt_set_ipv4_tos(struct pkt *pkt, const struct pkt_layers *l, uint8_t value, uint8_t mask)
{
	uint8_t *ip = pkt->data + l->l3_ofs;

	if (!(l->flags & PKT_L_IPV4))
		return -EINVAL;
	set_byte_in_word(ip, 1, value, mask, ip + 10);
	return 0;
}

int pkt_set_ipv4_ttl(struct pkt *pkt, const struct pkt_layers *l, uint8_t value, uint8_t mask)
{
	uint8_t *ip = pkt->data + l->l3_ofs;

	if (!(l->flags & PKT_L_IPV4))
		return -EINVAL;
	set_byte_in_word(ip + 8, 0, value, mask, ip + 10);
	return 0;
}

/* ---- IPv6 ---- */

int pkt_set_ipv6_addr(struct pkt *pkt, const struct pkt_layers *l, bool src,
                      const uint8_t value[16], const uint8_t mask[16])
{
	uint8_t *field = pkt->data + l->l3_ofs + (src ? 8 : 24);
	uint8_t old[16];
	uint32_t cofs;

	if (!(l->flags & PKT_L_IPV6))
		return -EINVAL;
	memcpy(old, field, 16);
	masked_bytes(field, value, mask, 16);
	cofs = l4_pseudo_csum_ofs(pkt, l);
	if (cofs)
		put_l4_csum(pkt, l, cofs,
		            csum_update_bytes(pb_get_be16(pkt->data + cofs), old, field, 16));
	return 0;
}

int pkt_set_ipv6_label(struct pkt *pkt, const struct pkt_layers *l, uint32_t value, uint32_t mask)
{
	uint8_t *ip = pkt->data + l->l3_ofs;

	if (!(l->flags & PKT_L_IPV6))
		return -EINVAL;
	mask &= 0xfffff;
	pb_put_be32(ip, masked32(pb_get_be32(ip), value, mask));
	return 0;
}

int pkt_set_ipv6_tc(struct pkt *pkt, const struct pkt_layers *l, uint8_t value, uint8_t mask)
{
	uint8_t *ip = pkt->data + l->l3_ofs;

	if (!(l->flags & PKT_L_IPV6))
		return -EINVAL;
	pb_put_be32(ip, masked32(pb_get_be32(ip), (uint32_t)value << 20, (uint32_t)mask << 20));
	return 0;
}

int pkt_set_ipv6_hlimit(struct pkt *pkt, const struct pkt_layers *l, uint8_t value, uint8_t mask)
{
	uint8_t *ip = pkt->data + l->l3_ofs;

	if (!(l->flags & PKT_L_IPV6))
		return -EINVAL;
	ip[7] = (uint8_t)((ip[7] & ~mask) | (value & mask));
	return 0;
}

/* ---- L4 ---- */

/* SCTP: the CRC32C over the SCTP packet, stored little-endian at offset 8.
 * Call with 'before' true before an edit and false after it. */
static void sctp_crc_track(struct pkt *pkt, const struct pkt_layers *l, bool before,
                           uint32_t *state)
{
	uint8_t *sctp = pkt->data + l->l4_ofs;
	uint32_t len = l->l3_end - l->l4_ofs, stored, c;

	if (before) {
		stored = (uint32_t)sctp[8] | (uint32_t)sctp[9] << 8 | (uint32_t)sctp[10] << 16 |
		         (uint32_t)sctp[11] << 24;
		memset(sctp + 8, 0, 4);
		*state = stored ^ crc32c(sctp, len);
		return;
	}
	c = crc32c(sctp, len) ^ *state; /* == new crc if the old one was right */
	sctp[8] = (uint8_t)c;
	sctp[9] = (uint8_t)(c >> 8);
	sctp[10] = (uint8_t)(c >> 16);
	sctp[11] = (uint8_t)(c >> 24);
}

int pkt_set_l4_port(struct pkt *pkt, const struct pkt_layers *l, uint8_t proto, bool src,
                    uint16_t value, uint16_t mask)
{
	uint8_t *field = pkt->data + l->l4_ofs + (src ? 0 : 2);
	uint16_t old, new;
	uint32_t sctp_state = 0, cofs;

	if (!l->l4_ofs || l->nw_proto != proto ||
	    (proto != FLOW_IPPROTO_TCP && proto != FLOW_IPPROTO_UDP && proto != FLOW_IPPROTO_SCTP))
		return -EINVAL;
	if (proto == FLOW_IPPROTO_SCTP)
		sctp_crc_track(pkt, l, true, &sctp_state);
	old = pb_get_be16(field);
	new = masked16(old, value, mask);
	pb_put_be16(field, new);
	if (proto == FLOW_IPPROTO_SCTP) {
		sctp_crc_track(pkt, l, false, &sctp_state);
	} else {
		cofs = l4_pseudo_csum_ofs(pkt, l);
		if (cofs)
			put_l4_csum(pkt, l, cofs,
			            csum_update16(pb_get_be16(pkt->data + cofs), old, new));
	}
	return 0;
}

int pkt_set_icmp(struct pkt *pkt, const struct pkt_layers *l, bool v6, bool code, uint8_t value,
                 uint8_t mask)
{
	uint8_t *icmp = pkt->data + l->l4_ofs;

	if (!l->l4_ofs || l->nw_proto != (v6 ? FLOW_IPPROTO_ICMPV6 : FLOW_IPPROTO_ICMP) ||
	    !(l->flags & (v6 ? PKT_L_IPV6 : PKT_L_IPV4)))
		return -EINVAL;
	set_byte_in_word(icmp, code ? 1 : 0, value, mask, icmp + 2);
	return 0;
}

/* ---- IPv6 neighbor discovery ---- */

/* Checks that the packet is an NS or NA by flow_extract()'s rules (see
 * packet-edit.h).  Returns 0 and sets '*lla_ofs' to the packet offset of
 * the MAC of the NS's SLL or NA's TLL option (0 if it has none), or
 * -EINVAL. */
static int nd_locate(const struct pkt *pkt, const struct pkt_layers *l, uint32_t *lla_ofs)
{
	const uint8_t *p = pkt->data + l->l4_ofs;
	uint32_t len, ofs = 24;
	uint8_t want;

	*lla_ofs = 0;
	if (!l->l4_ofs || l->nw_proto != FLOW_IPPROTO_ICMPV6 || !(l->flags & PKT_L_IPV6))
		return -EINVAL;
	len = l->l3_end - l->l4_ofs;
	if (len < 24 || (p[0] != 135 && p[0] != 136) || p[1] != 0)
		return -EINVAL;
	want = p[0] == 135 ? 1 : 2;
	while (len - ofs >= 8) {
		uint32_t opt_len = (uint32_t)p[ofs + 1] * 8;

		if (!opt_len || opt_len > len - ofs)
			goto malformed;
		if (p[ofs] == want && opt_len == 8) {
			if (*lla_ofs && !eth_addr_is_zero(pkt->data + *lla_ofs))
				goto malformed; /* a duplicate: flow_extract() drops all */
			*lla_ofs = l->l4_ofs + ofs + 2;
		}
		ofs += opt_len;
	}
	return 0;
malformed:
	*lla_ofs = 0;
	return -EINVAL;
}

/* Masked write of the 'n' bytes at packet offset 'ofs' (even, inside the
 * ICMPv6 message at l->l4_ofs) with the ICMPv6 checksum updated. */
static void nd_write(struct pkt *pkt, const struct pkt_layers *l, uint32_t ofs, const uint8_t *v,
                     const uint8_t *m, size_t n)
{
	uint8_t *field = pkt->data + ofs, *check = pkt->data + l->l4_ofs + 2;
	uint8_t old[16];

	memcpy(old, field, n);
	masked_bytes(field, v, m, n);
	pb_put_be16(check, csum_update_bytes(pb_get_be16(check), old, field, n));
}

int pkt_set_nd_target(struct pkt *pkt, const struct pkt_layers *l, const uint8_t value[16],
                      const uint8_t mask[16])
{
	uint32_t lla_ofs;

	if (nd_locate(pkt, l, &lla_ofs))
		return -EINVAL;
	nd_write(pkt, l, l->l4_ofs + 8, value, mask, 16);
	return 0;
}

int pkt_set_nd_lla(struct pkt *pkt, const struct pkt_layers *l, bool sll, const uint8_t value[6],
                   const uint8_t mask[6])
{
	uint32_t lla_ofs;

	if (nd_locate(pkt, l, &lla_ofs) || !lla_ofs || pkt->data[l->l4_ofs] != (sll ? 135 : 136))
		return -EINVAL;
	nd_write(pkt, l, lla_ofs, value, mask, 6);
	return 0;
}

/* ---- ARP ---- */

int pkt_set_arp_op(struct pkt *pkt, const struct pkt_layers *l, uint16_t value, uint16_t mask)
{
	uint8_t *arp = pkt->data + l->l3_ofs;

	if (!(l->flags & PKT_L_ARP))
		return -EINVAL;
	pb_put_be16(arp + 6, masked16(pb_get_be16(arp + 6), value, mask));
	return 0;
}

int pkt_set_arp_ip(struct pkt *pkt, const struct pkt_layers *l, bool spa, uint32_t value,
                   uint32_t mask)
{
	uint8_t *field = pkt->data + l->l3_ofs + (spa ? 14 : 24);

	if (!(l->flags & PKT_L_ARP))
		return -EINVAL;
	pb_put_be32(field, masked32(pb_get_be32(field), value, mask));
	return 0;
}

int pkt_set_arp_mac(struct pkt *pkt, const struct pkt_layers *l, bool sha, const uint8_t value[6],
                    const uint8_t mask[6])
{
	if (!(l->flags & PKT_L_ARP))
		return -EINVAL;
	masked_bytes(pkt->data + l->l3_ofs + (sha ? 8 : 18), value, mask, 6);
	return 0;
}

/* ---- TTL ---- */

int pkt_dec_ttl(struct pkt *pkt, const struct pkt_layers *l)
{
	uint8_t *ip = pkt->data + l->l3_ofs;

	if (l->flags & PKT_L_IPV4) {
		if (ip[8] <= 1)
			return -ETIMEDOUT;
		set_byte_in_word(ip + 8, 0, (uint8_t)(ip[8] - 1), 0xff, ip + 10);
		return 0;
	}
	if (l->flags & PKT_L_IPV6) {
		if (ip[7] <= 1)
			return -ETIMEDOUT;
		ip[7]--;
		return 0;
	}
	return -EINVAL;
}
