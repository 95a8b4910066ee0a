/* flow.c - flow key extraction from packets, masked hashing/comparison and
 * the ovs-ofctl style text form (see flow.h).  Extraction is a single pass
 * with every read bounds-checked against the frame (and IP) length. */
#include "lib/flow.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/csum.h"
#include "lib/eth.h"
#include "lib/hash.h"
#include "lib/util.h"

_Static_assert(FLOW_WC_SEQ == 3, "flow changed: update extraction and flow_format()");
_Static_assert(offsetof(struct flow, dl_src) == offsetof(struct flow, dl_dst) + 6,
               "dl_dst and dl_src are copied as one block");

/* ---- extraction ---- */

static void flow_parse_nd(const uint8_t *p, size_t len, struct flow *flow)
{
	uint8_t type = p[0];
	size_t ofs = 24;

	if (len < 24 || p[1] != 0)
		return;
	memcpy(flow->nd_target, p + 8, 16);
	while (len - ofs >= 8) {
		size_t opt_len = (size_t)p[ofs + 1] * 8;
		uint8_t *mac = NULL;

		if (!opt_len || opt_len > len - ofs)
			goto invalid;
		if (p[ofs] == 1 && type == 135 && opt_len == 8)
			mac = flow->arp_sha; /* source link-layer address */
		else if (p[ofs] == 2 && type == 136 && opt_len == 8)
			mac = flow->arp_tha; /* target link-layer address */
		if (mac) {
			if (!eth_addr_is_zero(mac))
				goto invalid; /* duplicate option */
			memcpy(mac, p + ofs + 2, 6);
		}
		ofs += opt_len;
	}
	return;
invalid:
	memset(flow->nd_target, 0, sizeof flow->nd_target);
	memset(flow->arp_sha, 0, sizeof flow->arp_sha);
	memset(flow->arp_tha, 0, sizeof flow->arp_tha);
}

/* 'p' is the L4 header with 'len' bytes up to the end of the IP payload. */
static void flow_parse_l4(const uint8_t *p, size_t len, uint8_t proto, bool ipv6, struct flow *flow)
{
	switch (proto) {
	case FLOW_IPPROTO_TCP:
		if (len >= 20 && p[12] >> 4 >= 5 && (size_t)(p[12] >> 4) * 4 <= len) {
			flow->tp_src = pb_get_be16(p);
			flow->tp_dst = pb_get_be16(p + 2);
			flow->tcp_flags = pb_get_be16(p + 12) & FLOW_TCP_FLAGS_MASK;
		}
		break;
	case FLOW_IPPROTO_UDP:
		if (len >= 8) {
			flow->tp_src = pb_get_be16(p);
			flow->tp_dst = pb_get_be16(p + 2);
		}
		break;
	case FLOW_IPPROTO_SCTP:
		if (len >= 12) {
			flow->tp_src = pb_get_be16(p);
			flow->tp_dst = pb_get_be16(p + 2);
		}
		break;
	case FLOW_IPPROTO_ICMP:
		if (!ipv6 && len >= 4) {
			flow->tp_src = p[0];
			flow->tp_dst = p[1];
		}
		break;
	case FLOW_IPPROTO_ICMPV6:
		if (ipv6 && len >= 4) {
			flow->tp_src = p[0];
			flow->tp_dst = p[1];
			if (p[0] == 135 || p[0] == 136)
				flow_parse_nd(p, len, flow);
		}
		break;
	default:
		break;
	}
}

int flow_ipv6_skip_ext(const uint8_t *p, size_t len, uint8_t *nexthdr, uint8_t *frag)
{
	uint8_t nh = *nexthdr;
	size_t ofs = 0;

	*frag = 0;
	for (int i = 0; i < FLOW_IPV6_MAX_EXT; i++) {
		size_t hlen;

		if (nh != 0 && nh != 43 && nh != 60 && nh != 51 && nh != 44)
			break;
		if (len - ofs < 8)
			return -1;
		if (nh == 44) { /* fragment */
			*frag = FLOW_NW_FRAG_ANY;
			if (pb_get_be16(p + ofs + 2) & 0xfff8)
				*frag |= FLOW_NW_FRAG_LATER;
			hlen = 8;
		} else if (nh == 51) { /* authentication header: 4-byte units */
			hlen = ((size_t)p[ofs + 1] + 2) * 4;
		} else { /* hop-by-hop, routing, destination options */
			hlen = ((size_t)p[ofs + 1] + 1) * 8;
		}
		if (len - ofs < hlen)
			return -1;
		nh = p[ofs];
		ofs += hlen;
		if (*frag & FLOW_NW_FRAG_LATER)
			break; /* what follows is not a header */
	}
	*nexthdr = nh;
	return (int)ofs;
}

