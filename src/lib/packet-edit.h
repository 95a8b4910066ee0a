/* packet-edit.h - in-place edits of packet headers for the datapath's
 * actions: masked writes of header fields with every checksum kept correct,
 * 802.1Q/802.1ad tag push and pop, and TTL / hop-limit decrement.
 *
 * Checksums are updated incrementally (RFC 1624), so a packet whose checksum
 * was wrong stays wrong by the same amount: the IPv4 header checksum on
 * address/TOS/TTL changes, the TCP/UDP/ICMPv6 checksums on pseudo-header
 * (address) changes and on port/type/code/ND changes, the SCTP CRC32C on port
 * changes (recomputed over the SCTP packet, preserving any existing error).
 * A UDP checksum of 0 ("none") stays 0 (IPv4, and IPv6 per RFC 6935); a
 * computed UDP checksum of 0 is written as 0xffff.
 *
 * Layers: edits locate headers through a 'struct pkt_layers' filled by
 * pkt_layers_parse() on the packet's current bytes.  push/pop move the
 * headers, so parse again after them.  An edit whose header the packet does
 * not have (set an IPv4 field on ARP, a TCP port on UDP, a later fragment's
 * ports, any header cut short) changes nothing and returns -EINVAL.
 *
 * Room rule for push: a tag is inserted by moving the 12 address bytes 4
 * bytes back into the headroom, so pkt->headroom must be >= 4 per tag
 * pushed; otherwise pkt_push_vlan() returns -ENOSPC and leaves the packet
 * unchanged.  Netdevs hand out packets with headroom (see packet.h); a
 * caller that builds packets itself must reserve it (PKT_EDIT_HEADROOM is
 * enough for the two tags a flow can describe).  Pop gives the 4 bytes back
 * to the headroom.
 *
 * Values and masks are in host byte order (MAC/IPv6 addresses as bytes);
 * a set writes (old & ~mask) | (value & mask).  Pure functions on borrowed
 * bytes, no allocation, safe from any thread. */
#ifndef PB_PACKET_EDIT_H
#define PB_PACKET_EDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/packet.h"

#define PKT_EDIT_HEADROOM 8

/* pkt_layers.flags */
#define PKT_L_IPV4 0x01 /* a valid IPv4 header at l3_ofs */
#define PKT_L_IPV6 0x02 /* a valid IPv6 header at l3_ofs */
#define PKT_L_ARP  0x04 /* an Ethernet/IPv4 ARP packet at l3_ofs */

struct pkt_layers {
	uint32_t l3_ofs;  /* first byte after the last ethertype (0: no L2) */
	uint32_t l3_end;  /* end of the IP datagram (no Ethernet padding) */
	uint32_t l4_ofs;  /* L4 header, 0 if none: see nw_proto */
	uint16_t dl_type; /* ethertype after the tags (and LLC/SNAP) */
	uint8_t n_vlans;  /* tags parsed (0..2) */
	uint8_t flags;    /* PKT_L_* */
	uint8_t nw_proto; /* IP protocol of the L4 header at l4_ofs */
	uint8_t pad[3];
};

/* Finds the headers of 'pkt'.  l4_ofs is set only when the L4 header is
 * present in full (TCP 20 bytes, UDP 8, SCTP 12, ICMP/ICMPv6 4) and the
 * packet is not a later fragment. */
void pkt_layers_parse(const struct pkt *pkt, struct pkt_layers *l);

/* All setters: 0 if the packet was edited, -EINVAL if it lacks the header
 * (nothing changed). */
int pkt_set_eth_addr(struct pkt *pkt, bool src, const uint8_t value[6], const uint8_t mask[6]);
/* The outermost tag's TCI (VID = mask 0x0fff, PCP = mask 0xe000). */
int pkt_set_vlan_tci(struct pkt *pkt, uint16_t value, uint16_t mask);
int pkt_set_ipv4_addr(struct pkt *pkt, const struct pkt_layers *l, bool src, uint32_t value,
                      uint32_t mask);
int pkt_set_ipv4_tos(struct pkt *pkt, const struct pkt_layers *l, uint8_t value, uint8_t mask);
int pkt_set_ipv4_ttl(struct pkt *pkt, const struct pkt_layers *l, uint8_t value, uint8_t mask);
int pkt_set_ipv6_addr(struct pkt *pkt, const struct pkt_layers *l, bool src,
                      const uint8_t value[16], const uint8_t mask[16]);
int pkt_set_ipv6_label(struct pkt *pkt, const struct pkt_layers *l, uint32_t value, uint32_t mask);
int pkt_set_ipv6_tc(struct pkt *pkt, const struct pkt_layers *l, uint8_t value, uint8_t mask);
int pkt_set_ipv6_hlimit(struct pkt *pkt, const struct pkt_layers *l, uint8_t value, uint8_t mask);
/* TCP, UDP or SCTP ('proto' = 6, 17, 132) port; the packet's L4 must be
 * 'proto'. */
int pkt_set_l4_port(struct pkt *pkt, const struct pkt_layers *l, uint8_t proto, bool src,
                    uint16_t value, uint16_t mask);
/* ICMP (v6 false) or ICMPv6 type (code false) or code. */
int pkt_set_icmp(struct pkt *pkt, const struct pkt_layers *l, bool v6, bool code, uint8_t value,
                 uint8_t mask);
/* IPv6 neighbor discovery: an ICMPv6 solicitation (135) or advertisement
 * (136) with code 0 and a well-formed option list, read as flow_extract()
 * reads it (options of 8-byte units walked to the end of the payload; a
 * zero-length or overrunning option, or a second link-layer address option
 * after a non-zero one, makes the message malformed).  Sets the target
 * address, or the MAC of the source (sll true: NS, option 1) or target (NA,
 * option 2) link-layer address option; the ICMPv6 checksum is updated.
 * -EINVAL (nothing changed) if the packet is not such a message or lacks
 * the option. */
int pkt_set_nd_target(struct pkt *pkt, const struct pkt_layers *l, const uint8_t value[16],
                      const uint8_t mask[16]);
int pkt_set_nd_lla(struct pkt *pkt, const struct pkt_layers *l, bool sll, const uint8_t value[6],
                   const uint8_t mask[6]);
int pkt_set_arp_op(struct pkt *pkt, const struct pkt_layers *l, uint16_t value, uint16_t mask);
/* ARP SPA (spa true) or TPA. */
int pkt_set_arp_ip(struct pkt *pkt, const struct pkt_layers *l, bool spa, uint32_t value,
                   uint32_t mask);
/* ARP SHA (sha true) or THA. */
int pkt_set_arp_mac(struct pkt *pkt, const struct pkt_layers *l, bool sha, const uint8_t value[6],
                    const uint8_t mask[6]);

/* Inserts a tag (TPID 'tpid', wire TCI 'tci') as the new outermost tag.
 * 0, -ENOSPC (headroom < 4) or -EINVAL (frame shorter than 12 bytes). */
int pkt_push_vlan(struct pkt *pkt, uint16_t tpid, uint16_t tci);
/* Removes the outermost tag.  0 or -EINVAL (no tag). */
int pkt_pop_vlan(struct pkt *pkt);

/* Decrements the IPv4 TTL (with checksum update) or IPv6 hop limit.  0 if
 * decremented, -ETIMEDOUT if it was <= 1 (unchanged: the caller drops the
 * packet), -EINVAL if the packet is not IP. */
int pkt_dec_ttl(struct pkt *pkt, const struct pkt_layers *l);

#endif
