/* eth.c - Ethernet header parsing (see eth.h).  Every read is bounds-checked
 * against the frame length first. */
#include "lib/eth.h"

#include <errno.h>
#include <string.h>

static inline uint16_t eth_get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

int eth_parse(const uint8_t *data, size_t len, struct eth_info *out)
{
	size_t ofs = 2 * ETH_ADDR_LEN;
	uint16_t type;

	if (len < ETH_HEADER_LEN)
		return -EINVAL;
	memcpy(out->dst, data, ETH_ADDR_LEN);
	memcpy(out->src, data + ETH_ADDR_LEN, ETH_ADDR_LEN);
	out->n_vlans = 0;

	type = eth_get_be16(data + ofs);
	ofs += 2;
	while (eth_type_is_vlan(type) && out->n_vlans < ETH_VLAN_MAX) {
		struct eth_vlan *v = &out->vlans[out->n_vlans];
		uint16_t tci;

		/* The TCI and the next type field must both be present. */
		if (len - ofs < ETH_VLAN_HEADER_LEN)
			return -EINVAL;
		tci = eth_get_be16(data + ofs);
		v->tpid = type;
		v->vid = tci & VLAN_VID_MASK;
		v->pcp = (uint8_t)(tci >> 13);
		v->dei = (uint8_t)((tci >> 12) & 1);
		out->n_vlans++;
		type = eth_get_be16(data + ofs + 2);
		ofs += ETH_VLAN_HEADER_LEN;
	}
	out->ethertype = type;
	out->l3_ofs = (uint16_t)ofs;
	return 0;
}