static void flow_parse_ipv4(const uint8_t *p, size_t len, struct flow *flow)
{
	size_t ihl, tot;
	uint16_t frag;

	if (len < 20 || p[0] >> 4 != 4)
		return;
	ihl = (size_t)(p[0] & 0x0f) * 4;
	tot = pb_get_be16(p + 2);
	if (ihl < 20 || ihl > len || tot < ihl)
		return;
	if (tot < len)
		len = tot; /* Ethernet padding is not payload */
	flow->nw_src = pb_get_be32(p + 12);
	flow->nw_dst = pb_get_be32(p + 16);
	flow->nw_tos = p[1];
	flow->nw_ttl = p[8];
	flow->nw_proto = p[9];
	frag = pb_get_be16(p + 6);
	if (frag & 0x3fff) { /* MF or an offset */
		flow->nw_frag = FLOW_NW_FRAG_ANY;
		if (frag & 0x1fff) {
			flow->nw_frag |= FLOW_NW_FRAG_LATER;
			return;
		}
	}
	flow_parse_l4(p + ihl, len - ihl, flow->nw_proto, false, flow);
}

static void flow_parse_ipv6(const uint8_t *p, size_t len, struct flow *flow)
{
	uint32_t vtcfl;
	size_t plen;
	uint8_t nh, frag;
	int ext;

	if (len < 40 || p[0] >> 4 != 6)
		return;
	vtcfl = pb_get_be32(p);
	plen = pb_get_be16(p + 4);
	if (plen && plen + 40 < len)
		len = plen + 40; /* 0 is a jumbogram: use the frame */
	memcpy(flow->ipv6_src, p + 8, 16);
	memcpy(flow->ipv6_dst, p + 24, 16);
	flow->ipv6_label = vtcfl & 0xfffff;
	flow->nw_tos = (uint8_t)(vtcfl >> 20);
	flow->nw_ttl = p[7];
	nh = p[6];
	ext = flow_ipv6_skip_ext(p + 40, len - 40, &nh, &frag);
	if (ext < 0)
		return; /* truncated extension header: no protocol */
	flow->nw_proto = nh;
	flow->nw_frag = frag;
	if (!(frag & FLOW_NW_FRAG_LATER))
		flow_parse_l4(p + 40 + ext, len - 40 - (size_t)ext, nh, true, flow);
}

static void flow_parse_arp(const uint8_t *p, size_t len, struct flow *flow)
{
	uint16_t op;

	if (len < 28 || pb_get_be16(p) != 1 || pb_get_be16(p + 2) != ETH_TYPE_IPV4 || p[4] != 6 ||
	    p[5] != 4)
		return;
	op = pb_get_be16(p + 6);
	flow->nw_proto = op <= 0xff ? (uint8_t)op : 0;
	memcpy(flow->arp_sha, p + 8, 6);
	flow->nw_src = pb_get_be32(p + 14);
	memcpy(flow->arp_tha, p + 18, 6);
	flow->nw_dst = pb_get_be32(p + 24);
}

void flow_extract(const struct pkt *pkt, uint32_t in_port, struct flow *flow)
{
	const uint8_t *p = pkt->data;
	size_t len = pkt->len, ofs = 14;
	uint16_t type;

	/* 184 bytes with a constant size: the compiler emits a handful of
	 * vector stores, cheaper than tracking which fields were written. */
	memset(flow, 0, sizeof *flow);
	flow->in_port = in_port;
	if (PB_UNLIKELY(len < ETH_HEADER_LEN))
		return;
	memcpy(flow->dl_dst, p, 12);
	type = pb_get_be16(p + 12);

	if (eth_type_is_vlan(type) && len >= 18) {
		/* The first tag on the wire is the outermost: vlan_tci. */
		flow->vlan_tci = pb_get_be16(p + 14) | VLAN_CFI;
		flow->vlan_tpid = type;
		type = pb_get_be16(p + 16);
		ofs = 18;
		if (eth_type_is_vlan(type) && len >= 22) {
			flow->inner_vlan_tci = pb_get_be16(p + 18) | VLAN_CFI;
			type = pb_get_be16(p + 20);
			ofs = 22;
		}
	}
	if (PB_UNLIKELY(type < ETH_TYPE_MIN)) {
		/* 802.3 length: only LLC/SNAP with a zero OUI carries a type. */
		static const uint8_t snap[6] = {0xaa, 0xaa, 0x03, 0, 0, 0};

		if (len - ofs >= 8 && !memcmp(p + ofs, snap, 6) &&
		    pb_get_be16(p + ofs + 6) >= ETH_TYPE_MIN) {
			type = pb_get_be16(p + ofs + 6);
			ofs += 8;
		} else {
			flow->dl_type = FLOW_DL_TYPE_NONE;
			return;
		}
	}
	flow->dl_type = type;

	switch (type) {
	case ETH_TYPE_IPV4:
		flow_parse_ipv4(p + ofs, len - ofs, flow);
		break;
	case ETH_TYPE_IPV6:
		flow_parse_ipv6(p + ofs, len - ofs, flow);
		break;
	case ETH_TYPE_ARP:
		flow_parse_arp(p + ofs, len - ofs, flow);
		break;
	default:
		break;
	}
}

