/* flow.h - the flow key: every packet field the pipeline can match on, as
 * extracted from a packet plus its metadata (ingress port, tunnel, registers).
 *
 * One flat struct of 64-bit words.  The same layout serves as a key and as a
 * mask ('struct flow_wc': a bit set = that bit of the key matters), which is
 * what the classifier, the megaflow cache and the un-wildcarding translation
 * work on: they treat a flow as FLOW_U64S words and never look inside.
 *
 * All integer fields are in HOST byte order.  Fields that a packet does not
 * have are zero (e.g. tp_src for ARP).  ICMP type/code are carried in
 * tp_src/tp_dst (as OpenFlow's OVS heritage does); ARP's opcode in nw_proto,
 * its SPA/TPA in nw_src/nw_dst and SHA/THA in arp_sha/arp_tha.
 *
 * One Geneve option travels in the flow (docs/tunnels.md): tun_gnv_class,
 * tun_gnv_type, tun_gnv_len (0, 4 or 8 data bytes) and tun_gnv_data (the
 * data bytes as a big-endian number: 4 bytes are the low 32 bits).  The
 * option is present when any of class/type/len/data is non-zero; a data
 * value with len 0 is sent as 8 bytes.  Only the first option of a received
 * Geneve header is kept; the rest are dropped (not matched).
 *
 * Change FLOW_WC_SEQ whenever a field is added, removed or moved: code that
 * must follow such a change (extraction, formatting, the OXM codec) asserts
 * on it, so the build breaks where work is needed. */
#ifndef PB_FLOW_H
#define PB_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/packet.h"

#define FLOW_WC_SEQ 3
#define FLOW_N_REGS 8

/* vlan_tci / inner_vlan_tci: host-order TCI with VLAN_CFI set when a tag is
 * present (so "no tag" = 0 and "tag with vid 0" = VLAN_CFI), as in OVS.
 * vlan_tci is the OUTERMOST tag, the one OpenFlow's VLAN_VID/VLAN_PCP (and
 * OVS's dl_vlan/vlan_tci) match and that set_field/push/pop edit on the
 * wire; inner_vlan_tci is the second tag of a double-tagged (QinQ) frame.
 * The flow does not keep the inner tag's TPID: translation assumes 0x8100
 * for it once a pop_vlan makes it the outermost tag. */
#define VLAN_CFI       0x1000
#define VLAN_PCP_SHIFT 13
#define VLAN_PCP_MASK  0xe000
#define VLAN_VID_BITS  0x0fff

/* dl_type of an 802.3 frame without an LLC/SNAP ethertype (as in OVS). */
#define FLOW_DL_TYPE_NONE 0x05ff

/* IP protocol numbers used by the extraction. */
#define FLOW_IPPROTO_ICMP   1
#define FLOW_IPPROTO_TCP    6
#define FLOW_IPPROTO_UDP    17
#define FLOW_IPPROTO_ICMPV6 58
#define FLOW_IPPROTO_SCTP   132

/* tcp_flags: the low 12 bits of TCP header bytes 12-13 (NS..FIN). */
#define FLOW_TCP_FLAGS_MASK 0x0fff

/* At most this many IPv6 extension headers are walked. */
#define FLOW_IPV6_MAX_EXT 8

/* nw_frag bits. */
#define FLOW_NW_FRAG_ANY   0x01 /* any fragment (first or later) */
#define FLOW_NW_FRAG_LATER 0x02 /* a fragment other than the first */

struct flow {
	/* Metadata (words 0-7). */
	uint64_t metadata;          /* OpenFlow metadata */
	uint64_t tun_id;            /* tunnel key / VNI */
	uint32_t tun_src;           /* outer IPv4 source (tunnel ports) */
	uint32_t tun_dst;           /* outer IPv4 destination */
	uint32_t regs[FLOW_N_REGS]; /* NXM registers reg0..reg7 */
	uint32_t in_port;           /* OpenFlow ingress port */
	uint16_t tun_gnv_class;     /* Geneve option class (see tun_gnv_data) */
	uint8_t tun_gnv_type;       /* Geneve option type (critical bit 0x80) */
	uint8_t tun_gnv_len;        /* Geneve option data bytes: 0, 4 or 8 */

