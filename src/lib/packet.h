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

struct pkt_batch {
	uint32_t count;
	struct pkt pkts[PKT_BATCH_MAX];
};

static inline void pkt_batch_init(struct pkt_batch *b)
{
	b->count = 0;
}

#endif