void flow_set_tunnel(struct flow *flow, const struct pkt_tnl *tnl)
{
	flow->tun_id = tnl->tun_id;
	flow->tun_src = tnl->tun_src;
	flow->tun_dst = tnl->tun_dst;
	flow->tun_gnv_class = tnl->gnv_class;
	flow->tun_gnv_type = tnl->gnv_type;
	flow->tun_gnv_len = tnl->gnv_len;
	flow->tun_gnv_data = tnl->gnv_data;
}

/* ---- hashing, comparison, masks ---- */

uint32_t flow_hash(const struct flow *flow, uint32_t basis)
{
	return hash_words64(flow_u64(flow), FLOW_U64S, basis);
}

uint32_t flow_hash_masked(const struct flow *flow, const struct flow *mask, uint32_t basis)
{
	return hash_words64_masked(flow_u64(flow), flow_u64(mask), FLOW_U64S, basis);
}

bool flow_equal_masked(const struct flow *a, const struct flow *b, const struct flow *mask)
{
	const uint64_t *pa = flow_u64(a), *pb = flow_u64(b), *pm = flow_u64(mask);
	uint64_t diff = 0;

	for (size_t i = 0; i < FLOW_U64S; i++)
		diff |= (pa[i] ^ pb[i]) & pm[i];
	return !diff;
}

void flow_apply_mask(struct flow *dst, const struct flow *src, const struct flow *mask)
{
	uint64_t *pd = (uint64_t *)(void *)dst;
	const uint64_t *ps = flow_u64(src), *pm = flow_u64(mask);

	for (size_t i = 0; i < FLOW_U64S; i++)
		pd[i] = ps[i] & pm[i];
}

void flow_mask_for_packet(struct flow *mask, const struct flow *flow)
{
	memset(mask, 0, sizeof *mask);
	mask->metadata = flow->metadata ? UINT64_MAX : 0;
	mask->tun_id = flow->tun_id ? UINT64_MAX : 0;
	mask->tun_src = flow->tun_src ? UINT32_MAX : 0;
	mask->tun_dst = flow->tun_dst ? UINT32_MAX : 0;
	if (flow->tun_gnv_class || flow->tun_gnv_type || flow->tun_gnv_len || flow->tun_gnv_data) {
		mask->tun_gnv_class = 0xffff;
		mask->tun_gnv_type = 0xff;
		mask->tun_gnv_len = 0xff;
		mask->tun_gnv_data = UINT64_MAX;
	}
	for (int i = 0; i < FLOW_N_REGS; i++)
		mask->regs[i] = flow->regs[i] ? UINT32_MAX : 0;
	mask->in_port = UINT32_MAX;
	memset(mask->dl_dst, 0xff, 6);
	memset(mask->dl_src, 0xff, 6);
	mask->dl_type = 0xffff;
	mask->vlan_tci = 0xffff;
	if (flow->vlan_tci)
		mask->vlan_tpid = 0xffff;
	if (flow->inner_vlan_tci)
		mask->inner_vlan_tci = 0xffff;
	if (flow->dl_type == ETH_TYPE_ARP) {
		mask->nw_src = mask->nw_dst = UINT32_MAX;
		mask->nw_proto = 0xff;
		memset(mask->arp_sha, 0xff, 6);
		memset(mask->arp_tha, 0xff, 6);
		return;
	}
	if (flow->dl_type == ETH_TYPE_IPV4) {
		mask->nw_src = mask->nw_dst = UINT32_MAX;
	} else if (flow->dl_type == ETH_TYPE_IPV6) {
		memset(mask->ipv6_src, 0xff, 16);
		memset(mask->ipv6_dst, 0xff, 16);
		mask->ipv6_label = 0xfffff;
	} else {
		return;
	}
	mask->nw_proto = mask->nw_tos = mask->nw_ttl = 0xff;
	mask->nw_frag = FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER;
	if (flow->nw_frag & FLOW_NW_FRAG_LATER)
		return;
	switch (flow->nw_proto) {
	case FLOW_IPPROTO_TCP:
		mask->tcp_flags = FLOW_TCP_FLAGS_MASK;
		/* fall through */
	case FLOW_IPPROTO_UDP:
	case FLOW_IPPROTO_SCTP:
	case FLOW_IPPROTO_ICMP:
		mask->tp_src = mask->tp_dst = 0xffff;
		break;
	case FLOW_IPPROTO_ICMPV6:
		mask->tp_src = mask->tp_dst = 0xffff;
		if (flow->tp_dst == 0 && (flow->tp_src == 135 || flow->tp_src == 136)) {
			memset(mask->nd_target, 0xff, 16);
			memset(flow->tp_src == 135 ? mask->arp_sha : mask->arp_tha, 0xff, 6);
		}
		break;
	default:
		break;
	}
}

