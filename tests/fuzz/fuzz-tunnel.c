/* fuzz-tunnel.c - libFuzzer target for the tunnel decapsulation parsers
 * (netdev/tnl-*.c): the first byte picks VXLAN, Geneve or GRE-in-IPv4, the
 * rest is the datagram.  A parsed packet must leave a whole Ethernet header
 * inside the input, and re-encapsulating what was parsed must parse back to
 * the same metadata. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netdev/tnl-hdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkt_tnl md, md2;
	uint8_t *copy, *hdr;
	int ofs = -1, ofs2;
	uint8_t sel;

	if (size < 1)
		return 0;
	sel = data[0] % 3;
	size--;
	copy = malloc(size ? size : 1); /* exact size: ASan sees over-reads */
	memcpy(copy, data + 1, size);
	if (sel == 0) {
		ofs = tnl_vxlan_parse(copy, size, &md);
	} else if (sel == 1) {
		ofs = tnl_geneve_parse(copy, size, &md);
	} else {
		uint32_t src, dst;
		uint8_t proto;
		size_t l4;
		int ihl = tnl_ipv4_parse(copy, size, &src, &dst, &proto, &l4);

		if (ihl >= 0) {
			if ((size_t)ihl + l4 > size)
				abort();
			ofs = tnl_gre_parse(copy + ihl, l4, &md);
			if (ofs >= 0 && (size_t)ofs + 14 > l4)
				abort();
			ofs = -1; /* the round trip below is for the UDP types */
		}
	}
	if (ofs >= 0) {
		struct tnl_encap e = {.proto = sel == 0 ? TNL_VXLAN : TNL_GENEVE,
		                      .src = 1,
		                      .dst = 2,
		                      .ttl = 64,
		                      .udp_csum = true,
		                      .key = md.tun_id,
		                      .gnv_class = md.gnv_class,
		                      .gnv_type = md.gnv_type,
		                      .gnv_len = md.gnv_len,
		                      .gnv_data = md.gnv_data};
		size_t inner = size - (size_t)ofs, hlen;
		uint8_t *pkt;

		if ((size_t)ofs + 14 > size)
			abort();
		hlen = tnl_hdr_len(&e);
		pkt = malloc(hlen + inner);
		hdr = pkt;
		if (tnl_build(&e, copy + ofs, inner, hdr) == (int)hlen) {
			memcpy(pkt + hlen, copy + ofs, inner);
			ofs2 = sel == 0 ? tnl_vxlan_parse(pkt + 28, hlen + inner - 28, &md2)
			                : tnl_geneve_parse(pkt + 28, hlen + inner - 28, &md2);
			if (ofs2 < 0 || (size_t)ofs2 + 28 != hlen || md2.tun_id != md.tun_id ||
			    md2.gnv_class != md.gnv_class || md2.gnv_type != md.gnv_type ||
			    md2.gnv_data != md.gnv_data)
				abort();
		}
		free(pkt);
	}
	free(copy);
	return 0;
}
