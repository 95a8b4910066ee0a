/* tnl-hdr.c - the protocol-independent part of the tunnel headers: the
 * outer IPv4 and UDP headers with their checksums, the UDP source port hash
 * and the IPv4 parser for raw GRE sockets.  See tnl-hdr.h. */
#include "netdev/tnl-hdr.h"

#include <errno.h>
#include <string.h>

#include "lib/csum.h"
#include "lib/hash.h"

#define IP_DF     0x4000
#define IP_MF     0x2000
#define IP_OFFSET 0x1fff

static bool tnl_is_udp(enum tnl_proto proto)
{
	return proto == TNL_VXLAN || proto == TNL_GENEVE;
}

static size_t tnl_inner_hlen(const struct tnl_encap *e)
{
	switch (e->proto) {
	case TNL_VXLAN:
		return tnl_vxlan_hlen(e);
	case TNL_GENEVE:
		return tnl_geneve_hlen(e);
	case TNL_GRE:
	default:
		return tnl_gre_hlen(e);
	}
}

size_t tnl_hdr_len(const struct tnl_encap *e)
{
	return TNL_IPV4_HLEN + (tnl_is_udp(e->proto) ? TNL_UDP_HLEN : 0) + tnl_inner_hlen(e);
}

int tnl_build(const struct tnl_encap *e, const uint8_t *inner, size_t inner_len, uint8_t *hdr)
{
	size_t hlen = tnl_hdr_len(e), th = tnl_inner_hlen(e);
	size_t total = hlen + inner_len;
	uint8_t *t = hdr + hlen - th;

	if (total > 65535)
		return -EMSGSIZE;
	hdr[0] = 0x45;
	hdr[1] = e->tos;
	pb_put_be16(hdr + 2, (uint16_t)total);
	pb_put_be16(hdr + 4, e->ip_id);
	pb_put_be16(hdr + 6, e->df ? IP_DF : 0);
	hdr[8] = e->ttl;
	hdr[9] = tnl_is_udp(e->proto) ? TNL_IPPROTO_UDP : TNL_IPPROTO_GRE;
	pb_put_be16(hdr + 10, 0);
	pb_put_be32(hdr + 12, e->src);
	pb_put_be32(hdr + 16, e->dst);
	pb_put_be16(hdr + 10, csum(hdr, TNL_IPV4_HLEN));

	switch (e->proto) {
	case TNL_VXLAN:
		tnl_vxlan_put(e, t);
		break;
	case TNL_GENEVE:
		tnl_geneve_put(e, t);
		break;
	case TNL_GRE:
		tnl_gre_put(e, t);
		break;
	}
	if (tnl_is_udp(e->proto)) {
		uint8_t *u = hdr + TNL_IPV4_HLEN;
		uint32_t l4_len = (uint32_t)(total - TNL_IPV4_HLEN);

		pb_put_be16(u, e->udp_src);
		pb_put_be16(u + 2, e->udp_dst);
		pb_put_be16(u + 4, (uint16_t)l4_len);
		pb_put_be16(u + 6, 0);
		if (e->udp_csum) {
			uint32_t sum = csum_pseudo_ipv4(e->src, e->dst, TNL_IPPROTO_UDP, l4_len);
			uint16_t c;

			/* The tunnel header is a multiple of 4 bytes long, so
			 * the inner frame starts on an even offset. */
			sum = csum_partial(u, TNL_UDP_HLEN + th, sum);
			sum = csum_partial(inner, inner_len, sum);
			c = csum_finish(sum);
			pb_put_be16(u + 6, c ? c : 0xffff);
		}
	}
	return (int)hlen;
}

int tnl_build_frame(const struct tnl_encap *e, const uint8_t dst_mac[6], const uint8_t src_mac[6],
                    const uint8_t *inner, size_t inner_len, uint8_t *hdr)
{
	int hlen = tnl_build(e, inner, inner_len, hdr + TNL_ETH_HLEN);

	if (hlen < 0)
		return hlen;
	memcpy(hdr, dst_mac, 6);
	memcpy(hdr + 6, src_mac, 6);
	pb_put_be16(hdr + 12, 0x0800);
	return TNL_ETH_HLEN + hlen;
}

uint16_t tnl_udp_src_port(const uint8_t *f, size_t len)
{
	uint32_t h = 0;
	size_t ofs = 14;
	uint16_t type;

	if (len < 14)
		return 49152;
	h = hash_bytes(f, 12, 0);
	type = pb_get_be16(f + 12);
	if (type == 0x8100 && len >= 18) {
		h = hash_add32(h, pb_get_be16(f + 14) & 0x0fff);
		type = pb_get_be16(f + 16);
		ofs = 18;
	}
	if (type == 0x0800 && len >= ofs + 20) {
		const uint8_t *ip = f + ofs;
		size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
		uint8_t proto = ip[9];

		h = hash_add32(h, pb_get_be32(ip + 12));
		h = hash_add32(h, pb_get_be32(ip + 16));
		h = hash_add32(h, proto);
		if ((proto == 6 || proto == 17 || proto == 132) && ihl >= 20 &&
		    len >= ofs + ihl + 4 && !(pb_get_be16(ip + 6) & (IP_MF | IP_OFFSET)))
			h = hash_add32(h, pb_get_be32(ip + ihl));
	} else if (type == 0x86dd && len >= ofs + 40) {
		const uint8_t *ip = f + ofs;
		uint8_t proto = ip[6];

		h = hash_add32(h, hash_bytes(ip + 8, 32, 0));
		h = hash_add32(h, proto);
		if ((proto == 6 || proto == 17 || proto == 132) && len >= ofs + 44)
			h = hash_add32(h, pb_get_be32(ip + 40));
	}
	h = hash_finish(h, 16);
	return (uint16_t)(49152 + (h & 0x3fff));
}

int tnl_ipv4_parse(const uint8_t *p, size_t len, uint32_t *src, uint32_t *dst, uint8_t *proto,
                   size_t *l4_len)
{
	size_t ihl, tot;

	if (len < TNL_IPV4_HLEN || (p[0] >> 4) != 4)
		return -EINVAL;
	ihl = (size_t)(p[0] & 0x0f) * 4;
	tot = pb_get_be16(p + 2);
	if (ihl < TNL_IPV4_HLEN || tot < ihl || tot > len)
		return -EINVAL;
	if (pb_get_be16(p + 6) & (IP_MF | IP_OFFSET))
		return -EINVAL;
	*src = pb_get_be32(p + 12);
	*dst = pb_get_be32(p + 16);
	*proto = p[9];
	*l4_len = tot - ihl;
	return (int)ihl;
}