/* ---- formatting ---- */

/* Starts a new "name=" item with a separating comma. */
static void fb_name(struct fmtbuf *b, const char *name)
{
	fmtbuf_put(b, "%s%s=", b->len ? "," : "", name);
}

static void fb_uint(struct fmtbuf *b, const char *name, uint64_t v, uint64_t m, uint64_t all,
                    bool hex)
{
	if (!m)
		return;
	fb_name(b, name);
	if (m == all)
		fmtbuf_put(b, hex ? "0x%llx" : "%llu", (unsigned long long)v);
	else
		fmtbuf_put(b, "0x%llx/0x%llx", (unsigned long long)(v & m), (unsigned long long)m);
}

static void fb_mac(struct fmtbuf *b, const char *name, const uint8_t *v, const uint8_t *m)
{
	static const uint8_t ones[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	char s[18];
	uint8_t mv[6];

	if (eth_addr_is_zero(m))
		return;
	for (int i = 0; i < 6; i++)
		mv[i] = v[i] & m[i];
	fb_name(b, name);
	eth_addr_format(mv, s);
	fmtbuf_put(b, "%s", s);
	if (memcmp(m, ones, 6)) {
		eth_addr_format(m, s);
		fmtbuf_put(b, "/%s", s);
	}
}

static void fb_ipv4(struct fmtbuf *b, const char *name, uint32_t v, uint32_t m)
{
	if (!m)
		return;
	v &= m;
	fb_name(b, name);
	fmtbuf_put(b, "%u.%u.%u.%u", v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
	if (m != UINT32_MAX)
		fmtbuf_put(b, "/%u.%u.%u.%u", m >> 24, (m >> 16) & 0xff, (m >> 8) & 0xff, m & 0xff);
}

static void fb_ipv6(struct fmtbuf *b, const char *name, const uint8_t *v, const uint8_t *m)
{
	static const uint8_t zero[16];
	uint8_t mv[16];
	char s[INET6_ADDRSTRLEN];
	bool exact = true;

	if (!memcmp(m, zero, 16))
		return;
	for (int i = 0; i < 16; i++) {
		mv[i] = v[i] & m[i];
		exact &= m[i] == 0xff;
	}
	fb_name(b, name);
	inet_ntop(AF_INET6, mv, s, sizeof s);
	fmtbuf_put(b, "%s", s);
	if (!exact) {
		inet_ntop(AF_INET6, m, s, sizeof s);
		fmtbuf_put(b, "/%s", s);
	}
}

int flow_format(const struct flow *flow, const struct flow *mask, char *buf, size_t len)
{
	struct fmtbuf b = {.buf = buf, .size = len, .len = 0};
	struct flow tmp;
	const struct flow *m = mask;
	bool arp, ip, ipv6;

	if (len)
		buf[0] = '\0';
	if (!m) {
		flow_mask_for_packet(&tmp, flow);
		m = &tmp;
	}
	arp = m->dl_type == 0xffff && flow->dl_type == ETH_TYPE_ARP;
	ipv6 = m->dl_type == 0xffff && flow->dl_type == ETH_TYPE_IPV6;
	ip = m->dl_type == 0xffff && (flow->dl_type == ETH_TYPE_IPV4 || ipv6);

	fb_uint(&b, "tun_id", flow->tun_id, m->tun_id, UINT64_MAX, true);
	fb_ipv4(&b, "tun_src", flow->tun_src, m->tun_src);
	fb_ipv4(&b, "tun_dst", flow->tun_dst, m->tun_dst);
	fb_uint(&b, "tun_gnv_class", flow->tun_gnv_class, m->tun_gnv_class, 0xffff, true);
	fb_uint(&b, "tun_gnv_type", flow->tun_gnv_type, m->tun_gnv_type, 0xff, true);
	fb_uint(&b, "tun_gnv_len", flow->tun_gnv_len, m->tun_gnv_len, 0xff, false);
	fb_uint(&b, "tun_gnv_data", flow->tun_gnv_data, m->tun_gnv_data, UINT64_MAX, true);
	fb_uint(&b, "metadata", flow->metadata, m->metadata, UINT64_MAX, true);
	for (int i = 0; i < FLOW_N_REGS; i++) {
		char name[8];

		snprintf(name, sizeof name, "reg%d", i);
		fb_uint(&b, name, flow->regs[i], m->regs[i], UINT32_MAX, true);
	}
	fb_uint(&b, "in_port", flow->in_port, m->in_port, UINT32_MAX, false);
	fb_mac(&b, "dl_src", flow->dl_src, m->dl_src);
	fb_mac(&b, "dl_dst", flow->dl_dst, m->dl_dst);
	fb_uint(&b, "vlan_tci", flow->vlan_tci, m->vlan_tci, 0xffff, true);
	fb_uint(&b, "vlan_tpid", flow->vlan_tpid, m->vlan_tpid, 0xffff, true);
	fb_uint(&b, "inner_vlan_tci", flow->inner_vlan_tci, m->inner_vlan_tci, 0xffff, true);
	fb_uint(&b, "dl_type", flow->dl_type, m->dl_type, 0xffff, true);
	fb_ipv4(&b, arp ? "arp_spa" : "nw_src", flow->nw_src, m->nw_src);
	fb_ipv4(&b, arp ? "arp_tpa" : "nw_dst", flow->nw_dst, m->nw_dst);
	fb_ipv6(&b, "ipv6_src", flow->ipv6_src, m->ipv6_src);
	fb_ipv6(&b, "ipv6_dst", flow->ipv6_dst, m->ipv6_dst);
	fb_uint(&b, "ipv6_label", flow->ipv6_label, m->ipv6_label, 0xfffff, true);
	fb_uint(&b, arp ? "arp_op" : "nw_proto", flow->nw_proto, m->nw_proto, 0xff, false);
	if (m->nw_tos & 0xfc)
		fb_uint(&b, "nw_tos", flow->nw_tos & 0xfc, m->nw_tos & 0xfc, 0xfc, false);
	if (m->nw_tos & 0x03)
		fb_uint(&b, "nw_ecn", flow->nw_tos & 0x03, m->nw_tos & 0x03, 0x03, false);
	fb_uint(&b, "nw_ttl", flow->nw_ttl, m->nw_ttl, 0xff, false);
	if (m->nw_frag) {
		static const char *const names[] = {"no", "first", "later", "later"};
		uint8_t fm = m->nw_frag & 3, fv = flow->nw_frag & fm;

		fb_name(&b, "nw_frag");
		if (fm == 3)
			fmtbuf_put(&b, "%s", names[fv]);
		else if (fm == FLOW_NW_FRAG_ANY)
			fmtbuf_put(&b, "%s", fv ? "yes" : "no");
		else
			fmtbuf_put(&b, "%s", fv ? "later" : "not_later");
	}
	fb_mac(&b, arp ? "arp_sha" : "nd_sll", flow->arp_sha, m->arp_sha);
	fb_mac(&b, arp ? "arp_tha" : "nd_tll", flow->arp_tha, m->arp_tha);
	fb_ipv6(&b, "nd_target", flow->nd_target, m->nd_target);
	if (ip && m->nw_proto == 0xff &&
	    flow->nw_proto == (ipv6 ? FLOW_IPPROTO_ICMPV6 : FLOW_IPPROTO_ICMP)) {
		/* 8-bit fields carried in 16: either mask width means exact. */
		fb_uint(&b, ipv6 ? "icmpv6_type" : "icmp_type", flow->tp_src & 0xff,
		        m->tp_src & 0xff, 0xff, false);
		fb_uint(&b, ipv6 ? "icmpv6_code" : "icmp_code", flow->tp_dst & 0xff,
		        m->tp_dst & 0xff, 0xff, false);
	} else {
		fb_uint(&b, "tp_src", flow->tp_src, m->tp_src, 0xffff, false);
		fb_uint(&b, "tp_dst", flow->tp_dst, m->tp_dst, 0xffff, false);
	}
	fb_uint(&b, "tcp_flags", flow->tcp_flags, m->tcp_flags, FLOW_TCP_FLAGS_MASK, true);
	return b.len > INT32_MAX ? INT32_MAX : (int)b.len;
}