	/* L2 (words 8-10). */
	uint8_t dl_dst[6];
	uint8_t dl_src[6];
	uint16_t dl_type;        /* ethertype after any VLAN tags */
	uint16_t vlan_tci;       /* outermost (or only) tag, VLAN_CFI if present */
	uint16_t vlan_tpid;      /* that tag's TPID (0x8100 / 0x88a8), 0 if untagged */
	uint16_t inner_vlan_tci; /* second tag when there are two (QinQ), else 0 */
	uint8_t pad1[4];

	/* L3 (words 11-16). */
	uint32_t nw_src; /* IPv4 source / ARP SPA */
	uint32_t nw_dst; /* IPv4 destination / ARP TPA */
	uint8_t ipv6_src[16];
	uint8_t ipv6_dst[16];
	uint32_t ipv6_label; /* 20-bit flow label */
	uint8_t nw_proto;    /* IP protocol / low 8 bits of ARP opcode */
	uint8_t nw_tos;      /* DSCP << 2 | ECN */
	uint8_t nw_ttl;      /* TTL / hop limit */
	uint8_t nw_frag;     /* FLOW_NW_FRAG_* */

	/* ARP / ND (words 17-20). */
	uint8_t arp_sha[6]; /* ARP SHA / ND source link-layer address */
	uint8_t arp_tha[6]; /* ARP THA / ND target link-layer address */
	uint8_t nd_target[16];
	uint8_t pad2[4];

	/* L4 (word 21). */
	uint16_t tp_src;    /* TCP/UDP/SCTP source port, ICMP type */
	uint16_t tp_dst;    /* TCP/UDP/SCTP destination port, ICMP code */
	uint16_t tcp_flags; /* 12 bits */
	uint16_t pad3;

	/* Tunnel option data (word 22). */
	uint64_t tun_gnv_data; /* Geneve option data, big-endian value of the bytes */
};

#define FLOW_U64S (sizeof(struct flow) / sizeof(uint64_t))
_Static_assert(sizeof(struct flow) % sizeof(uint64_t) == 0, "flow must be whole 64-bit words");
_Static_assert(sizeof(struct flow) == 184, "flow layout changed: bump FLOW_WC_SEQ and update");
_Static_assert(offsetof(struct flow, dl_dst) == 64, "flow L2 must start at word 8");
_Static_assert(offsetof(struct flow, vlan_tci) == 78 && offsetof(struct flow, vlan_tpid) == 80 &&
                       offsetof(struct flow, inner_vlan_tci) == 82,
               "VLAN fields moved: bump FLOW_WC_SEQ and update");
_Static_assert(FLOW_U64S == 23, "flow word count changed: bump FLOW_WC_SEQ and update");

/* A mask over a flow: 1-bits are the bits that matter. */
struct flow_wc {
	struct flow masks;
};

static inline const uint64_t *flow_u64(const struct flow *f)
{
	return (const uint64_t *)(const void *)f;
}

