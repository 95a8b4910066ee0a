/* eth.h - Ethernet header parsing: addresses, up to two VLAN tags (802.1Q
 * and 802.1ad), the ethertype and where the L3 header starts.
 *
 * Pure functions on borrowed bytes: no allocation, no global state, safe from
 * any thread.  Parsing never reads past 'len'. */
#ifndef PB_ETH_H
#define PB_ETH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ETH_ADDR_LEN        6
#define ETH_HEADER_LEN      14
#define ETH_VLAN_HEADER_LEN 4
#define ETH_VLAN_MAX        2

#define ETH_TYPE_IPV4        0x0800
#define ETH_TYPE_ARP         0x0806
#define ETH_TYPE_VLAN        0x8100 /* 802.1Q customer tag */
#define ETH_TYPE_VLAN_8021AD 0x88a8 /* 802.1ad service tag */
#define ETH_TYPE_IPV6        0x86dd
/* Values below this in the type/length field are 802.3 lengths, not types. */
#define ETH_TYPE_MIN 0x0600

#define VLAN_VID_MASK 0x0fff

struct eth_vlan {
	uint16_t tpid; /* ETH_TYPE_VLAN or ETH_TYPE_VLAN_8021AD */
	uint16_t vid;  /* 0..4095 */
	uint8_t pcp;   /* 0..7 */
	uint8_t dei;   /* 0 or 1 */
};

/* One parsed Ethernet header.  All integers are in host byte order. */
struct eth_info {
	uint8_t dst[ETH_ADDR_LEN];
	uint8_t src[ETH_ADDR_LEN];
	uint8_t n_vlans; /* 0..ETH_VLAN_MAX, outermost first */
	struct eth_vlan vlans[ETH_VLAN_MAX];
	uint16_t ethertype; /* after the tags; < ETH_TYPE_MIN means an 802.3 length */
	uint16_t l3_ofs;    /* offset of the first byte after the type field */
};

/* Parses the Ethernet header at 'data' ('len' bytes).  A third VLAN tag is
 * not parsed: 'ethertype' is then its TPID and 'l3_ofs' points at its TCI.
 * Returns 0, or -EINVAL if the frame is too short for its own header (no
 * field of 'out' is meaningful then). */
int eth_parse(const uint8_t *data, size_t len, struct eth_info *out);

static inline bool eth_addr_is_multicast(const uint8_t mac[ETH_ADDR_LEN])
{
	return mac[0] & 1;
}

static inline bool eth_addr_is_broadcast(const uint8_t mac[ETH_ADDR_LEN])
{
	return (mac[0] & mac[1] & mac[2] & mac[3] & mac[4] & mac[5]) == 0xff;
}

static inline bool eth_addr_is_zero(const uint8_t mac[ETH_ADDR_LEN])
{
	return !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

static inline bool eth_type_is_vlan(uint16_t type)
{
	return type == ETH_TYPE_VLAN || type == ETH_TYPE_VLAN_8021AD;
}

#endif
