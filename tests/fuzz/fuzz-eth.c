/* fuzz-eth.c - libFuzzer target for eth_parse(): any input must either be
 * rejected or yield a self-consistent result, without reading past the end
 * (ASan checks the reads; the asserts check the result). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/eth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eth_info info;

	if (eth_parse(data, size, &info)) {
		if (size >= ETH_HEADER_LEN &&
		    !eth_type_is_vlan((uint16_t)(data[12] << 8 | data[13])))
			abort(); /* an untagged header of full length must parse */
		return 0;
	}
	if (info.n_vlans > ETH_VLAN_MAX || info.l3_ofs > size ||
	    info.l3_ofs != ETH_HEADER_LEN + ETH_VLAN_HEADER_LEN * info.n_vlans)
		abort();
	if (memcmp(info.dst, data, 6) || memcmp(info.src, data + 6, 6))
		abort();
	if (info.ethertype != (uint16_t)(data[info.l3_ofs - 2] << 8 | data[info.l3_ofs - 1]))
		abort();
	for (int i = 0; i < info.n_vlans; i++)
		if (!eth_type_is_vlan(info.vlans[i].tpid) || info.vlans[i].vid > 4095 ||
		    info.vlans[i].pcp > 7 || info.vlans[i].dei > 1)
			abort();
	if (info.n_vlans < ETH_VLAN_MAX && eth_type_is_vlan(info.ethertype))
		abort(); /* a tag we should have parsed */
	return 0;
}