/* Extracts every field of the packet 'pkt' into 'flow' (zeroing the rest);
 * 'flow->in_port' and the metadata fields are set from 'in_port' and zero.
 * Never reads past pkt->len: a truncated header leaves the deeper fields 0
 * (e.g. an IPv4 header cut short gives dl_type 0x0800 and nw_* 0).  Never
 * fails.  Details:
 *  - A frame shorter than 14 bytes: only in_port is set.
 *  - Up to two VLAN tags (TPID 0x8100 or 0x88a8): the first on the wire in
 *    vlan_tci/vlan_tpid, the second in inner_vlan_tci.  A tag cut short is
 *    not parsed (dl_type is then its TPID); so is a third tag.
 *  - 802.3 frames: LLC/SNAP with OUI 0 gives the SNAP ethertype, anything
 *    else FLOW_DL_TYPE_NONE.
 *  - IPv4: the header must have version 4, IHL >= 5 and total length >= IHL;
 *    L4 is bounded by the total length; a later fragment has no L4 fields.
 *  - IPv6: up to FLOW_IPV6_MAX_EXT extension headers (hop-by-hop, routing,
 *    destination options, fragment, AH) are skipped; nw_proto is the last
 *    next-header value (0 if an extension header is cut short).
 *  - TCP needs its full header (data offset), UDP 8, SCTP 12, ICMP 4 bytes.
 *  - ND (ICMPv6 135/136, code 0): nd_target and the SLL (NS) / TLL (NA)
 *    option in arp_sha / arp_tha; a malformed option list zeroes all three.
 *  - ARP: only Ethernet/IPv4 ARP (htype 1, ptype 0x0800, hlen 6, plen 4). */
void flow_extract(const struct pkt *pkt, uint32_t in_port, struct flow *flow);

/* Sets the tunnel fields of 'flow' (tun_id, tun_src, tun_dst, tun_gnv_*)
 * from a received packet's tunnel metadata 'tnl'. */
void flow_set_tunnel(struct flow *flow, const struct pkt_tnl *tnl);

/* Skips the IPv6 extension headers at 'p' ('len' bytes after the fixed
 * header), starting with next-header '*nexthdr'.  On return '*nexthdr' is the
 * upper-layer protocol and '*frag' the FLOW_NW_FRAG_* bits (after a later
 * fragment's header nothing more is parsed).  Returns the offset of the
 * upper-layer header, or -1 if an extension header is cut short. */
int flow_ipv6_skip_ext(const uint8_t *p, size_t len, uint8_t *nexthdr, uint8_t *frag);

/* Sets 'mask' to the fields that are meaningful for the packet 'flow' was
 * extracted from (metadata/tunnel/registers only when non-zero; L3/L4 by
 * dl_type and nw_proto).  Used to print a packet's flow. */
void flow_mask_for_packet(struct flow *mask, const struct flow *flow);

/* Writes 'flow' under 'mask' in ovs-ofctl match syntax into 'buf' ('len'
 * bytes, always NUL-terminated when len > 0), e.g.
 * "in_port=1,dl_src=..,dl_dst=..,dl_type=0x0800,nw_src=10.0.0.1/255.255.255.0"
 * omitting fields whose mask is 0; a partial mask prints "value/mask".
 * 'mask' NULL means flow_mask_for_packet(flow).  Names follow ovs-ofctl:
 * nw_src/nw_dst become arp_spa/arp_tpa and nw_proto arp_op for ARP; tp_src/
 * tp_dst become icmp_type/icmp_code (icmpv6_*) for ICMP; arp_sha/arp_tha are
 * nd_sll/nd_tll outside ARP; nw_tos prints as nw_tos (DSCP bits) and nw_ecn;
 * nw_frag as no/first/later (or yes/no, later/not_later for partial masks).
 * Returns the length of the full text (like snprintf; >= len means it was
 * truncated). */
int flow_format(const struct flow *flow, const struct flow *mask, char *buf, size_t len);

/* Hash of the words of 'flow' under 'mask' (both FLOW_U64S words), with
 * 'basis'.  Equal masked flows hash equal. */
uint32_t flow_hash_masked(const struct flow *flow, const struct flow *mask, uint32_t basis);
uint32_t flow_hash(const struct flow *flow, uint32_t basis);
/* True if 'a' and 'b' agree on every bit set in 'mask'. */
bool flow_equal_masked(const struct flow *a, const struct flow *b, const struct flow *mask);
/* dst = src & mask, word by word. */
void flow_apply_mask(struct flow *dst, const struct flow *src, const struct flow *mask);

#endif
