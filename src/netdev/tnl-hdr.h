/* tnl-hdr.h - building and parsing the outer headers of the userspace
 * tunnels (VXLAN RFC 7348, Geneve RFC 8926, GRE RFC 2784/2890 carrying
 * Ethernet, protocol type 0x6558), over IPv4.
 *
 * Pure functions on byte buffers: no I/O, no global state, safe from any
 * thread.  Addresses, ports, keys are in host byte order.  The parsers never
 * read past 'len' and are fuzzed (tests/fuzz/fuzz-tunnel.c).
 *
 * Errors of the parsers (negative errno):
 *   -EINVAL           malformed: too short, bad length/version/flags
 *   -EPROTONOSUPPORT  well-formed but not for us: not Ethernet inside,
 *                     a critical Geneve option we do not carry
 *   -EBADMSG          a GRE checksum that does not verify */
#ifndef PB_TNL_HDR_H
#define PB_TNL_HDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/packet.h"

enum tnl_proto {
	TNL_VXLAN,
	TNL_GENEVE,
	TNL_GRE,
};

#define TNL_VXLAN_PORT   4789
#define TNL_GENEVE_PORT  6081
#define TNL_ETH_BRIDGING 0x6558 /* GRE / Geneve protocol type: Ethernet */
#define TNL_IPPROTO_GRE  47
#define TNL_IPPROTO_UDP  17

#define TNL_IPV4_HLEN   20
#define TNL_UDP_HLEN    8
#define TNL_VXLAN_HLEN  8
#define TNL_GENEVE_HLEN 8 /* without options */
/* Largest outer header we build: IPv4 + UDP + Geneve + one 8-byte option. */
#define TNL_MAX_HLEN (TNL_IPV4_HLEN + TNL_UDP_HLEN + TNL_GENEVE_HLEN + 4 + 8)
#define TNL_ETH_HLEN 14
/* Largest header tnl_build_frame() writes: Ethernet + TNL_MAX_HLEN. */
#define TNL_MAX_FRAME_HLEN (TNL_ETH_HLEN + TNL_MAX_HLEN)

/* Everything tnl_build() needs besides the inner frame. */
struct tnl_encap {
	enum tnl_proto proto;
	uint32_t src, dst;         /* outer IPv4 addresses */
	uint8_t ttl;               /* outer TTL */
	uint8_t tos;               /* outer TOS byte */
	bool df;                   /* set Don't Fragment */
	uint16_t ip_id;            /* IPv4 identification (0: a raw socket picks one) */
	bool udp_csum;             /* compute the UDP checksum (else 0) */
	uint16_t udp_src, udp_dst; /* UDP ports (VXLAN, Geneve) */
	uint64_t key;              /* VNI (24 bits) or GRE key (32 bits, 0 = none) */
	/* Geneve option (see flow.h): present when any of these is non-zero. */
	uint16_t gnv_class;
	uint8_t gnv_type;
	uint8_t gnv_len;
	uint64_t gnv_data;
};

/* Data bytes of the Geneve option an encap with this metadata carries (0, 4
 * or 8); -1 when there is no option at all.  gnv_len 0 with non-zero data
 * means 8; 1..4 means 4; more means 8. */
int tnl_geneve_opt_data_len(uint16_t cls, uint8_t type, uint8_t len, uint64_t data);

/* Length of the outer header (IPv4 + UDP + VXLAN/Geneve, or IPv4 + GRE) that
 * tnl_build() writes for 'e'. */
size_t tnl_hdr_len(const struct tnl_encap *e);

/* Writes the outer header for 'e' (tnl_hdr_len(e) bytes) at 'hdr', for the
 * 'inner_len'-byte Ethernet frame 'inner' that follows it on the wire: IPv4
 * header with its checksum (ID e->ip_id), UDP with length and (if e->udp_csum) the
 * checksum over the tunnel header and 'inner', then the tunnel header.
 * 'hdr' and 'inner' need not be contiguous.  Returns the header length, or
 * -EMSGSIZE if the outer packet would exceed 65535 bytes. */
int tnl_build(const struct tnl_encap *e, const uint8_t *inner, size_t inner_len, uint8_t *hdr);

/* Writes a whole Ethernet frame header for 'e' at 'hdr': Ethernet (destination
 * 'dst_mac', source 'src_mac', type IPv4) followed by tnl_build()'s header,
 * for sending on the underlay device itself (AF_PACKET).  Returns
 * TNL_ETH_HLEN + tnl_hdr_len(e) (at most TNL_MAX_FRAME_HLEN) or -EMSGSIZE. */
int tnl_build_frame(const struct tnl_encap *e, const uint8_t dst_mac[6], const uint8_t src_mac[6],
                    const uint8_t *inner, size_t inner_len, uint8_t *hdr);

/* A hash of the inner frame's addresses and ports (Ethernet, and IPv4/IPv6
 * with TCP/UDP/SCTP ports) mapped into the UDP source port range
 * 49152..65535 (RFC 7348 section 5). */
uint16_t tnl_udp_src_port(const uint8_t *frame, size_t len);

/* Parsers.  Each fills 'md' (tun_id and, for Geneve, the option; the caller
 * sets tun_src/tun_dst) and returns the offset of the inner Ethernet frame
 * within 'p', or a negative errno (see the top of this file).  An inner
 * frame shorter than an Ethernet header is -EINVAL. */

/* 'p': the UDP payload (VXLAN header first).  The I flag must be set; the
 * reserved bits are ignored (RFC 7348). */
int tnl_vxlan_parse(const uint8_t *p, size_t len, struct pkt_tnl *md);

/* 'p': the UDP payload.  Version 0 and protocol type 0x6558 are required.
 * The first option is kept in 'md' if its data is at most 8 bytes; an
 * option that is not kept and has the critical bit (type & 0x80) set gives
 * -EPROTONOSUPPORT (RFC 8926 section 3.5).  An OAM packet (O bit) is
 * -EPROTONOSUPPORT too. */
int tnl_geneve_parse(const uint8_t *p, size_t len, struct pkt_tnl *md);

/* 'p': the GRE header.  Version 0 without routing is required; a checksum
 * (C) is verified; the key (K) goes to md->tun_id; a sequence number (S) is
 * skipped. */
int tnl_gre_parse(const uint8_t *p, size_t len, struct pkt_tnl *md);

/* 'p': an IPv4 packet as a raw socket delivers it.  Checks version, IHL,
 * total length (which must fit in 'len'; bytes beyond it are ignored) and
 * that it is not a fragment.  Sets the addresses and protocol and returns
 * the header length; '*l4_len' gets the payload length.  -EINVAL if
 * malformed. */
int tnl_ipv4_parse(const uint8_t *p, size_t len, uint32_t *src, uint32_t *dst, uint8_t *proto,
                   size_t *l4_len);

/* Per-protocol pieces behind tnl_build(), for tnl-hdr.c: the length of the
 * tunnel header proper (after IPv4 [+ UDP]) and writing it at 'p'. */
size_t tnl_vxlan_hlen(const struct tnl_encap *e);
void tnl_vxlan_put(const struct tnl_encap *e, uint8_t *p);
size_t tnl_geneve_hlen(const struct tnl_encap *e);
void tnl_geneve_put(const struct tnl_encap *e, uint8_t *p);
size_t tnl_gre_hlen(const struct tnl_encap *e);
void tnl_gre_put(const struct tnl_encap *e, uint8_t *p);

#endif
