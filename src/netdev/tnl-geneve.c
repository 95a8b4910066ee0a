/* tnl-geneve.c - the Geneve header (RFC 8926): 8 fixed bytes (version,
 * option length, O/C flags, protocol type, VNI) and TLV options, of which
 * Patchbay carries one (see flow.h).  See tnl-hdr.h. */
#include <errno.h>
#include <string.h>

#include "lib/csum.h"
#include "netdev/tnl-hdr.h"

#define GENEVE_O_BIT      0x80
#define GENEVE_C_BIT      0x40
#define GENEVE_CRITICAL   0x80
#define GENEVE_OPT_HLEN   4
#define GENEVE_OPT_MAXLEN 8 /* data bytes we carry */

int tnl_geneve_opt_data_len(uint16_t cls, uint8_t type, uint8_t len, uint64_t data)
{
	if (!cls && !type && !len && !data)
		return -1;
	if (len == 0)
		return data ? 8 : 0;
	return len <= 4 ? 4 : 8;
}

size_t tnl_geneve_hlen(const struct tnl_encap *e)
{
	int d = tnl_geneve_opt_data_len(e->gnv_class, e->gnv_type, e->gnv_len, e->gnv_data);

	return TNL_GENEVE_HLEN + (d < 0 ? 0 : GENEVE_OPT_HLEN + (size_t)d);
}

void tnl_geneve_put(const struct tnl_encap *e, uint8_t *p)
{
	int d = tnl_geneve_opt_data_len(e->gnv_class, e->gnv_type, e->gnv_len, e->gnv_data);
	size_t opt_len = d < 0 ? 0 : GENEVE_OPT_HLEN + (size_t)d;

	p[0] = (uint8_t)(opt_len / 4); /* version 0 */
	p[1] = (d >= 0 && (e->gnv_type & GENEVE_CRITICAL)) ? GENEVE_C_BIT : 0;
	pb_put_be16(p + 2, TNL_ETH_BRIDGING);
	pb_put_be32(p + 4, (uint32_t)(e->key & 0xffffff) << 8);
	if (d < 0)
		return;
	p += TNL_GENEVE_HLEN;
	pb_put_be16(p, e->gnv_class);
	p[2] = e->gnv_type;
	p[3] = (uint8_t)(d / 4);
	if (d == 4)
		pb_put_be32(p + 4, (uint32_t)e->gnv_data);
	else if (d == 8) {
		pb_put_be32(p + 4, (uint32_t)(e->gnv_data >> 32));
		pb_put_be32(p + 8, (uint32_t)e->gnv_data);
	}
}

int tnl_geneve_parse(const uint8_t *p, size_t len, struct pkt_tnl *md)
{
	size_t opts_len, ofs;
	bool kept = false;

	if (len < TNL_GENEVE_HLEN)
		return -EINVAL;
	if (p[0] >> 6) /* version */
		return -EINVAL;
	opts_len = (size_t)(p[0] & 0x3f) * 4;
	if (len < TNL_GENEVE_HLEN + opts_len + 14)
		return -EINVAL;
	if (p[1] & GENEVE_O_BIT)
		return -EPROTONOSUPPORT;
	if (pb_get_be16(p + 2) != TNL_ETH_BRIDGING)
		return -EPROTONOSUPPORT;
	memset(md, 0, sizeof *md);
	md->tun_id = pb_get_be32(p + 4) >> 8;

	for (ofs = TNL_GENEVE_HLEN; ofs < TNL_GENEVE_HLEN + opts_len;) {
		const uint8_t *o = p + ofs;
		size_t d;

		if (TNL_GENEVE_HLEN + opts_len - ofs < GENEVE_OPT_HLEN)
			return -EINVAL;
		d = (size_t)(o[3] & 0x1f) * 4;
		if (TNL_GENEVE_HLEN + opts_len - ofs - GENEVE_OPT_HLEN < d)
			return -EINVAL;
		if (!kept && d <= GENEVE_OPT_MAXLEN) {
			kept = true;
			md->gnv_class = pb_get_be16(o);
			md->gnv_type = o[2];
			md->gnv_len = (uint8_t)d;
			if (d == 4)
				md->gnv_data = pb_get_be32(o + 4);
			else if (d == 8)
				md->gnv_data =
				        (uint64_t)pb_get_be32(o + 4) << 32 | pb_get_be32(o + 8);
		} else if (o[2] & GENEVE_CRITICAL) {
			return -EPROTONOSUPPORT;
		}
		ofs += GENEVE_OPT_HLEN + d;
	}
	return (int)ofs;
}
