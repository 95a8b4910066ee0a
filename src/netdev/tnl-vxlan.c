/* tnl-vxlan.c - the VXLAN header (RFC 7348): 8 bytes, flags with the I bit,
 * a 24-bit VNI.  See tnl-hdr.h. */
#include <errno.h>
#include <string.h>

#include "lib/csum.h"
#include "netdev/tnl-hdr.h"

#define VXLAN_FLAG_I 0x08

size_t tnl_vxlan_hlen(const struct tnl_encap *e)
{
	(void)e;
	return TNL_VXLAN_HLEN;
}

void tnl_vxlan_put(const struct tnl_encap *e, uint8_t *p)
{
	pb_put_be32(p, (uint32_t)VXLAN_FLAG_I << 24);
	pb_put_be32(p + 4, (uint32_t)(e->key & 0xffffff) << 8);
}

int tnl_vxlan_parse(const uint8_t *p, size_t len, struct pkt_tnl *md)
{
	if (len < TNL_VXLAN_HLEN + 14)
		return -EINVAL;
	if (!(p[0] & VXLAN_FLAG_I))
		return -EINVAL;
	memset(md, 0, sizeof *md);
	md->tun_id = pb_get_be32(p + 4) >> 8;
	return TNL_VXLAN_HLEN;
}
