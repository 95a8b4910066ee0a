/* packet.h - packets and batches of packets as they move between netdevs,
 * the datapath and the slow path.
 *
 * A 'struct pkt' does not own its bytes: 'data' points into a netdev's rx
 * ring (AF_PACKET TPACKET_V3 block) or an rx buffer the netdev owns.  The
 * bytes stay valid until the next netdev_rx_batch() call on the same netdev,
 * so a batch must be fully transmitted (copied into tx rings) before its
 * netdev is polled again.  'headroom' bytes before 'data' are writable, so a
 * later VLAN push can prepend without a copy. */
#ifndef PB_PACKET_H
#define PB_PACKET_H

#include <stddef.h>
#include <stdint.h>

#define PKT_BATCH_MAX 32
/* Largest frame we carry (jumbo MTU 9000 + Ethernet + two VLAN tags). */
#define PKT_MAX_LEN 9022

struct pkt {
	uint8_t *data;     /* first byte of the Ethernet header */
	uint32_t len;      /* bytes from 'data' */
	uint16_t headroom; /* writable bytes before 'data' */
	uint16_t pad;
};

/* Tunnel metadata of a packet received on a tunnel port (the outer header it
 * came in), or to send with one out of a tunnel port.  Addresses and the key
 * in host byte order; the Geneve option as the flow's tun_gnv_* fields (see
 * flow.h).  All zero = no tunnel. */
struct pkt_tnl {
	uint64_t tun_id;   /* VNI / GRE key */
	uint32_t tun_src;  /* outer IPv4 source */
	uint32_t tun_dst;  /* outer IPv4 destination */
	uint64_t gnv_data; /* Geneve option data (big-endian value) */
	uint16_t gnv_class;
	uint8_t gnv_type;
	uint8_t gnv_len; /* data bytes 0..8 */
	uint32_t pad;
};

/* 'tnl': NULL, or (set by a tunnel netdev's rx) an array of 'count' entries,
 * one per packet, owned by the netdev and valid as long as the packets. */
struct pkt_batch {
	uint32_t count;
	const struct pkt_tnl *tnl;
	struct pkt pkts[PKT_BATCH_MAX];
};

static inline void pkt_batch_init(struct pkt_batch *b)
{
	b->count = 0;
	b->tnl = NULL;
}

#endif
