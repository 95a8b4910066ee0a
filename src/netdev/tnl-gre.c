/* tnl-gre.c - the GRE header (RFC 2784, key and sequence from RFC 2890)
 * carrying Ethernet (protocol type 0x6558).  See tnl-hdr.h. */
#include <errno.h>
#include <string.h>

#include "lib/csum.h"
#include "netdev/tnl-hdr.h"

#define GRE_C       0x8000
#define GRE_R       0x4000
#define GRE_K       0x2000
#define GRE_S       0x1000
#define GRE_VERSION 0x0007

size_t tnl_gre_hlen(const struct tnl_encap *e)
{
	return e->key ? 8 : 4;
}

void tnl_gre_put(const struct tnl_encap *e, uint8_t *p)
{
	pb_put_be16(p, e->key ? GRE_K : 0);
	pb_put_be16(p + 2, TNL_ETH_BRIDGING);
	if (e->key)
		pb_put_be32(p + 4, (uint32_t)e->key);
}

int tnl_gre_parse(const uint8_t *p, size_t len, struct pkt_tnl *md)
{
	uint16_t flags;
	size_t ofs = 4;

	if (len < 4)
		return -EINVAL;
	flags = pb_get_be16(p);
	if ((flags & GRE_VERSION) || (flags & GRE_R))
		return -EINVAL;
	if (flags & GRE_C) {
		if (len < 8)
			return -EINVAL;
		if (csum(p, len) != 0)
			return -EBADMSG;
		ofs += 4;
	}
	memset(md, 0, sizeof *md);
	if (flags & GRE_K) {
		if (len < ofs + 4)
			return -EINVAL;
		md->tun_id = pb_get_be32(p + ofs);
		ofs += 4;
	}
	if (flags & GRE_S)
		ofs += 4;
	if (len < ofs + 14)
		return -EINVAL;
	if (pb_get_be16(p + 2) != TNL_ETH_BRIDGING)
		return -EPROTONOSUPPORT;
	return (int)ofs;
}
